/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include "elf-exec.h"
#include "exitcodes.h"

bool elf_probe(const uint8_t *buf, size_t len)
{
	return len >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG);
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

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

	type = get16(buf + 16);
	out->machine = get16(buf + 18);
	if (out->is64) {
		out->entry = get64(buf + 24);
		phoff = get64(buf + 32);
		phentsize = get16(buf + 54);
		phnum = get16(buf + 56);
	} else {
		out->entry = get32(buf + 24);
		phoff = get32(buf + 28);
		phentsize = get16(buf + 42);
		phnum = get16(buf + 44);
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

		if (get32(ph) != PT_LOAD)
			continue;
		if (out->is64) {
			off = get64(ph + 8);
			paddr = get64(ph + 24);
			filesz = get64(ph + 32);
			memsz = get64(ph + 40);
		} else {
			off = get32(ph + 4);
			paddr = get32(ph + 12);
			filesz = get32(ph + 16);
			memsz = get32(ph + 20);
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
