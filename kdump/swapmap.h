/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel A's kexec jump swap list, read back from A's memory in kernel B.
 *
 * With KEXEC_PRESERVE_CONTEXT the kernel exchanged every page it gave B
 * (each segment's destination) with a "source" page of A's memory, so while
 * B runs, A's own contents of those pages sit in the source pages.  The
 * list (destination and source entries, relocate_kernel's swap_pages) is
 * reachable from the jump-back entry: that address lies in A's control
 * page, whose data area keeps the list's physical address
 * (CP_PA_BACKUP_PAGES_MAP in relocate_kernel_{64,32}.S).
 *
 * kdump uses it to read A's memory as A sees it (its kernel image usually
 * lies in B's window), e.g. for the free-page walk.
 */
#ifndef KJ_KDUMP_SWAPMAP_H
#define KJ_KDUMP_SWAPMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "freepages.h"
#include "kj-error.h"

struct swapmap {
	uint64_t *dest;   /* page addresses, ascending */
	uint64_t *src;
	size_t n;
};

/* Read the list through mem, starting from the jump-back entry. */
int swapmap_read(const struct oldmem *mem, bool is64, uint64_t jump_back_entry,
		 struct swapmap *out, struct kj_error *err);
/* The page holding A's contents of page `page` (itself when not swapped). */
uint64_t swapmap_lookup(const struct swapmap *m, uint64_t page);
void swapmap_free(struct swapmap *m);

#endif
