#!/bin/bash
# Hostile guests against the vmm: every lde port in every access, bad
# addresses and lengths for each call, unknown ports and MMIO holes,
# garbage to the UART, triple faults over garbage page tables, spins with
# interrupts off, console floods, hostile trace rings, a --stats table of
# hundreds of rows.  The vmm never crashes or hangs: each case ends with
# its one-line report and its documented status, or is survived (the guest
# prints "ops: survived" and exits 0).  Everything runs with the sandbox on,
# as the vmm does by default.
#
# The guest is tests/guest/hostile.asm; most cases are its `ops` case,
# which performs the accesses written on its command line (see there):
#   oN:PORT=VAL[*K]  iN:PORT[*K]  sN:PORT=ADDR*K  SN:PORT=ADDR*K
#   pN:FIRST=LAST  qN:FIRST=LAST  w:ADDR=VAL[*K]  r:ADDR      (hex)
. "$(dirname "$0")/lib/lde.sh"
set -f # the ops hold * and =: no globbing

HOSTILE=$LDE_TOP/build/tests/guest/hostile.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
RAM=0x8000000 # the default 128M

need_kvm
need_built "$VMM" "$HOSTILE"

# vmm ARGS...: the vmm on the hostile guest (--timeout 30, and a hard
# limit: a hang fails the case); ST, OUT, ERR.
vmm() {
	timeout -k 5 60 "$VMM" --timeout 30 "$@" </dev/null >"$T/out" 2>"$T/err"
	ST=$?
	OUT=$(tr -d '\0' <"$T/out")
	ERR=$(cat "$T/err")
}

# check NAME STATUS ERR-REGEX: the status, and stderr: empty (ERR-REGEX
# empty) or its first line matching, then only indented register-dump lines.
check() {
	is "$ST" "$2" "$1: exit $2"
	if [ -z "$3" ]; then
		is "$ERR" "" "$1: nothing on stderr"
	else
		like "$(printf '%s\n' "$ERR" | head -1)" "$3" "$1: one-line report"
		unlike "$(printf '%s\n' "$ERR" | tail -n +2)" '^[^ ]' "$1: then only dump lines"
	fi
	[ "$2" = 0 ] && like "$OUT" '^ops: survived$' "$1: survived"
}

# ---- every lde port, every access ----------------------------------------
# offset|name in messages|in32 served|out32 with value 0: status
LDEPORTS='0|lde id|y|125
1|lde exit|n|0
2|lde tsc khz|y|125
3|lde nop|y|0
4|lde trace setup|y|0
5|lde trace drain|n|0
6|lde console|y|125
7|lde, unassigned|n|125
8|lde, unassigned|n|125
9|lde, unassigned|n|125
10|lde, unassigned|n|125
11|lde, unassigned|n|125
12|lde, unassigned|n|125
13|lde, unassigned|n|125
14|lde, unassigned|n|125
15|lde, unassigned|n|125'
while IFS='|' read -r off name in_ok out_st; do
	port=$(printf '%x' $((0x1de0 + off)))
	rname=$(printf '%s' "$name" | sed 's/[(),]/\\&/g')
	out_ok=$([ "$out_st" = 0 ] && echo y || echo n)
	for acc in i1 i2 i4 o1 o2 o4; do
		dir=${acc:0:1} size=${acc:1}
		served=$([ "$dir" = i ] && echo "$in_ok" || echo "$out_ok")
		[ "$off" = 6 ] && [ "$dir" = o ] && served=y # console: served, value 0 refused
		d=$([ "$dir" = i ] && echo in || echo out)$((size * 8))
		op="$acc:$port"
		[ "$dir" = o ] && op="$op=0"
		if [ "$served" = n ]; then
			st=125 re="^vmm: port 0x$port \\($rname\\): $d; no such call\$"
		elif [ "$size" != 4 ]; then
			st=125 re="^vmm: port 0x$port \\($rname\\): $d; lde calls are 32-bit\$"
		elif [ "$dir" = o ] && [ "$off" = 6 ]; then
			st=125 re="^vmm: port 0x1de6 \\(lde console\\): buffer header at 0x0 not in guest RAM\$"
		else
			st=0 re=
		fi
		vmm "$HOSTILE" -- ops "$op"
		if [ "$off" = 1 ] && [ "$acc" = o4 ]; then
			is "$ST/$ERR/$OUT" "0//" "lde port 0x$port $d 0: the guest's status 0, nothing else"
		elif [ "$st" = 0 ]; then
			is "$ST/$ERR/$OUT" "0//ops: survived" "lde port 0x$port $d: served, survived"
		else
			is "$ST" "$st" "lde port 0x$port $d: exit $st"
			like "$ERR" "$re" "lde port 0x$port $d: the one-line report"
		fi
	done
