; entry.asm: the PVH entry, from 32-bit protected mode to kmain in the
; higher half.
;
; A PVH loader (lde's vmm, QEMU -kernel, Firecracker ...) finds the Xen
; note below and starts pvh_start in 32-bit protected mode, paging off,
; flat CS/DS, %ebx = physical address of struct hvm_start_info
; (shared/reference.md).  We turn on PAE paging with static boot page
; tables, set EFER.LME (and EFER.NXE when the CPU has NX), enable paging,
; far-jump into 64-bit code, take the boot stack, and call
;     kmain(const struct hvm_start_info *si_phys, uint64_t entry_tsc)
; at its KERNBASE address.  The boot tables map the first GiB three times
; (identity, PHYSMAP and KERNBASE) with 2 MiB pages; vm.c replaces them.
; Everything here runs with paging off or identity-mapped, so .boot has
; VMA = LMA (kernel.ld).

%include "asmdefs.inc"

bits 32

; The PVH entry note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY, an 8-byte
; descriptor (upper half zero: QEMU reads a size_t in an ELF64, others a
; u32).  PT_NOTE alignment 4.
section .note.Xen note alloc noexec nowrite align=4
	dd 4			; namesz
	dd 8			; descsz
	dd XEN_ELFNOTE_PHYS32_ENTRY
	db "Xen", 0
	dq pvh_start

section .boot progbits alloc exec write align=4096

; Boot page tables, static: 4 KiB each, 4 KiB aligned.
; PML4[0] (identity) and PML4[256] (PHYSMAP) share one PDPT; PML4[511]
; holds KERNBASE = -2 GiB, PDPT slot 510.  All three reach boot_pd: the
; first GiB in 2 MiB pages.
boot_pml4:
	dq boot_pdpt_low + PTE_P + PTE_W
	times 255 dq 0
	dq boot_pdpt_low + PTE_P + PTE_W
	times 254 dq 0
	dq boot_pdpt_high + PTE_P + PTE_W
boot_pdpt_low:
	dq boot_pd + PTE_P + PTE_W
	times 511 dq 0
boot_pdpt_high:
	times 510 dq 0
	dq boot_pd + PTE_P + PTE_W
	dq 0
boot_pd:
%assign i 0
%rep 512
	dq (i << 21) + PTE_P + PTE_W + PTE_PS
%assign i i + 1
%endrep

; Boot GDT: the selectors match the final GDT (gdt.c), so nothing needs
; reloading when it replaces this one.
align 16
boot_gdt:
	dq 0
	dq 0x00af9b000000ffff	; SEG_KCODE: 64-bit code, DPL 0
	dq 0x00cf93000000ffff	; SEG_KDATA: data, DPL 0
boot_gdt_end:
boot_gdtr:
	dw boot_gdt_end - boot_gdt - 1
	dd boot_gdt

entry_tsc:
	dq 0
no_lm_msg:
	db "lde: this CPU has no long mode; guest.elf needs x86-64", 13, 10, 0

global pvh_start
pvh_start:
	cli
	cld
	mov esi, ebx			; start info (cpuid clobbers ebx)
	rdtsc				; TSC at entry, for the boot-time report
	mov [entry_tsc], eax
	mov [entry_tsc + 4], edx

	; Long mode?  (CPUID 0x80000001 EDX.LM; EDX.NX kept in edi)
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz no_long_mode
	mov edi, edx

	lgdt [boot_gdtr]
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	test edi, 1 << 20		; NX: PTE bit 63 becomes usable
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax			; now in compatibility mode
	jmp SEG_KCODE:long_mode

; No long mode: say so on COM1 and end the VM (lde's exit call when its ID
; port answers, then isa-debug-exit), as panic() would.
no_long_mode:
	mov esi, no_lm_msg
	mov dx, LDE_COM1_BASE
.putc:
	lodsb
	test al, al
	jz .exit
	out dx, al
	jmp .putc
.exit:
	mov dx, LDE_PORT_ID
	in eax, dx
	cmp eax, LDE_MAGIC
	jne .debug_exit
	mov dx, LDE_PORT_EXIT
	mov eax, LDE_STATUS_PANIC
	out dx, eax
.debug_exit:
	mov dx, LDE_PORT_DEBUG_EXIT
	mov al, LDE_STATUS_PANIC
	out dx, al
.halt:
	hlt
	jmp .halt

bits 64
long_mode:
	mov ax, SEG_KDATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	mov edi, esi			; kmain(si_phys, entry_tsc)
	mov rsi, [abs entry_tsc]
	xor ebp, ebp			; ends the frame-pointer chain
	mov rax, kmain
	call rax
.hang:					; kmain never returns
	ud2
	jmp .hang

extern kmain

section .bss
align 16
global boot_stack, boot_stack_top
boot_stack:
	resb 16384
boot_stack_top:
