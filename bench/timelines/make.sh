#!/bin/sh
# bench/timelines/make.sh: redraw the README's two scheduling timelines from
# real runs: p2 (fork, then wait: OSTEP figure 5.2) and two spins sharing the
# CPU under the default 10 ms slice.  Needs ./vmm and ./guest.elf (make).
#
#   bench/timelines/make.sh [VMM [GUEST]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
vmm=${1:-$top/vmm}
guest=${2:-$top/guest.elf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

draw() { # name title command...
	name=$1 title=$2
	shift 2
	"$vmm" --trace "$tmp/$name.json" --trace-events=sched,proc "$guest" -- "$@" >/dev/null
	python3 "$top/bench/trace2svg.py" "$tmp/$name.json" -o "$here/$name.svg" --title "$title"
}

draw p2 'p2: the child prints, sleeps 1 s and exits; the parent waits' p2
draw two-spins 'sh -c "spin 100ms & spin 100ms; wait": two CPU hogs, 10 ms slices' \
	sh -c 'spin 100ms & spin 100ms; wait'
