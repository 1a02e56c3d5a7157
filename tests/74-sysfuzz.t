#!/bin/bash
# 74-sysfuzz.t: the kernel survives a hostile user program (issue 7, user
# -> kernel).  guest/user/sysfuzz makes random system calls with hostile
# arguments in forked children, through both entry paths, on lde's vmm
# (kvm_pvm here: ~3.5 ms a call, so a shorter run) and QEMU TCG (exact
# ring transitions), with the normal kernel and the debug kernel
# (build/debug/guest.elf: invariants checked at every switch, a violation
# panics).  Per run: it ends with status 0 and its summary line, SYS_kcheck
# found no violation, the free pages and processes in use came back, no
# child hung, the kernel never panicked or faulted in kernel mode.
# `make fuzz` runs the long run (tests/fuzz/sysfuzz.sh).
. "$(dirname "$0")/lib/lde.sh"

SEED=${LDE_FUZZ_SEED:-0x7407}
DEBUG_GUEST=$LDE_TOP/build/debug/guest.elf

# platform | calls | calls on the debug kernel (it checks the table at
# every switch: ~3x slower where ring 0 is interpreted)
runs='vmm|6000|2000
qemu-tcg|100000|100000'

fuzz_run() { # LABEL PLATFORM CALLS
	local label=$1 plat=$2 calls=$3
	LDE_TEST_TIMEOUT=240 run_guest "$plat" -- quiet sysfuzz -q -s "$SEED" -n "$calls"
	local line
	line=$(printf '%s\n' "$OUT" | grep -E '^sysfuzz: calls ' | tail -n 1)
	is "$STATUS" 0 "$label: sysfuzz -n $calls exits 0"
	like "$line" "^sysfuzz: calls $calls children [0-9]+ " "$label: $calls calls made, summary line printed"
	[ -n "$line" ] && diag "$line"
	like "$line" ' kcheck 0 ' "$label: SYS_kcheck found no invariant violation"
	local a b
	a=$(printf '%s\n' "$line" | sed -n 's/.* pages \([0-9]*\)->\([0-9]*\) .*/\1/p')
	b=$(printf '%s\n' "$line" | sed -n 's/.* pages \([0-9]*\)->\([0-9]*\) .*/\2/p')
	if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$label: free pages back ($a)"; else
		fail "$label: free pages back"
		diag "pages '$a' -> '$b'"
	fi
	like "$line" ' procs ([0-9]+)->\1 ' "$label: processes in use back"
	like "$line" ' watchdog 0 ' "$label: no child hung (watchdog never fired)"
	unlike "$OUT" '^(panic|kernel trap|kcheck:|BUG)' "$label: no panic, kernel fault or invariant line"
}

for plat in $(guest_platforms); do
	calls=$(printf '%s\n' "$runs" | awk -F'|' -v p="$plat" '$1 == p {print $2}')
	dcalls=$(printf '%s\n' "$runs" | awk -F'|' -v p="$plat" '$1 == p {print $3}')
	[ -n "$calls" ] || continue
	GUEST=$LDE_TOP/guest.elf fuzz_run "$plat" "$plat" "$calls"
	if [ -f "$DEBUG_GUEST" ]; then
		GUEST=$DEBUG_GUEST fuzz_run "$plat (debug kernel)" "$plat" "$dcalls"
	else
		skip "$plat (debug kernel)" "no $DEBUG_GUEST (make debug-kernel)"
	fi
done
GUEST=$LDE_TOP/guest.elf

done_testing
