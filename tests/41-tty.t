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
	python3 "$LDE_TOP/tests/lib/ptydrive.py" "$T/out" "$T/script" -- timeout -k 5 70 "$@" >"$T/result"
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
	res=$(sed -n 's/^status=\(-*[0-9]*\) raw=[01] restored=\([01]\)$/\1 \2/p' "$T/result")
	st=${res% *}
	case $plat in qemu-*) [ -n "$st" ] && [ $((st & 1)) -eq 1 ] && st=$((st >> 1)) ;; esac
	is "$st" 1 "$plat: the VM ends with the shell's status (false: 1)"
	is "${res#* }" 1 "$plat: the host terminal's settings are restored"
done
done_testing
