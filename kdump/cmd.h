/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump's commands, in the style of kmod's kmod_cmds[]: each is one entry
 * (kdump/cmd-NAME.c), main.c's table lists them, and kdump --help is made
 * from that table.  A command parses its own options (one getopt_long
 * pass) and takes -h/--help, which prints its usage (kdump_cmd_usage).
 */
#ifndef KJ_KDUMP_CMD_H
#define KJ_KDUMP_CMD_H

#include <stdio.h>

#include "kj-error.h"

struct kdump_cmd {
	const char *name;
	/* argv[0] is the command's name; returns the exit code (exitcodes.h) */
	int (*run)(int argc, char **argv);
	const char *help;    /* one line, for the list in kdump --help */
	const char *usage;   /* the synopsis after "kdump NAME" */
	/* its option items (" -x, --long=ARG   what it does"), or a few
	 * indented lines on its arguments when it has none, as kdump --help
	 * and kdump NAME --help print them; -h, --help is added to the latter */
	const char *options;
};

extern const struct kdump_cmd kdump_cmd_save;
extern const struct kdump_cmd kdump_cmd_info;
extern const struct kdump_cmd kdump_cmd_dmesg;

/* The option item of -h/--help, in the column the options text uses. */
#define KDUMP_HELP_ITEM " -h, --help               show this help\n"

/* Before a command's getopt_long pass: getopt_long starts afresh (optind
 * 0: glibc otherwise keeps the in-order "+" scan of main()'s pass, and
 * `kdump save IMAGE --verify` would stop at IMAGE) and prints nothing
 * (opterr 0: the command says what is wrong). */
void kdump_getopt_start(void);

/* kdump NAME --help: the synopsis, the one-line help, the options. */
void kdump_cmd_usage(const struct kdump_cmd *cmd, FILE *out);

/*
 * A bad command line: "kdump: MESSAGE" and "Try 'kdump NAME --help' for
 * more information." ('kdump --help' when cmd is NULL) on stderr.
 * Returns KJ_EXIT_USAGE.
 */
int kdump_usage_error(const struct kdump_cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* getopt_long's ':' (an argument missing) or '?' (an option unknown) as
 * kdump_usage_error() of cmd; c is what getopt_long returned. */
int kdump_bad_option(const struct kdump_cmd *cmd, int c, char **argv);

/* What failed: "kdump: MESSAGE" on stderr.  Returns err's exit code,
 * KJ_EXIT_FAILURE when it has none. */
int kdump_fail_report(const struct kj_error *err);

#endif
