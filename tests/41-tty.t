#!/bin/bash
# The shell at a terminal (issue 4): the default boot (init -> sh) on a
# pseudo-terminal, driven like a person at the keyboard, under ./vmm and
# QEMU (-accel kvm and tcg; its console with signal=off, so Ctrl-C
# reaches the guest as it does through the vmm).  The prompt appears and
# typed lines echo; Ctrl-C stops a running spin and the shell stays; a
# background job survives a Ctrl-C meant for the foreground; Ctrl-C at
# the prompt drops the line; top draws and quits on q or Ctrl-C, and the
# console is cooked again after it; Ctrl-D at the prompt ends the shell
# with the last status; and the host terminal's settings are the same
# after the run as before.
. "$(dirname "$0")/lib/lde.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP no python3 to drive a pseudo-terminal"
	exit 0
fi

# converse.py OUT SCRIPT -- CMD...: runs CMD on a new pty (its controlling
# terminal, a session of its own) and plays SCRIPT, one step per line,
# fields separated by tabs:
#   send  TEXT            (Python escapes: \r, \x03)
#   sleep SECONDS
#   expect SECONDS NAME REGEX   the output since the last match must match
#                               REGEX (Python re, DOTALL) within SECONDS
# It prints "check NAME ok" or "check NAME fail" per expect (after a
# failure the remaining expects fail without waiting), then, once CMD has
# ended (or been killed after 30 s), "status=N restored=0|1" -- restored
# when the terminal's attributes equal those before the run.
cat >"$T/converse.py" <<'PY'
import codecs, fcntl, os, pty, re, select, subprocess, sys, termios, time

out_path, script, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
master, slave = pty.openpty()
before = termios.tcgetattr(slave)

def controlling_tty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)

p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True, preexec_fn=controlling_tty)
out = bytearray()
mark = 0  # where the next expect starts looking

def drain(t):
    r, _, _ = select.select([master], [], [], t)
    if r:
        try:
            out.extend(os.read(master, 65536))
        except OSError:
            time.sleep(t)

def text(frm):
    return out[frm:].decode('utf-8', 'replace')

failed = False
for line in open(script):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'send':
        drain(0.05)
        os.write(master, codecs.decode(f[1], 'unicode_escape').encode('latin-1'))
    elif f[0] == 'sleep':
        end = time.time() + float(f[1])
        while time.time() < end:
            drain(0.05)
    elif f[0] == 'expect':
        timeout, name, regex = float(f[1]), f[2], f[3]
        m = None
        end = time.time() + (0 if failed else timeout)
        while True:
            m = re.search(regex, text(mark), re.S)
            if m or time.time() >= end or p.poll() is not None:
                break
            drain(0.05)
        if not m:
            drain(0.2)
            m = re.search(regex, text(mark), re.S)
        if m:
            print('check %s ok' % name)
            mark += len(text(mark)[:m.end()].encode('utf-8', 'replace'))
        else:
            failed = True
            print('check %s fail' % name)
            sys.stdout.flush()

end = time.time() + 30
while p.poll() is None and time.time() < end:
    drain(0.05)
if p.poll() is None:
    p.kill()
    p.wait()
for _ in range(10):
    drain(0.02)
after = termios.tcgetattr(slave)
open(out_path, 'wb').write(bytes(out))
print('status=%d restored=%d' % (p.returncode, before == after))
PY

