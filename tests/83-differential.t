#!/bin/bash
# 83-differential.t: the same guest.elf gives the same results everywhere.
# The kernel selftest and usertests run under lde's vmm, QEMU+KVM, QEMU TCG
# and libvirt (tests/vm/run-libvirt), side by side; each platform's result
# lines must equal the first platform's, in order, and so must the status.
# A difference fails with the two sets diffed.
#
# What is compared, exactly as printed:
#   selftest   every "ok N - ..." / "not ok N - ..." line (SKIP reasons
#              included) and the summary less its " in N ms"
#   usertests  every PASS/FAIL/SKIP line's verdict and test name, and the
#              summary line; the words after the name are measurements
#              (times, page counts, which trap path) and differ by nature
# A SKIP on one platform and a PASS on another is a difference.  Statuses
# are compared in the 7 bits isa-debug-exit keeps.
#
# Without /dev/kvm: QEMU TCG and libvirt's domain type qemu only, said
# here.  libvirt needs root; without it, its checks are skipped, saying so.
. "$(dirname "$0")/lib/lde.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
plats="$(guest_platforms) libvirt"
if [ "$(id -u)" -ne 0 ]; then
	plats=$(guest_platforms)
	no_libvirt="libvirt's system instance needs root"
fi
have_kvm || diag "no usable /dev/kvm: comparing QEMU TCG with libvirt's domain type qemu (TCG) only"
ref=${plats%% *}

# run PLAT SUITE WORDS...: the suite's console text and status into $tmp.
run() {
	_p=$1 _s=$2
	shift 2
	case $_p in
	libvirt)
		OUT=$("$LDE_TOP/tests/vm/run-libvirt" -q --timeout 900 -- "$@" </dev/null 2>&1 | tr -d '\r')
		STATUS=${PIPESTATUS[0]}
		;;
	*) LDE_TEST_TIMEOUT=900 run_guest "$_p" -- "$@" ;;
	esac
	printf '%s\n' "$OUT" >"$tmp/$_p.$_s.out"
	echo "$STATUS" >"$tmp/$_p.$_s.status"
}

# lines SUITE FILE: the comparable lines of one run.
lines() {
	case $1 in
	selftest) sed -nE 's/^((not )?ok [0-9]+ - .*)/\1/p; s/^(# selftest: .*) in [0-9]+ ms$/\1/p' "$2" ;;
	usertests) sed -nE 's/^(PASS|FAIL|SKIP) ([^ ]+).*/\1 \2/p; s/^(usertests: [0-9]+ passed, .*)/\1/p' "$2" ;;
	esac
}

# selftest one platform at a time (it times the timer against the TSC);
# usertests (~1 min each on kvm_pvm, CPU-bound) as many at once as there
# are CPUs, so none runs on an overloaded host.
for plat in $plats; do
	run "$plat" selftest selftest
done
jobs_max=$(nproc)
for plat in $plats; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	run "$plat" usertests quiet usertests &
done
wait

for suite in selftest usertests; do
	lines "$suite" "$tmp/$ref.$suite.out" >"$tmp/$ref.$suite.lines"
	nref=$(grep -c . "$tmp/$ref.$suite.lines")
	if [ "$nref" -gt 5 ] && grep -qE '^(# selftest|usertests): [0-9]+ passed' "$tmp/$ref.$suite.lines"; then
		pass "$ref: $suite ran: $nref result lines, status $(cat "$tmp/$ref.$suite.status")"
	else
		fail "$ref: $suite ran: $nref result lines and no summary"
		diag "$(tail -n 20 "$tmp/$ref.$suite.out")"
	fi
	for plat in $plats; do
		[ "$plat" = "$ref" ] && continue
		lines "$suite" "$tmp/$plat.$suite.out" >"$tmp/$plat.$suite.lines"
		if diff -u --label "$ref" --label "$plat" "$tmp/$ref.$suite.lines" \
			"$tmp/$plat.$suite.lines" >"$tmp/diff"; then
			pass "$suite: $plat gives the same $nref lines as $ref"
		else
			fail "$suite: $plat gives the same lines as $ref"
			diag "$(cat "$tmp/diff")"
			grep -q . "$tmp/$plat.$suite.lines" ||
				diag "$plat printed no result line; its last output:" "$(tail -n 15 "$tmp/$plat.$suite.out")"
		fi
		a=$(cat "$tmp/$ref.$suite.status" 2>/dev/null) b=$(cat "$tmp/$plat.$suite.status" 2>/dev/null)
		if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]]; then
			is "$plat $((b & 127))" "$plat $((a & 127))" "$suite: $plat ends with $ref's status ($a)"
		else
			fail "$suite: $plat ends with $ref's status (statuses: '$a', '$b')"
		fi
	done
	[ -n "${no_libvirt:-}" ] && skip "$suite: libvirt gives the same lines as $ref" "$no_libvirt"
done
done_testing
