#!/bin/sh
# coverage.sh TARGET [CORPUS...]: source coverage of the vmm's own files
# (host/*.c) by TARGET's inputs: the committed seeds, the past findings and
# the given corpus directories (default build/fuzz/corpus/TARGET).  Builds
# the target with clang's source-based coverage in build/fuzz/cov/TARGET,
# runs every input once, and prints llvm-cov's per-file lines and branches
# for the files it reaches.  LDE_TOP: the tree whose sources and corpus to
# use (default: this one).
set -eu
t=$1
shift
top=${LDE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$top/build/fuzz/cov/$t
seeds=${t%_json}
cflags="-std=c11 -D_GNU_SOURCE -O1 -g -I$top/include -iquote $top/host
	-Wno-gnu-variable-sized-type-not-at-end -fprofile-instr-generate -fcoverage-mapping"
[ "$t" = port_json ] && cflags="$cflags -DFUZZ_TRACE_JSON"

mkdir -p "$out"
rm -f "$out"/*.o "$out"/*.profraw
for f in "$top"/host/*.c "$top/tests/fuzz/fuzz.c" "$top/tests/fuzz/fuzz_vm.c" \
	"$top/tests/fuzz/fuzz_$seeds.c"; do
	[ "$(basename "$f")" = main.c ] && continue
	# shellcheck disable=SC2086
	clang $cflags -c -o "$out/$(basename "$f" .c).o" "$f"
done
clang -fprofile-instr-generate -fsanitize=fuzzer -o "$out/fuzz" "$out"/*.o -lpthread -lm

dirs="$top/tests/fuzz/corpus/$seeds"
[ -d "$top/tests/fuzz/regress/$seeds" ] && dirs="$dirs $top/tests/fuzz/regress/$seeds"
[ $# -eq 0 ] && set -- "$top/build/fuzz/corpus/$t"
for d in "$@"; do
	[ -d "$d" ] && dirs="$dirs $d"
done
# shellcheck disable=SC2086
(cd "$out" && LLVM_PROFILE_FILE="$out/run.profraw" ./fuzz -runs=0 $dirs >/dev/null 2>&1)
llvm-profdata-14 merge -o "$out/run.profdata" "$out/run.profraw"
llvm-cov-14 report "$out/fuzz" -instr-profile="$out/run.profdata" "$top"/host/*.c |
	awk '$1 ~ /\.c$/ && $8 > $9 {
		f = $1; sub(/.*\//, "", f)
		printf "host/%-12s lines %7s of %4d   branches %7s of %4d\n", f, $10, $8, $13, $11
	}'
