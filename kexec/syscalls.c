/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exitcodes.h"
#include "syscalls.h"

#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load -1 /* i386 has none */
#endif

struct kexec_segment_abi {
	const void *buf;
	size_t bufsz;
	const void *mem; /* a physical address in a pointer-sized field */
	size_t memsz;
};

int sys_kexec_load(const struct kj_plan *p, unsigned long extra_flags)
{
	struct kexec_segment_abi seg[KJ_SEGMENT_MAX];

	for (size_t i = 0; i < p->nseg; i++) {
		seg[i].buf = p->seg[i].buf;
		seg[i].bufsz = p->seg[i].bufsz;
		seg[i].mem = (const void *)(uintptr_t)p->seg[i].mem;
		seg[i].memsz = (size_t)p->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)p->entry, (unsigned long)p->nseg, seg,
		    p->flags | extra_flags) != 0)
		return -errno;
	return 0;
}

int sys_kexec_load_unload(unsigned long flags)
{
	if (syscall(SYS_kexec_load, 0UL, 0UL, NULL, flags) != 0)
		return -errno;
	return 0;
}

int sys_kexec_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long len = cmdline ? strlen(cmdline) + 1 : 0;

	if (SYS_kexec_file_load < 0)
		return -ENOSYS;
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, len, cmdline, flags) != 0)
		return -errno;
	return 0;
}

int sys_reboot_kexec(void)
{
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
		    LINUX_REBOOT_CMD_KEXEC, NULL) != 0)
		return -errno;
	return 0;
}

static int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int kj_image_loaded(bool crash)
{
	char buf[16];
	if (read_first_line(crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded",
			    buf, sizeof(buf)) < 0)
		return -1;
	return buf[0] == '1';
}

/* The lockdown mode in force, or NULL: "[integrity]" / "[confidentiality]". */
static const char *lockdown_mode(void)
{
	static char buf[128];
	if (read_first_line("/sys/kernel/security/lockdown", buf, sizeof(buf)) < 0)
		return NULL;
	if (strstr(buf, "[integrity]"))
		return "integrity";
	if (strstr(buf, "[confidentiality]"))
		return "confidentiality";
	return NULL;
}

int kj_kernel_error(struct kj_error *err, const char *call, int e, const char *image)
{
	char buf[16];
	const char *lock;

	switch (e) {
	case EPERM:
		if (geteuid() != 0)
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "%s: permission denied: run kexec as root (it needs CAP_SYS_BOOT)",
				       call);
		if (read_first_line("/proc/sys/kernel/kexec_load_disabled", buf, sizeof(buf)) == 0 &&
		    buf[0] == '1')
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "%s: kexec is disabled on this system (kernel.kexec_load_disabled=1 stays set until reboot)",
				       call);
		lock = lockdown_mode();
		if (lock && !strcmp(call, "kexec_load"))
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "kexec_load: refused by kernel lockdown (%s); use -s (kexec_file_load) with a signed kernel",
				       lock);
		if (lock)
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "%s: refused by kernel lockdown (%s): the kernel must be signed with a key the running kernel trusts",
				       call, lock);
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: operation not permitted: kexec is disabled (kernel.kexec_load_disabled), refused by a security module, or the kernel is locked down (try -s with a signed kernel)",
			       call);
	case EBUSY:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the kernel is busy with another kexec operation; try again", call);
	case ENOMEM:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the kernel could not allocate memory for %s; free memory or use a smaller initrd",
			       call, image ? image : "the image");
	case EINVAL:
		/* kexec_file_load has no segment list: the kernel's own loader
		 * refused the image, its initrd or its command line. */
		if (strcmp(call, "kexec_load"))
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "%s: the running kernel's loader refused %s (EINVAL): not a kernel it can load this way, or a command line too long for it; try -c (kexec_load)",
				       call, image ? image : "the image");
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the kernel rejected the segment list as invalid (too many segments, overlaps, or more than half of RAM); see the plan with --dry-run",
			       call);
	case EFAULT:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the kernel could not read the image from this program's memory (EFAULT): an input file changed while it was loaded? Try again",
			       call);
	case EADDRNOTAVAIL:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: a segment lies where the kernel cannot load (unaligned or above its limit); see the plan with --dry-run",
			       call);
	case ENOSYS:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the running kernel does not provide this system call (CONFIG_KEXEC%s)",
			       call, strcmp(call, "kexec_load") ? "_FILE" : "");
	case ENOEXEC:
		/* kexec_file_load: no loader of the running kernel knows the
		 * format (an ELF vmlinux, a 32-bit bzImage); kexec_load
		 * takes those.  From kexec_load it is the kernel's own no. */
		if (strcmp(call, "kexec_load"))
			return kj_fail(err, KJ_EXIT_KERNEL,
				       "%s: the running kernel cannot load %s this way (not a format its kexec_file_load knows); try -c (kexec_load)",
				       call, image ? image : "the image");
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: the running kernel refused %s as not executable (ENOEXEC)",
			       call, image ? image : "the image");
	case EKEYREJECTED:
	case EBADMSG:
		return kj_fail(err, KJ_EXIT_KERNEL,
			       "%s: %s has no valid signature and this kernel requires one",
			       call, image ? image : "the image");
	default:
		return kj_fail(err, KJ_EXIT_KERNEL, "%s: %s", call, strerror(e));
	}
}
