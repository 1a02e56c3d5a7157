#!/bin/bash
# The shell (issue 4), driven from the host on every platform.
#
# 1. A table of `sh -c` runs, each compared with the output it must print
#    (stdout and stderr, in order, the kernel's own "fault:" lines left
#    out) and the status the vmm must exit with: pipelines, redirection,
#    $?, ; && ||, quoting, background jobs with ps and kill, statuses.
#    They run first in a chroot on Linux (the same program over
#    guest/lib/host/linux_shim.c: the shell's own logic), then under
#    ./vmm, QEMU -accel kvm and QEMU TCG (the shell on lde's kernel).
# 2. Scripted standard input to the default boot (init -> sh), as in
#    `printf 'p2\nps\n' | ./vmm guest.elf`: the vmm's run ends at end of
#    input with the last command's status, and prints no prompts.  QEMU's
#    serial console has no end of input, so there the scripts end with
#    `exit N` (and the guest sees a terminal: prompts and echo appear).
. "$(dirname "$0")/lib/lde.sh"

ROOT=$LDE_TOP/build/tests/linux-root
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

platforms=
if [ -e "$ROOT/.built" ] && [ "$(id -u)" -eq 0 ]; then
	platforms=linux
else
	diag "no Linux chroot run (needs root and make test's $ROOT)"
fi
platforms="$platforms $(guest_platforms)"

# sh_run PLAT CMD [ARGS...]: sh -c CMD ARGS on PLAT; sets OUT and STATUS.
sh_run() {
	_p=$1
	shift
	if [ "$_p" = linux ]; then
		OUT=$(cd "$ROOT" && timeout -k 5 30 chroot "$ROOT" /bin/sh -c "$@" 2>&1 </dev/null)
		STATUS=$?
	else
		LDE_TEST_TIMEOUT=30 run_guest "$_p" -- quiet sh -c "$@"
	fi
	OUT=$(printf '%s\n' "$OUT" | grep -Ev '^fault: pid [0-9]+ ')
}

# want_status PLAT N: N as the platform reports it (QEMU's isa-debug-exit
# keeps 7 bits: 128 + S arrives as S).
want_status() {
	case $1 in qemu-*) echo $(($2 & 127)) ;; *) echo "$2" ;; esac
}

# t NAME STATUS CMD WANT [guest]: sh -c CMD prints exactly WANT and exits
# STATUS; with "guest", not on Linux (lde-only programs or messages).
t() {
	[ "${5:-}" = guest ] && [ "$plat" = linux ] && return
	sh_run "$plat" "$3"
	is "$OUT" "$4" "$plat: $1: output"
	is "$STATUS" "$(want_status "$plat" "$2")" "$plat: $1: status $2"
}

# tl NAME STATUS CMD REGEX...: every REGEX matches a line of the output
# (guest only: these use ps).
tl() {
	[ "$plat" = linux ] && return
	_name=$1 _st=$2 _cmd=$3
	shift 3
	sh_run "$plat" "$_cmd"
	for _re in "$@"; do
		like "$OUT" "$_re" "$plat: $_name: /$_re/"
	done
	is "$STATUS" "$(want_status "$plat" "$_st")" "$plat: $_name: status $_st"
}

F=/tmp-40-shell # a scratch file in the guest's (or the chroot's) root

