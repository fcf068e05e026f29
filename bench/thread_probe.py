"""Time the Thread tab and "more like this" in the console, headless, on a cache.

    python bench/thread_probe.py CACHE.db [--samples 40]

Opens the split view on cables that cite or are cited by others (picked evenly through the
cache, the same each run), then for each: presses t (the Thread tab) and times until the tree
is drawn, and until the related cables are drawn below it. Also times the store calls alone
(`threads.thread` + `threads.lines`, `threads.related`). Prints median / p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path


def stats(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "median": statistics.median(times) * 1000,
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))] * 1000,
        "max": times[-1] * 1000,
    }


def pick(db: Path, n: int) -> list[int]:
    conn = sqlite3.connect(db)
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT cable_id FROM cable_links WHERE cited_id IS NOT NULL ORDER BY cable_id"
        )
    ]
    conn.close()
    step = max(1, len(ids) // n)
    return ids[::step][:n]


def store_only(db: Path, ids: list[int]) -> dict[str, object]:
    from triage.store import connect
    from triage.store import threads as th

    conn = connect(db)
    tt, rt, sizes = [], [], []
    for cid in ids:
        t0 = time.perf_counter()
        t = th.thread(conn, cid)
        assert t is not None
        th.lines(t)
        tt.append(time.perf_counter() - t0)
        sizes.append(len(t.held_ids))
        t0 = time.perf_counter()
        th.related(conn, cid, t.held_ids)
        rt.append(time.perf_counter() - t0)
    return {
        "thread": stats(tt),
        "related": stats(rt),
        "held_in_thread_median": statistics.median(sizes),
    }


async def console(db: Path, ids: list[int]) -> dict[str, object]:
    from triage.config import Config
    from triage.tui.app import CableScreen, TriageApp
    from triage.tui.widgets.thread_tree import ThreadTree

    app = TriageApp(db, Config(), login="bench")
    tree_t: list[float] = []
    related_t: list[float] = []
    tree_c: list[float] = []  # CPU time (the process's, all threads): on a shared machine wall
    related_c: list[float] = []  # time measures the neighbours as much as triage
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for cid in ids:
            screen = CableScreen(None, 0, cid)
            await app.push_screen(screen)
            await pilot.pause()
            pane = screen.query_one(ThreadTree)
            t0 = time.perf_counter()
            c0 = time.process_time()
            screen.action_toggle_thread()
            while pane.thread is None:
                await asyncio.sleep(0.001)
            done = asyncio.Event()
            app.call_after_refresh(done.set)
            await done.wait()
            tree_t.append(time.perf_counter() - t0)
            tree_c.append(time.process_time() - c0)
            while pane.related is None:
                await asyncio.sleep(0.001)
            done = asyncio.Event()
            app.call_after_refresh(done.set)
            await done.wait()
            related_t.append(time.perf_counter() - t0)
            related_c.append(time.process_time() - c0)
            await app.workers.wait_for_complete()
            app.pop_screen()
            await pilot.pause()
    return {
        "tab_tree": stats(tree_t),
        "tab_related": stats(related_t),
        "tab_tree_cpu": stats(tree_c),
        "tab_related_cpu": stats(related_c),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("db", type=Path)
    ap.add_argument("--samples", type=int, default=40)
    args = ap.parse_args()
    ids = pick(args.db, args.samples)
    if not ids:
        print("no cable in this cache cites a held cable", file=sys.stderr)
        return 1
    conn = sqlite3.connect(args.db)
    n = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    links, held = conn.execute("SELECT count(*), count(cited_id) FROM cable_links").fetchone()
    conn.close()
    out: dict[str, object] = {"cables": n, "links": links, "resolved": held, "samples": len(ids)}
    out["store"] = store_only(args.db, ids)
    out["console"] = asyncio.run(console(args.db, ids))
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
