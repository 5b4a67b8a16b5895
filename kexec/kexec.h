/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stages of one kexec run, called in order by main(). */
#ifndef KJ_KEXEC_H
#define KJ_KEXEC_H

#include <stddef.h>
#include <stdint.h>

#include "file.h"
#include "kj-error.h"
#include "memmap.h"
#include "options.h"
#include "plan.h"
#include "purgatory.h"
#include "sysinfo.h"

/* Long work says how far it got: show(ctx, what, percent) as the percent
 * changes, done(ctx) at the end.  The orchestrator gives one on a
 * terminal; NULL: quiet. */
struct kj_progress {
	void (*show)(void *ctx, const char *what, unsigned percent);
	void (*done)(void *ctx);
	void *ctx;
};

/* Everything a loader gets: parsed options, the system, the input bytes. */
struct kj_load_input {
	const struct kj_options *o;
	const struct kj_sysinfo *sys;
	const struct kj_file *kernel;
	const uint8_t *initrd;   /* the --initrd bytes; NULL when there are several
				  * files: then initrd_parts holds them, in order */
	size_t initrd_size;      /* all of them */
	/* read only when initrd is NULL and initrd_size is not 0 */
	const struct kj_file *initrd_parts;
	unsigned nr_initrd_parts;
	/* The plan only checks the inputs (kexec_file_load will load them
	 * and its own purgatory checks them): no digests. */
	bool check_only;
	const struct kj_progress *progress; /* NULL: quiet */
};

/* Run the action the options ask for; returns the exit code, printing
 * the error (if any) itself. */
int kj_run(const struct kj_options *o);

#endif
