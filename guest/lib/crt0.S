/*
 * crt0.S: process entry (the user-space contract in notes/design.md).
 *
 * The kernel enters _start with %rsp 16-byte aligned at argc, then
 * argv[], NULL, envp[], NULL, the strings; %rdi/%rsi/%rdx = argc, argv,
 * envp as well.  We take them from the stack (the System V rule), record
 * every register as handed over (lde_entry_regs, for tests of the
 * contract; mov and push/pop leave RFLAGS alone), and call
 * __lde_start(argc, argv, envp), which never returns.
 */
#define R(n) lde_entry_regs + 8 * n(%rip)

	.text
	.globl	_start
	.type	_start, @function
_start:
	mov	%rax, R(0)
	mov	%rbx, R(1)
	mov	%rcx, R(2)
	mov	%rdx, R(3)
	mov	%rsi, R(4)
	mov	%rdi, R(5)
	mov	%rbp, R(6)
	mov	%rsp, R(7)
	mov	%r8, R(8)
	mov	%r9, R(9)
	mov	%r10, R(10)
	mov	%r11, R(11)
	mov	%r12, R(12)
	mov	%r13, R(13)
	mov	%r14, R(14)
	mov	%r15, R(15)
	pushfq
	popq	R(16)

	xor	%ebp, %ebp		/* the outermost frame, for backtraces */
	mov	(%rsp), %rdi		/* argc */
	lea	8(%rsp), %rsi		/* argv */
	lea	8(%rsi,%rdi,8), %rdx	/* envp: past argv's NULL */
	and	$-16, %rsp
	call	__lde_start
	ud2
	.size	_start, . - _start

	.bss
	.balign	8
	.globl	lde_entry_regs
	.type	lde_entry_regs, @object
lde_entry_regs:
	.zero	8 * 17
	.size	lde_entry_regs, . - lde_entry_regs

	.section .note.GNU-stack, "", @progbits
