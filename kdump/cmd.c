/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What kdump's commands share: their usage, usage errors and failures. */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "exitcodes.h"

void kdump_getopt_start(void)
{
	optind = 0;
	opterr = 0;
}

void kdump_cmd_usage(const struct kdump_cmd *cmd, FILE *out)
{
	fprintf(out, "Usage: kdump %s %s\n%s.\n\n%s" KDUMP_HELP_ITEM, cmd->name, cmd->usage,
		cmd->help, cmd->options);
}

int kdump_usage_error(const struct kdump_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kdump: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kdump %s%s--help' for more information.\n", cmd ? cmd->name : "",
		cmd ? " " : "");
	return KJ_EXIT_USAGE;
}

int kdump_bad_option(const struct kdump_cmd *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return kdump_usage_error(cmd, "option '%s' needs an argument", arg);
	/* a short one: getopt_long may still be inside the word (-xq), which
	 * is then not argv[optind - 1] yet */
	if (optopt > 0 && optopt <= CHAR_MAX && strncmp(arg, "--", 2))
		return kdump_usage_error(cmd, "unrecognized option '-%c'", optopt);
	return kdump_usage_error(cmd, "unrecognized option '%s'", arg);
}

int kdump_fail_report(const struct kj_error *err)
{
	fprintf(stderr, "kdump: %s\n", err->msg);
	return err->exit_code ? err->exit_code : KJ_EXIT_FAILURE;
}
