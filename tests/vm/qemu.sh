# tests/vm/qemu.sh: lde's one QEMU command line, sourced (bash) by
# tests/lib/lde.sh, tests/vm/run-qemu, tests/vm/run-libvirt and
# tests/vm/manyvms.  It owns: which accelerator, which -cpu, the microvm
# argument list, the guest command line's quoting, and what QEMU's exit
# status says about the guest.
#
#   lde_qemu_accel             kvm when /dev/kvm is usable, else tcg
#   lde_qemu_cpu ACCEL         the -cpu model (probed once for kvm)
#   lde_qemu_argv ACCEL MEM KERNEL
#                              sets the array LDE_QEMU_ARGV: QEMU microvm,
#                              serial on stdio, isa-debug-exit at 0xf4
#   quote_cmdline WORD...      the guest command line as lde's vmm joins it
#   lde_qemu_status RAW [OUT]  the guest's status from QEMU's exit status
#
# Variables: LDE_QEMU (the binary, default qemu-system-x86_64),
# LDE_QEMU_KVM_CPU (the probe's answer, cached and exported).

LDE_QEMU=${LDE_QEMU:-qemu-system-x86_64}

# The isa-debug-exit device as lde's guest expects it (include/lde/ports.h
# LDE_PORT_DEBUG_EXIT): a write of V ends QEMU with status (V << 1) | 1.
LDE_QEMU_DEBUG_EXIT=isa-debug-exit,iobase=0xf4,iosize=0x04

lde_have_kvm() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

lde_qemu_accel() { if lde_have_kvm; then echo kvm; else echo tcg; fi; }

# lde_qemu_cpu ACCEL: `max` for TCG.  For KVM `host`, except where KVM
# advertises IA32_ARCH_CAPABILITIES but refuses to have it set (the
# kvm_pvm quirk "failed to set MSR 0x10a": QEMU 7.2 aborts at the first
# CPU reset); there `host,-arch-capabilities`.  The probe starts QEMU
# stopped (-S) with no guest and quits it through QMP: the reset, and so
# the abort, happens before any guest code would run (~50 ms).
lde_qemu_cpu() {
	if [ "$1" != kvm ]; then
		echo max
		return
	fi
	if [ -z "${LDE_QEMU_KVM_CPU:-}" ]; then
		LDE_QEMU_KVM_CPU=host
		if printf '%s\n' '{"execute":"qmp_capabilities"}' '{"execute":"quit"}' |
			timeout 20 "$LDE_QEMU" -accel kvm -M microvm -cpu host -m 16 -nodefaults \
				-display none -S -qmp stdio 2>&1 | grep -q 'failed to set MSR 0x10a'; then
			LDE_QEMU_KVM_CPU=host,-arch-capabilities
		fi
		export LDE_QEMU_KVM_CPU
	fi
	echo "$LDE_QEMU_KVM_CPU"
}

# lde_qemu_argv ACCEL MEM KERNEL: QEMU microvm for a PVH kernel, as lde's
# vmm runs it: one vCPU, MEM of RAM (QEMU's -m syntax, which is the vmm's
# --mem syntax: a bare number is MiB), COM1 on stdio, isa-debug-exit, no
# reboot (a triple fault ends QEMU).  The caller adds -append and -initrd.
lde_qemu_argv() {
	# shellcheck disable=SC2034 # the caller's
	LDE_QEMU_ARGV=("$LDE_QEMU" -accel "$1" -M microvm -cpu "$(lde_qemu_cpu "$1")" -m "$2"
		-nodefaults -nographic -no-reboot -serial stdio -device "$LDE_QEMU_DEBUG_EXIT"
		-kernel "$3")
}

# quote_cmdline WORD...: the words as one command line, the way the vmm
# builds it: words with blanks (space, tab, CR, LF: the kernel splits at
# each), quotes or backslashes in double quotes, with \" and \\ escaped.
quote_cmdline() {
	_line=
	for _w in "$@"; do
		case $_w in
		*[\ \	\"\\\']* | *$'\r'* | *$'\n'* | "")
			_w=$(printf '%s' "$_w" | sed 's/[\\"]/\\&/g'; printf x) # x: keep a final LF
			_w=${_w%x}
			_w="\"$_w\""
			;;
		esac
		_line="${_line:+$_line }$_w"
	done
	printf '%s' "$_line"
}

# lde_qemu_status RAW [OUTPUT]: the guest's status from QEMU's exit status
# RAW, as run_guest reports it:
#   odd RAW       isa-debug-exit: V = RAW >> 1.  Only 7 bits of the guest's
#                 status survive: QEMU exits with ((V << 1) | 1) & 0xff.
#   124, 137      timeout(1) stopped QEMU: 124
#   anything else 200 + RAW: QEMU ended without isa-debug-exit (a reset
#                 or triple fault under -no-reboot, Ctrl-A x, a signal)
# QEMU's own errors exit 1, which reads as a guest status 0: when OUTPUT
# (QEMU's stderr, or everything it printed) holds a QEMU error line, that
# is 200 + RAW too.
lde_qemu_status() {
	if [ "$1" -eq 124 ] || [ "$1" -eq 137 ]; then
		echo 124
	elif [ "$1" -eq 1 ] && printf '%s\n' "${2:-}" |
		grep -E '^qemu(-system-x86_64)?: ' | grep -vq ': warning: '; then
		echo 201
	elif [ $(($1 & 1)) -eq 1 ]; then
		echo $(($1 >> 1))
	else
		echo $((200 + $1))
	fi
}
