#!/bin/sh
# run.sh TARGET SECONDS CORPUS: runs build/fuzz/fuzz-TARGET for SECONDS.
#
# New inputs go to CORPUS (created; use a scratch directory for short
# runs); the committed seeds (tests/fuzz/corpus/TARGET) and the inputs of
# past findings (tests/fuzz/regress/TARGET) are read, never written, and
# all of them run before any mutation, so each run replays every past
# finding.  A crash or a broken invariant is saved under
# build/fuzz/artifacts/TARGET/ and fails the run.  Prints one summary line:
#   fuzz TARGET: SECONDS s, EXECS execs (N/s), cov C ft F, corpus N: ok
set -u
t=$1 secs=$2 corpus=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$top/build/fuzz/fuzz-$t
art=$top/build/fuzz/artifacts/$t
log=$top/build/fuzz/log/$t.log
[ -x "$bin" ] || { echo "fuzz $t: $bin not built (make fuzzers)" >&2; exit 2; }
mkdir -p "$corpus" "$art" "$(dirname "$log")"
seeds=${t%_json} # port_json: the port target's inputs, trace as JSON
dirs="$corpus $top/tests/fuzz/corpus/$seeds"
[ -d "$top/tests/fuzz/regress/$seeds" ] && dirs="$dirs $top/tests/fuzz/regress/$seeds"

start=$(date +%s)
# shellcheck disable=SC2086
"$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$art/" $dirs >"$log" 2>&1
st=$?
secs=$(($(date +%s) - start))
stat() { sed -n "s/^stat::$1: *//p" "$log"; }
line=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1)
cov=$(printf '%s\n' "$line" | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1 ft \2, corpus \3/p')
summary="fuzz $t: $secs s, $(stat number_of_executed_units) execs ($(stat average_exec_per_sec)/s), $cov"
if [ $st -ne 0 ]; then
	echo "$summary: FAILED (status $st), see $log" >&2
	grep -E 'ERROR|invariant broken|SUMMARY|^    #[0-9] ' "$log" | head -n 12 >&2
	exit 1
fi
echo "$summary: ok"
