/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "elfhdr.h"
#include "exitcodes.h"
#include "le.h"
#include "range.h"

#define CORE_MAX_PHDRS 1000000u /* a sane bound: 1e6 ranges */

int core_parse(const uint8_t *hdr, size_t hdrlen, uint64_t file_size, const char *name,
	       struct core *c, size_t *need, struct kj_error *err)
{
	struct elf_hdr h;

	memset(c, 0, sizeof(*c));
	*need = 0;
	if (elf_hdr_parse(hdr, hdrlen, name, &h, err) < 0)
		return -1;
	c->is64 = h.is64;
	c->type = h.type;
	c->machine = h.machine;
	c->entry = h.entry;
	if (c->type != ET_CORE && c->type != ET_EXEC)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: ELF type %u is neither a core nor an executable",
			       name, c->type);
	if (h.phnum == PN_XNUM) {
		/* the real count is in section header 0's sh_info */
		size_t shsz = c->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
		if (h.shoff > file_size || shsz > file_size - h.shoff)
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: truncated: section header past the end", name);
		if (hdrlen < h.shoff + shsz) {
			*need = (size_t)(h.shoff + shsz);
			return -1;
		}
		h.phnum = le32(hdr + h.shoff + (c->is64 ? 44 : 28));
	}
	if (!h.phnum || h.phnum > CORE_MAX_PHDRS)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %u program headers", name, h.phnum);
	if (h.phoff > file_size || (uint64_t)h.phnum * h.phentsize > file_size - h.phoff)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: program headers end past the end of the file", name);
	if (hdrlen < h.phoff + (uint64_t)h.phnum * h.phentsize) {
		*need = (size_t)(h.phoff + (uint64_t)h.phnum * h.phentsize);
		return -1;
	}
	c->loads = calloc(h.phnum, sizeof(*c->loads));
	c->note_refs = calloc(h.phnum, sizeof(*c->note_refs));
	if (!c->loads || !c->note_refs) {
		core_free(c);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	}
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		struct core_load l;

		elf_phdr_get(hdr + h.phoff + (uint64_t)i * h.phentsize, h.is64, &ph);
		if (ph.type != PT_LOAD && ph.type != PT_NOTE)
			continue;
		l = (struct core_load){ ph.offset, ph.paddr, ph.filesz, ph.memsz, ph.vaddr };
		if (l.offset > file_size || l.filesz > file_size - l.offset) {
			core_free(c);
			return kj_fail(err, KJ_EXIT_BADFILE,
				       "%s: truncated: program header %u needs bytes up to %llu, the file has %llu",
				       name, i, (unsigned long long)(l.offset + l.filesz),
				       (unsigned long long)file_size);
		}
		if (ph.type == PT_NOTE) {
			c->note_refs[c->nnote_refs++] = l;
			continue;
		}
		if (l.filesz > l.memsz || l.paddr + l.memsz < l.paddr) {
			core_free(c);
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: program header %u is inconsistent",
				       name, i);
		}
		c->loads[c->nloads++] = l;
	}
	return 0;
}

static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t at = 0;

	while (at < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + at, len - at, (off_t)(off + at));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		at += (size_t)n;
	}
	return 0;
}

int core_open(int fd, const char *name, struct core *c, struct kj_error *err)
{
	struct stat st;
	size_t len = 4096, need = 0;
	uint8_t *hdr = NULL;
	uint64_t size;
	int rc;

	if (fstat(fd, &st) < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", name, strerror(errno));
	size = (uint64_t)st.st_size;
	for (;;) {
		uint8_t *nh;
		size_t want = len < size ? len : (size_t)size;

		nh = realloc(hdr, len);
		if (!nh) {
			free(hdr);
			return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
		}
		hdr = nh;
		if (read_full(fd, hdr, want, 0) < 0) {
			free(hdr);
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: read error: %s", name, strerror(errno));
		}
		rc = core_parse(hdr, want, size, name, c, &need, err);
		if (rc == 0 || !need || need <= want)
			break;
		len = need;
	}
	if (rc < 0) {
		free(hdr);
		return -1;
	}
	free(hdr);
	/* the notes: every PT_NOTE, concatenated */
	for (size_t i = 0; i < c->nnote_refs; i++) {
		uint64_t fs = c->note_refs[i].filesz;
		uint8_t *nn;

		if (fs > 16u << 20)
			continue; /* no note is that large: not ours to read */
		nn = realloc(c->notes, c->notes_len + (size_t)fs + 1);
		if (!nn) {
			core_free(c);
			return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
		}
		c->notes = nn;
		if (read_full(fd, c->notes + c->notes_len, (size_t)fs, c->note_refs[i].offset) < 0) {
			core_free(c);
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: cannot read a note", name);
		}
		c->notes_len += (size_t)fs;
	}
	return 0;
}

void core_free(struct core *c)
{
	free(c->loads);
	free(c->note_refs);
	free(c->notes);
	memset(c, 0, sizeof(*c));
}

int core_find_note(const uint8_t *notes, size_t len, const char *name, uint32_t type,
		   const uint8_t **desc, size_t *desclen)
{
	size_t at = 0, nl = strlen(name) + 1;

	while (len - at >= 12) {
		uint32_t namesz = le32(notes + at), descsz = le32(notes + at + 4);
		uint32_t t = le32(notes + at + 8);
		uint64_t nameoff = at + 12, descoff = nameoff + align_up(namesz, 4);
		uint64_t next = descoff + align_up(descsz, 4);

		if (namesz > len || descsz > len || descoff > len || next > len + 3)
			return -1;
		if (descoff + descsz > len)
			return -1;
		if (t == type && namesz == nl && !memcmp(notes + nameoff, name, nl)) {
			*desc = notes + descoff;
			*desclen = descsz;
			return 0;
		}
		if (next > len)
			return -1;
		at = (size_t)next;
	}
	return -1;
}
