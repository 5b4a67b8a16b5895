/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: ELF cores and saved images (lib/core.c).  The input
 * is the file: core_parse on all of it and on a prefix (as core_open reads
 * headers, asking for more when they do not fit), core_open through a
 * memfd, and core_find_note over the notes it gathered and over the raw
 * bytes.  The verdict on the KEXECJMP notes (image-notes.c) must be the
 * same read from the mapped bytes (kexec) and through core_open (kdump).
 */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "core.h"
#include "image-check.h"
#include "kdump-image.h"

static void find_notes(const uint8_t *notes, size_t len)
{
	static const struct {
		const char *name;
		uint32_t type;
	} want[] = {
		{ KJ_NOTE_NAME, KJ_NOTE_IMAGE },
		{ KJ_NOTE_NAME, KJ_NOTE_MEMMAP },
		{ "VMCOREINFO", 0 },
		{ "CORE", 1 /* NT_PRSTATUS */ },
		{ "", 0 },
	};
	uint8_t *copy = fz_dup(notes, len);

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const uint8_t *desc = NULL;
		size_t dlen = 0;

		if (core_find_note(copy, len, want[i].name, want[i].type, &desc, &dlen) == 0) {
			FUZZ_CHECK(desc >= copy && dlen <= (size_t)(copy + len - desc));
			if (dlen)
				FUZZ_CHECK(desc[dlen - 1] == desc[dlen - 1]);
		}
	}
	free(copy);
}

/* What core_image_notes said, to compare the two ways of reading. */
struct verdict {
	int rc;
	struct image_notes in;
};

static void image_verdict(const struct core *c, const uint8_t *file, const uint8_t *lo, size_t n,
			  struct verdict *v)
{
	struct kj_error err = { 0, "" };

	v->rc = core_image_notes(c, file, "fuzz.core", &v->in, &err);
	if (v->rc < 0) {
		FUZZ_CHECK(err.exit_code == 3 && strstr(err.msg, "the image is damaged"));
		return;
	}
	if (v->in.has_memmap) {
		FUZZ_CHECK(v->in.memmap >= lo && v->in.memmap_len <= n &&
			   (size_t)(v->in.memmap - lo) <= n - v->in.memmap_len);
		FUZZ_CHECK(v->in.memmap_len == 8 + 24 * (size_t)v->in.memmap_nr);
	}
}

static void check_core(const struct core *c, uint64_t file_size)
{
	FUZZ_CHECK(c->nloads + c->nnote_refs <= file_size / 32);
	for (size_t i = 0; i < c->nloads; i++) {
		const struct core_load *l = &c->loads[i];

		FUZZ_CHECK(l->offset <= file_size && l->filesz <= file_size - l->offset);
		FUZZ_CHECK(l->filesz <= l->memsz && l->paddr + l->memsz >= l->paddr);
	}
	for (size_t i = 0; i < c->nnote_refs; i++)
		FUZZ_CHECK(c->note_refs[i].offset <= file_size &&
			   c->note_refs[i].filesz <= file_size - c->note_refs[i].offset);
}

/* kdump save's check before it walks the loads page by page */
static void check_size(const struct core *c, const uint8_t *notes, size_t len)
{
	struct kj_error err = { 0, "" };
	uint64_t top = kdump_memmap_top(notes, len), sum = 0;

	if (!top)
		return;
	if (kdump_loads_fit(c, "fuzz.core", top, "its memory-map note", &err) < 0) {
		FUZZ_CHECK(err.exit_code == 3 && !strncmp(err.msg, "fuzz.core: ", 11));
		return;
	}
	for (size_t i = 0; i < c->nloads; i++) {
		FUZZ_CHECK(c->loads[i].paddr + c->loads[i].memsz <= top);
		FUZZ_CHECK(c->loads[i].memsz <= top - sum);
		sum += c->loads[i].memsz;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static int fd = -2;
	struct kj_error err = { 0, "" };
	struct core c;
	size_t need = 0, hdrlen;
	struct verdict mapped = { 0 };
	bool parsed;
	int rc;

	/* everything at hand */
	fz_alloc_begin();
	rc = core_parse(d, n, n, "fuzz.core", &c, &need, &err);
	FUZZ_CHECK(fz_alloc_end() <= 3 * n + 4096);
	parsed = rc == 0;
	if (rc == 0) {
		uint8_t *notes = NULL;
		size_t len = 0;

		check_core(&c, n);
		image_verdict(&c, d, d, n, &mapped);
		for (size_t i = 0; i < c.nnote_refs; i++) {
			notes = realloc(notes, len + c.note_refs[i].filesz + 1);
			if (!notes)
				abort();
			memcpy(notes + len, d + c.note_refs[i].offset, c.note_refs[i].filesz);
			len += c.note_refs[i].filesz;
		}
		find_notes(notes ? notes : (const uint8_t *)"", len);
		check_size(&c, notes ? notes : (const uint8_t *)"", len);
		free(notes);
		core_free(&c);
	} else {
		FUZZ_CHECK(need == 0);
	}

	/* only the first bytes: core_parse asks for what it needs */
	hdrlen = n < 256 ? n / 2 : 256;
	for (int round = 0; round < 3; round++) {
		uint8_t *hdr = fz_dup(d, hdrlen);
		rc = core_parse(hdr, hdrlen, n, "fuzz.core", &c, &need, &err);
		free(hdr);
		if (rc == 0) {
			check_core(&c, n);
			core_free(&c);
			break;
		}
		if (!need)
			break;
		FUZZ_CHECK(need > hdrlen && need <= n);
		hdrlen = need;
	}

	/* core_open, as kdump and kexec read a file */
	if (fd == -2)
		fd = memfd_create("fuzz-core", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, 0) == 0 &&
	    (n == 0 || pwrite(fd, d, n, 0) == (ssize_t)n)) {
		fz_alloc_begin();
		rc = core_open(fd, "fuzz.core", &c, &err);
		/* the headers (read again when they do not fit in the first
		 * page), the loads and the notes: each no bigger than the file */
		FUZZ_CHECK(fz_alloc_end() <= 6 * n + 3 * 4096);
		if (rc == 0) {
			struct verdict read;

			check_core(&c, n);
			FUZZ_CHECK(c.notes_len <= n);
			image_verdict(&c, NULL, c.notes, c.notes_len, &read);
			/* one verdict, however the file was read */
			if (parsed) {
				FUZZ_CHECK(read.rc == mapped.rc);
				FUZZ_CHECK(read.rc < 0 || (read.in.has_image == mapped.in.has_image &&
							   read.in.entry == mapped.in.entry &&
							   read.in.has_memmap == mapped.in.has_memmap));
			}
			find_notes(c.notes ? c.notes : (const uint8_t *)"", c.notes_len);
			check_size(&c, c.notes ? c.notes : (const uint8_t *)"", c.notes_len);
			core_free(&c);
		}
	}

	/* the note walker on anything */
	find_notes(d, n);
	return 0;
}
