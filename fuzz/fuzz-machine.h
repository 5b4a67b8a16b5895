/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine a fuzz target plans a load on: a memory map read from the
 * fuzz bytes (fuzz-plan, fuzz-stage), or the 512 MiB QEMU pc of the unit
 * tests running the input as the kernel file (fuzz-bzimage, fuzz-elf).
 */
#ifndef KJ_FUZZ_MACHINE_H
#define KJ_FUZZ_MACHINE_H

#include "fuzz.h"

#include "memmap.h"
#include "x86.h"
#include "../tests/unit/qemu-map.h"

/* 1 to 16 entries from the input, each start, end (u64) and a byte whose
 * bit 0 makes it RAM (else reserved); sorted as the readers leave it. */
static inline void fz_memmap(struct fz *f, struct memmap *mm)
{
	unsigned nmm = fz_u8(f) % 16 + 1;

	memset(mm, 0, sizeof(*mm));
	for (unsigned i = 0; i < nmm; i++) {
		uint64_t s = fz_u64(f), e = fz_u64(f);

		memmap_add(mm, range_from_bounds(s, e),
			   fz_u8(f) & 1 ? KJ_MEM_RAM : KJ_MEM_RESERVED);
	}
	memmap_sort(mm);
}

/* The loader's input for the kernel file d (n bytes, named name) on the
 * QEMU pc; the running kernel is i386 when n is odd.  The caller fills o
 * and, where it has one, in->initrd. */
static inline void fz_qemu_input(const uint8_t *d, size_t n, const char *name,
				 const struct kj_options *o, struct kj_sysinfo *sys,
				 struct kj_file *k, struct kj_load_input *in)
{
	memset(sys, 0, sizeof(*sys));
	sys->arch = n & 1 ? KJ_ARCH_I386 : KJ_ARCH_X86_64;
	fixture_qemu_map(&sys->mm);
	sys->ram_pages = 0x20000000 / 4096;
	*k = (struct kj_file){ .name = name, .data = (unsigned char *)d, .size = n, .fd = -1 };
	memset(in, 0, sizeof(*in));
	in->o = o;
	in->sys = sys;
	in->kernel = k;
}

#endif
