#!/usr/bin/env python3
"""bench/insnprof.py: where the kernel's instructions go, per trap, exactly.

Runs lde's guest.elf under QEMU TCG with one instruction per translation
block and every executed block logged (-singlestep -d exec,nochain), then
cuts the instruction stream into kernel visits: maximal runs of kernel
addresses between two user-mode instructions.  Each visit is attributed to
the user instruction right before it (a `syscall`, an `int $0x80`, or the
instruction an interrupt arrived after) and counted per kernel function
(symbols from guest.elf, user symbols from the program's unstripped ELF).

This is the "instruction counts per stage" behind the icount rows of
`make bench`: a visit's length plus one (the trapping instruction) is what
rdtsc under -icount shift=0 reads for that trap.  It needs no change to
the kernel.

usage: bench/insnprof.py [--site SYM] [--listing] [--top N] -- CMDLINE...
  e.g. bench/insnprof.py --site loop_getpid_syscall -- benchtrap quick

  --site SYM   only visits entered from user function SYM (default: all,
               grouped by entry site)
  --listing    also print every kernel instruction of the most common
               visit from each site, with its disassembly
  --top N      entry sites to show (default 12)
  --kernel F   kernel ELF (default ./guest.elf); --user F: user ELF
               (default build/guest/user/<first program word>)
Standard library, binutils (nm, objdump) and qemu-system-x86_64.
"""

import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_MIN = 0xFFFF800000000000
LOG_RE = re.compile(rb"\[[0-9a-f]+/([0-9a-f]+)/")


class Symbols:
    def __init__(self, elf):
        self.addrs, self.names = [], []
        out = subprocess.run(["nm", "-n", "--defined-only", elf], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                self.addrs.append(int(parts[0], 16))
                self.names.append(parts[2])

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"

    def where(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        return "%s+0x%x" % (self.names[i], pc - self.addrs[i]) if i >= 0 else hex(pc)


def disassembly(elf, pcs):
    """pc -> instruction text for the given addresses (objdump over their span)."""
    lo, hi = min(pcs), max(pcs) + 16
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "--start-address=%d" % lo,
                          "--stop-address=%d" % hi, elf], capture_output=True, text=True).stdout
    text = {}
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s+(.*)$", line)
        if m:
            text[int(m.group(1), 16)] = re.sub(r"\s+", " ", m.group(2).strip())
    return text


def run_qemu(cmdline, kernel, log):
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-singlestep", "-d",
            "exec,nochain", "-D", log, "-M", "microvm", "-m", "128", "-nodefaults",
            "-nographic", "-no-reboot", "-serial", "stdio", "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04", "-kernel", kernel, "-append", cmdline]
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def visits(log):
    """Yields (entry_user_pc, [kernel pcs], return_user_pc) for every kernel visit
    that started from user mode."""
    last_user, cur = None, None
    with open(log, "rb") as f:
        for line in f:
            m = LOG_RE.search(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc >= KERNEL_MIN:
                if cur is not None:
                    cur.append(pc)
                elif last_user is not None:
                    cur = [pc]
            else:
                if cur is not None:
                    yield last_user, cur, pc
                    cur = None
                last_user = pc


def main(argv):
    site, listing, top = None, False, 12
    kernel = os.path.join(TOP, "guest.elf")
    user = None
    while argv and argv[0] != "--":
        a = argv.pop(0)
        if a == "--site":
            site = argv.pop(0)
        elif a == "--listing":
            listing = True
        elif a == "--top":
            top = int(argv.pop(0))
        elif a == "--kernel":
            kernel = argv.pop(0)
        elif a == "--user":
            user = argv.pop(0)
        else:
            print(__doc__, file=sys.stderr)
            return 64
    if not argv or len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    words = argv[1:]
    prog = next((w for w in words if "=" not in w and w not in ("quiet", "--")), None)
    if user is None and prog:
        user = os.path.join(TOP, "build", "guest", "user", prog)
    ksym = Symbols(kernel)
    usym = Symbols(user) if user and os.path.exists(user) else None
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "exec.log")
        status, out = run_qemu(" ".join(words), kernel, log)
        sys.stdout.write(out)
        print("# qemu exit status %d (isa-debug-exit: guest status %d)" % (status, status >> 1))
        # entry site -> Counter of visit shapes (tuple of kernel pcs)
        shapes = collections.defaultdict(collections.Counter)
        for entry, pcs, ret in visits(log):
            name = usym.name(entry) if usym else hex(entry)
            if site and name != site:
                continue
            shapes[(name, entry)][tuple(pcs)] += 1
    sites = sorted(shapes.items(), key=lambda kv: -sum(kv[1].values()))[:top]
    for (name, entry), counter in sites:
        total = sum(counter.values())
        where = usym.where(entry) if usym else hex(entry)
        print("\nentered from %s: %d visits" % (where, total))
        for shape, count in counter.most_common(3):
            per = collections.OrderedDict()
            for pc in shape:
                per[ksym.name(pc)] = per.get(ksym.name(pc), 0) + 1
            print("  %d x %d kernel instructions (+1 trapping = %d): %s" % (
                count, len(shape), len(shape) + 1,
                ", ".join("%s %d" % kv for kv in per.items())))
        if listing:
            shape = counter.most_common(1)[0][0]
            text = disassembly(kernel, shape)
            print("  listing of the most common visit:")
            for i, pc in enumerate(shape):
                print("  %4d  %-28s %s" % (i + 1, ksym.where(pc), text.get(pc, "?")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
