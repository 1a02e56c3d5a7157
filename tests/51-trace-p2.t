#!/bin/bash
# 51-trace-p2.t: tracing lde's own kernel.  Its ring writer (guest/kernel/
# trace.c) through selftest=trace; then the process events of OSTEP's p2
# in order (fork, the parent blocking in wait, the child's exit, the
# wait that reaps it) and two spins sharing the CPU.
#
# These need the kernel hooks listed in notes/trace-hooks.md (trace_init
# in kmain, the tracering= option, the events in proc/sched/syscall/
# trap/signal code) and, for the spins, the shell: until those land these
# checks fail, on purpose.  Needs /dev/kvm and python3.
. "$(dirname "$0")/lib/lde.sh"

CHECK="python3 $LDE_TOP/tests/lib/trace_check.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if ! have_kvm; then
	echo "1..0 # SKIP no /dev/kvm (or no access to it): tracing needs lde's vmm"
	exit 0
fi

# vmm ARGS...: runs the vmm on guest.elf (60 s at most); ST, OUT, ERR.
vmm() {
	_o=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _o="$_o $1"; shift; done
	# shellcheck disable=SC2086
	timeout -k 5 70 "$VMM" --timeout 60 $_o "$GUEST" "$@" </dev/null >"$T/out" 2>"$T/err"
	ST=$?
	OUT=$(tr -d '\r' <"$T/out")
	ERR=$(cat "$T/err")
}
val() { sed -n "s/^$1=//p" "$2"; }
# line_no REGEX FILE: the number of the first line matching, or 0.
line_no() {
	_n=$(grep -nE -- "$1" "$2" | head -n 1 | cut -d: -f1)
	echo "${_n:-0}"
}
# in_order NAME N1 N2 ...: every N > 0 and increasing.
in_order() {
	_name=$1 _prev=0 _ok=1
	shift
	for _n in "$@"; do
		if [ "$_n" -le "$_prev" ]; then _ok=0; fi
		_prev=$_n
	done
	if [ $_ok = 1 ]; then pass "$_name"; else
		fail "$_name"
		diag "line numbers: $*"
	fi
}

# ---- the kernel's ring writer ----------------------------------------------
vmm --stats --trace "$T/k.json" -- quiet tracering=16 selftest=trace
is "$ST" 0 "selftest=trace: exit 0"
like "$OUT" '^ok 1 - trace: ring writer: marks in order, drained at the watermark, none dropped$' \
	"selftest=trace: the check ran (not skipped) and passed"
$CHECK summary "$T/k.json" >"$T/ksum" 2>/dev/null
is "$(val kmarks "$T/ksum")" "$(seq -s, 0 34)" "selftest=trace: all 35 marks in the trace, in order"
is "$(val dropped "$T/ksum")/$(val ring_records "$T/ksum")" "0/16" "selftest=trace: a 16-record ring, nothing dropped"
like "$ERR" '^    out32 0x1de5 lde trace drain +([3-9]|[1-9][0-9]+) ' \
	"selftest=trace: the kernel asked for drains (at the watermark and at poweroff)"
vmm --trace "$T/k.json" -- tracering=48 selftest=trace
like "$OUT" '^cmdline: 1 bad kernel option value\(s\) ignored$' "tracering=48 (not a power of two): a bad option"
like "$OUT" '^trace: ring of 4096 records at 0x[0-9a-f]+, drained at 3584, events 0x2f$' \
	"tracering=48: the default ring instead, drained at 7/8, every guest category"

# ---- p2: fork, wait, exit, in order ------------------------------------------
vmm --stats --trace "$T/p2.txt" -- p2
is "$ST" 0 "p2 traced: exit 0"
P=$(sed -nE 's/^ *[0-9.]+  guest  pid ([0-9]+) +exec "p2"$/\1/p' "$T/p2.txt" | head -n 1)
C=$(sed -nE "s/^ *[0-9.]+  guest  pid ${P:-X} +fork -> child ([0-9]+)\$/\\1/p" "$T/p2.txt" | head -n 1)
if [ -n "$P" ] && [ -n "$C" ]; then pass "p2: exec \"p2\" as pid $P, which forks child $C"; else
	fail "p2: an exec \"p2\" and its fork in the trace"
	diag "$(head -n 40 "$T/p2.txt")"
	P=X C=Y
