/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include "elf-exec.h"
#include "elfhdr.h"
#include "exitcodes.h"

bool elf_probe(const uint8_t *buf, size_t len)
{
	return len >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG);
}

int elf_exec_parse(const uint8_t *buf, size_t len, const char *name, struct elf_exec *out,
		   struct kj_error *err)
{
	struct elf_hdr h;

	memset(out, 0, sizeof(*out));
	if (elf_hdr_parse(buf, len, name, &h, err) < 0)
		return -1;
	out->is64 = h.is64;
	out->machine = h.machine;
	out->entry = h.entry;
	/* ELF cores (saved images) are loaded by x86_resume_plan, which
	 * x86_build_plan picks before this parser for --args-none */
	if (h.type != ET_EXEC)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ELF type %u is not an executable (ET_EXEC)%s",
			       name, h.type,
			       h.type == ET_CORE ? "; an ELF core loads only with --args-none" : "");
	if (out->machine != EM_X86_64 && out->machine != EM_386)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ELF machine %u is not x86", name,
			       out->machine);
	if (!h.phnum)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: no program headers", name);
	if (h.phoff > len || (uint64_t)h.phnum * h.phentsize > len - h.phoff)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: program headers end past the file's %zu bytes", name,
			       len);

	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		struct elf_load *l;

		elf_phdr_get(buf + h.phoff + (uint64_t)i * h.phentsize, h.is64, &ph);
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		if (ph.filesz > ph.memsz)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: program header %u has more file bytes (%" PRIu64
				       ") than memory (%" PRIu64 ")", name, i, ph.filesz, ph.memsz);
		if (ph.offset > len || ph.filesz > len - ph.offset)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: truncated: program header %u needs bytes up to %" PRIu64
				       ", the file has %zu", name, i, ph.offset + ph.filesz, len);
		if (ph.paddr + ph.memsz < ph.paddr)
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: program header %u wraps around memory", name, i);
		/* no x86 machine has physical memory up there (x86_64's
		 * 4-level paging reaches 64 TiB, 5-level 4 PiB) */
		if (ph.paddr + ph.memsz > (1ull << 52))
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: program header %u asks for memory up to 0x%" PRIx64
				       ", beyond any x86 machine's", name, i, ph.paddr + ph.memsz);
		if (out->nload == ELF_MAX_LOADS)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: more than %d loadable segments",
				       name, ELF_MAX_LOADS);
		for (size_t j = 0; j < out->nload; j++) {
			const struct elf_load *o = &out->load[j];
			if (ph.paddr < o->paddr + o->memsz && o->paddr < ph.paddr + ph.memsz)
				return kj_fail(err, KJ_EXIT_BADFILE,
					       "%s: program headers overlap at physical 0x%" PRIx64,
					       name, ph.paddr > o->paddr ? ph.paddr : o->paddr);
		}
		l = &out->load[out->nload++];
		l->paddr = ph.paddr;
		l->memsz = ph.memsz;
		l->filesz = ph.filesz;
		l->data = buf + ph.offset;
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
