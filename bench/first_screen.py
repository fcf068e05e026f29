"""The console's first screen against a bare Textual app's, in pairs, with the load average.

    python bench/first_screen.py CACHE.db [--pairs 9]
    python bench/first_screen.py 'postgresql://...' --pairs 9

Each pair is a fresh bare app (bench/console_probe.py bare) then a fresh console that exits
after its first frame (bench/console_probe.py first), both timed from process start as
bench/run.py times them. Prints each pair (wall and CPU seconds, the ratio, the 1-minute load
average before it) and the medians. The bench's ratio is one pair's; on a shared machine read
the medians, and the load beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def probe(mode: str, db: str) -> dict[str, float]:
    t0 = time.time()
    res = subprocess.run(
        [PY, str(HERE / "console_probe.py"), mode, repr(t0), db],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if res.returncode != 0:
        raise RuntimeError(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", help="a cache file or a PostgreSQL URL")
    ap.add_argument("--pairs", type=int, default=9)
    ap.add_argument("--json", type=Path, help="write every pair here too")
    args = ap.parse_args(argv)
    import triage as triage_pkg

    # byte-compiled, as `pip install .` leaves it (bench/run.py does the same)
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(Path(triage_pkg.__file__).parent)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    probe("first", args.db)  # one unmeasured start: the server's and the OS's caches warm
    rows = []
    print("pair | load | bare s | cpu s | console s | cpu s | ratio | cpu ratio")
    for k in range(args.pairs):
        load = os.getloadavg()[0]
        bare = probe("bare", args.db)
        con = probe("first", args.db)
        row = {
            "load": load,
            "bare": bare["first_screen"],
            "bare_cpu": bare["first_cpu"],
            "console": con["first_screen"],
            "console_cpu": con["first_cpu"],
        }
        row["ratio"] = row["console"] / row["bare"]
        row["cpu_ratio"] = row["console_cpu"] / row["bare_cpu"]
        rows.append(row)
        print(
            f"{k + 1:4} | {load:4.1f} | {row['bare']:6.3f} | {row['bare_cpu']:5.3f} | "
            f"{row['console']:9.3f} | {row['console_cpu']:5.3f} | {row['ratio']:5.2f} | "
            f"{row['cpu_ratio']:9.2f}",
            flush=True,
        )
    med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
    print(
        f"median | {med['load']:4.1f} | {med['bare']:6.3f} | {med['bare_cpu']:5.3f} | "
        f"{med['console']:9.3f} | {med['console_cpu']:5.3f} | {med['ratio']:5.2f} | "
        f"{med['cpu_ratio']:9.2f}"
    )
    loads = [r["load"] for r in rows]
    print(
        f"(load average {min(loads):.1f}-{max(loads):.1f}; ratio range "
        f"{min(r['ratio'] for r in rows):.2f}-{max(r['ratio'] for r in rows):.2f})"
    )
    if args.json:
        args.json.write_text(json.dumps({"pairs": rows, "median": med}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
