/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 (FIPS 180-4), shared by the tool and the freestanding purgatory. */
#ifndef KJ_SHA256_H
#define KJ_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;     /* bytes hashed so far */
	uint8_t buf[64];
	uint32_t buflen;  /* bytes waiting in buf */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
/* one-shot convenience */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/*
 * Which code hashes: the x86 SHA extensions (SHA-NI) when CPUID offers them
 * (with SSSE3 and SSE4.1), else portable C.  The digest is the same.
 */
enum sha256_impl {
	SHA256_IMPL_PORTABLE = 0,
	SHA256_IMPL_SHANI = 1,
};

#if __STDC_HOSTED__
/* 1 if the CPU has SHA, SSSE3 and SSE4.1 (CPUID; 0 off x86), else 0 */
int sha256_cpu_has_shani(void);
#endif
/* what sha256_update()/sha256_final() use right now */
enum sha256_impl sha256_impl(void);

#if __STDC_HOSTED__
/*
 * The tool: on = 1 forces the portable code, on = 0 goes back to choosing
 * by CPUID (the default, unless the environment variable KJ_SHA256 is
 * "portable" when the first digest is computed).
 */
void sha256_force_portable(int on);
#else
/*
 * The freestanding purgatory: SSE is unusable until it sets CR0/CR4, so
 * SHA-NI stays off (the default) until sha256_allow_shani(1), and must be
 * turned off again with sha256_allow_shani(0) before CR0/CR4 are restored.
 * The purgatory calls it only under PURGATORY_FLAG_SHA_NI: the tool has
 * checked CPUID, and sha256_impl() here does not ask CPUID again.
 */
void sha256_allow_shani(int on);
#endif

#endif
