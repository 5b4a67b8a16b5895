/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump dmesg [FILE] */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "dmesg.h"
#include "exitcodes.h"

static const struct option dmesg_opts_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int cmd_dmesg(int argc, char **argv)
{
	struct kj_error err = { 0, "" };
	int c;

	kdump_getopt_start();
	while ((c = getopt_long(argc, argv, ":h", dmesg_opts_long, NULL)) != -1) {
		switch (c) {
		case 'h': kdump_cmd_usage(&kdump_cmd_dmesg, stdout); return KJ_EXIT_OK;
		default: return kdump_bad_option(&kdump_cmd_dmesg, c, argv);
		}
	}
	if (argc - optind > 1)
		return kdump_usage_error(&kdump_cmd_dmesg, "unexpected argument '%s'", argv[optind + 1]);
	if (kdump_dmesg(optind < argc ? argv[optind] : "/proc/vmcore", stdout, &err) < 0) {
		fflush(stdout); /* what was printed before the line saying why it stopped */
		return kdump_fail_report(&err);
	}
	return KJ_EXIT_OK;
}

const struct kdump_cmd kdump_cmd_dmesg = {
	.name = "dmesg",
	.run = cmd_dmesg,
	.help = "Print the kernel log an ELF core holds",
	.usage = "[FILE]",
	.options =
	"  FILE                    the ELF core holding the kernel's memory:\n"
	"                          /proc/vmcore by default, or a saved image; the\n"
	"                          log (printk ring buffer, Linux 5.10 and later)\n"
	"                          is printed as makedumpfile --dump-dmesg does\n",
};
