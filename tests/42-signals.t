#!/bin/bash
# 42-signals.t: the kernel's side of signals (issue 4) on every platform,
# through `ktest sig` (guest/user/ktest/sig.c), one line per case: the
# frame at handler entry (below the red zone, %rsp + 8 aligned, restorer,
# registers, DF clear, a clean FPU, the interrupted state saved), every
# register and xmm register across an asynchronous signal, nesting,
# SA_NODEFER, SA_RESETHAND, the handler's mask, a handler moving RIP past
# a fault, forged frames refused by sigreturn, no stack for a frame,
# faults that blocking or ignoring cannot hide, read and wait restarted or
# EINTR (through `syscall` and `int 0x80`), sleep and pause, SIGKILL for
# processes blocked in every wait channel, what fork and exec keep, no
# stopped state, alarm.  usertests' signal group (tests/31) covers the
# basics.  Then, on lde's vmm, the signal events in the trace.
. "$(dirname "$0")/lib/lde.sh"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# name|what the case shows
cases='frame|the frame at handler entry: below the red zone, %rsp+8 aligned, restorer, context, DF clear, clean FPU, mask
regs|15 registers and xmm0-15 unchanged across an asynchronous signal whose handler uses the FPU
nest|a signal inside a handler nests; sa_mask defers it
nodefer|a handler raising its own signal: deferred, or nested with SA_NODEFER
resethand|SA_RESETHAND: the second delivery takes the default action
mask_in_handler|the handler runs with sa_mask and its signal blocked (never SIGKILL); the mask comes back
skip_insn|a SIGILL handler moves RIP past ud2 and sets RAX: sigreturn honours it
sigreturn|forged RIP (kernel, non-canonical, top page) and RSP are SIGSEGV; RFLAGS, MXCSR, mask sanitised
bad_stack|no stack to push a frame on: SIGSEGV
fault_unhidable|a fault with SIGSEGV blocked or ignored still kills
restart_read|read restarts under SA_RESTART (syscall and int 0x80), EINTR without; a blocked signal waits
restart_wait|waitpid restarts under SA_RESTART, EINTR without
sleep_eintr|sleep ends with EINTR even under SA_RESTART
pause|pause ignores an ignored signal, ends with EINTR after a caught one
sigchld_wait|a SIGCHLD handler does not break waitpid (SA_RESTART)
kill_blocked|BLOCKED in pipe, pause, sleep, wait, pipe full (WCHAN in ps); SIGKILL ends each
fork_keeps|fork keeps actions and mask, not pending signals or the alarm
exec_keeps|exec resets handlers, keeps ignored signals and the mask
stop|SIGSTOP and SIGTSTP stop nothing (no stopped state); SIGSTOP cannot be ignored or blocked
alarm|alarm(0) cancels; alarm(1) fires after a second while the process computes'

for plat in $(guest_platforms); do
	LDE_TEST_TIMEOUT=180 run_guest "$plat" -- quiet ktest sig
	ktest_report "$plat" sig "$cases"
done

# ---- the trace: one send for a group, a delivery per process -------------
if [ -x "$VMM" ] && have_kvm; then
	timeout -k 5 70 "$VMM" --timeout 60 --trace "$T/t.txt" --trace-events=signal,proc "$GUEST" \
		-- quiet usertests sig_pgrp sig_handler >"$T/out" 2>&1
	is "$?" 0 "trace: usertests sig_pgrp sig_handler pass"
	sends=$(grep -cE ' kill -> -[0-9]+ SIGTERM$' "$T/t.txt")
	is "$sends" 1 "trace: kill(-pgid, SIGTERM) is one send event for the group"
	dels=$(grep -cE ' signal SIGTERM delivered, handler 0x0$' "$T/t.txt")
	is "$dels" 3 "trace: SIGTERM delivered to each of the group's three processes (default action)"
	like "$(cat "$T/t.txt")" ' signal SIGUSR1 delivered, handler 0x[1-9a-f][0-9a-f]+$' \
		"trace: SIGUSR1 delivered to a user handler, its address in the event"
	like "$(cat "$T/t.txt")" ' kill -> [0-9]+ SIGCHLD$' "trace: SIGCHLD sent to the parent of an exiting child"
else
	skip "trace checks" "no /dev/kvm: the trace needs lde's vmm"
fi

done_testing
