// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for kdump/freepages.c: synthetic struct page arrays for each
 * supported layout (FLATMEM, SPARSEMEM static/EXTREME, VMEMMAP through a
 * synthetic 4- and 5-level page table, direct-map fallback) and both buddy
 * encodings (6.1 cleared PG_buddy bit, 6.12 page_type byte); then such
 * memories written as vmcore files (ELF64 x86_64, ELF32 i386) and read
 * back the way kdump reads them, kdump save --exclude=free included.
 */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "freepages.h"
#include "vmcoreinfo.h"

#define MEM_SIZE (32u << 20)
#define SIM_MEM_SIZE MEM_SIZE
#define BUDDY_612 "-268435456"  /* PGTY_buddy << 24 */
#define BUDDY_61  "-129"        /* ~PG_buddy (0x80) */
#define T612_BUDDY 0xf0000000u
#define T61_BUDDY  0xffffff7fu

#include "sim-mem.h"

/* ---- collecting runs ------------------------------------------------ */

struct runs {
	uint64_t pfn[64], count[64];
	int n;
	uint64_t total;
};

static void collect(void *ctx, uint64_t pfn, uint64_t count)
{
	struct runs *r = ctx;

	r->total += count;
	if (r->n < 64) {
		r->pfn[r->n] = pfn;
		r->count[r->n] = count;
	}
	r->n++;
}

static void expect_runs(const struct runs *r, const uint64_t (*exp)[2], int n)
{
	int i;

	for (i = 0; i < r->n && i < 64; i++)
		print_message("  run %d: pfn %#" PRIx64 " +%" PRIu64 "\n", i,
			      r->pfn[i], r->count[i]);
	assert_int_equal(r->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(r->pfn[i], exp[i][0]);
		assert_int_equal(r->count[i], exp[i][1]);
	}
}

static void parse_vi(struct vmcoreinfo *vi, const char *text)
{
	struct kj_error err = { 0 };

	assert_int_equal(vmcoreinfo_parse(text, strlen(text), vi, &err), 0);
}

/* ---- i386 FLATMEM ---------------------------------------------------- */

/*
 * mem_map variable at virt 0xc0001000 (phys 0x1000) points to the array at
 * virt 0xc0010000 (phys 0x10000); 1024 pages of 32 bytes; i386 offsets.
 */
#define FM_ARRAY 0x10000u
#define FM_PAGES 1024u

static char *flat_vi(const char *buddy, const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "OSRELEASE=test\nPAGESIZE=4096\n"
		 "SYMBOL(_stext)=c0100000\nSYMBOL(mem_map)=c0001000\n"
		 "NUMBER(VMALLOC_START)=0xc8800000\n"
		 "SIZE(page)=32\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=24\n"
		 "OFFSET(page.private)=20\nLENGTH(zone.free_area)=11\n"
		 "%s%s%s%s",
		 buddy ? "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=" : "",
		 buddy ? buddy : "", buddy ? "\n" : "", extra ? extra : "");
	return buf;
}

static void flat_page(uint32_t pfn, uint32_t type, uint32_t priv)
{
	sim_put(FM_ARRAY + pfn * 32 + 24, type, 4);
	sim_put(FM_ARRAY + pfn * 32 + 20, priv, 4);
}

static void flat_init(void)
{
	uint32_t p;

	sim_put(0x1000, 0xc0000000u + FM_ARRAY, 4);
	for (p = 0; p < FM_PAGES; p++)
		flat_page(p, 0xffffffffu, 0x55555555u); /* _mapcount -1 */
}

static void flat_buddies(uint32_t mark)
{
	flat_page(7, mark, 0);
	flat_page(8, mark, 3);
	flat_page(16, mark, 4);
	flat_page(100, mark, 2);
	flat_page(512, mark, 9);
	flat_page(600, mark, 20); /* inside the 512 block: never looked at */
	flat_page(201, 0, 0);     /* mapped once */
}

static const uint64_t flat_expect[][2] = { { 7, 25 }, { 100, 4 }, { 512, 512 } };

static void test_flatmem_612(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct freepages_stats st;
	struct runs r = { 0 };

	(void)state;
	flat_init();
	flat_buddies(T612_BUDDY);
	flat_page(200, 0xf5000000u, 0);  /* PGTY_slab */
	flat_page(202, T61_BUDDY, 0);    /* the 6.1 mark means nothing in 6.12 */
	flat_page(203, 0xf1000000u, 0);  /* PGTY_offline */
	parse_vi(&vi, flat_vi(BUDDY_612, NULL));
	assert_int_equal(freepages_walk_stats(&vi, false, &simmem, FM_PAGES, collect, &r,
					      &st, &err), 0);
	expect_runs(&r, flat_expect, 3);
	assert_string_equal(st.layout, "flatmem");
	assert_int_equal(st.free_pages, 541);
	vmcoreinfo_free(&vi);
}

static void test_flatmem_61(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };

	(void)state;
	flat_init();
	flat_buddies(T61_BUDDY);
	flat_page(202, 0xfffffeffu, 0);  /* PG_offline cleared: not buddy */
	flat_page(203, 0x7fffff7fu, 0);  /* top bit clear: a (huge) mapcount */
	flat_page(204, 0xfffffffeu, 0);  /* _mapcount underflow -2 */
	parse_vi(&vi, flat_vi(BUDDY_61, NULL));
	assert_int_equal(freepages_walk(&vi, false, &simmem, FM_PAGES, collect, &r, &err), 0);
	expect_runs(&r, flat_expect, 3);
	vmcoreinfo_free(&vi);
}

static void test_flatmem_old_mapcount(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };

	(void)state;
	flat_init();
	flat_buddies((uint32_t)-128);
	flat_page(202, (uint32_t)-129, 0);
	parse_vi(&vi, flat_vi("-128", NULL));
	assert_int_equal(freepages_walk(&vi, false, &simmem, FM_PAGES, collect, &r, &err), 0);
	expect_runs(&r, flat_expect, 3);
	vmcoreinfo_free(&vi);
}

static void test_flatmem_max_pfn_clips(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };
	static const uint64_t exp[][2] = { { 7, 25 }, { 100, 4 }, { 512, 88 } };

	(void)state;
	flat_init();
	flat_buddies(T612_BUDDY);
	parse_vi(&vi, flat_vi(BUDDY_612, NULL));
	assert_int_equal(freepages_walk(&vi, false, &simmem, 600, collect, &r, &err), 0);
	expect_runs(&r, exp, 3);
	/* nothing to walk */
	memset(&r, 0, sizeof(r));
	assert_int_equal(freepages_walk(&vi, false, &simmem, 0, collect, &r, &err), 0);
	assert_int_equal(r.n, 0);
	vmcoreinfo_free(&vi);
}

/* Each failure: -1, a message, and mark() never called. */
static void expect_fail(const char *vitext, uint64_t max_pfn, const char *what)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };

	parse_vi(&vi, vitext);
	assert_int_equal(freepages_walk(&vi, false, &simmem, max_pfn, collect, &r, &err), -1);
	print_message("  %s: %s\n", what, err.msg);
	assert_true(strlen(err.msg) > 0);
	assert_int_not_equal(err.exit_code, 0);
	assert_int_equal(r.n, 0);
	vmcoreinfo_free(&vi);
}

static void test_flatmem_errors(void **state)
{
	(void)state;
	flat_init();
	flat_buddies(T612_BUDDY);

	expect_fail(flat_vi(NULL, NULL), FM_PAGES, "no buddy value");
	expect_fail(flat_vi("12345", NULL), FM_PAGES, "odd buddy value");
	expect_fail("PAGESIZE=4096\nSIZE(page)=32\n", FM_PAGES, "nearly empty");
	expect_fail(flat_vi(BUDDY_612, "SIZE(page)=20\n"), FM_PAGES, "conflicting SIZE(page)");
	expect_fail("PAGESIZE=8192\n", FM_PAGES, "page size");

	/* order beyond MAX_PAGE_ORDER: a misread array, give up */
	flat_page(256, T612_BUDDY, 11);
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "order 11");
	flat_page(256, T612_BUDDY, 0xffffffffu);
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "order ~0");
	/* a block not aligned to its order */
	flat_page(256, T612_BUDDY, 0);
	flat_page(258, T612_BUDDY, 2);
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "misaligned block");
	flat_page(258, 0xffffffffu, 0);

	/* unreadable struct pages in the middle of the array */
	sim.holes[0] = (struct sim_hole){ FM_ARRAY + 700 * 32, FM_ARRAY + 701 * 32 };
	sim.nholes = 1;
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "hole in the array");
	/* the mem_map pointer itself unreadable (kernel image not dumped) */
	sim.holes[0] = (struct sim_hole){ 0x1000, 0x2000 };
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "mem_map unreadable");
	sim.nholes = 0;
	/* mem_map pointing outside lowmem */
	sim_put(0x1000, 0x10000, 4);
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "mem_map outside lowmem");
	sim_put(0x1000, 0, 4);
	expect_fail(flat_vi(BUDDY_612, NULL), FM_PAGES, "mem_map NULL");
}

