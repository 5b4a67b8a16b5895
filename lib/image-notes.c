/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "exitcodes.h"
#include "fsstate.h"
#include "image-notes.h"
#include "kdump-image.h"
#include "le.h"

#define NOTE_HDR 12u
static const char our_name[] = KJ_NOTE_NAME; /* with its NUL: 9 bytes */

static uint64_t pad4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * A name that is nearly ours: a bit flipped in it, or in its size (the
 * name then reads shorter or longer).  Compared over the bytes both have;
 * one byte off is a damaged note of ours, no note of the kernel's or
 * makedumpfile's ("CORE", "LINUX", "VMCOREINFO", "Xen", "GNU") comes near.
 */
static bool near_our_name(const uint8_t *n, uint32_t namesz)
{
	size_t cmp = namesz < sizeof(our_name) ? namesz : sizeof(our_name);
	unsigned off = 0;

	if (!cmp)
		return false;
	for (size_t i = 0; i < cmp; i++)
		off += n[i] != (uint8_t)our_name[i];
	return cmp >= 4 ? off <= 1 : off == 0;
}

static int damaged(struct kj_error *err, const char *name, const char *what)
{
	return kj_fail(err, KJ_EXIT_BADFILE, "%s: %s: the image is damaged", name, what);
}

static int take_ours(uint32_t type, const uint8_t *d, uint32_t dsz, const char *name,
		     struct image_notes *out, struct kj_error *err)
{
	switch (type) {
	case KJ_NOTE_IMAGE:
		if (out->has_image)
			return damaged(err, name, "two KEXECJMP image notes");
		/* exactly the layout of struct kj_note_image, version 1, and
		 * no flag this kdump does not know */
		if (dsz != sizeof(struct kj_note_image) || le32(d) != 1 ||
		    (le32(d + 4) & ~(KJ_IMAGE_ZERO_EXCLUDED | KJ_IMAGE_FREE_EXCLUDED |
				     KJ_IMAGE_LENT_EXCLUDED)))
			return damaged(err, name, "its KEXECJMP image note is not one kdump writes");
		out->has_image = true;
		out->flags = le32(d + 4);
		out->entry = le64(d + 8);
		out->data_bytes = le64(d + 16);
		out->zero_bytes = le64(d + 24);
		out->free_bytes = le64(d + 32);
		memcpy(out->sha256, d + 40, 32);
		return 0;
	case KJ_NOTE_MEMMAP:
		if (out->has_memmap)
			return damaged(err, name, "two KEXECJMP memory-map notes");
		/* version 1, and exactly nr entries with their padding zero */
		if (dsz < sizeof(struct kj_note_memmap) || le32(d) != 1 ||
		    (uint64_t)le32(d + 4) * sizeof(struct kj_note_memmap_entry) !=
			    dsz - sizeof(struct kj_note_memmap))
			return damaged(err, name, "its KEXECJMP memory-map note is not one kexec writes");
		for (uint32_t i = 0; i < le32(d + 4); i++)
			if (le32(d + sizeof(struct kj_note_memmap) + 24u * i + 20))
				return damaged(err, name, "its KEXECJMP memory-map note is not one kexec writes");
		out->has_memmap = true;
		out->memmap = d;
		out->memmap_len = dsz;
		out->memmap_nr = le32(d + 4);
		return 0;
	case KJ_NOTE_RESUME:
		if (out->has_resume)
			return damaged(err, name, "two KEXECJMP resume notes");
		if (dsz != sizeof(struct kj_note_resume) || le32(d) != 1 ||
		    (le32(d + 4) & ~KJ_RESUME_LOADED) ||
		    (!(le32(d + 4) & KJ_RESUME_LOADED) && !all_zero(d + 8, dsz - 8)))
			return damaged(err, name, "its KEXECJMP resume note is not one kdump or kexec writes");
		out->has_resume = true;
		out->resume = d;
		out->resume_flags = le32(d + 4);
		out->resume_loaded_at = le64(d + 8);
		memcpy(out->resume_boot_id, d + 16, 16);
		return 0;
	case KJ_NOTE_DISKS:
		if (out->has_disks)
			return damaged(err, name, "two KEXECJMP disk notes");
		/* version 1, exactly nr entries, each of a type we know with
		 * its device name NUL-terminated */
		if (dsz < sizeof(struct kj_note_disks) || le32(d) != 1 ||
		    (uint64_t)le32(d + 4) * sizeof(struct kj_note_disk) != dsz - sizeof(struct kj_note_disks))
			return damaged(err, name, "its KEXECJMP disk note is not one kdump writes");
		for (uint32_t i = 0; i < le32(d + 4); i++) {
			const uint8_t *e = d + sizeof(struct kj_note_disks) + sizeof(struct kj_note_disk) * i;

			if (le32(e) < 1 || le32(e) > 3 || le32(e + 4) > 2 || e[95] != 0)
				return damaged(err, name, "its KEXECJMP disk note is not one kdump writes");
		}
		out->has_disks = true;
		out->disks = d + sizeof(struct kj_note_disks);
		out->disks_nr = le32(d + 4);
		return 0;
	default:
		return damaged(err, name, "a KEXECJMP note of a type no kdump writes");
	}
}

