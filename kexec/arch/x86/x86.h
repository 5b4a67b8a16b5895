/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 (x86_64 and i386) image loading into a plan. */
#ifndef KJ_X86_H
#define KJ_X86_H

#include "kexec.h"

/* Build the kexec_load plan for a bzImage or ELF kernel. */
int x86_build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);
/* The KEXEC_DESTINATION_MEMORY_LIMIT of the running kernel. */
uint64_t x86_dest_limit(enum kj_arch arch);

#endif
