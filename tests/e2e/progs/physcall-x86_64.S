/*
 * A physical-mode program for kexec jump on x86_64.
 *
 * kexec --load-preserve-context --args-none physcall.elf; kexec -e
 * The kernel (relocate_kernel_64.S) calls it in 64-bit mode on identity
 * page tables, interrupts off, its stack at the end of the kernel's swap
 * page with the kernel's jump-back address at 0(%rsp).  It prints
 * "KJ-PHYSCALL <n>" on COM1 (n counts the calls: its data survives in the
 * image between calls) and goes back to the kernel.
 *
 * It goes back the way a kernel B does: "call *(%rsp)".  The kernel takes
 * the word at its stack pointer as the peer's re-entry point for the next
 * kexec -e, and the call puts our return address exactly there, inside the
 * swap page.  The other convention, storing the re-entry point at 8(%rsp)
 * and returning with "ret", makes the kernel read (and the program write)
 * the first word of the page after the swap page on Linux 6.12: memory the
 * kernel did not set aside, which then corrupts whatever lives there (7.2
 * pushes the entry there first, inside the swap page, and pops it; "call
 * *(%rsp)" works on both lines).  The next kexec -e
 * enters us right after the call, with the kernel's new jump-back address
 * at 0(%rsp) again.
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
	call	*(%rsp)			/* back to the kernel; re-entered below */
	jmp	_start

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
