#!/usr/bin/env python3
"""bench/harness.py: lde's benchmark harness (what `make bench` runs).

Runs every benchmark part whose prerequisites exist, repeating each program
until its figures are stable (lmbench style), and reports:
  - progress on stderr;
  - a table on stdout: median, p99 and min per figure and platform, the
    median as a time, a ratio against the baseline measured in the same
    run, and the goal from issue 6 with a verdict;
  - JSON and an SVG chart under bench/results/ (quick mode: build/bench/quick/).
Parts that cannot run here are listed as "not run (reason)", never dropped.

Every benchmark program speaks bench/PROTOCOL.md: BENCH, BENCHINFO and
BENCHSKIP lines on stdout (a guest's console).

Other entry point: --parse < OUTPUT (one program's output checked against
the protocol, for tests/60).
Environment: BENCH_QUICK=1 (each benchmark once, small), BENCH_ONLY=part,...
(host kvm exit boot mem guest many), BENCH_OUT=dir, BENCH_CPU=n (pin here when
taskset did not), BENCH_NO_KVM=1 (behave as without /dev/kvm), BENCH_BUILD_FAILED="vmm guest.elf" (set by `make bench`:
products whose build failed, never measured).  Other entry points: --render FILE.json (table and SVG
again from saved results), --selftest (the parser and statistics).
Standard library only (Debian's python3).
"""

import datetime
import glob
import json
import os
import platform
import re
import select
import shlex
import signal
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BB = os.path.join(TOP, "build", "bench")
VMM = os.path.join(TOP, "vmm")
GUEST = os.path.join(TOP, "guest.elf")
BARE = os.path.join(BB, "bare.elf")
QEMU = "qemu-system-x86_64"
QEMU_SH = os.path.join(TOP, "tests", "vm", "qemu.sh")  # lde's one QEMU command line
MANYVMS = os.path.join(TOP, "tests", "vm", "manyvms")
GUEST_MEM_MB = 128  # lde's default; QEMU is given the same

PARTS = ("host", "kvm", "exit", "boot", "mem", "guest", "many")

# ---------------------------------------------------------------- protocol

UNITS = ("tsc", "ns", "kb", "count")
STAT_KEYS = ("min", "med", "p99", "max")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class ProtocolError(Exception):
    pass


def parse_fields(text):
    fields = {}
    for word in text.split():
        key, eq, val = word.partition("=")
        if not eq or not key:
            raise ProtocolError("field %r is not key=value" % word)
        fields[key] = val
    return fields


def parse_bench_line(line):
    """One BENCH line -> dict, or ProtocolError naming what is wrong."""
    words = line.split(None, 2)
    if len(words) < 3 or words[0] != "BENCH":
        raise ProtocolError("not a BENCH line")
    name = words[1]
    if not NAME_RE.match(name):
        raise ProtocolError("bad figure name %r" % name)
    f = parse_fields(words[2])
    for key in ("unit", "n") + STAT_KEYS:
        if key not in f:
            raise ProtocolError("%s: missing %s=" % (name, key))
    if f["unit"] not in UNITS:
        raise ProtocolError("%s: unknown unit %r" % (name, f["unit"]))
    fig = {"name": name, "unit": f["unit"]}
    try:
        fig["n"] = int(f["n"])
        fig["iters"] = int(f.get("iters", "1"))
        for key in STAT_KEYS + ("ovh",):
            if key in f:
                fig[key] = float(f[key])
    except ValueError as e:
        raise ProtocolError("%s: %s" % (name, e)) from None
    if fig["n"] < 1 or fig["iters"] < 1:
        raise ProtocolError("%s: n and iters must be positive" % name)
    if not fig["min"] <= fig["med"] <= fig["p99"] <= fig["max"]:
        raise ProtocolError("%s: needs min <= med <= p99 <= max" % name)
    if fig["min"] < 0:
        raise ProtocolError("%s: negative figure" % name)
    return fig


def parse_output(text):
    """A program's output -> (figures, info, skips).  Lines that are not
    protocol lines (console chatter) are ignored; a malformed protocol
    line is an error, so a benchmark cannot rot silently."""
    figures, info, skips = [], {}, []
    for raw in text.splitlines():
        line = raw.strip("\r\n\x00 ")
        # Guest consoles may prefix nothing, but tolerate a kernel's
        # timestamp or prompt before the keyword.
        m = re.search(r"\b(BENCH|BENCHINFO|BENCHSKIP)\b .*", line)
        if not m:
            continue
        line = m.group(0)
        kind = m.group(1)
        if kind == "BENCH":
            figures.append(parse_bench_line(line))
        elif kind == "BENCHINFO":
            info.update(parse_fields(line[len("BENCHINFO"):]))
        else:
            parts = line.split(None, 2)
            if len(parts) < 2 or not NAME_RE.match(parts[1]):
                raise ProtocolError("malformed BENCHSKIP line")
            skips.append((parts[1], parts[2] if len(parts) > 2 else "no reason given"))
    return figures, info, skips


# ---------------------------------------------------------------- platform


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def kvm_flavour():
    for mod in ("kvm_pvm", "kvm_intel", "kvm_amd"):
        if os.path.isdir("/sys/module/" + mod):
            return mod
    return "kvm" if os.path.isdir("/sys/module/kvm") else "none"


def have_kvm():
    """A usable /dev/kvm; BENCH_NO_KVM=1 pretends there is none (to test
    what a machine without KVM reports)."""
    if os.environ.get("BENCH_NO_KVM", "") not in ("", "0"):
        return False
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def have(cmd):
    return any(os.access(os.path.join(d, cmd), os.X_OK)
               for d in os.environ.get("PATH", "").split(os.pathsep))


def cpu_model():
    m = re.search(r"^model name\s*:\s*(.*)$", read("/proc/cpuinfo"), re.M)
    return m.group(1).strip() if m else platform.processor()


