/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The architecture interface the orchestrator (kexec.c) and the system
 * facts (sysinfo.c) call.  One implementation per architecture, under
 * kexec/arch/NAME/ (x86 today: kexec/arch/x86/x86.c); another one (arm64)
 * is a directory of its own with these functions, and its purgatory.
 */
#ifndef KJ_ARCH_H
#define KJ_ARCH_H

#include <stdbool.h>

#include "kj-error.h"

/* The running kernel's architecture. */
enum kj_arch {
	KJ_ARCH_X86_64 = 1, /* the running kernel is x86_64 */
	KJ_ARCH_I386 = 2,   /* the running kernel is i386 */
};

struct kj_load_input;
struct kj_plan;

/* The --type names its loaders answer to (kexec-tools' names), NULL last. */
extern const char *const arch_image_types[];
/* The architecture of uname()'s machine (0, or -1 when not one of ours). */
int arch_from_machine(const char *machine, enum kj_arch *arch);
/* Its name, as --dry-run prints it. */
const char *arch_name(enum kj_arch arch);
/* Whether its kernels have kexec_file_load(2). */
bool arch_has_file_load(enum kj_arch arch);
/* The plan of segments for kexec_load(2) (pure: the options, the system
 * facts and the input bytes in; the plan or an error out). */
int arch_build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);

#endif
