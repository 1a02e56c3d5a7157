; initrd.asm: the initrd embedded in guest.elf (build/initrd.cpio, made by
; guest/user/build.mk), used when the loader passes no PVH module
; (initrd.c).  INITRD_FILE comes from build.mk.

section .initrd progbits alloc noexec nowrite align=16
align 16
global initrd_embedded, initrd_embedded_end
initrd_embedded:
	incbin INITRD_FILE
initrd_embedded_end:
