#!/bin/bash
# The vmm's sandbox (host/seccomp.c): a forbidden system call ends the vmm
# with one line naming it, status 127, the terminal restored; every thread
# is confined; and every way the vmm runs and ends does the same with the
# sandbox as with --no-sandbox (the rest of the suite runs sandboxed too).
#
# LDE_VMM_SECCOMP_SELFTEST=NAME makes the vmm try one forbidden call right
# after the filter is on (test only).
. "$(dirname "$0")/lib/lde.sh"

GD=$LDE_TOP/build/tests/guest
HOSTILE=$GD/hostile.elf
FOREIGN=$GD/foreign.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

need_kvm
need_built "$VMM" "$HOSTILE" "$FOREIGN"

# ---- a forbidden call: one line, 127 ---------------------------------------
R='^vmm: sandbox: forbidden system call '
E='; the vmm stopped itself$'
A=' with arguments the sandbox does not allow \('
while IFS='|' read -r test re; do
	[ -z "$test" ] && continue
	LDE_VMM_SECCOMP_SELFTEST=$test vmm_in /dev/null --timeout 10 "$HOSTILE" -- exit7
	if [ "$test" = i386 ] && [ "$ST" = 139 ]; then
		skip "self-test i386: int 0x80 trapped" "this kernel has no i386 emulation (SIGSEGV)"
		continue
	fi
	is "$ST" 127 "self-test $test: exit 127"
	like "$ERR" "$R$re$E" "self-test $test: the one line names the call"
	is "$(printf '%s\n' "$ERR" | wc -l)/$OUT" "1/" "self-test $test: only that line, no guest output"
done <<CASES
openat|openat \(257\)
execve|execve \(59\)
socket|socket \(41\)
ioctl-request|ioctl \(16\)${A}0x[0-9a-f]+, 0xae41, 0x1, \.\.\.\)
ioctl-fd|ioctl \(16\)${A}0x[0-9a-f]+, 0xae80, 0x0, \.\.\.\)
mmap-exec|mmap \(9\)${A}0x0, 0x1000, 0x5, \.\.\.\)
tgkill|tgkill \(234\)${A}0x1, 0x1, 0x0, \.\.\.\)
x32|number 0x40000027 of the x32 ABI
i386|number 20 of the i386 ABI \(int 0x80\)
CASES
LDE_VMM_SECCOMP_SELFTEST=no-such vmm_in /dev/null "$HOSTILE" -- exit7
is "$ST/$ERR" "64/vmm: LDE_VMM_SECCOMP_SELFTEST=no-such: no such self-test" "unknown self-test: usage error"
LDE_VMM_SECCOMP_SELFTEST=openat vmm_in /dev/null --no-sandbox "$HOSTILE" -- exit7
is "$ST/$ERR" "7/" "--no-sandbox: no filter, no self-test; the guest runs"

