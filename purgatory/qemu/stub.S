/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU purgatory test, guest side: a multiboot ELF that imitates what
 * relocate_kernel leaves behind and jumps into the purgatory.
 *   -DLONGMODE=1: identity-mapped long mode (relocate_kernel_64)
 *   -DLONGMODE=0: 32-bit protected mode, paging off (relocate_kernel_32)
 * The "next image" entry points check the CPU state the purgatory promised
 * and print NEXT32 OK / NEXT64 OK (or ... BAD n) on COM1, then leave QEMU
 * through isa-debug-exit.  -DNOSTACK=1: esp/rsp must be the purgatory's
 * own stack (the tool passed 0).  PURG_ENTRY, PURG_BIN, DATA_BIN: from run.sh.
 */
#include "test.h"

#define COM1 0x3f8

	.section .multiboot, "a"
	.balign 4
	.long	0x1badb002
	.long	0
	.long	-0x1badb002

	.section .text, "ax"
	.code32
	.globl	_start
_start:
	cli
	movl	$stub_stack_top, %esp
#if LONGMODE
	/* identity map 4 GiB with 2 MiB pages */
	movl	$pdpt + 3, pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$pd + 3, %eax
	movl	%eax, pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jb	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax		/* present, writable, 2 MiB */
	movl	%eax, pd(, %ecx, 8)
	movl	$0, pd+4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jb	2b

	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	$pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$0x100, %eax		/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* PG | PE */
	movl	%eax, %cr0
	lgdt	stub_gdt_desc
	ljmp	$0x08, $long64
	.code64
long64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %ss
	movl	$control_page_top, %esp	/* relocate_kernel: rsp in the control page */
	pushq	$PURG_ENTRY
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	ret
	.code32
#else
	movl	$control_page_top, %esp
	pushl	$PURG_ENTRY
	xorl	%eax, %eax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	ret
#endif

/* ------------------------------------------------------- next image, 32 */
	.section .next32, "ax"
	.code32
next32:
	/* registers first, before anything clobbers them */
	cmpl	$T_EAX, %eax ; jne bad32b
	cmpl	$T_EBX, %ebx ; jne bad32b
	cmpl	$T_ECX, %ecx ; jne bad32b
	cmpl	$T_EDX, %edx ; jne bad32b
	cmpl	$T_ESI, %esi ; jne bad32b
	cmpl	$T_EBP, %ebp ; jne bad32b
#if NOSTACK /* the purgatory's own stack: inside its image */
	cmpl	$T_PURG_ADDR, %esp ; jb bad32b
	cmpl	$T_PURG_ADDR + 0x10000, %esp ; ja bad32b
#else
	cmpl	$T_STACK_NEXT, %esp ; jne bad32b
#endif
	cmpl	$T_EDI, %edi ; jne bad32b
	movl	$2, %edi
	movw	%cs, %ax ; cmpw $0x10, %ax ; jne bad32
	movl	$3, %edi
	movw	%ds, %ax ; cmpw $0x18, %ax ; jne bad32
	movw	%ss, %ax ; cmpw $0x18, %ax ; jne bad32
	movw	%es, %ax ; cmpw $0x18, %ax ; jne bad32
	movl	$4, %edi
	movl	%cr0, %eax ; testl $0x80000000, %eax ; jnz bad32
	movl	$5, %edi
	movl	$0xc0000080, %ecx ; rdmsr ; testl $0x500, %eax ; jnz bad32 /* LME, LMA */
	movl	$6, %edi
	pushfl ; popl %eax ; testl $0x200, %eax ; jnz bad32	/* IF must be clear */
	movl	$ok32_msg, %esi
	call	puts32
	movb	$0x10, %al
	outb	%al, $T_DEBUG_EXIT_PORT
	jmp	hang32
bad32b:	movl	$1, %edi
bad32:	movl	$bad32_msg, %esi
	call	puts32
	movl	%edi, %eax
	addb	$'0', %al
	call	putc32
	movb	$'\n', %al
	call	putc32
	movb	$0x20, %al
	outb	%al, $T_DEBUG_EXIT_PORT
hang32:	cli
	hlt
	jmp	hang32

puts32:	lodsb
	testb	%al, %al
	jz	1f
	call	putc32
	jmp	puts32
1:	ret
putc32:	movl	%eax, %ebx
	movw	$COM1 + 5, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movl	%ebx, %eax
	movw	$COM1, %dx
	outb	%al, %dx
	ret

