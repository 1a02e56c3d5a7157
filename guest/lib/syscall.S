/*
 * syscall.S: every way the libc enters the kernel.
 *
 * The C calling convention brings (n, a1..a6) in %rdi, %rsi, %rdx, %rcx,
 * %r8, %r9 and 8(%rsp); lde's system-call convention wants the number in
 * %rax and the arguments in %rdi, %rsi, %rdx, %r10, %r8, %r9
 * (include/lde/syscall.h).  The 7th slot is read even when the caller
 * passed fewer arguments: it is then some word of the caller's frame,
 * which the kernel ignores for that call.
 */
#include <lde/syscall.h>

	.macro SHUFFLE
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	mov	%rcx, %rdx
	mov	%r8, %r10
	mov	%r9, %r8
	mov	8(%rsp), %r9
	.endm

	.text

/* long lde_syscall(long n, ...): always the `syscall` instruction. */
	.globl	lde_syscall
	.type	lde_syscall, @function
lde_syscall:
	SHUFFLE
	syscall
	ret
	.size	lde_syscall, . - lde_syscall

/* long lde_syscall_int80(long n, ...): always `int $0x80`. */
	.globl	lde_syscall_int80
	.type	lde_syscall_int80, @function
lde_syscall_int80:
	SHUFFLE
	int	$0x80
	ret
	.size	lde_syscall_int80, . - lde_syscall_int80

/* long __lde_syscall(n, a1..a6): the path lde_set_syscall_path chose. */
	.globl	__lde_syscall
	.type	__lde_syscall, @function
__lde_syscall:
	SHUFFLE
	cmpb	$0, __lde_use_int80(%rip)
	jne	1f
	syscall
	ret
1:	int	$0x80
	ret
	.size	__lde_syscall, . - __lde_syscall

/*
 * A handler returns here (struct lde_sigframe.restorer) with %rsp just
 * above the return address; SYS_sigreturn finds the frame from %rsp, so
 * nothing may be pushed.  sigreturn does not return; ud2 if it did.
 */
	.globl	__lde_restorer
	.type	__lde_restorer, @function
__lde_restorer:
	mov	$SYS_sigreturn, %eax
	cmpb	$0, __lde_use_int80(%rip)
	jne	1f
	syscall
	ud2
1:	int	$0x80
	ud2
	.size	__lde_restorer, . - __lde_restorer

	.bss
	.globl	__lde_use_int80
	.type	__lde_use_int80, @object
__lde_use_int80:
	.byte	0
	.size	__lde_use_int80, 1

	.section .note.GNU-stack, "", @progbits
