#!/bin/bash
# The vmm's libFuzzer targets (tests/fuzz/), each run briefly so none can
# rot: every committed seed and every past finding (tests/fuzz/regress/)
# is replayed first, then FUZZ_TEST_SECONDS (default 3) of mutation.  One
# line per target with its executions; a crash or broken invariant fails
# it (the input is kept under build/fuzz/artifacts/).  `make fuzz` runs
# them for as long as you like.
. "$(dirname "$0")/lib/lde.sh"

secs=${FUZZ_TEST_SECONDS:-3}
targets=(elf elf_ram pvh uart port port_json dump opts)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

plan ${#targets[@]}
for t in "${targets[@]}"; do
	if [ ! -x "$LDE_TOP/build/fuzz/fuzz-$t" ]; then
		fail "fuzz $t: build/fuzz/fuzz-$t is built (make test builds it)"
		continue
	fi
	if line=$(sh "$LDE_TOP/tests/fuzz/run.sh" "$t" "$secs" "$T/$t" 2>"$T/err"); then
		pass "$line"
	else
		fail "fuzz $t: no crash, no broken invariant in $secs s"
		diag "$(cat "$T/err")"
	fi
done
