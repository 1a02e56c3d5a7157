#!/bin/bash
# Guests on the vmm: a foreign PVH guest runs unchanged, the crafted ELFs
# the loader accepts really run, and each hostile guest (tests/guest/
# hostile.asm, case named on its command line) ends with its report and
# its documented status.  Needs /dev/kvm: the vmm has no other backend.
. "$(dirname "$0")/lib/lde.sh"

GD=$LDE_TOP/build/tests/guest
FOREIGN=$GD/foreign.elf
HOSTILE=$GD/hostile.elf
MKELF=$LDE_TOP/build/tests/unit/mkelf
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

need_kvm
need_built "$VMM" "$FOREIGN" "$HOSTILE" "$MKELF"

"$MKELF" "$T" >/dev/null
printf 'INITRD-CONTENT\n' >"$T/rd"
printf 'hello, echo.' >"$T/echo.in"
printf 'irq works.' >"$T/irq.in"
printf 'no full stop' >"$T/noend.in"

# name|status|stdin|stdout regex|stderr: first line regex, or empty|vmm arguments
# (arguments are word-split by eval; $F is foreign.elf, $H hostile.elf)
F=$FOREIGN H=$HOSTILE N=/dev/null
while IFS='|' read -r name st in out err args; do
	[ -z "$name" ] && continue
	eval "set -- $args"
	vmm_in "$(eval echo "$in")" "$@"
	is "$ST" "$st" "$name: exit $st"
	[ -n "$out" ] && like "$OUT" "$out" "$name: console output"
	if [ -z "$err" ]; then
		is "$ERR" "" "$name: nothing on stderr"
	else
		like "$(printf '%s\n' "$ERR" | head -1)" "$err" "$name: report"
		unlike "$(printf '%s\n' "$ERR" | tail -n +2)" '^[^ ]' "$name: then only indented dump lines"
	fi
