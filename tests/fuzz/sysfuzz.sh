#!/bin/bash
# sysfuzz.sh [CALLS] [SEED] [PLATFORM] [GUEST]: the long run of the kernel's
# system-call fuzzer (guest/user/sysfuzz.c), for `make fuzz`.
#
# Default: 1 000 000 calls under QEMU TCG (~40x faster per call than this
# machine's kvm_pvm, which interprets ring 0), seed from the clock (printed:
# replay with the same SEED), the debug kernel if built.  The guest's
# console goes to build/fuzz/log/sysfuzz.log; the summary line is printed
# with the wall time.  Exit status 0 only if sysfuzz's was (no kcheck
# violation, pages and processes back) and the kernel never panicked.
set -u
calls=${1:-1000000}
seed=${2:-$(date +%s)}
plat=${3:-qemu-tcg}
top=$(cd "$(dirname "$0")/../.." && pwd)
guest=${4:-$top/build/debug/guest.elf}
[ -f "$guest" ] || guest=$top/guest.elf
log=$top/build/fuzz/log/sysfuzz.log
mkdir -p "$(dirname "$log")"
# lde.sh finds the tree from $0's directory (tests/): pose as a tests/ script.
BASH_ARGV0=$top/tests/sysfuzz.sh
. "$top/tests/lib/lde.sh"
GUEST=$guest
start=$(date +%s)
LDE_TEST_TIMEOUT=${LDE_SYSFUZZ_TIMEOUT:-3600} run_guest "$plat" -- quiet sysfuzz -s "$seed" -n "$calls"
secs=$(($(date +%s) - start))
printf '%s\n' "$OUT" >"$log"
line=$(grep -E '^sysfuzz: calls ' "$log" | tail -n 1)
echo "sysfuzz ($plat, $(basename "$(dirname "$guest")")/$(basename "$guest")): ${line:-no summary line} [${secs} s wall]"
if [ "$STATUS" != 0 ] || grep -Eq '^(panic|kernel trap|kcheck:)' "$log"; then
	echo "sysfuzz: FAILED (status $STATUS; log $log)" >&2
	grep -E '^(panic|kernel trap|kcheck:|sysfuzz: (watchdog|kcheck))' "$log" | head -n 20 >&2
	exit 1
fi
