/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump save [--from CORE] [--entry ADDR] [--exclude=LIST|--no-exclude] [--verify]
 *            [--mount=DEVICE] [--force] [-q] IMAGE */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "exitcodes.h"
#include "kj-error.h"
#include "kj-number.h"
#include "save.h"
#include "target.h"

enum { OPT_FROM = CHAR_MAX + 1, OPT_ENTRY, OPT_EXCLUDE, OPT_NO_EXCLUDE, OPT_VERIFY, OPT_MOUNT,
       OPT_FORCE };

static const struct option save_opts_long[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "no-exclude", no_argument, NULL, OPT_NO_EXCLUDE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --exclude=LIST: a comma-separated set of page classes to leave out.
 * Returns KJ_EXIT_OK, or the usage error's exit code. */
static int parse_exclude(const char *list, struct save_opts *o)
{
	const char *p = list;

	o->exclude_zero = o->exclude_free = o->exclude_lent = false;
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 4 && !strncmp(p, "zero", 4))
			o->exclude_zero = true;
		else if (n == 4 && !strncmp(p, "free", 4))
			o->exclude_free = true;
		else if (n == 4 && !strncmp(p, "lent", 4))
			o->exclude_lent = true;
		else
			return kdump_usage_error(&kdump_cmd_save,
						 "--exclude: '%.*s' is not zero, free or lent", (int)n, p);
		p += n + (p[n] == ',');
	}
	return KJ_EXIT_OK;
}

/* The one line at the end of a save (unless -q); `where` names the image
 * as the user sees it ("image.elf on /dev/vda" with --mount). */
static void print_summary(const char *where, const struct save_stats *st)
{
	char t[KJ_SIZE_STR], d[KJ_SIZE_STR], z[KJ_SIZE_STR], f[KJ_SIZE_STR], l[KJ_SIZE_STR];

	fprintf(stderr, "kdump: saved %s: %s of memory as %s of data in %" PRIu64
		" ranges (%s zero, %s free, %s lent to B left out) in %.1f s\n", where,
		kj_size_str(t, st->total_bytes), kj_size_str(d, st->data_bytes), st->nloads,
		kj_size_str(z, st->zero_bytes), kj_size_str(f, st->free_bytes),
		kj_size_str(l, st->lent_bytes), st->seconds);
}

static int cmd_save(int argc, char **argv)
{
	struct save_opts o = { .from = "/proc/vmcore", .exclude_zero = true, .exclude_free = true,
				 .exclude_lent = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };
	struct save_target t = { 0 };
	bool quiet = false;
	int c, rc;

	kdump_getopt_start();
	while ((c = getopt_long(argc, argv, ":qh", save_opts_long, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: o.from = optarg; break;
		case OPT_ENTRY:
			if (kj_parse_u64(optarg, &o.entry) < 0)
				return kdump_usage_error(&kdump_cmd_save, "--entry: '%s' is not an address",
							 optarg);
			o.entry_given = true;
			break;
		case OPT_EXCLUDE:
			if ((rc = parse_exclude(optarg, &o)) != KJ_EXIT_OK)
				return rc;
			break;
		case OPT_NO_EXCLUDE: o.exclude_zero = o.exclude_free = o.exclude_lent = false; break;
		case OPT_VERIFY: o.verify = true; break;
		case OPT_MOUNT: t.mount_dev = optarg; break;
		case OPT_FORCE: t.force = true; break;
		case 'q': quiet = true; break;
		case 'h': kdump_cmd_usage(&kdump_cmd_save, stdout); return KJ_EXIT_OK;
		default: return kdump_bad_option(&kdump_cmd_save, c, argv);
		}
	}
	if (optind != argc - 1)
		return kdump_usage_error(&kdump_cmd_save, "save needs exactly one IMAGE to write");
	t.image = argv[optind];
	t.in_jump = target_in_jump();
	if (target_prepare(&t, &err) < 0) {
		target_free(&t);
		return kdump_fail_report(&err);
	}
	o.out = t.path;
	o.disks_recorded = t.disks_recorded;
	o.disks = t.disks.v;
	o.ndisks = t.disks.n;
	o.progress = !quiet && isatty(STDERR_FILENO);
	kdump_save_signals();
	rc = kdump_save(&o, &st, &err);
	if (rc == 0 && !quiet) {
		char where[PATH_MAX + 64];

		if (t.mount_dev)
			snprintf(where, sizeof(where), "%s on %s", t.image, t.dev_path);
		else
			snprintf(where, sizeof(where), "%s", t.image);
		print_summary(where, &st);
	}
	if (rc == 0 && !quiet && t.disks_recorded)
		fprintf(stderr, "kdump: recorded %zu file system%s kernel A has in use%s\n", t.disks.n,
			t.disks.n == 1 ? "" : "s", t.disks.n ? "" : " (none found)");
	if (target_finish(&t, rc == 0 ? &err : &(struct kj_error){ 0, "" }) < 0 && rc == 0)
		rc = -1;
	target_free(&t);
	if (rc < 0)
		return kdump_fail_report(&err);
	return KJ_EXIT_OK;
}

const struct kdump_cmd kdump_cmd_save = {
	.name = "save",
	.run = cmd_save,
	.help = "Save kernel A's memory as an image kexec can load",
	.usage = "[OPTION]... IMAGE",
	.options =
	"     --from=CORE          read this ELF core instead of /proc/vmcore\n"
	"     --entry=ADDR         where to resume A (default: kexec_jump_back_entry=\n"
	"                          on /proc/cmdline)\n"
	"     --exclude=LIST       what to leave out, of: zero (recorded as zero,\n"
	"                          not as data), free (pages free in A), lent (the\n"
	"                          pages A lent to B: A's contents are saved where\n"
	"                          the kernel swapped them, and A's jump back swaps\n"
	"                          them home on resume); default zero,free,lent\n"
	"     --no-exclude         save every page\n"
	"     --verify             re-read the image and check its SHA-256\n"
	"     --mount=DEVICE       check that kernel A has no use of DEVICE's file\n"
	"                          system, mount it and write IMAGE inside it\n"
	"     --force              write even where kdump cannot tell that A has no\n"
	"                          use of the file system (a jump's kernel B only\n"
	"                          writes where it checked, by default)\n"
	" -q, --quiet              no progress, even on a terminal\n",
};
