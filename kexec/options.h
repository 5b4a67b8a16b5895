/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parsed command line: one struct, filled by one getopt_long pass.
 * The mode is explicit (opts->action), never implied by a set of flags.
 */
#ifndef KJ_OPTIONS_H
#define KJ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kj-error.h"
#include "kj-number.h" /* kj_parse_u64 */

enum kj_action {
	KJ_ACTION_LOAD_AND_REBOOT, /* "kexec IMAGE": load, then shutdown -r (kexec-tools' default) */
	KJ_ACTION_LOAD,            /* -l / -p */
	KJ_ACTION_EXEC,            /* -e */
	KJ_ACTION_LOAD_AND_EXEC,   /* -f IMAGE: load, then exec at once */
	KJ_ACTION_UNLOAD,          /* -u */
	KJ_ACTION_STATUS,          /* -S */
	KJ_ACTION_PRINT_CKR_SIZE,  /* --print-ckr-size: the crash kernel region's size */
	KJ_ACTION_HELP,
	KJ_ACTION_VERSION,
};

enum kj_image_type {
	KJ_IMAGE_NORMAL,   /* kexec -l */
	KJ_IMAGE_CRASH,    /* kexec -p (later) */
};

enum kj_syscall_choice {
	KJ_SYSCALL_AUTO,   /* -a: kexec_file_load, falling back to kexec_load */
	KJ_SYSCALL_LOAD,   /* -c: kexec_load */
	KJ_SYSCALL_FILE,   /* -s: kexec_file_load */
};

/* What an ELF image is given (kexec-tools' --args-*). */
enum kj_elf_args {
	KJ_ARGS_LINUX,     /* boot_params, command line, initrd (default) */
	KJ_ARGS_NONE,      /* nothing: entered with the kernel's registers and stack */
	KJ_ARGS_ELF,       /* ELF boot notes (the etherboot convention) */
};

#define KJ_MAX_INITRDS 16

struct kj_options {
	enum kj_action action;
	enum kj_image_type image_type;
	bool image_type_given;          /* -l or -p said which type -S/-u mean */
	enum kj_syscall_choice syscall;
	bool syscall_given;             /* -a, -c or -s on the command line */
	bool dry_run;
	bool debug;
	bool no_ifdown;                 /* -x */
	bool no_sync;                   /* -y */
	bool noefi;                     /* --noefi: no EFI state for the new kernel (kexec_load) */
	const char *type;               /* -t TYPE: bzImage, elf-x86_64, elf-x86 … */
	const char *kernel;             /* the image file */
	const char *initrds[KJ_MAX_INITRDS];
	unsigned nr_initrds;
	const char *command_line;       /* --command-line / --append (last wins, as kexec-tools) */
	bool reuse_cmdline;
	uint64_t mem_min;               /* lowest address to load at */
	uint64_t mem_max;               /* highest address, inclusive as kexec-tools takes it */
	bool mem_max_given;
	bool entry_32bit;               /* --entry-32bit */
	bool no_checks;                 /* -i: the purgatory skips the digest check */
	bool preserve_context;          /* --load-preserve-context: kexec jump */
	bool jump_back_helper;          /* --load-jump-back-helper */
	uint64_t entry;                 /* --entry=ADDR */
	bool entry_given;
	enum kj_elf_args elf_args;      /* --args-linux / --args-none / --args-elf */
	bool elf_args_given;
	bool force_resume;              /* --force-resume: a consumed or stale image too */
};

/*
 * Parse argv into *o.  Returns 0, or -1 with err filled (exit code
 * KJ_EXIT_USAGE and a one-line message; the caller adds "Try 'kexec --help'").
 * Pure: no I/O, no exit.
 */
int kj_parse_options(int argc, char *const argv[], struct kj_options *o, struct kj_error *err);
/* Whether an option only kexec_load(2) can honour was given (-a then
 * uses it; -s refuses them). */
bool kj_options_need_kexec_load(const struct kj_options *o);

/* Help text for --help. */
void kj_usage(FILE *out);

#endif
