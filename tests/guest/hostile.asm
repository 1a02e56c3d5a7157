; A guest that misbehaves on request: the first word of its command line
; names the case (see `cases` below); an unknown word exits with status 2.
; Each case is what a broken or hostile guest does to the vmm; the
; integration tests (tests/12-vmm-guests.t, tests/71-hostile-guests.t)
; check how the vmm ends it.  The `ops` case runs any sequence of port and
; memory accesses written on its command line.

%include "pvh.inc"

bits 32
PVH_NOTE _start

section .text
global _start
_start:
	cli
	mov esp, stack_top
	mov [start_info], ebx
	mov esi, [ebx + SI_CMDLINE]
	jmp run_case

%include "lib.inc"

; ---- the cases ----

; An access to a port nothing serves.
case_port:
	mov dx, 0x1234
	in al, dx
	jmp ok

case_port_out32:
	mov dx, 0x5000
	out dx, eax
	jmp ok

; Commonly probed PC ports read all-ones and ignore writes.
case_probe:
	mov al, 0x55
	out 0x80, al
	mov al, 0x0a
	out 0x70, al
	in al, 0x71
	cmp al, 0xff
	jne fail
	in al, 0x64
	cmp al, 0xff
	jne fail
	mov dx, 0xcf8
	mov eax, 0x80000000
	out dx, eax
	mov dx, 0xcfc
	in eax, dx
	cmp eax, 0xffffffff
	jne fail
	mov dx, 0x2fd                   ; COM2's LSR: no UART there
	in al, dx
	cmp al, 0xff
	jne fail
	jmp ok

; No IDT: the #UD becomes a double fault, then a triple fault.
case_triple:
	lidt [null_idt]
	ud2

; Runaway guests only --timeout stops.
case_spin:
	cli
	jmp $
case_spin_sti:
	sti
	jmp $
case_hlt:
	cli
.h:
	hlt
	jmp .h

; Memory that nobody backs, inside the MMIO hole and above RAM.
case_mmio_read:
	mov eax, [0xd0000000]
	jmp ok
case_mmio_write:
	mov dword [0xd0000000], 0x12345678
	jmp ok

; Bad lde calls.
case_bad_size:
	mov dx, LDE_PORT_EXIT
	xor eax, eax
	out dx, al
	jmp ok
case_bad_status:
	mov dx, LDE_PORT_EXIT
	mov eax, 256
	out dx, eax
	jmp ok
case_bad_dir:
	mov dx, LDE_PORT_ID
	out dx, eax
	jmp ok
case_bad_unassigned:
	mov dx, LDE_PORT_ID + 9
	in eax, dx
	jmp ok
case_bad_trace:
	mov dx, LDE_PORT_TRACE_SETUP
	mov eax, 0x123                  ; not page aligned
	out dx, eax
	jmp ok

; Every lde call used correctly.
case_lde:
	mov dx, LDE_PORT_ID
	in eax, dx
	cmp eax, LDE_MAGIC
	jne fail
	mov dx, LDE_PORT_TSC
	in eax, dx                      ; 0 allowed (unknown)
	mov dx, LDE_PORT_NOP
	out dx, eax
	in eax, dx
	test eax, eax
	jnz fail
	mov dx, LDE_PORT_TRACE_SETUP
	in eax, dx
	test eax, eax                   ; not tracing
	jnz fail
	xor eax, eax
	out dx, eax                     ; tracing off: allowed
	mov dx, LDE_PORT_TRACE_DRAIN
	out dx, eax
	jmp ok

; String I/O on lde ports: one call per element.
case_lde_rep:
	mov dx, LDE_PORT_NOP
	mov esi, two_dwords
	mov ecx, 2
	rep outsd
	mov dx, LDE_PORT_ID
	mov edi, two_dwords
	mov ecx, 2
	rep insd
	cmp dword [two_dwords], LDE_MAGIC
	jne fail
	cmp dword [two_dwords + 4], LDE_MAGIC
	jne fail
	jmp ok

; The null hypercall, many times.
case_nop:
	mov ecx, 10000
	mov dx, LDE_PORT_NOP
.n:
	out dx, eax
	dec ecx
	jnz .n
	jmp ok

; Output without a newline, then a fatal exit: the vmm must flush it and
; start its report on a line of its own.
case_partial_line:
	mov esi, msg_partial
	call puts
	lidt [null_idt]
	ud2

