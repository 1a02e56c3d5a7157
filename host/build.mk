# The vmm: host/*.c -> build/host/*.o -> ./vmm
#
# VMM_LIB_OBJS is everything but main.o: the unit tests and (later) the
# fuzzers link it to drive the loader, the boot info, the UART and the
# exit handlers without a VM.

VMM_SRCS := $(wildcard host/*.c)
VMM_OBJS := $(VMM_SRCS:host/%.c=$(B)/host/%.o)
VMM_LIB_OBJS := $(filter-out $(B)/host/main.o,$(VMM_OBJS))
VMM_LIBS := -lpthread -lm

vmm: $(VMM_OBJS)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(VMM_LIBS)

$(B)/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -c -o $@ $<

-include $(wildcard $(B)/host/*.d)
