/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The verdict on a core's KEXECJMP notes (kdump-image.h), one for every
 * reader: kexec loading a saved image (resume.c) and kdump info and
 * --verify.  A note of ours that is present but damaged is an error, never
 * "absent": an absent image note means a foreign core (a copy of
 * /proc/vmcore) loaded without a digest, so a damaged one read as absent
 * would turn the checks off.
 *
 * Pure: works on the PT_NOTE segments' bytes, wherever they were read.
 */
#ifndef KJ_IMAGE_NOTES_H
#define KJ_IMAGE_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

struct image_notes {
	bool has_image;              /* KJ_NOTE_IMAGE: saved by kdump save */
	uint32_t flags;              /* its fields, decoded */
	uint64_t entry, data_bytes, zero_bytes, free_bytes;
	uint8_t sha256[32];
	bool has_memmap;             /* KJ_NOTE_MEMMAP: the machine's map */
	const uint8_t *memmap;       /* its descriptor (version, nr, entries) */
	size_t memmap_len;
	uint32_t memmap_nr;
	bool has_resume;             /* KJ_NOTE_RESUME */
	const uint8_t *resume;       /* its descriptor, in the caller's bytes */
	uint32_t resume_flags;
	uint64_t resume_loaded_at;
	uint8_t resume_boot_id[16];
	bool has_disks;              /* KJ_NOTE_DISKS */
	const uint8_t *disks;        /* its entries (struct kj_note_disk) */
	uint32_t disks_nr;
};

/*
 * Entry i (< disks_nr) of the disk note: the file system as B read it
 * (type, use, UUID, marks; no name or label), and the device B saw it on.
 */
struct fs_state;
void image_notes_disk(const struct image_notes *n, uint32_t i, struct fs_state *then,
		      char dev[32]);

/*
 * Add the KEXECJMP notes of one PT_NOTE segment's bytes to *out (zeroed
 * before the first).  Fails (KJ_EXIT_BADFILE, naming the file) when the
 * segment's notes do not parse to its end, when a note looks like ours but
 * is not exactly one (its name, type, size or version off), or when one of
 * ours comes twice.
 */
int image_notes_add(const uint8_t *p, size_t len, const char *name, struct image_notes *out,
		    struct kj_error *err);

#endif