done <<<"$LDEPORTS"

# ---- bad values for each call, and good ones at the edges ------------------
# name|status|stderr first line (regex) or empty|vmm args (eval'd)
H=$HOSTILE
C='vmm: port 0x1de6 \(lde console\): '
S='vmm: port 0x1de4 \(lde trace setup\): '
while IFS='|' read -r name st err args; do
	[ -z "$name" ] && continue
	eval "set -- $args"
	vmm "$@"
	check "$name" "$st" "$err"
done <<CASES
exit 256|125|^vmm: port 0x1de1 \(lde exit\): status 256 out of range 0\.\.255$|$H -- ops o4:1de1=100
exit 0xffffffff|125|^vmm: port 0x1de1 \(lde exit\): status 4294967295 out of range|$H -- ops o4:1de1=ffffffff
exit 0x80000000|125|status 2147483648 out of range|$H -- ops o4:1de1=80000000
exit by rep outsd: the first of 300, 5|125|status 768 out of range|$H -- ops w:200000=300 w:200004=5 s4:1de1=200000*2
exit by rep outsd: 5 then 300 ends at 5|5||$H -- ops w:200000=5 w:200004=300 s4:1de1=200000*2
console: header at 0|125|^${C}buffer header at 0x0 not in guest RAM$|$H -- ops o4:1de6=0
console: header below RAM, at the start info|125|^${C}buffer header at 0x1000 not in guest RAM$|$H -- ops o4:1de6=1000
console: header at RAM's end|125|^${C}buffer header at 0x8000000 not in guest RAM$|$H -- ops o4:1de6=8000000
console: header straddles RAM's end|125|^${C}buffer header at 0x7fffffc not in guest RAM$|$H -- ops o4:1de6=7fffffc
console: header at 4G - 8 (overflow)|125|^${C}buffer header at 0xfffffff8 not in guest RAM$|$H -- ops o4:1de6=fffffff8
console: header at 0xffffffff|125|^${C}buffer header at 0xffffffff not in guest RAM$|$H -- ops o4:1de6=ffffffff
console: len 0 in RAM's last 8 bytes|0||$H -- ops w:7fffff8=0 o4:1de6=7fffff8
console: 4096 bytes running 8 past RAM|125|^${C}4096 bytes at 0x7fff000: longer than 4096 or past guest RAM$|$H -- ops w:7fff000=1000 o4:1de6=7fff000
console: 4088 bytes to RAM's last byte|0||$H -- ops w:7fff000=ff8 w:7fff008=a0a0a0a*3fe o4:1de6=7fff000
console: len 4097|125|^${C}4097 bytes at 0x200000: longer than 4096 or past guest RAM$|$H -- ops w:200000=1001 o4:1de6=200000
console: len 0xffffffff|125|^${C}4294967295 bytes at 0x200000: longer than|$H -- ops w:200000=ffffffff o4:1de6=200000
console: unaligned header|0||$H -- ops w:200001=2 w:200009=a0a o4:1de6=200001
console: by rep outsd, the second bad|125|^${C}buffer header at 0x0 not in guest RAM$|$H -- ops w:200000=0 w:200004=0 w:300000=200000 w:300004=0 s4:1de6=300000*2
trace setup: unaligned|125|^${S}ring address 0x100001 not a page in guest RAM$|$H -- ops o4:1de4=100001
trace setup: below RAM|125|^${S}ring address 0x1000 not a page in guest RAM$|$H -- ops o4:1de4=1000
trace setup: at RAM's end|125|^${S}ring address 0x8000000 not a page in guest RAM$|$H -- ops o4:1de4=8000000
trace setup: at 4G - 4K|125|^${S}ring address 0xfffff000 not a page in guest RAM$|$H -- ops o4:1de4=fffff000
trace setup: RAM's last page, not tracing|0||$H -- ops o4:1de4=7fff000 o4:1de5=0
trace setup: RAM's last page, garbage header, tracing|125|^${S}ring at 0x7fff000: magic 0xa5a5a5a5|--trace $T/r.txt $H -- ops w:7fff000=a5a5a5a5*400 o4:1de4=7fff000
trace setup: 128 records from RAM's last page|125|^${S}ring at 0x7fff000: 128 records run past the end of guest RAM \(0x8000000\)$|--trace $T/r.txt $H -- ops w:7fff000=52544c44 w:7fff004=1 w:7fff008=80 w:7fff00c=1 o4:1de4=7fff000
trace setup: 64 records in RAM's last page|0||--trace $T/r.txt $H -- ops w:7fff000=52544c44 w:7fff004=1 w:7fff008=40 w:7fff00c=1 o4:1de4=7fff000 o4:1de5=0 o4:1de4=0
trace drain, no ring set up|0||--trace $T/r.txt $H -- ops o4:1de5=0*3e8
trace setup twice, then drained 100000 times|0||--trace $T/r.txt $H -- ops w:200000=52544c44 w:200004=1 w:200008=40 w:20000c=1 o4:1de4=200000 o4:1de4=200000 w:300000=0*186a0 s4:1de5=300000*186a0
trace: magic overwritten, another ring set up|125|^${S}ring at 0x200000: magic overwritten: 0x0|--trace $T/r.txt $H -- ops w:200000=52544c44 w:200004=1 w:200008=40 w:20000c=1 o4:1de4=200000 w:200000=0 w:300000=52544c44 w:300004=1 w:300008=40 w:30000c=1 o4:1de4=300000
one million null hypercalls by rep outsd|0||$H -- ops s4:1de3=100000*f4240
lde id read by rep insd into 4 MiB of RAM|0||$H -- ops S4:1de0=200000*100000 r:5ffffc
tsc khz by rep insd over the boot data|0||$H -- ops S4:1de2=1000*400
CASES

