/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <string.h>

#include "elfhdr.h"
#include "exitcodes.h"
#include "le.h"

int elf_hdr_parse(const uint8_t *buf, size_t len, const char *name, struct elf_hdr *h,
		  struct kj_error *err)
{
	memset(h, 0, sizeof(*h));
	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an ELF file", name);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not a little-endian ELF file", name);
	if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: unknown ELF class %u", name, buf[EI_CLASS]);
	h->is64 = buf[EI_CLASS] == ELFCLASS64;
	if (len < (h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: truncated ELF header", name);
	h->type = le16(buf + 16);
	h->machine = le16(buf + 18);
	if (h->is64) {
		h->entry = le64(buf + 24);
		h->phoff = le64(buf + 32);
		h->shoff = le64(buf + 40);
		h->phentsize = le16(buf + 54);
		h->phnum = le16(buf + 56);
	} else {
		h->entry = le32(buf + 24);
		h->phoff = le32(buf + 28);
		h->shoff = le32(buf + 32);
		h->phentsize = le16(buf + 42);
		h->phnum = le16(buf + 44);
	}
	if (h->phentsize != (h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: bad program header size %u", name,
			       h->phentsize);
	return 0;
}

void elf_phdr_get(const uint8_t *ph, bool is64, struct elf_phdr *o)
{
	o->type = le32(ph);
	if (is64) {
		o->flags = le32(ph + 4);
		o->offset = le64(ph + 8);
		o->vaddr = le64(ph + 16);
		o->paddr = le64(ph + 24);
		o->filesz = le64(ph + 32);
		o->memsz = le64(ph + 40);
		o->align = le64(ph + 48);
	} else {
		o->offset = le32(ph + 4);
		o->vaddr = le32(ph + 8);
		o->paddr = le32(ph + 12);
		o->filesz = le32(ph + 16);
		o->memsz = le32(ph + 20);
		o->flags = le32(ph + 24);
		o->align = le32(ph + 28);
	}
}
