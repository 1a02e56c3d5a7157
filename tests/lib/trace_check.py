#!/usr/bin/env python3
"""Checks and summaries of lde traces for the tests (tests/50-trace.t, 51).

  trace_check.py perfetto FILE.json   every event has what Perfetto and
                                      chrome://tracing need; slices on each
                                      track nest; prints problems, exits 1
  trace_check.py summary FILE.json    key=value lines for the tests to grep
  trace_check.py stats STDERR         the --stats table as "exit KEY COUNT"
  trace_check.py order FILE.txt       the text trace's times never go back by
                                      more than the mapping error it states
"""
import json
import re
import sys

PHASES = {"M", "X", "i"}


def load(path):
    with open(path) as f:
        doc = json.load(f)
    return doc["traceEvents"], doc.get("otherData", {})


def perfetto(path):
    events, _ = load(path)
    bad = []
    for n, e in enumerate(events):
        for k in ("name", "ph", "ts", "pid", "tid"):
            if k not in e:
                bad.append(f"event {n}: no {k}: {e}")
        ph = e.get("ph")
        if ph not in PHASES:
            bad.append(f"event {n}: phase {ph!r}")
        if not isinstance(e.get("ts"), (int, float)) or e.get("ts", 0) < 0:
            bad.append(f"event {n}: ts {e.get('ts')!r}")
        if not all(isinstance(e.get(k), int) and e.get(k) >= 0 for k in ("pid", "tid")):
            bad.append(f"event {n}: pid/tid not unsigned integers: {e}")
        if ph == "X" and (not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0):
            bad.append(f"event {n}: X without a duration: {e}")
        if ph == "i" and e.get("s") not in ("t", "p", "g"):
            bad.append(f"event {n}: instant scope {e.get('s')!r}")
        if ph == "M" and e.get("name") in ("thread_name", "process_name") and \
                not isinstance(e.get("args", {}).get("name"), str):
            bad.append(f"event {n}: metadata without a name: {e}")
    # X slices on one track must nest (a slice starts after the enclosing
    # one started and ends before it ends), or Perfetto misplaces them.
    tracks = {}
    for e in events:
        if e.get("ph") == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"], e))
    eps = 1e-6
    for key, sl in tracks.items():
        sl.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for s, end, e in sl:
            while stack and stack[-1][1] <= s + eps:
                stack.pop()
            if stack and end > stack[-1][1] + eps:
                bad.append(f"track {key}: {e['name']} [{s}, {end}] overlaps "
                           f"{stack[-1][2]['name']} [{stack[-1][0]}, {stack[-1][1]}]")
            stack.append((s, end, e))
    for b in bad[:20]:
        print(b)
    return 1 if bad else 0


def summary(path):
    events, other = load(path)
    for k in ("events", "vm_exits", "dropped", "malformed", "ring_records"):
        print(f"{k}={other.get(k)}")
    cats, exits, states, names, marks = {}, {}, {}, {}, []
    for e in events:
        ph, cat = e["ph"], e.get("cat")
        if ph != "M":
            cats[cat] = cats.get(cat, 0) + 1
        if ph == "X" and cat == "exit":
            a = e.get("args", {})
            key = f"{a['access']} {a['port']}" if a.get("reason") == "IO" else a.get("reason")
            exits[key] = exits.get(key, 0) + 1
        if ph == "X" and cat == "state":
            states.setdefault(e["tid"], []).append((e["ts"], e["name"]))
        if ph == "M" and e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        if ph == "i" and e["name"] == "mark" and e["args"].get("a0") == "0x7e57":
            marks.append((e["ts"], int(e["args"]["a1"], 16)))
    for c in sorted(cats, key=str):
        print(f"cat.{c}={cats[c]}")
    for k in sorted(exits, key=str):
        print(f"exit {k} {exits[k]}")
    for tid in sorted(states):
        print(f"states {tid}=" + ",".join(n for _, n in sorted(states[tid])))
    for tid in sorted(names):
        print(f"name {tid}={names[tid]}")
    print("kmarks=" + ",".join(str(v) for _, v in sorted(marks)))
    return 0


def stats(path):
    """The table's rows as "exit <access> <port> N" / "exit <REASON> N"."""
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines:
        m = re.match(r"^    (in|out)(\d+) (0x[0-9a-f]+) .*?\s(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+$",
                     line)
        if m:
            print(f"exit {m.group(1)}{m.group(2)} {m.group(3)} {m.group(4)}")
            continue
        m = re.match(r"^  ([A-Z_]+)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+[\d.]+$", line)
        if m and m.group(1) != "IO":
            print(f"exit {m.group(1)} {m.group(2)}")
        m = re.match(r"^  all exits\s+(\d+)\s", line)
        if m:
            print(f"all {m.group(1)}")
    return 0


def order(path):
    """Lines' times go back by no more than the guest/host mapping error."""
    with open(path) as f:
        lines = f.read().splitlines()
    m = re.search(r"\(host TSC, (\d+) kHz\); guest TSC = host TSC \+ -?\d+ \(\+-(\d+) cycles\)",
                  lines[0] if lines else "")
    if not m:
        print("no header line with the TSC mapping")
        return 1
    tol = int(m.group(2)) * 1000.0 / int(m.group(1)) + 0.001  # us
    last, bad = None, 0
    for line in lines[1:]:
        if line.startswith("#"):
            continue
        t = float(line.split()[0])
        if last is not None and t < last - tol:
            print(f"time goes back {last - t:.3f} us (tolerance {tol:.3f}): {line}")
            bad += 1
        last = t if last is None else max(last, t)
    return 1 if bad else 0


if __name__ == "__main__":
    cmds = {"perfetto": perfetto, "summary": summary, "stats": stats, "order": order}
    if len(sys.argv) != 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    sys.exit(cmds[sys.argv[1]](sys.argv[2]))
