"""The parser's speed on real cables: CPU milliseconds per cable over a corpus (`process_time`,
best of N passes over all its files, calling what `triage parse` calls), and each stage's share.

    python bench/parse_speed.py                      # ../shared/corpus/cables, best of 15
    python bench/parse_speed.py --corpus DIR --repeat 25
    python bench/parse_speed.py --fresh 9            # wall and CPU of 9 fresh first passes

CPU time on a shared machine still moves with the load (other processes evict the caches):
compare two trees back to back, or count instructions, which do not move with it:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/parse_speed.py --once
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

STAGES = [
    "normalise",
    "read_header",
    "read_banner",
    "read_pseudo_header",
    "read_paragraphs",
    "classified_by_in_paragraphs",
    "sections_held",
    "marking_lines",
    "roll_up",
    "read_date",
    "read_identity",
    "with_cable_ids",
    "classified_by_name",
]


def main() -> None:
    from run import default_corpus

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--once", action="store_true", help="parse each cable once, print nothing")
    ap.add_argument(
        "--fresh",
        type=int,
        metavar="N",
        help="N fresh processes, each timing its one pass over the corpus (wall and CPU, the "
        "median): the cables as new ones, what a process pays once included",
    )
    ap.add_argument("--one-pass", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fresh:
        _fresh(args.corpus, args.fresh)
        return

    import triage.cable.parse as parse

    datas = [f.read_bytes() for f in sorted(args.corpus.glob("*.txt"))]
    if not datas:
        raise SystemExit(f"{args.corpus}: no cables")
    if args.once:
        for d in datas:
            parse.parse_bytes(d)
        return
    if args.one_pass:
        wall, cpu = time.perf_counter(), time.process_time()
        for d in datas:
            parse.parse_bytes(d)
        print(len(datas), time.perf_counter() - wall, time.process_time() - cpu)
        return
    for d in datas:  # warm: patterns compiled, tables built
        parse.parse_bytes(d)
    best = min(_timed(lambda: [parse.parse_bytes(d) for d in datas]) for _ in range(args.repeat))
    n = len(datas)
    mb = sum(map(len, datas)) / 1e6
    print(f"{n} cables, {mb:.1f} MB: {best / n * 1e3:.3f} ms per cable, {mb / best:.1f} MB/s")

    spent: Counter[str] = Counter()
    for name in STAGES:
        setattr(parse, name, _timing(getattr(parse, name), name, spent))
    shares: dict[str, float] = {}
    total_best = float("inf")
    for _ in range(args.repeat):
        spent.clear()
        total = _timed(lambda: [parse.parse_bytes(d) for d in datas])
        if total < total_best:
            total_best, shares = total, dict(spent)
    print(f"{'stage':28s} ms/cable  share (timed apart: {total_best / n * 1e3:.3f} ms/cable)")
    for name, t in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"{name:28s} {t / n * 1e3:8.3f}  {t / total_best:5.1%}")
    rest = total_best - sum(shares.values())
    print(f"{'the rest (chaining, Cable)':28s} {rest / n * 1e3:8.3f}  {rest / total_best:5.1%}")


def _fresh(corpus: Path, runs: int) -> None:
    walls: list[float] = []
    cpus: list[float] = []
    n = 0
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--corpus", str(corpus), "--one-pass"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        n, wall, cpu = int(out[0]), float(out[1]), float(out[2])
        walls.append(wall / n * 1e3)
        cpus.append(cpu / n * 1e3)
    print(
        f"{n} cables, one pass in each of {runs} fresh processes: "
        f"wall {statistics.median(walls):.3f} ms per cable (median; {min(walls):.3f}-"
        f"{max(walls):.3f}), CPU {statistics.median(cpus):.3f} ms (median)"
    )


def _timed(fn: Callable[[], Any]) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def _timing(fn: Callable[..., Any], name: str, spent: Counter[str]) -> Callable[..., Any]:
    def timed(*a: Any, **k: Any) -> Any:
        t = time.process_time()
        try:
            return fn(*a, **k)
        finally:
            spent[name] += time.process_time() - t

    return timed


if __name__ == "__main__":
    main()
