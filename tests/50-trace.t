#!/bin/bash
# 50-trace.t: --trace and --stats with the synthetic trace guest
# (tests/guest/trace.asm), which writes the ring as lde's kernel does:
# the JSON parses and every event has what Perfetto needs, the text trace
# has one line per event in time order, --trace-events filters (in the
# guest, through the mask), --stats counts equal the traced exits, drops
# are reported, hostile rings end with one line and status 125 or are
# survived as documented, every way out of the vmm closes the trace, the
# vmm's memory stays bounded, and bench/trace2svg.py draws the trace.
# Needs /dev/kvm (the vmm has no other backend) and python3.
. "$(dirname "$0")/lib/lde.sh"

TG=$LDE_TOP/build/tests/guest/trace.elf
CHECK="python3 $LDE_TOP/tests/lib/trace_check.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

need_kvm
need_built "$VMM" "$TG"

# vmm ARGS...: runs the vmm (60 s at most); ST, OUT, ERR.
vmm() {
	timeout -k 5 60 "$VMM" "$@" </dev/null >"$T/out" 2>"$T/err"
	ST=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}
# val KEY FILE: KEY=value from a summary.
val() { sed -n "s/^$1=//p" "$2"; }

# ---- the command line ----------------------------------------------
while IFS='|' read -r name st err args; do
	[ -z "$name" ] && continue
	eval "set -- $args"
	vmm "$@"
	is "$ST" "$st" "$name: exit $st"
	like "$ERR" "$err" "$name: one line says why"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: just that line"
done <<'CASES'
--trace-events without --trace|64|^vmm: --trace-events: nothing to filter without --trace FILE$|--trace-events=syscall $TG -- events
--trace-events with a typo|64|^vmm: --trace-events sched,procs: no category 'procs'; give a comma-separated list of syscall, sched, proc, irq, exit, signal or all$|--trace $T/x.json --trace-events=sched,procs $TG -- events
--trace-events empty|64|no category ''|--trace $T/x.json --trace-events= $TG -- events
--trace with an empty name|64|^vmm: --trace: empty file name|--trace '' $TG -- events
--trace into a missing directory|71|^vmm: --trace /.*/no/such/dir/x\.json: No such file or directory$|--trace $T/no/such/dir/x.json $TG -- events
CASES
vmm --help
like "$OUT" '--stats' "--help lists --stats"
like "$OUT" '--trace FILE' "--help lists --trace FILE"
like "$OUT" '--trace-events=LIST' "--help lists --trace-events"

# ---- without --trace the guest sees no tracing ------------------------
vmm "$TG" -- events
is "$ST/$OUT" "0/trace: the vmm is not tracing" "no --trace: TRACE_SETUP reads 0"
vmm --trace "$T/exits.json" --trace-events=exit "$TG" -- events
is "$ST/$OUT" "0/trace: the vmm is not tracing" "--trace-events=exit only: TRACE_SETUP reads 0 (no guest events wanted)"

# ---- JSON ------------------------------------------------------------
vmm --stats --trace "$T/ev.json" "$TG" -- events
is "$ST" 0 "events: exit 0"
is "$OUT" "trace: mask 0000002f, written 0000007a, dropped 00000000, watermark drains 00000002" \
	"events: the guest got mask 0x2f (all but exit), wrote 122 records, 2 drains at the watermark"
if python3 -m json.tool "$T/ev.json" >/dev/null 2>"$T/jerr"; then pass "events: JSON parses (python3 -m json.tool)"; else
	fail "events: JSON parses (python3 -m json.tool)"
	diag "$(cat "$T/jerr")"
fi
$CHECK perfetto "$T/ev.json" >"$T/perr"
ok $? "events: every event has name, ph, ts, pid, tid (dur for X); slices nest per track"
[ -s "$T/perr" ] && diag "$(cat "$T/perr")"
$CHECK summary "$T/ev.json" >"$T/sum"
is "$(val events "$T/sum")/$(val dropped "$T/sum")/$(val malformed "$T/sum")" "122/0/0" \
	"events: 122 guest events, none dropped, none malformed"
is "$(val cat.syscall "$T/sum")/$(val cat.irq "$T/sum")/$(val cat.proc "$T/sum")/$(val cat.signal "$T/sum")/$(val cat.sched "$T/sum")" \
	"24/12/17/8/16" "events: kernel track: 20 syscall slices + 4 marks, 12 irq/exception, 16 switches; proc and signal instants"
