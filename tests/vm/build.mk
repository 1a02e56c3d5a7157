# tests/vm/build.mk: guest.elf elsewhere than lde's vmm, and many vmms at once.
#
#   make run-qemu    ARGS="..." INITRD=file MEM=128M TIMEOUT=secs ACCEL=kvm|tcg
#                    guest.elf under QEMU microvm, the console on this terminal
#   make run-libvirt (same variables) guest.elf as a transient libvirt domain;
#                    installs and starts libvirt when missing (tests/vm/run-libvirt)
#   make manyvms     N=100 MEM=16M: N ./vmm at once, VMs/s and memory per VM
#
# ARGS is split and quoted by the shell as for `make run ARGS=...`, then
# joined into the guest command line as ./vmm joins it.  Every variable is
# optional.
#
# INITRD: guest/user/build.mk's INITRD names the archive it builds, and a
# command-line INITRD=file would replace it in that fragment's rules too.
# So the file is taken here, and guest.elf is built by a make that is not
# given the command line's variables (MAKEOVERRIDES emptied).

VM_INITRD := $(if $(filter command line,$(origin INITRD)),$(INITRD))
VM_OPTS = $(if $(MEM),--mem $(MEM)) $(if $(VM_INITRD),--initrd $(VM_INITRD)) \
	$(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(ACCEL),--accel $(ACCEL))

.PHONY: run-qemu run-libvirt manyvms vm-build

run-qemu run-libvirt manyvms vm-build: MAKEOVERRIDES :=
vm-build:
	$(Q)$(MAKE) --no-print-directory all

run-qemu: vm-build
	tests/vm/run-qemu $(VM_OPTS) guest.elf $(if $(ARGS),-- $(ARGS),)

run-libvirt: vm-build
	tests/vm/run-libvirt $(VM_OPTS) guest.elf $(if $(ARGS),-- $(ARGS),)

manyvms: vm-build
	tests/vm/manyvms $(if $(N),-n $(N)) $(if $(MEM),--mem $(MEM))
