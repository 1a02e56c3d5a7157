#!/bin/bash
# Every benchmark program runs once in quick mode, so none can rot: the
# host baselines, the raw KVM floors, the protocol library and parser, and
# the whole harness (boot, memory and guest parts included, each either
# run or reported "not run" with a reason).  No timing assertions.
. "$(dirname "$0")/lib/lde.sh"

BB=$LDE_TOP/build/bench
H=$BB/host
T=60

# bench CMD...: runs a benchmark program under a timeout; sets OUT, STATUS.
bench() {
	OUT=$(timeout -k 5 $T "$@" 2>&1)
	STATUS=$?
}

# the protocol library (lde_bench.h) and the harness's parser
bench "$H" selftest
is "$STATUS" 0 "lde_bench.h statistics and format (host selftest)"
[ "$STATUS" -eq 0 ] || diag "$(printf '%s\n' "$OUT" | grep -v '^ok')"
bench python3 "$LDE_TOP/bench/harness.py" --selftest
is "$STATUS" 0 "harness protocol parser and stability rule (--selftest)"
[ "$STATUS" -eq 0 ] || diag "$(printf '%s\n' "$OUT" | grep -v '^ok')"

line='unit=[a-z]+ n=[0-9]+ iters=[0-9]+ min=[0-9.]+ med=[0-9.]+ p99=[0-9.]+ max=[0-9.]+'

# host baselines: subcommand, arguments, the figures it must print
bench "$H" tsc -k 10
is "$STATUS" 0 "host tsc runs"
like "$OUT" "^BENCHINFO tsc_khz=[1-9][0-9]* " "host tsc reports the calibrated TSC rate"
# program arguments | the figures it must report
while IFS='|' read -r args figs; do
	# shellcheck disable=SC2086
	bench "$H" $args
	is "$STATUS" 0 "host $args runs"
	for f in $figs; do
		like "$OUT" "^BENCH $f $line" "host $args reports $f"
	done
done <<EOF2
getpid -n 5 -k 10 | host.getpid
pipe -n 3 -k 5    | host.pipe.rtt host.pipe.ovh host.ctxsw
fork -n 3         | host.fork
exec -n 3         | host.forkexec
EOF2

bench "$H" spawn -N t -n 2 -- "$BB/tiny"
is "$STATUS" 0 "host spawn times a program"
like "$OUT" "^BENCH t unit=ns .*" "host spawn reports wall time in ns"
like "$OUT" "^BENCH t.maxrss unit=kb .*" "host spawn reports peak RSS in KiB"
bench "$H" spawn -N t -n 1 -s 3 -- "$BB/tiny"
is "$STATUS" 1 "host spawn fails when the status is not the expected one"
like "$OUT" "exited with status 0, expected 3" "... and says which status it got"
bench "$H" spawn -N t -n 1 -t 1 -- sleep 5
like "$OUT" "killed after the timeout" "host spawn kills a program past its timeout"
bench "$H" frobnicate
is "$STATUS" 64 "host: unknown subcommand is a usage error"

# raw KVM floors
if have_kvm; then
	while IFS='|' read -r args figs; do
		# shellcheck disable=SC2086
		bench "$BB/rawkvm" $args
		is "$STATUS" 0 "rawkvm $args runs"
		for f in $figs; do
			like "$OUT" "^BENCH $f $line" "rawkvm $args reports $f"
		done
	done <<EOF2
pio -n 5       | kvm.raw.pio
pio -g -n 3    | kvm.raw.pio.guest
pio -3 -n 5    | kvm.raw.pio.ring3
cpuid -n 3     | kvm.raw.r0insn kvm.raw.cpuid
cpuid -3 -n 3  | kvm.raw.r3insn kvm.raw.cpuid.ring3
EOF2
	bench "$BB/rawkvm" boot
	is "$STATUS" 0 "rawkvm boot: a VM's whole lifecycle"
else
	skip "rawkvm" "no usable /dev/kvm: the raw KVM floors cannot run here"
fi

