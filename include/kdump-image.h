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

_Static_assert(sizeof(struct kj_note_memmap_entry) == 24, "memmap entry layout");
_Static_assert(sizeof(struct kj_note_memmap) == 8, "memmap note layout");
_Static_assert(sizeof(struct kj_note_image) == 72, "image note layout");

#endif
