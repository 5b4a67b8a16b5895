/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec: parse the command line once, then run the one action it names. */
#include <stdio.h>

#include "exitcodes.h"
#include "kexec.h"
#include "options.h"

int main(int argc, char *argv[])
{
	struct kj_options opts;
	struct kj_error err = { 0, "" };

	if (kj_parse_options(argc, argv, &opts, &err) < 0) {
		fprintf(stderr, "kexec: %s\nTry 'kexec --help' for more information.\n", err.msg);
		return KJ_EXIT_USAGE;
	}
	return kj_run(&opts);
}
