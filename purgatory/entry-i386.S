/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i386 purgatory entry.
 *
 * relocate_kernel_32 (identity_mapped) jumps here with "ret": 32-bit
 * protected mode, paging off, interrupts off, the old kernel's GDT/IDT
 * unusable, esp inside the control page.  We run wherever the tool put
 * us: addresses are GOT-relative (computed at run time), and the one
 * absolute value we need, the final jump target, is patched in at run time.
 */
#include "entry-offsets.h"

	.code32
	.section .text.entry, "ax", @progbits
	.globl	purgatory_start
	.type	purgatory_start, @function
purgatory_start:
	cli
	cld
	call	1f
1:	popl	%ebx
	addl	$_GLOBAL_OFFSET_TABLE_ + (. - 1b), %ebx	/* ebx = GOT: callee-saved */
	movl	%esp, purgatory_entry_sp@GOTOFF(%ebx)	/* the kernel's (call/pop left it as it was) */
	leal	stack_top@GOTOFF(%ebx), %esp

	/*
	 * A program that goes back to the kernel (PURGATORY_FLAG_KEEP_STACK),
	 * or a resumed kernel (PURGATORY_FLAG_KEEP_SEGMENTS),
	 * must find the kernel's segments: keep CS, the data segments, GDTR
	 * and IDTR as relocate_kernel left them (flat, already loaded).  Ours
	 * would leave CS = 0x10, a selector the kernel's GDT does not give
	 * its code (i386 __KERNEL_CS is 0x60): the first iret after the
	 * return would fault.
	 */
	testl	$FLAG_KEEP_KERNEL_SEGS, kj_header@GOTOFF+HDR_FLAGS(%ebx)
	jnz	4f

	leal	gdt32@GOTOFF(%ebx), %eax
	movl	%eax, gdt32_desc@GOTOFF+2(%ebx)
	lgdt	gdt32_desc@GOTOFF(%ebx)
	lidt	idt_null@GOTOFF(%ebx)

	/* reload CS = __BOOT_CS */
	leal	2f@GOTOFF(%ebx), %eax
	pushl	$SEL_BOOT_CS
	pushl	%eax
	lret
2:	movl	$SEL_BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

4:	xorl	%ebp, %ebp
	call	purgatory_main		/* checks the digest: returns the entry mode or 0 */
	cmpl	$ENTRY_32, %eax
	je	enter32
halt:
	cli
	hlt
	jmp	halt

enter32:
	leal	kj_header@GOTOFF(%ebx), %esi
	testl	$FLAG_KEEP_KERNEL_SEGS, HDR_FLAGS(%esi)
	jnz	enter32_keep
	/* CS = 0x10, DS/ES/SS/FS/GS = 0x18, paging off */
	movl	R32_EIP(%esi), %eax
	movl	%eax, ljmp_eip@GOTOFF(%ebx)	/* patch the far jump below */
	jmp	3f				/* a branch after modifying code */
3:	movl	R32_EAX(%esi), %eax
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

enter32_keep:
	/* the kernel's segments and stack: a near jump through the stack
	 * (the push lands below the kernel's stack pointer, in free space) */
	movl	R32_ESP(%esi), %esp
	pushl	R32_EIP(%esi)
	movl	R32_EAX(%esi), %eax
	movl	R32_EBX(%esi), %ebx
	movl	R32_ECX(%esi), %ecx
	movl	R32_EDX(%esi), %edx
	movl	R32_EDI(%esi), %edi
	movl	R32_EBP(%esi), %ebp
	movl	R32_ESI(%esi), %esi
	ret
	.size	purgatory_start, . - purgatory_start

	.section .data, "aw", @progbits
	.balign	16
gdt32:
	.quad	0x0000000000000000	/* null */
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf9b000000ffff	/* 0x10: 32-bit code, 4 GiB flat (__BOOT_CS) */
	.quad	0x00cf93000000ffff	/* 0x18: data, 4 GiB flat (__BOOT_DS) */
gdt32_end:
	.balign	16
gdt32_desc:
	.word	gdt32_end - gdt32 - 1
	.long	0			/* base: set at run time */
	.balign	16
idt_null:
	.word	0
	.long	0

	.section .bss, "aw", @nobits
	.balign	4
	.globl	purgatory_entry_sp
	.hidden	purgatory_entry_sp
purgatory_entry_sp:
	.skip	4
	.balign	16
stack:
	.skip	STACK_SIZE
	.globl	purgatory_stack_top
	.hidden	purgatory_stack_top
purgatory_stack_top:
stack_top:

	.section .note.GNU-stack, "", @progbits