# The conversation: what needs no Ctrl-C first, so that a console without
# SIGINT still shows how far the rest gets.  A prompt is "$ " at the end
# of what has arrived; the console's lines end in \r\n (and a \r more
# where the pty adds one).
P='\$ $'
step() { printf '%s\n' "$(IFS=$'\t'; echo "$*")"; }
{
	step expect 30 "the prompt appears" "$P"
	step send 'echo hello\r'
	step expect 10 "the typed line echoes" 'echo hello\r*\n'
	step expect 10 "the command runs" "^hello\\r*\\n.*$P"
	step send 'spin &\r'
	step expect 10 "a background job starts: [1] PID" "\\[1\\] [0-9]+\\r*\\n.*$P"
	step send 'jobs\r'
	step expect 10 "jobs lists it" "\\[1\\]\\+ +Running +spin &.*$P"
	step send 'kill %1\r'
	step sleep 0.5
	step send '\r' # the notice comes with the prompt after the job has ended
	step expect 10 "kill %1; the next prompt reports it" "\\[1\\]\\+ +Terminated +spin.*$P"
	step send 'top\r'
	step expect 10 "top draws its table" 'PID +PPID STATE +%CPU.*\(q or Ctrl-C quits\)'
	step sleep 2.5
	step send 'q'
	step expect 10 "q quits top" "$P"
	step send 'echo cooked\r'
	step expect 10 "the console is cooked again (typed text echoes)" \
		"echo cooked\\r*\\n.*cooked\\r*\\n.*$P"
	step send 'spin\r'
	step sleep 1
	step send '\x03'
	step expect 10 "Ctrl-C stops spin: ^C, then a prompt" "\\^C.*$P"
	step send 'echo alive $?\r'
	step expect 10 "the shell stays: echo alive works, \$? is 130" "\\nalive 130\\r*\\n.*$P"
	step send 'spin &\r'
	step expect 10 "another background job" "\\[1\\] [0-9]+\\r*\\n.*$P"
	step send 'sleep 20\r'
	step sleep 1
	step send '\x03'
	step expect 10 "Ctrl-C stops the foreground sleep" "\\^C.*$P"
	step send 'jobs\r'
	step expect 10 "the background spin survived that Ctrl-C" "\\[1\\]\\+ +Running +spin &.*$P"
	step send 'kill %1\r'
	step sleep 0.5
	step send '\r'
	step expect 10 "kill %1 again" "Terminated.*$P"
	step send 'echo half a line'
	step sleep 0.5
	step send '\x03'
	step expect 10 "Ctrl-C at the prompt: a fresh prompt" "\\^C.*$P"
	step send 'echo ok\r'
	step expect 10 "the dropped line did not run" "\\nok\\r*\\n.*$P"
	step send 'top -d 1\r'
	step expect 10 "top again" '\(q or Ctrl-C quits\)'
	step send '\x03'
	step expect 10 "Ctrl-C quits top" "$P"
	step send 'false\r'
	step expect 10 "false" "$P"
	step send '\x04'
	step expect 10 "Ctrl-D at the prompt ends the shell" 'exit'
} >"$T/script"

for plat in $(guest_platforms); do
	case $plat in
	vmm)
		set -- "$VMM" --timeout 60 "$GUEST" -- quiet
		;;
	qemu-*)
		# shellcheck disable=SC2046
		set -- $(qemu_args "${plat#qemu-}" | sed 's/-serial stdio/-chardev stdio,id=con,signal=off -serial chardev:con/') -append quiet
		;;
	esac
	python3 "$T/converse.py" "$T/out" "$T/script" -- timeout -k 5 70 "$@" >"$T/result"
	while read -r word name; do
		[ "$word" = check ] || continue
		case $name in
		*" ok") pass "$plat: ${name% ok}" ;;
		*) fail "$plat: ${name% fail}" ;;
		esac
	done <"$T/result"
	if grep -q ' fail$' "$T/result"; then
		diag "what the terminal showed (last 30 lines):" "$(tr -d '\r' <"$T/out" | tail -n 30)"
	fi
	res=$(sed -n 's/^status=\(-*[0-9]*\) restored=\([01]\)$/\1 \2/p' "$T/result")
	st=${res% *}
	case $plat in qemu-*) [ -n "$st" ] && [ $((st & 1)) -eq 1 ] && st=$((st >> 1)) ;; esac
	is "$st" 1 "$plat: the VM ends with the shell's status (false: 1)"
	is "${res#* }" 1 "$plat: the host terminal's settings are restored"
done
done_testing
