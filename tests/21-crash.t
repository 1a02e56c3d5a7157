#!/bin/bash
# 21-crash.t: a kernel-mode fault on purpose (`selftest=crash...`) ends in
# a dump -- the vector's name, error code, RIP, CR2, the registers -- and
# LDE_STATUS_PANIC (120), on every platform.  Panics and failed asserts
# report their cause and end the same way.
. "$(dirname "$0")/lib/lde.sh"

# name | what the report must show (grep -E)
cases='crash|vector 14 \(#PF page fault\), error 0x2 \[not present, write, kernel\]
crash-gp|vector 13 \(#GP general protection\), error 0x0
crash-ud|vector 6 \(#UD invalid opcode\)
crash-de|vector 0 \(#DE divide error\)
crash-df|vector 8 \(#DF double fault\)
crash-panic|^panic: selftest=crash-panic: panic on purpose
crash-assert|^panic: assertion failed: '

for plat in $(guest_platforms); do
	while IFS='|' read -r name want; do
		run_guest "$plat" -- quiet "selftest=$name"
		is "$STATUS" 120 "$plat $name: ends with LDE_STATUS_PANIC"
		like "$OUT" "$want" "$plat $name: reports the cause"
		case $name in crash-panic | crash-assert) continue ;; esac
		dump=ok
		for reg in RIP CS RFLAGS RSP SS CR2 CR3 RAX RBX RCX RDX RSI RDI RBP R8 R9 R10 R11 R12 \
			R13 R14 R15; do
			printf '%s\n' "$OUT" | grep -Eq "(^| )$reg +(0x)?[0-9a-f]{4,16}( |$)" || dump="no $reg"
		done
		is "$dump" ok "$plat $name: dump shows every register"
		like "$OUT" '^panic: kernel exception ' "$plat $name: then panics"
	done <<<"$cases"
	# The page fault's address is the one the kernel wrote to.
	run_guest "$plat" -- quiet selftest=crash
	like "$OUT" 'CR2 0x000000000dead000' "$plat crash: CR2 is the faulting address"
done
done_testing