# A record whose target pid is INT64_MIN: negating it overflowed (undefined
# behaviour; found by the port fuzz target); it is malformed, counted, and
# the ASan/UBSan pass (tests/72) runs this too.
vmm --trace "$T/r.txt" "$HOSTILE" -- ops w:200000=52544c44 w:200004=1 w:200008=4 w:20000c=1 \
	w:200020=1 w:200048=a w:20004c=1 w:200054=80000000 w:200058=9 o4:1de4=200000 o4:1de5=0
is "$ST/$OUT/$ERR" "0/ops: survived/vmm: trace: 1 malformed records skipped (bad type, pid or argument)" \
	"trace record: a signal sent to group -INT64_MIN is malformed, skipped"

# ---- ports nothing serves, in every access, and accesses that run off a
# served range --------------------------------------------------------------
for port in 0 1 40 43 61 3f7 400 1ddf 1df0 cf7 d00 8000 fffc ffff; do
	for acc in i1 i2 i4 o1 o2 o4; do
		dir=${acc:0:1} size=${acc:1}
		d=$([ "$dir" = i ] && echo in || echo out)$((size * 8))
		op="$acc:$port"
		[ "$dir" = o ] && op="$op=0"
		vmm "$HOSTILE" -- ops "$op"
		is "$ST" 121 "port 0x$port $d: exit 121"
		like "$ERR" "^vmm: port 0x$port: $d; nothing serves this port \\(guest rip 0x[0-9a-f]+\\)$" \
			"port 0x$port $d: the one-line report"
	done
done
while IFS='|' read -r name op port d; do
	vmm "$HOSTILE" -- ops "$op"
	is "$ST" 121 "$name: exit 121"
	like "$ERR" "^vmm: port 0x$port: (string )?$d( of [0-9]+)?; nothing serves this port" "$name: the one-line report"
done <<'CASES'
in16 from COM1's last register runs past COM1|i2:3ff|3ff|in16
in32 at 0xfffe wraps to port 0|i4:fffe|fffe|in32
out16 at 0xffff wraps to port 0|o2:ffff=0|ffff|out16
in32 at 0xcfd runs past PCI config|i4:cfd|cfd|in32
in16 at 0x61, next to the probed 0x60|i2:5f|5f|in16
rep outsb to an unknown port|s1:1234=200000*a|1234|out8
rep insd from an unknown port|S4:4321=200000*a|4321|in32
CASES

# Ports commonly probed read all-ones and ignore writes in every size.
vmm "$HOSTILE" -- ops p1:60=60 p1:64=64 p2:70=70 p1:70=71 p1:80=80 p1:92=92 p1:e9=e9 \
	p4:f4=f4 p1:278=27a p4:2e8=2ec p4:2f8=2fc p1:378=37a p4:3b0=3dc p4:3e8=3ec p2:510=510 \
	p4:cf8=cfc q1:60=60 q1:64=64 q1:70=71 q1:80=80 q1:92=92 q1:e9=e9 q1:278=27a q4:2e8=2ec \
	q4:2f8=2fc q1:378=37a q4:3b0=3dc q4:3e8=3ec q2:510=510 q4:cf8=cfc
