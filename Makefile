# lde: a minimal KVM virtual machine monitor and its teaching kernel.
#
#   make          build ./vmm and ./guest.elf
#   make run      build (installing missing tools) and boot the embedded default
#   make test     every test, under prove (TAP)
#   make bench    benchmarks (bench/README in README.md's "Measuring")
#   make fuzz     long fuzzing runs (FUZZ_SECONDS=N each)
#
# One non-recursive make: each area adds its rules in its own build.mk.
# Objects go under build/, the two products to the top level.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

B := build
CC ?= gcc
NASM ?= nasm
LD ?= ld
Q := $(if $(V),,@)

# Host code: the vmm and host-side tools and tests.
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -Iinclude -MMD -MP
HOST_LDFLAGS :=

# Check build tools first; install them when root (.ci/deps).
DEPS_BUILD := $(shell command -v nasm >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1 && echo ok)
ifneq ($(DEPS_BUILD),ok)
$(shell sh .ci/deps build >&2)
endif

all: vmm guest.elf

# Fragments: each area owns its own and appends what `make test` needs to
# TEST_DEPS.
TEST_DEPS :=
-include host/build.mk
-include guest/kernel/build.mk
-include guest/lib/build.mk
-include guest/user/build.mk
-include tests/unit/build.mk
-include tests/guest/build.mk
-include tests/fuzz/build.mk
-include tests/vm/build.mk
-include bench/build.mk

.PHONY: all run test bench fuzz deps deps-test clean format

deps:
	$(Q)sh .ci/deps build
deps-test:
	$(Q)sh .ci/deps test

run: all
	./vmm guest.elf $(if $(ARGS),-- $(ARGS),)

test: deps-test all $(TEST_DEPS)
	prove -f $(PROVE_FLAGS) tests/

clean:
	rm -rf $(B) vmm guest.elf

format:
	clang-format -i $$(git ls-files '*.c' '*.h')
