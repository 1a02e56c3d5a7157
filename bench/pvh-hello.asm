; bench/pvh-hello.asm: a trivial PVH guest for the boot and memory
; figures while lde's own guest cannot yet run `true`.  It prints one line
; on COM1 and writes 0 to QEMU's isa-debug-exit port 0xF4 (exit status 1
; under QEMU and under lde's vmm, which serves 0xF4 the same way).  With
; the word "hold" on its command line it prints "pvh-hello: ready" and
; halts with interrupts off instead, so the harness can read the VMM's
; memory while it runs.
;
; Entered in 32-bit protected mode, paging off, %ebx = hvm_start_info.

	bits 32
	section .note.pvh note alloc noexec nowrite align=4
	dd 4			; namesz
	dd 8			; descsz: 8 bytes in an ELF64 (QEMU reads a size_t)
	dd 18			; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq start

	section .text
	global start
start:
	mov esi, hello
	call puts
	mov esi, [ebx + 24]	; cmdline_paddr (low half; below 4 GiB)
	test esi, esi
	jz .exit
.scan:	cmp byte [esi], 0
	je .exit
	cmp dword [esi], "hold"
	je .hold
	inc esi
	jmp .scan
.hold:	mov esi, ready
	call puts
	cli
.halt:	hlt
	jmp .halt
.exit:	xor eax, eax
	out 0xf4, al
	jmp .halt		; not reached where 0xF4 is served

; puts: the NUL-terminated string at esi to COM1 (no flow control: the
; VMM's UART takes every byte).
puts:	mov dx, 0x3f8
.next:	lodsb
	test al, al
	jz .done
	out dx, al
	jmp .next
.done:	ret

	section .rodata
hello:	db "pvh-hello: up", 10, 0
ready:	db "pvh-hello: ready", 10, 0

	section .note.GNU-stack noalloc noexec nowrite progbits
