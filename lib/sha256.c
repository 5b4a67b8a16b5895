/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4): the x86 SHA extensions (SHA-NI) when CPUID offers
 * them, else portable C.
 *
 * This file is compiled twice: into the hosted tool (libkexec.a) and into
 * the freestanding purgatory (-m32 and -m64, -ffreestanding -fno-builtin,
 * -mno-sse).  It therefore uses nothing but <stdint.h>/<stddef.h> and
 * the compiler's own <cpuid.h>/<immintrin.h>: no libc calls (getenv()
 * only in the hosted build), no floating point, no 64-bit division, and
 * its own byte copy.
 *
 * Only blocks_shani() uses SSE registers (its target attribute turns
 * SHA, SSSE3 and SSE4.1 on for that one function); it runs only when
 * CPUID says the CPU has them and, in the purgatory, only after the caller
 * made SSE usable (CR0/CR4, see purgatory.c) and said so with
 * sha256_allow_shani(1).
 */
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <stdlib.h>
#include <string.h>
#endif

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define KJ_SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "sha256.h"

static const uint32_t K[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static uint32_t load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------ portable */
#define BSIG0(x) (ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define BSIG1(x) (ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define SSIG0(x) (ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/*
 * One round; the eight working variables rotate by renaming (the caller
 * passes them shifted by one each round) instead of by copying.
 */
#define RND(a, b, c, d, e, f, g, h, k, w) do {				\
		uint32_t t1_ = (h) + BSIG1(e) + CH(e, f, g) + (k) + (w);	\
		(d) += t1_;						\
		(h) = t1_ + BSIG0(a) + MAJ(a, b, c);			\
	} while (0)

/* message schedule, in place in a ring of 16 words: W[t] for t >= 16 */
#define SCHED(j) (W[j] += SSIG1(W[((j) + 14) & 15]) + W[((j) + 9) & 15] + \
		  SSIG0(W[((j) + 1) & 15]))

#define RND16(i, w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15) do { \
		RND(a, b, c, d, e, f, g, h, K[(i) + 0], w0);	\
		RND(h, a, b, c, d, e, f, g, K[(i) + 1], w1);	\
		RND(g, h, a, b, c, d, e, f, K[(i) + 2], w2);	\
		RND(f, g, h, a, b, c, d, e, K[(i) + 3], w3);	\
		RND(e, f, g, h, a, b, c, d, K[(i) + 4], w4);	\
		RND(d, e, f, g, h, a, b, c, K[(i) + 5], w5);	\
		RND(c, d, e, f, g, h, a, b, K[(i) + 6], w6);	\
		RND(b, c, d, e, f, g, h, a, K[(i) + 7], w7);	\
		RND(a, b, c, d, e, f, g, h, K[(i) + 8], w8);	\
		RND(h, a, b, c, d, e, f, g, K[(i) + 9], w9);	\
		RND(g, h, a, b, c, d, e, f, K[(i) + 10], w10);	\
		RND(f, g, h, a, b, c, d, e, K[(i) + 11], w11);	\
		RND(e, f, g, h, a, b, c, d, K[(i) + 12], w12);	\
		RND(d, e, f, g, h, a, b, c, K[(i) + 13], w13);	\
		RND(c, d, e, f, g, h, a, b, K[(i) + 14], w14);	\
		RND(b, c, d, e, f, g, h, a, K[(i) + 15], w15);	\
	} while (0)

static void blocks_portable(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t W[16];
	uint32_t a, b, c, d, e, f, g, h;
	int i;

	for (; n; n--, p += 64) {
		for (i = 0; i < 16; i++)
			W[i] = load_be32(p + 4 * i);
		a = st[0]; b = st[1]; c = st[2]; d = st[3];
		e = st[4]; f = st[5]; g = st[6]; h = st[7];

		RND16(0, W[0], W[1], W[2], W[3], W[4], W[5], W[6], W[7],
		      W[8], W[9], W[10], W[11], W[12], W[13], W[14], W[15]);
		for (i = 16; i < 64; i += 16)
			RND16(i, SCHED(0), SCHED(1), SCHED(2), SCHED(3),
			      SCHED(4), SCHED(5), SCHED(6), SCHED(7),
			      SCHED(8), SCHED(9), SCHED(10), SCHED(11),
			      SCHED(12), SCHED(13), SCHED(14), SCHED(15));

		st[0] += a; st[1] += b; st[2] += c; st[3] += d;
		st[4] += e; st[5] += f; st[6] += g; st[7] += h;
	}
}

/* -------------------------------------------------------------- SHA-NI */
#ifdef KJ_SHA256_X86

