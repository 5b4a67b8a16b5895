/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kexec jump into a Linux kernel B: confinement, B's memory map, /proc/vmcore. */
#ifndef KJ_JUMP_H
#define KJ_JUMP_H

#include "kexec.h"

struct jump_ctx {
	struct range window;      /* B's RAM: --mem-min .. --mem-max */
	struct range low;         /* A's RAM below 1 MiB lent to B (a zero segment) */
	uint64_t hdr_addr;        /* the ELF core header B finds via elfcorehdr= */
	uint8_t *hdr_buf;         /* owned by the plan */
	size_t hdr_size;          /* bytes reserved for it (whole pages) */
	size_t vmci_off;          /* where the copy of A's VMCOREINFO note sits in it
				   * (0: no copy) */
	size_t note_off;          /* where the KEXECJMP memory-map note sits in it */
	struct memmap b_map;      /* the E820 map B is given */
};

/*
 * Before the boot_params are built: lend B low memory, reserve the ELF core
 * header's segment in A's memory, and derive B's memory map.
 */
int jump_begin(struct kj_plan *plan, const struct kj_sysinfo *sys, struct range window,
	       struct jump_ctx *j, struct kj_error *err);
/* Add elfcorehdr= and the kexec_jump_back_entry= placeholder to B's command
 * line; *patch_off is where the purgatory writes the 16 hex digits. */
int jump_cmdline(char **line, const struct jump_ctx *j, size_t max_len, size_t *patch_off,
		 struct kj_error *err);
/* After every other segment is placed: cover the rest of B's window with
 * zero segments and write the ELF core header. */
int jump_finish(struct kj_plan *plan, const struct kj_sysinfo *sys, struct jump_ctx *j,
		struct kj_error *err);
void jump_free(struct jump_ctx *j);

/* B's map from A's: RAM inside window or low stays RAM, A's other RAM
 * becomes E820 ACPI data, everything else is kept (pure). */
int jump_memmap_for_b(const struct memmap *a, struct range window, struct range low,
		      struct memmap *out);

/* The jump back from B: a preserve-context image whose entry is A's. */
int jump_back_helper_plan(const struct kj_load_input *in, struct kj_plan *plan,
			  struct kj_error *err);

#endif