/* ------------------------------------------------------- next image, 64 */
	.section .next64, "ax"
	.code64
next64:
#if NOSTACK
	cmpq	$T_PURG_ADDR, %rsp ; jb bad64
	cmpq	$T_PURG_ADDR + 0x10000, %rsp ; ja bad64
#else
	cmpq	$T_STACK_NEXT, %rsp ; jne bad64
#endif
	movl	$1, %r8d
	movabsq	$((T_HI << 32) | T_EAX), %rsp ; cmpq %rsp, %rax ; jne bad64
	movabsq	$((T_HI << 32) | T_EBX), %rax ; cmpq %rax, %rbx ; jne bad64
	movabsq	$((T_HI << 32) | T_ECX), %rax ; cmpq %rax, %rcx ; jne bad64
	movabsq	$((T_HI << 32) | T_EDX), %rax ; cmpq %rax, %rdx ; jne bad64
	movabsq	$((T_HI << 32) | T_ESI), %rax ; cmpq %rax, %rsi ; jne bad64
	movabsq	$((T_HI << 32) | T_EDI), %rax ; cmpq %rax, %rdi ; jne bad64
	movabsq	$((T_HI << 32) | T_EBP), %rax ; cmpq %rax, %rbp ; jne bad64
	movl	$2, %r8d
	movabsq	$0x0909090909090909, %rax ; cmpq %rax, %r9 ; jne bad64
	movabsq	$0x0a0a0a0a0a0a0a0a, %rax ; cmpq %rax, %r10 ; jne bad64
	movabsq	$0x0b0b0b0b0b0b0b0b, %rax ; cmpq %rax, %r11 ; jne bad64
	movabsq	$0x0c0c0c0c0c0c0c0c, %rax ; cmpq %rax, %r12 ; jne bad64
	movabsq	$0x0d0d0d0d0d0d0d0d, %rax ; cmpq %rax, %r13 ; jne bad64
	movabsq	$0x0e0e0e0e0e0e0e0e, %rax ; cmpq %rax, %r14 ; jne bad64
	movabsq	$0x0f0f0f0f0f0f0f0f, %rax ; cmpq %rax, %r15 ; jne bad64
	movl	$3, %r8d
	movw	%cs, %ax ; cmpw $0x10, %ax ; jne bad64
	movw	%ds, %ax ; cmpw $0x18, %ax ; jne bad64
	movw	%ss, %ax ; cmpw $0x18, %ax ; jne bad64
	movw	%es, %ax ; cmpw $0x18, %ax ; jne bad64
	movl	$T_STACK_NEXT, %esp
	movl	$ok64_msg, %esi
	call	puts64
	movb	$0x10, %al
	outb	%al, $T_DEBUG_EXIT_PORT
	jmp	hang64
bad64:	movl	$T_STACK_NEXT, %esp
	movl	$bad64_msg, %esi
	call	puts64
	movl	%r8d, %eax
	addb	$'0', %al
	call	putc64
	movb	$'\n', %al
	call	putc64
	movb	$0x20, %al
	outb	%al, $T_DEBUG_EXIT_PORT
hang64:	cli
	hlt
	jmp	hang64
puts64:	lodsb
	testb	%al, %al
	jz	1f
	call	putc64
	jmp	puts64
1:	ret
putc64:	movl	%eax, %ebx
	movw	$COM1 + 5, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	movl	%ebx, %eax
	movw	$COM1, %dx
	outb	%al, %dx
	ret

	.section .rodata, "a"
ok32_msg:	.asciz "NEXT32 OK\n"
bad32_msg:	.asciz "NEXT32 BAD "
ok64_msg:	.asciz "NEXT64 OK\n"
bad64_msg:	.asciz "NEXT64 BAD "
	.balign 8
stub_gdt:
	.quad	0
	.quad	0x00af9b000000ffff
	.quad	0x00cf93000000ffff
stub_gdt_desc:
	.word	stub_gdt_desc - stub_gdt - 1
	.long	stub_gdt

	.section .purg, "aw"
	.incbin	PURG_BIN
	.section .tdata_region, "aw"
	.incbin	DATA_BIN

	.section .bss
	.balign	4096
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4096 * 4
	.skip	4096
stub_stack_top:
	.skip	4096
control_page_top:
	.section .note.GNU-stack, "", @progbits
