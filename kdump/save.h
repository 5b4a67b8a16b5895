/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump save: kernel A's memory, from an ELF core, into a loadable image. */
#ifndef KJ_KDUMP_SAVE_H
#define KJ_KDUMP_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "fsscan.h"
#include "kj-error.h"

struct save_opts {
	const char *from;      /* the ELF core: /proc/vmcore by default */
	const char *out;       /* the image to write */
	uint64_t entry;        /* where to resume A */
	bool entry_given;
	bool exclude_zero;     /* record all-zero pages as zero, not as data */
	bool exclude_free;     /* leave out pages free in A (through VMCOREINFO) */
	bool exclude_lent;     /* leave out the pages A lent to B (swapped): their
				* contents are in the source pages, which are saved */
	bool verify;           /* re-read the image and check its SHA-256 */
	bool progress;         /* show progress (on a terminal) */
	/* the file systems kernel A had in use, for the disk note (written
	 * when disks_recorded, with none too: "none in use") */
	bool disks_recorded;
	const struct fs_found *disks;
	size_t ndisks;
};

struct save_stats {
	uint64_t total_bytes;  /* memory in the source's PT_LOADs */
	uint64_t data_bytes;   /* written */
	uint64_t zero_bytes;   /* recorded as zero */
	uint64_t free_bytes;   /* left out as free */
	uint64_t lent_bytes;   /* left out as lent to B (saved at the source pages) */
	uint64_t nloads;       /* PT_LOADs in the image */
	double seconds;
};

int kdump_save(const struct save_opts *o, struct save_stats *st, struct kj_error *err);
/* Stop a save in progress (signal handlers call it); the save then fails
 * and leaves nothing under the final name. */
void kdump_save_interrupt(void);
/* Catch every signal whose default action ends the process (those not
 * ignored or caught already): the save stops, the temporary file is
 * removed, and a second signal or a fault ends the process at once, the
 * file removed too. */
void kdump_save_signals(void);

#endif
