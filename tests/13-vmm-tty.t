#!/bin/bash
# The vmm on a terminal: through a pseudo-terminal (python3's pty module)
# the vmm runs as the foreground job of its own session.  Raw mode while
# the guest runs, the terminal restored after a normal exit, a timeout, a
# fatal error and each stopping signal; Ctrl-A x quits, Ctrl-A Ctrl-A and
# Ctrl-C reach the guest, Enter arrives as CR, typed bytes reach an
# interrupt-driven guest.
. "$(dirname "$0")/lib/lde.sh"

GD=$LDE_TOP/build/tests/guest
FOREIGN=$GD/foreign.elf
HOSTILE=$GD/hostile.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

need_kvm
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP no python3 to drive a pseudo-terminal"
	exit 0
fi

# tty NAME ACTIONS VMM-ARGS...: runs the vmm on a pseudo-terminal
# (tests/lib/ptydrive.py); once it has switched the terminal to raw mode (or
# ended), performs ACTIONS (comma-separated: send:HEX, signal:NAME), 0.3 s
# apart; sets ST, RAW, RESTORED, OUT (the bytes in $T/out).
tty() {
	_name=$1 _act=$2
	shift 2
	{
		printf 'raw\t10\n'
		for _a in $(echo "$_act" | tr ',' ' '); do
			printf 'sleep\t0.3\n'
			case $_a in
			send:*) printf 'hex\t%s\n' "${_a#send:}" ;;
			signal:*) printf 'signal\t%s\n' "${_a#signal:}" ;;
			esac
		done
	} >"$T/script"
	eval "$(python3 "$LDE_TOP/tests/lib/ptydrive.py" "$T/out" "$T/script" -- "$VMM" "$@" |
		sed -n 's/^status=\(-*[0-9]*\) raw=\([01]\) restored=\([01]\)$/ST=\1 RAW=\2 RESTORED=\3/p')"
	OUT=$(tr -d '\0\r' <"$T/out")
}

# name|actions|status (negative: killed by that signal)|raw seen|output regex|vmm arguments
while IFS='|' read -r name act st raw re args; do
	[ -z "$name" ] && continue
	ST=x RAW=x RESTORED=x
	eval "set -- $args"
	tty "$name" "$act" "$@"
	is "$ST" "$st" "$name: status $st"
	[ "$raw" = 1 ] && is "$RAW" 1 "$name: raw mode while the guest runs"
	is "$RESTORED" 1 "$name: terminal restored"
	[ -n "$re" ] && like "$OUT" "$re" "$name: output"
done <<'CASES'
normal exit||43|0|^hello from a foreign PVH guest; cmdline: tty$|$FOREIGN -- tty
usage error||64|0|^vmm: --bogus: unknown option|--bogus $HOSTILE
fatal error (triple fault)||122|0|^vmm: guest: triple fault|$HOSTILE -- triple
--timeout||124|1|^vmm: guest: --timeout 1s expired$|--timeout 1 $HOSTILE -- spin
SIGTERM|signal:SIGTERM|-15|1|^vmm: SIGTERM: guest stopped$|--timeout 20 $HOSTILE -- spin
SIGINT|signal:SIGINT|-2|1|^vmm: SIGINT: guest stopped$|--timeout 20 $HOSTILE -- spin
SIGHUP|signal:SIGHUP|-1|1|^vmm: SIGHUP: guest stopped$|--timeout 20 $HOSTILE -- spin
SIGQUIT|signal:SIGQUIT|-3|1|^vmm: SIGQUIT: guest stopped$|--timeout 20 $HOSTILE -- spin
Ctrl-A x quits|send:0178|126|1|^vmm: console: Ctrl-A x: guest stopped$|--timeout 20 $HOSTILE -- spin
Ctrl-A h, then Ctrl-A x|send:0168,send:0178|126|1|^C-a x    exit the vmm \(status 126\)$|--timeout 20 $HOSTILE -- spin
typed bytes reach a polling guest|send:6869212e|0|1|hi!\.$|--timeout 20 $HOSTILE -- echo
typed bytes reach an IRQ-driven guest|send:6869212e|0|1|^echo-irq: ready|--timeout 20 $HOSTILE -- echo-irq
CASES

# Bytes the terminal would otherwise eat or turn into signals reach the
# guest raw: C-a C-a (one C-a), C-c, C-z, C-\, Enter (CR, not LF).
tty "control bytes" send:01010d031a1c2e --timeout 20 "$HOSTILE" -- echo
is "$ST/$RESTORED" "0/1" "control bytes: guest ends normally, terminal restored"
is "$(od -An -tx1 "$T/out" | tr -d ' \n')" "010d031a1c2e" \
	"control bytes: C-a C-a gives one C-a; CR, C-c, C-z, C-\\ pass as they are"
tty "IRQ-driven echo" send:6869212e --timeout 20 "$HOSTILE" -- echo-irq
like "$OUT" 'hi!\.$' "typed bytes reach an IRQ-driven guest: echoed"

done_testing
