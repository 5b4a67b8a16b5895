/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the x86 loaders (x86.c dispatches, linux.c, program.c and
 * resume.c plan, finish.c ends every plan): what they share.
 */
#ifndef KJ_X86_LOAD_H
#define KJ_X86_LOAD_H

#include "kexec.h"

#define LOW_1M      0x100000ull      /* below: real-mode memory and the BIOS */
#define FOUR_GIB    0x100000000ull   /* what 32-bit code and pointers reach */
#define SERIAL_COM1 0x3f8

/* Room for a small page-aligned buffer where 32-bit code reaches it (the
 * purgatory, boot_params): [1 MiB, 4 GiB), highest first. */
static inline struct kj_space x86_below_4g(uint64_t size)
{
	return space_top_down(size, KJ_PAGE_SIZE, range_from_bounds(LOW_1M, FOUR_GIB));
}
#define KEXEC_ARCH_386    (3u << 16)
#define KEXEC_ARCH_X86_64 (62u << 16)

/* What the kernel-specific part hands to the common part. */
struct kernel_layout {
	const uint8_t *setup_header; /* bzImage only */
	size_t header_end;
	size_t cmdline_max;
	uint64_t initrd_end_max;     /* exclusive */
	bool initrd_above_4g_ok;
	bool entry64;
	bool efi_kexec;              /* XLF_EFI_KEXEC: takes EFI state from kexec */
	uint64_t entry;              /* kernel entry (64-bit: +0x200 of bzImage) */
};

/* linux.c: a bzImage's protected-mode code, placed (kernel_layout filled in) */
int x86_place_bzimage(const struct kj_load_input *in, struct kj_plan *plan,
		      struct kernel_layout *k, struct kj_error *err);
/* linux.c: boot the placed Linux kernel: initrd, command line, boot_params,
 * the crash or kexec jump parts, the purgatory */
int x86_linux_plan(const struct kj_load_input *in, struct kj_plan *plan,
		   const struct kernel_layout *k, struct kj_error *err);
/* program.c: an ELF file's PT_LOADs, placed where they ask */
int x86_place_elf(const struct kj_load_input *in, struct kj_plan *plan,
		  struct kernel_layout *k, struct kj_error *err);
/* program.c: run the placed ELF program (--args-none, --args-elf) */
int x86_program_plan(const struct kj_load_input *in, struct kj_plan *plan,
		     const struct kernel_layout *k, struct kj_error *err);
/* resume.c: a saved image or a vmcore copy (ELF core), resumed at its entry */
int x86_resume_plan(const struct kj_load_input *in, struct kj_plan *plan, struct kj_error *err);

/* finish.c: the purgatory and the end of every plan */
struct purgatory;
/* The embedded purgatory for the running kernel, owned by the plan. */
int x86_purgatory_open(const struct kj_load_input *in, struct kj_plan *plan,
		       struct purgatory *pg, struct kj_error *err);
/* Where it may end at the highest. */
uint64_t x86_purgatory_limit(const struct purgatory *pg);
/* Relocate it for addr; serial port and flags from the options. */
int x86_purgatory_relocate(const struct kj_load_input *in, struct purgatory *pg, uint64_t addr,
			   struct kj_error *err);
/* Open it, place it below 4 GiB (inside --mem-min/--mem-max), relocate it. */
int x86_place_purgatory(const struct kj_load_input *in, struct kj_plan *plan,
			struct purgatory *pg, uint64_t *addr, struct kj_error *err);
/* Its segment; the plan's entry point. */
int x86_add_purgatory(struct kj_plan *plan, const struct purgatory *pg, uint64_t pg_addr,
		      struct kj_error *err);
/* The registers the purgatory enters the image with. */
void x86_set_entry(struct purgatory *pg, bool entry64, uint64_t entry, uint64_t esi);
/* Check the plan, then record every other segment's digest in it. */
int x86_finish(const struct kj_load_input *in, struct kj_plan *plan, struct purgatory *pg,
	       struct kj_error *err);

#endif
