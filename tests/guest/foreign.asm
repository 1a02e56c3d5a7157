; A PVH guest as someone outside lde would write it: the Xen PVH note,
; 32-bit code, COM1 polled through LSR.THRE, and QEMU's isa-debug-exit.
; It checks the start info magic, prints a greeting and its command line,
; and writes 21 to port 0xf4 (status (21 << 1) | 1 = 43); with a bad
; magic it writes 1 (status 3).
; Runs unchanged on lde's vmm and on qemu-system-x86_64 -M microvm.

bits 32

section .note.Xen note alloc noexec nowrite align=4
	dd 4                    ; name size
	dd 8                    ; descriptor size
	dd 18                   ; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq _start

section .text
global _start
_start:
	mov esp, stack_top
	mov edi, ebx                    ; struct hvm_start_info *
	cmp dword [edi], 0x336ec578
	jne .bad
	mov esi, hello
	call puts
	mov esi, [edi + 24]             ; cmdline_paddr (below 4 GiB)
	test esi, esi
	jz .done
	call puts
.done:
	mov esi, newline
	call puts
	mov al, 21
	out 0xf4, al
	jmp $
.bad:
	mov al, 1
	out 0xf4, al
	jmp $

; puts: print the NUL-terminated string at esi.
puts:
	push eax
	push edx
.next:
	mov dx, 0x3fd                   ; LSR
.wait:
	in al, dx
	test al, 0x20                   ; THRE
	jz .wait
	mov al, [esi]
	test al, al
	jz .out
	mov dx, 0x3f8                   ; THR
	out dx, al
	inc esi
	jmp .next
.out:
	pop edx
	pop eax
	ret

section .rodata
hello:   db "hello from a foreign PVH guest; cmdline: ", 0
newline: db 10, 0

section .bss
	resb 4096
stack_top:
