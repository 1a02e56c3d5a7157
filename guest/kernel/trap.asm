; trap.asm: the way into the kernel for every vector: one stub per vector,
; then alltraps, which builds struct trapframe (trap.h) and calls
; trap(tf); trapret pops the frame and irets.
;
; Stub: push 0 unless the CPU pushed an error code, push the vector.
; alltraps: push rax .. r15 (rax first, so r15 lands at offset 0).
; A future entry (SYSCALL, issue 3) joins by pushing the same five words
; the CPU pushes (ss, rsp, rflags=r11, cs, rip=rcx), a 0 error and its
; pseudo-vector, then jumping to alltraps; a new process starts by
; "returning" through trapret with a frame made by fork.
;
; The kernel is uniprocessor and keeps no per-CPU data in GS, so there is
; no swapgs here.  DF is cleared for C.  Only vectors the kernel uses get a
; stub and a present IDT gate (0-47, 0x80, 0xff); any other vector raises
; #NP, which names it.

%include "asmdefs.inc"

bits 64
section .text

extern trap

%macro STUB 1
align 16
vector%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	; the CPU pushed an error code
%else
	push 0
%endif
	push %1
	jmp alltraps
%endmacro

%assign v 0
%rep 48
	STUB %[v]
%assign v v + 1
%endrep
	STUB 128			; T_SYSCALL
	STUB 255			; T_SPURIOUS

align 16
alltraps:
	push rax
	push rcx
	push rdx
	push rbx
	push rbp
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp			; tf, 16-byte aligned (trap.h)
	cld
	call trap
global trapret
trapret:
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rbp
	pop rbx
	pop rdx
	pop rcx
	pop rax
	add rsp, 16			; vector, error
	iretq

; trap_vectors[v]: the stub of vector v, or 0 if it has none.
section .rodata
align 8
global trap_vectors
trap_vectors:
%assign v 0
%rep 256
%if v < 48 || v == 0x80 || v == 0xff
	dq vector%[v]
%else
	dq 0
%endif
%assign v v + 1
%endrep