/* Garbage page arrays must terminate (0 or -1), never crash or hang. */
static void test_flatmem_garbage(void **state)
{
	unsigned seed = 99;
	int round;

	(void)state;
	for (round = 0; round < 40; round++) {
		struct vmcoreinfo vi;
		struct kj_error err = { 0 };
		struct runs r = { 0 };
		uint32_t i;

		flat_init();
		for (i = 0; i < FM_PAGES * 32; i++)
			sim.mem[FM_ARRAY + i] = (unsigned char)rand_r(&seed);
		for (i = 0; i < FM_PAGES; i++) {
			if (rand_r(&seed) % 3 == 0)
				sim_put(FM_ARRAY + i * 32 + 24, T612_BUDDY, 4);
			if (rand_r(&seed) % 2 == 0)
				sim_put(FM_ARRAY + i * 32 + 20, (uint32_t)rand_r(&seed) % 12, 4);
		}
		parse_vi(&vi, flat_vi(BUDDY_612, NULL));
		if (freepages_walk(&vi, false, &simmem, FM_PAGES + (uint32_t)round,
				   collect, &r, &err) == 0)
			assert_true(r.total <= FM_PAGES + (uint32_t)round);
		else
			assert_int_equal(r.n, 0);
		vmcoreinfo_free(&vi);
	}
}

/* ---- i386 SPARSEMEM (static array) ---------------------------------- */

static void test_sparsemem_static_i386(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };
	struct freepages_stats st;
	static const uint64_t exp[][2] = { { 0x3ff0, 17 } };
	uint32_t p;
	const char *text =
		"PAGESIZE=4096\nSYMBOL(_stext)=c1000000\n"
		"SYMBOL(mem_section)=c0002000\nLENGTH(mem_section)=64\n"
		"SIZE(mem_section)=8\nOFFSET(mem_section.section_mem_map)=0\n"
		"NUMBER(SECTION_SIZE_BITS)=26\nNUMBER(MAX_PHYSMEM_BITS)=32\n"
		"SIZE(page)=32\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=24\n"
		"OFFSET(page.private)=20\nLENGTH(zone.free_area)=11\n"
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=" BUDDY_612 "\n";

	(void)state;
	/* section 0: memmap at phys 0x10000; section 1 (pfn 0x4000..) at
	 * phys 0x100000, encoded as memmap - 0x4000 * 32; section 2 absent */
	sim_put(0x2000, (0xc0000000u + 0x10000) | 0x3, 4);
	sim_put(0x2008, (0xc0000000u + 0x100000 - 0x4000 * 32) | 0xb, 4);
	sim_put(0x2010, 0, 4);
	for (p = 0; p < 0x4000; p++) {
		sim_put(0x10000 + p * 32 + 24, 0xffffffffu, 4);
		sim_put(0x100000 + p * 32 + 24, 0xffffffffu, 4);
	}
	sim_put(0x10000 + 0x3ff0 * 32 + 24, T612_BUDDY, 4);
	sim_put(0x10000 + 0x3ff0 * 32 + 20, 4, 4);
	sim_put(0x100000 + 24, T612_BUDDY, 4);
	sim_put(0x100000 + 20, 0, 4);
	parse_vi(&vi, text);
	assert_int_equal(freepages_walk_stats(&vi, false, &simmem, 0xc000, collect, &r,
					      &st, &err), 0);
	expect_runs(&r, exp, 1);
	assert_string_equal(st.layout, "sparsemem");
	assert_int_equal(st.sections, 2);
	vmcoreinfo_free(&vi);
}

/* ---- x86_64 SPARSEMEM_EXTREME + VMEMMAP through page tables --------- */

#define PT_P   0x3ULL   /* present | rw */
#define PT_PSE 0x83ULL  /* present | rw | PSE */
#define VMEMMAP 0xffffea0000000000ULL
#define DIRECT  0xffff888000000000ULL

static unsigned idx(uint64_t v, unsigned shift)
{
	return (unsigned)((v >> shift) & 511);
}

static uint64_t vmemmap_phys(uint64_t pfn)
{
	uint64_t off = pfn * 64;

	if (pfn < 0x8000) /* section 0: 4K pages, scattered in reverse */
		return 0x1200000 + (511 - (off >> 12)) * 4096 + (off & 4095);
	return 0x1400000 + (off - 0x400000); /* section 2: one 2M page */
}

static void x64_page(uint64_t pfn, uint32_t type, uint64_t priv)
{
	sim_put(vmemmap_phys(pfn) + 48, type, 4);
	sim_put(vmemmap_phys(pfn) + 40, priv, 8);
}

