/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86 (x86_64 and i386) image loading into a plan. */
#ifndef KJ_X86_H
#define KJ_X86_H

#include "kexec.h"

/* Build the kexec_load plan for a bzImage or ELF kernel. */
int x86_build_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);
/* The KEXEC_DESTINATION_MEMORY_LIMIT of the running kernel. */
uint64_t x86_dest_limit(enum kj_arch arch);
/* The image type name --dry-run prints for a kernel file. */
const char *x86_image_kind(const uint8_t *buf, size_t len);

/* Shared by the x86 loaders (x86.c, resume.c). */
struct purgatory;
/* The embedded purgatory for the running kernel, owned by the plan. */
int x86_purgatory_open(const struct kj_load_input *in, struct kj_plan *plan,
		       struct purgatory *pg, struct kj_error *err);
/* Where it may end at the highest. */
uint64_t x86_purgatory_limit(const struct purgatory *pg);
/* Relocate it for addr; serial port and flags from the options. */
int x86_purgatory_relocate(const struct kj_load_input *in, struct purgatory *pg, uint64_t addr,
			   struct kj_error *err);
/* Its segment; the plan's entry point. */
int x86_add_purgatory(struct kj_plan *plan, const struct purgatory *pg, uint64_t pg_addr,
		      struct kj_error *err);
/* Check the plan, then record every other segment's digest in it. */
int x86_finish(const struct kj_load_input *in, struct kj_plan *plan, struct purgatory *pg,
	       struct kj_error *err);

/* A saved image or a vmcore copy (ELF core), resumed at its entry. */
int x86_resume_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);

#endif
