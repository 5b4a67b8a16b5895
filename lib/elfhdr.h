/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF header and program headers, 32- or 64-bit little-endian, read from
 * bytes with every size checked: shared by the ELF loaders and readers. */
#ifndef KJ_ELFHDR_H
#define KJ_ELFHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

struct elf_hdr {
	bool is64;
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	unsigned phentsize, phnum;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* Magic, little-endian, class, the header's length and the program header
 * entry size; fills *h.  Errors name the file. */
int elf_hdr_parse(const uint8_t *buf, size_t len, const char *name, struct elf_hdr *h,
		  struct kj_error *err);
/* The program header at ph (is64 layout). */
void elf_phdr_get(const uint8_t *ph, bool is64, struct elf_phdr *out);

#endif
