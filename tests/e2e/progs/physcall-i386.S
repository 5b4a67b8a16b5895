/*
 * A physical-mode program for kexec jump on i386.
 *
 * relocate_kernel_32.S calls it in 32-bit protected mode with paging off,
 * interrupts off, its return address at 0(%esp).  It prints
 * "KJ-PHYSCALL <n>" on COM1, stores its re-entry point at 4(%esp) (the word
 * above the return address) and returns.
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
	movl	$_start, 4(%esp)	/* re-entry point for the next call */
	ret

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
