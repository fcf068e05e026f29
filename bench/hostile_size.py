"""Hostile sizes: how long parsing and opening a huge cable takes, and what it costs in memory.

    python bench/hostile_size.py                 # every shape, about 10 MB each
    python bench/hostile_size.py --mb 2 --shapes lines paragraphs

For each shape (one huge line, a million short lines, a million paragraphs, a million TO
addressees) it writes the cable, times `parse_bytes` on it in a fresh process (wall time and
that process's peak RSS), ingests it into a fresh cache, and opens it in a headless console
(`enter` on the list) in another fresh process: the time from the key to the split view drawn,
and the console's RSS before opening and its peak after. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = (
    "VZCZCXYZ0001\nOO RUEHC\nDE RUEHFR #0001 3301200\nZNR UUUUU ZZH\n"
    "O 261200Z NOV 26\nFM AMEMBASSY PARIS\n"
)
TOP = "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001\n"
LEAD = "BT\nUNCLAS PARIS 000001\n\nE.O. 12958: N/A\nTAGS: PREL FR\nSUBJECT: A VERY LARGE CABLE\n\n"


def make(shape: str, size: int) -> bytes:
    """A cable of about `size` bytes whose bulk has the given shape."""
    if shape == "short":  # the baseline: an ordinary cable
        return (
            HEADER + TOP + LEAD + "1. (U) A short paragraph.\n\n2. (U) Another.\n" + "BT\n"
        ).encode()
    if shape == "line":
        body = "1. (U) " + ("word " * (size // 5)) + "\n"
        return (HEADER + TOP + LEAD + body + "BT\n").encode()
    if shape == "lines":
        n = size // 10
        body = "1. (U) start\n" + "".join(f"ln {k % 100000:05d}\n" for k in range(n))
        return (HEADER + TOP + LEAD + body + "BT\n").encode()
    if shape == "paragraphs":
        n = size // 12
        body = "".join(f"{k}. (U) p\n\n" for k in range(1, n + 1))
        return (HEADER + TOP + LEAD + body + "BT\n").encode()
    if shape == "addressees":
        n = size // 32
        to = "TO " + "".join(f"RUEHX{k % 100:02d}/AMEMBASSY X{k:07d} ROUTINE\n" for k in range(n))
        return (HEADER + to + LEAD + "1. (U) Short.\n" + "BT\n").encode()
    raise SystemExit(f"unknown shape {shape}")


PARSE = """
import json, sys, time
t0 = time.perf_counter()
from triage.cable import parse_bytes
data = open(sys.argv[1], 'rb').read()
t1 = time.perf_counter()
c = parse_bytes(data)
t2 = time.perf_counter()
hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')][0]
print(json.dumps({"parse_s": t2 - t1, "parse_peak_mb": hwm / 1024,
                  "paragraphs": len(c.paragraphs), "to": len(c.to)}))
"""

OPEN = """
import asyncio, json, sys, time
from pathlib import Path
from triage.config import Config
from triage.tui.app import TriageApp, CableScreen

def rss():
    for l in open('/proc/self/status'):
        if l.startswith('VmRSS'):
            return int(l.split()[1]) / 1024

def hwm():
    for l in open('/proc/self/status'):
        if l.startswith('VmHWM'):
            return int(l.split()[1]) / 1024

async def main():
    app = TriageApp(Path(sys.argv[1]), Config(), login='bench')
    async with app.run_test(size=(int(sys.argv[2]), 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = rss()
        peak_before = hwm()
        t0 = time.perf_counter()
        await pilot.press('enter')
        while not isinstance(app.screen, CableScreen):
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        t1 = time.perf_counter()
        # read /proc/self/status for the peak while the cable is shown
        print(json.dumps({"open_s": t1 - t0, "rss_before_mb": before,
                          "peak_before_mb": peak_before, "peak_after_mb": hwm(),
                          "rss_after_mb": rss()}))

asyncio.run(main())
"""


def run_json(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=900
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "?"}  # type: ignore[dict-item]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument(
        "--shapes", nargs="+", default=["short", "line", "lines", "paragraphs", "addressees"]
    )
    ap.add_argument("--width", type=int, default=160, help="console width (120+: split beside)")
    args = ap.parse_args()
    size = int(args.mb * 1_000_000)
    print(
        f"{'shape':<11} {'MB':>5} {'parse s':>8} {'parse MB':>9} {'ingest s':>9} "
        f"{'open s':>7} {'RSS before':>11} {'peak after':>11} {'+MB':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for shape in args.shapes:
            cable = Path(tmp) / f"{shape}.txt"
            data = make(shape, size)
            cable.write_bytes(data)
            p = run_json(PARSE, str(cable))
            db = Path(tmp) / f"{shape}.db"
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "triage.cli", "ingest", "--db", str(db), str(cable)],
                capture_output=True,
                check=False,
            )
            ingest_s = time.perf_counter() - t0
            o = run_json(OPEN, str(db), str(args.width))
            grew = o.get("peak_after_mb", 0) - o.get("rss_before_mb", 0) if "error" not in o else 0
            print(
                f"{shape:<11} {len(data) / 1e6:>5.1f} {p.get('parse_s', float('nan')):>8.2f} "
                f"{p.get('parse_peak_mb', float('nan')):>9.0f} {ingest_s:>9.1f} "
                f"{o.get('open_s', float('nan')):>7.2f} {o.get('rss_before_mb', float('nan')):>11.0f} "
                f"{o.get('peak_after_mb', float('nan')):>11.0f} {grew:>6.0f}"
                + (f"  {p.get('error') or o.get('error')}" if "error" in p or "error" in o else ""),
                flush=True,
            )


if __name__ == "__main__":
    main()
