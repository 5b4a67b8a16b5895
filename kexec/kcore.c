/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/kcore (fs/proc/kcore.c) is an ELF core of the running kernel: the
 * ELF header, the program headers (a PT_NOTE first, then a PT_LOAD per
 * range of RAM, vmalloc, text, modules) and, right after them, the note
 * segment: CORE prstatus, prpsinfo and task_struct, and since Linux 4.19
 * (commit 23c85094fe18) a "VMCOREINFO" note of type 0 whose descriptor is
 * the kernel's vmcoreinfo_data, the text its vmcoreinfo_note buffer
 * (/sys/kernel/vmcoreinfo) holds too.  kexec jump copies that text into
 * kernel B's ELF core header (kexec/arch/x86/jump.c).
 *
 * Pure: a function of the file's first bytes, every offset and size
 * checked against them before use.
 */
#include <elf.h>
#include <string.h>

#include "core.h"
#include "elfhdr.h"
#include "exitcodes.h"
#include "kcore.h"

#define VMCOREINFO_NAME "VMCOREINFO"

/* The end of [off, off + size) in the file, or 0 past KCORE_HEAD_MAX. */
static uint64_t span_end(uint64_t off, uint64_t size)
{
	if (off > KCORE_HEAD_MAX || size > KCORE_HEAD_MAX - off)
		return 0;
	return off + size;
}

int kcore_vmcoreinfo(const uint8_t *buf, size_t len, const char *name, const uint8_t **text,
		     size_t *text_len, size_t *need, struct kj_error *err)
{
	uint64_t ph_end, notes_end = 0;
	struct elf_hdr h;
	unsigned nnotes = 0;
	size_t ehsize;

	*text = NULL;
	*text_len = 0;
	*need = 0;
	if (len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG))
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an ELF file", name);
	/* e_ident first: the class says how long the header is */
	ehsize = len < EI_NIDENT ? EI_NIDENT
		 : buf[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	if (len < ehsize) {
		*need = ehsize;
		return 1;
	}
	if (elf_hdr_parse(buf, len, name, &h, err) < 0)
		return -1;
	if (h.type != ET_CORE)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: not an ELF core file (type %u)", name, h.type);
	if (!h.phnum)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no program headers", name);
	ph_end = span_end(h.phoff, (uint64_t)h.phnum * h.phentsize);
	if (!ph_end)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: program headers beyond its first %u MiB",
			       name, KCORE_HEAD_MAX >> 20);
	if (ph_end > len) {
		*need = (size_t)ph_end;
		return 1;
	}
	/* every PT_NOTE within the bytes first, then the search */
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		uint64_t end;

		elf_phdr_get(buf + h.phoff + (uint64_t)i * h.phentsize, h.is64, &ph);
		if (ph.type != PT_NOTE)
			continue;
		nnotes++;
		end = span_end(ph.offset, ph.filesz);
		if (!end)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: notes beyond its first %u MiB", name,
				       KCORE_HEAD_MAX >> 20);
		if (end > notes_end)
			notes_end = end;
	}
	if (!nnotes)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no PT_NOTE", name);
	if (notes_end > len) {
		*need = (size_t)notes_end;
		return 1;
	}
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		const uint8_t *desc;
		size_t dl;

		elf_phdr_get(buf + h.phoff + (uint64_t)i * h.phentsize, h.is64, &ph);
		if (ph.type != PT_NOTE || !ph.filesz ||
		    core_find_note(buf + ph.offset, (size_t)ph.filesz, VMCOREINFO_NAME, 0, &desc,
				   &dl) < 0)
			continue;
		if (!dl)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: empty VMCOREINFO note", name);
		*text = desc;
		*text_len = dl;
		return 0;
	}
	return kj_fail(err, KJ_EXIT_BADFILE,
		       "%s: no VMCOREINFO note (the kernel adds one since Linux 4.19)", name);
}
