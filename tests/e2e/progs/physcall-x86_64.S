/*
 * A physical-mode program for kexec jump on x86_64.
 *
 * kexec --load-preserve-context --args-none physcall.elf; kexec -e
 * The kernel (relocate_kernel_64.S) calls it in 64-bit mode on identity
 * page tables, interrupts off, with its return address at 0(%rsp).  It
 * prints "KJ-PHYSCALL <n>" on COM1 (n counts the calls: its data survives
 * in the image between calls), stores its re-entry point in the word above
 * the return address, 8(%rsp), where the kernel takes it from for the next
 * kexec -e, and returns.
 */
	.code64
	.section .text, "ax", @progbits
	.globl	_start
_start:
	incl	count(%rip)
	leaq	msg(%rip), %rsi
1:	movb	(%rsi), %al
	testb	%al, %al
	jz	2f
	call	putc
	incq	%rsi
	jmp	1b
2:	movl	count(%rip), %eax
	addb	$'0', %al
	call	putc
	movb	$'\r', %al
	call	putc
	movb	$'\n', %al
	call	putc
	leaq	_start(%rip), %rax
	movq	%rax, 8(%rsp)		/* re-entry point for the next call */
	ret

/* putc: %al to COM1 once its transmitter is empty (bounded wait) */
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
