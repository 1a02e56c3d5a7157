#!/bin/bash
# The vmm built with AddressSanitizer and UndefinedBehaviorSanitizer
# (make vmm-asan: build/asan/vmm, dynamically linked, its sandbox on)
# against the tests: its host unit tests, then whole test files with
# LDE_VMM pointing at it.  Any sanitizer report fails: reports go to log
# files (log_path) so the tests' own checks of stderr still hold, and
# every report found is shown.  abort_on_error makes a report also end
# the vmm with SIGABRT, which the test it runs in notices.  Checks of the
# plain vmm's memory footprint (peak RSS) are shown, not counted.
#
# By default (make test) the vmm's own tests: 11, 12, 13, 50, 71 (about a
# minute).  LDE_ASAN_FULL=1 (make test-asan) adds every test that boots a
# guest on the vmm: 2*, 3*, 4*, 5*.
. "$(dirname "$0")/lib/lde.sh"

ASAN_VMM=$LDE_TOP/build/asan/vmm
ASAN_UNIT=$LDE_TOP/build/asan/vmm-unit
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

files="11-vmm-cli 12-vmm-guests 13-vmm-tty 50-trace 71-hostile-guests"
if [ -n "${LDE_ASAN_FULL:-}" ]; then
	files="$files $(cd "$LDE_TOP/tests" && ls [2345]*.t | sed 's/\.t$//' | grep -v '^50-trace$' | tr '\n' ' ')"
fi

for f in "$ASAN_VMM" "$ASAN_UNIT"; do
	if [ ! -x "$f" ]; then
		echo "1..1"
		echo "not ok 1 - $f is built (make vmm-asan; make test builds it)"
		exit 1
	fi
done

export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:log_path=$T/report
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$T/report
export LDE_VMM=$ASAN_VMM

# reports: the sanitizer reports written since the last call (warnings
# that are not errors are shown but do not fail).
reports() {
	_bad=0
	for r in "$T"/report.*; do
		[ -e "$r" ] || continue
		if grep -Eq 'ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:' "$r"; then
			_bad=1
		fi
		diag "$(head -n 40 "$r")"
		mv "$r" "$T/seen.$(basename "$r")"
	done
	return $_bad
}

# The unit tests, sanitized (a regression test of a memory or UB finding
# fails here).
out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$ASAN_UNIT" 2>&1)
st=$?
n=$(printf '%s\n' "$out" | grep -c '^ok ')
if [ $st -eq 0 ] && reports; then pass "host unit tests under ASan/UBSan: $n pass, no report"; else
	fail "host unit tests under ASan/UBSan: $n pass, no report"
	diag "$(printf '%s\n' "$out" | grep -v '^ok ' | tail -n 20)"
fi

# The sandbox stays on in this build; it still stops what it forbids.
LDE_VMM_SECCOMP_SELFTEST=socket "$ASAN_VMM" "$LDE_TOP/build/tests/guest/hostile.elf" -- exit0 \
	</dev/null >/dev/null 2>"$T/err"
is "$?/$(head -1 "$T/err")" \
	"127/vmm: sandbox: forbidden system call socket (41); the vmm stopped itself" \
	"the ASan build's sandbox still stops a forbidden call"

# A test file's TAP: every planned check ran and passed, except checks of
# the vmm's memory footprint ("peak RSS"), which measure the plain build:
# ASan's allocator and shadow memory are not the vmm's.
tap_ok() {
	_plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$1" | tail -1)
	_ran=$(grep -Ec '^(not )?ok ' "$1")
	[ -n "$_plan" ] && [ "$_plan" = "$_ran" ] || return 1
	! grep '^not ok ' "$1" | grep -vq 'peak RSS'
}

for f in $files; do
	start=$(date +%s)
	(cd "$LDE_TOP" && bash "tests/$f.t") >"$T/tap" 2>&1
	secs=$(($(date +%s) - start))
	rss=$(grep '^not ok .*peak RSS' "$T/tap" | sed 's/^not ok [0-9]* - //')
	if tap_ok "$T/tap" && reports; then
		pass "tests/$f.t against the ASan/UBSan vmm: all pass, no report (${secs} s)"
		[ -n "$rss" ] && diag "not counted here (footprint of the plain build): $rss"
	else
		fail "tests/$f.t against the ASan/UBSan vmm: all pass, no report (${secs} s)"
		diag "$(grep -E '^not ok|^# |^1\.\.' "$T/tap" | head -n 30)"
	fi
done

done_testing
