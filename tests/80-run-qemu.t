#!/bin/bash
# 80-run-qemu.t: make run-qemu / tests/vm/run-qemu runs guest.elf under
# QEMU microvm as ./vmm runs it -- the same command line words, --mem and
# --initrd, the guest's status decoded from isa-debug-exit (7 bits), 124 on
# --timeout, 200 when QEMU ends without the guest's status (a QEMU error
# never reads as 0), one-line refusals -- plus the pieces it shares with the
# tests and libvirt (tests/vm/qemu.sh, tests/vm/libvirt-qemu).
. "$(dirname "$0")/lib/lde.sh"

RQ=$LDE_TOP/tests/vm/run-qemu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if have_kvm; then accel=kvm; else
	accel=tcg
	diag "no usable /dev/kvm: run-qemu runs QEMU TCG here, and these checks with it"
fi

# rq ARGS...: run-qemu with a timeout; sets OUT (stdout), ERR (stderr), STATUS.
rq() {
	timeout -k 5 120 "$RQ" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	STATUS=$?
	OUT=$(tr -d '\r' <"$tmp/out")
	ERR=$(cat "$tmp/err")
}

# The status table: guest program | status run-qemu returns.  isa-debug-exit
# keeps only the low 7 bits of the guest's status.
while IFS='|' read -r prog want; do
	rq -q -- quiet sh -c "$prog"
	is "$STATUS" "$want" "status: guest '$prog' -> $want"
done <<'CASES'
exit 0|0
exit 7|7
exit 127|127
exit 200|72
kill -9 $$|9
CASES

rq -- quiet echo hello
is "$STATUS" 0 "echo: status 0"
is "$OUT" hello "echo: the console on stdout, nothing else"
if [ $accel = kvm ]; then
	like "$ERR" "^run-qemu: QEMU microvm under KVM, -cpu host" "stderr says KVM and the -cpu"
else
	like "$ERR" "^run-qemu: QEMU microvm under no usable /dev/kvm: TCG" "stderr says TCG, and why"
fi

rq -q --accel tcg -- quiet sh -c 'exit 3'
is "$STATUS" 3 "--accel tcg: runs, status 3"
rq --accel tcg -- quiet true
like "$ERR" "under TCG \(emulated CPU\), -cpu max" "--accel tcg: stderr says TCG"

# The command line: the kernel sees the same words as under ./vmm.
words=(selftest=cmdline 'a b' '' 'x"y' 'back\slash' "it's")
rq -q -- "${words[@]}"
is "$STATUS" 0 "cmdline: the kernel's checks pass"
got=$(printf '%s\n' "$OUT" | grep '^cmdline: ')
if have_kvm; then
	want=$("$VMM" --timeout 30 "$GUEST" -- "${words[@]}" </dev/null 2>&1 | tr -d '\r' | grep '^cmdline: ')
	is "$got" "$want" "cmdline: the same parsed words as ./vmm"
else
	like "$got" '^cmdline: arg 2 "x\\"y"$' "cmdline: quoted words arrive whole"
fi

rq -q --mem 64M --initrd "$LDE_TOP/build/initrd.cpio" -- ls /
is "$STATUS" 0 "--mem 64M --initrd: status 0"
like "$OUT" '^memory: 6[0-3] MiB RAM' "--mem 64M: the guest has 64 MiB"
like "$OUT" '^initrd: [0-9]+ bytes \(PVH module 0\)' "--initrd: module 0, not the embedded one"
like "$OUT" 'hw1\.c' "--initrd: the guest lists its files"

rq -q --timeout 1 -- quiet sleep 30
is "$STATUS" 124 "--timeout 1: status 124"
like "$ERR" '^run-qemu: timed out after 1 s$' "--timeout: says so"

# Refusals: status | one line on stderr.
printf 'not an ELF\n' >"$tmp/notelf"
while IFS='|' read -r args want_st want_err; do
	eval "a=($args)"
	rq "${a[@]}"
	is "$STATUS" "$want_st" "refusal: $args -> $want_st"
	like "$ERR" "$want_err" "refusal: $args says why"
done <<CASES
--bogus|64|^run-qemu: --bogus: unknown option
--mem 12X|64|^run-qemu: --mem 12X: not a size
--timeout soon|64|^run-qemu: --timeout soon: not a number
--accel xen|64|^run-qemu: --accel xen: kvm or tcg
$tmp/missing.elf|66|^run-qemu: $tmp/missing.elf: no such file
--initrd $tmp|66|^run-qemu: $tmp: not a regular file
-q $tmp/notelf|200|QEMU exited 1 without the guest's status
CASES

