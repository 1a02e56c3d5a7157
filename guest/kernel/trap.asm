; trap.asm: the way into the kernel for every vector: one stub per vector,
; then alltraps, which builds struct trapframe (trap.h) and calls
; trap(tf); trapret pops the frame and leaves by iretq, or by sysret for a
; frame syscall_entry built that nobody changed (vector T_SYSCALL64).
;
; Stub: push 0 unless the CPU pushed an error code, push the vector.
; alltraps: push rax .. r15 (rax first, so r15 lands at offset 0).
; syscall_entry (LSTAR) builds the same frame by pushing the five words
; the CPU pushes (ss, rsp, rflags=r11, cs, rip=rcx), a 0 error and
; T_SYSCALL64; a new process starts by "returning" through trapret with a
; frame made by fork or exec.
;
; System calls skip trap() and syscall(): both entry paths (and the two
; kvm_pvm paths) build the frame and run SYSDISPATCH, which calls
; systab[rax] itself and return_to_user() only when a reschedule or a
; signal is owed.  Traced calls, numbers out of the table and the boot
; probe go through trap() as before.  syscall_entry then leaves an
; unchanged frame by sysret without popping rbx, rbp, r12-r15: every C
; function it called preserved them (SysV ABI; swtch saves them too), so
; the registers still hold the user's values.  A changed frame (exec,
; signal delivery, sigreturn: tf_changed) leaves through trapret by iretq.
;
; SYS_floor (rax = 0) returns 0 from each entry stub at once, before any
; frame is built: the floor of each path for benchmarks.  That includes
; the two kvm_pvm paths (trapquirk.c), whose hooks sit in the #UD and #PF
; stubs and are skipped unless the boot probe turned them on; they turn
; the fault's frame into a system call's right there.
;
; The kernel is uniprocessor and keeps no per-CPU data in GS, so there is
; no swapgs here; the SYSCALL stack is TSS.rsp0, the running process's
; kernel stack.  DF is cleared for C (FMASK clears it on `syscall`).  Only
; vectors the kernel uses get a stub and a present IDT gate (0-47, 0x80,
; 0xff); any other vector raises #NP, which names it.

%include "asmdefs.inc"

bits 64
section .text

extern trap, return_to_user, systab, curproc, trace_mask
extern kernel_tss, trapquirk_pf_lstar, trapquirk_pf_err, trapquirk_ud_int80

%macro EXTABLE 2
section .extable
	dq %1, %2
section .text
%endmacro

; rax .. r15: the general registers of struct trapframe, r15 lowest.
%macro PUSH_REGS 0
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
%endmacro

; A system call's dispatch (what trap() and syscall() do for one, minus
; the tracing): rax = number, rdi = rsp = tf, interrupts off.  Traced
; calls and numbers out of the table take trap(); so does the boot probe
; (curproc NULL: its PROBE_NR is out of the table).  Every systab slot is
; a function (syscall.c).  need_resched and sigpending are read after the
; call with interrupts still off, so nothing can set them before the
; return to user mode.  Field sizes: _Static_assert in trap.c.
%macro SYSDISPATCH 0
	test byte [trace_mask], LDE_TRACE_SYSCALL
	jnz %%slow
	cmp rax, LDE_NSYSCALL
	jae %%slow
	mov rcx, [curproc]
	add qword [rcx + P_SYSCALLS], 1
	call [systab + rax * 8]
	mov [rsp + TF_RAX], rax
	mov rcx, [curproc]
	cmp byte [rcx + P_NEED_RESCHED], 0
	jne %%exit_slow
	cmp qword [rcx + P_SIGPENDING], 0
	je %%done
%%exit_slow:
	mov rdi, rsp
	call return_to_user
	jmp %%done
%%slow:
	call trap
%%done:
%endmacro

%macro STUB 1
align 16
vector%1:
%if %1 == 6
	cmp byte [trapquirk_ud_int80], 0
	jne ud_quirk
vector6_plain:
%elif %1 == 14
	cmp byte [trapquirk_pf_lstar], 0
	jne pf_quirk
vector14_plain:
%elif %1 == 128
	test rax, rax
	jz int80_floor
	push 0
	push T_SYSCALL
int80_common:
	PUSH_REGS
	mov rdi, rsp
	cld
	SYSDISPATCH
	jmp trapret
%endif
%if %1 != 128
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	; the CPU pushed an error code
%else
	push 0
%endif
	push %1
	jmp alltraps
%endif
%endmacro

%assign v 0
%rep 48
	STUB %[v]
%assign v v + 1
%endrep
	STUB 128			; T_SYSCALL
	STUB 255			; T_SPURIOUS

; int $0x80 with rax = SYS_floor: rax is already the result.
int80_floor:
	iretq

