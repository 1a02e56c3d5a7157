; bench/tiny.asm: the smallest static Linux program, the target of the
; host fork+exec+wait baseline (host exec): it only calls exit(0), so the
; figure is the cost of fork, execve and wait themselves.
	bits 64
	section .text
	global _start
_start:
	mov eax, 60		; exit
	xor edi, edi
	syscall

	section .note.GNU-stack noalloc noexec nowrite progbits
