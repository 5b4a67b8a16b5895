/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ELF core header a kernel finds through elfcorehdr= (fs/proc/vmcore.c):
 * an ELF header, PT_NOTEs pointing at notes in the old kernel's memory
 * (VMCOREINFO, per-CPU crash notes) and one PT_LOAD per range of the old
 * kernel's memory, p_offset = p_paddr = its physical address.  Built as a
 * pure function; shared by kexec jump and crash dumps.
 */
#ifndef KJ_ELFCORE_H
#define KJ_ELFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"
#include "range.h"

struct elfcore_spec {
	bool is64;                   /* ELFCLASS64 (x86_64) or ELFCLASS32 */
	uint16_t machine;            /* EM_X86_64 or EM_386 */
	const struct range *notes;   /* physical [addr, addr+size) of each ELF note */
	size_t nnotes;
	const struct range *loads;   /* physical memory ranges */
	size_t nloads;
	/* A PT_LOAD's p_vaddr: direct_map + its address when it ends at or
	 * below direct_end, else 0.  Dump readers without the kernel's
	 * symbols need it on i386 (lowmem at PAGE_OFFSET); x86_64's direct map
	 * is randomized and found through VMCOREINFO instead. */
	uint64_t direct_map;
	uint64_t direct_end;
};

/* i386 (3G/1G split): lowmem at 0xc0000000, below 896 MiB. */
#define ELFCORE_I386_PAGE_OFFSET 0xc0000000ull
#define ELFCORE_I386_LOWMEM_END  0x38000000ull

/* Bytes the header needs. */
size_t elfcore_size(const struct elfcore_spec *spec);
/* Write it into buf (buflen >= elfcore_size()).  Fails if a range does not
 * fit the class (ELFCLASS32 above 4 GiB). */
int elfcore_build(const struct elfcore_spec *spec, uint8_t *buf, size_t buflen,
		  struct kj_error *err);

/* An ELF note (Elf32_Nhdr/Elf64_Nhdr are the same 12 bytes): its size with
 * name and descriptor padded to 4, and writing it at p. */
size_t elfnote_size(const char *name, size_t descsz);
size_t elfnote_put(uint8_t *p, const char *name, uint32_t type, const void *desc, size_t descsz);

/* out = ram minus every range in holes (all sorted or not; out is sorted).
 * Returns the number of ranges written, at most max, or -1 if more. */
int ranges_subtract(const struct range *ram, size_t nram, const struct range *holes,
		    size_t nholes, struct range *out, size_t max);

#endif
