#!/bin/bash
# 81-run-libvirt.t: make run-libvirt / tests/vm/run-libvirt runs guest.elf as
# a transient libvirt domain (tests/vm/lde-domain.xml.in: QEMU microvm,
# direct kernel boot, console to a file, isa-debug-exit) and returns the
# guest's status: installs libvirt when missing, starts libvirtd and
# virtlogd, checks the domain XML against libvirt's schema, the status
# table, the command line, --mem/--initrd, --timeout (the domain destroyed),
# domain type qemu (TCG), and that no domain, log or console file is left.
# usertests runs through libvirt in 83-differential.t.
. "$(dirname "$0")/lib/lde.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP libvirt's system instance (qemu:///system) needs root"
	exit 0
fi
RL=$LDE_TOP/tests/vm/run-libvirt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if have_kvm; then type=kvm why=''; else
	type=qemu why='no usable /dev/kvm: '
	diag "no usable /dev/kvm: run-libvirt creates domains of type qemu (TCG) here"
fi

# rl ARGS...: run-libvirt; sets OUT (stdout: the console), ERR, STATUS, NAME.
rl() {
	timeout -k 5 300 "$RL" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	STATUS=$?
	OUT=$(tr -d '\r' <"$tmp/out")
	ERR=$(cat "$tmp/err")
	NAME=$(sed -n 's/^run-libvirt: \(lde-run-[0-9]*\): .*/\1/p' "$tmp/err" | head -n 1)
}
# gone: NAME's domain, log and console directory are all gone.
gone() {
	if [ -z "$NAME" ]; then fail "$1: nothing left behind (no domain name on stderr)"; return; fi
	left=
	virsh -q -c qemu:///system domstate "$NAME" >/dev/null 2>&1 && left="$left domain"
	[ -e "/var/log/libvirt/qemu/$NAME.log" ] && left="$left log"
	is "${left:-none}" none "$1: $NAME left nothing behind (domain, log)"
}

rl -- quiet echo hello
is "$STATUS" 0 "echo: status 0"
is "$OUT" hello "echo: the console file's text on stdout, nothing else"
like "$ERR" "^run-libvirt: libvirt [0-9.]+/QEMU [0-9.]+, ${why}domain type $type[ ,].*QEMU microvm" \
	"stderr says libvirt's version and domain type $type${why:+, and why}"
gone "echo"

# The domain XML, filled in, against libvirt's schema.
"$RL" --print-xml --initrd "$LDE_TOP/build/initrd.cpio" -- selftest=cmdline 'a<b' 'c&d' >"$tmp/d.xml"
is "$?" 0 "--print-xml: status 0"
if command -v virt-xml-validate >/dev/null; then
	out=$(virt-xml-validate "$tmp/d.xml" domain 2>&1)
	ok $? "--print-xml: the domain validates against libvirt's schema ($out)"
else
	fail "--print-xml: virt-xml-validate missing although libvirt-clients was installed"
fi
like "$(cat "$tmp/d.xml")" "<cmdline>selftest=cmdline a&lt;b c&amp;d</cmdline>" "--print-xml: the command line XML-escaped"

# Status table: guest program | status (isa-debug-exit: the low 7 bits).
while IFS='|' read -r prog want; do
	rl -q -- quiet sh -c "$prog"
	is "$STATUS" "$want" "status: guest '$prog' -> $want"
done <<'CASES'
exit 7|7
exit 200|72
CASES

words=(selftest=cmdline 'a b' '' 'x"y' 'back\slash' "it's")
rl -q -- "${words[@]}"
is "$STATUS" 0 "cmdline: the kernel's checks pass"
got=$(printf '%s\n' "$OUT" | grep '^cmdline: ')
want=$("$LDE_TOP/tests/vm/run-qemu" -q --timeout 60 -- "${words[@]}" </dev/null 2>&1 | tr -d '\r' |
	grep '^cmdline: ')
is "$got" "$want" "cmdline: the same parsed words as under run-qemu (and ./vmm, tests/80)"

rl -q --mem 64M --initrd "$LDE_TOP/build/initrd.cpio" -- ls /
is "$STATUS" 0 "--mem 64M --initrd: status 0"
like "$OUT" '^memory: 6[0-3] MiB RAM' "--mem 64M: the guest has 64 MiB"
like "$OUT" '^initrd: [0-9]+ bytes \(PVH module 0\)' "--initrd: module 0"
like "$OUT" 'hw1\.c' "--initrd: the guest lists its files"

rl --timeout 2 -- quiet sleep 60
is "$STATUS" 124 "--timeout 2: status 124"
like "$ERR" "^run-libvirt: timed out after 2 s; lde-run-[0-9]+ destroyed" "--timeout: says so"
gone "--timeout"

rl --accel tcg -- quiet sh -c 'exit 3'
is "$STATUS" 3 "--accel tcg: status 3"
like "$ERR" "domain type qemu \(TCG, emulated CPU\)" "--accel tcg: a domain of type qemu"
gone "--accel tcg"

rl --bogus
is "$STATUS|$ERR" "64|run-libvirt: --bogus: unknown option (--help)" "refusal: --bogus, one line, 64"

OUT=$(cd "$LDE_TOP" && timeout 300 make --no-print-directory run-libvirt \
	ARGS="quiet sh -c 'echo via make'" 2>&1 </dev/null | tr -d '\r')
like "$OUT" '^via make$' "make run-libvirt ARGS=...: the guest ran"

done_testing
