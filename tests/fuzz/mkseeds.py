#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora to tests/fuzz/corpus/<target>/.

    python3 tests/fuzz/mkseeds.py   (from the top, after `make test-guests
                                     build/tests/unit/mkelf guest.elf`)

Seeds are small, valid examples of each target's input format (see the
comment at the top of each fuzz_*.c), so the fuzzers start from inputs
that pass the first checks: the real guest.elf's headers and PVH note, the
foreign and hostile test guests, every crafted ELF of tests/unit/elfcraft.c,
a UART driver's register sequence, each lde port call used right, the
console fast path, a trace ring, page tables of every paging mode.  The
corpus is committed; rerun this only when an input format changes.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(TOP, "tests", "fuzz", "corpus")
B = os.path.join(TOP, "build")

LDE_PORT_BASE = 0x1DE0
ID, EXIT, TSC, NOP, TSETUP, TDRAIN, CONSOLE = (LDE_PORT_BASE + i for i in range(7))
COM1 = 0x3F8
RAM_START = 0x100000


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- ELF ----

def guest_headers(path):
    """guest.elf cut to its headers and PVH note: every PT_LOAD keeps its
    address, size and flags but no file bytes except 64 of the first
    (where the note is), and the entry moves there."""
    b = bytearray(open(path, "rb").read())
    phoff, = struct.unpack_from("<Q", b, 0x20)
    phnum, = struct.unpack_from("<H", b, 0x38)
    note_off = None
    first = None
    for i in range(phnum):
        o = phoff + 56 * i
        p_type, flags, off, va, pa, filesz, memsz, align = struct.unpack_from("<IIQQQQQQ", b, o)
        if p_type == 4:
            note_off = off
        if p_type == 1:
            if first is None:
                first = (o, off, pa)
                struct.pack_into("<Q", b, o + 32, 64)  # p_filesz
                struct.pack_into("<I", b, o + 4, flags | 1)  # PF_X
            else:
                struct.pack_into("<QQ", b, o + 8, 0, 0)  # p_offset, (vaddr kept below)
                struct.pack_into("<Q", b, o + 16, va)
                struct.pack_into("<Q", b, o + 32, 0)
    o, off, pa = first
    end = off + 64
    out = b[:end]
    # The note's descriptor (8 bytes after a 12-byte header and "Xen\0"):
    # the entry, now the first PT_LOAD's first byte + 0x20.
    struct.pack_into("<Q", out, note_off + 16, pa + 0x20)
    return bytes(out)


def elf_seeds():
    files = {}
    g = os.path.join(TOP, "guest.elf")
    if os.path.exists(g):
        files["guest-headers.elf"] = guest_headers(g)
        files["guest-truncated.elf"] = open(g, "rb").read()[:0x1100]
    for n in ("foreign", "hostile"):
        p = os.path.join(B, "tests", "guest", n + ".elf")
        files[n + ".elf"] = open(p, "rb").read()
    with tempfile.TemporaryDirectory() as t:
        subprocess.run([os.path.join(B, "tests", "unit", "mkelf"), t], check=True,
                       stdout=subprocess.DEVNULL)
        for n in sorted(os.listdir(t)):
            files["craft-" + n] = open(os.path.join(t, n), "rb").read()
    for n, data in files.items():
        put("elf", n, data)
    # elf_ram: u32 RAM size, u8 flags, then the file
    for size, flags, tag in ((128 << 20, 0, "128m-zeroed"), (8 << 20, 1, "8m-dirty"),
                             (3 << 30, 0, "3g"), (0x100000, 0, "1m"), (0x100fff, 1, "odd")):
        for n in ("hostile.elf", "guest-headers.elf", "craft-valid-pvh-elf64.elf",
                  "craft-bss-to-16m.elf"):
            if n in files:
                put("elf_ram", tag + "-" + n, struct.pack("<IB", size, flags) + files[n])


