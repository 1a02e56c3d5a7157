#!/bin/bash
# The initrd (build/initrd.cpio) and the programs in it: a cpio "newc"
# archive with relative names (init, bin/<prog> for every guest/user/*.c,
# the demo sources and the OSTEP homework answers at the root), and every
# program a static x86-64 ET_EXEC linked at 0x400000 with page-aligned
# segments, none both writable and executable (the user-space contract in
# notes/design.md).
. "$(dirname "$0")/lib/lde.sh"

INITRD=$LDE_TOP/build/initrd.cpio
TREE=$LDE_TOP/build/initrd
if [ ! -s "$INITRD" ]; then
	echo "1..1"
	echo "not ok 1 - $INITRD is built (make test builds it)"
	exit 1
fi

is "$(head -c 6 "$INITRD")" 070701 "the archive is cpio newc"
names=$(cpio -it --quiet <"$INITRD")
is "$?" 0 "cpio -t reads the archive"
unlike "$names" '^/|(^|/)\.\.(/|$)|^\./' "names are relative, without . or .."
is "$names" "$(printf '%s\n' "$names" | LC_ALL=C sort)" "names are sorted (reproducible)"
like "$(cpio -itv --quiet --numeric-uid-gid <"$INITRD" | awk '{print $3, $4}' | sort -u)" '^0 0$' \
	"every entry is owned by 0:0"

progs=
for src in "$LDE_TOP"/guest/user/*.c; do
	p=$(basename "$src" .c)
	progs="$progs $p"
	want=bin/$p
	[ "$p" = init ] && want=init
	like "$names" "^$want\$" "$want is in the initrd"
done
for f in p1.c p2.c p3.c hw1.c hw2.c hw3.c hw4.c hw5.c hw6.c hw7.c hw8.c; do
	like "$names" "^$f\$" "$f is at the initrd's root"
	if cmp -s "$LDE_TOP/guest/user/$f" "$TREE/$f"; then pass "$f is the program's source"; else
		fail "$f is the program's source"
	fi
done

# check_elf FILE: the contract for one program.
check_elf() {
	_f=$1
	_n=${_f#"$TREE"/}
	_h=$(readelf -hW "$_f" 2>&1)
	like "$_h" 'Class: +ELF64' "$_n: ELF64"
	like "$_h" 'Type: +EXEC' "$_n: ET_EXEC (static, not PIE)"
	like "$_h" 'Machine: +Advanced Micro Devices X86-64' "$_n: x86-64"
	_l=$(readelf -lW "$_f" 2>&1)
	unlike "$_l" '^ *(INTERP|DYNAMIC) ' "$_n: no interpreter, no dynamic section"
	_loads=$(printf '%s\n' "$_l" | awk '$1 == "LOAD"')
	is "$(printf '%s\n' "$_loads" | head -n 1 | awk '{print $3}')" 0x0000000000400000 \
		"$_n: first segment at 0x400000"
	# Flags are the columns after the sizes: R, W, E in any combination.
	unlike "$(printf '%s\n' "$_loads" | awk '{$1=$2=$3=$4=$5=$6=""; print}')" 'W.*E|RWE' \
		"$_n: no segment writable and executable"
	_entry=$(printf '%s\n' "$_h" | awk '/Entry point/ {print $4}')
	_bad= _in=no
	while read -r _t _off _va _pa _fsz _msz _flg _rest; do
		[ $((_va % 4096)) -eq 0 ] || _bad="$_bad $_va"
		case "$_flg $_rest" in *E\ *)
			[ $((_entry >= _va && _entry < _va + _msz)) -eq 1 ] && _in=yes ;;
		esac
	done <<<"$_loads"
	is "$_bad" "" "$_n: segments page-aligned"
	is "$_in" yes "$_n: entry point inside the executable segment"
}

for p in $progs; do
	f=$TREE/bin/$p
	[ "$p" = init ] && f=$TREE/init
	check_elf "$f"
done
done_testing