is "$(val 'states 2' "$T/sum")" "ready,running,ready,running,zombie" \
	"events: pid 2's track: ready, running, ready (preempted), running, zombie"
is "$(val 'states 1' "$T/sum" | tr ',' '\n' | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
	" 4 blocked; 4 ready; 5 running;" "events: pid 1 blocks in wait and runs again, 4 times"
is "$(val 'name 1' "$T/sum")/$(val 'name 2' "$T/sum")/$(val 'name 5' "$T/sum")" "init/spin/spin" \
	"events: process tracks named by exec"
is "$(val 'name 1000000' "$T/sum")/$(val 'name 1000001' "$T/sum")" "kernel/VM exits" \
	"events: a kernel track and a vmm track"

# --stats counts equal the traced exits, port by port.
$CHECK stats "$T/err" >"$T/stats"
is "$(grep '^exit ' "$T/stats" | sort)" "$(grep '^exit ' "$T/sum" | sort)" \
	"events: --stats rows (reason, access, port, count) equal the exits in the trace"
is "$(sed -n 's/^all //p' "$T/stats")" "$(val vm_exits "$T/sum")" "events: --stats total equals the trace's VM exits"
like "$ERR" '^vmm: stats: [0-9]+ VM exits in [0-9.]+ ms; time = host TSC from KVM_RUN.s return to the end of the vmm.s handling of the exit' \
	"--stats: the header says what is timed"
like "$ERR" '^    out32 0x1de5 lde trace drain +3 ' "--stats: 3 drains (2 at the watermark, 1 at the end)"

# ---- text --------------------------------------------------------------
vmm --trace "$T/ev.txt" "$TG" -- events
is "$ST" 0 "text: exit 0"
is "$(grep -c '  guest  ' "$T/ev.txt")" 122 "text: one line per guest event"
is "$(grep -c '  vmm               exit ' "$T/ev.txt")" "$(sed -n 's/^# end: 122 guest events, \([0-9]*\) VM exits, 0 dropped, 0 malformed$/\1/p' "$T/ev.txt")" \
	"text: one line per VM exit, as many as the footer counts"
while IFS='|' read -r what re; do
	[ -z "$what" ] && continue
	like "$(cat "$T/ev.txt")" "$re" "text: $what"
done <<'LINES'
syscall enter|  guest  pid 1      syscall fork \(2\) enter, arg 0x0$
syscall exit|  guest  pid 1      syscall waitpid \(4\) exit = 2$
exception|  guest  pid 2      exception 14 #PF at rip 0x400123$
interrupt|  guest  pid 2      irq 32 \(timer\)$
switch|  guest  pid 1      switch 1 -> 2 \(blocked\)$
fork|  guest  pid 1      fork -> child 2$
exec|  guest  pid 2      exec "spin"$
exit|  guest  pid 2      exit status 0x0 \(exited 0\)$
state|  guest  pid 2      state ready -> running$
signal sent|  guest  pid 2      kill -> 1 SIGUSR1$
signal delivered|  guest  pid 1      signal SIGUSR1 delivered, handler 0x401000$
wait|  guest  pid 1      wait reaped 2, status 0x0 \(exited 0\)$
mark|  guest  pid 2      mark 0x1234 0x5678$
idle|  guest  kernel     irq 36 \(COM1\)$
VM exit|  vmm               exit IO out32 0x1de5 lde trace drain, [0-9.]+ us$
the ring|  vmm               trace ring at 0x[0-9a-f]+: 64 records, watermark 48$
LINES
$CHECK order "$T/ev.txt" >"$T/oerr"
ok $? "text: lines in time order (within the guest-TSC mapping error in the header)"
[ -s "$T/oerr" ] && diag "$(head -5 "$T/oerr")"
vmm --trace - "$TG" -- events
like "$ERR" '  guest  pid 1      exec "init"$' "--trace -: the lines go to stderr"
unlike "$OUT" 'exec "init"' "--trace -: nothing on stdout but the console"

# ---- --trace-events ------------------------------------------------------
# events: the categories' share of the 122 records, and which JSON
# categories may appear.
while IFS='|' read -r list mask written cats; do
	[ -z "$list" ] && continue
	vmm --trace "$T/f.json" --trace-events="$list" "$TG" -- events
	like "$OUT" "^trace: mask $mask, written $written," "--trace-events=$list: the guest got mask $mask, wrote $((16#$written))"
	$CHECK summary "$T/f.json" >"$T/fsum"
	is "$(val events "$T/fsum")" "$((16#$written))" "--trace-events=$list: the trace holds $((16#$written)) guest events"
	is "$(grep -o '^cat\.[a-z]*' "$T/fsum" | sed 's/cat\.//' | grep -v '^trace$' | sort | tr '\n' ' ')" "$cats" \
		"--trace-events=$list: only $cats"