static void build_x64_vmemmap(bool l5)
{
	uint64_t pml4 = l5 ? 0x1006000 : 0x1000000, p;
	unsigned i;

	if (l5) {
		sim_put(0x1000000 + idx(DIRECT, 48) * 8, pml4 | PT_P, 8);
		sim_put(0x1000000 + idx(VMEMMAP, 48) * 8, pml4 | PT_P, 8);
	}
	/* direct map: 2M pages over the first 32 MiB */
	sim_put(pml4 + idx(DIRECT, 39) * 8, 0x1001000 | PT_P, 8);
	sim_put(0x1001000 + idx(DIRECT, 30) * 8, 0x1002000 | PT_P, 8);
	for (i = 0; i < 16; i++)
		sim_put(0x1002000 + i * 8, ((uint64_t)i << 21) | PT_PSE, 8);
	/* vmemmap: 4K pages for section 0, nothing for 1, a 2M page for 2 */
	sim_put(pml4 + idx(VMEMMAP, 39) * 8, 0x1003000 | PT_P, 8);
	sim_put(0x1003000 + idx(VMEMMAP, 30) * 8, 0x1004000 | PT_P, 8);
	sim_put(0x1004000 + 0 * 8, 0x1005000 | PT_P, 8);
	for (i = 0; i < 512; i++)
		sim_put(0x1005000 + i * 8, (0x1200000 + (511 - i) * 4096ULL) | PT_P, 8);
	sim_put(0x1004000 + 2 * 8, 0x1400000 | PT_PSE, 8);
	/* mem_section roots at phys 0x1100000, root 0 at phys 0x1101000 */
	sim_put(0x1100000, DIRECT + 0x1101000, 8);
	sim_put(0x1101000 + 0 * 16, VMEMMAP | 0xf, 8);
	sim_put(0x1101000 + 1 * 16, 0, 8);
	sim_put(0x1101000 + 2 * 16, VMEMMAP | 0x3, 8);
	for (p = 0; p < 0x8000; p++)
		x64_page(p, 0xffffffffu, 0x5555);
	for (p = 0x10000; p < 0x18000; p++)
		x64_page(p, 0xffffffffu, 0x5555);
	x64_page(0x40, T612_BUDDY, 6);
	x64_page(0x7ff8, T612_BUDDY, 3);
	x64_page(0x10000, T612_BUDDY, 10);
	x64_page(0x10001, T612_BUDDY, 10); /* inside the block above */
	x64_page(0x10400, T612_BUDDY, 0);
	x64_page(0x12000, 0xf2000000u, 0); /* PGTY_table */
	x64_page(0x17fff, T612_BUDDY, 0);
}

static char *x64_vi(bool l5, const char *extra)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "OSRELEASE=6.12.0\nPAGESIZE=4096\n"
		 "SYMBOL(swapper_pg_dir)=ffffffff81000000\n"
		 "SYMBOL(vmemmap)=ffffea0000000000\n"
		 "SYMBOL(mem_section)=ffff888001100000\nLENGTH(mem_section)=%d\n"
		 "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n"
		 "NUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=%d\n"
		 "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=48\n"
		 "OFFSET(page.private)=40\nLENGTH(zone.free_area)=11\n"
		 "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=" BUDDY_612 "\n"
		 "NUMBER(phys_base)=%s\nSYMBOL(init_top_pgt)=%s\n"
		 "NUMBER(pgtable_l5_enabled)=%d\nKERNELOFFSET=0\n%s",
		 l5 ? 131072 : 2048, l5 ? 52 : 46,
		 /* phys_base + (sym - __START_KERNEL_map) = 0x1000000 */
		 "-16777216", "ffffffff82000000", l5 ? 1 : 0, extra ? extra : "");
	return buf;
}

static const uint64_t x64_expect[][2] = {
	{ 0x40, 64 }, { 0x7ff8, 8 }, { 0x10000, 1025 }, { 0x17fff, 1 }
};

static void run_x64_vmemmap(bool l5)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };
	struct freepages_stats st;

	build_x64_vmemmap(l5);
	parse_vi(&vi, x64_vi(l5, NULL));
	assert_int_equal(freepages_walk_stats(&vi, true, &simmem, 0x18000, collect, &r,
					      &st, &err), 0);
	expect_runs(&r, x64_expect, 4);
	assert_string_equal(st.layout, "sparsemem-extreme-vmemmap");
	assert_int_equal(st.sections, 2);
	print_message("  translation: %s\n", st.translation);
	assert_non_null(strstr(st.translation, l5 ? "5-level" : "4-level"));
	/* max_pfn cuts through a block */
	memset(&r, 0, sizeof(r));
	assert_int_equal(freepages_walk(&vi, true, &simmem, 0x10200, collect, &r, &err), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.pfn[2], 0x10000);
	assert_int_equal(r.count[2], 0x200);
	vmcoreinfo_free(&vi);

	/* a vmemmap page table entry missing: error, no marks */
	sim_put(0x1005000 + 7 * 8, 0, 8);
	parse_vi(&vi, x64_vi(l5, NULL));
	memset(&r, 0, sizeof(r));
	assert_int_equal(freepages_walk(&vi, true, &simmem, 0x18000, collect, &r, &err), -1);
	print_message("  missing PTE: %s\n", err.msg);
	assert_int_equal(r.n, 0);
	vmcoreinfo_free(&vi);
}

