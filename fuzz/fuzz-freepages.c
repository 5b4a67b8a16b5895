/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the free-page walker (kdump/freepages.c
 * freepages_walk_stats) over the old kernel's memory.  Input (fuzz.h):
 * flags (bit 0: x86_64), max_pfn (u64, at most 2^20 used), the VMCOREINFO
 * text, and from FUZZ_MEM_OFFSET the physical memory from address 0.
 * The runs it reports must be ascending, maximal, disjoint and below
 * max_pfn, and none may be reported when it fails (freepages.h).
 */
#include "fuzz-kdump.h"

#include "freepages.h"

#define MAX_PFN (1ull << 20)

struct runs {
	uint64_t max_pfn, next, total;
	size_t n;
};

static void mark(void *ctx, uint64_t pfn, uint64_t count)
{
	struct runs *r = ctx;

	FUZZ_CHECK(count > 0);
	FUZZ_CHECK(r->n == 0 || pfn > r->next); /* ascending, apart, maximal */
	FUZZ_CHECK(pfn < r->max_pfn && count <= r->max_pfn - pfn);
	r->next = pfn + count;
	r->total += count;
	r->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct kj_error err = { 0, "" };
	struct freepages_stats st;
	struct runs r = { 0, 0, 0, 0 };
	struct fz_kdump k;
	int rc;

	if (fz_kdump_open(d, n, &k) < 0)
		return 0;
	r.max_pfn = k.dump.number % (MAX_PFN + 1);
	memset(&st, 0, sizeof(st));
	fz_alloc_begin();
	rc = freepages_walk_stats(&k.vi, k.dump.is64, &k.mem, r.max_pfn, mark, &r, &st, &err);
	FUZZ_CHECK(fz_alloc_end() <= FZ_PARSE_BOUND(n));
	if (rc == 0) {
		FUZZ_CHECK(st.free_pages == r.total && st.runs == r.n);
		FUZZ_CHECK(st.layout && st.buddy_style && st.translation);
	} else {
		FUZZ_CHECK(r.n == 0 && err.msg[0]);
	}
	fz_kdump_close(&k);
	return 0;
}
