/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where kdump save writes, in a jump's kernel B: never on a file system
 * kernel A has in use.  A's disks are attached to the machine B runs on;
 * mounting one of A's file systems in B (even to write a file beside A's)
 * replays its journal and changes its metadata under A, which on resume
 * goes on from its own cached view: silent corruption.  So the target is
 * checked from the device's own in-use marks (lib/fsstate.h) before
 * anything mounts it: kdump save --mount=DEVICE checks, then mounts it
 * itself; a target B mounted beforehand cannot be checked any more (B's
 * own mount set the marks) and is refused.  --force skips the checks.
 *
 * The same pass records, for the image's disk note, every file system A
 * has in use, read from the disks before the target is mounted.
 */
#ifndef KJ_KDUMP_TARGET_H
#define KJ_KDUMP_TARGET_H

#include <stdbool.h>

#include "fsscan.h"
#include "kj-error.h"

struct save_target {
	const char *image;      /* IMAGE as given */
	const char *mount_dev;  /* --mount=DEVICE (a path, LABEL=L or UUID=U), or NULL */
	bool force;
	bool in_jump;           /* B of a kexec jump (kexec_jump_back_entry=) */
	/* results */
	char *path;             /* where the image goes (inside the mount) */
	char *mnt;              /* the directory DEVICE is mounted on, or NULL */
	char *dev_path;         /* DEVICE as a path (LABEL= and UUID= resolved) */
	struct fs_list disks;   /* A's file systems in use, for the disk note */
	bool disks_recorded;
};

/* Check the target, record the disks, mount --mount's device.  -1 with
 * the reason (a one-line refusal naming the device) when the save must
 * not go on. */
int target_prepare(struct save_target *t, struct kj_error *err);
/* Unmount what target_prepare mounted (after a sync): -1 when that
 * fails (the image may not be on the disk yet). */
int target_finish(struct save_target *t, struct kj_error *err);
void target_free(struct save_target *t);

/* Is this kernel B of a kexec jump? (kexec_jump_back_entry= on
 * /proc/cmdline) */
bool target_in_jump(void);

#endif
