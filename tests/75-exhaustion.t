#!/bin/bash
# 75-exhaustion.t: the kernel at its resource limits (issue 7), through
# guest/user/exhaust.c, on every platform: a fork bomb fills the process
# table (EAGAIN, the system answers, all reaped); sbrk and fork run memory
# out (ENOMEM, the break holds, pages back); runaway recursion meets the
# guard page (SIGSEGV); a full pipe blocks its writer until the reader
# drains it, and full pipes run to EMFILE; open runs to EMFILE at
# descriptor 31; N fork/exit/wait lifetimes leave the free pages and
# processes where they were.  Every case ends with free pages and
# processes back and SYS_kcheck clean.  Lifetimes: 10 000 under QEMU TCG,
# 2 000 under the vmm and QEMU+KVM (kvm_pvm interprets ring 0: ~40 ms each).
. "$(dirname "$0")/lib/lde.sh"

# name|what the case shows
cases='forkbomb|a fork bomb fills the table: EAGAIN, the system answers, all reaped, fork works again
sbrk|sbrk until ENOMEM: the break holds, the pages are usable, half given back and taken again
forkmem|fork with memory exhausted: ENOMEM, everything back after
recursion|runaway recursion dies of SIGSEGV at the guard page, its pages come back
pipes|a full pipe blocks its writer ("pipe full") until the reader drains it; full pipes to EMFILE
files|open until EMFILE at descriptor 31; every descriptor closes; the lowest is reused
lifetimes|N fork/exit/wait lifetimes leave the free pages and the free process slots as they were'

for plat in $(guest_platforms); do
	case $plat in qemu-tcg) n=10000 ;; *) n=2000 ;; esac
	LDE_TEST_TIMEOUT=400 run_guest "$plat" -- quiet exhaust -n "$n"
	while IFS='|' read -r name what; do
		line=$(printf '%s\n' "$OUT" | grep -E "^exhaust: (PASS|FAIL) $name( |\$)" | head -n 1)
		case $line in
		"exhaust: PASS $name"*) pass "$plat: $name: $what" ;;
		*)
			fail "$plat: $name: $what"
			diag "${line:-no line for $name (status $STATUS)}"
			;;
		esac
	done <<<"$cases"
	is "$STATUS" 0 "$plat: exhaust -n $n exits 0"
	unlike "$OUT" '^(panic|kernel trap|kcheck:)' "$plat: no panic, kernel fault or invariant line"
done
done_testing
