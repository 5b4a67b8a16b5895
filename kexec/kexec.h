/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The stages of one kexec run, called in order by main(). */
#ifndef KJ_KEXEC_H
#define KJ_KEXEC_H

#include <stddef.h>
#include <stdint.h>

#include "file.h"
#include "kj-error.h"
#include "memmap.h"
#include "options.h"
#include "plan.h"
#include "purgatory.h"

/* What the running system says, read once (the only stage that reads /proc
 * and /sys for loading). */
struct kj_sysinfo {
	enum kj_arch arch;       /* the running kernel's, from uname() */
	struct memmap mm;
	const char *mm_source;
	uint64_t ram_pages;      /* MemTotal in pages: the kernel's totalram_pages() */
	char *proc_cmdline;      /* the running kernel's command line (NULL if unread) */
	uint64_t vmcoreinfo_addr; /* /sys/kernel/vmcoreinfo: the kernel's VMCOREINFO note */
	uint64_t vmcoreinfo_size; /* 0 when the kernel does not offer one */

	/* crash kernels only (kj_sysinfo_read_crash) */
#define KJ_MAX_CRASH_REGIONS 4
#define KJ_MAX_CPUS 1024
	struct range crash[KJ_MAX_CRASH_REGIONS]; /* "Crash kernel" in /proc/iomem */
	size_t ncrash;
	struct range cpu_notes[KJ_MAX_CPUS];      /* each CPU's crash notes buffer */
	size_t ncpu_notes;
};

/* Everything a loader gets: parsed options, the system, the input bytes. */
struct kj_load_input {
	const struct kj_options *o;
	const struct kj_sysinfo *sys;
	const struct kj_file *kernel;
	const uint8_t *initrd;   /* the --initrd bytes; NULL when there are several
				  * files: then initrd_parts holds them, in order */
	size_t initrd_size;      /* all of them */
	/* read only when initrd is NULL and initrd_size is not 0 */
	const struct kj_file *initrd_parts;
	unsigned nr_initrd_parts;
	/* The plan only checks the inputs (kexec_file_load will load them
	 * and its own purgatory checks them): no digests. */
	bool check_only;
};

int kj_sysinfo_read(struct kj_sysinfo *s, bool need_cmdline, struct kj_error *err);
/* The crash kernel regions and CPUs' crash notes (for -p). */
int kj_sysinfo_read_crash(struct kj_sysinfo *s, struct kj_error *err);
void kj_sysinfo_free(struct kj_sysinfo *s);

/* Run the action the options ask for; returns the exit code, printing
 * the error (if any) itself. */
int kj_run(const struct kj_options *o);

#endif