check "every probed port, in and out, every size that fits" 0 ""

# ---- memory nothing backs ------------------------------------------------
while IFS='|' read -r name op d n addr; do
	vmm "$HOSTILE" -- ops "$op"
	is "$ST" 123 "MMIO $name: exit 123"
	like "$ERR" "^vmm: guest: MMIO $d of $n bytes at 0x$addr: no memory or device there$" \
		"MMIO $name: the one-line report"
done <<'CASES'
read at RAM's end|r:8000000|read|4|8000000
write at RAM's end|w:8000000=1|write|4|8000000
read in the hole at 3G|r:c0000000|read|4|c0000000
write just below the IOAPIC|w:febffffc=1|write|4|febffffc
read of KVM's TSS pages|r:fffbd000|read|4|fffbd000
read at 4G - 4|r:fffffffc|read|4|fffffffc
read across 4G: the byte at 0xffffffff|r:ffffffff|read|1|ffffffff
rep insd into the hole|S4:1de0=d0000000*4|write|[0-9]+|d0000000
CASES
vmm "$HOSTILE" -- ops r:7fffffc r:fec00000 r:fee00030
check "RAM's last dword, the IOAPIC and LAPIC read" 0 ""

# ---- the UART: garbage in every width ------------------------------------
vmm "$HOSTILE" -- ops o4:3f8=ffffffff o4:3fc=ffffffff o2:3fa=a5a5 o2:3fe=5a5a o1:3fb=80 \
	o4:3f8=12345678 o1:3fb=0 o4:3fc=deadbeef i4:3f8*100 i4:3fc*100 i2:3fe*10 s1:3f8=100000*1000 \
	S1:3f8=200000*1000 S4:3fc=200000*100 o1:3fb=3 o1:3fc=0 o1:3f9=0 o1:3fa=7 o1:3f8=a
check "garbage to every COM1 register, 8, 16 and 32 bits wide" 0 ""

# ---- triple faults over page tables that are garbage ---------------------
for c in paging-outside paging-self paging-pae paging-long; do
	vmm "$HOSTILE" -- "$c"
	check "$c" 122 '^vmm: guest: triple fault \(KVM_EXIT_SHUTDOWN\)$'
	like "$ERR" '^  code at rip:' "$c: the dump tried the bytes at rip"
done

# ---- spinning, with interrupts off, making exits or not ------------------
while IFS='|' read -r name args; do
	eval "set -- $args"
	start=$(date +%s%N)
	timeout -k 5 30 "$VMM" --timeout 1 "$HOSTILE" -- "$@" </dev/null >"$T/out" 2>"$T/err"
	ST=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	is "$ST" 124 "$name: --timeout stops it: exit 124"
	like "$(head -1 "$T/err")" '^vmm: guest: --timeout 1s expired$' "$name: one-line report"
	if [ "$ms" -lt 10000 ]; then pass "$name: stopped within 10 s (${ms} ms)"; else
		fail "$name: stopped within 10 s (${ms} ms)"
	fi
done <<'CASES'
spin, interrupts off|spin
null hypercalls forever, interrupts off|ops o4:1de3=0*ffffffff
lde id by rep insd forever|ops S4:1de0=200000*ffffffff
console fast path forever|ops w:200000=1 w:200008=41 o4:1de6=200000*ffffffff
UART bytes forever|ops o1:3f8=41*ffffffff
CASES
tr -d 'A' <"$T/out" >"$T/rest"
is "$(wc -c <"$T/rest")" 0 "UART bytes forever: every byte written before the stop is an A"

# ---- floods: nothing lost --------------------------------------------------
# flood NAME WANT-FILE VMM-ARGS...: all of the guest's output arrives, in
# order, through a pipe to a slow reader.
flood() {
	_name=$1 _want=$2
	shift 2
	timeout -k 5 120 "$VMM" --timeout 100 "$HOSTILE" -- "$@" </dev/null 2>"$T/err" |
		(sleep 0.5; cat) >"$T/out"
	ST=${PIPESTATUS[0]}
	is "$ST/$(cat "$T/err")" "0/" "$_name: exit 0, nothing on stderr"
	if cmp -s "$T/out" "$_want"; then pass "$_name: $(wc -c <"$_want") bytes, all there, in order"; else
		fail "$_name: $(wc -c <"$_want") bytes, all there, in order"
		diag "got $(wc -c <"$T/out") bytes"
	fi
}
abcd() { python3 -c "import sys; sys.stdout.write('abcd' * $1)"; }
# 16 MiB through the console fast path: 4096 calls of 4 KiB.
{ abcd $((4 << 20)); printf 'ops: survived\n'; } >"$T/want16m"
flood "16 MiB through LDE_PORT_CONSOLE" "$T/want16m" \
	ops w:200000=1000 w:200008=64636261*400 o4:1de6=200000*1000
