/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elfcore.h"
#include "exitcodes.h"
#include "le.h"

size_t elfcore_size(const struct elfcore_spec *spec)
{
	size_t eh = spec->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t ph = spec->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	return eh + (spec->nnotes + spec->nloads) * ph;
}

static void put_phdr(uint8_t *p, bool is64, uint32_t type, uint64_t addr, uint64_t size,
		     uint64_t vaddr)
{
	if (is64) {
		put_le32(p + offsetof(Elf64_Phdr, p_type), type);
		put_le64(p + offsetof(Elf64_Phdr, p_offset), addr);
		put_le64(p + offsetof(Elf64_Phdr, p_vaddr), vaddr);
		put_le64(p + offsetof(Elf64_Phdr, p_paddr), addr);
		put_le64(p + offsetof(Elf64_Phdr, p_filesz), size);
		put_le64(p + offsetof(Elf64_Phdr, p_memsz), size);
		if (type == PT_LOAD) {
			put_le32(p + offsetof(Elf64_Phdr, p_flags), PF_R | PF_W | PF_X);
			put_le64(p + offsetof(Elf64_Phdr, p_align), 4096);
		}
	} else {
		put_le32(p + offsetof(Elf32_Phdr, p_type), type);
		put_le32(p + offsetof(Elf32_Phdr, p_offset), (uint32_t)addr);
		put_le32(p + offsetof(Elf32_Phdr, p_vaddr), (uint32_t)vaddr);
		put_le32(p + offsetof(Elf32_Phdr, p_paddr), (uint32_t)addr);
		put_le32(p + offsetof(Elf32_Phdr, p_filesz), (uint32_t)size);
		put_le32(p + offsetof(Elf32_Phdr, p_memsz), (uint32_t)size);
		if (type == PT_LOAD) {
			put_le32(p + offsetof(Elf32_Phdr, p_flags), PF_R | PF_W | PF_X);
			put_le32(p + offsetof(Elf32_Phdr, p_align), 4096);
		}
	}
}

int elfcore_build(const struct elfcore_spec *spec, uint8_t *buf, size_t buflen,
		  struct kj_error *err)
{
	size_t need = elfcore_size(spec), eh, ph, at;
	size_t nph = spec->nnotes + spec->nloads;

	if (buflen < need)
		return kj_fail(err, KJ_EXIT_FAILURE, "ELF core header needs %zu bytes, has %zu", need,
			       buflen);
	if (nph >= PN_XNUM)
		return kj_fail(err, KJ_EXIT_NOROOM, "ELF core header: %zu program headers is too many",
			       nph);
	if (!spec->is64) {
		for (size_t i = 0; i < nph; i++) {
			struct range r = i < spec->nnotes ? spec->notes[i] : spec->loads[i - spec->nnotes];
			if (range_end(r) > 0x100000000ull)
				return kj_fail(err, KJ_EXIT_NOROOM,
					       "memory above 4 GiB cannot be described in a 32-bit ELF core header");
		}
	}
	memset(buf, 0, need);
	eh = spec->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	ph = spec->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	memcpy(buf, ELFMAG, SELFMAG);
	buf[EI_CLASS] = spec->is64 ? ELFCLASS64 : ELFCLASS32;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	buf[EI_OSABI] = ELFOSABI_NONE;
	if (spec->is64) {
		put_le16(buf + offsetof(Elf64_Ehdr, e_type), ET_CORE);
		put_le16(buf + offsetof(Elf64_Ehdr, e_machine), spec->machine);
		put_le32(buf + offsetof(Elf64_Ehdr, e_version), EV_CURRENT);
		put_le64(buf + offsetof(Elf64_Ehdr, e_phoff), eh);
		put_le16(buf + offsetof(Elf64_Ehdr, e_ehsize), (uint16_t)eh);
		put_le16(buf + offsetof(Elf64_Ehdr, e_phentsize), (uint16_t)ph);
		put_le16(buf + offsetof(Elf64_Ehdr, e_phnum), (uint16_t)nph);
	} else {
		put_le16(buf + offsetof(Elf32_Ehdr, e_type), ET_CORE);
		put_le16(buf + offsetof(Elf32_Ehdr, e_machine), spec->machine);
		put_le32(buf + offsetof(Elf32_Ehdr, e_version), EV_CURRENT);
		put_le32(buf + offsetof(Elf32_Ehdr, e_phoff), (uint32_t)eh);
		put_le16(buf + offsetof(Elf32_Ehdr, e_ehsize), (uint16_t)eh);
		put_le16(buf + offsetof(Elf32_Ehdr, e_phentsize), (uint16_t)ph);
		put_le16(buf + offsetof(Elf32_Ehdr, e_phnum), (uint16_t)nph);
	}
	at = eh;
	for (size_t i = 0; i < spec->nnotes; i++, at += ph)
		put_phdr(buf + at, spec->is64, PT_NOTE, spec->notes[i].start, spec->notes[i].size, 0);
	for (size_t i = 0; i < spec->nloads; i++, at += ph) {
		struct range r = spec->loads[i];

		put_phdr(buf + at, spec->is64, PT_LOAD, r.start, r.size,
			 spec->direct_map && range_end(r) <= spec->direct_end ? spec->direct_map + r.start
									      : 0);
	}
	return 0;
}

size_t elfnote_size(const char *name, size_t descsz)
{
	return 12 + align_up(strlen(name) + 1, 4) + align_up(descsz, 4);
}

size_t elfnote_put(uint8_t *p, const char *name, uint32_t type, const void *desc, size_t descsz)
{
	size_t nl = strlen(name) + 1, at = 12;

	memset(p, 0, elfnote_size(name, descsz));
	put_le32(p, (uint32_t)nl);
	put_le32(p + 4, (uint32_t)descsz);
	put_le32(p + 8, type);
	memcpy(p + at, name, nl);
	at += align_up(nl, 4);
	memcpy(p + at, desc, descsz);
	return elfnote_size(name, descsz);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

int ranges_subtract(const struct range *ram, size_t nram, const struct range *holes,
		    size_t nholes, struct range *out, size_t max)
{
	struct range *h = malloc((nholes ? nholes : 1) * sizeof(*h));
	size_t n = 0;

	if (!h)
		return -1;
	memcpy(h, holes, nholes * sizeof(*h));
	qsort(h, nholes, sizeof(*h), cmp_range);
	for (size_t i = 0; i < nram; i++) {
		uint64_t at = ram[i].start, end = range_end(ram[i]);

		for (size_t j = 0; j < nholes && at < end; j++) {
			if (range_end(h[j]) <= at || h[j].start >= end || !h[j].size)
				continue;
			if (h[j].start > at) {
				if (n == max)
					goto full;
				out[n++] = range_from_bounds(at, h[j].start);
			}
			if (range_end(h[j]) > at)
				at = range_end(h[j]);
		}
		if (at < end) {
			if (n == max)
				goto full;
			out[n++] = range_from_bounds(at, end);
		}
	}
	free(h);
	qsort(out, n, sizeof(*out), cmp_range);
	return (int)n;
full:
	free(h);
	return -1;
}
