/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer targets (fuzz/fuzz-*.c, make fuzz): reading
 * structured values out of the fuzz bytes, exact-size copies (so ASan sees
 * a read one byte past what a parser was given), an old kernel's physical
 * memory backed by the fuzz bytes, and FUZZ_CHECK for the properties a
 * target asserts about a parser's result (a failed check aborts: libFuzzer
 * reports it as a crash, with the input).
 */
#ifndef KJ_FUZZ_H
#define KJ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__,   \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

/*
 * The most heap a call holds at once (bytes, over what it started with),
 * between fz_alloc_begin() and fz_alloc_end(), through the sanitizer
 * allocator's hooks: a target asserts that a parser takes no more than a
 * bound derived from its input (a size taken from a header, unchecked,
 * shows up here long before it exhausts -rss_limit_mb).  With FZ_ALLOC_LOG
 * set in the environment each measurement is printed ("FZ_ALLOC peak N"),
 * to see how close the seeds come to a bound.
 */
#include <sanitizer/allocator_interface.h>

static __thread long long fz_alloc_now, fz_alloc_peak;
static __thread bool fz_alloc_on;

static void fz_alloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	if (fz_alloc_on && (fz_alloc_now += (long long)n) > fz_alloc_peak)
		fz_alloc_peak = fz_alloc_now;
}

static void fz_free_hook(const volatile void *p)
{
	if (fz_alloc_on && p)
		fz_alloc_now -= (long long)__sanitizer_get_allocated_size((const void *)p);
}

static inline void fz_alloc_begin(void)
{
	static bool installed;

	if (!installed) {
		if (!__sanitizer_install_malloc_and_free_hooks(fz_alloc_hook, fz_free_hook)) {
			fprintf(stderr, "fuzz: cannot install the malloc hooks\n");
			abort();
		}
		installed = true;
	}
	fz_alloc_now = fz_alloc_peak = 0;
	fz_alloc_on = true;
}

static inline size_t fz_alloc_end(void)
{
	fz_alloc_on = false;
	if (getenv("FZ_ALLOC_LOG"))
		fprintf(stderr, "FZ_ALLOC peak %lld\n", fz_alloc_peak);
	return (size_t)fz_alloc_peak;
}

/*
 * What x86_build_plan may hold for a kernel file of n bytes: copies of
 * what it takes from the file (at most twice the file) and a fixed part,
 * the purgatory, boot_params, page tables and the plan (about 40 KiB over
 * the seeds).  Anything a header claims, allocated unchecked, exceeds it.
 */
#define FZ_LOADER_BOUND(n) (2 * (size_t)(n) + 128 * 1024)

/*
 * What a parser over n bytes of text or of an old kernel's memory may hold
 * (vmcoreinfo, iomem, dmesg, free pages): a table growing by doubling
 * whose entries are at most 11 times the shortest line that makes one
 * (an 88-byte iomem entry for "0-0 : a\n"), and a fixed part for line
 * buffers and stdio.
 */
#define FZ_PARSE_BOUND(n) (32 * (size_t)(n) + 64 * 1024)

/* Values taken from the front of the input, little-endian; zeros once
 * the input is used up. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fz_bytes(struct fz *f, unsigned k)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < k; i++)
		if (f->n) {
			v |= (uint64_t)f->p[0] << (8 * i);
			f->p++;
			f->n--;
		}
	return v;
}

static inline uint8_t fz_u8(struct fz *f) { return (uint8_t)fz_bytes(f, 1); }
static inline uint16_t fz_u16(struct fz *f) { return (uint16_t)fz_bytes(f, 2); }
static inline uint32_t fz_u32(struct fz *f) { return (uint32_t)fz_bytes(f, 4); }
static inline uint64_t fz_u64(struct fz *f) { return fz_bytes(f, 8); }

/* The next NUL-terminated string (malloc'd; the rest when there is no NUL). */
static inline char *fz_str(struct fz *f)
{
	const uint8_t *z = memchr(f->p, 0, f->n);
	size_t k = z ? (size_t)(z - f->p) : f->n;
	char *s = malloc(k + 1);

	if (!s)
		abort();
	memcpy(s, f->p, k);
	s[k] = '\0';
	f->p += k;
	f->n -= k;
	if (z) {
		f->p++;
		f->n--;
	}
	return s;
}

/* An exact-size heap copy of n bytes (malloc(0) is avoided). */
static inline uint8_t *fz_dup(const uint8_t *d, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, d, n);
	return c;
}

/*
 * The old kernel's physical memory for kdump's readers: the bytes of
 * the input from FUZZ_MEM_OFFSET on sit at physical address 0; anything
 * else is not in the dump.  Used by fuzz-freepages, fuzz-dmesg and
 * fuzz-swapmap, whose inputs are
 *   byte 0       flags: bit 0 the old kernel is x86_64 (else i386)
 *   bytes 1..8   a number the target needs (max_pfn, jump-back entry)
 *   bytes 9..    VMCOREINFO text, up to FUZZ_MEM_OFFSET (the parser
 *                stops at a NUL itself)
 *   FUZZ_MEM_OFFSET..  physical memory from address 0
 */
#define FUZZ_MEM_OFFSET 4096u

struct fz_mem {
	const uint8_t *p;
	size_t n;
};

static inline int fz_mem_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
	const struct fz_mem *m = ctx;

	if (paddr > m->n || len > m->n - paddr)
		return -1;
	if (len)
		memcpy(buf, m->p + paddr, len);
	return 0;
}

struct fz_dump {
	bool is64;
	uint64_t number;
	const char *text; /* not NUL-terminated: text_len bytes */
	size_t text_len;
	struct fz_mem mem;
};

static inline void fz_dump_split(const uint8_t *d, size_t n, struct fz_dump *o)
{
	size_t text_end = n < FUZZ_MEM_OFFSET ? n : FUZZ_MEM_OFFSET;

	memset(o, 0, sizeof(*o));
	if (n < 9)
		return;
	o->is64 = d[0] & 1;
	for (unsigned i = 0; i < 8; i++)
		o->number |= (uint64_t)d[1 + i] << (8 * i);
	o->text = (const char *)d + 9;
	o->text_len = text_end - 9;
	if (n > FUZZ_MEM_OFFSET) {
		o->mem.p = d + FUZZ_MEM_OFFSET;
		o->mem.n = n - FUZZ_MEM_OFFSET;
	}
}

#endif