done <<'LISTS'
syscall|00000001|00000020|syscall 
sched,proc|00000006|00000046|proc sched state 
irq,signal|00000028|00000014|irq signal 
exit,proc|00000004|00000011|exit proc 
all|0000002f|0000007a|exit irq proc sched signal state syscall 
LISTS

# ---- drops ---------------------------------------------------------------
vmm --trace "$T/o.json" "$TG" -- overflow
is "$ST" 0 "overflow: a full ring is not a failure (exit 0)"
is "$OUT" "trace: mask 0000002f, written 00000004, dropped 00000010, watermark drains 00000000" \
	"overflow: the guest kept 4 records and counted 16 drops"
is "$ERR" "vmm: trace: 16 events dropped by the guest (its ring of 4 records was full)" "overflow: the vmm reports the drops"
$CHECK summary "$T/o.json" >"$T/osum"
is "$(val events "$T/osum")/$(val dropped "$T/osum")" "4/16" "overflow: the trace holds 4 events and says 16 were dropped"
like "$(cat "$T/o.json")" '"name":"ring full: events dropped".*"dropped":16' "overflow: the drop is on the timeline"

# ---- hostile rings -------------------------------------------------------
# case|status|stderr (the whole of it)|vmm options
H='vmm: port 0x1de4 \(lde trace setup\): ring at 0x[0-9a-f]+: '
D='vmm: port 0x1de5 \(lde trace drain\): ring at 0x[0-9a-f]+: '
while IFS='|' read -r c st err opts; do
	[ -z "$c" ] && continue
	eval "set -- $opts"
	vmm "$@" --trace "$T/h.json" "$TG" -- "$c"
	is "$ST" "$st" "hostile $c: exit $st"
	like "$ERR" "^$err\$" "hostile $c: one line says what is wrong"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "hostile $c: just that line"
	python3 -m json.tool "$T/h.json" >/dev/null 2>&1
	ok $? "hostile $c: the trace is still well-formed JSON"
done <<CASES
bad-magic|125|${H}magic 0xdeadbeef, not 0x52544c44|
bad-version|125|${H}version 2, the vmm knows 1|
nrec-not-pow2|125|${H}nrec 48, not a power of two in 1\\.\\.1048576|
nrec-zero|125|${H}nrec 0, not a power of two in 1\\.\\.1048576|
nrec-huge|125|${H}nrec 2147483648, not a power of two in 1\\.\\.1048576|
bad-watermark|125|${H}watermark 65, not 1\\.\\.nrec 64|
head-ahead|125|${H}head 65 - tail 0 = 65, not 0\\.\\.nrec 64|
past-ram|125|${H}1024 records run past the end of guest RAM \\(0x800000\\)|--mem 8M
below-ram|125|vmm: port 0x1de4 \\(lde trace setup\\): ring address 0x1000 not a page in guest RAM|
bad-head|125|${D}head 65 - tail 0 = 65, not 0\\.\\.nrec 64|
head-behind|125|${D}head 18446744073709551615 - tail 0 = -1, not 0\\.\\.nrec 64|
magic-overwritten|125|${D}magic overwritten: 0x0, not 0x52544c44|
bad-head-at-exit|125|vmm: trace ring at 0x[0-9a-f]+: head 1000 - tail 0 = 1000, not 0\\.\\.nrec 64|
bad-head-at-end|0|vmm: trace ring at 0x[0-9a-f]+: head 1000 - tail 0 = 1000, not 0\\.\\.nrec 64|
garbage|0|vmm: trace: 8 malformed records skipped \\(bad type, pid or argument\\)|
CASES
$CHECK summary "$T/h.json" >"$T/hsum"
is "$(val events "$T/hsum")/$(val malformed "$T/hsum")" "2/8" "hostile garbage: the 2 good records kept, 8 bad ones counted"
for c in nrec-changed tail-scribbled; do
	vmm --trace "$T/h.json" "$TG" -- "$c"
	$CHECK summary "$T/h.json" >"$T/hsum"
	is "$ST/$ERR/$(val events "$T/hsum")" "0//3" "hostile $c: the vmm keeps its own copy; 3 events, exit 0"
done

