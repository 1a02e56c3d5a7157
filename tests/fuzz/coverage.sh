#!/bin/sh
# coverage.sh TARGET [CORPUS...]: the edges of the vmm's own files
# (host/*.c) that TARGET's corpus reaches, per file, from libFuzzer's
# -print_coverage over the committed seeds, the past findings and the
# given corpus directories (default build/fuzz/corpus/TARGET; LDE_TOP: the
# tree whose build to use).  Prints
#   host/port.c 143/160 edges (89%) in 18/18 functions
set -u
t=$1
shift
top=${LDE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
seeds=${t%_json}
dirs="$top/tests/fuzz/corpus/$seeds"
[ -d "$top/tests/fuzz/regress/$seeds" ] && dirs="$dirs $top/tests/fuzz/regress/$seeds"
[ $# -eq 0 ] && set -- "$top/build/fuzz/corpus/$t"
for d in "$@"; do
	[ -d "$d" ] && dirs="$dirs $d"
done
# shellcheck disable=SC2086
"$top/build/fuzz/fuzz-$t" -runs=0 -print_coverage=1 $dirs 2>&1 |
	sed -n 's/^\(UN\)*COVERED_FUNC: hits: \([0-9]*\) edges: \([0-9]*\)\/\([0-9]*\) [^ ]* \(.*\):[0-9]*$/\2 \3 \4 \5/p' |
	awk '$4 ~ /\/host\/[a-z]+\.c$/ {
		f = $4; sub(/.*\/host\//, "host/", f)
		cov[f] += $2; tot[f] += $3; nf[f]++; if ($1 > 0) hit[f]++
	}
	END {
		for (f in tot)
			printf "%s %d/%d edges (%d%%) in %d/%d functions\n", f, cov[f], tot[f],
			       tot[f] ? 100 * cov[f] / tot[f] : 0, hit[f], nf[f]
	}' | sort