# make run-qemu: ARGS split by the shell; INITRD=file is passed as -initrd
# and left alone (guest/user/build.mk's INITRD names the built archive).
cp "$LDE_TOP/build/initrd.cpio" "$tmp/my.cpio"
touch -d @1000000000 "$tmp/my.cpio"
OUT=$(cd "$LDE_TOP" && timeout 300 make --no-print-directory run-qemu \
	ARGS="quiet sh -c 'echo made; ls /'" INITRD="$tmp/my.cpio" MEM=64M 2>&1 </dev/null)
st=$?
OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
is "$st" 0 "make run-qemu ARGS=... INITRD=... MEM=...: status 0"
like "$OUT" '^made$' "make run-qemu: ARGS quoted as for make run"
like "$OUT" 'hw1\.c' "make run-qemu: the initrd reached the guest"
is "$(stat -c %Y "$tmp/my.cpio")" 1000000000 "make run-qemu INITRD=file: the file is not rebuilt"
cmp -s "$tmp/my.cpio" "$LDE_TOP/build/initrd.cpio"
ok $? "make run-qemu INITRD=file: its contents untouched"

# On a terminal: the shell prompts, Ctrl-C reaches the guest, `exit 5`.
if command -v tmux >/dev/null; then
	sock=$tmp/tmux
	tmux -S "$sock" new-session -d -x 100 -y 30 \
		"$RQ -q -- quiet sh; echo \"run-qemu status \$?\" >$tmp/tty.st; sleep 60"
	screen() { tmux -S "$sock" capture-pane -p 2>/dev/null; }
	waitfor() { for _ in $(seq 300); do screen | grep -q -- "$1" && return 0; sleep 0.1; done; return 1; }
	waitfor '^\$' && tmux -S "$sock" send-keys 'sleep 50' Enter && sleep 1 &&
		tmux -S "$sock" send-keys C-c && sleep 1 &&
		tmux -S "$sock" send-keys 'echo got $?' Enter
	waitfor '^got 130'
	ok $? "terminal: Ctrl-C stops the guest's foreground program, not QEMU"
	tmux -S "$sock" send-keys 'exit 5' Enter
	for _ in $(seq 200); do [ -s "$tmp/tty.st" ] && break; sleep 0.1; done
	is "$(cat "$tmp/tty.st" 2>/dev/null)" "run-qemu status 5" "terminal: the shell's exit 5 is run-qemu's status"
	tmux -S "$sock" kill-server 2>/dev/null
else
	skip "terminal checks" "tmux missing (.ci/deps test)"
	skip "terminal checks" "tmux missing (.ci/deps test)"
fi

# lde_qemu_status: QEMU's exit status | QEMU's stderr | the guest's status.
while IFS='|' read -r raw err want; do
	is "$(lde_qemu_status "$raw" "$err")" "$want" "lde_qemu_status $raw${err:+ ($err)} -> $want"
done <<'CASES'
1||0
15||7
255||127
0||200
124||124
137||124
1|qemu-system-x86_64: -kernel x: No such file|201
1|qemu: invalid kernel header|201
1|qemu-system-x86_64: warning: TCG doesn't support requested feature|0
CASES

# The -cpu probe answers host or host,-arch-capabilities (kvm), max (tcg).
is "$(lde_qemu_cpu tcg)" max "lde_qemu_cpu tcg: max"
if have_kvm; then
	like "$(lde_qemu_cpu kvm)" '^host(,-arch-capabilities)?$' "lde_qemu_cpu kvm: $(lde_qemu_cpu kvm)"
else
	skip "lde_qemu_cpu kvm" "no usable /dev/kvm"
fi

# tests/vm/libvirt-qemu (libvirt's emulator): passes the status through and
# logs it; forwards SIGTERM.
W=$LDE_TOP/tests/vm/libvirt-qemu
err=$(LDE_QEMU=sh "$W" -c 'exit 9' 2>&1)
is "$?|$err" "9|lde-libvirt-qemu: exit 9" "libvirt-qemu: exit status passed through and logged"
err=$(LDE_QEMU=sh "$W" -c 'kill -TERM $$' 2>&1)
is "$?|$err" "143|lde-libvirt-qemu: signal 15" "libvirt-qemu: death by signal logged as such"
LDE_QEMU=sleep "$W" 30 2>"$tmp/w.err" &
wpid=$!
sleep 0.5
child=$(pgrep -P "$wpid" -x sleep)
kill -TERM "$wpid"
wait "$wpid"
is "$?|$(cat "$tmp/w.err")" "143|lde-libvirt-qemu: signal 15" "libvirt-qemu: SIGTERM (libvirt's destroy) reaches QEMU"
if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then fail "libvirt-qemu: no QEMU left behind"; else
	pass "libvirt-qemu: no QEMU left behind"
fi

done_testing
