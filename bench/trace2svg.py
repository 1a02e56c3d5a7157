#!/usr/bin/env python3
"""trace2svg: a scheduling timeline from an lde trace (./vmm --trace FILE.json).

OSTEP's process-run picture, drawn from a real run: one row per guest
process, time running left to right, each stretch coloured by the
process's state (running, ready, blocked, zombie, embryo), with a legend
and a time axis.  Fork, exec, exit and wait show as ticks on the row.

    bench/trace2svg.py trace.json                 # writes trace.svg
    bench/trace2svg.py trace.json -o run.svg --title "p2 on lde"

Input: Chrome trace-event JSON as the vmm writes it: state slices are
"X" events of category "state" on the guest's process tracks (tid = guest
pid), thread names come from "thread_name" metadata.  Any trace in that
shape works.  Python 3 standard library only.
"""
import argparse
import json
import math
import sys
from xml.sax.saxutils import escape

STATES = [  # name, fill, what it means
    ("running", "#2e7d32", "on the CPU"),
    ("ready", "#f9a825", "runnable, waiting for the CPU"),
    ("blocked", "#1565c0", "waiting for an event (I/O, child, sleep)"),
    ("zombie", "#9e9e9e", "exited, not yet reaped"),
    ("embryo", "#d7ccc8", "being created"),
]
FILL = {name: fill for name, fill, _ in STATES}
MARKS = {"fork", "exit", "wait"}  # instants drawn as ticks (and exec *)

LABEL_W, ROW_H, ROW_GAP, TOP, AXIS_H, RIGHT = 150, 20, 6, 64, 40, 20


def nice_step(span, ticks=8):
    """A 1-2-5 step giving about `ticks` ticks over span."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def fmt_time(us, step):
    """us as a label in us, ms or s, with as many decimals as step needs."""
    for unit, div in (("s", 1e6), ("ms", 1e3), ("us", 1.0)):
        if step >= div or unit == "us":
            v, s = us / div, step / div
            dec = max(0, -int(math.floor(math.log10(s)))) if s < 1 else 0
            return f"{v:.{dec}f} {unit}"
    return f"{us} us"


def load(path):
    with open(path) as f:
        doc = json.load(f)
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    names, slices, marks = {}, {}, {}
    for e in events:
        ph, tid = e.get("ph"), e.get("tid")
        if ph == "M" and e.get("name") == "thread_name":
            names[tid] = e.get("args", {}).get("name", "")
        elif ph == "X" and e.get("cat") == "state":
            slices.setdefault(tid, []).append(
                (float(e["ts"]), float(e["ts"]) + float(e.get("dur", 0)), e["name"]))
        elif ph == "i" and e.get("cat") == "proc":
            name = e.get("name", "")
            if name in MARKS or name.startswith("exec"):
                marks.setdefault(tid, []).append((float(e["ts"]), name))
    return names, slices, marks


def render(names, slices, marks, title, width):
    tids = sorted(slices)
    t0 = min(s for tid in tids for s, _, _ in slices[tid])
    t1 = max(e for tid in tids for _, e, _ in slices[tid])
    span = max(t1 - t0, 1e-3)
    plot_w = width - LABEL_W - RIGHT
    height = TOP + len(tids) * (ROW_H + ROW_GAP) + AXIS_H

    def x(t):
        return LABEL_W + (t - t0) / span * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{LABEL_W}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    # Legend.
    lx = LABEL_W
    for name, fill, meaning in STATES:
        out.append(f'<g><title>{escape(meaning)}</title>'
                   f'<rect x="{lx}" y="30" width="12" height="12" fill="{fill}"/>'
                   f'<text x="{lx + 16}" y="40">{name}</text></g>')
        lx += 24 + 8 * len(name)
    out.append(f'<text x="{lx}" y="40" fill="#555">| fork, exec, exit, wait</text>')
    # Rows.
    for i, tid in enumerate(tids):
        y = TOP + i * (ROW_H + ROW_GAP)
        label = f"{names.get(tid, 'pid')} (pid {tid})"
        out.append(f'<text x="{LABEL_W - 8}" y="{y + ROW_H - 6}" text-anchor="end">'
                   f'{escape(label)}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{plot_w}" height="{ROW_H}" '
                   f'fill="#f5f5f5"/>')
        for s, e, state in sorted(slices[tid]):
            w = max(x(e) - x(s), 0.5)
            out.append(f'<rect x="{x(s):.2f}" y="{y}" width="{w:.2f}" height="{ROW_H}" '
                       f'fill="{FILL.get(state, "#ce93d8")}"><title>pid {tid} {escape(state)}: '
                       f'{fmt_time(s, 1)} for {e - s:.3f} us</title></rect>')
        for t, what in marks.get(tid, []):
            if t0 <= t <= t1:
                out.append(f'<line x1="{x(t):.2f}" y1="{y - 2}" x2="{x(t):.2f}" '
                           f'y2="{y + ROW_H + 2}" stroke="black" stroke-width="1">'
                           f'<title>{escape(what)}</title></line>')
    # Time axis.
    ay = TOP + len(tids) * (ROW_H + ROW_GAP) + 4
    out.append(f'<line x1="{LABEL_W}" y1="{ay}" x2="{LABEL_W + plot_w}" y2="{ay}" '
               f'stroke="black"/>')
    step = nice_step(span)
    k = math.ceil(0 / step)
    while k * step <= span + 1e-9:
        tx = x(t0 + k * step)
        out.append(f'<line x1="{tx:.2f}" y1="{ay}" x2="{tx:.2f}" y2="{ay + 5}" stroke="black"/>')
        out.append(f'<text x="{tx:.2f}" y="{ay + 18}" text-anchor="middle">'
                   f'{fmt_time(k * step, step)}</text>')
        k += 1
    out.append(f'<text x="{LABEL_W + plot_w}" y="{ay + 34}" text-anchor="end" fill="#555">'
               f'time since the first state shown ({fmt_time(t0, 1)} into the trace)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Draw an lde trace's process states as an SVG "
                                 "timeline (OSTEP's process-run picture).")
    ap.add_argument("trace", help="Chrome trace-event JSON from ./vmm --trace FILE.json")
    ap.add_argument("-o", "--output", help="SVG to write (default: the trace's name, .svg)")
    ap.add_argument("--title", help="title line (default: the trace's file name)")
    ap.add_argument("--width", type=int, default=1000, help="width in pixels (default 1000)")
    a = ap.parse_args()

    try:
        names, slices, marks = load(a.trace)
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"trace2svg: {a.trace}: {e}")
    if not slices:
        sys.exit(f"trace2svg: {a.trace}: no process states (\"X\" events of category "
                 f"\"state\"); trace with the sched category (--trace-events=sched,...)")
    out = a.output or (a.trace[:-5] if a.trace.endswith(".json") else a.trace) + ".svg"
    svg = render(names, slices, marks, a.title or f"lde: process states over time ({a.trace})",
                 max(a.width, LABEL_W + RIGHT + 100))
    with open(out, "w") as f:
        f.write(svg)
    print(f"trace2svg: {out}: {len(slices)} processes", file=sys.stderr)


if __name__ == "__main__":
    main()
