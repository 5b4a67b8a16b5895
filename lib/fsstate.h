/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a block device's file system says about itself, read without
 * mounting it: which file system and its UUID, whether its own marks say
 * it is in use (mounted read-write now, or never cleanly unmounted since),
 * and the values it changes whenever it is mounted or written, its
 * "generation marks".  kdump save refuses a target some other kernel has
 * in use, and records the marks of every file system kernel A had in use
 * in the image; the loader refuses the image once one of those disks has
 * moved on (mounted or written since the save: A's cached view of it would
 * overwrite what changed).
 *
 * What each reader reads, and what it cannot see, is written at the
 * reader in fsstate.c.  Pure: the device is read through a callback (a
 * file, a block device, a fuzzer's buffer), a bounded number of times
 * whatever the device claims: the superblock, and for XFS at most
 * FS_XFS_MAX_READS sectors of its log.
 */
#ifndef KJ_FSSTATE_H
#define KJ_FSSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "kj-error.h"

enum fs_type { FS_NONE = 0, FS_EXT, FS_XFS, FS_BTRFS };

enum fs_use {
	FS_CLEAN = 0,      /* its marks say: not mounted read-write */
	FS_IN_USE,         /* mounted read-write, or not cleanly unmounted */
	FS_USE_UNKNOWN,    /* it keeps no such mark (btrfs), or it cannot be read */
};

#define FS_MARKS 5
#define FS_XFS_MAX_READS 700

struct fs_state {
	enum fs_type type;
	char type_name[8];        /* "ext2" "ext3" "ext4" "xfs" "btrfs" */
	uint8_t uuid[16];
	char label[64];           /* its label (NUL-terminated; "" when none) */
	enum fs_use use;
	char why[160];            /* FS_IN_USE, FS_USE_UNKNOWN: what the marks say */
	uint64_t mark[FS_MARKS];  /* named by fs_mark_name(); unused ones 0 */
};

struct fs_dev {
	/* 0 when all len bytes at off were read, -1 otherwise */
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;            /* the device's size in bytes */
};

/*
 * Probe the device: 0 with out->type FS_NONE when it holds none of the
 * file systems above (or is too small for one), 0 with the state when it
 * holds one, -1 (KJ_EXIT_BADFILE, naming `name`) when a superblock with
 * the right magic fails its checksum or its geometry is impossible: a
 * damaged file system is never taken for an absent one.
 */
int fs_probe(const struct fs_dev *dev, const char *name, struct fs_state *out,
	     struct kj_error *err);

/* The family's name: "ext2/3/4", "xfs", "btrfs" ("?" for FS_NONE). */
const char *fs_family_name(enum fs_type type);

/* The name of mark i of a file system of this type, NULL past the last. */
const char *fs_mark_name(enum fs_type type, unsigned i);

/* "1b4e28ba-2fa1-11d2-883f-0016d3cca427" */
#define FS_UUID_STR 37
const char *fs_uuid_str(const uint8_t uuid[16], char out[FS_UUID_STR]);

/*
 * Has the file system moved on from `then` (recorded at a save) to `now`
 * (read at the resume)?  0: the same marks.  1: it has; `why` says which
 * mark changed and how ("s_mnt_count 4 -> 5").  Both must be the same
 * file system (type and UUID; the caller found `now` by UUID).
 */
int fs_moved_on(const struct fs_state *then, const struct fs_state *now, char *why,
		size_t len);

/* CRC-32C (Castagnoli), without the final inversion: crc32c_raw(~0, ...)
 * as ext4 stores it; the standard value is its complement. */
uint32_t crc32c_raw(uint32_t crc, const void *buf, size_t len);

#endif
