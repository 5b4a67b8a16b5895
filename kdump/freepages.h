/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Find the pages that were free (in the buddy allocator) in the old kernel,
 * by walking its struct page array as described by VMCOREINFO.
 *
 * Layouts: x86_64 SPARSEMEM (classic or EXTREME, with or without VMEMMAP),
 * FLATMEM (mem_map) on x86_64 and i386, i386 SPARSEMEM (static/extreme).
 * Virtual addresses of the old kernel are translated by walking its page
 * tables from init_top_pgt (x86_64, 4- or 5-level), falling back to the
 * kernel-text mapping (virt - __START_KERNEL_map + phys_base) and, when the
 * layout is provably not randomized (NUMBER(VMALLOC_START) has its default
 * value), the default direct map.  On i386 only the lowmem direct map
 * (virt - PAGE_OFFSET) is used, which is where mem_map and mem_section live.
 *
 * Free ("buddy") pages are recognised by the mark in page._mapcount /
 * page.page_type, whose encoding NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) tells:
 *   0xf0000000 (low 24 bits zero)  Linux 6.12+: type in the top byte
 *                                  (page_type >> 24 == PGTY_buddy 0xf0)
 *   ~PG_buddy (one bit clear)      4.18..6.11: PAGE_TYPE_BASE with the
 *                                  PG_buddy bit cleared (6.1: ~0x80)
 *   other (e.g. -128)              older: _mapcount equals the value
 *   (absent, NUMBER(PG_buddy))     very old: PG_buddy bit in page.flags
 * The order of a free block is page.private of its head page; the block
 * covers 1 << order pages.
 */
#ifndef KDUMP_FREEPAGES_H
#define KDUMP_FREEPAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"
#include "vmcoreinfo.h"

/* Read len bytes of the old kernel's physical memory at paddr; 0 or -1. */
struct oldmem {
	int (*read)(void *ctx, uint64_t paddr, void *buf, size_t len);
	void *ctx;
};

/* What a walk found and how (optional output of freepages_walk_stats). */
struct freepages_stats {
	const char *layout;      /* "flatmem", "sparsemem", "sparsemem-extreme" */
	const char *buddy_style; /* how PageBuddy was tested */
	const char *translation; /* how old-kernel virtual addresses were read */
	uint64_t pages_scanned;  /* struct pages examined */
	uint64_t free_pages;     /* pages reported free */
	uint64_t runs;           /* mark() calls */
	uint64_t sections;       /* present memory sections (sparsemem) */
};

/*
 * Call mark(ctx, pfn, count) for every run of pages that were free (buddy
 * allocator) in the old kernel, among pfns < max_pfn; runs are ascending,
 * maximal and do not overlap.  is64: the old kernel is x86_64 (else i386).
 * Returns 0, or -1 with err filled when the VMCOREINFO lacks what the walk
 * needs, memory it needs is unreadable, or what it reads is inconsistent
 * (then the caller saves everything).  mark is only called once the whole
 * walk has succeeded: after -1 it has not been called at all.
 */
int freepages_walk(const struct vmcoreinfo *vi, bool is64, const struct oldmem *mem,
		   uint64_t max_pfn, void (*mark)(void *ctx, uint64_t pfn, uint64_t count),
		   void *ctx, struct kj_error *err);

/* The same, also filling *st (if not NULL) on success. */
int freepages_walk_stats(const struct vmcoreinfo *vi, bool is64,
			 const struct oldmem *mem, uint64_t max_pfn,
			 void (*mark)(void *ctx, uint64_t pfn, uint64_t count),
			 void *ctx, struct freepages_stats *st, struct kj_error *err);

#endif
