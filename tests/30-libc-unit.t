#!/bin/bash
# The user libc's portable parts on the host (cmocka, tests/unit/libc_*.c:
# printf against glibc, string.h, strtol, malloc over a fake sbrk, stdio
# buffering over fake descriptors, argument and environment helpers).
# Each binary's TAP lines become checks of this one stream.
. "$(dirname "$0")/lib/lde.sh"

for src in "$LDE_TOP"/tests/unit/libc_*.c; do
	name=$(basename "$src" .c)
	[ "$name" = libc_fake ] && continue
	bin=$LDE_TOP/build/tests/$name
	if [ ! -x "$bin" ]; then
		fail "$name is built (make test builds it)"
		continue
	fi
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 120 "$bin" 2>&1)
	rc=$?
	nok=0 nfail=0
	while IFS= read -r line; do
		case $line in
		"ok "*)
			pass "$name: ${line#ok * - }"
			nok=$((nok + 1))
			;;
		"not ok "*)
			fail "$name: ${line#not ok * - }"
			nfail=$((nfail + 1))
			printf '%s\n' "$out" | sed -n "/^${line//\//\\/}\$/,/^\(ok\|not ok\) /p" |
				grep '^#' | head -n 20
			;;
		esac
	done <<<"$out"
	# A crash or a timeout leaves fewer lines than tests; say so.
	if [ "$rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
		fail "$name exits 0"
		diag "exit status $rc after $nok passing tests:" "$(printf '%s\n' "$out" | tail -n 5)"
	fi
	[ "$nok" -gt 0 ] || [ "$nfail" -gt 0 ] || fail "$name reported no test"
done
done_testing
