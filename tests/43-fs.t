#!/bin/bash
# 43-fs.t: the RAM file system and pipes (issue 4) on every platform.
# First the initrd as the kernel serves it -- every name at the root and in
# /bin, p1.c byte for byte, each program's size -- then `ktest fs`
# (guest/user/ktest/fs.c), one line per case: the initrd's files written
# in place and truncated, holes, a file past the block map's direct and
# indirect parts, unlinked open files, offsets shared by dup and fork and
# O_APPEND, getdents while entries go, name and path limits and the
# errors of each call, a removed working directory, the inode table
# full, a program written at run time, pipe atomicity, leaks and partial
# writes; and memory running out (ENOSPC, all given back) in a small VM.
# usertests' files and pipes groups (tests/31) cover the basics.
. "$(dirname "$0")/lib/lde.sh"

TREE=$LDE_TOP/build/initrd
cases='initrd_write|an initrd file written in place across a page boundary: the rest reads as the archive
initrd_trunc|O_TRUNC on an initrd file, then new contents
sparse|holes read as zeros, up to the double-indirect range; unlink frees the pages
big|2.5 MiB written and read back through the indirect pages; unlink gives every page back
unlinked_open|an unlinked file lives while open (nlink 0); the last close frees it
shared_offset|dup and fork share the offset, a second open does not; O_APPEND from two opens
readdir_remove|getdents one record at a time while entries go: each listed once, . and .. too
names|55-byte names and 255-byte paths work, one more is ENAMETOOLONG; the errors of each call
cwd_removed|a removed working directory: getcwd, create and .. say ENOENT; chdir away works
exec_written|a program copied at run time runs
pipe_atomic|two writers of 4096-byte blocks never interleave inside a block
pipe_leak|200 pipes leak nothing; EMFILE midway leaks nothing
pipe_partial|a long write to a pipe whose reader leaves returns the part taken, then EPIPE
inodes|creating files until the inode table is full: ENOSPC; unlinking frees the slots'

for plat in $(guest_platforms); do
	# The initrd's names and bytes as the kernel serves them.
	LDE_TEST_TIMEOUT=60 run_guest "$plat" -- quiet sh -c 'ls -a / | cat; ls /bin | cat; cat /p1.c; wc -c /bin/usertests /init'
	want_root=$(printf '.\n..\n'; (cd "$TREE" && ls -A | LC_ALL=C sort))
	got_root=$(printf '%s\n' "$OUT" | sed -n "1,$(printf '%s\n' "$want_root" | wc -l)p")
	is "$(printf '%s\n' "$got_root" | LC_ALL=C sort)" "$(printf '%s\n' "$want_root" | LC_ALL=C sort)" \
		"$plat: ls -a / lists the archive's root, . and .."
	for p in sh usertests ktest p1; do
		like "$OUT" "^$p\$" "$plat: /bin/$p is listed"
	done
	if printf '%s\n' "$OUT" | grep -qF "$(head -n 3 "$LDE_TOP/guest/user/p1.c")" &&
		[ "$(printf '%s\n' "$OUT" | grep -cF 'hello, world')" -ge 1 ]; then
		pass "$plat: cat /p1.c prints the source"
	else
		fail "$plat: cat /p1.c prints the source"
	fi
	like "$OUT" "^ *$(wc -c <"$TREE/bin/usertests") /bin/usertests\$" "$plat: /bin/usertests has the archive's size"
	like "$OUT" "^ *$(wc -c <"$TREE/init") /init\$" "$plat: /init has the archive's size"

	LDE_TEST_TIMEOUT=300 run_guest "$plat" -- quiet ktest fs $(printf '%s\n' "$cases" | cut -d'|' -f1)
	ktest_report "$plat" fs "$cases"

	# Memory running out, in a small VM: ENOSPC, then all of it back.
	case $plat in vmm) mem="--mem 24M" ;; *) mem="-m 24M" ;; esac
	LDE_TEST_TIMEOUT=120 run_guest "$plat" $mem -- quiet ktest fs enospc
	like "$OUT" '^ktest: PASS enospc$' "$plat: 24 MiB of RAM: writing a file ends in ENOSPC, unlink gives every page back, fork still works"
	like "$OUT" '^ktest: enospc after ([4-9][0-9]{3}|[1-9][0-9]{4}) KiB$' "$plat: the file got most of the memory first"
done

done_testing
