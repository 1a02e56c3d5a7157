# The vmm: host/*.c -> build/host/*.o -> ./vmm
#
# VMM_LIB_OBJS is everything but main.o: the unit tests and (later) the
# fuzzers link it to drive the loader, the boot info, the UART and the
# exit handlers without a VM.

VMM_SRCS := $(wildcard host/*.c)
VMM_OBJS := $(VMM_SRCS:host/%.c=$(B)/host/%.o)
VMM_LIB_OBJS := $(filter-out $(B)/host/main.o,$(VMM_OBJS))
VMM_LIBS := -lpthread -lm

# Static: the vmm's own memory beyond guest RAM is a benchmark goal
# (<= 1 MiB); dynamically linked, glibc's and ld.so's mapped text alone
# is ~1.1 MiB of RSS.  Static, it is ~860 KiB and the boot is unchanged
# (bench/, mem.* and boot.* rows).  VMM_STATIC= links dynamically (ASan).
VMM_STATIC ?= -static

vmm: $(VMM_OBJS)
	$(Q)$(CC) $(HOST_LDFLAGS) $(VMM_STATIC) -o $@ $^ $(VMM_LIBS)

$(B)/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c -o $@ $<

-include $(wildcard $(B)/host/*.d)