fi
f=$(line_no "guest  pid $P +syscall fork \\(2\\) enter" "$T/p2.txt")
k=$(line_no "guest  pid $P +fork -> child $C\$" "$T/p2.txt")
fx=$(line_no "guest  pid $P +syscall fork \\(2\\) exit = $C\$" "$T/p2.txt")
w=$(line_no "guest  pid $P +syscall waitpid \\(4\\) enter" "$T/p2.txt")
b=$(line_no "guest  pid $P +switch $P -> [0-9]+ \\(blocked\\)\$" "$T/p2.txt")
cr=$(line_no "guest  pid $C +state (embryo|ready) -> running\$" "$T/p2.txt")
cs=$(line_no "guest  pid $C +syscall sleep \\(8\\) enter" "$T/p2.txt")
cb=$(line_no "guest  pid $C +switch $C -> [0-9]+ \\(blocked\\)\$" "$T/p2.txt")
ce=$(line_no "guest  pid $C +exit status 0x0 \\(exited 0\\)\$" "$T/p2.txt")
cz=$(line_no "guest  pid $C +state running -> zombie\$" "$T/p2.txt")
cx=$(line_no "guest  pid $C +switch $C -> [0-9]+ \\(exited\\)\$" "$T/p2.txt")
pw=$(line_no "guest  pid $P +wait reaped $C, status 0x0 \\(exited 0\\)\$" "$T/p2.txt")
cu=$(line_no "guest  pid $C +state zombie -> unused\$" "$T/p2.txt")
wx=$(line_no "guest  pid $P +syscall waitpid \\(4\\) exit = $C\$" "$T/p2.txt")
px=$(line_no "guest  pid $P +exit status 0x0 \\(exited 0\\)\$" "$T/p2.txt")
in_order "p2: fork enter, fork event, fork returns the child's pid" "$f" "$k" "$fx"
in_order "p2: the parent enters wait and blocks (switch, reason blocked)" "$fx" "$w" "$b"
in_order "p2: the child runs, sleeps and blocks, exits 0, becomes a zombie, switches away (exited)" \
	"$k" "$cr" "$cs" "$cb" "$ce" "$cz" "$cx"
in_order "p2: the parent's wait reaps the child after its exit, the child's slot is freed, wait returns its pid" \
	"$ce" "$pw" "$cu" "$wx"
in_order "p2: the parent exits last" "$wx" "$px"
like "$(cat "$T/p2.txt")" "guest  kernel +irq 32 \\(timer\\)\$" "p2: timer interrupts on the kernel's line"
$CHECK order "$T/p2.txt" >"$T/oerr"
ok $? "p2: the text trace is in time order"

vmm --stats --trace "$T/p2.json" -- p2
$CHECK perfetto "$T/p2.json" >"$T/perr"
ok $? "p2 JSON: every event has what Perfetto needs; slices nest"
[ -s "$T/perr" ] && diag "$(head -5 "$T/perr")"
$CHECK summary "$T/p2.json" >"$T/sum"
P2=$(sed -n 's/^name \([0-9]*\)=p2$/\1/p' "$T/sum" | head -n 1)
like "$(val "states ${P2:-X}" "$T/sum")" 'running,blocked,(ready,)?running' "p2 JSON: the parent's track: running, blocked in wait, running"
like "$(grep '^states ' "$T/sum")" 'running,(.*,)?blocked,(.*,)?running,zombie' "p2 JSON: the child's track: running, blocked in sleep, running, zombie"
is "$(val dropped "$T/sum")/$(val malformed "$T/sum")" "0/0" "p2 JSON: nothing dropped, nothing malformed"
like "$(val cat.syscall "$T/sum")" '^[1-9][0-9]*$' "p2 JSON: system calls on the kernel track"
python3 "$LDE_TOP/bench/trace2svg.py" "$T/p2.json" -o "$T/p2.svg" 2>/dev/null &&
	python3 -c "import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$T/p2.svg"
ok $? "p2: trace2svg draws it"

# ---- two spins share the CPU (the shell, issue 4) ------------------------------
vmm --trace "$T/spin.json" -- sh -c 'spin 300ms & spin 300ms; wait'
is "$ST" 0 "two spins: exit 0"
$CHECK summary "$T/spin.json" >"$T/ssum"
n=$(grep -E '^name [0-9]+=spin$' "$T/ssum" | wc -l)
is "$n" 2 "two spins: two spin processes in the trace"
preempt=$(grep -c '"reason":"preempted"' "$T/spin.json")
if [ "$preempt" -ge 4 ]; then pass "two spins: preempted back and forth ($preempt preemptions)"; else
	fail "two spins: preempted back and forth ($preempt preemptions, want >= 4)"
fi
for tid in $(sed -n 's/^name \([0-9]*\)=spin$/\1/p' "$T/ssum"); do
	like "$(val "states $tid" "$T/ssum")" 'running,ready,running,ready,running' "two spins: pid $tid alternates running and ready"
done

done_testing