# Through the UART, one exit per byte (KVM splits rep outsb): FLOOD_UART_KIB.
kib=${FLOOD_UART_KIB:-256}
{ abcd $((kib * 256)); printf 'ops: survived\n'; } >"$T/wantu"
flood "$kib KiB through the UART (rep outsb)" "$T/wantu" \
	ops w:200000=64636261*$(printf '%x' $((kib * 256))) s1:3f8=200000*$(printf '%x' $((kib * 1024)))
# Interleaved: the fast path comes after what the UART sent before it.
printf 'X%sYops: survived\n' "$(abcd 1024)" >"$T/wanti"
flood "UART, fast path, UART: in order" "$T/wanti" \
	ops w:200000=1000 w:200008=64636261*400 o1:3f8=58 o4:1de6=200000 o1:3f8=59
# A non-blocking stdout (the file description shared with a parent that
# set O_NONBLOCK) with a slow reader: the vmm waits in poll, loses nothing.
python3 - "$VMM" "$HOSTILE" "$T/nb" <<'PY'
import fcntl, os, subprocess, sys, time
vmm, guest, out = sys.argv[1:4]
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
p = subprocess.Popen([vmm, '--timeout', '60', guest, '--', 'ops', 'w:200000=1000',
                      'w:200008=64636261*400', 'o4:1de6=200000*100'],
                     stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.DEVNULL)
os.close(w)
time.sleep(0.5)
data = bytearray()
while True:
    b = os.read(r, 65536)
    if not b:
        break
    data += b
open(out, 'wb').write(data)
sys.exit(p.wait())
PY
ST=$?
{ abcd $((256 << 10)); printf 'ops: survived\n'; } >"$T/wantnb"
if [ "$ST" = 0 ] && cmp -s "$T/nb" "$T/wantnb"; then pass "1 MiB to a non-blocking stdout, slow reader: exit 0, all there"; else
	fail "1 MiB to a non-blocking stdout, slow reader: exit 0, all there"
	diag "status $ST, got $(wc -c <"$T/nb") bytes"
fi

# The same stdout with a reader that never reads: the vmm waits for room,
# but --timeout and SIGTERM still stop it (it used to wait in poll for
# ever).
for how in timeout SIGTERM; do
	python3 - "$VMM" "$HOSTILE" "$how" >"$T/stuck" <<'PY'
import fcntl, os, signal, subprocess, sys, time
vmm, guest, how = sys.argv[1:4]
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
args = [vmm] + (['--timeout', '1'] if how == 'timeout' else []) + \
    [guest, '--', 'ops', 'w:200000=1000', 'o4:1de6=200000*ffffffff']
p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=w, stderr=subprocess.PIPE)
os.close(w)
if how == 'SIGTERM':
    time.sleep(1)
    p.send_signal(signal.SIGTERM)
try:
    st = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
    st = 'hung'
print('%s|%s' % (st, (p.stderr.read().decode().splitlines() or [''])[0]))
PY
	want=$([ $how = timeout ] && echo "124|vmm: guest: --timeout 1s expired" || echo "-15|vmm: SIGTERM: guest stopped")
	is "$(cat "$T/stuck")" "$want" "non-blocking stdout nobody reads: $how still stops the vmm"
done

# ---- --stats with hundreds of rows (every probed port, size, direction) ----
vmm --stats "$HOSTILE" -- ops p1:3b0=3df p2:3b0=3de p4:3b0=3dc q1:3b0=3df q2:3b0=3de \
	q4:3b0=3dc p1:cf8=cff q1:cf8=cff p2:cf8=cfe q2:cf8=cfe p1:2e8=2ef p1:2f8=2ff p1:3e8=3ef
is "$ST" 0 "--stats, 330 rows: exit 0"
rows=$(printf '%s\n' "$ERR" | grep -Ec '^    (in|out)[0-9]+ 0x' || true)
if [ "$rows" -ge 300 ]; then pass "--stats, 330 rows: all in the table ($rows)"; else
	fail "--stats, 330 rows: all in the table ($rows)"
	diag "$(printf '%s\n' "$ERR" | head -5)"
fi

done_testing
