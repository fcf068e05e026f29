"""The parser's speed on real cables: CPU milliseconds per cable over a corpus (`process_time`,
best of N passes over all its files, calling what `triage parse` calls), and each stage's share.

    python bench/parse_speed.py                      # ../shared/corpus/cables, best of 15
    python bench/parse_speed.py --corpus DIR --repeat 25

CPU time on a shared machine still moves with the load (other processes evict the caches):
compare two trees back to back, or count instructions, which do not move with it:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/parse_speed.py --once
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args()

    import triage.cable.parse as parse

    datas = [f.read_bytes() for f in sorted(args.corpus.glob("*.txt"))]
    if not datas:
        raise SystemExit(f"{args.corpus}: no cables")
    if args.once:
        for d in datas:
            parse.parse_bytes(d)
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
