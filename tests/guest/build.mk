# Test guests: tests/guest/*.asm -> build/tests/guest/*.elf (PVH ELF64s
# of 32-bit code, linked at 1 MiB).

TGUEST_SRCS := $(wildcard tests/guest/*.asm)
TGUEST_ELFS := $(TGUEST_SRCS:tests/guest/%.asm=$(B)/tests/guest/%.elf)

$(B)/tests/guest/%.o: tests/guest/%.asm tests/guest/pvh.inc tests/guest/lib.inc
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -I tests/guest/ -o $@ $<

$(B)/tests/guest/%.elf: $(B)/tests/guest/%.o tests/guest/guest.ld
	$(Q)$(LD) -m elf_x86_64 -nostdlib -z noexecstack -z max-page-size=4096 \
		-T tests/guest/guest.ld -o $@ $<

test-guests: $(TGUEST_ELFS)
.PHONY: test-guests

TEST_DEPS += $(TGUEST_ELFS)
.SECONDARY: $(TGUEST_SRCS:tests/guest/%.asm=$(B)/tests/guest/%.o)