# ---- PVH boot info and the command line ----

def pvh_seeds():
    def seed(name, ram, flags, paddr, size, bufsize, text):
        put("pvh", name, struct.pack("<IBQQH", ram, flags, paddr, size, bufsize) + text)

    seed("words", 128 << 20, 0, 0, 0, 4096, b"selftest\0quiet\0sh\0-c\0exit 7")
    seed("words-quoting", 128 << 20, 1, 0x7fff000, 0x1000, 4096,
         b"a b\0\0q\"uote\0b\\s\0it's\0tab\there\0line\nbreak\0cr\rx")
    seed("words-full", 8 << 20, 0, 0, 0, 12, b"abc\0def\0ghi")
    seed("raw", 3 << 30, 3, 0xbffff000, 0x800, 0, b"selftest=proc hz=1000 -- init")
    seed("raw-4095", 128 << 20, 2, 0, 0, 0, b"x" * 4095)
    seed("raw-4096", 128 << 20, 2, 0, 0, 0, b"y" * 4096)
    seed("ram-1m", 0x100000, 2, 0, 0, 0, b"small")


# ---- UART: (op, value) pairs; op bits 0-2 what, 3-5 register ----

def uart_op(what, reg, v=0):
    return bytes([what | reg << 3, v])


def uart_seeds():
    R, W, RX, OVR, EDGE = 0, 2, 4, 6, 7
    driver = b"".join([
        uart_op(W, 1, 0), uart_op(W, 3, 0x80), uart_op(W, 0, 1), uart_op(W, 1, 0),
        uart_op(W, 3, 0x03), uart_op(W, 2, 0xC7), uart_op(W, 4, 0x0B), uart_op(W, 1, 0x01),
        uart_op(W, 0, ord("h")), uart_op(W, 0, ord("i")), uart_op(R, 5), uart_op(R, 2),
        uart_op(RX, 0, ord("a")), uart_op(EDGE, 0), uart_op(R, 2), uart_op(R, 5),
        uart_op(R, 0), uart_op(R, 5)])
    put("uart", "driver-init-tx-rx", driver)
    loop = b"".join([uart_op(W, 4, 0x1F), uart_op(W, 1, 0x0F)] +
                    [uart_op(W, 0, c) for c in b"loop"] +
                    [uart_op(R, 6), uart_op(R, 0), uart_op(R, 2), uart_op(W, 4, 0),
                     uart_op(R, 6), uart_op(EDGE, 0)])
    put("uart", "loopback-msr", loop)
    fifo = b"".join([uart_op(W, 2, 1)] + [uart_op(RX, 0, i) for i in range(32)] +
                    [uart_op(OVR, 0), uart_op(R, 5), uart_op(W, 2, 3), uart_op(R, 0),
                     uart_op(R, 5)])
    put("uart", "fifo-overrun-clear", fifo)
    ier = b"".join([uart_op(W, 1, 2), uart_op(EDGE, 0), uart_op(R, 2), uart_op(R, 2),
                    uart_op(W, 1, 0x0F), uart_op(W, 4, 0x10), uart_op(EDGE, 0), uart_op(R, 2)])
    put("uart", "thre-msi", ier)
    # The host's input ends (carrier drops: op 6 with bit 7) and comes back.
    carrier = b"".join([uart_op(W, 1, 0x08), uart_op(RX, 0, ord("z")), uart_op(OVR, 0, 0x80),
                        uart_op(EDGE, 0), uart_op(R, 2), uart_op(R, 6), uart_op(R, 0),
                        uart_op(OVR, 0, 0x81), uart_op(R, 6), uart_op(W, 4, 0x10),
                        uart_op(OVR, 0, 0x80), uart_op(R, 6)])
    put("uart", "carrier-drop", carrier)


# ---- port: u8 RAM size, u16 image length + image, then exits ----

def exit_(port, out, size, count, data=b""):
    return struct.pack("<HBH", port, (size << 1) | out, count) + data


def port_seed(name, image, exits, ram=63):
    put("port", name, struct.pack("<BH", ram, len(image)) + image + b"".join(exits))


def trace_ring(nrec, head, tail, recs):
    hdr = struct.pack("<IIIIIIQQQQQ", 0x52544C44, 1, nrec, max(1, nrec // 2), 0, 0,
                      2299998, head, tail, 0, 0)
    body = b"".join(struct.pack("<QHHiQQ", 1000 + i, t, 0, pid, a0, a1)
                    for i, (t, pid, a0, a1) in enumerate(recs))
    return hdr + body


def port_seeds():
    u32 = lambda v: struct.pack("<I", v)
    port_seed("lde-calls", b"", [
        exit_(ID, 0, 4, 1, u32(0)), exit_(TSC, 0, 4, 1, u32(0)), exit_(NOP, 1, 4, 1, u32(7)),
        exit_(NOP, 0, 4, 1, u32(0)), exit_(TSETUP, 0, 4, 1, u32(0)),
        exit_(TSETUP, 1, 4, 1, u32(0)), exit_(TDRAIN, 1, 4, 1, u32(0)),
        exit_(CONSOLE, 0, 4, 1, u32(0)), exit_(EXIT, 1, 4, 1, u32(0))])
    port_seed("lde-string-io", b"", [
        exit_(ID, 0, 4, 3, bytes(12)), exit_(NOP, 1, 4, 2, u32(1) + u32(2)),
        exit_(EXIT, 1, 4, 2, u32(5) + u32(9))])
    port_seed("console-fast-path", struct.pack("<II", 5, 0) + b"hello", [
        exit_(CONSOLE, 1, 4, 1, u32(RAM_START)), exit_(CONSOLE, 1, 4, 1, u32(RAM_START)),
        exit_(EXIT, 1, 4, 1, u32(0))])
    port_seed("console-at-ram-end", b"", [
        exit_(CONSOLE, 1, 4, 1, u32(RAM_START + 0x40000 - 8)), exit_(EXIT, 1, 4, 1, u32(3))])
    ring = trace_ring(4, 3, 0, [(1, 1, 39, 0), (2, 1, 39, 0), (5, 1, 2, 0)])
    port_seed("trace-ring", ring, [
        exit_(TSETUP, 0, 4, 1, u32(0)), exit_(TSETUP, 1, 4, 1, u32(RAM_START)),
        exit_(TDRAIN, 1, 4, 1, u32(0)), exit_(NOP, 1, 4, 1, u32(0)),
        exit_(TSETUP, 1, 4, 1, u32(0)), exit_(EXIT, 1, 4, 1, u32(0))])
    bad = trace_ring(4, 1 << 40, 0, [])
    port_seed("trace-ring-bad-head", bad, [
        exit_(TSETUP, 1, 4, 1, u32(RAM_START)), exit_(TDRAIN, 1, 4, 1, u32(0))])
    port_seed("uart-driver", b"", [
        exit_(COM1 + 1, 1, 1, 1, b"\0"), exit_(COM1 + 3, 1, 1, 1, b"\x80"),
        exit_(COM1, 1, 2, 1, b"\x01\x00"), exit_(COM1 + 3, 1, 1, 1, b"\x03"),
        exit_(COM1 + 2, 1, 1, 1, b"\xc7"), exit_(COM1 + 4, 1, 1, 1, b"\x0b"),
        exit_(COM1 + 1, 1, 1, 1, b"\x01"), exit_(COM1 + 5, 0, 1, 1, b"\0"),
        exit_(COM1, 1, 1, 11, b"hello, uart"), exit_(COM1 + 2, 0, 1, 1, b"\0"),
        exit_(COM1 + 4, 0, 4, 1, bytes(4)), exit_(0xF4, 1, 1, 1, b"\x15")])
    port_seed("probed-ports", b"", [
        exit_(0x80, 1, 1, 1, b"\x55"), exit_(0x70, 1, 1, 1, b"\x0a"),
        exit_(0x71, 0, 1, 1, b"\0"), exit_(0xCF8, 1, 4, 1, u32(0x80000000)),
        exit_(0xCFC, 0, 4, 1, bytes(4)), exit_(0x3DA, 0, 1, 2, bytes(2)),
        exit_(0x1234, 0, 1, 1, b"\0")])


# ---- dump: u64 CR0 CR3 CR4 EFER CS.base RIP VA, u8 CS flags, then RAM ----

def dump_seeds():
    P, PS = 3, 0x80
    LM = (0x80000011, 0x1000, 0x20, 0x500)

    def seed(name, cr, rip, va, csf, ram):
        put("dump", name, struct.pack("<QQQQQQQB", *cr, 0, rip, va, csf) + bytes(ram))

    ram = bytearray(0x6000)
    def q(pa, v):
        struct.pack_into("<Q", ram, pa, v)
    q(0x1000 + 511 * 8, 0x2000 | P)
    q(0x1000 + 0, 0x2000 | P)
    q(0x2000 + 510 * 8, 0x3000 | P)
    q(0x2000 + 0, 0x40000000 | P | PS)
    q(0x3000 + 8, 0x4000 | P)
    q(0x3000 + 16, 0x200000 | P | PS)
    q(0x4000 + 8, 0x5000 | P)
    seed("long-4level", LM, 0xFFFFFFFF80201000, 0x12345, 1, ram)
    seed("long-5level", (0x80000011, 0x1000, 0x1020, 0x500), 0xFFFFFFFF80201000, 0, 1, ram)
    pae = bytearray(0x4000)
    struct.pack_into("<Q", pae, 0x1000, 0x2000 | 1)
    struct.pack_into("<Q", pae, 0x2000, 0x3000 | P)
    struct.pack_into("<Q", pae, 0x2008, 0x200000 | P | PS)
    struct.pack_into("<Q", pae, 0x3000 + 5 * 8, 0x1000 | P)
    seed("pae", (0x80000011, 0x1000, 0x20, 0), 0x5010, 0x201234, 2, pae)
    p32 = bytearray(0x3000)
    struct.pack_into("<I", p32, 0x1000, 0x2000 | P)
    struct.pack_into("<I", p32, 0x1004, 0x400000 | P | PS)
    struct.pack_into("<I", p32, 0x2004, 0x1000 | P)
    seed("32bit-pse", (0x80000011, 0x1000, 0x10, 0), 0x1010, 0x401234, 2, p32)
    seed("paging-off", (0x11, 0, 0, 0), 0x100000, 0x1234, 2, bytes(0x100))


# ---- opts: NUL-separated argv ----

def opts_seeds():
    for name, argv in (
            ("guest", ["guest.elf"]),
            ("all-options", ["--mem", "256M", "--timeout", "1.5", "-i", "rd", "g.elf", "--",
                             "selftest", "a b"]),
            ("short", ["-m64M", "-t0", "g.elf"]),
            ("help", ["--help"]),
            ("bad", ["--mem=3G", "--timeout", "1e9", "--bogus", "g.elf", "x"]),
            ("trace-stats-sandbox", ["--stats", "--trace", "t.json", "--trace-events",
                                     "syscall,sched,exit", "--no-sandbox", "g.elf"]),
            ("trace-bad", ["--trace=", "--trace-events=irq,,bogus", "g.elf"])):
        put("opts", name, b"\0".join(a.encode() for a in argv))


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    elf_seeds()
    pvh_seeds()
    uart_seeds()
    port_seeds()
    dump_seeds()
    opts_seeds()
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print("seeds: %d files, %d bytes" % (sum(len(fs) for _, _, fs in os.walk(OUT)), total))


if __name__ == "__main__":
    sys.exit(main())
