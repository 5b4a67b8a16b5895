/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's staging copy: carry out a copy list (struct
 * purgatory_copy), copying forward with rep movs and zeroing with rep
 * stos.  A header of its own so that the unit tests (tests/unit/test-stage.c)
 * carry out a staging plan with the very code purgatory/purgatory.c runs:
 * a plan that needs memmove (a destination overlapping its source above
 * it) fails there as it would in the purgatory.
 *
 * Freestanding: no library call, no SSE.  The direction flag is clear on
 * entry (relocate_kernel and the SysV ABI alike), so rep movs copies from
 * low addresses up.  base is added to every address in the list: 0 in the
 * purgatory (identity-mapped physical memory), the simulated RAM in the
 * tests.  On i386 an address is truncated to 32 bits, as the purgatory
 * has no memory above 4 GiB mapped.
 */
#ifndef KJ_PURGATORY_COPY_H
#define KJ_PURGATORY_COPY_H

#include <stdint.h>

#include "purgatory-abi.h"

/* len bytes from s to d, forward: quad (dword on i386) moves when all
 * three are aligned, else byte moves. */
static inline void purgatory_copy_forward(uintptr_t d, uintptr_t s, uintptr_t n)
{
#ifdef __x86_64__
	if (!((d | s | n) & 7)) {
		n >>= 3;
		__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return;
	}
#else
	if (!((d | s | n) & 3)) {
		n >>= 2;
		__asm__ __volatile__("rep movsl" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return;
	}
#endif
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

static inline void purgatory_zero(uintptr_t d, uintptr_t n)
{
#ifdef __x86_64__
	if (!((d | n) & 7)) {
		n >>= 3;
		__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(n) : "a"(0ul) : "memory");
		return;
	}
#else
	if (!((d | n) & 3)) {
		n >>= 2;
		__asm__ __volatile__("rep stosl" : "+D"(d), "+c"(n) : "a"(0ul) : "memory");
		return;
	}
#endif
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(n) : "a"(0) : "memory");
}

/* The nr entries of c in order; the bytes copied and zeroed are added to
 * *copied and *zeroed. */
static inline void purgatory_run_copies(const struct purgatory_copy *c, uint64_t nr,
					uintptr_t base, uint64_t *copied, uint64_t *zeroed)
{
	for (uint64_t i = 0; i < nr; i++) {
		if (c[i].src == PURGATORY_COPY_ZERO) {
			purgatory_zero(base + (uintptr_t)c[i].dst, (uintptr_t)c[i].len);
			*zeroed += c[i].len;
		} else {
			purgatory_copy_forward(base + (uintptr_t)c[i].dst,
					       base + (uintptr_t)c[i].src, (uintptr_t)c[i].len);
			*copied += c[i].len;
		}
	}
}

#endif
