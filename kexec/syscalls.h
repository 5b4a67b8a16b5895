/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel interface: kexec_load(2), kexec_file_load(2), reboot(2), and
 * the translation of their errors into what the user should do. */
#ifndef KJ_SYSCALLS_H
#define KJ_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

#include "kj-error.h"
#include "plan.h"

#define KJ_KEXEC_ON_CRASH        0x00000001
#define KJ_KEXEC_PRESERVE_CONTEXT 0x00000002
#define KJ_KEXEC_FILE_UNLOAD     0x00000001
#define KJ_KEXEC_FILE_ON_CRASH   0x00000002
#define KJ_KEXEC_FILE_NO_INITRAMFS 0x00000004

/* Returns 0 or -errno. */
int sys_kexec_load(const struct kj_plan *p, unsigned long extra_flags);
int sys_kexec_load_unload(unsigned long flags);
int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);
int sys_reboot_kexec(void);

/* Fill err with what to do about errno e from the named call. */
int kj_kernel_error(struct kj_error *err, const char *call, int e, const char *image);

/* Is an image of this kind loaded (/sys/kernel/kexec_loaded or _crash_loaded)?
 * Returns 1, 0, or -1 when the kernel does not say. */
int kj_image_loaded(bool crash);

#endif
