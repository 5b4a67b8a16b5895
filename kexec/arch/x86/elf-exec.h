/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF executables (vmlinux, physical-mode programs): pure parsing over bytes. */
#ifndef KJ_ELF_H
#define KJ_ELF_H

#include <elf.h> /* EM_386, EM_X86_64 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

#define ELF_MAX_LOADS 64

struct elf_load {
	uint64_t paddr;     /* physical destination */
	uint64_t memsz;
	uint64_t filesz;
	const uint8_t *data; /* filesz bytes inside the file */
};

struct elf_exec {
	bool is64;          /* ELFCLASS64 */
	uint16_t machine;   /* EM_X86_64 (62) or EM_386 (3) */
	uint64_t entry;     /* physical entry point (e_entry) */
	struct elf_load load[ELF_MAX_LOADS];
	size_t nload;
};

bool elf_probe(const uint8_t *buf, size_t len);
/* Parse an x86 ELF executable (ET_EXEC) for loading at its physical
 * addresses.  Checks every offset and size against len. */
int elf_exec_parse(const uint8_t *buf, size_t len, const char *name, struct elf_exec *out,
		   struct kj_error *err);

#endif