def git(*args):
    try:
        return subprocess.run(["git", "-C", TOP] + list(args), capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def module_params(mod):
    d = "/sys/module/%s/parameters" % mod
    out = {}
    for p in sorted(glob.glob(d + "/*")):
        out[os.path.basename(p)] = read(p).strip()
    return out


def trap_path_names():
    """enum lde_trappath from include/lde/proc.h (the ABI), value -> name."""
    text = read(os.path.join(TOP, "include", "lde", "proc.h"))
    return {m.group(2): m.group(1).lower()
            for m in re.finditer(r"LDE_PATH_(\w+)\s*=\s*(\d+)", text)}


# Platforms: key -> how the report labels it.  Filled in with the KVM
# flavour at start.
def platform_labels(flavour):
    return {
        "host": "host",
        "kvm": "raw/" + flavour,
        "vmm": "vmm/" + flavour,
        "qemu-kvm": "qemu/" + flavour,
        "qemu-tcg": "qemu/tcg",
        "qemu-icount": "qemu/icount",
    }


_QEMU_BASE = {}


def qemu_base(accel, kernel):
    """QEMU microvm exactly as lde's tests and run-qemu start it: the
    argument list and the -cpu model come from tests/vm/qemu.sh
    (lde_qemu_argv), which probes once whether `-cpu host` works with this
    KVM (kvm_pvm refuses MSR 0x10a, ARCH_CAPABILITIES, and QEMU 7.2 aborts:
    then `host,-arch-capabilities`).  The probe's answer is kept in
    LDE_QEMU_KVM_CPU, qemu.sh's own cache variable, so it runs once."""
    key = (accel, kernel)
    if key not in _QEMU_BASE:
        script = ('. "$1" || exit 1; lde_qemu_argv "$2" "$3" "$4" || exit 1; '
                  'printf "%s\\0" "${LDE_QEMU_ARGV[@]}"')
        try:
            p = subprocess.run(["bash", "-c", script, "qemu.sh", QEMU_SH, accel,
                                str(GUEST_MEM_MB), kernel], capture_output=True, text=True,
                               timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise BenchFailed("tests/vm/qemu.sh: %s" % e)
        argv = p.stdout.split("\0")[:-1]
        if p.returncode != 0 or not argv:
            raise BenchFailed("tests/vm/qemu.sh lde_qemu_argv %s failed: %s"
                              % (accel, p.stderr.strip()[-200:]))
        if accel == "kvm":  # the probe's answer, for the next call and the record
            os.environ["LDE_QEMU_KVM_CPU"] = qemu_cpu(argv)
        _QEMU_BASE[key] = argv
    return list(_QEMU_BASE[key])


def qemu_argv(accel, kernel, append):
    """accel: kvm, tcg, or icount (TCG with -icount shift=0: the guest's
    rdtsc counts retired instructions)."""
    argv = qemu_base("tcg" if accel == "icount" else accel, kernel)
    if accel == "icount":
        argv += ["-icount", "shift=0,sleep=off"]
    if append is not None:
        argv += ["-append", append]
    return argv


def qemu_cpu(argv):
    return argv[argv.index("-cpu") + 1] if "-cpu" in argv else "?"


def quote_cmdline(words):
    """The vmm's join of guest words (tests/lib/lde.sh quote_cmdline)."""
    out = []
    for w in words:
        if w == "" or re.search(r"[ \t\"\\']", w):
            w = '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(w)
    return " ".join(out)


def qemu_status(raw):
    """isa-debug-exit: V -> (V<<1)|1.  Anything else is a QEMU failure."""
    return raw >> 1 if raw & 1 else None


# ---------------------------------------------------------------- running


class BenchFailed(Exception):
    pass


class Bench:
    """One benchmark program: how to run it once, on which platform.

    argv(quick) gives the command; check(status, output) raises
    BenchFailed when the run went wrong; runs are repeated until the
    medians are stable."""

    def __init__(self, part, key, platform, argv, status=0, timeout=120, min_runs=5,
                 max_runs=11, tol=0.01, budget=60, qemu=False, suffix="", unpinned=False):
        self.part, self.key, self.platform = part, key, platform
        self.unpinned = unpinned  # runs on every CPU (a parallel start), not the pinned one
        self.argv, self.status, self.timeout = argv, status, timeout
        self.min_runs, self.max_runs, self.tol, self.budget = min_runs, max_runs, tol, budget
        self.qemu = qemu
        self.suffix = suffix  # appended to every figure's name (a variant's runs)

    def run_once(self, quick):
        argv = self.argv(quick)
        every_cpu = (lambda: os.sched_setaffinity(0, range(os.cpu_count()))) \
            if self.unpinned else None
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=self.timeout, preexec_fn=every_cpu)
        except subprocess.TimeoutExpired:
            raise BenchFailed("timed out after %d s: %s" % (self.timeout, shlex.join(argv)))
        except OSError as e:
            raise BenchFailed("cannot run %s: %s" % (argv[0], e))
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        got = p.returncode
        if self.qemu:
            got = qemu_status(got) if got >= 0 else None
        if got != self.status:
            tail = (err.strip() or out.strip()).splitlines()[-3:]
            raise BenchFailed("%s exited %s (want %d)%s" % (
                os.path.basename(argv[0]), p.returncode, self.status,
                ": " + " | ".join(tail) if tail else ""))
        try:
            figs, info, skips = parse_output(out)
        except ProtocolError as e:
            raise BenchFailed("bad protocol output: %s" % e)
        if not figs and not skips:
            raise BenchFailed("printed no BENCH line")
        if self.suffix:
            for f in figs:
                f["name"] += self.suffix
            skips = [(name + self.suffix, why) for name, why in skips]
        return figs, info, skips


def stable(meds, tol):
    """True when adding each of the last two runs moved the median of the
    run medians by less than tol (relative)."""
    if len(meds) < 3:
        return False
    m = [statistics.median(meds[:k]) for k in (len(meds) - 2, len(meds) - 1, len(meds))]
    return all(abs(m[i + 1] - m[i]) <= tol * max(abs(m[i + 1]), 1e-9) for i in range(2))


def aggregate(runs):
    """Per-run stats of one figure -> the reported figure: median of run
    medians, median of run p99s, min of mins, max of maxes."""
    first = runs[0]
    return {
        "name": first["name"], "unit": first["unit"], "iters": first["iters"],
        "runs": len(runs), "n": sum(r["n"] for r in runs),
        "median": statistics.median(r["med"] for r in runs),
        "p99": statistics.median(r["p99"] for r in runs),
        "min": min(r["min"] for r in runs),
        "max": max(r["max"] for r in runs),
        "run_medians": [r["med"] for r in runs],
    }


class Report:
    def __init__(self, quick):
        self.quick = quick
        self.figures = []   # aggregated figure dicts with "platform", "part"
        self.not_run = []   # {"part", "name", "platform", "reason"}
        self.failed = []    # same shape: a program that ran and went wrong
        self.info = {}      # platform -> BENCHINFO fields
        self.t0 = time.monotonic()
        self.load_max = 0.0  # the highest 1-minute load average seen

    def load(self):
        """The 1-minute load average now, remembering the highest."""
        la = os.getloadavg()[0]
        self.load_max = max(self.load_max, la)
        return la

    def progress(self, msg):
        print("[bench %5.1fs] %s" % (time.monotonic() - self.t0, msg), file=sys.stderr,
              flush=True)

    def skip(self, part, name, platform, reason):
        self.not_run.append({"part": part, "name": name, "platform": platform,
                             "reason": reason})
        self.progress("not run: %s %s (%s)" % (name, platform or "", reason))

    def run(self, b, *paired):
        """Runs one Bench until stable; records figures or the failure.
        Benches in `paired` run alternately with b, one run each per round,
        until every figure is stable: a ratio between them is then immune
        to the host's drift over the minutes between separate parts."""
        group = (b,) + paired
        runs = [{} for _ in group]
        infos = [{} for _ in group]
        skips = [[] for _ in group]
        started = time.monotonic()
        load = self.load()
        max_runs = 1 if self.quick else b.max_runs
        min_runs = 1 if self.quick else b.min_runs
        for i in range(max_runs):
            for k, g in enumerate(group):
                try:
                    figs, info_i, skips[k] = g.run_once(self.quick)
                except BenchFailed as e:
                    self.failed.append({"part": g.part, "name": g.key, "platform": g.platform,
                                        "reason": str(e)})
                    self.progress("FAILED: %s on %s: %s" % (g.key, g.platform, e))
                    return
                infos[k].update(info_i)
                for f in figs:
                    runs[k].setdefault(f["name"], []).append(f)
            if not b.unpinned:  # an unpinned bench's load is its own (N VMs at once)
                load = max(load, self.load())
            meds = [{n: [r["med"] for r in v] for n, v in rk.items()} for rk in runs]
            self.progress("%s on %s: run %d: %s" % (b.key, b.platform, i + 1, ", ".join(
                "%s %s" % (n, fmt_num(v[-1])) for m in meds for n, v in m.items())))
            if i + 1 >= min_runs and all(stable(v, g.tol) for g, m in zip(group, meds)
                                         for v in m.values()):
                break
            if time.monotonic() - started > b.budget and i + 1 >= min_runs:
                self.progress("%s: time budget spent, not yet stable" % b.key)
                break
        for g, rk, info, sk in zip(group, runs, infos, skips):
            for name, rs in rk.items():
                fig = aggregate(rs)
                fig.update(part=g.part, platform=g.platform, loadavg=round(load, 2))
                fig["stable"] = self.quick or stable([r["med"] for r in rs], g.tol)
                self.figures.append(fig)
            for name, reason in sk:
                self.skip(g.part, name, g.platform, "the program says: " + reason)
            if info:
                self.info.setdefault(g.platform, {}).update(info)

    def add(self, part, platform, name, unit, values, loadavg=None):
        """A figure measured by the harness itself (memory samples);
        loadavg: the load it was measured under, if not now's."""
        s = sorted(values)
        self.figures.append({
            "name": name, "unit": unit, "iters": 1, "runs": len(s), "n": len(s),
            "median": statistics.median_low(s), "p99": s[-1], "min": s[0], "max": s[-1],
            "run_medians": list(values), "part": part, "platform": platform,
            "stable": True, "loadavg": round(self.load() if loadavg is None else loadavg, 2),
        })

    def find(self, name, platform=None):
        for f in self.figures:
            if f["name"] == name and (platform is None or f["platform"] == platform):
                return f
        return None


# ---------------------------------------------------------------- parts


def hostprog(*args):
    return [os.path.join(BB, "host")] + list(args)


def part_host(rep):
    n = lambda full, quick: lambda q: ["-n", str(quick if q else full)]
    for key, args, sizes in (
            ("getpid", ["getpid", "-k", "100"], n(1000, 20)),
            ("pipe", ["pipe", "-k", "50"], n(200, 5)),
            ("fork", ["fork"], n(300, 5)),
            ("fork 1m", ["fork", "-m", "1"], n(100, 3)),
            ("fork 16m", ["fork", "-m", "16"], n(50, 3)),
            ("fork 64m", ["fork", "-m", "64"], n(30, 3)),
            ("exec", ["exec", "-x", os.path.join(BB, "tiny")], n(200, 5))):
        rep.run(Bench("host", "host " + key, "host",
                      lambda q, a=args, s=sizes: hostprog(*a) + s(q), tol=0.02))


def part_kvm(rep):
    if not have_kvm():
        rep.skip("kvm", "kvm.raw.*", "kvm", "no usable /dev/kvm")
        return
    raw = os.path.join(BB, "rawkvm")
    for key, args, full, quick in (("pio", ["pio"], 2000, 20),
                                   ("pio guest-timed", ["pio", "-g"], 200, 5),
                                   ("pio ring 3", ["pio", "-3"], 1000, 20),
                                   ("cpuid", ["cpuid"], 200, 5),
                                   ("cpuid ring 3", ["cpuid", "-3"], 200, 5)):
        rep.run(Bench("kvm", "rawkvm " + key, "kvm",
                      lambda q, a=args, f=full, s=quick: [raw] + a + ["-n", str(s if q else f)],
                      tol=0.02))


def spawn_bench(rep, name, platform, argv, status, timeout=30):
    log = os.path.join(BB, "logs", name + ".log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    if os.path.exists(log):
        os.unlink(log)
    rep.run(Bench("boot", name, platform,
                  lambda q: hostprog("spawn", "-N", name, "-n", "1" if q else "10",
                                     "-s", str(status), "-t", str(timeout // 2 if q else timeout),
                                     "-o", log, "--") + argv,
                  timeout=timeout * 12, max_runs=7, tol=0.03, budget=90))


def boot_cases():
    """(name, platform, argv, status, needs) for every boot figure.  The
    status is the one the run must end with: bare.elf and lde's guest
    running `true` exit 0 on lde (its exit call) and 1 under QEMU (0 written
    to isa-debug-exit)."""
    return (
        ("boot.raw", "kvm", [os.path.join(BB, "rawkvm"), "boot"], 0, ("kvm",)),
        ("boot.bare", "vmm", [VMM, BARE], 0, ("kvm", "vmm")),
        ("boot.bare", "qemu-kvm", lambda: qemu_argv("kvm", BARE, ""), 1, ("kvm", "qemu")),
        ("boot.bare", "qemu-tcg", lambda: qemu_argv("tcg", BARE, ""), 1, ("qemu",)),
        ("boot.true", "vmm", [VMM, GUEST, "--", "true"], 0,
         ("kvm", "vmm", "guest", "user:true")),
        ("boot.true", "qemu-kvm", lambda: qemu_argv("kvm", GUEST, "true"), 1,
         ("kvm", "qemu", "guest", "user:true")),
        ("boot.true", "qemu-tcg", lambda: qemu_argv("tcg", GUEST, "true"), 1,
         ("qemu", "guest", "user:true")),
    )


BUILD_FAILED = os.environ.get("BENCH_BUILD_FAILED", "").split()


def build_failed(product):
    return "`make %s` failed (build/bench/logs/make-%s.log)" % (product, product)


def unbuilt(product, wing, what):
    if os.path.exists(os.path.join(TOP, wing, "build.mk")):
        return "./%s not built (`make %s`)" % (product, product)
    return "%s is not written yet (%s/ has no build.mk)" % (what, wing)


def missing(needs):
    """The first unmet prerequisite as a reason, or None."""
    for need, product in (("vmm", "vmm"), ("guest", "guest.elf")):
        if need in needs and product in BUILD_FAILED:
            return build_failed(product)
    why = {
        "kvm": (have_kvm, "no usable /dev/kvm"),
        "qemu": (lambda: have(QEMU), QEMU + " not installed (.ci/deps test)"),
        "vmm": (lambda: os.access(VMM, os.X_OK), unbuilt("vmm", "host", "the vmm")),
        "guest": (lambda: os.path.exists(GUEST),
                  unbuilt("guest.elf", "guest/kernel", "the kernel")),
    }
    for need in needs:
        if need.startswith("user:"):  # a user program of lde's (guest/user/NAME.c)
            prog = need[5:]
            if not os.path.exists(os.path.join(TOP, "guest", "user", "build.mk")):
                return "lde's user programs are not built into guest.elf yet " \
                       "(guest/user has no build.mk)"
            if not os.path.exists(os.path.join(TOP, "guest", "kernel", "exec.c")):
                return "lde's kernel cannot run a program yet (no guest/kernel/exec.c)"
            if not os.path.exists(os.path.join(TOP, "guest", "user", prog + ".c")):
                return "lde has no user program '%s' yet (guest/user/%s.c)" % (prog, prog)
            continue
        ok, reason = why[need]
        if not ok():
            return reason
    return None


def resolve_argv(rep, part, name, plat, argv):
    """An argv, or a function making one (QEMU's: tests/vm/qemu.sh is asked
    only for parts that run); None, recorded as FAILED, if that fails."""
    try:
        return argv() if callable(argv) else argv
    except BenchFailed as e:
        rep.failed.append({"part": part, "name": name, "platform": plat, "reason": str(e)})
        rep.progress("FAILED: %s on %s: %s" % (name, plat, e))
        return None


def part_boot(rep):
    for name, plat, argv, status, needs in boot_cases():
        reason = missing(needs)
        if reason:
            rep.skip("boot", name, plat, reason)
            continue
        argv = resolve_argv(rep, "boot", name, plat, argv)
        if argv:
            spawn_bench(rep, name, plat, argv, status)


# Memory: the VMM process's own memory while a guest runs, from
# /proc/PID/smaps.  Guest RAM is MAP_NORESERVE anonymous memory whose
# touched pages count; the report subtracts it.  A mapping is guest RAM
# when it is anonymous (or a memfd) and its size is within 4 MiB above the
# guest's memory size.  Of the rest: .own is RSS (every resident page of
# the binary, its heap, stacks and kvm_run, counted whole even when other
# processes share it: a lone VM's cost), .pss the proportional share (what
# one more VM costs while others run the same binary), .private the pages
# no other process maps.  None counts what KVM allocates in the host
# kernel per VM (vCPU, page tables): manyvms.kernel estimates that.

ANON_RE = re.compile(r"^$|^\[anon|^/memfd:|^/dev/zero|^/SYSV")


def smaps_split(pid, mem_kb):
    text = read("/proc/%d/smaps" % pid)
    if not text:
        raise BenchFailed("cannot read /proc/%d/smaps" % pid)
    total = guest = private = pss = 0
    cur = None
    maps = []
    for line in text.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
        if m:
            cur = {"size": (int(m.group(2), 16) - int(m.group(1), 16)) // 1024,
                   "path": m.group(3).strip(), "rss": 0, "private": 0, "pss": 0}
            maps.append(cur)
            continue
        m = re.match(r"^(Rss|Pss|Private_Clean|Private_Dirty):\s+(\d+) kB", line)
        if m and cur is not None:
            if m.group(1) in ("Rss", "Pss"):
                cur[m.group(1).lower()] = int(m.group(2))
            else:
                cur["private"] += int(m.group(2))
    found = False
    for mp in maps:
        total += mp["rss"]
        if ANON_RE.match(mp["path"]) and mem_kb <= mp["size"] <= mem_kb + 4096:
            guest += mp["rss"]
            found = True
        else:
            private += mp["private"]
            pss += mp["pss"]
    if not found:
        raise BenchFailed("no guest RAM mapping of %d KiB found in smaps" % mem_kb)
    return total, guest, private, pss


def hold_and_sample(argv, ready, stdin_text, timeout):
    """Starts argv, feeds stdin_text, waits for a line matching `ready` on
    stdout, samples smaps, stops the process.  -> (total, guest, private, pss)."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    buf, deadline = b"", time.monotonic() + timeout
    try:
        if stdin_text:
            p.stdin.write(stdin_text.encode())
            p.stdin.flush()
        while not re.search(ready.encode(), buf, re.M):
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchFailed("no %r within %d s (output: %r)" % (
                    ready, timeout, buf[-200:].decode("utf-8", "replace")))
            r, _, _ = select.select([p.stdout], [], [], left)
            if r:
                chunk = os.read(p.stdout.fileno(), 4096)
                if not chunk:
                    raise BenchFailed("exited (status %s) before %r: %r" % (
                        p.wait(), ready, buf[-200:].decode("utf-8", "replace")))
                buf += chunk
        return smaps_split(p.pid, GUEST_MEM_MB * 1024)
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for f in (p.stdin, p.stdout):
            try:
                f.close()
            except OSError:
                pass


def mem_cases():
    ready_bare = r"bare: ready"
    ready_lde = r"^bench-ready\r?$"
    return (
        ("mem.raw", "kvm", [os.path.join(BB, "rawkvm"), "hold"], r"rawkvm: ready", None,
         ("kvm",)),
        ("mem.bare", "vmm", [VMM, BARE, "--", "hold"], ready_bare, None, ("kvm", "vmm")),
        ("mem.bare", "qemu-kvm", lambda: qemu_argv("kvm", BARE, "hold"), ready_bare, None,
         ("kvm", "qemu")),
        ("mem.bare", "qemu-tcg", lambda: qemu_argv("tcg", BARE, "hold"), ready_bare, None,
         ("qemu",)),
        # lde's shell answering a command, then after usertests (issue 4's
        # shell; until it exists these time out and say so).
        ("mem.shell", "vmm", [VMM, GUEST], ready_lde, "echo bench-ready\n",
         ("kvm", "vmm", "guest", "user:sh")),
        ("mem.usertests", "vmm", [VMM, GUEST], ready_lde, "usertests\necho bench-ready\n",
         ("kvm", "vmm", "guest", "user:sh", "user:usertests")),
    )


def part_mem(rep):
    for name, plat, argv, ready, stdin_text, needs in mem_cases():
        reason = missing(needs)
        if reason:
            rep.skip("mem", name, plat, reason)
            continue
        argv = resolve_argv(rep, "mem", name, plat, argv)
        if not argv:
            continue
        samples = {"own": [], "pss": [], "private": [], "guest": []}
        runs = 1 if rep.quick else 3
        try:
            for _ in range(runs):
                total, guest, private, pss = hold_and_sample(
                    argv, ready, stdin_text, 300 if "usertests" in name else 30)
                samples["own"].append(total - guest)
                samples["pss"].append(pss)
                samples["private"].append(private)
                samples["guest"].append(guest)
        except BenchFailed as e:
            rep.failed.append({"part": "mem", "name": name, "platform": plat,
                               "reason": str(e)})
            rep.progress("FAILED: %s on %s: %s" % (name, plat, e))
            continue
        for k, v in samples.items():
            rep.add("mem", plat, "%s.%s" % (name, k), "kb", v)
        rep.progress("%s on %s: own RSS %s KiB, PSS %s KiB, private %s KiB, guest RAM "
                     "resident %s KiB" % (name, plat, samples["own"], samples["pss"],
                                          samples["private"], samples["guest"]))


def part_many(rep):
    """tests/vm/manyvms: N vmms started at once (a lab host starting a
    class's VMs), unpinned since it measures a parallel start: VMs/s, and
    each vmm's PSS with all N alive, split into guest RAM and its own."""
    reason = missing(("kvm", "vmm", "guest", "user:sh", "user:echo", "user:sleep"))
    if reason:
        rep.skip("many", "manyvms", "vmm", reason)
        return
    n = 5 if rep.quick else 100
    rep.run(Bench("many", "manyvms -n %d" % n, "vmm",
                  lambda q: [MANYVMS, "-n", str(n), "--mem", "16M"], status=0, timeout=900,
                  min_runs=3, max_runs=5, tol=0.05, budget=240, unpinned=True))
    wall = rep.find("manyvms.wall", "vmm")
    if wall:  # ns per VM from the first launch to the last exit
        rep.add("many", "vmm", "manyvms.vms_per_s", "count",
                [round(1e9 / v, 2) for v in wall["run_medians"] if v > 0],
                loadavg=wall["loadavg"])  # the load before it, not its own
    rep.info.setdefault("vmm", {}).update({"manyvms_n": str(n), "manyvms_mem": "16M"})


def part_exit(rep):
    """The vmm's exit path with a guest that has no kernel (bench/bare.c):
    null hypercall and in-kernel cpuid, on lde's vmm and on QEMU (where
    lde's port is unbacked: the same trip through QEMU's userspace)."""
    for plat, needs in (("vmm", ("kvm", "vmm")), ("qemu-kvm", ("kvm", "qemu"))):
        reason = missing(needs)
        for what in ("nop", "cpuid"):
            if reason:
                rep.skip("exit", "bare " + what, plat, reason)
                continue
            if plat == "vmm":
                argv = lambda q, w=what: [VMM, BARE, "--", w] + (["quick"] if q else [])
            else:
                argv = lambda q, w=what: qemu_argv("kvm", BARE, w + (" quick" if q else ""))
            bench = Bench("exit", "bare " + what, plat, argv, status=0, timeout=60,
                          tol=0.02, qemu=plat != "vmm")
            if plat == "vmm" and what == "nop":
                # The goal is a 5 % bound on a ~20k-cycle exit whose floor
                # drifts more than that over minutes on a shared host: the
                # raw loop runs alternately with it (kvm.raw.pio.guest.paired).
                raw = Bench("exit", "rawkvm pio guest-timed, paired", "kvm",
                            lambda q: [os.path.join(BB, "rawkvm"), "pio", "-g", "-n",
                                       "5" if q else "200"], tol=0.02, suffix=".paired")
                rep.run(bench, raw)
            else:
                rep.run(bench)


def guest_programs():
    """Guest benchmark programs: every guest/user/bench*.c (one program
    per file, installed as /bin/<stem>)."""
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(TOP, "guest", "user", "bench*.c")))


# What a guest program needs beyond the defaults: "runs" (min, max) when one
# run is long (benchproc's 64 MiB forks take ~1.6 s each on kvm_pvm), and
# "kernel_opts": kernel options put before the program's name;
# "variants": extra runs on lde's vmm with vmm options, their figures
# named with a suffix (benchtrace with tracing on: issue 5's "tracing on
# vs off").
GUEST_CONFIG = {
    "benchproc": {"runs": (3, 5)},
    "benchtimer": {"kernel_opts": ["timerlat=4096"]},  # the timer.latency samples
    "benchtrace": {"variants": ((".traced", ["--trace", "/dev/null",
                                             "--trace-events=syscall"]),)},
}
GUEST_PLATFORMS = (("vmm", ("kvm", "vmm", "guest")), ("qemu-kvm", ("kvm", "qemu", "guest")),
                   ("qemu-icount", ("qemu", "guest")))


def guest_bench(prog, plat, quick, vmm_opts=(), suffix=""):
    cfg = GUEST_CONFIG.get(prog, {})
    words = cfg.get("kernel_opts", []) + [prog] + (["quick"] if quick else [])
    min_runs, max_runs = cfg.get("runs", (5, 7))
    if plat == "vmm":
        argv = lambda q, w=words, o=list(vmm_opts): [VMM] + o + [GUEST, "--"] + w
    else:
        accel = "kvm" if plat == "qemu-kvm" else "icount"
        argv = lambda q, w=words, a=accel: qemu_argv(a, GUEST, quote_cmdline(w))
    return Bench("guest", prog + suffix, plat, argv, status=0, timeout=600,
                 min_runs=min_runs, max_runs=max_runs, tol=0.02, budget=300,
                 qemu=plat != "vmm", suffix=suffix)


def part_guest(rep):
    progs = guest_programs()
    if not progs:
        for plat, _ in GUEST_PLATFORMS:
            rep.skip("guest", "guest benchmarks", plat,
                     "no guest benchmark programs yet (guest/user/bench*.c: they need "
                     "a kernel with processes)")
        return
    for plat, needs in GUEST_PLATFORMS:
        for prog in progs:
            reason = missing(needs + ("user:" + prog,))
            if reason:
                rep.skip("guest", prog, plat, reason)
                continue
            rep.run(guest_bench(prog, plat, rep.quick))
            if plat == "vmm":
                for suffix, opts in GUEST_CONFIG.get(prog, {}).get("variants", ()):
                    rep.run(guest_bench(prog, plat, rep.quick, opts, suffix))
    if "benchtrace" in progs:
        reason = missing(("kvm", "vmm", "guest", "user:benchtrace"))
        if reason:
            rep.skip("guest", "trace.exits_per_1k", "vmm", reason)
        else:
            trace_exits(rep)


# The vmm's --stats table (host/stats.c) and its text trace's last line
# (host/trace.c): what trace_exits reads.
STATS_ROW_RE = r"^\s*%s\s+(\d+)\s"
TRACE_END_RE = re.compile(r"^# end: (\d+) guest events, (\d+) VM exits", re.M)


def vmm_exits(opts, marks, timeout):
    """Runs `benchtrace events MARKS` on the vmm with --stats and opts ->
    (all exits, drain exits, stderr)."""
    argv = [VMM, "--stats"] + opts + [GUEST, "--", "quiet", "benchtrace", "events", str(marks)]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchFailed("timed out after %d s: %s" % (timeout, shlex.join(argv)))
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise BenchFailed("%s exited %d: %s" % (shlex.join(argv), p.returncode,
                                                " | ".join(err.strip().splitlines()[-3:])))
    counts = []
    for row in ("all exits", r"out32 0x1de5[^\d\n]*"):
        m = re.search(STATS_ROW_RE % row, err, re.M)
        counts.append(int(m.group(1)) if m else None)
    if counts[0] is None:
        raise BenchFailed("no 'all exits' row in the vmm's --stats output")
    return counts[0], counts[1] or 0, err


def trace_exits(rep):
    """VM exits per 1000 trace events (issue 5: tracing must not cost an
    exit per event): `benchtrace events N` makes 3 events per call (the
    call's enter and exit, and its LDE_EV_USER).  trace.exits_per_1k
    counts the ring's drain calls; trace.exits_added_per_1k every exit
    tracing added (traced run minus the same run untraced)."""
    marks = 2000 if rep.quick else 20000
    runs = 1 if rep.quick else 3
    log = os.path.join(BB, "logs", "benchtrace-events.txt")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    drain, added = [], []
    try:
        for _ in range(runs):
            plain, _, _ = vmm_exits([], marks, 600)
            total, drains, _ = vmm_exits(["--trace", log, "--trace-events=syscall"], marks, 600)
            m = TRACE_END_RE.search(read(log))
            if not m or int(m.group(1)) == 0:
                raise BenchFailed("no '# end: N guest events' line in %s" % log)
            events = int(m.group(1))
            drain.append(1000.0 * drains / events)
            added.append(1000.0 * (total - plain) / events)
    except BenchFailed as e:
        rep.failed.append({"part": "guest", "name": "trace.exits_per_1k", "platform": "vmm",
                           "reason": str(e)})
        rep.progress("FAILED: trace.exits_per_1k: %s" % e)
        return
    rep.add("guest", "vmm", "trace.exits_per_1k", "count", [round(x, 3) for x in drain])
    rep.add("guest", "vmm", "trace.exits_added_per_1k", "count", [round(x, 3) for x in added])
    rep.info.setdefault("vmm", {}).update({"trace_events": str(events),
                                           "trace_marks": str(marks)})
    rep.progress("trace exits per 1000 events: drains %s, added %s (%d events a run)"
                 % (drain, added, events))


# ---------------------------------------------------------------- figures

# Baselines: a figure's ratio column compares it with a figure measured in
# the same run.  (name regex, platforms or None, baseline name, platform;
# None: the figure's own platform).
BASELINES = (
    (r"^trace\.getpid\.syscall\.traced$", None, "trace.getpid.syscall", None),
    (r"^trace\.getpid\.syscall$", None, "trap.getpid.syscall", None),
    (r"^trace\.tracemark\.traced$", None, "trace.tracemark", None),
    (r"^trap\.getpid\.", ("vmm", "qemu-kvm"), "host.getpid", "host"),
    (r"^trap\.floor\.", ("vmm", "qemu-kvm"), "host.getpid", "host"),
    (r"^switch\.(pipe|yield)$", ("vmm", "qemu-kvm"), "host.ctxsw", "host"),
    (r"^proc\.fork$", ("vmm", "qemu-kvm"), "host.fork", "host"),
    (r"^proc\.forkexec$", ("vmm", "qemu-kvm"), "host.forkexec", "host"),
    (r"^proc\.fork\.(\d+m)$", ("vmm", "qemu-kvm"), "host.fork.{0}", "host"),
    (r"^exit\.nop$", ("vmm", "qemu-kvm"), "kvm.raw.pio.guest.paired", "kvm"),
    (r"^exit\.nop$", ("vmm", "qemu-kvm"), "kvm.raw.pio.guest", "kvm"),
    (r"^exit\.cpuid$", ("vmm", "qemu-kvm"), "kvm.raw.cpuid.ring3", "kvm"),
    (r"^exit\.cpuid\.kernel$", ("vmm", "qemu-kvm"), "kvm.raw.cpuid", "kvm"),
    (r"^cpu\.r0insn$", ("vmm", "qemu-kvm"), "kvm.raw.r0insn", "kvm"),
    (r"^kvm\.raw\.pio\.ring3$", None, "kvm.raw.pio", "kvm"),
    (r"^kvm\.raw\.pio\.guest$", None, "kvm.raw.pio", "kvm"),
    (r"^boot\.(bare|true)$", ("vmm",), "boot.{0}", "qemu-kvm"),
    (r"^boot\.(bare|true)$", ("qemu-kvm", "qemu-tcg"), "boot.raw", "kvm"),
    (r"^mem\.(bare|shell|usertests)\.own$", None, "mem.raw.own", "kvm"),
    (r"^mem\.(bare|shell|usertests)\.pss$", None, "mem.raw.pss", "kvm"),
)

HW_KVM = ("kvm_intel", "kvm_amd")

# Goals from issue 6.  (name regex, platforms, kind, limit, baseline, text,
# where): kind "abs" compares the median with limit in the figure's unit;
# "ratio" with limit x the baseline's median.  `where` names the KVM
# flavours on which the goal applies (None: everywhere); elsewhere the
# verdict says why it does not apply.
GOALS = (
    (r"^exit\.nop$", ("vmm",), "ratio", 1.05,
     (("kvm.raw.pio.guest.paired", "kvm"), ("kvm.raw.pio.guest", "kvm")),
     "<= 1.05 x raw KVM pio", None),
    (r"^trap\.getpid\.syscall$", ("qemu-icount",), "abs", 64, None, "<= 64 insn", None),
    (r"^trap\.getpid\.int80$", ("qemu-icount",), "abs", 72, None, "<= 72 insn", None),
    (r"^switch\.pipe$", ("qemu-icount",), "abs", 1000, None, "<= 1000 insn", None),
    (r"^timer\.tick$", ("qemu-icount",), "abs", 200, None, "<= 200 insn", None),
    (r"^boot\.(bare|true)$", ("vmm",), "ratio", 0.5, ("boot.{0}", "qemu-kvm"),
     "<= 0.5 x QEMU microvm", None),
    (r"^(mem\.(bare|shell|usertests)\.(own|pss)|manyvms\.pss\.own)$", ("vmm",), "abs", 1024,
     None, "<= 1 MiB beyond guest RAM", None),
    (r"^trap\.getpid\.(syscall|int80)$", ("vmm",), "ratio", 0.5, ("host.getpid", "host"),
     "<= 0.5 x host getpid", HW_KVM),
    (r"^switch\.pipe$", ("vmm",), "ratio", 0.5, ("host.ctxsw", "host"),
     "<= 0.5 x host switch", HW_KVM),
)


def unit_of(fig):
    """What a figure's numbers count on its platform."""
    if fig["unit"] == "ns":
        return "ns"
    if fig["unit"] == "kb":
        return "KiB"
    if fig["unit"] == "count":
        return "count"
    return "insn" if fig["platform"] == "qemu-icount" else "cyc"


def to_ns(fig, v, tsc_khz):
    u = unit_of(fig)
    if u == "ns":
        return v
    if u == "cyc" and tsc_khz:
        return v * 1e6 / tsc_khz
    return None


def interpreted(fig, flavour):
    """On kvm_pvm guest ring-0 code runs in KVM's instruction emulator, so
    a time that includes guest kernel work measures that emulator."""
    if flavour != "kvm_pvm" or fig["unit"] == "count":
        return False
    if fig["part"] in ("guest", "exit") and fig["platform"] in ("vmm", "qemu-kvm"):
        return True
    return fig["name"] in ("kvm.raw.pio", "kvm.raw.pio.guest", "kvm.raw.pio.guest.paired",
                           "kvm.raw.cpuid", "kvm.raw.r0insn")


def annotate(rep, machine):
    """Adds time, baseline ratio, goal and verdict to every figure."""
    khz = machine.get("tsc_khz") or 0
    flavour = machine["kvm"]
    for f in rep.figures:
        f["unit_display"] = unit_of(f)
        for k in ("median", "p99", "min"):
            ns = to_ns(f, f[k], khz)
            if ns is not None:
                f[k + "_ns"] = round(ns, 2)
        f["interpreted"] = interpreted(f, flavour)
        for pat, plats, bname, bplat in BASELINES:
            m = re.match(pat, f["name"])
            if m and (plats is None or f["platform"] in plats):
                bplat = bplat or f["platform"]
                b = rep.find(bname.format(*m.groups()), bplat)
                if b and b["median"] > 0:
                    # In time where both have one (cycles and ns mix),
                    # else in their common unit.
                    both = "median_ns" in f and "median_ns" in b
                    fv, bv = ((f["median_ns"], b["median_ns"]) if both
                              else (f["median"], b["median"]))
                    f["baseline"] = {"name": b["name"], "platform": bplat,
                                     "ratio": round(fv / bv, 3)}
                    break
        for pat, plats, kind, limit, base, text, where in GOALS:
            m = re.match(pat, f["name"])
            if not m or f["platform"] not in plats:
                continue
            goal = {"text": text}
            if kind == "abs":
                goal["limit"] = limit
            else:
                # base: (name, platform), or several of them, the first found wins
                for bname, bplat in (base if isinstance(base[0], tuple) else (base,)):
                    b = rep.find(bname.format(*m.groups()), bplat)
                    if b:
                        goal["limit"] = round(limit * b["median"], 2)
                        goal["baseline"] = bname
                        break
            if where and flavour not in where:
                goal["verdict"] = "n/a on " + flavour
            elif "limit" not in goal:
                goal["verdict"] = "no baseline"
            else:
                goal["verdict"] = "met" if f["median"] <= goal["limit"] else "MISSED"
            f["goal"] = goal
            break


def machine_info():
    flavour = kvm_flavour() if os.path.exists("/dev/kvm") else "none"
    m = {
        "cpu": cpu_model(),
        "cpus": os.cpu_count(),
        "pinned_cpus": sorted(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "kvm": flavour,
        "kvm_params": module_params(flavour) if flavour.startswith("kvm_") else {},
        "dev_kvm": have_kvm(),
        "loadavg_start": list(os.getloadavg()),
        "python": platform.python_version(),
    }
    if have(QEMU):
        try:
            m["qemu"] = subprocess.run([QEMU, "--version"], capture_output=True, text=True,
                                       timeout=10).stdout.splitlines()[0]
        except (OSError, subprocess.TimeoutExpired, IndexError):
            pass
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)", read("/proc/cpuinfo"), re.M)
    if mhz:
        m["cpuinfo_mhz"] = float(mhz.group(1))
    return m


def tsc_rate(rep, machine):
    """The TSC rate from calibration against CLOCK_MONOTONIC_RAW (host tsc);
    KVM's own figure (rawkvm) and cpuinfo are recorded beside it."""
    try:
        p = subprocess.run(hostprog("tsc", "-k", "20" if rep.quick else "100"),
                           capture_output=True, text=True, timeout=30)
        _, info, _ = parse_output(p.stdout)
        machine["tsc_khz"] = int(info["tsc_khz"])
        machine["tsc_source"] = info.get("tsc_source", "calibrated")
    except (OSError, subprocess.TimeoutExpired, KeyError, ValueError, ProtocolError) as e:
        rep.progress("TSC calibration failed (%s): times shown in cycles only" % e)
        machine["tsc_khz"] = None


# ---------------------------------------------------------------- rendering


def fmt_num(v):
    if v is None:
        return "-"
    if v >= 100000:
        return "%.0f" % v
    if v >= 100:
        return "%.1f" % v
    return "%.2f" % v


def fmt_time(ns):
    if ns is None:
        return "-"
    for div, unit in ((1e6, "ms"), (1e3, "us")):
        if ns >= div:
            return "%.3g %s" % (ns / div, unit) if ns / div < 100 else "%.0f %s" % (ns / div, unit)
    return "%.3g ns" % ns if ns < 100 else "%.0f ns" % ns


def fmt_unit_val(v, unit):
    if unit == "ns":
        return fmt_time(v)
    if unit == "KiB" and v >= 1024:
        return "%.3g MiB" % (v / 1024) if v < 102400 else "%.0f MiB" % (v / 1024)
    return "%.3g %s" % (v, unit) if v < 1000 else "%.0f %s" % (v, unit)


# A figure measured while the 1-minute load average was at least this is
# marked "!": more runnable tasks than the 2 CPUs of lde's machines.
BUSY_LOAD = 2.0


def table(res):
    labels = platform_labels(res["machine"]["kvm"])
    head = ("figure", "platform", "median", "p99", "min", "unit", "time", "ratio", "goal",
            "verdict")
    rows = []
    for f in res["figures"]:
        ratio = "-"
        if "baseline" in f:
            b = f["baseline"]
            ratio = "%.2fx %s" % (b["ratio"], b["name"])
            if b["name"] == f["name"]:  # the same figure elsewhere: say where
                ratio += " on " + labels.get(b["platform"], b["platform"])
        goal = f.get("goal", {})
        mark = " +" if f.get("interpreted") else ""
        if not f.get("stable", True):
            mark += " ~"
        if f.get("loadavg", 0) >= BUSY_LOAD and f["unit_display"] != "insn":
            mark += " !"  # (an instruction count does not depend on the load)
        unit, div = f["unit_display"], 1
        if unit == "ns" and f["median"] >= 1e5:  # wall times: read them in ms or us
            unit, div = ("ms", 1e6) if f["median"] >= 1e6 else ("us", 1e3)
        rows.append((f["name"] + mark, labels.get(f["platform"], f["platform"]),
                     fmt_num(f["median"] / div), fmt_num(f["p99"] / div),
                     fmt_num(f["min"] / div), unit,
                     fmt_time(f.get("median_ns")) if f["unit_display"] != "KiB" else "-",
                     ratio, goal.get("text", "-"), goal.get("verdict", "")))
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    right = {2, 3, 4, 6}
    lines = []

    def line(r):
        return "  ".join((str(c).rjust(w[i]) if i in right else str(c).ljust(w[i]))
                         for i, c in enumerate(r)).rstrip()

    lines.append(line(head))
    lines.append("  ".join("-" * x for x in w))
    part = None
    for f, r in zip(res["figures"], rows):
        if f["part"] != part and part is not None:
            lines.append("")
        part = f["part"]
        lines.append(line(r))
    for kind, items in (("not run", res["not_run"]), ("FAILED", res["failed"])):
        if items:
            lines.append("")
            for x in items:
                plat = labels.get(x["platform"], x["platform"])
                lines.append("%s: %s%s (%s)" % (kind, x["name"], " on " + plat if plat else "",
                                                x["reason"]))
    paths = []
    for plat, p in res.get("platforms", {}).items():
        info = p.get("info", {})
        if "syscall_path" in info:
            paths.append("%s syscall=%s int80=%s" % (p["label"], info["syscall_path"],
                                                    info.get("int80_path", "?")))
    m = res["machine"]
    lines.append("")
    if paths:
        lines.append("guest entry paths (trap.*.syscall, trap.*.int80; lde_sysinfo): " +
                     "; ".join(paths))
    lines.append("machine: %s, %s CPUs (pinned to %s), Linux %s, KVM: %s, TSC %s kHz; "
                 "git %s%s; %s%s" % (
                     m["cpu"], m["cpus"], ",".join(map(str, m["pinned_cpus"])), m["kernel"],
                     m["kvm"], m.get("tsc_khz"), res["git"]["rev"],
                     " (dirty)" if res["git"]["dirty"] else "", res["date"],
                     " QUICK (one short run each: not for comparison)" if res["quick"] else ""))
    load = max(m.get("loadavg_start", [0])[0], m.get("loadavg_end", [0])[0],
               m.get("loadavg_max", 0))
    if load >= 0.5:
        lines.append("! load average up to %.2f during the run (1-minute, sampled at every "
                     "program): other work shared the machine; figures may be inflated" % load)
    if any(f.get("loadavg", 0) >= BUSY_LOAD for f in res["figures"]):
        lines.append("! after a figure: measured while the 1-minute load average was %.1f or "
                     "more (more runnable tasks than this machine's CPUs): rerun before "
                     "reading it" % BUSY_LOAD)
    lines.append("median, p99, min: per operation, over runs repeated until the median "
                 "settled (median of run medians, median of run p99s, min of mins).")
    lines.append("cyc = TSC cycles; insn = guest instructions (QEMU TCG -icount shift=0: "
                 "rdtsc counts retired instructions); ratio = median / the named baseline's "
                 "median, in time where both have one.")
    if any(f.get("interpreted") for f in res["figures"]):
        lines.append("+ kvm_pvm runs guest ring-0 code in KVM's instruction emulator: this "
                     "time measures that emulator, not lde; read the icount rows.")
    if any(not f.get("stable", True) for f in res["figures"]):
        lines.append("~ not stable within the run budget: read with care.")
    return "\n".join(lines) + "\n"


PLAT_COLOURS = {"host": "#4e79a7", "kvm": "#f28e2b", "vmm": "#e15759", "qemu-kvm": "#76b7b2",
                "qemu-tcg": "#59a14f", "qemu-icount": "#b07aa1"}


def esc(s):
    return (str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def svg(res):
    """A hand-written chart: one panel per kind of unit (time, guest
    instructions, memory), one row per figure, log scale; the bar is the
    median, the whisker runs from min to p99, a black tick marks the goal."""
    import math
    labels = platform_labels(res["machine"]["kvm"])
    panels = []
    for title, unit, key in (("time per operation (log scale)", "ns", "_ns"),
                             ("guest instructions, QEMU TCG icount (log scale)", "insn", ""),
                             ("memory (log scale)", "KiB", "")):
        rows = []
        for f in res["figures"]:
            if unit == "ns" and "median_ns" in f:
                v = (f["median_ns"], f["min_ns"], f["p99_ns"])
                scale = f["median_ns"] / f["median"] if f["median"] else None
            elif f["unit_display"] == unit and unit != "ns":
                v = (f["median"], f["min"], f["p99"])
                scale = 1
            else:
                continue
            goal = f.get("goal", {}).get("limit")
            if goal is not None and scale is not None:
                goal = goal * scale
            rows.append(("%s  %s%s" % (f["name"], labels.get(f["platform"], f["platform"]),
                                       " +" if f.get("interpreted") else ""),
                         f["platform"], v, goal))
        if rows:
            panels.append((title, unit, rows))
    W, LBL, ROW, PAD = 1000, 330, 18, 40
    H = 60 + sum(PAD + 24 + ROW * len(r) for _, _, r in panels) + 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="monospace" font-size="11">' % (W, H, W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="22" font-size="15" font-weight="bold">lde benchmarks: %s</text>'
           % esc("%s, KVM %s, git %s, %s%s" % (res["machine"]["cpu"], res["machine"]["kvm"],
                                               res["git"]["rev"], res["date"][:10],
                                               ", QUICK" if res["quick"] else "")),
           '<text x="10" y="40" fill="#555">bar: median; whisker: min to p99; black tick: '
           'goal; + ring-0 time interpreted by kvm_pvm</text>']
    y = 60
    x0, x1 = LBL, W - 90  # room for the value label right of the longest bar
    for title, unit, rows in panels:
        vals = [x for _, _, v, g in rows for x in v + ((g,) if g else ()) if x and x > 0]
        base = 8 if unit == "KiB" else 10  # KiB ticks: 8 KiB, 64 KiB, 512 KiB, 4 MiB...
        lg = lambda v: math.log(v, base)
        lo = base ** math.floor(lg(min(vals)) + 1e-9) if vals else 1
        hi = base ** math.ceil(lg(max(vals)) - 1e-9) if vals else base
        if hi <= lo:
            hi = lo * base
        span = math.log10(hi) - math.log10(lo)
        X = lambda v: x0 + (x1 - x0) * (math.log10(max(v, lo)) - math.log10(lo)) / span
        y += PAD - 16
        out.append('<text x="10" y="%d" font-size="13" font-weight="bold">%s</text>'
                   % (y, esc(title)))
        y += 8
        top = y
        bottom = y + ROW * len(rows)
        d = lo
        while d <= hi * 1.0001:
            xx = X(d)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>'
                       % (xx, top, xx, bottom))
            out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>'
                       % (xx, bottom + 12, esc(fmt_unit_val(d, unit))))
            d *= base
        for i, (label, plat, (med, mn, p99), goal) in enumerate(rows):
            ry = top + i * ROW
            colour = PLAT_COLOURS.get(plat, "#888")
            out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                       % (x0 - 6, ry + 13, esc(label)))
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (x0, ry + 3, max(X(med) - x0, 1), ROW - 6, colour))
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/>'
                       % (X(mn), ry + 9, X(p99), ry + 9))
            for xx in (X(mn), X(p99)):
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333"/>'
                           % (xx, ry + 5, xx, ry + 13))
            if goal:
                out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
                           'stroke-width="3"/>' % (X(goal), ry + 1, X(goal), ry + ROW - 1))
            out.append('<text x="%.1f" y="%d" fill="#222">%s</text>'
                       % (X(max(med, p99)) + 4, ry + 13,
                          esc(fmt_unit_val(med, unit))))
        y = bottom + 24
    lx = 10
    for plat, colour in PLAT_COLOURS.items():
        if any(f["platform"] == plat for f in res["figures"]):
            out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                       % (lx, y, colour))
            out.append('<text x="%d" y="%d">%s</text>' % (lx + 14, y + 9, esc(labels[plat])))
            lx += 30 + 8 * len(labels[plat])
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_results(res, outdir):
    os.makedirs(outdir, exist_ok=True)
    stem = "quick" if res["quick"] else "%s-%s" % (
        res["date"].replace(":", "").replace("-", "")[:15], res["git"]["rev"] or "norev")
    paths = {}
    for ext, text in (("json", json.dumps(res, indent=1) + "\n"), ("txt", table(res)),
                      ("svg", svg(res))):
        path = os.path.join(outdir, "%s.%s" % (stem, ext))
        with open(path, "w") as f:
            f.write(text)
        paths[ext] = path
    return paths


