/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file systems on this machine's block devices, as lib/fsstate.h reads
 * them (without mounting anything): every device of ROOT/sys/class/block
 * (whole disks, partitions, device-mapper and md devices alike) opened
 * read-only as ROOT/dev/NAME.  ROOT is "" on a machine, a fixture tree in
 * the tests.  kdump save records with it what kernel A had in use; kexec
 * finds with it, by UUID, the disks a saved image names.
 */
#ifndef KJ_FSSCAN_H
#define KJ_FSSCAN_H

#include <stddef.h>

#include "fsstate.h"
#include "kj-error.h"

struct fs_found {
	char dev[32];           /* "vda1", as /sys/class/block names it */
	struct fs_state st;
};

struct fs_list {
	struct fs_found *v;
	size_t n;
	unsigned damaged;       /* devices whose superblock failed its checks */
	char first_damage[256]; /* the first one's message */
};

/* 0, or -1 when ROOT/sys/class/block cannot be listed (no sysfs) or out of
 * memory.  A device that cannot be opened or read (no medium, no node) is
 * left out; one whose superblock is damaged is counted in `damaged`. */
int fs_scan(const char *root, struct fs_list *out, struct kj_error *err);
void fs_list_free(struct fs_list *l);

/* The first device holding the file system of this type and UUID. */
const struct fs_found *fs_list_find(const struct fs_list *l, enum fs_type type,
				    const uint8_t uuid[16]);

/* Probe one device node (a block device or a file): 0 with *st (type
 * FS_NONE when none), -1 when it cannot be opened or read, or is damaged. */
int fs_probe_path(const char *path, struct fs_state *st, struct kj_error *err);

#endif