; SYSCALL lands here (LSTAR) with interrupts off (FMASK), the user's RIP
; in rcx and RFLAGS in r11, still on the user stack.
align 16
global syscall_entry
syscall_entry:
	test rax, rax
	jz .floor
	mov [syscall_user_rsp], rsp
	mov rsp, [kernel_tss + 4]	; TSS.rsp0: this process's kernel stack
	push SEG_UDATA | 3
	push qword [syscall_user_rsp]
	push r11
	push SEG_UCODE | 3
	push rcx
	push 0
	push T_SYSCALL64
	PUSH_REGS
	mov rdi, rsp			; DF is clear: FMASK
	SYSDISPATCH
	cmp qword [rsp + TF_VECTOR], T_SYSCALL64
	jne trapret			; the frame was changed: iretq
	; An unchanged frame's RIP is the RCX `syscall` saved, canonical since
	; the last user page is never mapped; checked anyway, because sysret
	; to a non-canonical RIP faults in ring 0 on the user's stack (Intel).
	mov rcx, [rsp + TF_RIP]
	shr rcx, 47
	jnz trapret			; iretq: its fault is taken on the kernel stack
	add rsp, 40			; r15 r14 r13 r12: callee-saved, still the user's; r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	add rsp, 16			; rbp rbx: callee-saved, still the user's
	pop rdx
	add rsp, 8			; rcx
	pop rax
	mov rcx, [rsp + 16]		; rip
	mov r11, [rsp + 32]		; rflags
	mov rsp, [rsp + 40]
	o64 sysret
.floor:
	o64 sysret

; kvm_pvm: SYSCALL runs LSTAR at CPL 3, where the supervisor page faults
; (trapquirk.c).  A #PF from user mode at RIP = LSTAR with the error code
; the boot probe saw (a jump to LSTAR faults with another: a fetch), RCX
; a canonical user address and the two bytes before it `syscall` (0f 05)
; is that system call: the frame becomes the one `int $0x80` would have
; built, returning to RCX with RFLAGS from R11, and is dispatched as
; T_SYSCALL (int80_common; iretq back).  rax = 0 is SYS_floor:
; back at once.  rax serves as scratch until the frame is built, so it is
; saved first.  Frame: error, rip, cs, rflags, rsp, ss.
pf_quirk:
	test byte [rsp + 16], 3
	jz vector14_plain
	push rax
	mov rax, syscall_entry
	cmp [rsp + 16], rax
	jne pf_quirk_no
	mov rax, [trapquirk_pf_err]
	cmp [rsp + 8], rax
	jne pf_quirk_no
	mov rax, rcx
	shr rax, 47
	jnz pf_quirk_no				; not a canonical user address
pf_quirk_load:
	movzx eax, word [rcx - 2]	; may fault: EXTABLE below
	cmp eax, 0x050f			; `syscall` right before the return address
	jne pf_quirk_no
	pop rax
	mov [rsp + 8], rcx		; rip
	mov qword [rsp + 16], SEG_UCODE | 3
	mov [rsp + 24], r11
	and qword [rsp + 24], RFLAGS_USER_MASK
	or qword [rsp + 24], RFLAGS_USER_SET
	mov qword [rsp + 40], SEG_UDATA | 3
	test rax, rax
	jz pf_quirk_floor
	mov qword [rsp], 0		; error
	push T_SYSCALL
	jmp int80_common
pf_quirk_floor:
	add rsp, 8			; the error code
	iretq
pf_quirk_no:
	pop rax
	jmp vector14_plain
EXTABLE pf_quirk_load, pf_quirk_no

; kvm_pvm: `int $0x80` in ring 3 raises #UD at the instruction.  CD 80 at
; RIP is that system call: step over it and go on as T_SYSCALL (rax = 0:
; SYS_floor, back at once).  Frame: rip, cs, ...
ud_quirk:
	test byte [rsp + 8], 3
	jz vector6_plain
	push rax
	mov rax, [rsp + 8]
ud_quirk_load:
	movzx eax, word [rax]		; may fault: EXTABLE below
	cmp eax, 0x80cd
	jne ud_quirk_no
	pop rax
	add qword [rsp], 2
	test rax, rax
	jz int80_floor
	push 0
	push T_SYSCALL
	jmp int80_common
ud_quirk_no:
	pop rax
	jmp vector6_plain
EXTABLE ud_quirk_load, ud_quirk_no

align 16
alltraps:
	PUSH_REGS
	mov rdi, rsp			; tf, 16-byte aligned (trap.h)
	cld
	call trap
global trapret
trapret:
	cmp qword [rsp + TF_VECTOR], T_SYSCALL64
	jne .iret
	mov rcx, [rsp + TF_RIP]
	shr rcx, 47
	jz .sysret			; RIP canonical user: sysret cannot fault
.iret:
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

; Everything but rcx and r11, which sysret loads from RIP and RFLAGS.
; Interrupts are off (the kernel runs with IF = 0) until sysret loads
; the user's RFLAGS.
.sysret:
	pop r15
	pop r14
	pop r13
	pop r12
	add rsp, 8			; r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rbp
	pop rbx
	pop rdx
	add rsp, 8			; rcx
	pop rax
	mov rcx, [rsp + 16]		; rip (past vector and error)
	mov r11, [rsp + 32]		; rflags
	mov rsp, [rsp + 40]		; the user's rsp
	o64 sysret

section .bss
syscall_user_rsp:
	resq 1
section .text

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
