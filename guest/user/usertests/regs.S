/*
 * regs.S: regs_probe(int use_int80, uint64_t out[16]): fill every general
 * register with a known pattern, make one getpid system call through the
 * chosen instruction, and store what the registers hold afterwards:
 * out[] = rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15, and
 * out[15] = the address right after the syscall instruction.
 * The pattern for register k is 0x1111111111111111 * (k + 1) (k as in
 * out[], rax excluded since it carries the number).
 */
#include <lde/syscall.h>

	.text
	.globl	regs_probe
	.type	regs_probe, @function
regs_probe:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rsi			/* out */
	mov	%edi, %eax
	push	%rax			/* use_int80 */

	movabs	$0x2222222222222222, %rbx
	movabs	$0x3333333333333333, %rcx
	movabs	$0x4444444444444444, %rdx
	movabs	$0x5555555555555555, %rsi
	movabs	$0x6666666666666666, %rdi
	movabs	$0x7777777777777777, %rbp
	movabs	$0x8888888888888888, %r8
	movabs	$0x9999999999999999, %r9
	movabs	$0xaaaaaaaaaaaaaaaa, %r10
	movabs	$0xbbbbbbbbbbbbbbbb, %r11
	movabs	$0xcccccccccccccccc, %r12
	movabs	$0xdddddddddddddddd, %r13
	movabs	$0xeeeeeeeeeeeeeeee, %r14
	movabs	$0xffffffffffffffff, %r15
	cmpq	$0, (%rsp)
	mov	$SYS_getpid, %eax	/* mov leaves the flags of cmp alone */
	jne	1f
	syscall
.Lafter_syscall:
	jmp	2f
1:	int	$0x80
.Lafter_int80:
2:	push	%r15
	mov	16(%rsp), %r15		/* out (above use_int80 and the pushed r15) */
	mov	%rax, 0(%r15)
	mov	%rbx, 8(%r15)
	mov	%rcx, 16(%r15)
	mov	%rdx, 24(%r15)
	mov	%rsi, 32(%r15)
	mov	%rdi, 40(%r15)
	mov	%rbp, 48(%r15)
	mov	%r8, 56(%r15)
	mov	%r9, 64(%r15)
	mov	%r10, 72(%r15)
	mov	%r11, 80(%r15)
	mov	%r12, 88(%r15)
	mov	%r13, 96(%r15)
	mov	%r14, 104(%r15)
	pop	%rax
	mov	%rax, 112(%r15)		/* r15 */
	lea	.Lafter_syscall(%rip), %rax
	cmpq	$0, (%rsp)
	je	3f
	lea	.Lafter_int80(%rip), %rax
3:	mov	%rax, 120(%r15)
	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	regs_probe, . - regs_probe

	.section .note.GNU-stack, "", @progbits
