#!/bin/bash
# 22-boot.t: the default boot -- banner, memory map, free memory, the
# trap paths, /init reading the console and its status -- and the command
# line as the kernel parses it (a table of quoting cases), on every
# platform.
. "$(dirname "$0")/lib/lde.sh"

# No program named: /init runs (the shell, reading the console) and the VM
# powers off with its status, here the one typed: `exit 3`.  The
# platforms boot side by side to keep the waiting short.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'exit 3\n' >"$tmp/stdin"
for plat in $(guest_platforms); do
	(
		GUEST_STDIN=$tmp/stdin run_guest "$plat"
		printf '%s\n' "$OUT" >"$tmp/$plat.out"
		echo "$STATUS" >"$tmp/$plat.status"
	) &
done
wait
for plat in $(guest_platforms); do
	OUT=$(cat "$tmp/$plat.out") STATUS=$(cat "$tmp/$plat.status")
	is "$STATUS" 3 "$plat: default boot runs /init, whose status (3, typed) ends the VM"
	like "$OUT" '^lde [0-9.]+: 64-bit kernel, booted through PVH' "$plat: banner"
	if [ "$plat" = vmm ]; then
		like "$OUT" "booted through PVH by lde's vmm" "$plat: knows it runs on lde's vmm"
		like "$OUT" '^tsc: [0-9]+ kHz \(from lde vmm\)' "$plat: TSC rate from the vmm"
	else
		like "$OUT" "by a PVH loader that is not lde's vmm" "$plat: knows it is not on lde"
		unlike "$OUT" 'from lde vmm' "$plat: TSC rate not from lde's port"
	fi
	like "$OUT" '^memory map \([0-9]+ entries\):' "$plat: memory map"
	like "$OUT" '^  \[0x0*100000-0x0*7ffffff\] RAM$' "$plat: RAM up to 128 MiB"
	like "$OUT" '^memory: 12[0-9] MiB RAM, 1[0-9][0-9] MiB free' "$plat: free memory"
	like "$OUT" '^timer: LAPIC timer [0-9]+ kHz, 100 Hz tick, 10 ms slice' "$plat: timer rate"
	like "$OUT" '^trap paths: syscall=[^ ]+.* int80=' "$plat: the trap paths are named"
	like "$OUT" '^initrd: [0-9]+ bytes \(embedded\), [0-9]+ entries' "$plat: the embedded initrd"
done

# Quoting table: words given (one per line, as a bash array literal) |
# the kernel's `cmdline: option/arg` lines (\n between lines).
cases=$(cat <<'CASES'
(hz=50 prog a)|option selftest=cmdline\noption hz=50\narg 0 "prog"\narg 1 "a"
(-- hz=50)|option selftest=cmdline\narg 0 "hz=50"
('a b' '' 'x"y' 'back\slash')|option selftest=cmdline\narg 0 "a b"\narg 1 ""\narg 2 "x\\"y"\narg 3 "back\\\\slash"
($'tab\tin' "it's" '  lead')|option selftest=cmdline\narg 0 "tab\\x09in"\narg 1 "it's"\narg 2 "  lead"
(unknown=1 slice=5)|option selftest=cmdline\narg 0 "unknown=1"\narg 1 "slice=5"
(slice=5 quiet=no -- --)|option selftest=cmdline\noption slice=5\noption quiet=no\narg 0 "--"
CASES
)
for plat in $(guest_platforms); do
	while IFS='|' read -r words want; do
		eval "w=$words"
		run_guest "$plat" -- selftest=cmdline "${w[@]}"
		got=$(printf '%s\n' "$OUT" | sed -n 's/^cmdline: \(option .*\|arg .*\)$/\1/p')
		is "$got" "$(printf '%b' "$want")" "$plat: words $words"
		case $words in
		*quiet=no*) is "$STATUS" 1 "$plat: a bad option value fails the cmdline check" ;;
		*) is "$STATUS" 0 "$plat: cmdline checks pass for $words" ;;
		esac
	done <<<"$cases"
done

# QEMU's -append is passed as written: quotes inside a word.
if have_kvm; then accel=kvm; else accel=tcg; fi
# shellcheck disable=SC2046
OUT=$(timeout -k 5 "$LDE_TEST_TIMEOUT" $(qemu_args $accel) -append 'selftest=cmdline ab"c d"e f\ g' \
	</dev/null 2>&1 | tr -d '\r')
is "$(printf '%s\n' "$OUT" | sed -n 's/^cmdline: \(arg .*\)$/\1/p')" \
	"$(printf 'arg 0 "abc de"\narg 1 "f g"')" "qemu-$accel: raw command line with inner quotes"
done_testing
