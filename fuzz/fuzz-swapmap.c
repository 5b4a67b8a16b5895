/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: kernel A's kexec jump swap list (kdump/swapmap.c
 * swapmap_read) read back from its memory.  Input (fuzz.h): flags (bit 0:
 * x86_64), the jump-back entry (u64), ignored text, and from
 * FUZZ_MEM_OFFSET the physical memory from address 0.  The list must come
 * out sorted, and swapmap_lookup agree with it.  Reads beyond the first
 * 2^18 fail (more than a list in 1 MiB without a loop needs): a list that
 * loops runs 16 M steps before swapmap_read gives up ("does not end", a
 * second each; tests/unit/test-kdump.c has it), here it ends sooner as
 * "not readable", so the fuzzer keeps its speed.
 *
 * Bounded by the input: a list that ends visits each word of memory at
 * most once (a word read twice is a loop), so it has at most one entry a
 * word; what swapmap_read holds at most (the arrays, doubling, and the
 * merge sort's copy) is under 96 bytes a word read, plus the first arrays.
 * The sort is O(n log n): a seed lists 120 k pages in descending order,
 * which the insertion sort it replaced took past -timeout over.
 */
#include "fuzz.h"

#include "swapmap.h"

struct budget {
	struct fz_mem mem;
	unsigned long reads;
};

static int budget_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	struct budget *b = ctx;

	if (++b->reads > (1ul << 18))
		return -1;
	return fz_mem_read(&b->mem, paddr, buf, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct fz_dump dump;
	struct oldmem mem;
	struct swapmap m;
	struct budget b;
	size_t alloc;
	int rc;

	fz_dump_split(d, n, &dump);
	b.mem = dump.mem;
	b.reads = 0;
	mem.read = budget_read;
	mem.ctx = &b;
	fz_alloc_begin();
	rc = swapmap_read(&mem, dump.is64, dump.number, &m, &err);
	alloc = fz_alloc_end();
	FUZZ_CHECK(alloc <= 96 * b.reads + 65536);
	if (rc < 0) {
		FUZZ_CHECK(m.n == 0 && !m.dest && !m.src && err.msg[0]);
		return 0;
	}
	FUZZ_CHECK(m.n < b.reads && b.reads <= dump.mem.n / (dump.is64 ? 8 : 4) + 1);
	for (size_t i = 0; i < m.n; i++) {
		uint64_t s = swapmap_lookup(&m, m.dest[i]);

		if (i)
			FUZZ_CHECK(m.dest[i - 1] <= m.dest[i]);
		/* the first source of a page listed twice */
		FUZZ_CHECK(s == m.src[i] || (i && m.dest[i - 1] == m.dest[i]));
		/* every destination is a page address */
		FUZZ_CHECK(m.dest[i] % 4096 == 0);
		FUZZ_CHECK(swapmap_lookup(&m, m.dest[i] + 1) == m.dest[i] + 1);
	}
	swapmap_free(&m);
	return 0;
}
