/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump save: kernel A's memory, from an ELF core, into a loadable image. */
#ifndef KJ_KDUMP_SAVE_H
#define KJ_KDUMP_SAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
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

/*
 * The bounds a save checks before it walks a core page by page (pure, for
 * tests and fuzz-core): the top (end of the highest range) of the memory
 * the KEXECJMP memory-map note among notes describes, 0 without one; and
 * whether every PT_LOAD of c ends at or below top and all of them
 * together cover no more than top bytes (0, or -1 with err:
 * "NAME: PT_LOAD N (...) lies beyond the memory MAP describes ...").
 */
uint64_t kdump_memmap_top(const uint8_t *notes, size_t len);
int kdump_loads_fit(const struct core *c, const char *name, uint64_t top, const char *map,
		    struct kj_error *err);

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
