#!/bin/bash
# 44-console.t: the console's two faces (issue 4; include/lde/ports.h).
#
# Not a terminal (lde's vmm with stdin a pipe or a file): bytes pass
# through untouched -- control characters included, no echo -- input of
# any length arrives whole (the tty leaves what does not fit in the UART,
# whose sender waits), and the end of the host's input (DCD dropping) is
# end of file for every reader, then for the shell, which ends the VM.
#
# A terminal (a pseudo-terminal, under the vmm and under QEMU): the line
# discipline -- backspace, ^W, ^U, CR as NL, ^D -- and ^\ sending
# SIGQUIT to the foreground job, which the shell survives.
. "$(dirname "$0")/lib/lde.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- not a terminal: lde's vmm with stdin from a file -------------------
if [ -x "$VMM" ] && have_kvm; then
	# vmm_in INPUTFILE ARGS...: OUT (raw bytes, CRs of CRLF removed), STATUS.
	vmm_in() {
		_in=$1
		shift
		timeout -k 5 70 "$VMM" --timeout 60 "$GUEST" -- quiet "$@" <"$_in" >"$T/raw" 2>"$T/err"
		STATUS=$?
		sed 's/\r$//' "$T/raw" >"$T/out"
	}
	printf 'abc' >"$T/in"
	vmm_in "$T/in" cat
	is "$STATUS/$(cat "$T/out")" "0/abc" "pipe: cat prints its input and ends at the end of the host's input"
	printf 'a\003b\004c\025d\027e\034f\177g\bh\n' >"$T/in"
	vmm_in "$T/in" cat
	is "$(od -An -c "$T/out")" "$(od -An -c "$T/in")" \
		"pipe: ^C ^D ^U ^W ^\\ DEL BS pass through untouched (no line discipline, no signals)"
	is "$STATUS" 0 "pipe: ... and none of them ended or interrupted cat"
	head -c 20000 /dev/urandom | base64 -w 76 | head -c 20000 >"$T/in"
	vmm_in "$T/in" wc -c
	like "$(cat "$T/out")" '^ *20000$' "pipe: 20000 bytes arrive whole (more than the tty's and the UART's buffers)"
	printf 'one\n' >"$T/in"
	vmm_in "$T/in" sh -c 'cat; cat; echo done $?'
	is "$(cat "$T/out")" $'one\ndone 0' "pipe: the end of input reaches every reader after it (the hang-up stays)"
	vmm_in /dev/null cat
	is "$STATUS/$(cat "$T/out")" "0/" "/dev/null: cat ends at once with 0"
	vmm_in /dev/null
	is "$STATUS" 0 "/dev/null: the default boot (init, sh) ends with 0 at once"
	printf 'echo $(tty)\nkill -l 3\n' >"$T/in"
	vmm_in "$T/in"
	unlike "$(cat "$T/out")" '\$ ' "pipe: the shell prompts for nothing (the console says it is no terminal)"
	printf 'usertests tty_mode\n' >"$T/in"
	vmm_in "$T/in"
	like "$(cat "$T/out")" '^PASS tty_mode \(the console is not a terminal here: ENOTTY throughout\)$' \
		"pipe: every console control call says ENOTTY"
else
	skip "not-a-terminal checks" "no /dev/kvm: they need lde's vmm (QEMU's console has no end of input)"
fi

# ---- a terminal: the line discipline on a pseudo-terminal -----------------
if ! command -v python3 >/dev/null; then
	skip "terminal checks" "no python3 to drive a pseudo-terminal"
	done_testing
fi

# drive.py SCRIPT -- CMD...: CMD on a new pseudo-terminal (its controlling
# terminal); SCRIPT has one step a line: "send TEXT" (Python escapes) or
# "wait SECONDS NAME REGEX" (the output since the last match must match
# within SECONDS).  Prints "NAME ok|fail" per wait, then "status N".
cat >"$T/drive.py" <<'PY'
import codecs, fcntl, os, pty, re, select, subprocess, sys, termios, time
script, cmd = sys.argv[1], sys.argv[3:]
m, s = pty.openpty()
p = subprocess.Popen(cmd, stdin=s, stdout=s, stderr=s, start_new_session=True,
                     preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
buf, pos, dead = b'', 0, False
def pump(t):
    global buf
    r, _, _ = select.select([m], [], [], t)
    if r:
        try: buf += os.read(m, 65536)
        except OSError: time.sleep(t)
for step in open(script):
    kind, _, rest = step.rstrip('\n').partition(' ')
    if kind == 'send':
        pump(0.05)
        os.write(m, codecs.decode(rest, 'unicode_escape').encode('latin-1'))
    elif kind == 'sleep':
        end = time.time() + float(rest)
        while time.time() < end: pump(0.05)
    elif kind == 'wait':
        secs, name, rx = rest.split(' ', 2)
        end = time.time() + (0 if dead else float(secs))
        while True:
            hit = re.search(rx.encode(), buf[pos:], re.S)
            if hit or time.time() >= end: break
            pump(0.05)
        if hit:
            pos += hit.end(); print(name, 'ok')
        else:
            dead = True; print(name, 'fail'); sys.stderr.buffer.write(buf[pos:][-600:] + b'\n')
end = time.time() + 20
while p.poll() is None and time.time() < end: pump(0.05)
if p.poll() is None: p.kill(); p.wait()
print('status', p.returncode)
PY

# name|keys typed (~N: wait N seconds first)|what must follow (regex over
# the output)|what it shows
steps='prompt||\$ $|the shell prompts at a terminal
backspace|cat\rab\x7fc\r|\nac\r*\n|DEL erases the byte before it
ctrl_w|one two\x17three\r|\none three\r*\n|^W erases the word before it
ctrl_u|junk junk\x15fine\r|\nfine\r*\n|^U erases the line
ctrl_d|\x04|\$ $|^D on an empty line is end of input: cat ends
ctrl_bs|cat\r~1\x1c|\^\\.*Quit \(signal 3\).*\$ $|^\ sends SIGQUIT to the foreground job; the shell reports it and stays
after_quit|echo st=$?\r|st=131\r*\n|the job died by SIGQUIT: 128 + 3
exit|exit 4\r||the shell exits with 4'

: >"$T/script"
while IFS='|' read -r name keys want what; do
	if [[ $keys =~ ^(.*)~([0-9]+)(.*)$ ]]; then
		printf 'send %s\nsleep %s\nsend %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" \
			"${BASH_REMATCH[3]}" >>"$T/script"
	elif [ -n "$keys" ]; then
		printf 'send %s\n' "$keys" >>"$T/script"
	fi
	[ -n "$want" ] && printf 'wait 15 %s %s\n' "$name" "$want" >>"$T/script"
done <<<"$steps"

for plat in $(guest_platforms); do
	case $plat in
	vmm) set -- "$VMM" --timeout 60 "$GUEST" -- quiet ;;
	qemu-*)
		# shellcheck disable=SC2046
		set -- $(qemu_args "${plat#qemu-}" | sed 's/-serial stdio/-chardev stdio,id=con,signal=off -serial chardev:con/') -append quiet
		;;
	esac
	python3 "$T/drive.py" "$T/script" -- timeout -k 5 70 "$@" >"$T/result" 2>"$T/tail"
	while IFS='|' read -r name keys want what; do
		[ -n "$want" ] || continue
		if grep -qx "$name ok" "$T/result"; then pass "$plat: terminal: $what"; else
			fail "$plat: terminal: $what"
		fi
	done <<<"$steps"
	[ -s "$T/tail" ] && diag "what the terminal showed last:" "$(tr -d '\r' <"$T/tail" | tail -n 12)"
	st=$(sed -n 's/^status \(-*[0-9]*\)$/\1/p' "$T/result")
	case $plat in qemu-*) [ -n "$st" ] && [ $((st & 1)) -eq 1 ] && st=$((st >> 1)) ;; esac
	is "$st" 4 "$plat: terminal: the shell exits with 4 and the VM with it"

	# ^C reaches the first process itself when it is the command line's
	# program (pid 1 is spared only signals other processes send).
	printf 'sleep 1\nsend x\\x03\nwait 15 intr \\^C\n' >"$T/script1"
	case $plat in
	vmm) set -- "$VMM" --timeout 60 "$GUEST" -- quiet cat ;;
	qemu-*)
		# shellcheck disable=SC2046
		set -- $(qemu_args "${plat#qemu-}" | sed 's/-serial stdio/-chardev stdio,id=con,signal=off -serial chardev:con/') -append "quiet cat"
		;;
	esac
	python3 "$T/drive.py" "$T/script1" -- timeout -k 5 70 "$@" >"$T/result" 2>"$T/tail"
	st=$(sed -n 's/^status \(-*[0-9]*\)$/\1/p' "$T/result")
	case $plat in qemu-*) [ -n "$st" ] && [ $((st & 1)) -eq 1 ] && st=$((st >> 1)) ;; esac
	want=130
	case $plat in qemu-*) want=2 ;; esac # isa-debug-exit keeps 7 bits: 130 & 127
	is "$(grep -c '^intr ok$' "$T/result")/$st" "1/$want" \
		"$plat: terminal: ^C ends the command line's program, pid 1 (SIGINT: 128 + 2)"
done

done_testing
