#!/bin/bash
# 20-selftest.t: the kernel's self-checks (`selftest`) on every platform.
#
# Per platform: status 0, a plan line and as many check lines as it
# announces, no `not ok`; the command-line words the kernel printed are
# the ones given (the memory size is checked in the guest: expect_mem).
# Across platforms: the same set of checks ran everywhere (differential).
# ./vmm is part of `make test`'s deps: without it the vmm runs fail.
. "$(dirname "$0")/lib/lde.sh"

# Words after the kernel options, and how the kernel must print them.
words=('a b' 'say "hi"' 'back\slash' '' 'x=1')
want_args='cmdline: arg 0 "a b"
cmdline: arg 1 "say \"hi\""
cmdline: arg 2 "back\\slash"
cmdline: arg 3 ""
cmdline: arg 4 "x=1"'

first_plat= first_set=
for plat in $(guest_platforms); do
	case $plat in
	vmm)
		if [ -x "$VMM" ]; then pass "vmm: ./vmm exists"; else fail "vmm: ./vmm exists (make vmm)"; fi
		mem="--mem 64M" ;;
	*) mem="-m 64" ;;
	esac
	run_guest "$plat" $mem -- selftest expect_mem=64M expect_args=${#words[@]} "${words[@]}"
	checks=$(printf '%s\n' "$OUT" | grep -E '^(not )?ok [0-9]+ - ')
	nchecks=$(printf '%s\n' "$checks" | grep -c .)
	plan=$(printf '%s\n' "$OUT" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | head -n 1)

	is "$STATUS" 0 "$plat: selftest exits with status 0"
	[ "$STATUS" = 0 ] || diag "$(printf '%s\n' "$OUT" | tail -n 15)"
	if [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$nchecks" = "$plan" ]; then
		pass "$plat: plan 1..$plan, $nchecks check lines"
	else
		fail "$plat: plan '1..${plan:-?}' and $nchecks check lines"
	fi
	unlike "$checks" '^not ok' "$plat: every check passes"
	is "$(printf '%s\n' "$OUT" | grep '^cmdline: arg ')" "$want_args" \
		"$plat: command-line words arrive as given"

	# The set of checks, without verdicts and SKIP reasons.
	set=$(printf '%s\n' "$checks" | sed -E 's/^(not )?ok //; s/ # SKIP.*//')
	if [ "$nchecks" = 0 ]; then
		: # nothing ran: reported above
	elif [ -z "$first_plat" ]; then
		first_plat=$plat first_set=$set
	elif [ "$set" = "$first_set" ]; then
		pass "$plat: the same checks as on $first_plat"
	else
		fail "$plat: the same checks as on $first_plat"
		diag "$(diff <(printf '%s\n' "$first_set") <(printf '%s\n' "$set"))"
	fi
done
done_testing
