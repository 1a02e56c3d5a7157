; bench/bare-entry.asm: PVH entry of the bare benchmark guest (bare.c).
; The PVH note, a 32-bit entry that goes straight to 64-bit long mode with
; static page tables (the first 8 MiB identity mapped with 2 MiB pages: no
; table-filling loop, because on kvm_pvm every ring-0 instruction is
; interpreted), then bare_main(start_info).

	bits 32
	section .note.pvh note alloc noexec nowrite align=4
	dd 4			; namesz
	dd 8			; descsz: 8 bytes in an ELF64 (QEMU reads a size_t)
	dd 18			; XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq start

	section .text.entry
	global start
	extern bare_main
start:
	mov esp, stack_top
	mov eax, pml4
	mov cr3, eax
	mov eax, cr4
	or eax, 1 << 5		; PAE
	mov cr4, eax
	mov ecx, 0xc0000080	; EFER
	rdmsr
	or eax, 1 << 8		; LME
	wrmsr
	mov eax, cr0
	or eax, 0x80000001	; PG | PE
	mov cr0, eax
	lgdt [gdt_ptr]
	jmp 0x08:long_entry

	bits 64
long_entry:
	mov eax, 0x10
	mov ds, eax
	mov es, eax
	mov ss, eax
	mov edi, ebx		; struct hvm_start_info *
	call bare_main
.halt:	cli
	hlt
	jmp .halt

	section .data
	align 4096
pml4:	dq pdpt + 3
	times 511 dq 0
pdpt:	dq pd + 3
	times 511 dq 0
pd:	dq 0x000083, 0x200083, 0x400083, 0x600083	; present, writable, 2 MiB
	times 508 dq 0
gdt:	dq 0
	dq 0x00af9a000000ffff	; 0x08: 64-bit code
	dq 0x00cf92000000ffff	; 0x10: data
gdt_ptr:
	dw gdt_ptr - gdt - 1
	dd gdt

	section .bss
	align 16
	resb 16384
stack_top:

	section .note.GNU-stack noalloc noexec nowrite progbits
