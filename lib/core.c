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
#include "pread-full.h"
#include "range.h"

#define CORE_MAX_PHDRS 1000000u /* a sane bound: 1e6 ranges */
#define CORE_MAX_NOTES (64u << 20)

/*
 * Where core_parse gets the bytes at [off, off + len): a pointer to them,
 * or NULL when they cannot be had (then *need is what a memory buffer
 * would have to hold, 0 for a read error).  Two kinds: a buffer (the whole
 * mapped file, or its first bytes) and a file read piece by piece, so that
 * a sparse file with its program headers at its end costs their size, not
 * the file's.
 */
struct core_src {
	const uint8_t *(*at)(struct core_src *s, uint64_t off, size_t len);
	const uint8_t *buf;  /* buffer */
	size_t buflen;
	size_t need;
	int fd;              /* file */
	uint8_t *scratch;
};

static const uint8_t *buf_at(struct core_src *s, uint64_t off, size_t len)
{
	if (off > s->buflen || len > s->buflen - off) {
		s->need = (size_t)(off + len);
		return NULL;
	}
	return s->buf + off;
}

static const uint8_t *fd_at(struct core_src *s, uint64_t off, size_t len)
{
	uint8_t *nb = realloc(s->scratch, len ? len : 1);

	if (!nb)
		return NULL;
	s->scratch = nb;
	return kj_pread_full(s->fd, nb, len, off) < 0 ? NULL : nb;
}

static int src_fail(struct core_src *s, const char *name, struct kj_error *err)
{
	if (s->need)
		return -1; /* core_parse's caller reads more and calls again */
	return kj_fail(err, KJ_EXIT_BADFILE, "%s: read error: %s", name, strerror(errno));
}

static int parse(struct core_src *src, uint64_t file_size, const char *name, struct core *c,
		 struct kj_error *err)
{
	struct elf_hdr h;
	const uint8_t *p;
	size_t ehlen = file_size < sizeof(Elf64_Ehdr) ? (size_t)file_size : sizeof(Elf64_Ehdr);
	uint64_t table;

	memset(c, 0, sizeof(*c));
	p = src->at(src, 0, ehlen);
	if (!p)
		return src_fail(src, name, err);
	if (elf_hdr_parse(p, ehlen, name, &h, err) < 0)
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
		p = src->at(src, h.shoff, shsz);
		if (!p)
			return src_fail(src, name, err);
		h.phnum = le32(p + (c->is64 ? 44 : 28));
	}
	if (!h.phnum || h.phnum > CORE_MAX_PHDRS)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %u program headers", name, h.phnum);
	table = (uint64_t)h.phnum * h.phentsize;
	if (h.phoff > file_size || table > file_size - h.phoff)
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: truncated: program headers end past the end of the file", name);
	p = src->at(src, h.phoff, (size_t)table);
	if (!p)
		return src_fail(src, name, err);
	c->loads = calloc(h.phnum, sizeof(*c->loads));
	c->note_refs = calloc(h.phnum, sizeof(*c->note_refs));
	if (!c->loads || !c->note_refs) {
		core_free(c);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	}
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr ph;
		struct core_load l;

		elf_phdr_get(p + (uint64_t)i * h.phentsize, h.is64, &ph);
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

int core_parse(const uint8_t *hdr, size_t hdrlen, uint64_t file_size, const char *name,
	       struct core *c, size_t *need, struct kj_error *err)
{
	struct core_src src = { .at = buf_at, .buf = hdr, .buflen = hdrlen, .fd = -1 };
	int rc = parse(&src, file_size, name, c, err);

	*need = rc < 0 ? src.need : 0;
	return rc;
}

int core_open(int fd, const char *name, struct core *c, struct kj_error *err)
{
	struct core_src src = { .at = fd_at, .fd = fd };
	struct stat st;
	uint64_t total = 0;
	int rc;

	if (fstat(fd, &st) < 0)
		return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s", name, strerror(errno));
	rc = parse(&src, (uint64_t)st.st_size, name, c, err);
	free(src.scratch);
	if (rc < 0)
		return -1;
	/* The notes: every PT_NOTE, concatenated.  A kernel's are a few KiB
	 * per CPU; more than CORE_MAX_NOTES is no core's, and skipping a
	 * note would make a damaged image look like one without it. */
	for (size_t i = 0; i < c->nnote_refs; i++)
		total += c->note_refs[i].filesz;
	if (total > (uint64_t)st.st_size) {
		core_free(c);
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: its PT_NOTEs add up to more bytes than the file has: they overlap",
			       name);
	}
	if (total > CORE_MAX_NOTES) {
		core_free(c);
		return kj_fail(err, KJ_EXIT_BADFILE,
			       "%s: its PT_NOTEs hold %llu MiB, more than a core's notes can be (%u MiB)",
			       name, (unsigned long long)(total >> 20), CORE_MAX_NOTES >> 20);
	}
	c->notes = malloc(total ? (size_t)total : 1);
	if (!c->notes) {
		core_free(c);
		return kj_fail(err, KJ_EXIT_FAILURE, "%s: out of memory", name);
	}
	for (size_t i = 0; i < c->nnote_refs; i++) {
		size_t fs = (size_t)c->note_refs[i].filesz;

		if (kj_pread_full(fd, c->notes + c->notes_len, fs, c->note_refs[i].offset) < 0) {
			core_free(c);
			return kj_fail(err, KJ_EXIT_BADFILE, "%s: cannot read a note", name);
		}
		c->notes_len += fs;
	}
	return 0;
}

int core_image_notes(const struct core *c, const uint8_t *file, const char *name,
		     struct image_notes *out, struct kj_error *err)
{
	size_t at = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < c->nnote_refs; i++) {
		size_t len = (size_t)c->note_refs[i].filesz;
		const uint8_t *p = file ? file + c->note_refs[i].offset : c->notes + at;

		if (image_notes_add(p, len, name, out, err) < 0)
			return -1;
		at += len;
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
