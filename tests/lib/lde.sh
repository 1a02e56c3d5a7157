# Shared by the tests/*.t scripts: TAP reporting and running guest.elf
# under lde's vmm, QEMU -accel kvm and QEMU -accel tcg.
#
#   . "$(dirname "$0")/lib/lde.sh"
#   plan 3
#   run_guest vmm -- selftest        # sets OUT (console text) and STATUS
#   is "$STATUS" 0 "selftest under vmm"
#
# Every guest run has a timeout (LDE_TEST_TIMEOUT seconds, default 60).

set -u
LDE_TOP=$(cd "$(dirname "$0")/.." && pwd)
VMM=${LDE_VMM:-$LDE_TOP/vmm} # LDE_VMM: another build of it (tests/72-asan.t)
GUEST=$LDE_TOP/guest.elf
LDE_TEST_TIMEOUT=${LDE_TEST_TIMEOUT:-60}
_tap_n=0
_tap_failed=0

plan() { echo "1..$1"; }
diag() { printf '# %s\n' "$@" | sed '2,$s/^/# /'; }
pass() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1"; }
fail() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $1"
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP ${2:-}"; }
# ok STATUS NAME: pass when STATUS (a command's $?) is 0
ok() { if [ "$1" -eq 0 ]; then pass "$2"; else fail "$2"; fi; }
# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"
		diag "got:  '$1'" "want: '$2'"
	fi
}
# like TEXT REGEX NAME (grep -E on TEXT)
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else
		fail "$3"
		diag "no line matches /$2/ in:" "$(printf '%s\n' "$1" | tail -n 20)"
	fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		fail "$3"
		diag "a line matches /$2/:" "$(printf '%s\n' "$1" | grep -E -- "$2" | head -n 5)"
	else pass "$3"; fi
}
done_testing() { echo "1..$_tap_n"; exit $((_tap_failed > 0)); }

# vmm_in STDIN ARGS...: the vmm (60 s at most) with STDIN; sets ST, OUT
# (its stdout, NULs dropped), ERR; uses $T/out and $T/err.
vmm_in() {
	_in=$1
	shift
	timeout -k 5 60 "$VMM" "$@" <"$_in" >"$T/out" 2>"$T/err"
	ST=$?
	OUT=$(tr -d '\0' <"$T/out")
	ERR=$(cat "$T/err")
}

# ktest_report PLAT SUITE CASES: one check per "name|what" line of CASES,
# passed when $OUT (a run of `ktest SUITE`) says "ktest: PASS name"; then
# the run's status and no kernel fault.
ktest_report() {
	_plat=$1 _suite=$2
	while IFS='|' read -r _name _what; do
		_line=$(printf '%s\n' "$OUT" | grep -E "^ktest: (PASS|FAIL) $_name( |\$)" | head -n 1)
		if [ "$_line" = "ktest: PASS $_name" ]; then pass "$_plat: $_name: $_what"; else
			fail "$_plat: $_name: $_what"
			diag "${_line:-no line for $_name (status $STATUS)}"
		fi
	done <<<"$3"
	is "$STATUS" 0 "$_plat: ktest $_suite exits 0 (its status counts failures)"
	unlike "$OUT" '^(panic|kernel trap)' "$_plat: the kernel never faulted"
}

have_kvm() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

# need_kvm: a file that tests the vmm itself skips whole without KVM (the
# vmm has no other backend); guest tests use guest_platforms instead.
need_kvm() {
	have_kvm && return 0
	echo "1..0 # SKIP no /dev/kvm (or no access to it): the vmm needs KVM"
	exit 0
}

# need_built FILE...: bail out with one failure naming a file make test
# should have built.
need_built() {
	for _f; do
		[ -e "$_f" ] && continue
		echo "1..1"
		echo "not ok 1 - $_f is built (make test builds it)"
		exit 1
	done
}

# The platforms a guest test runs on here: vmm and qemu-kvm need /dev/kvm;
# without it the tests say so and run under TCG only.
guest_platforms() {
	if have_kvm; then echo "vmm qemu-kvm qemu-tcg"; else
		echo "# no usable /dev/kvm: guest tests run under QEMU TCG only" >&2
		echo "qemu-tcg"
	fi
}

# The QEMU command line, the -cpu probe, quote_cmdline and the decoding
# of QEMU's exit status are shared with make run-qemu and run-libvirt.
. "$LDE_TOP/tests/vm/qemu.sh"
qemu_kvm_cpu() { lde_qemu_cpu kvm; }

# qemu_args ACCEL: the QEMU command line for guest.elf (-append added by run_guest)
qemu_args() {
	lde_qemu_argv "$1" 128 "$GUEST"
	echo "${LDE_QEMU_ARGV[*]}"
}

# run_guest PLATFORM [vmm-or-qemu options...] [-- guest command line...]
# Sets OUT (console output, CR stripped) and STATUS (the guest's status:
# under QEMU decoded from isa-debug-exit, (V<<1)|1 -> V; a QEMU that ends
# any other way gives 200 + its raw status; a timeout gives 124).
# STDIN for the guest comes from $GUEST_STDIN (a file) or /dev/null.
run_guest() {
	_plat=$1
	shift
	_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _opts="$_opts $1"; shift; done
	[ $# -gt 0 ] && shift
	_in=${GUEST_STDIN:-/dev/null}
	_t=$LDE_TEST_TIMEOUT
	case $_plat in
	vmm)
		# shellcheck disable=SC2086
		OUT=$(timeout -k 5 $((_t + 10)) "$VMM" --timeout "$_t" $_opts "$GUEST" -- "$@" <"$_in" 2>&1)
		STATUS=$?
		;;
	qemu-kvm | qemu-tcg)
		_accel=${_plat#qemu-}
		_append=$(quote_cmdline "$@")
		# shellcheck disable=SC2046
		OUT=$(timeout -k 5 "$_t" $(qemu_args "$_accel") $_opts -append "$_append" <"$_in" 2>&1)
		STATUS=$(lde_qemu_status $? "$OUT")
		;;
	*)
		echo "run_guest: unknown platform $_plat" >&2
		return 2
		;;
	esac
	OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
	return 0
}
