#!/bin/bash
# 82-manyvms.t: 100 lde VMs at once (./vmm --mem 16M each, tests/vm/manyvms):
# every one ends with status 0 having printed exactly its own line; with all
# 100 alive, each vmm's memory stays small -- guest RAM is not pre-faulted
# (its PSS well under --mem) and the vmm's own memory (everything but guest
# RAM) is under 1 MiB -- and each dies of SIGTERM as documented.  The
# figures (VMs/s, PSS) are printed as diagnostics; their targets are
# bench's business, not a test's.  LDE_MANYVMS_N overrides the 100.
. "$(dirname "$0")/lib/lde.sh"

if ! have_kvm; then
	echo "1..0 # SKIP no usable /dev/kvm: lde's vmm cannot run, so no many-VMs run here"
	exit 0
fi
n=${LDE_MANYVMS_N:-100}
out=$(timeout -k 10 600 "$LDE_TOP/tests/vm/manyvms" -n "$n" --mem 16M 2>&1)
st=$?
diag "$(printf '%s\n' "$out" | grep -v '^BENCH')"

is "$st" 0 "manyvms -n $n: exits 0 (every VM behaved)"
like "$out" "^start: $n/$n VMs ran \`echo vm-I\`, status 0, their line only$" \
	"$n VMs at once: each ends with status 0 and prints exactly its own line"
unlike "$out" "^FAIL " "no VM misbehaved (status, output, SIGTERM)"
like "$out" "^memory: all $n booted and sleeping" "$n VMs alive at once, sampled"

# bench_med NAME: the med= of a BENCH line.
bench_med() { printf '%s\n' "$out" | sed -n "s/^BENCH $1 .* med=\([0-9.]*\) .*/\1/p" | cut -d. -f1; }
guest=$(bench_med manyvms.pss.guest)
own=$(bench_med manyvms.pss.own)
if [ -n "$guest" ] && [ "$guest" -lt 8192 ]; then
	pass "guest RAM not pre-faulted: PSS ${guest} KiB of 16384"
else
	fail "guest RAM not pre-faulted: PSS ${guest:-?} KiB of 16384 (want < 8192)"
fi
if [ -n "$own" ] && [ "$own" -lt 1024 ]; then
	pass "the vmm's own memory per VM is small: PSS ${own} KiB"
else
	fail "the vmm's own memory per VM is small: PSS ${own:-?} KiB (want < 1024)"
fi
done_testing
