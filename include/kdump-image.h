/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF notes of kexec-jump, named "KEXECJMP":
 *
 *  KJ_NOTE_MEMMAP  the memory map of the machine kernel A ran on (the
 *                  firmware's, as /sys/firmware/memmap or /proc/iomem gave
 *                  it).  kexec puts it in the ELF core header it hands to
 *                  kernel B, so /proc/vmcore in B carries it; kdump copies it
 *                  into saved images; a loader compares it with its own
 *                  machine's map.
 *  KJ_NOTE_IMAGE   written by kdump save into a saved image: the entry to
 *                  resume at (kexec_jump_back_entry), the SHA-256 of the
 *                  saved data (every PT_LOAD's file bytes, in program-header
 *                  order), and their size.
 *  KJ_NOTE_RESUME  written by kdump save as "not resumed yet"; the loader
 *                  (kexec -l of the image) fills it in place, fsync'ed,
 *                  once the image is loaded for its resume: a second load
 *                  refuses.  Not covered by the SHA-256 (only the data is).
 *  KJ_NOTE_DISKS   written by kdump save in a jump's kernel B: the file
 *                  systems kernel A had in use (lib/fsstate.h: their type,
 *                  UUID and generation marks as B read them from the disks
 *                  before anything mounted them); the loader refuses the
 *                  image when one of them has moved on or is missing.
 *
 * Shared by kexec (writes MEMMAP, reads both) and kdump (reads MEMMAP,
 * writes both).  Little-endian, fixed-width, naturally aligned.
 */
#ifndef KJ_KDUMP_IMAGE_H
#define KJ_KDUMP_IMAGE_H

#include <stdint.h>

#define KJ_NOTE_NAME     "KEXECJMP"       /* n_namesz = 9 with the NUL */
#define KJ_NOTE_MEMMAP   0x4b4a0001u
#define KJ_NOTE_IMAGE    0x4b4a0002u
#define KJ_NOTE_RESUME   0x4b4a0003u
#define KJ_NOTE_DISKS    0x4b4a0004u

struct kj_note_memmap_entry {
	uint64_t start;
	uint64_t size;
	uint32_t type;   /* E820 type */
	uint32_t pad;
};

struct kj_note_memmap {
	uint32_t version;  /* 1 */
	uint32_t nr;       /* entries that follow */
	/* struct kj_note_memmap_entry entries[nr]; */
};

struct kj_note_image {
	uint32_t version;     /* 1 */
	uint32_t flags;       /* KJ_IMAGE_* */
	uint64_t entry;       /* where to resume kernel A, 0 if unknown */
	uint64_t data_bytes;  /* file bytes of all PT_LOADs */
	uint64_t zero_bytes;  /* memory recorded as zero (p_memsz beyond p_filesz) */
	uint64_t free_bytes;  /* memory left out as free in A */
	uint8_t sha256[32];   /* over the PT_LOAD file bytes, in order */
};

#define KJ_IMAGE_ZERO_EXCLUDED 0x1u
#define KJ_IMAGE_FREE_EXCLUDED 0x2u
/* The pages A lent to B are not at their own addresses: A's contents of
 * them are at the pages the kernel swapped them with, and A's jump-back
 * entry swaps them home on resume (so the image resumes right, but shows
 * B's view there to a reader). */
#define KJ_IMAGE_LENT_EXCLUDED 0x4u

struct kj_note_resume {
	uint32_t version;     /* 1 */
	uint32_t flags;       /* KJ_RESUME_* */
	uint64_t loaded_at;   /* CLOCK_REALTIME seconds of the load, 0 if never */
	uint8_t boot_id[16];  /* the loading kernel's /proc/sys/kernel/random/boot_id */
};

#define KJ_RESUME_LOADED 0x1u   /* loaded for its resume: consumed */

struct kj_note_disk {
	uint32_t type;        /* enum fs_type (lib/fsstate.h): 1 ext, 2 xfs, 3 btrfs */
	uint32_t use;         /* enum fs_use as B read it */
	uint8_t uuid[16];
	uint64_t mark[5];     /* the type's generation marks (fs_mark_name) */
	char dev[32];         /* the device B read it from ("vda1"), NUL-padded */
};

struct kj_note_disks {
	uint32_t version;     /* 1 */
	uint32_t nr;          /* entries that follow */
	/* struct kj_note_disk entries[nr]; */
};

_Static_assert(sizeof(struct kj_note_resume) == 32, "resume note layout");
_Static_assert(sizeof(struct kj_note_disk) == 96, "disk entry layout");
_Static_assert(sizeof(struct kj_note_disks) == 8, "disks note layout");
_Static_assert(sizeof(struct kj_note_memmap_entry) == 24, "memmap entry layout");
_Static_assert(sizeof(struct kj_note_memmap) == 8, "memmap note layout");
_Static_assert(sizeof(struct kj_note_image) == 72, "image note layout");

#endif