done <<'CASES'
foreign guest, no command line|43|$N|^hello from a foreign PVH guest; cmdline: $||$F
foreign guest, quoted words|43|$N|^hello from a foreign PVH guest; cmdline: selftest a=1 "two words" "it's" "q\\"uote" "b\\\\s" ""$||$F -- selftest a=1 "two words" "it's" 'q"uote' 'b\s' ''
crafted valid ELF|43|$N|||$T/valid-pvh-elf64.elf
crafted ELF, 4-byte PVH descriptor|43|$N|||$T/pvh-descriptor-of-4-bytes.elf
crafted ELF, 8-aligned PT_NOTE|43|$N|||$T/8-aligned-pt-note.elf
crafted ELF, another note first|43|$N|||$T/another-note-before-the-pvh-note.elf
crafted ELF, zero-size PT_LOAD|43|$N|||$T/zero-size-pt-load-ignored.elf
crafted ELF, bss to 16M, --mem 20M|43|$N|||--mem 20M $T/bss-to-16m.elf
lde exit 0|0|$N|||$H -- exit0
lde exit 7|7|$N|||$H -- exit7
lde exit 255|255|$N|||$H -- exit255
isa-debug-exit 0x7f|255|$N|||$H -- debug-exit
every lde call used right|0|$N|||$H -- lde
lde calls by string I/O|0|$N|||$H -- lde-rep
10000 null hypercalls|0|$N|||$H -- nop
probed ports read all-ones|0|$N|||$H -- probe
unknown case|2|$N|^hostile: unknown case$||$H -- no-such-case
memory map: first MiB reserved|0|$N|^00000000 00100000 00000002$||$H -- memmap
memory map: RAM to 128M by default|0|$N|^00100000 07f00000 00000001$||$H -- memmap
memory map, --mem 8M|0|$N|^00100000 00700000 00000001$||--mem 8M $H -- memmap
memory map, --mem 3G|0|$N|^00100000 bff00000 00000001$||--mem 3G $H -- memmap
no initrd: no module|0|$N|^no modules$||$H -- initrd
--initrd: module 0 at the top of RAM|0|$N|^INITRD-CONTENT$||--initrd $T/rd $H -- initrd
--initrd with --mem 8M|0|$N|^INITRD-CONTENT$||--mem 8M --initrd $T/rd $H -- initrd
unknown port, in8|121|$N||^vmm: port 0x1234: in8; nothing serves this port \(guest rip 0x[0-9a-f]+\)$|$H -- port
unknown port, out32|121|$N||^vmm: port 0x5000: out32; nothing serves this port|$H -- port-out32
triple fault|122|$N||^vmm: guest: triple fault \(KVM_EXIT_SHUTDOWN\)$|$H -- triple
MMIO read of nothing|123|$N||^vmm: guest: MMIO read of 4 bytes at 0xd0000000: no memory or device there$|$H -- mmio-read
MMIO write to nothing|123|$N||^vmm: guest: MMIO write of 4 bytes at 0xd0000000|$H -- mmio-write
lde exit, 8-bit|125|$N||^vmm: port 0x1de1 \(lde exit\): out8; lde calls are 32-bit$|$H -- bad-size
lde exit, status 256|125|$N||^vmm: port 0x1de1 \(lde exit\): status 256 out of range 0\.\.255$|$H -- bad-status
lde id written|125|$N||^vmm: port 0x1de0 \(lde id\): out32; no such call$|$H -- bad-dir
unassigned lde port|125|$N||^vmm: port 0x1de9 \(lde, unassigned\): in32; no such call$|$H -- bad-unassigned
trace ring not page aligned|125|$N||^vmm: port 0x1de4 \(lde trace setup\): ring address 0x123 not a page in guest RAM$|$H -- bad-trace
--timeout: spin, interrupts off|124|$N||^vmm: guest: --timeout 1s expired$|--timeout 1 $H -- spin
--timeout: spin, interrupts on|124|$N||^vmm: guest: --timeout 0.5s expired$|--timeout 0.5 $H -- spin-sti
--timeout: hlt, interrupts off|124|$N||^vmm: guest: --timeout 1s expired$|--timeout 1 $H -- hlt
--timeout: not before its time|0|$N|||--timeout 30 $H -- exit0
garbage to every UART register|0|$N|uart-garbage: survived$||$H -- uart-garbage
16-bit write to THR/IER|0|$N|^A$||$H -- uart-wide
rep outsb to THR|0|$N|^rep outsb works$||$H -- rep-outsb
polled input from stdin|0|$T/echo.in|^hello, echo\.$||$H -- echo
IRQ 4 input while the guest halts|0|$T/irq.in|^irq works\.$||$H -- echo-irq
end of input: the guest waits|124|$T/noend.in|^no full stop$|^vmm: guest: --timeout 2s expired$|--timeout 2 $H -- echo
CASES

# Register dumps: what the timeout and triple fault reports show.
vmm_in /dev/null --timeout 1 "$HOSTILE" -- spin
like "$ERR" '^  rip 0000000000100[0-9a-f]{3} rsp 0000000000102[0-9a-f]{3} rflags 00000046$' "dump: rip, rsp, rflags (IF clear)"
like "$ERR" '^  cr0 00000011 cr2 0000000000000000 cr3 0000000000000000 cr4 00000000 efer 0$' "dump: control registers, EFER"
like "$ERR" '^  cs 0008 base 0 limit ffffffff type b dpl 0 32-bit; ss 0010 ' "dump: cs and ss"
like "$ERR" '^  code at rip: eb fe( [0-9a-f]{2}){14}$' "dump: the bytes at rip (jmp \$)"
vmm_in /dev/null "$HOSTILE" -- triple
like "$ERR" '^  code at rip: 0f 0b ' "triple fault dump: rip at the ud2"
vmm_in /dev/null --timeout 0.5 "$HOSTILE" -- spin-sti
like "$ERR" 'rflags 00000246$' "dump: rflags with IF set"

# Console output is never lost: 64 KiB, byte for byte.
timeout -k 5 60 "$VMM" "$HOSTILE" -- flood </dev/null >"$T/flood" 2>"$T/err"
is "$?" 0 "flood: exit 0"
for _ in $(seq 4096); do printf '0123456789abcde\n'; done >"$T/flood.want"
if cmp -s "$T/flood" "$T/flood.want"; then pass "flood: 65536 bytes, all there, in order"; else
	fail "flood: 65536 bytes, all there, in order"
	diag "got $(wc -c <"$T/flood") bytes"