# ---- every thread is confined --------------------------------------------
# seccomp_status PID: "mode filters nnp" of each of the vmm's threads, one
# line each (KVM's own kernel workers in the thread group are not ours).
seccomp_status() {
	for t in /proc/"$1"/task/*; do
		[ "$(cat "$t/comm")" = vmm ] || continue
		awk '/^Seccomp:/ {m=$2} /^Seccomp_filters:/ {f=$2} /^NoNewPrivs:/ {n=$2}
			END {print m, f, n}' "$t/status"
	done
}
for mode in sandbox no-sandbox; do
	opt=$([ $mode = no-sandbox ] && echo --no-sandbox)
	# stdin a pipe that stays open: the input thread lives.
	sleep 3 | "$VMM" $opt --timeout 10 "$HOSTILE" -- spin >/dev/null 2>&1 &
	pid=$! # the vmm, the pipeline's last command
	sleep 1
	st=$(seccomp_status "$pid" | sort | uniq -c | sed 's/^ *//')
	want=$([ $mode = sandbox ] && echo "2 2 1 1" || echo "2 0 0 0")
	is "$st" "$want" "$mode: both threads (vCPU, input) $([ $mode = sandbox ] && echo "in seccomp filter mode, no new privileges" || echo "unconfined")"
	kill -TERM "$pid"
	wait
done

# ---- the terminal is restored when the sandbox stops the vmm -------------
cat >"$T/sigsys_tty.py" <<'PY'
import os, pty, subprocess, sys, termios, time, fcntl
master, slave = pty.openpty()
before = termios.tcgetattr(slave)
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
out = b''
end = time.time() + 20
while p.poll() is None and time.time() < end:
    time.sleep(0.05)
if p.poll() is None:
    p.kill()
try:
    os.set_blocking(master, False)
    out = os.read(master, 65536)
except OSError:
    pass
print('status=%d restored=%d' % (p.wait(), before == termios.tcgetattr(slave)))
sys.stderr.write(out.decode(errors='replace'))
PY
if command -v python3 >/dev/null; then
	res=$(LDE_VMM_SECCOMP_SELFTEST=socket python3 "$T/sigsys_tty.py" "$VMM" "$HOSTILE" -- spin 2>"$T/ptyout")
	is "$res" "status=127 restored=1" "on a terminal: exit 127, raw mode undone"
	like "$(tr -d '\r' <"$T/ptyout")" "${R}socket \\(41\\)$E" "on a terminal: the one line"
else
	skip "on a terminal: exit 127, raw mode undone" "no python3"
	skip "on a terminal: the one line" "no python3"
fi

# ---- every way the vmm runs and ends: the same with and without ----------
printf 'hello, echo.' >"$T/echo.in"
printf 'no full stop' >"$T/noend.in"
head -c 20000 /dev/zero | tr '\0' x >"$T/big.in"
printf . >>"$T/big.in"
# first_line: stderr's first line, times (--stats) as N.
first_line() { printf '%s\n' "$ERR" | head -1 | sed 's/[0-9][0-9.]* ms/N ms/'; }
# name|stdin|vmm args (eval'd; $H hostile, $F foreign, $N /dev/null)
H=$HOSTILE F=$FOREIGN N=/dev/null
while IFS='|' read -r name in args; do
	[ -z "$name" ] && continue
	eval "set -- $args"
	vmm_in "$(eval echo "$in")" --no-sandbox "$@"
	st0=$ST out0=$OUT err0=$(first_line)
	vmm_in "$(eval echo "$in")" "$@"
	is "$ST" "$st0" "$name: status $st0 as without the sandbox"
	is "$OUT" "$out0" "$name: same output"
	is "$(first_line)" "$err0" "$name: same report${err0:+ ($err0)}"
done <<'CASES'
foreign guest|$N|$F -- a "b c"
lde exit 7|$N|$H -- exit7
isa-debug-exit|$N|$H -- debug-exit
every lde call|$N|$H -- lde
triple fault, register dump|$N|$H -- triple
triple fault in long mode over garbage tables|$N|$H -- paging-long
unknown port: the guest's rip|$N|$H -- port
MMIO to nothing|$N|$H -- mmio-read
bad lde call|$N|$H -- bad-status
--timeout, interrupts off|$N|--timeout 0.5 $H -- spin
polled input|$T/echo.in|$H -- echo
interrupt-driven input|$T/echo.in|$H -- echo-irq
20000 bytes of input: the receiver fills, the reader waits|$T/big.in|$H -- echo-irq
end of input, the guest waits on|$T/noend.in|--timeout 1 $H -- echo
64 KiB of output|$N|$H -- flood
--trace as text, --stats|$N|--trace $T/t.txt --stats $H -- lde
--trace as JSON|$N|--trace $T/t.json $H -- lde
--stats with 300 rows (qsort asks for memory)|$N|--stats $H -- ops p1:3b0=3df p2:3b0=3de p4:3b0=3dc q1:3b0=3df q2:3b0=3de q4:3b0=3dc
CASES

# A closed stdout: guest output fails (71), as without the sandbox.
for opt in --no-sandbox ""; do
	timeout -k 5 30 "$VMM" $opt "$HOSTILE" -- flood </dev/null >&- 2>"$T/err"
	is "$?/$(cat "$T/err")" "71/vmm: stdout: Bad file descriptor; guest output cannot be written" \
		"closed stdout${opt:+ ($opt)}: exit 71, one line"
done

# A reader that goes away (SIGPIPE), signals (SIGTERM, SIGINT): as
# without the sandbox.
for opt in --no-sandbox ""; do
	timeout -k 5 30 "$VMM" $opt "$HOSTILE" -- flood </dev/null 2>"$T/err" | head -c 10 >/dev/null
	is "${PIPESTATUS[0]}/$(cat "$T/err")" "141/" "stdout closed by its reader${opt:+ ($opt)}: SIGPIPE, no message"
	for sig in TERM INT; do
		env --default-signal=INT "$VMM" $opt --timeout 30 "$HOSTILE" -- spin </dev/null >/dev/null 2>"$T/err" &
		pid=$!
		sleep 0.3
		kill -s "$sig" "$pid"
		wait "$pid" 2>/dev/null
		st=$?
		is "$st/$(cat "$T/err")" "$((128 + $(kill -l "$sig")))/vmm: SIG$sig: guest stopped" \
			"SIG$sig${opt:+ ($opt)}: the vmm stops and dies of it"
	done
done

# Ctrl-A x and Ctrl-A h on a terminal: the input thread writes help and
# stops the vCPU thread (tgkill), sandboxed.
if command -v python3 >/dev/null; then
	cat >"$T/ctrl_a_tty.py" <<'PY'
import os, pty, subprocess, sys, termios, time, fcntl
master, slave = pty.openpty()
before = termios.tcgetattr(slave)
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
end = time.time() + 10
while time.time() < end and termios.tcgetattr(slave)[3] & termios.ICANON:
    time.sleep(0.01)
time.sleep(0.2)
os.write(master, b'\x01h')
time.sleep(0.3)
os.write(master, b'\x01x')
end = time.time() + 10
while p.poll() is None and time.time() < end:
    time.sleep(0.05)
if p.poll() is None:
    p.kill()
os.set_blocking(master, False)
try:
    out = os.read(master, 65536)
except OSError:
    out = b''
print('status=%d restored=%d' % (p.wait(), before == termios.tcgetattr(slave)))
sys.stderr.write(out.decode(errors='replace'))
PY
	res=$(python3 "$T/ctrl_a_tty.py" "$VMM" --timeout 20 "$HOSTILE" -- spin 2>"$T/keys")
	is "$res" "status=126 restored=1" "Ctrl-A h, Ctrl-A x on a terminal: exit 126, terminal restored"
	like "$(tr -d '\r' <"$T/keys")" '^C-a x    exit the vmm' "Ctrl-A h: the help reached the terminal"
else
	skip "Ctrl-A h, Ctrl-A x on a terminal" "no python3"
	skip "Ctrl-A h: the help reached the terminal" "no python3"
fi

done_testing