#if __STDC_HOSTED__
#define SHANI_ATTR __attribute__((target("sha,ssse3,sse4.1")))
#else
/*
 * The purgatory's other code is built without SSE: do not trust the
 * stack to be 16-byte aligned for this function's vector spills.
 */
#define SHANI_ATTR __attribute__((target("sha,ssse3,sse4.1"), force_align_arg_pointer))
#endif

/*
 * Four rounds: state1/state0 hold CDGH/ABEF, cur the message words of
 * rounds 4g..4g+3.  sha256rnds2 does two rounds with the low two words of
 * msg; the shuffle brings the high two down.
 */
#define QR(g, cur) do {							\
		msg = _mm_add_epi32(cur, _mm_load_si128((const __m128i *)&K[4 * (g)])); \
		state1 = _mm_sha256rnds2_epu32(state1, state0, msg);	\
		msg = _mm_shuffle_epi32(msg, 0x0e);			\
		state0 = _mm_sha256rnds2_epu32(state0, state1, msg);	\
	} while (0)

/* the schedule: next = msg2(next + alignr(cur, prev), cur) */
#define SCHED2(cur, prev, next) do {					\
		tmp = _mm_alignr_epi8(cur, prev, 4);			\
		next = _mm_add_epi32(next, tmp);			\
		next = _mm_sha256msg2_epu32(next, cur);		\
	} while (0)

#define SCHED1(prev, cur) (prev = _mm_sha256msg1_epu32(prev, cur))

SHANI_ATTR
static void blocks_shani(uint32_t st[8], const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	__m128i state0, state1, msg, tmp, m0, m1, m2, m3, save0, save1;

	/* st[] is A..H; the instructions want ABEF and CDGH (high to low) */
	tmp = _mm_loadu_si128((const __m128i *)&st[0]);    /* D C B A */
	state1 = _mm_loadu_si128((const __m128i *)&st[4]); /* H G F E */
	tmp = _mm_shuffle_epi32(tmp, 0xb1);                /* C D A B */
	state1 = _mm_shuffle_epi32(state1, 0x1b);          /* E F G H */
	state0 = _mm_alignr_epi8(tmp, state1, 8);          /* A B E F */
	state1 = _mm_blend_epi16(state1, tmp, 0xf0);       /* C D G H */

	for (; n; n--, p += 64) {
		save0 = state0;
		save1 = state1;

		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

		QR(0, m0);
		QR(1, m1);  SCHED1(m0, m1);
		QR(2, m2);  SCHED1(m1, m2);
		QR(3, m3);  SCHED2(m3, m2, m0); SCHED1(m2, m3);
		QR(4, m0);  SCHED2(m0, m3, m1); SCHED1(m3, m0);
		QR(5, m1);  SCHED2(m1, m0, m2); SCHED1(m0, m1);
		QR(6, m2);  SCHED2(m2, m1, m3); SCHED1(m1, m2);
		QR(7, m3);  SCHED2(m3, m2, m0); SCHED1(m2, m3);
		QR(8, m0);  SCHED2(m0, m3, m1); SCHED1(m3, m0);
		QR(9, m1);  SCHED2(m1, m0, m2); SCHED1(m0, m1);
		QR(10, m2); SCHED2(m2, m1, m3); SCHED1(m1, m2);
		QR(11, m3); SCHED2(m3, m2, m0); SCHED1(m2, m3);
		QR(12, m0); SCHED2(m0, m3, m1); SCHED1(m3, m0);
		QR(13, m1); SCHED2(m1, m0, m2);
		QR(14, m2); SCHED2(m2, m1, m3);
		QR(15, m3);

		state0 = _mm_add_epi32(state0, save0);
		state1 = _mm_add_epi32(state1, save1);
	}

	tmp = _mm_shuffle_epi32(state0, 0x1b);             /* F E B A */
	state1 = _mm_shuffle_epi32(state1, 0xb1);          /* D C H G */
	state0 = _mm_blend_epi16(tmp, state1, 0xf0);       /* D C B A */
	state1 = _mm_alignr_epi8(state1, tmp, 8);          /* H G F E */
	_mm_storeu_si128((__m128i *)&st[0], state0);
	_mm_storeu_si128((__m128i *)&st[4], state1);
}

#if __STDC_HOSTED__ /* the purgatory never executes CPUID: PURGATORY_FLAG_SHA_NI */
/* CPUID: leaf 7 EBX bit 29 (SHA), leaf 1 ECX bits 9 (SSSE3), 19 (SSE4.1) */
static int cpuid_has_shani(void)
{
	unsigned int eax, ebx, ecx, edx;

	/* on i386 this also checks that CPUID exists (EFLAGS.ID) */
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid(1, eax, ebx, ecx, edx);
	if (!(ecx & (1u << 9)) || !(ecx & (1u << 19)))
		return 0;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	return (ebx & (1u << 29)) != 0;
}
#endif
#else
static void blocks_shani(uint32_t st[8], const uint8_t *p, size_t n)
{
	blocks_portable(st, p, n);
}

