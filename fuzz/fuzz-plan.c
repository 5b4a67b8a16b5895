/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the placement planner (kexec/plan.c).  Input:
 *   byte 0            number of memory-map entries (1..16)
 *   per entry         start, end (u64, end exclusive), type (u8: odd = RAM)
 *   place             start, end (u64; --mem-min/--mem-max)
 *   ram_pages (u32), dest_limit (u64)
 *   then operations until the input ends (at most 40), op byte:
 *     0  plan_find_space(size u64, align 2^(u8 % 40), within [lo, hi),
 *        top-down bit) and plan_add at what it found
 *     1  the same (area start, end, size, align, top-down) outside
 *        the place (.outside_place), and plan_add at what it found
 *     2  plan_add(mem u64, memsz u64, bufsz u32) as given
 *     3  plan_check_ram_share(pages u64)
 * then plan_check and plan_print.  What plan_find_space finds must be
 * aligned, inside one RAM entry, inside the limits and clear of every
 * segment (plan.h).
 */
#include "fuzz-machine.h"

#include "plan.h"

static void check_found(const struct kj_plan *p, struct range limit, uint64_t size,
			uint64_t align, uint64_t at)
{
	struct range r;
	bool in_ram = false;

	if (align < KJ_PAGE_SIZE)
		align = KJ_PAGE_SIZE;
	size = align_up(size, KJ_PAGE_SIZE);
	r = range_make(at, size);
	FUZZ_CHECK(at % align == 0);
	FUZZ_CHECK(at + size > at);
	FUZZ_CHECK(range_contains(limit, r));
	for (size_t i = 0; i < p->mm->n; i++)
		in_ram = in_ram || (p->mm->e[i].type == KJ_MEM_RAM && range_contains(p->mm->e[i].r, r));
	FUZZ_CHECK(in_ram);
	for (size_t i = 0; i < p->nseg; i++)
		FUZZ_CHECK(!range_overlaps(r, range_make(p->seg[i].mem, p->seg[i].memsz)));
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const uint8_t junk[1];
	struct kj_error err = { 0, "" };
	struct fz f = { d, n };
	struct memmap mm;
	struct kj_plan p;
	struct range place;
	uint64_t ram_pages, dest_limit, lo, hi, at;
	static FILE *null;

	fz_memmap(&f, &mm);
	lo = fz_u64(&f);
	hi = fz_u64(&f);
	place = range_from_bounds(lo, hi);
	ram_pages = fz_u32(&f);
	dest_limit = fz_u64(&f);
	plan_init(&p, &mm, place, ram_pages, dest_limit);

	for (int ops = 0; f.n && ops < 40; ops++) {
		uint8_t op = fz_u8(&f);
		uint64_t size, align;
		bool top;
		struct range limit;
		struct kj_space want;

		switch (op % 4) {
		case 0:
			size = fz_u64(&f);
			align = 1ull << (fz_u8(&f) % 40);
			lo = fz_u64(&f);
			hi = fz_u64(&f);
			top = op & 0x80;
			limit = range_intersect(range_from_bounds(lo, hi), p.place);
			want = (struct kj_space){ .size = size, .align = align,
						  .within = range_from_bounds(lo, hi), .top_down = top };
			if (plan_find_space(&p, want, &at) == 0) {
				check_found(&p, limit, size, align, at);
				plan_add(&p, "found", junk, 1, at, align_up(size, KJ_PAGE_SIZE), &err);
			}
			break;
		case 1:
			lo = fz_u64(&f);
			hi = fz_u64(&f);
			size = fz_u64(&f);
			align = 1ull << (fz_u8(&f) % 40);
			top = op & 0x80;
			limit = range_from_bounds(lo, hi);
			want = (struct kj_space){ .size = size, .align = align, .within = limit,
						  .outside_place = true, .top_down = top };
			if (plan_find_space(&p, want, &at) == 0) {
				check_found(&p, limit, size, align, at);
				plan_add(&p, "found in", junk, 1, at, align_up(size, KJ_PAGE_SIZE), &err);
			}
			break;
		case 2:
			at = fz_u64(&f);
			size = fz_u64(&f);
			plan_add(&p, "given", junk, fz_u32(&f), at, size, &err);
			break;
		case 3:
			plan_check_ram_share(fz_u64(&f), ram_pages, "fuzz", &err);
			break;
		}
	}
	if (plan_check(&p, &err) == 0) {
		FUZZ_CHECK(p.nseg >= 1 && p.nseg <= KJ_SEGMENT_MAX);
		for (size_t i = 0; i < p.nseg; i++)
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(!range_overlaps(range_make(p.seg[i].mem, p.seg[i].memsz),
							   range_make(p.seg[j].mem, p.seg[j].memsz)));
	}
	if (!null)
		null = fopen("/dev/null", "w");
	if (null)
		plan_print(&p, null);
	plan_free(&p);
	memmap_free(&mm);
	return 0;
}
