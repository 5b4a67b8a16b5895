/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "exitcodes.h"
#include "le.h"
#include "swapmap.h"

#define PAGE 4096u
#define CONTROL_CODE_MAX_SIZE 2048u           /* KEXEC_CONTROL_CODE_MAX_SIZE */
#define CP_PA_BACKUP_PAGES_MAP_64 (CONTROL_CODE_MAX_SIZE + 0x30)
#define CP_PA_BACKUP_PAGES_MAP_32 (CONTROL_CODE_MAX_SIZE + 0x1c)
#define IND_DESTINATION 0x1
#define IND_INDIRECTION 0x2
#define IND_DONE        0x4
#define IND_SOURCE      0x8
#define MAX_ENTRIES     (16u << 20)           /* 64 GiB of pages: beyond that, a runaway list */

static int rd(const struct oldmem *mem, bool is64, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];

	if (mem->read(mem->ctx, addr, b, is64 ? 8 : 4) < 0)
		return -1;
	*v = is64 ? le64(b) : le32(b);
	return 0;
}

static int add(struct swapmap *m, size_t *cap, uint64_t dest, uint64_t src)
{
	if (m->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		uint64_t *d = realloc(m->dest, nc * sizeof(*d));
		uint64_t *s;
		if (!d)
			return -1;
		m->dest = d;
		s = realloc(m->src, nc * sizeof(*s));
		if (!s)
			return -1;
		m->src = s;
		*cap = nc;
	}
	m->dest[m->n] = dest;
	m->src[m->n] = src;
	m->n++;
	return 0;
}

/*
 * Sort both arrays by dest, stably (a page listed twice keeps its first
 * source first, which swapmap_lookup returns): a bottom-up merge sort,
 * O(n log n) whatever the order of the list (it is usually ascending
 * already, and then one pass finds it so).  -1 when out of memory.
 */
static int sort(struct swapmap *m)
{
	uint64_t *d = m->dest, *s = m->src, *td, *ts;
	size_t n = m->n, i;

	for (i = 1; i < n && d[i - 1] <= d[i]; i++)
		;
	if (i >= n)
		return 0;
	td = malloc(n * sizeof(*td));
	ts = malloc(n * sizeof(*ts));
	if (!td || !ts) {
		free(td);
		free(ts);
		return -1;
	}
	for (size_t w = 1; w < n; w *= 2) {
		uint64_t *t;

		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = mid + w < n ? mid + w : n;
			size_t a = lo, b = mid, k = lo;

			while (a < mid && b < hi) {
				/* <=: from the left run on a tie, so the sort is stable */
				size_t from = d[a] <= d[b] ? a++ : b++;

				td[k] = d[from];
				ts[k++] = s[from];
			}
			for (; a < mid; a++, k++) {
				td[k] = d[a];
				ts[k] = s[a];
			}
			for (; b < hi; b++, k++) {
				td[k] = d[b];
				ts[k] = s[b];
			}
		}
		t = d, d = td, td = t;
		t = s, s = ts, ts = t;
	}
	/* d and s hold the sorted list: keep them, free the other pair */
	m->dest = d;
	m->src = s;
	free(td);
	free(ts);
	return 0;
}

int swapmap_read(const struct oldmem *mem, bool is64, uint64_t jump_back_entry,
		 struct swapmap *out, struct kj_error *err)
{
	uint64_t control = jump_back_entry & ~(uint64_t)(PAGE - 1), cur, ptr = 0, dest = 0;
	uint64_t mask = is64 ? ~(uint64_t)(PAGE - 1) : 0xfffff000u;
	unsigned step = is64 ? 8 : 4;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	if (!jump_back_entry)
		return kj_fail(err, KJ_EXIT_BADFILE, "no jump-back entry: the swap list cannot be found");
	if (rd(mem, is64, control + (is64 ? CP_PA_BACKUP_PAGES_MAP_64 : CP_PA_BACKUP_PAGES_MAP_32),
	       &cur) < 0)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "kernel A's control page (0x%llx) is not in the dump",
			       (unsigned long long)control);
	for (size_t i = 0; i < MAX_ENTRIES; i++) {
		if (cur & IND_DESTINATION) {
			dest = cur & mask;
		} else if (cur & IND_INDIRECTION) {
			ptr = cur & mask;
		} else if (cur & IND_DONE) {
			if (sort(out) < 0) {
				swapmap_free(out);
				return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
			}
			return 0;
		} else if (cur & IND_SOURCE) {
			if (add(out, &cap, dest, cur & mask) < 0) {
				swapmap_free(out);
				return kj_fail(err, KJ_EXIT_FAILURE, "out of memory");
			}
			dest += PAGE;
		}
		if (!ptr || rd(mem, is64, ptr, &cur) < 0) {
			swapmap_free(out);
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "kernel A's swap list is not readable at 0x%llx",
				       (unsigned long long)ptr);
		}
		ptr += step;
	}
	swapmap_free(out);
	return kj_fail(err, KJ_EXIT_BADFILE, "kernel A's swap list does not end");
}

uint64_t swapmap_lookup(const struct swapmap *m, uint64_t page)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->dest[mid] < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->dest[lo] == page ? m->src[lo] : page;
}

void swapmap_free(struct swapmap *m)
{
	free(m->dest);
	free(m->src);
	memset(m, 0, sizeof(*m));
}
