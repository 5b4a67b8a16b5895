/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tool side of the purgatory: the embedded purgatory ELF (a static PIE,
 * ET_DYN, whose only dynamic relocations are R_X86_64_RELATIVE or
 * R_386_RELATIVE) is copied into a buffer, relocated for the physical
 * address the planner chose, and its header (include/purgatory-abi.h)
 * filled in.
 */
#ifndef KJ_PURGATORY_H
#define KJ_PURGATORY_H

#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "kj-error.h"
#include "purgatory-abi.h"

struct purgatory {
	unsigned char *buf;       /* malloc'd, bufsz bytes: the loadable image */
	size_t bufsz;             /* bytes of buf (file-backed part) */
	size_t memsz;             /* bytes in memory incl. bss/stack, page-rounded */
	uint64_t align;           /* the load address must be a multiple (>= 4096) */
	uint64_t max_addr;        /* the image must end at or below this address */
	uint64_t entry_offset;    /* entry point relative to the load address */
	uint64_t load_addr;       /* set by purgatory_relocate() */
	struct purgatory_header *hdr; /* points into buf */
};

/* One segment the purgatory must check: its bytes and where they go. */
struct purgatory_input {
	const void *buf;
	size_t bufsz;
	uint64_t mem;
	const uint8_t *sha256; /* its SHA-256 if the caller computed it already, else NULL */
};

/* Parse a purgatory ELF image (pure: works on any bytes). */
int purgatory_parse(const void *elf, size_t len, const char *name,
		    struct purgatory *p, struct kj_error *err);
/* Open the purgatory embedded in the tool for the running kernel's arch. */
int purgatory_open(enum kj_arch arch, struct purgatory *p, struct kj_error *err);
/* Apply the relocations for load_addr (page aligned, a multiple of align). */
int purgatory_relocate(struct purgatory *p, uint64_t load_addr, struct kj_error *err);
/* One buffer to hash: out receives the SHA-256 of len bytes at buf. */
struct purgatory_digest {
	const void *buf;
	size_t len;
	uint8_t *out;
};

#define PURGATORY_DIGEST_THREADS_MAX 8u
/* Below this many bytes in all, digests are computed on one thread. */
#define PURGATORY_DIGEST_PARALLEL_MIN ((uint64_t)4 << 20)

/* How many threads digests are computed on: the CPUs this process may
 * use, at most PURGATORY_DIGEST_THREADS_MAX. */
unsigned purgatory_digest_threads(void);
/* Compute n digests, side by side on up to `threads` threads (0: one),
 * largest buffer first.  The results do not depend on threads. */
void purgatory_digest_all(const struct purgatory_digest *job, size_t n, unsigned threads);
/* Record the regions and their SHA-256 in the header (the digests the
 * caller did not give are computed by purgatory_digest_all on up to
 * `threads` threads). */
int purgatory_set_regions(struct purgatory *p, const struct purgatory_input *in,
			  size_t n, unsigned threads, struct kj_error *err);
void purgatory_close(struct purgatory *p);

/* The embedded images (purgatory/blob.S). */
extern const unsigned char kj_purgatory_x86_64[];
extern const unsigned char kj_purgatory_x86_64_end[];
extern const unsigned char kj_purgatory_i386[];
extern const unsigned char kj_purgatory_i386_end[];

#endif
