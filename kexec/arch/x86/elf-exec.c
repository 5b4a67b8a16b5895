/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include "elf-exec.h"
#include "exitcodes.h"
#include "le.h"

bool elf_probe(const uint8_t *buf, size_t len)
{
	return len >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG);
}

int elf_exec_parse(const uint8_t *buf, size_t len, const char *name, struct elf_exec *out,
		   struct kj_error *err)
{
	uint64_t phoff;
	unsigned phnum, phentsize, type;
	size_t ehsize;

	memset(out, 0, sizeof(*out));
	if (!elf_probe(buf, len))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an ELF file", name);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not a little-endian ELF file", name);
	if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: unknown ELF class %u", name, buf[EI_CLASS]);
	out->is64 = buf[EI_CLASS] == ELFCLASS64;
	ehsize = out->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (len < ehsize)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: truncated ELF header", name);

	type = le16(buf + 16);
	out->machine = le16(buf + 18);
	if (out->is64) {
		out->entry = le64(buf + 24);
		phoff = le64(buf + 32);
		phentsize = le16(buf + 54);
		phnum = le16(buf + 56);
	} else {
		out->entry = le32(buf + 24);
		phoff = le32(buf + 28);
		phentsize = le16(buf + 42);
		phnum = le16(buf + 44);
	}
	if (type != ET_EXEC)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: ELF type %u is not an executable (ET_EXEC)", name, type);
	if (out->machine != ELF_EM_X86_64 && out->machine != ELF_EM_386)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ELF machine %u is not x86", name,
			       out->machine);
	if (phentsize != (out->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: bad program header size %u", name,
			       phentsize);
	if (!phnum)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no program headers", name);
	if (phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: program headers end past the file's %zu bytes", name,
			       len);

	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
		uint64_t off, paddr, filesz, memsz;
		struct elf_load *l;

		if (le32(ph) != PT_LOAD)
			continue;
		if (out->is64) {
			off = le64(ph + 8);
			paddr = le64(ph + 24);
			filesz = le64(ph + 32);
			memsz = le64(ph + 40);
		} else {
			off = le32(ph + 4);
			paddr = le32(ph + 12);
			filesz = le32(ph + 16);
			memsz = le32(ph + 20);
		}
		if (!memsz)
			continue;
		if (filesz > memsz)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: program header %u has more file bytes (%" PRIu64
				       ") than memory (%" PRIu64 ")", name, i, filesz, memsz);
		if (off > len || filesz > len - off)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: truncated: program header %u needs bytes up to %" PRIu64
				       ", the file has %zu", name, i, off + filesz, len);
		if (paddr + memsz < paddr)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: program header %u wraps around memory", name, i);
		if (out->nload == ELF_MAX_LOADS)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: more than %d loadable segments",
				       name, ELF_MAX_LOADS);
		for (size_t j = 0; j < out->nload; j++) {
			const struct elf_load *o = &out->load[j];
			if (paddr < o->paddr + o->memsz && o->paddr < paddr + memsz)
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: program headers overlap at physical 0x%" PRIx64,
					       name, paddr > o->paddr ? paddr : o->paddr);
		}
		l = &out->load[out->nload++];
		l->paddr = paddr;
		l->memsz = memsz;
		l->filesz = filesz;
		l->data = buf + off;
	}
	if (!out->nload)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no loadable segments", name);
	for (size_t j = 0; j < out->nload; j++)
		if (out->entry >= out->load[j].paddr &&
		    out->entry < out->load[j].paddr + out->load[j].memsz)
			return 0;
	return kj_fail(err, KJ_EXIT_BADFILE,
		       "%s: entry point 0x%" PRIx64 " is outside every loadable segment", name,
		       out->entry);
}