; The memory map as the guest reads it: "addr size type" per entry (low
; 32 bits, hex).
case_memmap:
	mov ebx, [start_info]
	mov edi, [ebx + 40]             ; memmap_paddr
	mov ecx, [ebx + 48]             ; memmap_entries
.e:
	mov eax, [edi]
	call puthex
	mov al, ' '
	call putc
	mov eax, [edi + 8]
	call puthex
	mov al, ' '
	call putc
	mov eax, [edi + 16]
	call puthex
	mov al, 10
	call putc
	add edi, 24
	loop .e
	jmp ok

; Module 0 (--initrd): page aligned, ending in the last page of RAM (the
; memory map's last entry); prints its first bytes (at most 64).  Without
; a module: "no modules".
case_initrd:
	mov ebx, [start_info]
	cmp dword [ebx + 12], 0         ; nr_modules
	jne .have
	mov esi, msg_nomod
	call puts
	jmp ok
.have:
	mov edi, [ebx + 16]             ; modlist_paddr
	mov esi, [edi]                  ; module paddr
	test esi, 0xfff
	jnz fail
	mov ecx, [edi + 8]              ; size
	mov eax, [ebx + 40]             ; memmap: last entry's end
	mov edx, [ebx + 48]
	dec edx
	imul edx, 24
	add eax, edx
	mov edx, [eax]
	add edx, [eax + 8]              ; RAM end
	lea eax, [esi + ecx]
	cmp eax, edx
	ja fail                         ; past the end of RAM
	add eax, 4096
	cmp eax, edx
	jbe fail                        ; not in the last page
	cmp ecx, 64
	jbe .print
	mov ecx, 64
.print:
	jecxz .done
.b:
	mov al, [esi]
	call putc
	inc esi
	loop .b
.done:
	jmp ok

; Exit statuses pass through lde's exit call.
case_exit0:
	xor eax, eax
	jmp lde_exit
case_exit7:
	mov eax, 7
	jmp lde_exit
case_exit255:
	mov eax, 255
	jmp lde_exit
case_debug_exit:
	mov al, 0x7f                    ; (0x7f << 1) | 1 = 255
	out DEBUG_EXIT, al
	jmp $

; Garbage to every UART register, every value, in every DLAB state;
; read them all back; then a sane state again and one line.
case_uart_garbage:
	xor ebx, ebx                    ; bl = value, bh = register
.w:
	movzx edx, bh
	add edx, COM1
	mov al, bl
	out dx, al
	mov ecx, 8
	mov dx, COM1
.r:
	in al, dx
	inc dx
	loop .r
	inc bl
	jnz .w
	inc bh
	cmp bh, 8
	jb .w
	mov dx, COM1 + 3                ; LCR: 8N1, DLAB off
	mov al, 3
	out dx, al
	mov dx, COM1 + 1                ; IER off
	xor al, al
	out dx, al
	mov dx, COM1 + 4                ; MCR: no loopback
	out dx, al
	mov dx, COM1 + 2                ; FIFO on, cleared
	mov al, 7
	out dx, al
	mov esi, msg_survived
	call puts
	jmp ok

; 2- and 4-byte accesses to the UART are split into bytes.
case_uart_wide:
	mov dx, COM1 + 3
	mov al, 3
	out dx, al
	mov dx, COM1
	mov ax, 0x0041                  ; THR 'A', IER 0
	out dx, ax
	mov al, 10
	call putc
	jmp ok

; String output: rep outsb to THR.
case_rep_outsb:
	mov esi, msg_rep
	mov ecx, msg_rep_len
	mov dx, COM1
	rep outsb
	jmp ok

; 65536 bytes of output: 4096 lines of 16 bytes, then exit.
case_flood:
	mov ecx, 4096
	mov dx, COM1
.line:
	mov esi, msg_line
	mov ebx, 16
.c:
	mov al, [esi]
	out dx, al
	inc esi
	dec ebx
	jnz .c
	loop .line
	jmp ok

; Echo COM1 input, polled, until '.'.
case_echo:
	mov dx, COM1_LSR
	in al, dx
	test al, LSR_DR
	jz case_echo
	mov dx, COM1
	in al, dx
	call putc
	cmp al, '.'
	jne case_echo
	jmp ok

; Echo COM1 input taken by interrupt (IRQ 4 -> IOAPIC -> vector 0x24)
; while the CPU halts, until '.'.
%define IRQ_VEC 0x24
case_echo_irq:
	lgdt [gdt_desc]
	jmp 0x08:.cs
.cs:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	; IDT: every vector to `unexpected`, vector IRQ_VEC to `uart_isr`.
	xor ecx, ecx
.idt:
	mov eax, unexpected
	cmp ecx, IRQ_VEC
	jne .gate
	mov eax, uart_isr
.gate:
	mov [idt + ecx * 8], ax
	mov word [idt + ecx * 8 + 2], 0x08
	mov word [idt + ecx * 8 + 4], 0x8e00   ; present, DPL 0, 32-bit interrupt gate
	shr eax, 16
	mov [idt + ecx * 8 + 6], ax
	inc ecx
	cmp ecx, 256
	jb .idt
	lidt [idt_desc]
	mov al, 0xff                    ; mask both 8259s
	out 0x21, al
	out 0xa1, al
	mov dword [0xfee000f0], 0x1ff   ; LAPIC SVR: enabled, spurious 0xff
	mov dword [0xfec00000], 0x18    ; IOAPIC redirection entry 4, low
	mov dword [0xfec00010], IRQ_VEC ; fixed, edge, active high, unmasked
	mov dword [0xfec00000], 0x19    ; high: destination APIC 0
	mov dword [0xfec00010], 0
	mov dx, COM1 + 4
	mov al, 0x0b                    ; DTR, RTS, OUT2
	out dx, al
	mov dx, COM1 + 1
	mov al, 1                       ; IER: received data
	out dx, al
	mov esi, msg_ready
	call puts
.idle:
	sti
	hlt
	jmp .idle

uart_isr:
	pushad
	mov dx, COM1 + 2
	in al, dx                       ; IIR
.more:
	mov dx, COM1_LSR
	in al, dx
	test al, LSR_DR
	jz .done
	mov dx, COM1
	in al, dx
	call putc
	cmp al, '.'
	jne .more
	jmp ok
.done:
	mov dword [0xfee000b0], 0       ; LAPIC EOI
	popad
	iret

unexpected:
	mov eax, 99
	jmp lde_exit

; ---- ops: any sequence of port and memory accesses ----
; `ops OP...`: each OP, numbers in hex without 0x, K 1 when left out:
;   oN:PORT=VAL[*K]    out of N (1, 2 or 4) bytes of VAL, K times
;   iN:PORT[*K]        in of N bytes, K times
;   sN:PORT=ADDR*K     rep outs: K elements of N bytes from ADDR
;   SN:PORT=ADDR*K     rep ins: K elements into ADDR
;   pN:FIRST=LAST      in of N bytes from each port FIRST..LAST
;   qN:FIRST=LAST      out of N bytes (0) to each port FIRST..LAST
;   w:ADDR=VAL[*K]     K dwords of VAL from ADDR on
;   r:ADDR             read the dword at ADDR
; Then "ops: survived" and lde exit 0.  A malformed OP: "ops: bad op"
; and status 2.  tests/71-hostile-guests.t builds its cases from these.
case_ops:
	mov esi, [start_info]
	mov esi, [esi + SI_CMDLINE]
.word:                                  ; past "ops"
	lodsb
	test al, al
	jz .done
	cmp al, ' '
	jne .word
.next:
	mov al, [esi]
	test al, al
	jz .done
	cmp al, ' '
	jne .op
	inc esi
	jmp .next
.op:
	mov [op_c], al
	inc esi
	mov dword [op_n], 4
	movzx eax, byte [esi]
	cmp al, ':'
	je .colon
	sub al, '0'
	mov [op_n], eax
	inc esi
	cmp byte [esi], ':'
	jne ops_bad
.colon:
	inc esi
	call hex
	mov [op_a], eax
	mov dword [op_b], 0
	mov dword [op_k], 1
	cmp byte [esi], '='
	jne .k
	inc esi
	call hex
	mov [op_b], eax
.k:
	cmp byte [esi], '*'
	jne .go
	inc esi
	call hex
	mov [op_k], eax
.go:
	mov al, [esi]                   ; an op ends at a blank or the end
	test al, al
	jz .known
	cmp al, ' '
	jne ops_bad
.known:
	mov ebx, op_table
.find:
	mov al, [ebx]
	test al, al
	jz ops_bad
	cmp al, [op_c]
	je .found
	add ebx, 8
	jmp .find
.found:
	push esi
	call [ebx + 4]
	pop esi
	jmp .next
.done:
	mov esi, msg_ops_ok
	call puts
	jmp ok

ops_bad:
	mov esi, msg_ops_bad
	call puts
	mov eax, 2
	jmp lde_exit

; hex: the hex number at esi -> eax, esi past it; at least one digit.
hex:
	xor eax, eax
	xor ecx, ecx
.h:
	movzx edx, byte [esi]
	cmp dl, '0'
	jb .end
	cmp dl, '9'
	jbe .dec
	or dl, 0x20
	cmp dl, 'a'
	jb .end
	cmp dl, 'f'
	ja .end
	sub dl, 'a' - 10
	jmp .add
.dec:
	sub dl, '0'
.add:
	shl eax, 4
	or eax, edx
	inc esi
	inc ecx
	jmp .h
.end:
	test ecx, ecx
	jz ops_bad
	ret

; The ops: [op_n] size, [op_a] [op_b] [op_k] the numbers.
op_out:
	mov edx, [op_a]
	mov eax, [op_b]
	mov ecx, [op_k]
	jecxz .r
.l:
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	out dx, eax
	jmp .n
.b:
	out dx, al
	jmp .n
.w:
	out dx, ax
.n:
	loop .l
.r:
	ret

op_in:
	mov edx, [op_a]
	mov ecx, [op_k]
	jecxz .r
.l:
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	in eax, dx
	jmp .n
.b:
	in al, dx
	jmp .n
.w:
	in ax, dx
.n:
	loop .l
.r:
	ret

op_outs:
	mov edx, [op_a]
	mov esi, [op_b]
	mov ecx, [op_k]
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	rep outsd
	ret
.b:
	rep outsb
	ret
.w:
	rep outsw
	ret

op_ins:
	mov edx, [op_a]
	mov edi, [op_b]
	mov ecx, [op_k]
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	rep insd
	ret
.b:
	rep insb
	ret
.w:
	rep insw
	ret

; p and q: one access of each port in [op_a, op_b].
op_probe_in:
	mov edx, [op_a]
.l:
	cmp edx, [op_b]
	ja .r
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	in eax, dx
	jmp .n
.b:
	in al, dx
	jmp .n
.w:
	in ax, dx
.n:
	inc edx
	jmp .l
.r:
	ret

op_probe_out:
	mov edx, [op_a]
	xor eax, eax
.l:
	cmp edx, [op_b]
	ja .r
	cmp dword [op_n], 1
	je .b
	cmp dword [op_n], 2
	je .w
	out dx, eax
	jmp .n
.b:
	out dx, al
	jmp .n
.w:
	out dx, ax
.n:
	inc edx
	jmp .l
.r:
	ret

op_write:
	mov edi, [op_a]
	mov eax, [op_b]
	mov ecx, [op_k]
	rep stosd
	ret

op_read:
	mov eax, [op_a]
	mov eax, [eax]
	ret

; ---- paging on with page tables that are garbage: the fetch after it
; faults, there is no IDT, the CPU triple-faults, and the vmm's register
; dump walks the guest's tables as they are ----

; 32-bit paging, CR3 outside RAM.
case_pg_outside:
	lidt [null_idt]
	mov eax, 0xfffff000
	mov cr3, eax
	jmp pg_on
; 32-bit paging with 4 MiB pages, CR3 = this code.
case_pg_self:
	lidt [null_idt]
	mov eax, cr4
	or eax, 0x10                    ; PSE
	mov cr4, eax
	mov eax, 0x100000
	mov cr3, eax
	jmp pg_on
; PAE, CR3 = this code as the PDPT.
case_pg_pae:
	lidt [null_idt]
	mov eax, cr4
	or eax, 0x20                    ; PAE
	mov cr4, eax
	mov eax, 0x100000
	mov cr3, eax
	jmp pg_on
; Long mode (compatibility), CR3 = this code as the PML4.
case_pg_long:
	lidt [null_idt]
	mov eax, cr4
	or eax, 0x20                    ; PAE
	mov cr4, eax
	mov ecx, 0xc0000080             ; EFER
	rdmsr
	or eax, 0x100                   ; LME
	wrmsr
	mov eax, 0x100000
	mov cr3, eax
	jmp pg_on
pg_on:
	mov eax, cr0
	or eax, 0x80000000
	mov cr0, eax
	jmp $


ok:
	xor eax, eax
	jmp lde_exit
fail:
	mov eax, 1
	jmp lde_exit

section .rodata
align 4
cases:
	dd n_port, case_port
	dd n_port_out32, case_port_out32
	dd n_probe, case_probe
	dd n_triple, case_triple
	dd n_spin, case_spin
	dd n_spin_sti, case_spin_sti
	dd n_hlt, case_hlt
	dd n_mmio_read, case_mmio_read
	dd n_mmio_write, case_mmio_write
	dd n_bad_size, case_bad_size
	dd n_bad_status, case_bad_status
	dd n_bad_dir, case_bad_dir
	dd n_bad_unassigned, case_bad_unassigned
	dd n_lde_rep, case_lde_rep
	dd n_bad_trace, case_bad_trace
	dd n_lde, case_lde
	dd n_nop, case_nop
	dd n_exit0, case_exit0
	dd n_exit7, case_exit7
	dd n_exit255, case_exit255
	dd n_debug_exit, case_debug_exit
	dd n_uart_garbage, case_uart_garbage
	dd n_uart_wide, case_uart_wide
	dd n_rep_outsb, case_rep_outsb
	dd n_flood, case_flood
	dd n_echo, case_echo
	dd n_echo_irq, case_echo_irq
	dd n_partial_line, case_partial_line
	dd n_memmap, case_memmap
	dd n_initrd, case_initrd
	dd n_ops, case_ops
	dd n_pg_outside, case_pg_outside
	dd n_pg_self, case_pg_self
	dd n_pg_pae, case_pg_pae
	dd n_pg_long, case_pg_long
	dd 0, 0
n_port:           db "port", 0
n_port_out32:     db "port-out32", 0
n_probe:          db "probe", 0
n_triple:         db "triple", 0
n_spin:           db "spin", 0
n_spin_sti:       db "spin-sti", 0
n_hlt:            db "hlt", 0
n_mmio_read:      db "mmio-read", 0
n_mmio_write:     db "mmio-write", 0
n_bad_size:       db "bad-size", 0
n_bad_status:     db "bad-status", 0
n_bad_dir:        db "bad-dir", 0
n_bad_unassigned: db "bad-unassigned", 0
n_lde_rep:        db "lde-rep", 0
n_bad_trace:      db "bad-trace", 0
n_lde:            db "lde", 0
n_nop:            db "nop", 0
n_exit0:          db "exit0", 0
n_exit7:          db "exit7", 0
n_exit255:        db "exit255", 0
n_debug_exit:     db "debug-exit", 0
n_uart_garbage:   db "uart-garbage", 0
n_uart_wide:      db "uart-wide", 0
n_rep_outsb:      db "rep-outsb", 0
n_flood:          db "flood", 0
n_echo:           db "echo", 0
n_echo_irq:       db "echo-irq", 0
n_partial_line:   db "partial-line", 0
n_memmap:         db "memmap", 0
n_initrd:         db "initrd", 0
n_ops:            db "ops", 0
n_pg_outside:     db "paging-outside", 0
n_pg_self:        db "paging-self", 0
n_pg_pae:         db "paging-pae", 0
n_pg_long:        db "paging-long", 0

op_table:
	dd 'o', op_out
	dd 'i', op_in
	dd 's', op_outs
	dd 'S', op_ins
	dd 'p', op_probe_in
	dd 'q', op_probe_out
	dd 'w', op_write
	dd 'r', op_read
	dd 0, 0
msg_ops_ok:   db "ops: survived", 10, 0
msg_ops_bad:  db "ops: bad op", 10, 0

msg_unknown:  db "hostile: unknown case", 10, 0
msg_partial:  db "half a line", 0
msg_nomod:    db "no modules", 10, 0
msg_survived: db "uart-garbage: survived", 10, 0
msg_ready:    db "echo-irq: ready", 10, 0
msg_rep:      db "rep outsb works", 10
msg_rep_len   equ $ - msg_rep
msg_line:     db "0123456789abcde", 10

align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08: 32-bit code, flat
	dq 0x00cf92000000ffff           ; 0x10: data, flat
gdt_end:
gdt_desc:
	dw gdt_end - gdt - 1
	dd gdt
idt_desc:
	dw 256 * 8 - 1
	dd idt
null_idt:
	dw 0
	dd 0

section .data
two_dwords:   dd 0, 0

section .bss
alignb 8
idt:        resb 256 * 8
start_info: resd 1
op_c:       resd 1
op_n:       resd 1
op_a:       resd 1
op_b:       resd 1
op_k:       resd 1
	resb 4096
stack_top:
