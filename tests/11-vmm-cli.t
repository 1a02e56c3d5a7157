#!/bin/bash
# The vmm's command line and its refusals, before any guest runs: options,
# guest files, every malformed ELF (crafted by build/tests/unit/mkelf),
# --mem against the image, and /dev/kvm missing, denied or not KVM.
# Each error: its exit status, its message, and exactly one line on stderr.
. "$(dirname "$0")/lib/lde.sh"

MKELF=$LDE_TOP/build/tests/unit/mkelf
HOSTILE=$LDE_TOP/build/tests/guest/hostile.elf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# vmm ARGS...: runs the vmm (10 s at most); sets ST, OUT (stdout), ERR.
vmm() {
	timeout -k 2 10 "$VMM" "$@" </dev/null >"$T/out" 2>"$T/err"
	ST=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# refuse NAME STATUS REGEX ARGS...: the vmm exits STATUS with one line on
# stderr matching REGEX (grep -E) and prints nothing on stdout.
refuse() {
	_name=$1 _st=$2 _re=$3
	shift 3
	vmm "$@"
	is "$ST" "$_st" "$_name: exit $_st"
	like "$ERR" "$_re" "$_name: says why"
	is "$(printf '%s' "$ERR" | grep -c '')/$(wc -c <"$T/out")" "1/0" \
		"$_name: one line on stderr, nothing on stdout"
}

# ERE-quote a literal string.
quote_re() { printf '%s' "$1" | sed 's/[][().*+?^$|{}\\]/\\&/g'; }

need_built "$VMM" "$MKELF" "$HOSTILE"

# ---- options ----
vmm --help
is "$ST" 0 "--help: exit 0"
like "$OUT" '^usage: vmm \[options\] guest\.elf \[-- guest command line\.\.\.\]$' "--help: usage on stdout"
like "$OUT" '--mem SIZE' "--help: lists --mem"
like "$OUT" '--timeout SECS' "--help: lists --timeout"
like "$OUT" '--initrd FILE' "--help: lists --initrd"
is "$ERR" "" "--help: nothing on stderr"
vmm -h
is "$ST/$(printf '%s\n' "$OUT" | head -1)" "0/usage: vmm [options] guest.elf [-- guest command line...]" "-h: usage"
vmm --version
VERSION=$OUT
is "$ST" 0 "--version: exit 0"
like "$OUT" '^vmm \(lde\) [0-9]+\.[0-9]+\.[0-9]+$' "--version: one version line"
vmm -V
is "$ST/$OUT" "0/$VERSION" "-V: same as --version"

# name|status|regex|arguments (word-split by eval)
LONG=$(head -c 4096 /dev/zero | tr '\0' a)
while IFS='|' read -r name st re args; do
	[ -z "$name" ] && continue
	eval "set -- $args"
	refuse "$name" "$st" "$re" "$@"
done <<CASES
no arguments|64|^vmm: no guest ELF given; usage: vmm \[options\] guest\.elf|
unknown long option|64|^vmm: --bogus: unknown option; see vmm --help$|--bogus g.elf
unknown short option|64|^vmm: -x: unknown option; see vmm --help$|-x g.elf
--help with an argument|64|^vmm: --help: takes no argument|--help=yes
--mem without argument|64|^vmm: --mem: needs an argument|g.elf --mem
--mem 4M|64|^vmm: --mem 4M: below the minimum 8M$|--mem 4M g.elf
--mem 0|64|^vmm: --mem 0: below the minimum 8M$|--mem 0 g.elf
--mem 4G|64|^vmm: --mem 4G: above the maximum 3G \(guest RAM must end below the MMIO hole at 3 GiB\)$|--mem 4G g.elf
--mem 3073M (crosses the hole)|64|^vmm: --mem 3073M: above the maximum 3G|--mem 3073M g.elf
-m 10001K|64|^vmm: -m 10001K: not a multiple of 4K$|-m 10001K g.elf
--mem=lots|64|^vmm: --mem lots: not a size; give a number with K, M or G|--mem=lots g.elf
--mem 64MB|64|^vmm: --mem 64MB: not a size|--mem 64MB g.elf
--mem -64M|64|^vmm: --mem -64M: not a size|--mem -64M g.elf
--timeout abc|64|^vmm: --timeout abc: not a number of seconds|--timeout abc g.elf
--timeout -1|64|^vmm: --timeout -1: not a number of seconds|--timeout -1 g.elf
two guests|64|^vmm: selftest: unexpected argument; the guest command line goes after --$|g.elf selftest
command line over 4095 bytes|64|^vmm: guest command line: longer than 4095 bytes|g.elf -- $LONG
missing guest|66|^vmm: $T/missing\.elf: No such file or directory$|$T/missing.elf
guest is a directory|66|^vmm: $T: is a directory, not a guest ELF$|$T
guest is a device|66|^vmm: /dev/null: not a regular file, so not a guest ELF$|/dev/null
missing initrd|66|^vmm: $T/missing\.cpio: No such file or directory$|--initrd $T/missing.cpio $HOSTILE
initrd is a directory|66|^vmm: $T: is a directory, not an initrd$|--initrd $T $HOSTILE
CASES

# Unreadable: root reads anything, so check it as nobody when root.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	cp "$HOSTILE" "$T/secret.elf" && chmod 600 "$T/secret.elf" && chmod 755 "$T"
	timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups "$VMM" "$T/secret.elf" \
		</dev/null >/dev/null 2>"$T/err2"
	is "$?" 66 "unreadable guest: exit 66"
	like "$(cat "$T/err2")" "^vmm: $(quote_re "$T")/secret\.elf: Permission denied$" "unreadable guest: says why"
else
	skip "unreadable guest: exit 66" "needs root to switch to an unprivileged user"
	skip "unreadable guest: says why" "needs root to switch to an unprivileged user"
fi

# ---- files that are not PVH ELFs ----
printf '#!/bin/sh\necho hi\n' >"$T/script.sh"
: >"$T/empty"
truncate -s 2G "$T/huge.elf"
head -c 100 "$HOSTILE" >"$T/cut.elf"
refuse "a shell script" 65 "^vmm: $T/script\.sh: not an ELF file \(no .177ELF magic\)$" "$T/script.sh"
refuse "an empty file" 65 "^vmm: $T/empty: not an ELF file" "$T/empty"
refuse "a 2G file" 65 "^vmm: $T/huge\.elf: larger than 1G, not a guest kernel$" "$T/huge.elf"
refuse "a host PIE (/usr/bin/true)" 65 "^vmm: /usr/bin/true: not an executable: e_type ET_DYN, want ET_EXEC$" /usr/bin/true
refuse "truncated guest" 65 "^vmm: $T/cut\.elf: program headers outside the file" "$T/cut.elf"

# Every crafted ELF mkelf writes: the malformed ones refused with the rule
# they break (the valid ones run in 12-vmm-guests.t).
if "$MKELF" "$T" >"$T/list"; then pass "mkelf writes the crafted ELFs"; else fail "mkelf writes the crafted ELFs"; fi
while IFS=$'\t' read -r file msg; do
	[ -z "$msg" ] && continue
	refuse "crafted $file" 65 "^vmm: $T/$file: .*$(quote_re "$msg")" "$T/$file"
done <"$T/list"

# ---- --mem against the image and the initrd ----
# bss-to-16m.elf ends at 16M: it needs 16M + 4M free.
refuse "--mem too small for the image" 64 \
	"^vmm: --mem 16M: too small for $T/bss-to-16m\.elf \(image to 16384K, initrd 0K, 4M free\); use --mem 20M$" \
	--mem 16M "$T/bss-to-16m.elf"
truncate -s 10M "$T/rd.cpio"
refuse "--mem too small for image and initrd" 64 \
	"^vmm: --mem 12M: too small for $(quote_re "$HOSTILE") and $T/rd\.cpio .*initrd 10240K, 4M free\); use --mem 16M$" \
	--mem 12M --initrd "$T/rd.cpio" "$HOSTILE"
truncate -s 3G "$T/big.cpio"
refuse "an initrd that can never fit" 64 "use --mem [0-9]+M, which is above the maximum 3G$" \
	--initrd "$T/big.cpio" "$HOSTILE"

# ---- /dev/kvm missing, not KVM, not accessible: simulated as root in a
# private mount namespace and as an unprivileged user ----
if [ "$(id -u)" -eq 0 ] && unshare -m true 2>/dev/null && [ -e /dev/kvm ]; then
	unshare -m sh -c "mount -t tmpfs none /dev && exec '$VMM' '$HOSTILE' -- exit0" \
		</dev/null >/dev/null 2>"$T/err"
	is "$?" 69 "no /dev/kvm: exit 69"
	like "$(cat "$T/err")" '^vmm: /dev/kvm: No such file or directory; load KVM' "no /dev/kvm: says why and what to do"
	unshare -m sh -c "mount --bind /dev/null /dev/kvm && exec '$VMM' '$HOSTILE' -- exit0" \
		</dev/null >/dev/null 2>"$T/err"
	is "$?" 76 "/dev/kvm not KVM: exit 76"
	like "$(cat "$T/err")" '^vmm: /dev/kvm: not a KVM device \(KVM_GET_API_VERSION: ' "/dev/kvm not KVM: says why"
	chmod 755 "$T"
	timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups "$VMM" "$HOSTILE" -- exit0 \
		</dev/null >/dev/null 2>"$T/err2"
	st=$?
	if [ "$(stat -c %a /dev/kvm)" = 666 ]; then
		skip "/dev/kvm denied: exit 77" "/dev/kvm is world-writable here"
		skip "/dev/kvm denied: says what to do" "/dev/kvm is world-writable here"
	else
		is "$st" 77 "/dev/kvm denied: exit 77"
		like "$(cat "$T/err2")" '^vmm: /dev/kvm: Permission denied; add yourself to group kvm .* or run as root$' "/dev/kvm denied: says what to do"
	fi
	# A malformed guest is reported even where there is no KVM at all.
	unshare -m sh -c "mount -t tmpfs none /dev && exec '$VMM' '$T/script.sh'" \
		</dev/null >/dev/null 2>"$T/err"
	is "$?/$(cat "$T/err")" "65/vmm: $T/script.sh: not an ELF file (no \\177ELF magic)" "bad ELF reported before /dev/kvm is needed"
else
	for n in "no /dev/kvm: exit 69" "no /dev/kvm: says why" "/dev/kvm not KVM: exit 76" \
		"/dev/kvm not KVM: says why" "/dev/kvm denied: exit 77" "/dev/kvm denied: says what to do" \
		"bad ELF reported before /dev/kvm is needed"; do
		skip "$n" "needs root, unshare and /dev/kvm to simulate"
	done
fi

done_testing
