/*
 * A physical-mode program for kexec jump on i386.
 *
 * relocate_kernel_32.S calls it in 32-bit protected mode with paging off,
 * interrupts off, its stack at the end of the kernel's swap page with the
 * kernel's jump-back address at 0(%esp).  It prints "KJ-PHYSCALL <n>" on
 * COM1 and goes back with "call *(%esp)", which leaves its re-entry point
 * where the kernel takes it from, inside the swap page (see
 * physcall-x86_64.S for why not "ret").
 */
	.code32
	.section .text, "ax", @progbits
	.globl	_start
_start:
	incl	count
	movl	$msg, %esi
1:	movb	(%esi), %al
	testb	%al, %al
	jz	2f
	call	putc
	incl	%esi
	jmp	1b
2:	movl	count, %eax
	addb	$'0', %al
	call	putc
	movb	$'\r', %al
	call	putc
	movb	$'\n', %al
	call	putc
	call	*(%esp)			/* back to the kernel; re-entered below */
	jmp	_start

putc:
	movl	%eax, %edi
	movl	$100000, %ecx
3:	movw	$0x3fd, %dx
	inb	%dx, %al
	testb	$0x20, %al
	jnz	4f
	loop	3b
4:	movl	%edi, %eax
	movw	$0x3f8, %dx
	outb	%al, %dx
	ret

	.section .data, "aw", @progbits
count:	.long	0
msg:	.asciz	"KJ-PHYSCALL "

	.section .note.GNU-stack, "", @progbits
