/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump save [--from CORE] [--entry ADDR] [--exclude=LIST|--no-exclude] [--verify] [-q] IMAGE */
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

enum { OPT_FROM = CHAR_MAX + 1, OPT_ENTRY, OPT_EXCLUDE, OPT_NO_EXCLUDE, OPT_VERIFY };

static const struct option save_opts_long[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "no-exclude", no_argument, NULL, OPT_NO_EXCLUDE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
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

/* The one line at the end of a save (unless -q). */
static void print_summary(const struct save_opts *o, const struct save_stats *st)
{
	char t[KJ_SIZE_STR], d[KJ_SIZE_STR], z[KJ_SIZE_STR], f[KJ_SIZE_STR], l[KJ_SIZE_STR];

	fprintf(stderr, "kdump: saved %s: %s of memory as %s of data in %" PRIu64
		" ranges (%s zero, %s free, %s lent to B left out) in %.1f s\n", o->out,
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
		case 'q': quiet = true; break;
		case 'h': kdump_cmd_usage(&kdump_cmd_save, stdout); return KJ_EXIT_OK;
		default: return kdump_bad_option(&kdump_cmd_save, c, argv);
		}
	}
	if (optind != argc - 1)
		return kdump_usage_error(&kdump_cmd_save, "save needs exactly one IMAGE to write");
	o.out = argv[optind];
	o.progress = !quiet && isatty(STDERR_FILENO);
	kdump_save_signals();
	if (kdump_save(&o, &st, &err) < 0)
		return kdump_fail_report(&err);
	if (!quiet)
		print_summary(&o, &st);
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
	" -q, --quiet              no progress, even on a terminal\n",
};
