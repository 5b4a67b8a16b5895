/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump: save kernel A's memory from kernel B (kexec jump) or from a crash
 * kernel as an image kexec can load again.
 *
 *   kdump save [--from CORE] [--entry ADDR] [--exclude=LIST|--no-exclude] [--verify] IMAGE
 *   kdump info [--verify] IMAGE
 *   kdump dmesg [FILE]
 */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmesg.h"
#include "exitcodes.h"
#include "image-check.h"
#include "info.h"
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

static void usage(FILE *out)
{
	fputs("Usage: kdump save [OPTION]... IMAGE\n"
	      "       kdump info [--verify] IMAGE\n"
	      "       kdump dmesg [FILE]\n"
	      "Save kernel A's memory (from /proc/vmcore in kernel B) as an image\n"
	      "kexec -l --args-none can load, show what an image holds, and print\n"
	      "the kernel log an ELF core holds.\n"
	      "\n"
	      "save:\n"
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
	      " -q, --quiet              no progress, even on a terminal\n"
	      "\n"
	      "info:\n"
	      "     --verify             re-read the image and check its SHA-256\n"
	      "\n"
	      "dmesg:\n"
	      "  print the kernel log (printk ring buffer, Linux 5.10 and later) of the\n"
	      "  kernel whose memory FILE holds, /proc/vmcore by default or a saved\n"
	      "  image, as makedumpfile --dump-dmesg writes it\n"
	      "\n"
	      "Other:\n"
	      " -h, --help               show this help\n"
	      " -v, --version            show the version\n", out);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kdump: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kdump --help' for more information.\n");
	return KJ_EXIT_USAGE;
}

static int cmd_save(int argc, char **argv)
{
	struct save_opts o = { .from = "/proc/vmcore", .exclude_zero = true, .exclude_free = true,
				 .exclude_lent = true };
	struct save_stats st;
	struct kj_error err = { 0, "" };
	bool quiet = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qh", save_opts_long, NULL)) != -1) {
		switch (c) {
		case OPT_FROM: o.from = optarg; break;
		case OPT_ENTRY:
			if (kj_parse_u64(optarg, &o.entry) < 0)
				return usage_error("--entry: '%s' is not an address", optarg);
			o.entry_given = true;
			break;
		case OPT_EXCLUDE: {
			/* a comma-separated set of page classes to leave out */
			const char *p = optarg;

			o.exclude_zero = o.exclude_free = o.exclude_lent = false;
			while (*p) {
				size_t n = strcspn(p, ",");

				if (n == 4 && !strncmp(p, "zero", 4))
					o.exclude_zero = true;
				else if (n == 4 && !strncmp(p, "free", 4))
					o.exclude_free = true;
				else if (n == 4 && !strncmp(p, "lent", 4))
					o.exclude_lent = true;
				else
					return usage_error("--exclude: '%.*s' is not zero, free or lent", (int)n, p);
				p += n + (p[n] == ',');
			}
			break;
		}
		case OPT_NO_EXCLUDE: o.exclude_zero = o.exclude_free = o.exclude_lent = false; break;
		case OPT_VERIFY: o.verify = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return KJ_EXIT_OK;
		case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error("unrecognized option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("save needs exactly one IMAGE to write");
	o.out = argv[optind];
	o.progress = !quiet && isatty(STDERR_FILENO);
	kdump_save_signals();
	if (kdump_save(&o, &st, &err) < 0) {
		fprintf(stderr, "kdump: %s\n", err.msg);
		return err.exit_code ? err.exit_code : KJ_EXIT_FAILURE;
	}
	if (!quiet) {
		char t[KJ_SIZE_STR], d[KJ_SIZE_STR], z[KJ_SIZE_STR], f[KJ_SIZE_STR], l[KJ_SIZE_STR];

		fprintf(stderr, "kdump: saved %s: %s of memory as %s of data in %" PRIu64
			" ranges (%s zero, %s free, %s lent to B left out) in %.1f s\n", o.out,
			kj_size_str(t, st.total_bytes), kj_size_str(d, st.data_bytes), st.nloads,
			kj_size_str(z, st.zero_bytes), kj_size_str(f, st.free_bytes),
			kj_size_str(l, st.lent_bytes), st.seconds);
	}
	return KJ_EXIT_OK;
}

static int cmd_info(int argc, char **argv)
{
	struct kj_error err = { 0, "" };
	bool verify = false;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--verify"))
			verify = true;
		else if (argv[i][0] == '-')
			return usage_error("unrecognized option '%s'", argv[i]);
		else if (path)
			return usage_error("unexpected argument '%s'", argv[i]);
		else
			path = argv[i];
	}
	if (!path)
		return usage_error("info needs an IMAGE");
	if (kdump_info(path, stdout, &err) < 0 || (verify && kdump_verify_image(path, &err) < 0)) {
		fprintf(stderr, "kdump: %s\n", err.msg);
		return err.exit_code ? err.exit_code : KJ_EXIT_FAILURE;
	}
	if (verify)
		printf("verified: the data matches its SHA-256\n");
	return KJ_EXIT_OK;
}

static int cmd_dmesg(int argc, char **argv)
{
	struct kj_error err = { 0, "" };
	const char *path = NULL;
	bool options = true;

	for (int i = 1; i < argc; i++) {
		if (options && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
			usage(stdout);
			return KJ_EXIT_OK;
		} else if (options && !strcmp(argv[i], "--")) {
			options = false;
		} else if (options && argv[i][0] == '-' && argv[i][1]) {
			return usage_error("unrecognized option '%s'", argv[i]);
		} else if (path) {
			return usage_error("unexpected argument '%s'", argv[i]);
		} else {
			path = argv[i];
		}
	}
	if (kdump_dmesg(path ? path : "/proc/vmcore", stdout, &err) < 0) {
		fflush(stdout);
		fprintf(stderr, "kdump: %s\n", err.msg);
		return err.exit_code ? err.exit_code : KJ_EXIT_FAILURE;
	}
	return KJ_EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("a command is needed: save, info or dmesg");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return KJ_EXIT_OK;
	}
	if (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version")) {
		printf("kdump (kexec-jump) %s (%s)\n", PACKAGE_VERSION, KJ_CONFIGURE_SUMMARY);
		printf("configure options: %s\n", *KJ_CONFIGURE_ARGS ? KJ_CONFIGURE_ARGS : "(none)");
		return KJ_EXIT_OK;
	}
	if (!strcmp(argv[1], "save"))
		return cmd_save(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dmesg"))
		return cmd_dmesg(argc - 1, argv + 1);
	return usage_error("unknown command '%s' (save, info or dmesg)", argv[1]);
}
