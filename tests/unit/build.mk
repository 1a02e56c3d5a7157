# Host unit tests (cmocka): tests/unit/*.c + the vmm's objects but main.o
# -> build/tests/unit/vmm-unit, run by tests/10-unit.t.  mkelf writes the
# crafted ELFs for tests/11-vmm-cli.t.

UNIT_BIN := $(B)/tests/unit/vmm-unit
UNIT_MKELF := $(B)/tests/unit/mkelf
# Named, not globbed: other areas' host tests may live beside these.
UNIT_SRCS := $(addprefix tests/unit/,main.c elfcraft.c test_elf.c test_pvh.c test_uart.c \
	test_opts.c test_dump.c test_term.c test_port.c)
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/unit/%.o)

$(UNIT_BIN): $(UNIT_OBJS) $(VMM_LIB_OBJS)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ -lcmocka $(VMM_LIBS)

$(UNIT_MKELF): $(B)/tests/unit/mkelf.o $(B)/tests/unit/elfcraft.o
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -iquote host -c -o $@ $<

unit-tests: $(UNIT_BIN) $(UNIT_MKELF)
.PHONY: unit-tests

TEST_DEPS += vmm $(UNIT_BIN) $(UNIT_MKELF)

-include $(wildcard $(UNIT_OBJS:.o=.d) $(B)/tests/unit/mkelf.d)
