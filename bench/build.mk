# bench/build.mk: the benchmark programs and `make bench`.
#
#   make bench                  every part, pinned to one CPU (BENCH_CPU, default
#                               the last one), repeated until stable; results in
#                               bench/results/
#   make bench BENCH_QUICK=1    each benchmark once, briefly (what tests/60 runs);
#                               results in build/bench/quick/
#   make bench BENCH_ONLY=host,kvm   only the named parts (host kvm exit boot mem guest many)
#
# The harness (bench/harness.py, python3 standard library only) builds
# nothing itself: this rule builds the host-side programs, and ./vmm and
# ./guest.elf when their fragments exist (a broken build stops the run;
# a missing wing is reported by the harness as "not run").

BENCH_B := $(B)/bench
BENCH_PROGS := $(BENCH_B)/host $(BENCH_B)/rawkvm $(BENCH_B)/tiny $(BENCH_B)/bare.elf
BENCH_CPU ?= $(shell echo $$(( $$(nproc) - 1 )))
BENCH_CFLAGS := $(HOST_CFLAGS) -Ibench

$(BENCH_B)/%.o: bench/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BENCH_B)/%.asm.o: bench/%.asm
	@mkdir -p $(@D)
	$(Q)$(NASM) -f elf64 -o $@ $<

$(BENCH_B)/host: $(BENCH_B)/host.o
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

$(BENCH_B)/rawkvm: $(BENCH_B)/rawkvm.o $(BENCH_B)/rawkvm_guest.asm.o
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

# A static program that only exits: the exec target of `host exec`.
$(BENCH_B)/tiny: $(BENCH_B)/tiny.asm.o
	$(Q)$(LD) -static -nostdlib -o $@ $<

# The bare benchmark guest: freestanding ring-0 code, built like lde's
# kernel (baseline x86-64, general registers only: kvm_pvm's emulator dies
# on SSE in ring 0).
BARE_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -Ibench -ffreestanding \
	-nostdlib -mno-red-zone -mgeneral-regs-only -march=x86-64 -mtune=generic -fno-pic \
	-fno-pie -fno-stack-protector -fcf-protection=none -fno-asynchronous-unwind-tables \
	-MMD -MP

$(BENCH_B)/bare.o: bench/bare.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(BARE_CFLAGS) -c $< -o $@

$(BENCH_B)/bare.elf: $(BENCH_B)/bare-entry.asm.o $(BENCH_B)/bare.o bench/bare.ld
	$(Q)$(LD) -m elf_x86_64 -nostdlib -static --no-warn-rwx-segments -T bench/bare.ld -o $@ \
		$(BENCH_B)/bare-entry.asm.o $(BENCH_B)/bare.o

# The products `bench` needs from other wings, if those wings exist yet.
# Each is built on its own: one that fails to build is reported by the
# harness (FAILED, with the build log; the parts needing it not run) while
# every other part still runs, and a stale copy is never measured.
BENCH_LDE := $(if $(wildcard host/build.mk),vmm) $(if $(wildcard guest/kernel/build.mk),guest.elf)
# Not $(MAKE) in the recipe: make would run that line even under `make -n`,
# and with it the whole harness.
BENCH_SUBMAKE := $(MAKE)

bench: $(BENCH_PROGS)
	$(Q)mkdir -p $(BENCH_B)/logs; failed=; \
	for t in $(BENCH_LDE); do \
		echo "bench: make $$t" >&2; \
		$(BENCH_SUBMAKE) --no-print-directory $$t >$(BENCH_B)/logs/make-$$t.log 2>&1 || \
			failed="$$failed $$t"; \
	done; \
	export BENCH_BUILD_FAILED="$$failed" BENCH_QUICK="$(BENCH_QUICK)" \
		BENCH_ONLY="$(BENCH_ONLY)" BENCH_CPU="$(BENCH_CPU)"; \
	if command -v taskset >/dev/null 2>&1; then \
		taskset -c $(BENCH_CPU) python3 bench/harness.py; \
	else \
		echo "bench: taskset missing (util-linux): the harness pins itself" >&2; \
		python3 bench/harness.py; \
	fi

TEST_DEPS += $(BENCH_PROGS)

-include $(wildcard $(BENCH_B)/*.d)
