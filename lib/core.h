/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading ELF cores (/proc/vmcore, saved images): headers and notes.
 * Shared by kdump (saving, info) and kexec (loading saved images). */
#ifndef KJ_CORE_H
#define KJ_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image-notes.h"
#include "kj-error.h"

struct core_load {
	uint64_t offset;   /* in the file */
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t vaddr;    /* p_vaddr, 0 when the core gives none */
};

struct core {
	bool is64;
	uint16_t machine;
	uint16_t type;          /* ET_CORE, or ET_EXEC for a program */
	uint64_t entry;         /* e_entry */
	struct core_load *loads;
	size_t nloads;
	struct core_load *note_refs; /* the PT_NOTEs (offset, filesz) */
	size_t nnote_refs;
	uint8_t *notes;         /* every PT_NOTE's bytes, concatenated (core_open) */
	size_t notes_len;
};

/*
 * Parse the ELF header and program headers from hdr (the file's first
 * hdrlen bytes, which must hold them; *need is set to how many bytes that
 * takes when hdrlen is too short).  Pure: works on any bytes.  Notes are
 * not read here (see core_open).  file_size bounds every offset.
 */
int core_parse(const uint8_t *hdr, size_t hdrlen, uint64_t file_size, const char *name,
	       struct core *c, size_t *need, struct kj_error *err);

/* Open an ELF core through fd: headers and notes.  Reads the headers and
 * the notes, never more (a sparse file costs what it holds); notes over
 * 64 MiB in all are an error. */
int core_open(int fd, const char *name, struct core *c, struct kj_error *err);
/* The verdict on the core's KEXECJMP notes (image-notes.h), read from
 * file (the whole file's bytes, as mapped) or, with file NULL, from
 * c->notes (core_open). */
int core_image_notes(const struct core *c, const uint8_t *file, const char *name,
		     struct image_notes *out, struct kj_error *err);
void core_free(struct core *c);

/* Find the first note with this name and type; 0 and desc/len, or -1. */
int core_find_note(const uint8_t *notes, size_t len, const char *name, uint32_t type,
		   const uint8_t **desc, size_t *desclen);

#endif