for plat in $platforms; do
	# Pipelines
	t "pipeline" 0 'echo a b c | wc' '1 3 6'
	t "3-stage pipeline" 0 'echo a b c | cat | wc -w' '3'
	t "10-stage pipeline" 0 'echo x | cat | cat | cat | cat | cat | cat | cat | cat | wc -c' '2'
	t "pipeline status is the last command's" 0 'false | true; echo $?; true | false; echo $?' \
		$'0\n1'
	t "a pipeline of programs and files" 0 "cat /p1.c | head -3 | wc -l" '3'
	t "a built-in in a pipeline" 0 'help | head -1 | wc -l' '1'
	# Redirection
	t "> and <" 0 "echo hello > $F; cat < $F; rm $F" 'hello'
	t ">> appends" 0 "echo a > $F; echo b >> $F; echo c >> $F; cat $F; rm $F" $'a\nb\nc'
	t "> truncates" 0 "echo long-line > $F; echo x > $F; wc -c < $F; rm $F" '2'
	t "2> and 2>&1" 0 "cat /no-such 2> $F; wc -l < $F; cat /no-such 2>&1 | wc -l; rm $F" $'1\n1'
	t "redirection order: 2>&1 >file" 0 "cat /no-such 2>&1 > $F | wc -l; rm $F" '1'
	t "a missing input file" 1 'cat < /no-such' 'sh: /no-such: No such file or directory'
	t "wc p3.c reads the initrd's source" 0 'wc p3.c' \
		"$(wc -l -w -c <"$LDE_TOP/guest/user/p3.c" | awk '{print $1, $2, $3}') p3.c"
	# $? and lists
	t '$?' 0 'false; echo $?; true; echo $?; usertests --child exit 42; echo $?' $'1\n0\n42'
	t "not found is 127" 0 'nosuch; echo $?' $'sh: nosuch: not found\n127'
	t "; && ||" 0 'true && echo a; false && echo b; false || echo c; true || echo d' $'a\nc'
	t "&& || chains" 0 'false && echo no || echo yes; true || echo no && echo yes2' $'yes\nyes2'
	t "! inverts" 1 '! true' ''
	t "newlines separate commands" 0 $'echo one\necho two' $'one\ntwo'
	t "a line continued after |" 0 $'echo a b |\nwc -w' '2'
	# Quoting and expansion
	t "quoting" 0 "echo 'a  b' \"c  \$?\" d\\ \\ e \"q\\\"x\" '\$HOME' a\"b\"'c'" \
		'a  b c  0 d  e q"x $HOME abc'
	t "comments" 0 'echo a # b c' 'a'
	t "variables" 0 'X=1; echo $X ${X}y "$X"; unset X; echo "[$X]"' $'1 1y 1\n[]'
	t "assignment for one command" 0 'X=5 sh -c "echo \$X"; echo "[$X]"' $'5\n[]'
	t "export" 0 'export Y=7; sh -c "echo \$Y"' '7'
	t "an empty expansion vanishes, \"\" stays" 0 'sh -c "echo \$#" x $UNSET ""' '1'
	t "positional arguments" 0 "sh -c 'echo \$0 \$1 \$2 \$# \$@' name a b" 'name a b 2 a b'
	t "syntax error" 2 'echo a | | b' "sh: syntax error near '|'"
	t "unterminated quote" 2 "echo 'a" 'sh: syntax error: unexpected end of input'
	# Built-ins
	t "cd and pwd" 0 'cd /bin; pwd; cd ..; pwd; cd /no-such; echo $?' \
		$'/bin\n/\nsh: cd: /no-such: No such file or directory\n1'
	t "exit N" 7 'exit 7; echo not here' ''
	t "exit without N: the last status" 3 'usertests --child exit 3; exit' ''
	# Background jobs, ps and kill
	t "& and wait" 0 'spin 1 & echo started; wait; echo waited $?' $'started\nwaited 0'
	t "kill %1" 0 'spin & kill %1; wait %1; echo $?' '143'
	t "kill -9 \$!" 0 'spin & kill -9 $!; wait $!; echo $?' '137'
	t "kill -s USR1 with a pid" 0 'spin & kill -s USR1 $!; wait $!; echo $?' '138'
	t "kill -l" 0 'kill -l 143; /bin/kill -l 9' $'TERM\nKILL'
	t "jobs" 0 'spin & spin 100 & jobs; kill %1 %2; wait' \
		$'[1]-  Running                 spin &\n[2]+  Running                 spin 100 &'
	t "fg waits for a job" 0 'spin 300ms & fg %1; echo $?' $'spin 300ms\n0'
	t "kill %1 ends every process of a pipeline" 0 \
		'spin | spin & sleep 0.2; kill %1; wait %1; echo $?' '143'
	t "an and-or list in the background" 0 'false || echo bg-list & wait; echo $?' \
		$'bg-list\n0'
	tl "ps shows a background spin" 0 'spin & sleep 0.2; ps; kill %1' \
		'^ +PID +PPID +PGID +STATE +TICKS +SYSCALLS +SWITCH +WCHAN +NAME$' \
		'^ +[0-9]+ +[0-9]+ +[0-9]+ +(RUNNING|READY) .* spin$' \
		'^ +[0-9]+ +[0-9]+ +[0-9]+ +RUNNING .* ps$'
	# Deaths by signal: reported as shells do; 128 + S
	t "SIGSEGV" 139 'usertests --child segv' 'Segmentation fault (signal 11)'
	t "SIGKILL" 0 'sh -c '"'"'kill -9 $$; echo not here'"'"'; echo $?' \
		$'Killed (signal 9)\n137'
	t "sh -c statuses pass through" 1 'false' ''
done

# --- scripted standard input to the default boot (init -> sh) ----------------

# stdin_run PLAT SCRIPT: boot /init with SCRIPT on the console.
stdin_run() {
	printf '%s' "$2" >"$T/in"
	GUEST_STDIN=$T/in LDE_TEST_TIMEOUT=30 run_guest "$1" -- quiet
	OUT=$(printf '%s\n' "$OUT" | grep -Ev '^fault: pid [0-9]+ ')
}

pid='[0-9]+'
for plat in $(guest_platforms); do
	case $plat in
	vmm) end= eot= ;;                # the vmm's end of input ends the shell (and cat)
	*) end=$'exit\n' eot=$'\004' ;; # QEMU: no end of input; Ctrl-D, then exit
	esac
	stdin_run "$plat" $'p2\nps\n'"$end"
	is "$STATUS" 0 "$plat: printf 'p2\\nps\\n' | guest: status 0"
	like "$OUT" "^hello, I am child \(pid:$pid\)\$" "$plat: p2 ran from standard input"
	like "$OUT" "^hello, I am parent of ($pid) \(wc:\1\) \(pid:$pid\)\$" "$plat: p2's parent line"
	like "$OUT" '^ +PID +PPID +PGID +STATE ' "$plat: ps ran after it"
	like "$OUT" "^ +1 +0 +1 +BLOCKED .* wait +init\$" "$plat: ps shows init waiting for the shell"
	like "$OUT" "^ +$pid +1 +$pid +[A-Z]+ .* sh\$" "$plat: ps shows the shell, init's child"

	stdin_run "$plat" $'echo a b c | wc\nexit 7\necho not here\n'
	is "$STATUS" 7 "$plat: exit 7 from standard input: the vmm exits 7"
	like "$OUT" '^1 3 6$' "$plat: a pipeline from standard input"
	unlike "$OUT" '^not here' "$plat: nothing runs after exit"

	stdin_run "$plat" $'spin &\nsleep 0.2; ps\nkill %1; wait %1; echo killed $?\n'"$end"
	like "$OUT" "^ +$pid +$pid +$pid +(RUNNING|READY) .* spin\$" "$plat: a background spin in ps"
	like "$OUT" '^killed 143$' "$plat: kill %1 ends it (128 + SIGTERM)"
	is "$STATUS" 0 "$plat: the job session ends with status 0"

	stdin_run "$plat" $'cat\nthis line is for cat\n'"$eot$end"
	like "$OUT" '^this line is for cat$' "$plat: a command reads the rest of the shell's input"

	if [ "$plat" = vmm ]; then
		stdin_run vmm $'false\n'
		is "$STATUS" 1 "vmm: printf 'false\\n' | vmm: status 1 at end of input"
		stdin_run vmm $'echo one\necho two\n'
		is "$OUT" $'one\ntwo' "vmm: input that is not a terminal: no prompt, no echo"
	else
		skip "$plat: end of input ends the shell" "QEMU's serial console has no end of input"
		skip "$plat: no prompt or echo from a pipe" "under QEMU the guest cannot tell a pipe from a terminal"
	fi
done
done_testing
