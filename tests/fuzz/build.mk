# The vmm's libFuzzer targets (tests/fuzz/fuzz_*.c), its ASan/UBSan build,
# and the runs of both.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="elf port"]
#                        each target for FUZZ_SECONDS; new inputs in
#                        build/fuzz/corpus/<target>, crashes in
#                        build/fuzz/artifacts/<target>/ (tests/fuzz/run.sh)
#   make vmm-asan        build/asan/vmm: the vmm with ASan and UBSan (and
#                        build/asan/vmm-unit: the host unit tests with them)
#   make test-asan       every test that runs the vmm, against it (make test
#                        runs the vmm's own ones: tests/72-asan.t)
#
# The fuzzers link the vmm's own objects rebuilt with clang's coverage and
# sanitizers: every host/*.c but main.c, so a new part of the vmm (trace.c,
# stats.c) is in them without a change here.  `make test` builds both and
# runs each target for a few seconds (tests/70-fuzz.t) and the ASan pass
# (tests/72-asan.t).

FUZZ_CC := clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The vmm is gcc's code: clang alone objects to KVM's idiom of a struct
# kvm_msrs header followed by its entries (trace.c).
CLANG_CFLAGS := $(HOST_CFLAGS) -Wno-gnu-variable-sized-type-not-at-end
FUZZ_CFLAGS := $(CLANG_CFLAGS) $(FUZZ_SAN)
# port_json: the port target with the trace written as JSON (fuzz_port.c)
FUZZ_NAMES := elf elf_ram pvh uart port port_json dump opts
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz-%)
FUZZ_HOST_OBJS := $(VMM_LIB_OBJS:$(B)/host/%.o=$(B)/fuzz/host/%.o)
FUZZ_COMMON := $(B)/fuzz/fuzz.o $(B)/fuzz/fuzz_vm.o
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)

$(B)/fuzz/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(B)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -iquote host -c -o $@ $<

$(B)/fuzz/fuzz_port_json.o: tests/fuzz/fuzz_port.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_TRACE_JSON -fsanitize=fuzzer-no-link -iquote host -c -o $@ $<

$(B)/fuzz/fuzz-%: $(B)/fuzz/fuzz_%.o $(FUZZ_COMMON) $(FUZZ_HOST_OBJS)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(VMM_LIBS)

fuzzers: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh $$t $(FUZZ_SECONDS) $(B)/fuzz/corpus/$$t || exit 1; \
	done

# The kernel's system-call fuzzer (guest/user/sysfuzz.c): SYSFUZZ_CALLS
# calls under QEMU TCG on the debug kernel, seed SYSFUZZ_SEED (default:
# the clock; tests/fuzz/sysfuzz.sh prints it for a replay).
SYSFUZZ_CALLS ?= 1000000
fuzz: fuzz-kernel
fuzz-kernel: guest.elf $(KDEBUG_ELF)
	$(Q)bash tests/fuzz/sysfuzz.sh $(SYSFUZZ_CALLS) $(SYSFUZZ_SEED)
.PHONY: fuzz-kernel

# ---- the vmm with AddressSanitizer and UndefinedBehaviorSanitizer ----
# Dynamically linked (the sanitizers' runtimes need it); its sandbox lets
# the sanitizer runtime do what it must (host/seccomp.c).

# clang, as for the fuzzers: gcc's UBSan misses what its optimiser moves
# (a pointer computed past the file before a range check, found by "elf").
ASAN_CC := clang
ASAN_CFLAGS := $(CLANG_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ASAN_OBJS := $(VMM_OBJS:$(B)/host/%.o=$(B)/asan/host/%.o)
VMM_ASAN := $(B)/asan/vmm

$(B)/asan/host/%.o: host/%.c
	@mkdir -p $(@D)
	$(Q)$(ASAN_CC) $(ASAN_CFLAGS) -c -o $@ $<

$(VMM_ASAN): $(ASAN_OBJS)
	$(Q)$(ASAN_CC) $(HOST_LDFLAGS) -fsanitize=address,undefined -o $@ $^ $(VMM_LIBS)

# The host unit tests too, so a regression test of a memory or UB finding
# fails where the finding would show.
UNIT_ASAN := $(B)/asan/vmm-unit
UNIT_ASAN_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(B)/asan/unit/%.o)

$(B)/asan/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(Q)$(ASAN_CC) $(ASAN_CFLAGS) -iquote host -c -o $@ $<

$(UNIT_ASAN): $(UNIT_ASAN_OBJS) $(filter-out $(B)/asan/host/main.o,$(ASAN_OBJS))
	$(Q)$(ASAN_CC) $(HOST_LDFLAGS) -fsanitize=address,undefined -o $@ $^ -lcmocka $(VMM_LIBS)

vmm-asan: $(VMM_ASAN) $(UNIT_ASAN)

test-asan: $(VMM_ASAN) $(UNIT_ASAN) $(TEST_DEPS)
	LDE_ASAN_FULL=1 prove -f $(PROVE_FLAGS) tests/72-asan.t

TEST_DEPS += $(FUZZ_BINS) $(VMM_ASAN) $(UNIT_ASAN)
.PHONY: fuzzers vmm-asan test-asan
.SECONDARY: $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%.o) $(FUZZ_COMMON) $(FUZZ_HOST_OBJS) $(ASAN_OBJS) \
	$(UNIT_ASAN_OBJS)

-include $(wildcard $(B)/fuzz/*.d $(B)/fuzz/host/*.d $(B)/asan/host/*.d $(B)/asan/unit/*.d)
