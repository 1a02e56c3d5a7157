# guest/user/build.mk: the user programs and the initrd that carries them.
#
#   build/guest/user/<prog>       unstripped, for gdb (objects in build/guest/user/obj/)
#   build/initrd/                 the tree packed: init, bin/<prog> (stripped), *.c
#   build/initrd.cpio             cpio newc, names sorted, reproducible
#
# A program is guest/user/<prog>.c, or several files in guest/user/<prog>/.

USER_DIR := guest/user
USER_B := $(B)/guest/user
USER_LDSCRIPT := $(USER_DIR)/user.ld
USER_LDFLAGS := -static -nostdlib -T $(USER_LDSCRIPT) -z noexecstack -z max-page-size=0x1000 \
	-z common-page-size=0x1000 --build-id=none

# Every guest/user/NAME.c is a program, installed as bin/NAME (init as
# init); the sources in a directory guest/user/NAME/, if any, are linked
# into it too (usertests).  bench*.c see bench/ (lde_bench.h).
USER_PROGS := $(sort $(notdir $(basename $(wildcard $(USER_DIR)/*.c))))
# Sources shown at the initrd's root, for `wc p3.c`, `cat p1.c` and the
# OSTEP homework answers (`cat hw3.c`).
USER_DEMO_SRCS := p1.c p2.c p3.c p4.c $(sort $(notdir $(wildcard $(USER_DIR)/hw*.c)))

USER_BINS := $(addprefix $(USER_B)/,$(USER_PROGS))

$(USER_B)/obj/%.o: $(USER_DIR)/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) $(if $(filter bench%,$(notdir $*)),-Ibench) -c -o $@ $<

$(USER_B)/obj/%.o: $(USER_DIR)/%.S
	@mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

USER_LINK = $(LD) $(USER_LDFLAGS) -o $@ $(LIBC_CRT0) $(filter-out $(LIBC_CRT0),$(filter %.o,$^)) \
	$(LIBC_A) $(USER_LIBGCC)

define USER_PROG
USER_OBJS_$(1) := $(USER_B)/obj/$(1).o $$(patsubst $(USER_DIR)/%,$(USER_B)/obj/%.o,$$(basename \
		$$(wildcard $(USER_DIR)/$(1)/*.c $(USER_DIR)/$(1)/*.S)))
$(USER_B)/$(1): $$(USER_OBJS_$(1)) $(LIBC_A) $(LIBC_CRT0) $(USER_LDSCRIPT)
	$$(Q)$$(USER_LINK)
endef
$(foreach p,$(USER_PROGS),$(eval $(call USER_PROG,$(p))))

.PHONY: user
user: $(USER_BINS)

# The initrd: staged under build/initrd/, then packed in sorted order with
# fixed owners and times so equal inputs give equal archives.
INITRD := $(B)/initrd.cpio
INITRD_TREE := $(B)/initrd
INITRD_SRCS := $(addprefix $(USER_DIR)/,$(USER_DEMO_SRCS))

$(INITRD): $(USER_BINS) $(INITRD_SRCS) $(USER_DIR)/build.mk
	$(Q)rm -rf $(INITRD_TREE) $@.tmp
	$(Q)mkdir -p $(INITRD_TREE)/bin
	$(Q)for p in $(USER_PROGS); do \
		case $$p in init) dst=init ;; *) dst=bin/$$p ;; esac; \
		strip -o $(INITRD_TREE)/$$dst $(USER_B)/$$p || exit 1; \
	done
	$(Q)cp $(INITRD_SRCS) $(INITRD_TREE)/
	$(Q)chmod 0755 $(INITRD_TREE)/init $(INITRD_TREE)/bin/*
	$(Q)chmod 0644 $(addprefix $(INITRD_TREE)/,$(USER_DEMO_SRCS))
	$(Q)touch -h -d @0 $(INITRD_TREE) $(INITRD_TREE)/* $(INITRD_TREE)/bin/*
	$(Q)cd $(INITRD_TREE) && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | \
		cpio -o -H newc --reproducible --owner=0:0 --quiet > $(abspath $@.tmp)
	$(Q)mv $@.tmp $@

.PHONY: initrd
initrd: $(INITRD)

# The same programs relinked over guest/lib/host/linux_shim.c (lde's calls
# served by Linux), in a copy of the initrd's tree, for tests/33 to run in
# a chroot on the host.
LINUX_ROOT := $(B)/tests/linux-root
LINUX_SHIM_O := $(B)/tests/linux_shim.o

$(LINUX_SHIM_O): $(LIBC_DIR)/host/linux_shim.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(LIBC_CFLAGS) -c -o $@ $<

$(LINUX_ROOT)/.built: $(INITRD) $(LINUX_SHIM_O) $(foreach p,$(USER_PROGS),$(USER_OBJS_$(p)))
	$(Q)rm -rf $(LINUX_ROOT) && mkdir -p $(LINUX_ROOT)/bin
	$(Q)cp $(INITRD_SRCS) $(LINUX_ROOT)/
	$(Q)$(foreach p,$(USER_PROGS),$(LD) $(USER_LDFLAGS) \
		-o $(LINUX_ROOT)/$(if $(filter init,$(p)),init,bin/$(p)) $(LIBC_CRT0) \
		$(USER_OBJS_$(p)) $(LINUX_SHIM_O) $(LIBC_A) $(USER_LIBGCC) &&) true
	$(Q)touch $@

TEST_DEPS += $(LINUX_ROOT)/.built

TEST_DEPS += $(INITRD)

-include $(wildcard $(USER_B)/obj/*.d $(USER_B)/obj/*/*.d)
