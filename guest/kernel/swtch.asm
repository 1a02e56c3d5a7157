; swtch.asm: the context switch (xv6's swtch).
;
;   void swtch(struct context **save, struct context *load)
;
; Push the callee-saved registers on the current kernel stack, store the
; stack pointer (the context's address) in *save, load `load` as the
; stack pointer, pop its registers and return on its stack.  The caller
; (sched.c) switches CR3, TSS.rsp0 and the FPU state; a new process's
; context returns into trapret with its trapframe right above (proc.c).

bits 64
section .text

global swtch
swtch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