# guest benchmark programs (guest/user/bench*.c): each once, quick, on
# every guest platform; it exits 0 and what it prints parses as the
# protocol (bench/harness.py --parse), with a figure or a stated skip for
# every name it owes.  No timing assertions.
# program | figure names it must print (BENCH) or explain (BENCHSKIP)
while IFS='|' read -r prog figs; do
	prog=${prog// /}
	if [ ! -f "$LDE_TOP/guest/user/$prog.c" ]; then
		fail "guest/user/$prog.c exists"
		continue
	fi
	for plat in $(guest_platforms); do
		LDE_TEST_TIMEOUT=120 run_guest "$plat" -- quiet "$prog" quick
		is "$STATUS" 0 "$prog quick on $plat exits 0"
		CHECK=$(printf '%s\n' "$OUT" | python3 "$LDE_TOP/bench/harness.py" --parse)
		ok $? "$prog on $plat: its output parses as the bench protocol"
		[ "$STATUS" -eq 0 ] && printf '%s\n' "$CHECK" | grep -q '^figure ' ||
			diag "$(printf '%s\n' "$OUT" | tail -n 5)"
		missing=
		for f in $figs; do
			printf '%s\n' "$CHECK" | grep -qE "^(figure|skip) ${f//./\\.}\$" ||
				missing="$missing $f"
		done
		is "${missing:-none}" none "$prog on $plat: every figure measured or skipped with a reason"
	done
done <<EOF2
benchtrap   | trap.floor.syscall trap.floor.int80 trap.getpid.syscall trap.getpid.int80 exit.cpuid
benchswitch | switch.yield switch.pipe
benchproc   | proc.fork proc.forkexec proc.fork.1m proc.fork.2m
benchtimer  | timer.tick timer.period timer.latency
benchtrace  | trace.getpid.syscall trace.tracemark
EOF2
# ... and every bench*.c is in that table, so none escapes the check
for src in "$LDE_TOP"/guest/user/bench*.c; do
	prog=$(basename "$src" .c)
	like "$(sed -n '/^benchtrap  *|/,/^EOF2/p' "$0")" "^$prog +\\|" "$prog is checked above"
done
# timer.latency from the kernel's own samples (timerlat=N, SYS_timerlat) on
# every platform; without the option it is a stated skip (above)
for plat in $(guest_platforms); do
	LDE_TEST_TIMEOUT=120 run_guest "$plat" -- quiet timerlat=64 benchtimer quick
	CHECK=$(printf '%s\n' "$OUT" | python3 "$LDE_TOP/bench/harness.py" --parse)
	for f in timer.tick timer.latency timer.latency.idle; do
		printf '%s\n' "$CHECK" | grep -qE "^figure ${f//./\\.}\$"
		ok $? "benchtimer with timerlat=64 on $plat: $f measured"
	done
done
# tracing on: benchtrace under the vmm's --trace still speaks the protocol
if have_kvm; then
	run_guest vmm --trace /dev/null --trace-events=syscall -- quiet benchtrace quick
	is "$STATUS" 0 "benchtrace quick under --trace exits 0"
	printf '%s\n' "$OUT" | python3 "$LDE_TOP/bench/harness.py" --parse >/dev/null
	ok $? "benchtrace under --trace: its output parses as the bench protocol"
fi

# the whole harness, quick: every part runs or says why not
Q=$BB/test-quick
rm -rf "$Q"
OUT=$(BENCH_QUICK=1 BENCH_OUT=$Q timeout -k 5 600 python3 "$LDE_TOP/bench/harness.py" 2>"$Q.err")
STATUS=$?
is "$STATUS" 0 "make bench's harness runs every part in quick mode"
[ "$STATUS" -eq 0 ] && [ -s "$Q.err" ] || diag "$(grep -E 'FAILED|Error|Traceback' "$Q.err" | head -n 20)"
like "$OUT" "^host.getpid( [+~!])* +host " "the table has the host baselines"
like "$OUT" "^machine: .*KVM: " "the table names the machine and its KVM"
if have_kvm; then
	like "$OUT" "^kvm.raw.pio .*raw/" "the table has the raw KVM floor"
	like "$OUT" "^manyvms.vms_per_s( [+~!])* +vmm/" "the table has VMs started per second (manyvms)"
	like "$OUT" "^manyvms.pss.own( [+~!])* +vmm/" "... and each vmm's own PSS with all alive"
	like "$OUT" "^trace.exits_per_1k( [+~!])* +vmm/" "the table has VM exits per 1000 trace events"
	like "$OUT" "^trace.getpid.syscall.traced( [+~!])* +vmm/" "... and the null call with tracing on"
fi
# the JSON record: one PASS/FAIL line per check from python, one TAP line each
while read -r verdict what; do
	if [ "$verdict" = PASS ]; then pass "json: $what"; else fail "json: $what"; fi
done < <(python3 - "$Q/quick.json" "$LDE_TOP" <<'PY' 2>&1 || echo "FAIL the JSON record could not be read"
import glob, json, os, sys
r = json.load(open(sys.argv[1]))
def check(ok, what):
    print("%s %s" % ("PASS" if ok else "FAIL", what))
check(r["schema"] == "lde-bench/1" and r["quick"] is True, "schema and quick flag")
m = r["machine"]
check(all(k in m for k in ("cpu", "kernel", "kvm", "tsc_khz", "pinned_cpus")),
      "machine: cpu, kernel, KVM flavour, TSC rate, pinning")
check(r["git"]["rev"] != "" and r["date"].endswith("Z"), "git revision and date")
check(len(r["figures"]) > 0 and all(
    f["min"] <= f["median"] <= f["p99"] and f["unit_display"] for f in r["figures"]),
    "every figure has ordered statistics and a unit")
check(all(x["reason"] for x in r["not_run"]), "every part not run says why")
progs = [os.path.splitext(os.path.basename(p))[0]
         for p in glob.glob(os.path.join(sys.argv[2], "guest/user/bench*.c"))]
seen = {(f["part"], f["platform"]) for f in r["figures"]}
seen |= {(x["part"], x["platform"]) for x in r["not_run"]}
check(all(("guest", p) in seen for p in ("vmm", "qemu-kvm", "qemu-icount")),
      "guest part: %d program(s); every platform run or not run with a reason" % len(progs))
PY
)
# without KVM: the KVM parts say so, QEMU TCG still runs
OUT=$(BENCH_QUICK=1 BENCH_NO_KVM=1 BENCH_ONLY=kvm,exit,boot BENCH_OUT=$Q-nokvm \
	timeout -k 5 300 python3 "$LDE_TOP/bench/harness.py" 2>/dev/null)
is "$?" 0 "without /dev/kvm the harness still succeeds"
like "$OUT" "^not run: kvm.raw.* on raw/.*\(no usable /dev/kvm\)" "... and reports the raw KVM floors as not run"
like "$OUT" "^not run: boot.bare on qemu/.*\(no usable /dev/kvm\)" "... and the KVM boots as not run"
like "$OUT" "^boot.bare( [+~!])* +qemu/tcg " "... while QEMU TCG boots are still measured"

python3 -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$Q/quick.svg"
ok $? "the SVG chart is well-formed XML"
like "$(cat "$Q/quick.txt")" "^host.getpid" "the table is saved beside the JSON"

done_testing
