#!/bin/bash
# lde's user programs, unchanged but for the system-call layer
# (guest/lib/host/linux_shim.c maps lde's calls onto Linux's), run on the
# host in a chroot of the initrd's tree: crt0, the libc, exec with its
# PATH default, stdio buffering across fork, the seed programs, init's
# demo, and the usertests whose expectations Linux shares.  It checks the
# user side before and beside lde's kernel; the guest runs are tests/31.
. "$(dirname "$0")/lib/lde.sh"

ROOT=$LDE_TOP/build/tests/linux-root
if [ ! -e "$ROOT/.built" ]; then
	echo "1..1"
	echo "not ok 1 - $ROOT is built (make test builds it)"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP chroot needs root (CI and the developers' machines run as root)"
	exit 0
fi

# in_root CMD...: run CMD in the chroot with a timeout; sets OUT and STATUS.
in_root() {
	OUT=$(cd "$ROOT" && timeout -k 5 120 chroot "$ROOT" "$@" 2>&1 </dev/null)
	STATUS=$?
}

pid='[0-9]+'
in_root /bin/p1
is "$STATUS" 0 "p1 exits 0"
like "$OUT" "^hello, world \(pid:$pid\)\$" "p1: hello, world (pid:N)"
like "$OUT" "^hello, I am child \(pid:$pid\)\$" "p1: the child's line"
like "$OUT" "^hello, I am parent of $pid \(pid:$pid\)\$" "p1: the parent's line"
is "$(printf '%s\n' "$OUT" | grep -c '^hello, world')" 1 "p1: the first line is printed once (flushed before fork)"

in_root /bin/p2
is "$(printf '%s\n' "$OUT" | sed -E "s/$pid/N/g")" "hello world (pid:N)
hello, I am child (pid:N)
hello, I am parent of N (wc:N) (pid:N)" "p2: the seed's three lines, the child's first"

# Through a pipe, stdout is still line buffered: the same order.
in_root /bin/p3
wc_line="$(wc -l -w -c <"$LDE_TOP/guest/user/p3.c" | awk '{print $1, $2, $3}') p3.c"
is "$(printf '%s\n' "$OUT" | sed -E "s/\(pid:$pid\)/(pid:N)/g; s/of $pid \(wc:$pid\)/of N (wc:N)/")" \
	"hello world (pid:N)
hello, I am child (pid:N)
$wc_line
hello, I am parent of N (wc:N) (pid:N)" "p3: the child becomes wc p3.c, counted as the host counts"

in_root /init demo
is "$STATUS" 0 "init demo exits 0"
is "$(printf '%s\n' "$OUT" | grep '^init:')" "init: running p1
init: running p2
init: running p3
init: demo done" "init demo runs p1, p2, p3"

while read -r want args; do
	# shellcheck disable=SC2086
	in_root $args
	is "$STATUS" "$want" "'$args' exits $want"
done <<'CASES'
0 /bin/true
1 /bin/false
0 /bin/nop
2 /bin/spin nonsense
0 /bin/spin 50ms
42 /bin/usertests --child exit 42
139 /bin/usertests --child segv
CASES
in_root /bin/echo -n "a  b" c
is "$OUT" "a  b c" "echo -n keeps its words"
in_root /bin/cat /p1.c
is "$OUT" "$(cat "$LDE_TOP/guest/user/p1.c")" "cat prints a file"
in_root /bin/wc /p1.c /p2.c
like "$OUT" '^[0-9]+ [0-9]+ [0-9]+ total$' "wc totals several files"

# usertests whose expectations hold on Linux too (lde-only calls, limits
# and the entry contract are for the guest runs).
tests="fork_basic exit_status fault_status wait_any waitpid_specific waitpid_nohang
wait_nochild fork_copy preempt fpu_preempt sleep_time yield exec_missing exec_notelf exec_args
exec_bigargs exec_fpu exec_pid exec_path memfault privileged stack_usable stack_overflow
sbrk_basic sbrk_shrink malloc_stress enosys badfd sig_handler sig_kill sig_default sig_ignore
sig_chld sig_alarm sig_mask sig_fault_handler sig_bad_sigreturn sig_fpu sig_pgrp pipe_basic
pipe_eof pipe_epipe pipe_big pipeline100 fd_inherit close_stdout file_rw file_append
file_seek file_stat initrd_files cwd"
# shellcheck disable=SC2086
in_root /bin/usertests $tests
is "$STATUS" 0 "usertests (Linux-compatible subset) exits 0"
for t in $tests; do
	like "$OUT" "^PASS $t( |\$)" "usertests $t"
done
printf '%s\n' "$OUT" | grep -E '^(FAIL|SKIP) ' | sed 's/^/# /'
done_testing
