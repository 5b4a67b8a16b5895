/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the staging planner (kexec/resume/stage.c).  Input:
 *   byte 0        number of memory-map entries (1..16)
 *   per entry     start, end (u64, end exclusive), type (u8: odd = RAM);
 *                 sorted, and cut so that they do not overlap
 *   place         start, end (u64)
 *   limit (u64), max_areas (u8), a range to reserve (start, size: u64)
 *   then PT_LOADs until the input ends (at most 300): paddr, filesz,
 *   memsz, offset (u64 each), made consistent as core_parse leaves them
 *   (filesz <= memsz, nothing wraps).
 * stage_free_ranges, stage_reserve, stage_build, then the plan of its
 * staging areas (and the reserved range as a segment) must pass
 * stage_check, the copy list must copy every file byte once and zero
 * every p_memsz beyond p_filesz once (stage.h).
 */
#include "fuzz-machine.h"

#include "stage.h"

#define MAX_LOADS 300

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct fz f = { d, n };
	struct memmap mm;
	struct stage_load *l = calloc(MAX_LOADS, sizeof(*l));
	struct stage_plan sp;
	struct range place, resv;
	uint64_t lo, hi, limit, files = 0, zeros = 0, copied = 0, zeroed = 0;
	size_t nl = 0, max_areas;
	bool reserved;

	if (!l)
		abort();
	fz_memmap(&f, &mm);
	/* entries do not overlap in a map the kernel shows */
	for (size_t i = 1; i < mm.n; i++)
		if (mm.e[i].r.start < range_end(mm.e[i - 1].r))
			mm.e[i].r = range_from_bounds(range_end(mm.e[i - 1].r), range_end(mm.e[i].r));
	lo = fz_u64(&f);
	hi = fz_u64(&f);
	place = range_from_bounds(lo, hi);
	limit = fz_u64(&f);
	max_areas = fz_u8(&f) % (KJ_SEGMENT_MAX + 2);
	resv.start = align_down(fz_u64(&f), KJ_PAGE_SIZE);
	resv.size = align_down(fz_u64(&f), KJ_PAGE_SIZE);
	if (resv.start + resv.size < resv.start)
		resv.size = 0;
	while (f.n && nl < MAX_LOADS) {
		struct stage_load *x = &l[nl++];

		x->paddr = fz_u64(&f);
		x->filesz = fz_u64(&f);
		x->memsz = fz_u64(&f);
		x->offset = fz_u64(&f);
		if (x->filesz > x->memsz)
			x->filesz = x->memsz;
		if (x->paddr + x->memsz < x->paddr)
			x->memsz = x->filesz = UINT64_MAX - x->paddr;
		if (x->offset + x->filesz < x->offset)
			x->offset = 0;
		files += x->filesz;
		zeros += x->memsz - x->filesz;
	}

	/* as x86's resume.c: staging stays above the first MiB */
	place = range_intersect(place, range_from_bounds(0x100000, UINT64_MAX));
	if (stage_free_ranges(l, nl, &mm, place, limit, "fuzz", &sp, &err) < 0)
		goto out;
	for (size_t i = 0; i < sp.nfree; i++) {
		FUZZ_CHECK(sp.free[i].size && sp.free[i].start % KJ_PAGE_SIZE == 0 &&
			   sp.free[i].size % KJ_PAGE_SIZE == 0);
		FUZZ_CHECK(sp.free[i].start >= 0x100000 && range_end(sp.free[i]) <= limit);
		FUZZ_CHECK(sp.free[i].start >= place.start &&
			   range_end(sp.free[i]) <= range_end(place));
		if (i)
			FUZZ_CHECK(range_end(sp.free[i - 1]) <= sp.free[i].start);
		for (size_t j = 0; j < nl; j++)
			FUZZ_CHECK(!range_overlaps(sp.free[i], range_make(l[j].paddr, l[j].memsz)));
	}
	for (size_t i = 0; i < sp.nzfree; i++)
		FUZZ_CHECK(sp.zfree[i].size && sp.zfree[i].start % KJ_PAGE_SIZE == 0 &&
			   sp.zfree[i].size % KJ_PAGE_SIZE == 0);
	reserved = resv.size && stage_reserve(&sp, resv) == 0;
	if (stage_build(l, nl, max_areas, "fuzz", &sp, &err) == 0) {
		struct kj_plan p;

		FUZZ_CHECK(sp.narea <= max_areas && sp.narea <= KJ_SEGMENT_MAX);
		plan_init(&p, &mm, place, 0, UINT64_MAX);
		for (size_t a = 0; a < sp.narea; a++) {
			FUZZ_CHECK(sp.area[a].len && sp.area[a].mem % KJ_PAGE_SIZE == 0);
			FUZZ_CHECK(plan_add(&p, "staging", NULL, (size_t)sp.area[a].len, sp.area[a].mem,
					    align_up(sp.area[a].len, KJ_PAGE_SIZE), &err) == 0);
			if (reserved)
				FUZZ_CHECK(!range_overlaps(resv, range_make(sp.area[a].mem,
									    sp.area[a].len)));
		}
		if (reserved && p.nseg < KJ_SEGMENT_MAX)
			plan_add(&p, "reserved", NULL, 0, resv.start, resv.size, &err);
		if (stage_check(&sp, &p, &err) < 0) {
			fprintf(stderr, "stage_check: %s\n", err.msg);
			FUZZ_CHECK(!"stage_build made a plan stage_check refuses");
		}
		for (size_t i = 0; i < sp.ncopy; i++) {
			if (sp.copy[i].src == PURGATORY_COPY_ZERO)
				zeroed += sp.copy[i].len;
			else
				copied += sp.copy[i].len;
		}
		FUZZ_CHECK(copied == files && sp.copy_bytes == files);
		FUZZ_CHECK(zeroed == zeros && sp.zero_bytes == zeros);
		plan_free(&p);
	}
	stage_free(&sp);
out:
	free(l);
	memmap_free(&mm);
	return 0;
}