# ---------------------------------------------------------------- main


def pin():
    """Pins to BENCH_CPU when `make bench` could not use taskset."""
    cpu = os.environ.get("BENCH_CPU")
    if cpu and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {int(cpu)})


def main():
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    only = [p for p in os.environ.get("BENCH_ONLY", "").split(",") if p]
    bad = [p for p in only if p not in PARTS]
    if bad:
        print("harness: unknown part(s) %s; parts are %s" % (",".join(bad), " ".join(PARTS)),
              file=sys.stderr)
        return 64
    for prog in ("host", "rawkvm", "tiny", "bare.elf"):
        if not os.path.exists(os.path.join(BB, prog)):
            print("harness: %s missing: run `make bench` (it builds them)"
                  % os.path.join(BB, prog), file=sys.stderr)
            return 66
    pin()
    rep = Report(quick)
    for product in BUILD_FAILED:
        rep.failed.append({"part": "build", "name": product, "platform": None,
                           "reason": build_failed(product)})
    machine = machine_info()
    rep.progress("%s; KVM %s; pinned to CPU %s%s" % (
        machine["cpu"], machine["kvm"], ",".join(map(str, machine["pinned_cpus"])),
        "; QUICK mode" if quick else ""))
    if len(machine["pinned_cpus"]) > 1:
        rep.progress("warning: not pinned to one CPU (run through `make bench`)")
    tsc_rate(rep, machine)
    rep.progress("TSC %s kHz" % machine["tsc_khz"])
    for name, fn in (("host", part_host), ("kvm", part_kvm), ("exit", part_exit),
                     ("boot", part_boot), ("mem", part_mem), ("guest", part_guest),
                     ("many", part_many)):
        if only and name not in only:
            rep.skip(name, "part " + name, None, "BENCH_ONLY=" + ",".join(only))
            continue
        if name == "many":  # last: its 100 VMs load the machine themselves
            machine["loadavg_end"] = list(os.getloadavg())
        rep.progress("part %s" % name)
        fn(rep)
    kvm_khz = next((int(i["kvm_tsc_khz"]) for p, i in rep.info.items()
                    if "kvm_tsc_khz" in i), None)
    if kvm_khz:
        machine["kvm_tsc_khz"] = kvm_khz
    names = trap_path_names()
    for plat, info in rep.info.items():
        for k in ("syscall_path", "int80_path"):
            if k in info and info[k] in names:
                info[k] = names[info[k]]
    if os.environ.get("LDE_QEMU_KVM_CPU"):  # tests/vm/qemu.sh's probe, if it ran
        machine["qemu_kvm_cpu"] = os.environ["LDE_QEMU_KVM_CPU"]
    machine.setdefault("loadavg_end", list(os.getloadavg()))
    machine["loadavg_max"] = round(max(rep.load_max, machine["loadavg_end"][0]), 2)
    annotate(rep, machine)
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    res = {
        "schema": "lde-bench/1",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quick": quick,
        "git": {"rev": git("rev-parse", "--short=12", "HEAD"), "dirty": dirty},
        "machine": machine,
        "platforms": {p: {"label": l, "info": rep.info.get(p, {})}
                      for p, l in platform_labels(machine["kvm"]).items()},
        "figures": rep.figures,
        "not_run": rep.not_run,
        "failed": rep.failed,
        "seconds": round(time.monotonic() - rep.t0, 1),
    }
    outdir = os.environ.get("BENCH_OUT") or (
        os.path.join(BB, "quick") if quick else os.path.join(TOP, "bench", "results"))
    paths = write_results(res, outdir)
    sys.stdout.write(table(res))
    rep.progress("wrote %s" % ", ".join(os.path.relpath(p, TOP) for p in paths.values()))
    return 1 if rep.failed else 0


