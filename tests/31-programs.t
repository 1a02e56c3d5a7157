#!/bin/bash
# User programs in the guest, on every platform (issue 3): the OSTEP seed
# programs p1-p3 print the seed's lines, the init demo runs them, exit
# statuses pass through to the host (128 + S for a death by signal S),
# and usertests passes through both system-call paths, skipping nothing.
. "$(dirname "$0")/lib/lde.sh"

pid='[0-9]+'
# wc's line for p3.c, as the host counts it: "lines words bytes p3.c".
wc_line="$(wc -l -w -c <"$LDE_TOP/guest/user/p3.c" | awk '{print $1, $2, $3}') p3.c"

# run PLAT ARGS...: run_guest with a 30 s limit (T=... overrides), unless p1
# already showed this platform runs no user program at all: then no boot,
# and every check that follows fails with the reason.
run() {
	_p=$1
	shift
	if [ -n "$dead" ]; then
		OUT="(not booted: $dead)"
		STATUS="not run"
		return
	fi
	LDE_TEST_TIMEOUT=${T:-30} run_guest "$_p" -- "$@"
}

# line_no TEXT REGEX: the number of the first line of TEXT matching REGEX, or 0.
line_no() {
	_n=$(printf '%s\n' "$1" | grep -nE -- "$2" | head -n 1 | cut -d: -f1)
	echo "${_n:-0}"
}

for plat in $(guest_platforms); do
	dead=
	# p1: hello, world, then the child's and the parent's lines in either order.
	run "$plat" p1
	is "$STATUS" 0 "$plat: p1 exits 0"
	if ! printf '%s\n' "$OUT" | grep -q '^hello'; then
		dead="p1 printed nothing on $plat (status $STATUS): the kernel runs no user program"
		diag "$dead; the other $plat checks fail without booting"
	fi
	like "$OUT" "^hello, world \(pid:$pid\)\$" "$plat: p1 says hello, world (pid:N)"
	like "$OUT" "^hello, I am child \(pid:$pid\)\$" "$plat: p1's child line"
	like "$OUT" "^hello, I am parent of $pid \(pid:$pid\)\$" "$plat: p1's parent line"
	child=$(printf '%s\n' "$OUT" | sed -nE "s/^hello, I am child \(pid:($pid)\)\$/\1/p")
	parent_of=$(printf '%s\n' "$OUT" | sed -nE "s/^hello, I am parent of ($pid) .*/\1/p")
	is "${parent_of:-none}" "${child:-no child line}" "$plat: p1's parent names its child's pid"

	# p2: the child's line always before the parent's, and wait returns the child.
	run "$plat" p2
	is "$STATUS" 0 "$plat: p2 exits 0"
	like "$OUT" "^hello world \(pid:$pid\)\$" "$plat: p2's first line"
	c=$(line_no "$OUT" "^hello, I am child \(pid:$pid\)\$")
	p=$(line_no "$OUT" "^hello, I am parent of $pid \(wc:$pid\) \(pid:$pid\)\$")
	if [ "$c" -gt 0 ] && [ "$p" -gt "$c" ]; then pass "$plat: p2's child line comes first"; else
		fail "$plat: p2's child line comes first"
		diag "child line $c, parent line $p in:" "$OUT"
	fi
	like "$OUT" "^hello, I am parent of ($pid) \(wc:\1\) " "$plat: p2's wait returns the child's pid"

	# p3: the child becomes `wc p3.c`; the parent waits for it.
	run "$plat" p3
	is "$STATUS" 0 "$plat: p3 exits 0"
	c=$(line_no "$OUT" "^hello, I am child \(pid:$pid\)\$")
	w=$(line_no "$OUT" "^$wc_line\$")
	p=$(line_no "$OUT" "^hello, I am parent of ($pid) \(wc:\1\) \(pid:$pid\)\$")
	if [ "$c" -gt 0 ] && [ "$w" -gt "$c" ] && [ "$p" -gt "$w" ]; then
		pass "$plat: p3: child, then wc's '$wc_line', then parent"
	else
		fail "$plat: p3: child, then wc's '$wc_line', then parent"
		diag "lines: child $c, wc $w, parent $p in:" "$OUT"
	fi
	if [ "$c" -gt 0 ] && ! printf '%s\n' "$OUT" | grep -qE "shouldn't print|exec wc"; then
		pass "$plat: p3's exec did not fail"
	else
		fail "$plat: p3's exec did not fail"
	fi

	# init's demo runs p1, p2, p3 in turn.
	run "$plat" /init demo
	is "$STATUS" 0 "$plat: the init demo exits 0"
	for prog in p1 p2 p3; do
		like "$OUT" "^init: running $prog\$" "$plat: the demo runs $prog"
	done
	like "$OUT" "^init: demo done\$" "$plat: the demo finishes"

	# Exit statuses pass through unchanged; a death by signal S gives 128 + S.
	while read -r want args; do
		# QEMU's isa-debug-exit exits with (V << 1) | 1 and only the low 8
		# bits of that reach us, so a status of 128 or more arrives as V & 127.
		case $plat in qemu-*) want=$((want & 127)) ;; esac
		# shellcheck disable=SC2086
		run "$plat" $args
		is "$STATUS" "$want" "$plat: '$args' gives status $want"
	done <<'CASES'
0 true
1 false
0 nop
0 echo hello
2 spin bad-duration
42 usertests --child exit 42
255 usertests --child exit 255
139 usertests --child segv
CASES
	run "$plat" echo "two words" 'a"quote' 'back\slash'
	like "$OUT" '^two words a"quote back\\slash$' "$plat: arguments reach the program intact"

	# usertests: every test through syscall, then all through int 0x80;
	# strict (-s): a test that skips because the kernel lacks a call fails.
	for flags in "-s" "-s -i"; do
		# shellcheck disable=SC2086
		T=600 run "$plat" usertests $flags
		what="$plat: usertests${flags:+ $flags}"
		is "$STATUS" 0 "$what exits 0 (no failure)"
		like "$OUT" "^usertests: [0-9]+ passed, 0 failed" "$what reports its summary"
		if printf '%s\n' "$OUT" | grep -q '^usertests: [0-9]* tests' &&
			! printf '%s\n' "$OUT" | grep -q '^FAIL '; then
			pass "$what: no FAIL line"
		else
			fail "$what: no FAIL line"
		fi
		printf '%s\n' "$OUT" | grep -E '^(SKIP|FAIL) ' | head -n 40 | sed 's/^/# /'
	done
done
done_testing
