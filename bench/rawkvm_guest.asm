; bench/rawkvm_guest.asm: the guest code of bench/rawkvm.c, position
; independent 64-bit code copied into guest RAM at RAWKVM_CODE and
; entered in long mode with the registers rawkvm sets.  Every routine
; uses only relative addressing, so where the host linker puts these
; bytes does not matter.
;
; Port numbers (rawkvm's, not lde's): 0x10 = a null exit the host only
; counts; 0x11 = "samples done".

	bits 64
	section .rodata

	global rawkvm_pio, rawkvm_pio_end
	global rawkvm_time_cpuid, rawkvm_time_cpuid_end
	global rawkvm_time_nop, rawkvm_time_nop_end
	global rawkvm_time_pio, rawkvm_time_pio_end

%define BLOCK 16		; operations per timed sample

; Null exits forever: the host counts them and re-enters.  Unrolled so
; the loop's jmp is 1/64 of the guest instructions between exits.
rawkvm_pio:
	mov edx, 0x10
.again:
%rep 64
	out dx, al
%endrep
	jmp .again
rawkvm_pio_end:

; STORE: the sample's TSC pair at rdi (t0 lo, t0 hi, t1 lo, t1 hi), next.
%macro STORE 0
	mov [rdi], r8d
	mov [rdi + 4], r9d
	mov [rdi + 8], eax
	mov [rdi + 12], edx
	add rdi, 16
%endmacro

; The null exit timed by the guest, as bench/bare.c times lde's: r10
; samples of BLOCK x `out dx, eax` between two TSC reads; the host
; re-enters on every exit to 0x10 and stops at 0x11.
rawkvm_time_pio:
.sample:
	lfence
	rdtsc
	mov r8d, eax
	mov r9d, edx
	mov edx, 0x10
%rep BLOCK
	out dx, eax
%endrep
	lfence
	rdtsc
	STORE
	dec r10
	jnz .sample
	mov edx, 0x11
	out dx, al
	hlt
rawkvm_time_pio_end:

; TIMED op: r10 samples, each the rdtsc delta over BLOCK x (xor eax,eax;
; op), stored as four 32-bit halves (t0 lo, t0 hi, t1 lo, t1 hi) at rdi;
; then out 0x11.  The nop variant times the same shape with the exit
; taken out, so cpuid - nop is the cost of the exit itself.
%macro TIMED 2
%1:
.sample:
	lfence
	rdtsc
	mov r8d, eax
	mov r9d, edx
%rep BLOCK
	xor eax, eax
	%2
%endrep
	lfence
	rdtsc
	STORE
	dec r10
	jnz .sample
	mov edx, 0x11
	out dx, al
	hlt
%1_end:
%endmacro

	TIMED rawkvm_time_cpuid, cpuid
	TIMED rawkvm_time_nop, nop

	section .note.GNU-stack noalloc noexec nowrite progbits