static void test_x64_vmemmap_4level(void **state)
{
	(void)state;
	run_x64_vmemmap(false);
}

static void test_x64_vmemmap_5level(void **state)
{
	(void)state;
	run_x64_vmemmap(true);
}

/* ---- x86_64 SPARSEMEM_EXTREME, page tables not dumped ---------------- */

static void build_x64_direct(void)
{
	uint64_t p;

	sim_put(0x1100000, DIRECT + 0x1101000, 8);
	sim_put(0x1101000 + 0 * 16, (DIRECT + 0x1200000) | 0x3, 8);
	sim_put(0x1101000 + 1 * 16, (DIRECT + 0x1600000 - 0x8000 * 64) | 0x3, 8);
	for (p = 0; p < 0x8000; p++) {
		sim_put(0x1200000 + p * 64 + 48, 0xffffffffu, 4);
		sim_put(0x1600000 + p * 64 + 48, 0xffffffffu, 4);
	}
	sim_put(0x1200000 + 48, T61_BUDDY, 4);
	sim_put(0x1200000 + 40, 0, 8);
	sim_put(0x1600000 + 48, T61_BUDDY, 4);
	sim_put(0x1600000 + 40, 10, 8);
	sim_put(0x1600000 + 0x7ff0 * 64 + 48, T61_BUDDY, 4);
	sim_put(0x1600000 + 0x7ff0 * 64 + 40, 4, 8);
	sim.holes[0] = (struct sim_hole){ 0x1f00000, 0x1f01000 }; /* init_top_pgt */
	sim.nholes = 1;
}

static char *x64_direct_vi(const char *vmalloc)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf),
		 "OSRELEASE=6.1.0\nPAGESIZE=4096\n"
		 "SYMBOL(mem_section)=ffff888001100000\nLENGTH(mem_section)=2048\n"
		 "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n"
		 "NUMBER(SECTION_SIZE_BITS)=27\nNUMBER(MAX_PHYSMEM_BITS)=46\n"
		 "SIZE(page)=64\nOFFSET(page.flags)=0\nOFFSET(page._mapcount)=48\n"
		 "OFFSET(page.private)=40\nLENGTH(zone.free_area)=11\n"
		 "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=" BUDDY_61 "\n"
		 "NUMBER(VMALLOC_START)=%s\n"
		 "NUMBER(phys_base)=0\nSYMBOL(init_top_pgt)=ffffffff81f00000\n"
		 "NUMBER(pgtable_l5_enabled)=0\n",
		 vmalloc);
	return buf;
}

static void test_x64_direct_fallback(void **state)
{
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct runs r = { 0 };
	struct freepages_stats st;
	static const uint64_t exp[][2] = { { 0, 1 }, { 0x8000, 1024 }, { 0xfff0, 16 } };

	(void)state;
	build_x64_direct();
	parse_vi(&vi, x64_direct_vi("0xffffc90000000000"));
	assert_int_equal(freepages_walk_stats(&vi, true, &simmem, 0x10000, collect, &r,
					      &st, &err), 0);
	expect_runs(&r, exp, 3);
	assert_string_equal(st.layout, "sparsemem-extreme");
	assert_non_null(strstr(st.translation, "default direct map"));
	vmcoreinfo_free(&vi);

	/* randomized layout (KASLR memory): no safe translation, give up */
	memset(&r, 0, sizeof(r));
	parse_vi(&vi, x64_direct_vi("0xffffb00000000000"));
	assert_int_equal(freepages_walk(&vi, true, &simmem, 0x10000, collect, &r, &err), -1);
	print_message("  randomized: %s\n", err.msg);
	assert_int_equal(r.n, 0);
	vmcoreinfo_free(&vi);

	/* LENGTH(mem_section) fitting no layout */
	memset(&r, 0, sizeof(r));
	{
		char text[2048];

		snprintf(text, sizeof(text), "%s",
			 x64_direct_vi("0xffffc90000000000"));
		*strstr(text, "=2048") = '\0';
		strcat(text, "=2047\nSIZE(page)=64\nLENGTH(zone.free_area)=11\n"
			     "PAGESIZE=4096\nSYMBOL(mem_section)=ffff888001100000\n"
			     "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=" BUDDY_61 "\n"
			     "OFFSET(page.flags)=0\nOFFSET(page._mapcount)=48\n"
			     "OFFSET(page.private)=40\nNUMBER(SECTION_SIZE_BITS)=27\n"
			     "NUMBER(MAX_PHYSMEM_BITS)=46\nSIZE(mem_section)=16\n"
			     "OFFSET(mem_section.section_mem_map)=0\n");
		parse_vi(&vi, text);
		assert_int_equal(freepages_walk(&vi, true, &simmem, 0x10000, collect, &r,
						&err), -1);
		print_message("  bad LENGTH: %s\n", err.msg);
		vmcoreinfo_free(&vi);
	}
}

/* ---- vmcore files written from the simulated memory ----------------- */

struct vmcore {
	int fd;
	bool is64;
	struct { uint64_t paddr, off, size; } seg[16];
	int nseg;
	char *note;
	size_t note_len;
};

static int vmcore_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct vmcore *c = ctx;
	int i;

	for (i = 0; i < c->nseg; i++)
		if (paddr >= c->seg[i].paddr && paddr - c->seg[i].paddr <= c->seg[i].size &&
		    len <= c->seg[i].size - (paddr - c->seg[i].paddr))
			return pread(c->fd, buf, len, (off_t)(c->seg[i].off + paddr -
							       c->seg[i].paddr)) ==
					       (ssize_t)len ? 0 : -1;
	return -1;
}

static void vmcore_note(struct vmcore *c, uint64_t off, uint64_t size)
{
	unsigned char *b;
	uint64_t p = 0;

	if (size > 65536 || !(b = malloc(size)))
		return;
	if (pread(c->fd, b, size, (off_t)off) == (ssize_t)size) {
		while (p + 12 <= size) {
			uint32_t nsz, dsz;
			uint64_t d;

			memcpy(&nsz, b + p, 4);
			memcpy(&dsz, b + p + 4, 4);
			d = p + 12 + ((nsz + 3ULL) & ~3ULL);
			if (d > size || dsz > size - d)
				break;
			if (nsz >= 10 && !memcmp(b + p + 12, "VMCOREINFO", 10) &&
			    (c->note = malloc(dsz ? dsz : 1))) {
				memcpy(c->note, b + d, dsz);
				c->note_len = dsz;
				break;
			}
			p = d + ((dsz + 3ULL) & ~3ULL);
		}
	}
	free(b);
}

static bool vmcore_open(struct vmcore *c, const char *path)
{
	unsigned char id[EI_NIDENT];
	uint64_t phoff;
	unsigned phnum, i;

	memset(c, 0, sizeof(*c));
	c->fd = open(path, O_RDONLY);
	if (c->fd < 0)
		return false;
	assert_int_equal(pread(c->fd, id, sizeof(id), 0), sizeof(id));
	assert_memory_equal(id, ELFMAG, SELFMAG);
	c->is64 = id[EI_CLASS] == ELFCLASS64;
	if (c->is64) {
		Elf64_Ehdr eh;

		assert_int_equal(pread(c->fd, &eh, sizeof(eh), 0), sizeof(eh));
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
	} else {
		Elf32_Ehdr eh;

		assert_int_equal(pread(c->fd, &eh, sizeof(eh), 0), sizeof(eh));
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
	}
	for (i = 0; i < phnum; i++) {
		uint64_t type, off, paddr, size;

		if (c->is64) {
			Elf64_Phdr ph;

			assert_int_equal(pread(c->fd, &ph, sizeof(ph),
					       (off_t)(phoff + i * sizeof(ph))), sizeof(ph));
			type = ph.p_type, off = ph.p_offset, paddr = ph.p_paddr;
			size = ph.p_filesz;
		} else {
			Elf32_Phdr ph;

			assert_int_equal(pread(c->fd, &ph, sizeof(ph),
					       (off_t)(phoff + i * sizeof(ph))), sizeof(ph));
			type = ph.p_type, off = ph.p_offset, paddr = ph.p_paddr;
			size = ph.p_filesz;
		}
		if (type == PT_NOTE)
			vmcore_note(c, off, size);
		else if (type == PT_LOAD && c->nseg < 16)
			c->seg[c->nseg].paddr = paddr, c->seg[c->nseg].off = off,
			c->seg[c->nseg++].size = size;
	}
	assert_non_null(c->note);
	return true;
}

struct bitmap {
	unsigned char *bits;
	uint64_t npfn, total;
};

