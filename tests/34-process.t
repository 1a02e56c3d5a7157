#!/bin/bash
# 34-process.t: the kernel's process layer seen from the host, on every
# platform (issue 3):
#  - the boot line names the system-call paths the probe found, sysinfo
#    agrees, and usertests' both-paths tests pass through each path;
#  - exit statuses pass through (a death by signal S gives 128 + S);
#  - every kind of user fault prints one line and the kernel keeps going
#    (single-stepping into either system-call instruction included);
#  - --initrd FILE (QEMU: -initrd) replaces the embedded archive, and
#    exec of missing and malformed ELFs returns an error to an intact
#    caller;
#  - an idle guest (a process sleeping) burns no host CPU (vmm only).
. "$(dirname "$0")/lib/lde.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TREE=$LDE_TOP/build/initrd
lstar=0x$(nm "$GUEST" | awk '$3 == "syscall_entry" {print $1}')

# QEMU's isa-debug-exit reports status V as (V << 1) | 1, cut to 8 bits by
# the host: only V & 0x7f survives there.
want_status() {
	case $1 in vmm) echo "$2" ;; *) echo $(($2 & 0x7f)) ;; esac
}

# --- a tiny initrd with malformed ELFs ------------------------------------
mkdir -p "$tmp/root/bin"
cp "$TREE/bin/ktest" "$TREE/bin/true" "$tmp/root/bin/"
cp "$TREE/bin/true" "$tmp/root/bin/only-in-module"
cp "$TREE/bin/ktest" "$tmp/root/init"
python3 - "$TREE/bin/true" "$tmp/root" <<'PY'
import struct, sys
src, root = sys.argv[1], sys.argv[2]
elf = bytearray(open(src, 'rb').read())
phoff = struct.unpack_from('<Q', elf, 32)[0]
def variant(name, edit):
    b = bytearray(elf)
    edit(b)
    open(f'{root}/{name}', 'wb').write(b)
def ph(b, i, field, fmt, value):  # program header i, field offset
    struct.pack_into(fmt, b, phoff + 56 * i + field, value)
open(f'{root}/text', 'w').write('#!/bin/true\nnot an ELF\n')
open(f'{root}/short', 'wb').write(elf[:40])
variant('dyn', lambda b: struct.pack_into('<H', b, 16, 3))               # ET_DYN
variant('arm', lambda b: struct.pack_into('<H', b, 18, 183))             # EM_AARCH64
variant('class32', lambda b: b.__setitem__(4, 1))                        # ELFCLASS32
variant('nophdr', lambda b: struct.pack_into('<H', b, 56, 0))            # e_phnum 0
variant('phoff', lambda b: struct.pack_into('<Q', b, 32, len(elf) - 8))  # headers past the end
variant('kernel', lambda b: ph(b, 0, 16, '<Q', 0xffffffff80000000))      # p_vaddr in the kernel
variant('offset', lambda b: ph(b, 0, 8, '<Q', 1 << 40))                  # p_offset past the end
variant('filesz', lambda b: ph(b, 0, 32, '<Q', 1 << 20))                 # p_filesz > p_memsz
variant('wx', lambda b: ph(b, 0, 4, '<I', 7))                            # writable and executable
variant('wrap', lambda b: (ph(b, 0, 16, '<Q', 0x7ffffffff000), ph(b, 0, 40, '<Q', 1 << 63)))
variant('entry', lambda b: struct.pack_into('<Q', b, 24, 0x10000000))    # entry outside
PY
bad="text short dyn arm class32 nophdr phoff kernel offset filesz wx wrap entry"
(cd "$tmp/root" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort |
	cpio -o -H newc --quiet >"$tmp/tiny.cpio")
# Hostile archives: cut in the middle of an entry; a header whose name
# size runs past the end; bytes that are no cpio at all.
head -c 1000 "$tmp/tiny.cpio" >"$tmp/cut.cpio"
python3 - "$tmp/tiny.cpio" "$tmp/namesize.cpio" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[94:102] = b'7fffffff'  # c_namesize of the first entry
open(sys.argv[2], 'wb').write(b)
PY
head -c 5000 /dev/urandom >"$tmp/noise.cpio"