void image_notes_disk(const struct image_notes *n, uint32_t i, struct fs_state *then,
		      char dev[32])
{
	const uint8_t *e = n->disks + i * sizeof(struct kj_note_disk);

	memset(then, 0, sizeof(*then));
	then->type = (enum fs_type)le32(e);
	then->use = (enum fs_use)le32(e + 4);
	memcpy(then->uuid, e + 8, 16);
	for (unsigned k = 0; k < FS_MARKS; k++)
		then->mark[k] = le64(e + 24 + 8 * k);
	memcpy(dev, e + 64, 32);   /* NUL-terminated: image_notes_add checked */
}

int image_notes_add(const uint8_t *p, size_t len, const char *name, struct image_notes *out,
		    struct kj_error *err)
{
	size_t at = 0;
	unsigned notes = 0;

	while (at < len) {
		uint32_t namesz, descsz, type;
		uint64_t left = len - at, descoff, end;

		/* The kernel's buffers end with an empty note, and a segment
		 * may be padded: zeros to the end are no note. */
		if (all_zero(p + at, (size_t)left))
			break;
		if (left < NOTE_HDR)
			return damaged(err, name, "a note is cut short at the end of its PT_NOTE");
		namesz = le32(p + at);
		descsz = le32(p + at + 4);
		type = le32(p + at + 8);
		descoff = NOTE_HDR + pad4(namesz);
		end = descoff + pad4(descsz);
		/* the last note's descriptor may lack its padding */
		if (descoff > left || descsz > left - descoff)
			return damaged(err, name, "a note runs past the end of its PT_NOTE");
		if (end > left)
			end = left;
		if (namesz == sizeof(our_name) && !memcmp(p + at + NOTE_HDR, our_name, sizeof(our_name))) {
			if (!all_zero(p + at + NOTE_HDR + namesz, (size_t)(descoff - NOTE_HDR - namesz)))
				return damaged(err, name, "a KEXECJMP note's name is not padded with zeros");
			if (take_ours(type, p + at + descoff, descsz, name, out, err) < 0)
				return -1;
		} else if ((type >> 16) == (KJ_NOTE_IMAGE >> 16) ||
			   near_our_name(p + at + NOTE_HDR, namesz)) {
			return damaged(err, name, "a KEXECJMP note's name or type is damaged");
		}
		notes++;
		at += (size_t)end;
	}
	/* A PT_NOTE without a note: its header points elsewhere or its size
	 * is off (a kernel's core has none such). */
	if (!notes)
		return damaged(err, name, "a PT_NOTE holds no note");
	return 0;
}
