# guest/lib/build.mk: lde's user libc (build/guest/lib/libc.a + crt0.o) and
# its host unit tests (build/tests/libc_*, run by tests/30-libc-unit.t).
#
# User code is freestanding baseline x86-64 (this KVM preserves only
# fxsave state across a switch), never sees the host's headers
# (-nostdinc; gcc's own stdint.h/stddef.h/stdarg.h/stdbool.h remain), and
# links with ld against guest/user/user.ld.

LIBC_DIR := guest/lib
LIBC_B := $(B)/guest/lib
USER_GCC_INC := $(shell $(CC) -print-file-name=include)
USER_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

USER_CFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -nostdinc -isystem $(USER_GCC_INC) \
	-fno-pie -fno-pic -fno-stack-protector -fcf-protection=none -march=x86-64 -mtune=generic \
	-Wall -Wextra -Werror -I$(LIBC_DIR)/include -Iinclude -MMD -MP
# The libc's own files: no builtins, and no loop turned into a call to
# memset/memcpy/strlen (which would recurse inside those functions).
LIBC_CFLAGS := $(USER_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns

# Portable files: no system call of their own, so the host tests can link
# them with fakes of the few calls they make (sbrk, read, write, ...).
LIBC_PORTABLE := globals string ctype stdlib malloc printf stdio errno args
LIBC_SYS := start sys signal exec dirent
LIBC_OBJS := $(addprefix $(LIBC_B)/,$(addsuffix .o,$(LIBC_PORTABLE) $(LIBC_SYS)) syscall.o)
LIBC_A := $(LIBC_B)/libc.a
LIBC_CRT0 := $(LIBC_B)/crt0.o

$(LIBC_B)/%.o: $(LIBC_DIR)/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_CFLAGS) -c -o $@ $<

$(LIBC_B)/%.o: $(LIBC_DIR)/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_CFLAGS) -c -o $@ $<

$(LIBC_A): $(LIBC_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

.PHONY: libc
libc: $(LIBC_A) $(LIBC_CRT0)

# --- host unit tests ----------------------------------------------------
# The portable files are compiled for the host with the libc's own
# headers, linked into one object, and every symbol gets the prefix
# libc_ (objcopy), so they sit beside glibc and cmocka in one test binary
# without clashes: the test calls libc_snprintf, libc_malloc, ...
LIBC_HOST_B := $(B)/tests/libc_host
LIBC_HOST_CFLAGS := -std=c11 -O1 -g -ffreestanding -nostdinc -isystem $(USER_GCC_INC) \
	-fno-builtin -fno-tree-loop-distribute-patterns -fPIE -fno-stack-protector \
	-Wall -Wextra -Werror -I$(LIBC_DIR)/include -Iinclude -MMD -MP
LIBC_HOST_OBJS := $(addprefix $(LIBC_HOST_B)/,$(addsuffix .o,$(LIBC_PORTABLE)))
LIBC_HOST_O := $(B)/tests/libc_host.o

$(LIBC_HOST_B)/%.o: $(LIBC_DIR)/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_HOST_CFLAGS) -c -o $@ $<

$(LIBC_HOST_O): $(LIBC_HOST_OBJS)
	$(Q)$(LD) -r -o $@.tmp $^
	$(Q)objcopy --prefix-symbols=libc_ $@.tmp $@
	$(Q)rm -f $@.tmp

# Each tests/unit/libc_<name>.c but the fakes is one cmocka binary.
LIBC_UNIT_SRCS := $(filter-out tests/unit/libc_fake.c,$(wildcard tests/unit/libc_*.c))
LIBC_UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(LIBC_UNIT_SRCS))
LIBC_UNIT_CFLAGS := $(HOST_CFLAGS) -I$(LIBC_DIR)/host

$(B)/tests/libc_fake.o: tests/unit/libc_fake.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_UNIT_CFLAGS) -c -o $@ $<

$(B)/tests/libc_%: tests/unit/libc_%.c $(LIBC_HOST_O) $(B)/tests/libc_fake.o
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_UNIT_CFLAGS) -o $@ $< $(LIBC_HOST_O) $(B)/tests/libc_fake.o -lcmocka

.PHONY: libc-unit
libc-unit: $(LIBC_UNIT_BINS)

TEST_DEPS += $(LIBC_UNIT_BINS)

-include $(wildcard $(LIBC_B)/*.d $(LIBC_HOST_B)/*.d $(B)/tests/libc_*.d)
