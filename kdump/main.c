/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump: save kernel A's memory from kernel B (kexec jump) or from a crash
 * kernel as an image kexec can load again.
 *
 *   kdump save [--from CORE] [--entry ADDR] [--exclude=LIST|--no-exclude] [--verify] IMAGE
 *   kdump info [--verify] IMAGE
 *   kdump dmesg [FILE]
 *
 * The commands are the table below (kdump/cmd-NAME.c each); this file
 * finds the one asked for and prints kdump --help from the table.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "exitcodes.h"

static const struct kdump_cmd *const kdump_cmds[] = {
	&kdump_cmd_save,
	&kdump_cmd_info,
	&kdump_cmd_dmesg,
};
#define NR_CMDS (sizeof(kdump_cmds) / sizeof(kdump_cmds[0]))

static const struct option main_opts_long[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "%s kdump %s %s\n", i ? "      " : "Usage:", kdump_cmds[i]->name,
			kdump_cmds[i]->usage);
	fputs("Save kernel A's memory (from /proc/vmcore in kernel B) as an image\n"
	      "kexec -l --args-none can load, show what an image holds, and print\n"
	      "the kernel log an ELF core holds.\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "  %-8s %s\n", kdump_cmds[i]->name, kdump_cmds[i]->help);
	for (size_t i = 0; i < NR_CMDS; i++)
		fprintf(out, "\n%s:\n%s", kdump_cmds[i]->name, kdump_cmds[i]->options);
	fputs("\n"
	      "Other:\n"
	      " -h, --help               show this help (after a command: its own)\n"
	      " -v, --version            show the version\n", out);
}

/* "save, info or dmesg" */
static const char *command_names(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_CMDS && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					!i ? "" : i == NR_CMDS - 1 ? " or " : ", ", kdump_cmds[i]->name);
	return buf;
}

static const struct kdump_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_CMDS; i++)
		if (!strcmp(kdump_cmds[i]->name, name))
			return kdump_cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct kdump_cmd *cmd;
	char names[128];
	int c;

	/* kdump's own options, up to the command ('+': the command's are its own) */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hv", main_opts_long, NULL)) != -1) {
		switch (c) {
		case 'h': usage(stdout); return KJ_EXIT_OK;
		case 'v':
			printf("kdump (kexec-jump) %s (%s)\n", PACKAGE_VERSION, KJ_CONFIGURE_SUMMARY);
			printf("configure options: %s\n", *KJ_CONFIGURE_ARGS ? KJ_CONFIGURE_ARGS : "(none)");
			return KJ_EXIT_OK;
		default: return kdump_bad_option(NULL, c, argv);
		}
	}
	if (optind == argc)
		return kdump_usage_error(NULL, "a command is needed: %s",
					 command_names(names, sizeof(names)));
	cmd = find_cmd(argv[optind]);
	if (!cmd)
		return kdump_usage_error(NULL, "unknown command '%s' (%s)", argv[optind],
					 command_names(names, sizeof(names)));
	return cmd->run(argc - optind, argv + optind);
}