#if __STDC_HOSTED__
static int cpuid_has_shani(void)
{
	return 0;
}
#endif
#endif

/* ------------------------------------------------------------ dispatch */
#if __STDC_HOSTED__
/* 0: not asked yet; else 1 + cpuid_has_shani() */
static int cpu_shani;
#endif
/*
 * Hosted: 1 unless forced portable.  Freestanding: 0 until the caller has
 * made SSE usable.  Plain ints read and written with relaxed atomics: a
 * race only recomputes the same value.
 */
static int shani_allowed = __STDC_HOSTED__;
#if __STDC_HOSTED__
static int env_checked;
#endif

#if __STDC_HOSTED__
int sha256_cpu_has_shani(void)
{
	int v = __atomic_load_n(&cpu_shani, __ATOMIC_RELAXED);

	if (!v) {
		v = 1 + cpuid_has_shani();
		__atomic_store_n(&cpu_shani, v, __ATOMIC_RELAXED);
	}
	return v - 1;
}
#endif

#if __STDC_HOSTED__
void sha256_force_portable(int on)
{
	__atomic_store_n(&env_checked, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&shani_allowed, !on, __ATOMIC_RELAXED);
}
#else
void sha256_allow_shani(int on)
{
	__atomic_store_n(&shani_allowed, on, __ATOMIC_RELAXED);
}
#endif

enum sha256_impl sha256_impl(void)
{
#if __STDC_HOSTED__
	if (!__atomic_load_n(&env_checked, __ATOMIC_RELAXED)) {
		const char *e = getenv("KJ_SHA256");

		if (e && !strcmp(e, "portable"))
			__atomic_store_n(&shani_allowed, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&env_checked, 1, __ATOMIC_RELAXED);
	}
#endif
#if __STDC_HOSTED__
	if (__atomic_load_n(&shani_allowed, __ATOMIC_RELAXED) && sha256_cpu_has_shani())
		return SHA256_IMPL_SHANI;
#else
	/* the purgatory allows it only when the tool saw SHA-NI in CPUID
	 * (PURGATORY_FLAG_SHA_NI): no CPUID here */
	if (__atomic_load_n(&shani_allowed, __ATOMIC_RELAXED))
		return SHA256_IMPL_SHANI;
#endif
	return SHA256_IMPL_PORTABLE;
}

static void blocks(uint32_t st[8], const uint8_t *p, size_t n)
{
	if (sha256_impl() == SHA256_IMPL_SHANI)
		blocks_shani(st, p, n);
	else
		blocks_portable(st, p, n);
}

/* --------------------------------------------------------------- API */
void sha256_init(struct sha256_ctx *ctx)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	int i;

	for (i = 0; i < 8; i++)
		ctx->h[i] = iv[i];
	ctx->len = 0;
	ctx->buflen = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	ctx->len += len;
	if (ctx->buflen) {
		while (len && ctx->buflen < 64) {
			ctx->buf[ctx->buflen++] = *p++;
			len--;
		}
		if (ctx->buflen < 64)
			return;
		blocks(ctx->h, ctx->buf, 1);
		ctx->buflen = 0;
	}
	n = len / 64;
	if (n) {
		blocks(ctx->h, p, n);
		p += n * 64;
		len -= n * 64;
	}
	while (len) {
		ctx->buf[ctx->buflen++] = *p++;
		len--;
	}
}

void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
	uint64_t bits = ctx->len << 3;
	uint32_t i = ctx->buflen;
	int j;

	ctx->buf[i++] = 0x80;
	if (i > 56) {
		while (i < 64)
			ctx->buf[i++] = 0;
		blocks(ctx->h, ctx->buf, 1);
		i = 0;
	}
	while (i < 56)
		ctx->buf[i++] = 0;
	store_be32(ctx->buf + 56, (uint32_t)(bits >> 32));
	store_be32(ctx->buf + 60, (uint32_t)bits);
	blocks(ctx->h, ctx->buf, 1);

	for (j = 0; j < 8; j++)
		store_be32(out + 4 * j, ctx->h[j]);
	/* wipe: the context is not reusable without sha256_init() */
	for (j = 0; j < 64; j++)
		ctx->buf[j] = 0;
	ctx->buflen = 0;
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
