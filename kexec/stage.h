/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Staging: loading an image of more memory ranges than kexec_load(2) takes
 * segments (KEXEC_SEGMENT_MAX, 16): a saved image with A's free pages left
 * out has thousands.
 *
 * The image's file bytes (every PT_LOAD's, in file order: one stream) are
 * loaded as a few large segments, the staging areas, placed in RAM that no
 * PT_LOAD of the image covers (pages that were free in kernel A, which
 * nothing will read).  A copy list tells the purgatory where each piece
 * goes and which ranges become zeros (p_memsz beyond p_filesz); it runs
 * after the digest check, before entering the image.
 *
 * Why the order of the copies does not matter, and nothing is overwritten
 * before it is read: every destination lies inside the image's PT_LOADs,
 * and every byte the purgatory reads or runs from (staging areas, the list,
 * page tables, its own code and stack) lies in a page no PT_LOAD touches.
 * stage_check() proves exactly that on the final plan before any system
 * call.  Memory the image does not cover is left alone, as its saver meant.
 *
 * Pure functions over descriptions: the tests call them without root.
 */
#ifndef KJ_STAGE_H
#define KJ_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"
#include "memmap.h"
#include "plan.h"
#include "purgatory-abi.h"
#include "range.h"

/* One PT_LOAD of the image, in file (program header) order. */
struct stage_load {
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t offset; /* of its bytes in the file */
};

/* A staging segment: file bytes [offset, offset + len) at physical mem. */
struct stage_area {
	uint64_t mem;
	uint64_t offset;
	uint64_t len;
};

struct stage_plan {
	struct stage_area area[KJ_SEGMENT_MAX];
	size_t narea;
	struct purgatory_copy *copy; /* malloc'd; src PURGATORY_COPY_ZERO = zeros */
	size_t ncopy;
	uint64_t copy_bytes;         /* file bytes the purgatory copies */
	uint64_t zero_bytes;         /* bytes it zeroes */
	struct range *free;          /* RAM the image leaves alone, sorted */
	size_t nfree;
};

/*
 * Check the loads (no overlaps, inside `ram_limit`, each inside RAM of mm)
 * and compute the memory they leave alone: RAM of mm inside `place`, at
 * or above 1 MiB, below `limit`, minus every page a PT_LOAD touches.
 */
int stage_free_ranges(const struct stage_load *l, size_t n, const struct memmap *mm,
		      struct range place, uint64_t limit, const char *name,
		      struct stage_plan *sp, struct kj_error *err);

/*
 * Choose at most max_areas staging areas for the file bytes (largest free
 * ranges first; one area may not span two discontiguous pieces of the
 * file) and build the copy list.  Call after stage_free_ranges().
 */
int stage_build(const struct stage_load *l, size_t n, size_t max_areas, const char *name,
		struct stage_plan *sp, struct kj_error *err);

/*
 * The proof, on the final plan: no destination overlaps any segment of
 * the plan (staging areas, list, page tables, purgatory), every copy reads
 * from inside one staging area's loaded bytes, and destinations do not
 * overlap each other.
 */
int stage_check(const struct stage_plan *sp, const struct kj_plan *plan, struct kj_error *err);

void stage_free(struct stage_plan *sp);

#endif
