; A guest that exercises lde's trace ring (include/lde/trace.h) without
; lde's kernel: the first word of its command line names the case.
;
;   events     a ring of 64 records, watermark 48; a scripted story of
;              4 fork/exec/exit/wait rounds with every record type, drains
;              at the watermark, a few exits, a drain at the end; prints
;              "trace: mask M, written W, dropped D, watermark drains N"
;              (hex) and exits 0.  Without tracing (SETUP reads 0) it
;              prints "trace: the vmm is not tracing" and exits 0.
;   overflow   a ring of 4 records, 20 events, no drains: 16 dropped;
;              exits 0.
;   many       `events` with 200 rounds (6000 events): output far larger
;              than any buffer of the vmm's.
;   spin, triple  3 events left in the ring, then a spin with interrupts
;              off (for --timeout or a signal) or a triple fault: the vmm
;              drains on those ways out too.
;   hostile cases (see `cases`): a header or ring that lies.  The vmm
;              ends those with status 125, except `garbage` (bad records
;              skipped and counted, exit 0), `nrec-changed` and
;              `tail-scribbled` (the vmm keeps its own copies, exit 0),
;              and `bad-head-at-end` (reported, the guest's status 0 kept).
; An unknown case exits with status 2.  Records are written exactly as
; lde's kernel will write them (trace.c): only categories in `mask`,
; record first, then head; a drain request when head - tail reaches the
; watermark; a full ring drops and counts.

%include "pvh.inc"

; include/lde/trace.h, by hand (nasm cannot read C)
%define TR_MAGIC        0x52544c44
%define TR_VERSION      1
%define R_MAGIC         0
%define R_VERSION       4
%define R_NREC          8
%define R_WM            12
%define R_MASK          16
%define R_TSC_KHZ       24
%define R_HEAD          32
%define R_TAIL          40
%define R_DROPPED       48
%define R_RECS          64

%define EV_SYSCALL_ENTER 1
%define EV_SYSCALL_EXIT  2
%define EV_EXCEPTION     3
%define EV_IRQ           4
%define EV_SWITCH        5
%define EV_FORK          6
%define EV_EXEC          7
%define EV_EXIT          8
%define EV_STATE         9
%define EV_SIGNAL_SEND   10
%define EV_SIGNAL_DELIVER 11
%define EV_WAIT          12
%define EV_USER          13

%define EMBRYO  1
%define READY   2
%define RUNNING 3
%define BLOCKED 4
%define ZOMBIE  5

%define CHILD   0x7fff0000      ; in the script: the round's child pid

bits 32
PVH_NOTE _start

section .text
global _start
_start:
	cli
	mov esp, stack_top
	mov [start_info], ebx
	mov dword [rbase], ring
	mov esi, [ebx + SI_CMDLINE]
	jmp run_case

; ---- helpers --------------------------------------------------------

%include "lib.inc"

; delay: about ecx * 20 loop turns.
delay:
	push ecx
	imul ecx, ecx, 20
	jecxz .done
.l:
	dec ecx
	jnz .l
.done:
	pop ecx
	ret

; ring_init: a header at [rbase] for ecx records, watermark edx; head,
; tail, dropped and mask 0.
ring_init:
	pushad
	mov edi, [rbase]
	mov dword [edi + R_MAGIC], TR_MAGIC
	mov dword [edi + R_VERSION], TR_VERSION
	mov [edi + R_NREC], ecx
	mov [edi + R_WM], edx
	xor eax, eax
	mov [edi + R_MASK], eax
	mov [edi + R_MASK + 4], eax
	mov [edi + R_HEAD], eax
	mov [edi + R_HEAD + 4], eax
	mov [edi + R_TAIL], eax
	mov [edi + R_TAIL + 4], eax
	mov [edi + R_DROPPED], eax
	mov [edi + R_DROPPED + 4], eax
	mov [edi + R_TSC_KHZ + 4], eax
	mov dx, LDE_PORT_TSC
	in eax, dx
	mov [edi + R_TSC_KHZ], eax
	popad
	ret

; announce: out32 TRACE_SETUP with [rbase]; the mask the vmm wrote back
; goes to [mask].
announce:
	push eax
	push edx
	mov eax, [rbase]
	mov dx, LDE_PORT_TRACE_SETUP
	out dx, eax
	mov eax, [rbase]
	mov eax, [eax + R_MASK]
	mov [mask], eax
	pop edx
	pop eax
	ret

; drain: out32 TRACE_DRAIN.
drain:
	push eax
	push edx
	xor eax, eax
	mov dx, LDE_PORT_TRACE_DRAIN
	out dx, eax
	pop edx
	pop eax
	ret

; emit: a record of type eax, pid ebx, a0 ecx, a1 edx (both sign-extended
; to 64 bits), if its category is in [mask].
emit:
	push esi
	mov esi, [catbits + eax * 4]
	test esi, [mask]
	pop esi
	jnz emit_raw
	ret

; emit_raw: the same, whatever the type; the kernel's trace_write.
emit_raw:
	pushad
	mov edi, [rbase]
	mov esi, [edi + R_HEAD]
	sub esi, [edi + R_TAIL]         ; head - tail (they stay below 2^32 here)
	cmp esi, [edi + R_NREC]
	jae .full
	mov esi, [edi + R_NREC]
	dec esi
	and esi, [edi + R_HEAD]
	shl esi, 5
	lea esi, [edi + R_RECS + esi]
	rdtsc
	mov [esi], eax
	mov [esi + 4], edx
	mov eax, [esp + 28]             ; pushad's eax: type
	mov [esi + 8], ax
	mov word [esi + 10], 0
	mov [esi + 12], ebx
	mov ecx, [esp + 24]             ; a0
	mov [esi + 16], ecx
	sar ecx, 31
	mov [esi + 20], ecx
	mov edx, [esp + 20]             ; a1
	mov [esi + 24], edx
	sar edx, 31
	mov [esi + 28], edx
	add dword [edi + R_HEAD], 1     ; the record first, then head
	adc dword [edi + R_HEAD + 4], 0
	inc dword [written]
	cmp dword [no_drain], 0
	jne .out
	mov esi, [edi + R_HEAD]
	sub esi, [edi + R_TAIL]
	cmp esi, [edi + R_WM]
	jne .out
	call drain
	inc dword [wm_drains]
	jmp .out
.full:
	add dword [edi + R_DROPPED], 1
	adc dword [edi + R_DROPPED + 4], 0
.out:
	popad
	ret

; play: the records of the script at esi (5 dwords each: type, pid, a0,
; a1, delay; CHILD in pid, a0 or a1 stands for [child]) until type 0.
play:
	pushad
.rec:
	mov eax, [esi]
	test eax, eax
	jz .done
	mov ebx, [esi + 4]
	mov ecx, [esi + 8]
	mov edx, [esi + 12]
	cmp ebx, CHILD
	jne .a
	mov ebx, [child]
.a:
	cmp ecx, CHILD
	jne .b
	mov ecx, [child]
.b:
	cmp edx, CHILD
	jne .c
	mov edx, [child]
.c:
	call emit
	mov ecx, [esi + 16]
	call delay
	add esi, 20
	jmp .rec
.done:
	popad
	ret

; report: "trace: mask M, written W, dropped D, watermark drains N".
report:
	mov esi, msg_mask
	call puts
	mov eax, [mask]
	call puthex
	mov esi, msg_written
	call puts
	mov eax, [written]
	call puthex
	mov esi, msg_dropped
	call puts
	mov eax, [rbase]
	mov eax, [eax + R_DROPPED]
	call puthex
	mov esi, msg_drains
	call puts
	mov eax, [wm_drains]
	call puthex
	mov al, 10
	call putc
	ret

; tracing?  in32 TRACE_SETUP; if 0, say so and exit 0.
need_tracing:
	mov dx, LDE_PORT_TRACE_SETUP
	in eax, dx
	cmp eax, 1
	je .yes
	test eax, eax
	jnz fail
	mov esi, msg_off
	call puts
	xor eax, eax
	jmp lde_exit
.yes:
	ret

; a valid ring of 64 records, watermark 48, announced
valid_ring:
	mov ecx, 64
	mov edx, 48
	call ring_init
	call announce
	ret

; ---- cases ----------------------------------------------------------

case_events:
	call need_tracing
	call valid_ring
	mov esi, script_boot
	call play
	mov dword [child], 2
.round:
	mov esi, script_round
	call play
	inc dword [child]
	cmp dword [child], 6
	jb .round
	mov dx, LDE_PORT_NOP            ; exits of the vmm's own
	out dx, eax
	out dx, eax
	out dx, eax
	call report
	call drain                      ; the shutdown drain
	jmp ok

case_many:
	call need_tracing
	call valid_ring
	mov esi, script_boot
	call play
	mov dword [child], 2
.round:
	mov esi, script_round
	call play
	inc dword [child]
	cmp dword [child], 202
	jb .round
	call report
	jmp ok

case_spin:
	call need_tracing
	call valid_ring
	mov esi, script_three
	call play
	jmp $

case_triple:
	call need_tracing
	call valid_ring
	mov esi, script_three
	call play
	lidt [null_idt]
	ud2

case_overflow:
	call need_tracing
	mov ecx, 4
	mov edx, 4
	call ring_init
	call announce
	mov dword [no_drain], 1
	mov dword [child], 0
.e:
	mov eax, EV_USER
	mov ebx, 1
	mov ecx, 0x0f10
	mov edx, [child]
	call emit
	inc dword [child]
	cmp dword [child], 20
	jb .e
	call report
	jmp ok

; A header that lies at setup: each is refused with status 125.
case_bad_magic:
	call need_tracing
	mov ecx, 64
	mov edx, 48
	call ring_init
	mov dword [ring + R_MAGIC], 0xdeadbeef
	call announce
	jmp ok
case_bad_version:
	call need_tracing
	mov ecx, 64
	mov edx, 48
	call ring_init
	mov dword [ring + R_VERSION], 2
	call announce
	jmp ok
case_nrec_not_pow2:
	call need_tracing
	mov ecx, 48
	mov edx, 8
	call ring_init
	call announce
	jmp ok
case_nrec_zero:
	call need_tracing
	xor ecx, ecx
	xor edx, edx
	call ring_init
	call announce
	jmp ok
case_nrec_huge:
	call need_tracing
	mov ecx, 0x80000000             ; a power of two: 64 GiB of records
	mov edx, 1
	call ring_init
	call announce
	jmp ok
case_bad_watermark:
	call need_tracing
	mov ecx, 64
	mov edx, 65
	call ring_init
	call announce
	jmp ok
case_head_ahead:                        ; head - tail > nrec at setup
	call need_tracing
	mov ecx, 64
	mov edx, 48
	call ring_init
	mov dword [ring + R_HEAD], 65
	call announce
	jmp ok
case_past_ram:                          ; the header's page is RAM's last
	call need_tracing
	mov ebx, [start_info]
	mov edi, [ebx + 40]             ; memmap
	mov ecx, [ebx + 48]
	dec ecx
	imul ecx, 24
	add edi, ecx                    ; the last entry: RAM
	mov eax, [edi]
	add eax, [edi + 8]
	sub eax, 4096
	mov [rbase], eax
	mov ecx, 1024                   ; 32 KiB of records past RAM's end
	mov edx, 8
	call ring_init
	call announce
	jmp ok
case_below_ram:
	call need_tracing
	mov dword [rbase], 0x1000
	call announce
	jmp ok

; A ring that goes bad after setup.
case_bad_head:                          ; at the guest's drain: 125
	call need_tracing
	call valid_ring
	mov dword [ring + R_HEAD], 65
	call drain
	jmp ok
case_head_behind:
	call need_tracing
	call valid_ring
	mov dword [ring + R_HEAD], 0xffffffff
	mov dword [ring + R_HEAD + 4], 0xffffffff
	call drain
	jmp ok
case_bad_head_at_exit:                  ; at an exit the vmm drains at: 125
	call need_tracing
	call valid_ring
	mov dword [ring + R_HEAD], 1000
	mov dx, LDE_PORT_NOP
	out dx, eax
	jmp ok
case_bad_head_at_end:                   ; at the last exit: reported, status kept
	call need_tracing
	call valid_ring
	mov dword [ring + R_HEAD], 1000
	jmp ok
case_magic_overwritten:
	call need_tracing
	call valid_ring
	mov dword [ring + R_MAGIC], 0
	call drain
	jmp ok

; Survived: bad records are skipped and counted; header fields the vmm
; copied at setup may change.
case_garbage:
	call need_tracing
	call valid_ring
	mov esi, script_garbage
.g:
	mov eax, [esi]
	cmp eax, -1
	je .gdone
	mov ebx, [esi + 4]
	mov ecx, [esi + 8]
	mov edx, [esi + 12]
	call emit_raw
	add esi, 20
	jmp .g
.gdone:
	call drain
	call report
	jmp ok
case_nrec_changed:
	call need_tracing
	call valid_ring
	mov esi, script_three
	call play
	mov dword [ring + R_NREC], 0x40000000
	mov dword [ring + R_WM], 0
	call drain
	jmp ok
case_tail_scribbled:
	call need_tracing
	call valid_ring
	mov esi, script_three
	call play
	mov dword [ring + R_TAIL], 1000
	call drain
	jmp ok

ok:
	xor eax, eax
	jmp lde_exit
fail:
	mov eax, 1
	jmp lde_exit

section .rodata
align 4
cases:
	dd n_events, case_events
	dd n_overflow, case_overflow
	dd n_many, case_many
	dd n_spin, case_spin
	dd n_triple, case_triple
	dd n_bad_magic, case_bad_magic
	dd n_bad_version, case_bad_version
	dd n_nrec_not_pow2, case_nrec_not_pow2
	dd n_nrec_zero, case_nrec_zero
	dd n_nrec_huge, case_nrec_huge
	dd n_bad_watermark, case_bad_watermark
	dd n_head_ahead, case_head_ahead
	dd n_past_ram, case_past_ram
	dd n_below_ram, case_below_ram
	dd n_bad_head, case_bad_head
	dd n_head_behind, case_head_behind
	dd n_bad_head_at_exit, case_bad_head_at_exit
	dd n_bad_head_at_end, case_bad_head_at_end
	dd n_magic_overwritten, case_magic_overwritten
	dd n_garbage, case_garbage
	dd n_nrec_changed, case_nrec_changed
	dd n_tail_scribbled, case_tail_scribbled
	dd 0, 0
n_events:            db "events", 0
n_overflow:          db "overflow", 0
n_many:              db "many", 0
n_spin:              db "spin", 0
n_triple:            db "triple", 0
n_bad_magic:         db "bad-magic", 0
n_bad_version:       db "bad-version", 0
n_nrec_not_pow2:     db "nrec-not-pow2", 0
n_nrec_zero:         db "nrec-zero", 0
n_nrec_huge:         db "nrec-huge", 0
n_bad_watermark:     db "bad-watermark", 0
n_head_ahead:        db "head-ahead", 0
n_past_ram:          db "past-ram", 0
n_below_ram:         db "below-ram", 0
n_bad_head:          db "bad-head", 0
n_head_behind:       db "head-behind", 0
n_bad_head_at_exit:  db "bad-head-at-exit", 0
n_bad_head_at_end:   db "bad-head-at-end", 0
n_magic_overwritten: db "magic-overwritten", 0
n_garbage:           db "garbage", 0
n_nrec_changed:      db "nrec-changed", 0
n_tail_scribbled:    db "tail-scribbled", 0

msg_unknown: db "trace: unknown case", 10, 0
msg_off:     db "trace: the vmm is not tracing", 10, 0
msg_mask:    db "trace: mask ", 0
msg_written: db ", written ", 0
msg_dropped: db ", dropped ", 0
msg_drains:  db ", watermark drains ", 0
null_idt:    dw 0
	     dd 0

; Each type's category bit (LDE_TRACE_CAT).
align 4
catbits:
	dd 0, 1, 1, 8, 8, 2, 4, 4, 4, 2, 0x20, 0x20, 4, 1

; type, pid, a0, a1, delay
script_boot:
	dd EV_STATE, 1, EMBRYO, RUNNING, 1
	dd EV_EXEC, 1, 'init', 0, 2
	dd 0
script_round:
	dd EV_SYSCALL_ENTER, 1, 2, 0, 1                 ; fork()
	dd EV_FORK, 1, CHILD, 0, 0
	dd EV_STATE, CHILD, EMBRYO, READY, 0
	dd EV_SYSCALL_EXIT, 1, 2, CHILD, 1
	dd EV_SYSCALL_ENTER, 1, 4, -1, 0                ; waitpid(-1, ...)
	dd EV_STATE, 1, RUNNING, BLOCKED, 0
	dd EV_SWITCH, 1, CHILD, 2, 0                    ; blocked
	dd EV_STATE, CHILD, READY, RUNNING, 1
	dd EV_EXEC, CHILD, 'spin', 0, 3
	dd EV_IRQ, CHILD, 32, 0, 0
	dd EV_STATE, CHILD, RUNNING, READY, 0
	dd EV_SWITCH, CHILD, 0, 0, 2                    ; preempted, to idle
	dd EV_IRQ, 0, 36, 0, 0
	dd EV_SWITCH, 0, CHILD, 0, 0
	dd EV_STATE, CHILD, READY, RUNNING, 2
	dd EV_EXCEPTION, CHILD, 14, 0x400123, 1
	dd EV_USER, CHILD, 0x1234, 0x5678, 0
	dd EV_SYSCALL_ENTER, CHILD, 15, 1, 0            ; kill(1, SIGUSR1)
	dd EV_SIGNAL_SEND, CHILD, 1, 10, 0
	dd EV_SYSCALL_EXIT, CHILD, 15, 0, 1
	dd EV_SYSCALL_ENTER, CHILD, 1, 0, 0             ; exit(0)
	dd EV_EXIT, CHILD, 0, 0, 0
	dd EV_STATE, CHILD, RUNNING, ZOMBIE, 0
	dd EV_STATE, 1, BLOCKED, READY, 0
	dd EV_SWITCH, CHILD, 1, 3, 0                    ; exited
	dd EV_STATE, 1, READY, RUNNING, 1
	dd EV_SIGNAL_DELIVER, 1, 10, 0x401000, 1
	dd EV_WAIT, 1, CHILD, 0, 0
	dd EV_STATE, CHILD, ZOMBIE, 0, 0                ; reaped
	dd EV_SYSCALL_EXIT, 1, 4, CHILD, 2
	dd 0
script_three:
	dd EV_USER, 1, 1, 0, 0
	dd EV_USER, 1, 2, 0, 0
	dd EV_USER, 1, 3, 0, 0
	dd 0
; 2 good records around 8 bad ones (type, pid, a0, a1, -); ends at -1
script_garbage:
	dd EV_USER, 1, 0x600d, 0, 0
	dd 0, 1, 0, 0, 0                                ; type 0
	dd 99, 1, 0, 0, 0                               ; no such type
	dd EV_USER, -5, 0, 0, 0                         ; negative pid
	dd EV_USER, 1000000, 0, 0, 0                    ; pid past LDE_TRACE_PID_MAX
	dd EV_SWITCH, 1, -1, 0, 0                       ; switch to pid -1
	dd EV_STATE, 1, RUNNING, 77, 0                  ; no state 77
	dd EV_SIGNAL_DELIVER, 1, 0, 0, 0                ; signal 0
	dd EV_FORK, 1, 0, 0, 0                          ; child pid 0
	dd EV_USER, 1, 0x600d, 1, 0
	dd -1

section .bss
alignb 4096
ring:       resb R_RECS + 64 * 32
alignb 4
rbase:      resd 1
mask:       resd 1
child:      resd 1
written:    resd 1
wm_drains:  resd 1
no_drain:   resd 1
start_info: resd 1
	resb 4096
stack_top:
