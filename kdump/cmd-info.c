/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump info [--verify] IMAGE */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "exitcodes.h"
#include "image-check.h"
#include "info.h"

enum { OPT_VERIFY = CHAR_MAX + 1 };

static const struct option info_opts_long[] = {
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_info(int argc, char **argv)
{
	struct kj_error err = { 0, "" };
	bool verify = false;
	const char *path;
	int c;

	kdump_getopt_start();
	while ((c = getopt_long(argc, argv, ":h", info_opts_long, NULL)) != -1) {
		switch (c) {
		case OPT_VERIFY: verify = true; break;
		case 'h': kdump_cmd_usage(&kdump_cmd_info, stdout); return KJ_EXIT_OK;
		default: return kdump_bad_option(&kdump_cmd_info, c, argv);
		}
	}
	if (optind == argc)
		return kdump_usage_error(&kdump_cmd_info, "info needs an IMAGE");
	if (argc - optind > 1)
		return kdump_usage_error(&kdump_cmd_info, "unexpected argument '%s'", argv[optind + 1]);
	path = argv[optind];
	if (kdump_info(path, stdout, &err) < 0 || (verify && kdump_verify_image(path, &err) < 0))
		return kdump_fail_report(&err);
	if (verify)
		printf("verified: the data matches its SHA-256\n");
	return KJ_EXIT_OK;
}

const struct kdump_cmd kdump_cmd_info = {
	.name = "info",
	.run = cmd_info,
	.help = "Show what an image saved by kdump save holds",
	.usage = "[--verify] IMAGE",
	.options =
	"     --verify             re-read the image and check its SHA-256\n",
};
