/* SPDX-License-Identifier: GPL-2.0-or-later */
/* System facts: the running kernel, its memory map, the CPU. */
#ifndef KJ_SYSINFO_H
#define KJ_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "efi.h"
#include "fsscan.h"
#include "kj-error.h"
#include "memmap.h"
#include "purgatory.h"
#include "range.h"

/* What the running system says, read once (the only stage that reads /proc,
 * /sys, CPUID, the CPU set and the random pool for loading). */
struct kj_sysinfo {
	enum kj_arch arch;       /* the running kernel's, from uname() */
	struct memmap mm;
	const char *mm_source;
	uint64_t ram_pages;      /* MemTotal in pages: the kernel's totalram_pages() */
	char *proc_cmdline;      /* the running kernel's command line (NULL if unread) */
	uint64_t vmcoreinfo_addr; /* /sys/kernel/vmcoreinfo: the kernel's VMCOREINFO note */
	uint64_t vmcoreinfo_size; /* 0 when the kernel does not offer one */
	unsigned cpus;           /* CPUs for digests side by side (0: one) */
	bool sha_ni;             /* the CPU has SHA-NI, and KJ_SHA256 allows it */
	uint8_t rng_seed[32];    /* random bytes for the new kernel's RNG (zero
				  * unless asked for) */
	struct kj_efi efi;       /* the firmware as this kernel knows it (efi.h) */

	/* crash kernels only (kj_sysinfo_read_crash) */
#define KJ_MAX_CRASH_REGIONS 4
#define KJ_MAX_CPUS 1024
	struct range crash[KJ_MAX_CRASH_REGIONS]; /* "Crash kernel" in /proc/iomem */
	size_t ncrash;
	struct range cpu_notes[KJ_MAX_CPUS];      /* each CPU's crash notes buffer */
	size_t ncpu_notes;

	/* kexec jump only (kj_sysinfo_read_jump) */
	uint8_t *vmcoreinfo_text;   /* the VMCOREINFO note's text, from /proc/kcore */
	size_t vmcoreinfo_text_len; /* 0 when unread: vmcoreinfo_why says why */
	char vmcoreinfo_why[256];

	/* saved images only (kj_sysinfo_read_disks): the file systems on
	 * this machine's block devices, for the image's disk note */
	struct fs_list disks;
	bool disks_read;            /* false: disks_why says why not */
	char disks_why[256];
	uint8_t boot_id[16];        /* /proc/sys/kernel/random/boot_id */
	int64_t now;                /* CLOCK_REALTIME seconds when read */
};

/* The facts; /proc/cmdline only with need_cmdline, the random bytes only
 * with need_seed (a Linux kernel's boot_params carry them: getrandom(2)
 * may wait for the pool early in boot, and other images do without). */
int kj_sysinfo_read(struct kj_sysinfo *s, bool need_cmdline, bool need_seed,
		    struct kj_error *err);
/* For kexec jump: the running kernel's VMCOREINFO text, out of
 * /proc/kcore (kernel B's ELF core header carries a copy, jump.c).  What
 * cannot be read is no error: vmcoreinfo_why says what went wrong. */
void kj_sysinfo_read_jump(struct kj_sysinfo *s);
/* For a saved image (--args-none): the file systems on the block devices
 * (lib/fsscan.h) and the boot id.  What cannot be read is no error here:
 * disks_why says what, and an image that names disks is refused then. */
void kj_sysinfo_read_disks(struct kj_sysinfo *s);
/* The crash kernel regions and CPUs' crash notes (for -p). */
int kj_sysinfo_read_crash(struct kj_sysinfo *s, struct kj_error *err);
void kj_sysinfo_free(struct kj_sysinfo *s);

#endif
