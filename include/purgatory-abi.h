/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The contract between the kexec tool and the purgatory.
 *
 * The purgatory is a small freestanding program that the kernel's
 * relocate_kernel jumps to once every segment has been copied into place.
 * It checks a SHA-256 digest over the segments and then enters the new
 * image with the registers the tool chose.
 *
 * Both sides compile this header: the tool (hosted, 32- or 64-bit) and the
 * purgatory (freestanding, -m32 or -m64).  Only fixed-width types are used
 * and every member is naturally aligned with explicit padding, so the layout
 * is identical in all four builds; the static assertions below check that at
 * compile time.  The tool never looks a variable up by name: the header sits
 * at offset 0 of the purgatory's first loadable segment (the purgatory's
 * linker script puts section .kjheader there) and is recognised by its magic,
 * version and size.
 */
#ifndef KJ_PURGATORY_ABI_H
#define KJ_PURGATORY_ABI_H

#include <stdint.h>

#define PURGATORY_MAGIC       0x4a4b4750u /* "PGKJ" little endian */
#define PURGATORY_ABI_VERSION 3u

/* kexec_load(2) accepts at most KEXEC_SEGMENT_MAX (16) segments, the
 * purgatory being one of them, so 16 regions is always enough. */
#define PURGATORY_MAX_REGIONS 16u

/* How the purgatory enters the next image. */
#define PURGATORY_ENTRY_64 1u /* 64-bit long mode, identity mapped (x86_64 only) */
#define PURGATORY_ENTRY_32 2u /* 32-bit protected mode, paging off */

/* flags */
#define PURGATORY_FLAG_VERBOSE 0x1u /* print progress on the serial port */
/*
 * The kernel called us (KEXEC_PRESERVE_CONTEXT, relocate_kernel's
 * "call *%rdx"): the word at the stack pointer we were entered with is the
 * address that jumps back to the kernel that called.  With jump_back_patch
 * set, the purgatory writes it there as 16 hex digits (the placeholder in
 * the new kernel's command line: kexec_jump_back_entry=0x0000000000000000).
 */
#define PURGATORY_FLAG_PRESERVE_CONTEXT 0x2u
/*
 * Enter the next image on the stack the kernel gave us, so that a
 * physical-mode program can return to the kernel with "ret" (and leave its
 * re-entry point in the word above the return address).  Overrides
 * regs64.rsp / regs32.esp.
 */
#define PURGATORY_FLAG_KEEP_STACK 0x4u

/*
 * Keep the kernel's CS, data segments, GDTR and IDTR (enter with a near
 * jump), but not its stack: for entering a kernel that continues on its
 * own descriptor tables, e.g. kernel A's jump-back entry when a saved
 * image is resumed (A loads its GDT itself and uses its selectors until
 * then; ours would be wrong on i386, where __KERNEL_CS is 0x60).
 */
#define PURGATORY_FLAG_KEEP_SEGMENTS 0x8u
/*
 * Staging (see kexec/resume/stage.h): after the digest, carry out the copy list
 * at stage_list (stage_nr entries of struct purgatory_copy), then enter.
 * The list, the staging areas it copies from, the page tables and the
 * purgatory itself lie in memory no destination touches: the tool proved
 * it before loading, so the order of the entries does not matter.
 */
#define PURGATORY_FLAG_STAGED 0x10u
/*
 * The digest check may use the SHA extensions (SHA-NI): the tool saw them
 * in CPUID on this machine.  The purgatory then enables SSE around the
 * check (and puts CR0, CR4 and the SSE state back); it never executes
 * CPUID itself, which traps in SEV-ES guests where it has no handler.
 */
#define PURGATORY_FLAG_SHA_NI 0x20u

#define PURGATORY_JUMP_BACK_DIGITS 16

/* One entry of the copy list: len bytes from src to dst, or zeros when
 * src == PURGATORY_COPY_ZERO. */
struct purgatory_copy {
	uint64_t dst;
	uint64_t src;
	uint64_t len;
};

#define PURGATORY_COPY_ZERO UINT64_MAX

struct purgatory_region {
	uint64_t start; /* physical address */
	uint64_t size;  /* bytes; the region is [start, start + size) */
};

/* Register state for a 64-bit entry (rip is the entry point). */
struct purgatory_regs64 {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
};

/* Register state for a 32-bit entry (eip is the entry point). */
struct purgatory_regs32 {
	uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp;
	uint32_t eip;
	uint32_t pad;
};

struct purgatory_header {
	/* Set by the purgatory build, checked by the tool. */
	uint32_t magic;       /* PURGATORY_MAGIC */
	uint32_t abi_version; /* PURGATORY_ABI_VERSION */
	uint32_t header_size; /* sizeof(struct purgatory_header) */
	uint32_t reserved0;

	/* Filled in by the tool. */
	uint32_t entry_mode;  /* PURGATORY_ENTRY_64 or PURGATORY_ENTRY_32 */
	uint32_t flags;       /* PURGATORY_FLAG_* */
	uint32_t serial_port; /* I/O port of a 16550 UART for messages, 0 = none */
	uint32_t nr_regions;  /* used entries of regions[] */
	/* SHA-256 over the SHA-256 digests of regions[0..nr_regions), in
	 * order: one pass over the bytes gives both the check and, compared
	 * region by region, the name of a bad region. */
	uint8_t sha256[32];
	struct purgatory_region regions[PURGATORY_MAX_REGIONS];
	struct purgatory_regs64 regs64; /* used when entry_mode == ENTRY_64 */
	struct purgatory_regs32 regs32; /* used when entry_mode == ENTRY_32 */
	uint64_t jump_back_patch;       /* physical address of 16 hex digits, or 0 */

	/* PURGATORY_FLAG_STAGED */
	uint64_t stage_list;  /* physical address of struct purgatory_copy[stage_nr] */
	uint64_t stage_nr;
	/* x86_64: identity page tables to switch to before copying (the
	 * kernel's may lie where the copies go): CR3 for 4-level paging, and
	 * for 5-level paging when CR4.LA57 is set; 0 keeps the kernel's. */
	uint64_t page_table;
	uint64_t page_table_la57;
	/* Zero words the tool may point the entry stack at: a kernel resumed
	 * at its jump-back entry reads its peer's re-entry point at 0(%rsp),
	 * and 0 means none (the words below it take a return address). */
	uint64_t entry_stack[4];
};

#define PURGATORY_HEADER_SIZE 568u

_Static_assert(sizeof(struct purgatory_region) == 16, "purgatory_region layout");
_Static_assert(sizeof(struct purgatory_copy) == 24, "purgatory_copy layout");
_Static_assert(sizeof(struct purgatory_regs64) == 136, "purgatory_regs64 layout");
_Static_assert(sizeof(struct purgatory_regs32) == 40, "purgatory_regs32 layout");
_Static_assert(sizeof(struct purgatory_header) == PURGATORY_HEADER_SIZE,
	       "purgatory_header layout must not depend on the compiler's ABI");

#endif