# ---- every way out closes the trace --------------------------------------
# case|status|vmm options|how
while IFS='|' read -r c st opts how; do
	[ -z "$c" ] && continue
	eval "set -- $opts"
	vmm "$@" --trace "$T/w.json" "$TG" -- "$c"
	$CHECK summary "$T/w.json" >"$T/wsum" 2>/dev/null
	is "$ST/$(val events "$T/wsum")" "$st/3" "$how: exit $st, the 3 events left in the ring are in the trace"
done <<'CASES'
spin|124|--timeout 0.5|--timeout
triple|122||triple fault
CASES
env --default-signal=TERM "$VMM" --timeout 30 --trace "$T/sig.json" "$TG" -- spin </dev/null >/dev/null 2>&1 &
pid=$!
sleep 0.5
kill -TERM "$pid"
wait "$pid"
st=$?
$CHECK summary "$T/sig.json" >"$T/ssum" 2>/dev/null
is "$st/$(val events "$T/ssum")" "143/3" "SIGTERM: the vmm dies of it, the 3 events are in the trace"

# A trace reader that stopped reading (a FIFO) cannot hold the vmm past
# --timeout or a signal: it waits 1 s for room, then cuts the trace.
for how in timeout SIGTERM; do
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	sleep 60 3<"$T/fifo" &
	reader=$!
	start=$(date +%s)
	if [ $how = timeout ]; then
		timeout -k 5 30 "$VMM" --timeout 1 --trace "$T/fifo" "$TG" -- many >/dev/null 2>"$T/ferr"
		st=$?
		want=124
	else
		env --default-signal=TERM timeout -k 5 30 "$VMM" --timeout 30 --trace "$T/fifo" "$TG" -- many \
			>/dev/null 2>"$T/ferr" &
		vpid=$!
		sleep 1
		pkill -TERM -P "$vpid" 2>/dev/null || kill -TERM "$vpid"
		wait "$vpid"
		st=$?
		want=143
	fi
	secs=$(($(date +%s) - start))
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	is "$st" "$want" "a stuck trace FIFO reader: $how still ends the vmm (status $want)"
	[ "$secs" -le 10 ]
	ok $? "a stuck trace FIFO reader: $how ends it within seconds ($secs s)"
	like "$(cat "$T/ferr")" "^vmm: trace: .*fifo: no reader took it within 1000 ms of the stop; trace stopped here\$" \
		"a stuck trace FIFO reader: $how: one line says the trace was cut"
done

# ---- memory stays bounded --------------------------------------------------
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$T/rss0" "$VMM" "$TG" -- events </dev/null >/dev/null 2>&1
	/usr/bin/time -f %M -o "$T/rss1" "$VMM" --stats --trace "$T/many.json" "$TG" -- many </dev/null >/dev/null 2>&1
	size=$(stat -c %s "$T/many.json")
	d=$(($(tail -1 "$T/rss1") - $(tail -1 "$T/rss0")))
	if [ "$d" -lt 256 ] && [ "$size" -gt 500000 ]; then
		pass "6000 events, a $((size / 1024)) KiB trace: peak RSS only ${d} KiB above an untraced run"
	else
		fail "6000 events, a $((size / 1024)) KiB trace: peak RSS only ${d} KiB above an untraced run (want < 256)"
	fi
else
	skip "peak RSS of a long trace" "no /usr/bin/time"
fi

# ---- trace2svg -----------------------------------------------------------
python3 "$LDE_TOP/bench/trace2svg.py" "$T/ev.json" -o "$T/ev.svg" 2>"$T/serr"
ok $? "trace2svg: draws the events trace"
if python3 - "$T/ev.svg" <<'EOF'; then pass "trace2svg: well-formed SVG (xml.etree) with 5 process rows, a legend and an axis"; else fail "trace2svg: well-formed SVG (xml.etree) with 5 process rows, a legend and an axis"; fi
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
texts = [t.text or "" for t in root.iter(ns + "text")]
rows = [t for t in texts if t.endswith(")") and "(pid " in t]
assert root.tag == ns + "svg", root.tag
assert len(rows) == 5, rows
assert all(s in texts for s in ("running", "ready", "blocked", "zombie")), texts
assert any(t.endswith(" ms") for t in texts), texts
EOF
python3 "$LDE_TOP/bench/trace2svg.py" "$T/o.json" -o "$T/none.svg" 2>"$T/serr"
is "$?/$(cat "$T/serr")" "1/trace2svg: $T/o.json: no process states (\"X\" events of category \"state\"); trace with the sched category (--trace-events=sched,...)" \
	"trace2svg: a trace without states is refused with one line"

done_testing
