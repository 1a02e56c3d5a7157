# guest/kernel/build.mk: the guest kernel, linked into ./guest.elf.
#
# Objects go under $(B)/guest/kernel/.  Other fragments may add objects to
# the link (the initrd, issue 3) with a plain prerequisite line
# `guest.elf: $(B)/some.o`: the recipe links every .o prerequisite.

KERNEL_SRC := guest/kernel
KERNEL_OUT := $(B)/guest/kernel

# Baseline x86-64 only: this machine's KVM interprets ring 0 and dies on
# SSE arithmetic, popcnt, int n ... (shared/reference.md), so the compiler
# may use general registers only.  Builtins stay on; string.c provides
# memcpy/memset/memmove/memcmp, and loop-to-memset rewriting is off so
# those cannot call themselves.
KERNEL_CFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -march=x86-64 -mtune=generic \
	-fno-pic -fno-pie -fno-stack-protector -fcf-protection=none -fno-common \
	-fno-asynchronous-unwind-tables -fno-omit-frame-pointer -fno-strict-aliasing \
	-fno-tree-loop-distribute-patterns \
	-Wall -Wextra -Werror -Iinclude -I$(KERNEL_SRC) -I$(KERNEL_OUT) -MMD -MP
KERNEL_NASMFLAGS := -f elf64 -g -F dwarf -I$(KERNEL_SRC)/ -I$(KERNEL_OUT)/
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-warn-rwx-segments -T $(KERNEL_SRC)/kernel.ld

KERNEL_CSRCS := $(filter-out $(KERNEL_SRC)/asmdefs.c,$(wildcard $(KERNEL_SRC)/*.c))
KERNEL_ASRCS := $(wildcard $(KERNEL_SRC)/*.asm)
KERNEL_OBJS := $(KERNEL_CSRCS:$(KERNEL_SRC)/%.c=$(KERNEL_OUT)/%.o) \
	$(KERNEL_ASRCS:$(KERNEL_SRC)/%.asm=$(KERNEL_OUT)/%.asm.o)

# asmdefs.inc: constants for nasm generated from the C headers (ABI ports,
# statuses, trapframe offsets, layout), so no number is written twice.
$(KERNEL_OUT)/asmdefs.inc: $(KERNEL_SRC)/asmdefs.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -MT $@ -MF $(KERNEL_OUT)/asmdefs.d -S -o $(KERNEL_OUT)/asmdefs.s $<
	$(Q)sed -n 's/.*->\([A-Za-z0-9_]*\) \$$\{0,1\}\([-0-9]*\).*/%define \1 \2/p' \
		$(KERNEL_OUT)/asmdefs.s >$@.tmp && mv $@.tmp $@

$(KERNEL_OUT)/%.o: $(KERNEL_SRC)/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(KERNEL_OUT)/%.asm.o: $(KERNEL_SRC)/%.asm $(KERNEL_OUT)/asmdefs.inc
	@mkdir -p $(@D)
	$(Q)$(NASM) $(KERNEL_NASMFLAGS) -MD $(KERNEL_OUT)/$*.asm.d -MP -o $@ $<

# The embedded initrd: guest/user/build.mk makes $(B)/initrd.cpio (its
# INITRD, not yet defined when this fragment is read).
KERNEL_INITRD := $(B)/initrd.cpio
$(KERNEL_OUT)/initrd.asm.o: $(KERNEL_INITRD)
$(KERNEL_OUT)/initrd.asm.o: KERNEL_NASMFLAGS += -DINITRD_FILE='"$(KERNEL_INITRD)"'

guest.elf: $(KERNEL_OBJS) $(KERNEL_SRC)/kernel.ld
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(filter %.o,$^)

TEST_DEPS += guest.elf

# The debug kernel, build/debug/guest.elf (`make debug-kernel`; make test
# builds it for tests/74): the same sources with -DKDEBUG, which checks the
# process table's invariants at every context switch and panics with one
# line naming the broken one and the pid (sched.c: kdebug_switch_check).
# The nasm objects and the embedded initrd are the normal kernel's.
KDEBUG_OUT := $(B)/debug/kernel
KDEBUG_ELF := $(B)/debug/guest.elf
KDEBUG_OBJS := $(KERNEL_CSRCS:$(KERNEL_SRC)/%.c=$(KDEBUG_OUT)/%.o) \
	$(KERNEL_ASRCS:$(KERNEL_SRC)/%.asm=$(KERNEL_OUT)/%.asm.o)

$(KDEBUG_OUT)/%.o: $(KERNEL_SRC)/%.c $(KERNEL_OUT)/asmdefs.inc
	@mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -DKDEBUG=1 -c -o $@ $<

$(KDEBUG_ELF): $(KDEBUG_OBJS) $(KERNEL_SRC)/kernel.ld
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(filter %.o,$^)

.PHONY: debug-kernel
debug-kernel: $(KDEBUG_ELF)

TEST_DEPS += $(KDEBUG_ELF)

-include $(wildcard $(KERNEL_OUT)/*.d $(KDEBUG_OUT)/*.d)