def render(path):
    with open(path) as f:
        res = json.load(f)
    sys.stdout.write(table(res))
    with open(os.path.splitext(path)[0] + ".svg", "w") as f:
        f.write(svg(res))
    return 0


def check_output():
    """--parse: one program's output on stdin -> one line per protocol line
    it holds ("figure NAME", "skip NAME", "info KEY"), status 0; status 1
    with the parser's complaint for a malformed line or no BENCH/BENCHSKIP
    line at all (what tests/60 checks each guest benchmark's run with)."""
    try:
        figs, info, skips = parse_output(sys.stdin.read())
    except ProtocolError as e:
        print("protocol error: %s" % e)
        return 1
    for f in figs:
        print("figure %s" % f["name"])
    for name, _ in skips:
        print("skip %s" % name)
    for key in info:
        print("info %s" % key)
    if not figs and not skips:
        print("protocol error: no BENCH or BENCHSKIP line")
        return 1
    return 0


def selftest():
    """The parser and the stability rule against hand-made cases (TAP)."""
    cases = [
        ("BENCH a.b unit=tsc n=3 iters=2 min=1 med=2 p99=3 max=4 ovh=0.5", True),
        ("BENCH a unit=ns n=1 min=5 med=5 p99=5 max=5", True),
        ("  [  1.0] BENCH a unit=kb n=1 min=5 med=5 p99=5 max=5\r", True),
        ("BENCH a unit=count n=3 min=0.28 med=0.3 p99=0.5 max=0.5", True),
        ("BENCH a unit=parsecs n=1 min=5 med=5 p99=5 max=5", False),
        ("BENCH a unit=tsc n=1 min=5 med=4 p99=5 max=5", False),
        ("BENCH a unit=tsc n=0 min=5 med=5 p99=5 max=5", False),
        ("BENCH a unit=tsc n=1 min=5 med=5 p99=5", False),
        ("BENCH A! unit=tsc n=1 min=5 med=5 p99=5 max=5", False),
        ("BENCH a unit=tsc n=1 min=x med=5 p99=5 max=5", False),
        ("BENCH a unit=tsc n=1 min=5 med=5 p99=5 max=5 junk", False),
        ("BENCHSKIP trap.floor.int80 int 0x80 raises #UD here", True),
        ("BENCHINFO syscall_path=2 int80_path=3", True),
        ("console chatter", True),
    ]
    n = bad = 0
    for line, good in cases:
        n += 1
        try:
            parse_output(line)
            ok = good
        except ProtocolError:
            ok = not good
        bad += not ok
        print("%s %d - %s %r" % ("ok" if ok else "not ok", n,
                                 "accepts" if good else "rejects", line.strip()))
    figs, info, skips = parse_output(
        "x\nBENCH t unit=tsc n=5 iters=10 min=1.5 med=2 p99=3 max=9\n"
        "BENCHINFO on_lde=1\nBENCHSKIP t2 broken here\n")
    checks = [
        (figs[0]["med"] == 2.0 and figs[0]["iters"] == 10, "fields parsed"),
        (info == {"on_lde": "1"}, "info parsed"),
        (skips == [("t2", "broken here")], "skip parsed"),
        (stable([100, 100.5, 100.2], 0.01), "stable medians settle"),
        (not stable([100, 150, 200], 0.01), "moving medians do not"),
        (not stable([100, 100], 0.01), "two runs are never enough"),
        (aggregate([{"name": "t", "unit": "tsc", "iters": 1, "n": 2, "min": 1, "med": 3,
                     "p99": 5, "max": 6},
                    {"name": "t", "unit": "tsc", "iters": 1, "n": 2, "min": 2, "med": 4,
                     "p99": 7, "max": 9}])["median"] == 3.5, "aggregate: median of medians"),
        (quote_cmdline(["a", "b c", 'd"', ""]) == 'a "b c" "d\\"" ""', "quote_cmdline"),
        (qemu_status(3) == 1 and qemu_status(2) is None, "isa-debug-exit decoding"),
    ]
    for ok, what in checks:
        n += 1
        bad += not ok
        print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    print("1..%d" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render":
        sys.exit(render(sys.argv[2]))
    if len(sys.argv) == 2 and sys.argv[1] == "--selftest":
        sys.exit(selftest())
    if len(sys.argv) == 2 and sys.argv[1] == "--parse":
        sys.exit(check_output())
    if len(sys.argv) > 1:
        print("usage: harness.py [--render FILE.json | --selftest | --parse < OUTPUT]",
              file=sys.stderr)
        sys.exit(64)
    sys.exit(main())
