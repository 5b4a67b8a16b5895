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
 * Staging areas go in RAM no PT_LOAD touches, or in pages a PT_LOAD
 * covers only with zeros (p_memsz beyond p_filesz: makedumpfile -E images
 * cover all RAM that way).  The list holds every copy first and every
 * zero fill after them.
 *
 * Why nothing is overwritten before it is read: every copy's destination
 * holds file bytes of the image, and no segment (staging areas, the list,
 * page tables, the purgatory's code and stack) lies in such a page; zero
 * fills may land on staging areas, but only after every copy is done, and
 * never on the list, the page tables or the purgatory, which lie in RAM
 * the image does not touch at all.  So the order among the copies does not
 * matter.  stage_check() proves exactly that on the final plan before any
 * system call.  Memory the image does not cover is left alone, as its
 * saver meant.
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
	struct range *zfree;         /* RAM the image only zeroes, sorted */
	size_t nzfree;
};

/*
 * Check the loads (no overlaps, inside `ram_limit`, each inside RAM of mm)
 * and compute the memory they leave alone: RAM of mm inside `place` (the
 * caller's: --mem-min/--mem-max and what the architecture keeps for
 * itself, x86's first MiB), below `limit`, minus every page a PT_LOAD
 * touches; and
 * the pages PT_LOADs only zero (inside p_memsz beyond p_filesz).
 */
int stage_free_ranges(const struct stage_load *l, size_t n, const struct memmap *mm,
		      struct range place, uint64_t limit, const char *name,
		      struct stage_plan *sp, struct kj_error *err);

/* Take r (page aligned, inside one free range) out of the free ranges:
 * room for what must survive every copy and zero fill (the list, the
 * purgatory), reserved before the staging areas take the rest. */
int stage_reserve(struct stage_plan *sp, struct range r);

/*
 * Choose at most max_areas staging areas for the file bytes (largest
 * ranges of free or zero-only RAM first; one area may not span two discontiguous pieces of the
 * file) and build the copy list.  Call after stage_free_ranges().
 */
int stage_build(const struct stage_load *l, size_t n, size_t max_areas, const char *name,
		struct stage_plan *sp, struct kj_error *err);

/*
 * The proof, on the final plan: no copy's destination overlaps any
 * segment of the plan; zero fills come after every copy and overlap no
 * segment but staging areas; every copy reads from inside one staging
 * area's loaded bytes; destinations do not overlap each other.
 */
int stage_check(const struct stage_plan *sp, const struct kj_plan *plan, struct kj_error *err);

void stage_free(struct stage_plan *sp);

#endif