# fault | signal | what the kernel's line says (grep -E)
faults='null|11|#PF page fault \[not present, read, user\] at rip 0x[0-9a-f]+, addr 0x0+:
kwrite|11|#PF page fault \[[a-z ]+, write, user\] at rip 0x[0-9a-f]+, addr 0xffffffff80100000:
kread|11|#PF page fault .* addr 0xffff800000001000:
ud|4|#UD invalid opcode at rip
de|8|#DE divide error at rip
int3|5|#BP breakpoint at rip
gp|11|#GP general protection at rip
priv|11|#GP general protection at rip
hlt|11|#GP general protection at rip
out|11|#GP general protection at rip
wrmsr|11|#GP general protection at rip
stack|11|#PF page fault \[not present, write, user\] at rip 0x[0-9a-f]+, addr 0x00007fffffefe[0-9a-f]{3}:
tfsyscall|5|#DB debug at rip
tfint80|5|#DB debug at rip
kjump|11|#PF page fault \[[a-z ]+, read, user, fetch\] at rip 0xffffffff80100000,
jump|11|#PF page fault \[[a-z ]+, read, user, fetch\] at rip '"$lstar"','
names="null kwrite kread ud de int3 gp priv hlt out wrmsr stack tfsyscall tfint80 kjump jump=$lstar"

