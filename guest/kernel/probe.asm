; probe.asm: kernel accesses that are allowed to fault.
;
; Each instruction that may fault has an entry in .extable: {the
; instruction's address, where to resume}.  On a kernel-mode exception
; trap() looks the faulting RIP up (extable.c); on a hit it records the
; fault in kfault_last and resumes at the fixup, which returns -EFAULT.
; The functions are leaves that keep the stack as the caller left it, so
; a fixup can simply return.  The selftests use them to fault on purpose;
; copyin/copyout (uvm.c) are built on copy_guarded and strnlen_guarded.

%include "asmdefs.inc"

bits 64

%macro EXTABLE 2
section .extable
	dq %1, %2
section .text
%endmacro

section .extable progbits alloc noexec nowrite align=8
section .text

; int probe_read64(const void *addr, uint64_t *val)
global probe_read64, probe_read64_insn
probe_read64:
probe_read64_insn:
	mov rax, [rdi]
	mov [rsi], rax
	xor eax, eax
	ret
EXTABLE probe_read64_insn, fault_return

; int probe_write8(void *addr, uint8_t val)
global probe_write8, probe_write8_insn
probe_write8:
probe_write8_insn:
	mov [rdi], sil
	xor eax, eax
	ret
EXTABLE probe_write8_insn, fault_return

; int probe_ud2(void)
global probe_ud2, probe_ud2_insn
probe_ud2:
probe_ud2_insn:
	ud2
	xor eax, eax
	ret
EXTABLE probe_ud2_insn, fault_return

; int probe_exec_data(void): call a `ret` that lives in .data.  With NX the
; fetch faults with RIP = nx_probe_target, whose entry resumes at a fixup
; that drops the call's return address.
global probe_exec_data
probe_exec_data:
	call nx_probe_target
	xor eax, eax
	ret
EXTABLE nx_probe_target, fault_pop_return

; int copy_guarded(void *dst, const void *src, size_t n): memcpy that
; returns -EFAULT instead of faulting (rep movsq: cheapest in ring 0 here).
global copy_guarded
copy_guarded:
	mov rcx, rdx
	shr rcx, 3
.q:
	rep movsq
	mov rcx, rdx
	and rcx, 7
.b:
	rep movsb
	xor eax, eax
	ret
EXTABLE copy_guarded.q, fault_return
EXTABLE copy_guarded.b, fault_return

; long strnlen_guarded(const char *s, size_t max): the length of the string
; at s, max if no NUL comes within max bytes, or -EFAULT if it runs into
; memory that cannot be read (repne scasb: a string instruction is one
; emulator round in ring 0 here, far cheaper than a loop).
global strnlen_guarded
strnlen_guarded:
	mov rax, rsi
	test rsi, rsi
	jz .done
	mov rcx, rsi
	mov rdx, rdi
	xor eax, eax
.s:
	repne scasb
	jne .none
	lea rax, [rdi - 1]
	sub rax, rdx
	ret
.none:
	mov rax, rsi
.done:
	ret
EXTABLE strnlen_guarded.s, fault_return64

fault_return64:
	mov rax, -EFAULT
	ret

fault_pop_return:
	add rsp, 8
fault_return:
	mov eax, -EFAULT
	ret

section .data
global nx_probe_target
nx_probe_target:
	ret