fi

# A line the guest left unfinished is flushed, and the report starts on a
# line of its own when both go to the same place.
vmm_in /dev/null "$HOSTILE" -- partial-line
is "$ST/$OUT" "122/half a line" "partial line: on stdout as written"
timeout -k 5 60 "$VMM" "$HOSTILE" -- partial-line </dev/null >"$T/both" 2>&1
is "$(head -2 "$T/both")" "half a line
vmm: guest: triple fault (KVM_EXIT_SHUTDOWN)" "partial line: report on the next line (2>&1)"

# Input through a pipe is never dropped: 4000 bytes into the IRQ-driven
# echo, all of them come back.
head -c 3999 /dev/zero | tr '\0' x >"$T/big.in"
printf '.' >>"$T/big.in"
vmm_in "$T/big.in" "$HOSTILE" -- echo-irq
is "$ST/$(printf '%s' "$OUT" | tail -c +17 | wc -c)" "0/4000" "4000 piped bytes through IRQ-driven input, none lost"

# Signals end the guest and the vmm dies of them (stdin not a terminal
# here; tests/13 covers the terminal).  A background job of a script
# starts with SIGINT and SIGQUIT ignored: env restores the default, as a
# terminal's foreground job has it.  The signal goes to the vmm itself
# (timeout(1) would catch and forward it); its own --timeout is the guard.
for sig in TERM INT HUP QUIT; do
	env --default-signal=INT,QUIT "$VMM" --timeout 30 "$HOSTILE" -- spin </dev/null >/dev/null 2>"$T/err" &
	pid=$!
	sleep 0.3
	kill -s "$sig" "$pid"
	wait "$pid" 2>/dev/null
	st=$?
	num=$(kill -l "$sig")
	is "$st" $((128 + num)) "SIG$sig: the vmm ends by the signal"
	is "$(cat "$T/err")" "vmm: SIG$sig: guest stopped" "SIG$sig: one line says so"
done

# A signal ignored by whoever started the vmm stays ignored (nohup).
(
	trap '' HUP
	exec "$VMM" --timeout 30 "$HOSTILE" -- spin </dev/null >/dev/null 2>"$T/err"
) &
pid=$!
sleep 0.3
kill -s HUP "$pid"
sleep 0.3
if kill -0 "$pid" 2>/dev/null; then pass "SIGHUP ignored by the parent (nohup): still running"; else
	fail "SIGHUP ignored by the parent (nohup): still running"
fi
kill -s TERM "$pid"
wait "$pid" 2>/dev/null
is "$?" 143 "... and SIGTERM still ends it"

# A reader that goes away: the vmm ends quietly, as a pipeline stage.
timeout -k 5 30 "$VMM" "$HOSTILE" -- flood </dev/null 2>"$T/err" | head -c 10 >/dev/null
is "${PIPESTATUS[0]}/$(cat "$T/err")" "141/" "stdout closed: SIGPIPE, no message"

# Guest RAM is reserved, not touched: a 3G guest costs a few MiB.
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$T/rss" "$VMM" --mem 3G "$HOSTILE" -- exit0 </dev/null
	rss=$(cat "$T/rss")
	if [ "$rss" -lt 16384 ]; then pass "--mem 3G: peak RSS ${rss} KiB < 16 MiB"; else
		fail "--mem 3G: peak RSS ${rss} KiB < 16 MiB"
	fi
else
	skip "--mem 3G: peak RSS < 16 MiB" "no /usr/bin/time"
fi

# The foreign guest is a real PVH guest: QEMU runs it the same way.
if command -v qemu-system-x86_64 >/dev/null; then
	timeout -k 5 60 qemu-system-x86_64 -accel tcg -M microvm -m 128 -nodefaults \
		-nographic -no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$FOREIGN" -append "a \"b c\"" </dev/null >"$T/qemu" 2>&1
	st=$?
	out=$(tr -d '\r' <"$T/qemu")
	vmm_in /dev/null "$FOREIGN" -- a "b c"
	is "$st/$out" "$ST/$OUT" "foreign guest: same output and status under QEMU TCG"
else
	skip "foreign guest: same output and status under QEMU TCG" "no qemu-system-x86_64"
fi

done_testing