static void mark_bitmap(void *ctx, uint64_t pfn, uint64_t count)
{
	struct bitmap *b = ctx;
	uint64_t i;

	assert_true(pfn + count <= b->npfn);
	for (i = pfn; i < pfn + count; i++) {
		assert_false(b->bits[i / 8] & (1u << (i % 8))); /* no overlap */
		b->bits[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	b->total += count;
}

/* Pattern pages written by the scenario: a 16-byte "KJP-..." token repeated
 * over the whole page; they were in use, so must not be reported free. */
static unsigned check_patterns(struct vmcore *c, const struct bitmap *b)
{
	unsigned char page[4096];
	unsigned found = 0;
	int i;

	for (i = 0; i < c->nseg; i++) {
		uint64_t pa;

		for (pa = c->seg[i].paddr; pa + 4096 <= c->seg[i].paddr + c->seg[i].size;
		     pa += 4096) {
			int k;

			if (pa & 4095)
				continue;
			if (vmcore_read(c, pa, page, 4) || memcmp(page, "KJP-", 4))
				continue;
			assert_int_equal(vmcore_read(c, pa, page, sizeof(page)), 0);
			for (k = 16; k < 4096 && !memcmp(page + k, page, 16); k += 16)
				;
			if (k < 4096)
				continue;
			found++;
			print_message("  pattern page at %#" PRIx64 " (%.16s): %s\n", pa,
				      (char *)page,
				      b->bits[(pa >> 12) / 8] & (1u << ((pa >> 12) % 8)) ?
				      "FREE" : "in use");
			assert_false(b->bits[(pa >> 12) / 8] & (1u << ((pa >> 12) % 8)));
		}
	}
	return found;
}

/* A page in use holding a pattern, as the e2e scenario writes them: a
 * 16-byte "KJP-<pfn>" token over the whole page. */
static void put_pattern(uint64_t pfn)
{
	char tok[17];

	snprintf(tok, sizeof(tok), "KJP-%012" PRIx64, pfn);
	assert_true((pfn + 1) * 4096 <= MEM_SIZE);
	for (unsigned k = 0; k < 4096; k += 16)
		memcpy(sim.mem + pfn * 4096 + k, tok, 16);
}

/* kdump save --exclude=free */
static const struct save_opts save_free = { .exclude_free = true, .entry = 0x1000000,
					    .entry_given = true };

/* The simulated memory as a vmcore: VMCOREINFO and these PT_LOADs. */
static char *write_vmcore(bool is64, const char *vi, const struct sim_seg *segs, int nseg)
{
	uint8_t notes[4096];
	size_t nlen = 0;

	sim_note(notes, &nlen, "VMCOREINFO", 0, vi, strlen(vi));
	return sim_write_core("/tmp/kj-freepages-XXXXXX", is64, is64 ? EM_X86_64 : EM_386, notes,
			      nlen, segs, nseg);
}

/*
 * A vmcore file as kdump reads it: the walk through the file's PT_LOADs
 * (max_pfn from their ends) finds want_free free pages, none of them one
 * of the want_patterns pattern pages; kdump save --exclude=free of the
 * same file leaves exactly those pages out.
 */
static void run_vmcore(const char *path, bool want_is64, uint64_t want_free,
		       unsigned want_patterns)
{
	struct vmcore c;
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct freepages_stats st;
	struct bitmap b = { 0 };
	struct oldmem mem = { vmcore_read, &c };
	struct save_stats ss;
	uint64_t max_pfn = 0;
	int i;

	assert_true(vmcore_open(&c, path));
	assert_true(c.is64 == want_is64);
	for (i = 0; i < c.nseg; i++) {
		uint64_t end = (c.seg[i].paddr + c.seg[i].size + 4095) >> 12;

		if (end > max_pfn)
			max_pfn = end;
	}
	assert_int_equal(vmcoreinfo_parse(c.note, c.note_len, &vi, &err), 0);
	b.npfn = max_pfn;
	b.bits = calloc(1, (size_t)(max_pfn / 8 + 1));
	assert_non_null(b.bits);
	if (freepages_walk_stats(&vi, c.is64, &mem, max_pfn, mark_bitmap, &b, &st, &err))
		fail_msg("walk refused: %s", err.msg);
	print_message("  %s, %s, %s: %" PRIu64 " free pages of %" PRIu64 ", %" PRIu64 " runs\n",
		      st.layout, st.buddy_style, st.translation, b.total, max_pfn, st.runs);
	assert_int_equal(b.total, want_free);
	assert_int_equal(st.free_pages, want_free);
	assert_int_equal(check_patterns(&c, &b), want_patterns);
	free(b.bits);
	vmcoreinfo_free(&vi);
	free(c.note);
	close(c.fd);

	sim_save_remove(sim_save(path, save_free, &ss));
	assert_int_equal(ss.free_bytes, want_free * 4096);
	assert_int_equal(ss.data_bytes + ss.free_bytes, ss.total_bytes);
}

/* Write the simulated memory, with these pattern pages, as a vmcore and
 * check it (run_vmcore). */
static void vmcore_case(bool is64, const char *vi, const struct sim_seg *segs, int nseg,
			const uint64_t *pats, unsigned npats, uint64_t want_free)
{
	char *p;

	for (unsigned i = 0; i < npats; i++)
		put_pattern(pats[i]);
	p = write_vmcore(is64, vi, segs, nseg);
	run_vmcore(p, is64, want_free, npats);
	unlink(p);
	free(p);
}

/* x86_64: the VMEMMAP layout through 4-level page tables, as a vmcore
 * with the legacy hole; free blocks and pattern pages side by side. */
static void test_vmcore_x86_64(void **state)
{
	const struct sim_seg segs[] = {
		{ 0, 0x9f000, 0x9f000 },
		{ 0x100000, MEM_SIZE - 0x100000, MEM_SIZE - 0x100000 },
	};
	static const uint64_t pats[] = { 0x3f, 0x80, 0x9e, 0x200, 0x17ff, 0x1810 };

	(void)state;
	build_x64_vmemmap(false);
	/* below max_pfn 0x2000 (32 MiB): 0x40 +64 (build_x64_vmemmap),
	 * 0x100 +256, 0x1800 +16 */
	x64_page(0x100, T612_BUDDY, 8);
	x64_page(0x1800, T612_BUDDY, 4);
	vmcore_case(true, x64_vi(false, NULL), segs, 2, pats, 6, 64 + 256 + 16);
}

/* i386: FLATMEM (mem_map in the dump), an ELF32 vmcore of 4 MiB. */
static void test_vmcore_i386(void **state)
{
	const struct sim_seg segs[] = {
		{ 0, 0x9f000, 0x9f000 },
		{ 0x100000, 0x300000, 0x300000 },
	};
	static const uint64_t pats[] = { 6, 32, 99, 104, 511 };

	(void)state;
	flat_init();
	flat_buddies(T612_BUDDY); /* 7 +25, 100 +4, 512 +512 */
	vmcore_case(false, flat_vi(BUDDY_612, NULL), segs, 2, pats, 5, 25 + 4 + 512);
}

/*
 * i386 after a kexec jump: the old kernel's image, which holds the
 * mem_map variable, is not in the dump.  The walk is refused, naming
 * mem_map, with nothing marked free; kdump save --exclude=free warns
 * and saves every page, free ones too.
 */
static void test_vmcore_i386_no_mem_map(void **state)
{
	const struct sim_seg segs[] = { { 0x2000, 0x3fe000, 0x3fe000 } };
	struct vmcore c;
	struct vmcoreinfo vi;
	struct kj_error err = { 0 };
	struct bitmap b = { 0 };
	struct oldmem mem = { vmcore_read, &c };
	struct save_stats ss;
	char *p;

	(void)state;
	flat_init();
	flat_buddies(T612_BUDDY);
	p = write_vmcore(false, flat_vi(BUDDY_612, NULL), segs, 1);
	assert_true(vmcore_open(&c, p));
	assert_int_equal(vmcoreinfo_parse(c.note, c.note_len, &vi, &err), 0);
	b.npfn = 0x400;
	b.bits = calloc(1, 0x400 / 8);
	assert_non_null(b.bits);
	assert_int_equal(freepages_walk(&vi, false, &mem, 0x400, mark_bitmap, &b, &err), -1);
	print_message("  refused: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "mem_map"));
	assert_int_equal(b.total, 0);
	free(b.bits);
	vmcoreinfo_free(&vi);
	free(c.note);
	close(c.fd);

	sim_save_remove(sim_save(p, save_free, &ss));
	assert_int_equal(ss.free_bytes, 0);
	assert_int_equal(ss.data_bytes, 0x3fe000);
	assert_int_equal(ss.total_bytes, 0x3fe000);
	unlink(p);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flatmem_612, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_61, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_old_mapcount, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_max_pfn_clips, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_errors, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_garbage, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_sparsemem_static_i386, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_x64_vmemmap_4level, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_x64_vmemmap_5level, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_x64_direct_fallback, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_vmcore_x86_64, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_vmcore_i386, sim_setup, sim_teardown),
		cmocka_unit_test_setup_teardown(test_vmcore_i386_no_mem_map, sim_setup, sim_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