for plat in $(guest_platforms); do
	# --- the trap paths ---
	run_guest "$plat" -- ktest paths
	is "$STATUS" 0 "$plat: ktest paths"
	line=$(printf '%s\n' "$OUT" | sed -n 's/^trap paths: //p')
	sc=$(printf '%s\n' "$OUT" | sed -n 's/^syscall \([^,]*\), int 0x80 \(.*\)$/\1/p')
	i80=$(printf '%s\n' "$OUT" | sed -n 's/^syscall \([^,]*\), int 0x80 \(.*\)$/\2/p')
	like "$line" '^syscall=(native|#PF@LSTAR \(kvm_pvm workaround\)) int80=(native|#UD-decode \(kvm_pvm workaround\))$' \
		"$plat: the boot line names a working path for each instruction"
	case "$sc/$line" in
	native/syscall=native* | pf-lstar/syscall=#PF@LSTAR*) pass "$plat: sysinfo's syscall path ($sc) is the boot line's" ;;
	*) fail "$plat: sysinfo's syscall path ($sc) is the boot line's ($line)" ;;
	esac
	case "$i80/$line" in
	native/*int80=native | ud-int80/*int80=#UD-decode*) pass "$plat: sysinfo's int 0x80 path ($i80) is the boot line's" ;;
	*) fail "$plat: sysinfo's int 0x80 path ($i80) is the boot line's ($line)" ;;
	esac
	# TCG gets ring transitions right: no workaround may be on there.
	[ "$plat" = qemu-tcg ] && is "$sc $i80" "native native" "$plat: both paths native under TCG"
	for flags in "" "-i"; do
		run_guest "$plat" -- usertests $flags paths_agree regs_syscall regs_int80 enosys
		is "$STATUS" 0 "$plat: usertests $flags: both paths agree, registers kept"
		[ "$STATUS" = 0 ] || diag "$(printf '%s\n' "$OUT" | grep -E '^(FAIL|SKIP)')"
	done

	# --- exit statuses ---
	while read -r want args; do
		# shellcheck disable=SC2086
		run_guest "$plat" -- $args
		is "$STATUS" "$(want_status "$plat" "$want")" "$plat: '$args' gives status $want"
	done <<'CASES'
0 true
1 false
7 ktest exit 7
200 ktest exit 200
139 ktest null
132 ktest ud
136 ktest de
CASES

	# --- every fault, one line each, the kernel going on ---
	# shellcheck disable=SC2086
	run_guest "$plat" -- ktest each $names
	is "$STATUS" 0 "$plat: ktest each: the parent survives every child's fault"
	like "$OUT" '^each: done$' "$plat: all faults ran"
	nfault=$(printf '%s\n' "$OUT" | grep -c '^fault: ')
	is "$nfault" "$(printf '%s\n' "$faults" | grep -c .)" "$plat: one fault line per fault"
	while IFS='|' read -r name sig what; do
		like "$OUT" "^each: $name: signal $sig\$" "$plat: $name ends with signal $sig"
		# The child's line comes right before the parent's report of it.
		line=$(printf '%s\n' "$OUT" | grep -B1 "^each: $name: " | head -n 1)
		like "$line" "^fault: pid [0-9]+ \(ktest\): $what" \
			"$plat: $name: the line names the fault, RIP and address"
	done <<<"$faults"
	unlike "$OUT" '^panic' "$plat: no panic"

	# --- --initrd / -initrd, and exec of bad files ---
	case $plat in vmm) opt="--initrd $tmp/tiny.cpio" ;; *) opt="-initrd $tmp/tiny.cpio" ;; esac
	# shellcheck disable=SC2086
	run_guest "$plat" $opt -- only-in-module
	is "$STATUS" 0 "$plat: a program only in the module runs"
	like "$OUT" '^initrd: [0-9]+ bytes \(PVH module 0\), ' "$plat: the module replaced the embedded initrd"
	paths="/no/such /bin/ /bin/p1"
	for b in $bad; do paths="$paths /$b"; done
	# shellcheck disable=SC2086
	run_guest "$plat" $opt -- ktest exec $paths
	is "$STATUS" 0 "$plat: ktest exec: the caller survives every failed exec"
	like "$OUT" '^intact$' "$plat: ... and goes on after them"
	like "$OUT" '^exec /no/such: ENOENT$' "$plat: missing file: ENOENT"
	like "$OUT" '^exec /bin/: EACCES$' "$plat: a directory: EACCES"
	like "$OUT" '^exec /bin/p1: ENOENT$' "$plat: the embedded initrd's p1 is gone"
	for b in $bad; do
		like "$OUT" "^exec /$b: ENOEXEC\$" "$plat: malformed ELF '$b': ENOEXEC"
	done
	unlike "$OUT" '^panic|^fault' "$plat: no panic, no fault"
	for a in cut namesize noise; do
		case $plat in vmm) opt="--initrd $tmp/$a.cpio" ;; *) opt="-initrd $tmp/$a.cpio" ;; esac
		# shellcheck disable=SC2086
		run_guest "$plat" $opt -- ktest exit 3
		like "$OUT" '^initrd: (bad|no cpio newc) ' "$plat: a hostile initrd ($a) is reported"
		is "$STATUS" "$(want_status "$plat" 127)" "$plat: ... and the missing program is exit 127, not a panic"
		like "$OUT" '^lde: cannot run /bin/ktest: ENOENT$' "$plat: ... with one line naming it"
	done
done

# --- an idle guest uses no host CPU (the vmm's CPU time while the only
# process sleeps, against a run that sleeps 0 ms) ---
if have_kvm; then
	cpu_of() { # cpu_of MS: "wall cpu" in ms of ./vmm running ktest sleep MS
		local TIMEFORMAT='%R %U %S'
		{ time "$VMM" --timeout 30 "$GUEST" -- quiet ktest sleep "$1" >/dev/null 2>&1; } 2>&1 |
			awk '{printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000}'
	}
	read -r w0 c0 <<<"$(cpu_of 0)"
	read -r w1 c1 <<<"$(cpu_of 2000)"
	dw=$((w1 - w0)) dc=$((c1 - c0))
	diag "sleep 0: ${w0} ms wall, ${c0} ms CPU; sleep 2000: ${w1} ms wall, ${c1} ms CPU"
	if [ "$dw" -ge 1500 ] && [ $((dc * 10)) -lt "$dw" ]; then
		pass "vmm: idle guest: $dc ms of CPU over $dw ms of sleeping (< 10%)"
	else
		fail "vmm: idle guest: $dc ms of CPU over $dw ms of sleeping (want < 10%)"
	fi
else
	skip "vmm: idle guest CPU" "no /dev/kvm"
fi
done_testing
