/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86_64 purgatory entry.
 *
 * relocate_kernel_64 (identity_mapped) jumps here with "ret": 64-bit long
 * mode, paging on with identity page tables covering RAM, interrupts off,
 * the old kernel's GDT/IDT unusable, rsp inside the control page, all
 * general registers zero.  We run wherever the tool put us (below 4 GiB):
 * every address is computed RIP-relative at run time.
 */
#include "entry-offsets.h"

	.code64
	.section .text.entry, "ax", @progbits
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	cli
	cld
	movq	%rsp, purgatory_entry_sp(%rip)	/* the kernel's: see PURGATORY_FLAG_KEEP_STACK */
	leaq	stack_top(%rip), %rsp

	/*
	 * A program that goes back to the kernel (PURGATORY_FLAG_KEEP_STACK),
	 * or a resumed kernel (PURGATORY_FLAG_KEEP_SEGMENTS),
	 * keeps the kernel's CS, data segments, GDTR and IDTR, as
	 * relocate_kernel left them (see entry-i386.S); enter64 jumps near.
	 */
	testl	$FLAG_KEEP_KERNEL_SEGS, kj_header+HDR_FLAGS(%rip)
	jnz	3f

	/* our own GDT; its base is patched in at run time */
	leaq	gdt64(%rip), %rax
	movq	%rax, gdt64_desc+2(%rip)
	lgdt	gdt64_desc(%rip)
	lidt	idt_null(%rip)		/* a stray exception resets, it never runs old handlers */

	/* reload CS = __BOOT_CS (64-bit code) */
	leaq	1f(%rip), %rax
	pushq	$SEL_BOOT_CS
	pushq	%rax
	lretq
1:	movl	$SEL_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

3:	xorl	%ebp, %ebp
	call	purgatory_main		/* checks the digest: returns the entry mode or 0 */
	cmpl	$ENTRY_64, %eax
	je	enter64
	cmpl	$ENTRY_32, %eax
	je	enter32
halt:
	cli
	hlt
	jmp	halt

/* ---------------------------------------------------------------- 64-bit */
enter64:
	/* CS = 0x10 (64-bit), DS/ES/SS/FS/GS = 0x18, paging: the identity map */
	movq	kj_header+R64_RAX(%rip), %rax
	movq	kj_header+R64_RBX(%rip), %rbx
	movq	kj_header+R64_RCX(%rip), %rcx
	movq	kj_header+R64_RDX(%rip), %rdx
	movq	kj_header+R64_RSI(%rip), %rsi
	movq	kj_header+R64_RDI(%rip), %rdi
	movq	kj_header+R64_RSP(%rip), %rsp
	movq	kj_header+R64_RBP(%rip), %rbp
	movq	kj_header+R64_R8(%rip), %r8
	movq	kj_header+R64_R9(%rip), %r9
	movq	kj_header+R64_R10(%rip), %r10
	movq	kj_header+R64_R11(%rip), %r11
	movq	kj_header+R64_R12(%rip), %r12
	movq	kj_header+R64_R13(%rip), %r13
	movq	kj_header+R64_R14(%rip), %r14
	movq	kj_header+R64_R15(%rip), %r15
	jmp	*kj_header+R64_RIP(%rip)

/* ---------------------------------------------------------------- 32-bit */
enter32:
	/*
	 * Compute everything while RIP-relative addressing still exists.
	 * The image lies below 4 GiB (the tool guarantees it), so the low
	 * halves of these addresses are the addresses.
	 */
	leaq	kj_header(%rip), %rsi
	leaq	gdt32(%rip), %rax
	movl	%eax, gdt32_desc+2(%rip)
	leaq	gdt32_desc(%rip), %rdi
	/* the final far jump's target is an immediate: patch it in */
	movl	kj_header+R32_EIP(%rip), %eax
	movl	%eax, ljmp_eip(%rip)

	/* CR0.PG cannot be cleared while CR4.PCIDE is set */
	movq	%cr4, %rax
	andq	$~(1 << 17), %rax
	movq	%rax, %cr4

	/* to compatibility mode: CS = 32-bit code segment of gdt64 */
	leaq	2f(%rip), %rax
	pushq	$SEL_CODE32_TMP
	pushq	%rax
	lretq

	.code32
2:	/* paging off: leaves long mode (EFER.LMA = 0); we are identity mapped */
	movl	%cr0, %eax
	andl	$~0x80000000, %eax
	movl	%eax, %cr0

	/* EFER.LME off */
	movl	$0xc0000080, %ecx
	rdmsr
	andl	$~0x00000100, %eax
	wrmsr

	/* no PAE / 5-level paging for whoever turns paging on next */
	movl	%cr4, %eax
	andl	$~((1 << 5) | (1 << 12)), %eax
	movl	%eax, %cr4

	/* the boot protocol's GDT: 0x10 = 32-bit flat code, 0x18 = flat data */
	lgdt	(%edi)
	movl	$SEL_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	movl	R32_EAX(%esi), %eax
	movl	R32_EBX(%esi), %ebx
	movl	R32_ECX(%esi), %ecx
	movl	R32_EDX(%esi), %edx
	movl	R32_EDI(%esi), %edi
	movl	R32_ESP(%esi), %esp
	movl	R32_EBP(%esi), %ebp
	movl	R32_ESI(%esi), %esi
	/* ljmp $SEL_BOOT_CS, $eip */
	.byte	0xea
ljmp_eip:
	.long	0
	.word	SEL_BOOT_CS
	.size	purgatory_start, . - purgatory_start

/* ------------------------------------------------------------------ data */
	.section .data, "aw", @progbits
	.balign	16
gdt64:
	.quad	0x0000000000000000	/* null */
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, 4 GiB flat */
	.quad	0x00af9b000000ffff	/* 0x10: 64-bit code (__BOOT_CS) */
	.quad	0x00cf93000000ffff	/* 0x18: data, 4 GiB flat (__BOOT_DS) */
gdt64_end:

	.balign	16
gdt32:
	.quad	0x0000000000000000	/* null */
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf9b000000ffff	/* 0x10: 32-bit code, 4 GiB flat (__BOOT_CS) */
	.quad	0x00cf93000000ffff	/* 0x18: data, 4 GiB flat (__BOOT_DS) */
gdt32_end:

	.balign	16
gdt64_desc:
	.word	gdt64_end - gdt64 - 1
	.quad	0			/* base: set at run time */
	.balign	16
gdt32_desc:
	.word	gdt32_end - gdt32 - 1
	.long	0			/* base: set at run time */
	.balign	16
idt_null:
	.word	0
	.quad	0

	.section .bss, "aw", @nobits
	.balign	8
	.globl	purgatory_entry_sp
	.hidden	purgatory_entry_sp
purgatory_entry_sp:
	.skip	8
	.balign	16
stack:
	.skip	STACK_SIZE
	.globl	purgatory_stack_top
	.hidden	purgatory_stack_top
purgatory_stack_top:
stack_top:

	.section .note.GNU-stack, "", @progbits
