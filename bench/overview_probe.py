"""The Overview and the report, timed on a bench cache (run by bench/run.py, or alone).

    python bench/overview_probe.py shape CACHE.db      # give the cache a working day's shape
    python bench/overview_probe.py console CACHE.db    # time the screen; prints JSON

`shape` spreads the cables' arrivals over the last 365 days (a bench cache is ingested within
minutes; 250,000 cables a year is ~700 a day), hands every seventh to one of twelve officers
with some due dates, closes nine in ten of those older than two weeks (an office closes its old
traffic) and every eleventh of the rest, and acknowledges four in five FLASH and NIACT IMMEDIATE
cables 1-60 minutes after arrival; deterministic, so every run sees the same day. With
`--all-open` nothing old is closed: every officer's inbox holds most of the cache, the
worst case for the open-work figures. `console` opens the console headless on the
list, then times (median and p95):

- first draw: from pushing the Overview until its figures are drawn (a frame after the worker's
  message), 7 times;
- live update: from the change watch's tick after another connection's commit (an officer
  assigning a cable) until the updated figures are drawn, 7 times;
- compute: `store.report.overview` alone, the part a worker does.

Each also as CPU time (the process's, all threads): on a shared machine whose other work takes
the cores, wall time measures the neighbours as much as triage.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path


def stats(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
    }


def shape(db: Path, all_open: bool = False) -> None:
    from triage.store import connect

    conn = connect(db)
    now = dt.datetime.now(dt.UTC)
    span = 365 * 86400
    rows = conn.execute("SELECT id, prec_rank FROM cables").fetchall()
    conn.execute("BEGIN IMMEDIATE")
    received = []
    for cid, _rank in rows:
        # a fixed pseudo-random offset per id (Knuth's multiplicative hash)
        ago = (cid * 2654435761) % span + ((cid * 40503) % 1000) / 1000
        received.append(((now - dt.timedelta(seconds=ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), cid))
    conn.executemany("UPDATE cables SET received_at = ? WHERE id = ?", received)
    conn.execute(
        "UPDATE workflow SET officer = 'officer' || (cable_id % 12), status = 'ASSIGNED', "
        "due_at = CASE WHEN cable_id % 3 = 0 THEN ? ELSE NULL END WHERE cable_id % 7 = 0",
        ((now + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M:%SZ"),),
    )
    conn.execute("UPDATE workflow SET status = 'DONE' WHERE cable_id % 11 = 0")
    if not all_open:
        old = (now - dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        conn.execute(
            "UPDATE workflow SET status = 'DONE' WHERE cable_id % 10 != 0 AND cable_id IN "
            "(SELECT id FROM cables WHERE received_at < ?)",
            (old,),
        )
    acks = []
    by_id = dict(received[k][::-1] for k in range(len(received)))
    for cid, rank in rows:
        if rank <= 2 and cid % 5:
            t = dt.datetime.strptime(by_id[cid][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
            t += dt.timedelta(seconds=60 + (cid * 7919) % 3540)
            acks.append((t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), cid))
    conn.executemany("UPDATE workflow SET ack_by = 'bench', ack_at = ? WHERE cable_id = ?", acks)
    conn.execute("COMMIT")
    conn.close()


def console(db: Path) -> dict[str, object]:
    from triage.config import load_config
    from triage.store import connect
    from triage.store import workflow as wf
    from triage.store.report import overview
    from triage.store.views import Context
    from triage.tui.app import ListScreen, TriageApp
    from triage.tui.screens.overview import OverviewScreen

    out: dict[str, object] = {}

    async def frame(app) -> None:  # type: ignore[no-untyped-def]
        done = asyncio.Event()
        app.call_after_refresh(done.set)
        await done.wait()

    async def settle(app) -> None:  # type: ignore[no-untyped-def]
        """The workers done (the change watch's tick may be cancelled by the next one)."""
        from textual.worker import WorkerCancelled

        for _ in range(3):
            try:
                await app.workers.wait_for_complete()
                return
            except WorkerCancelled:
                continue

    async def until(cond) -> None:  # type: ignore[no-untyped-def]
        while not cond():
            await asyncio.sleep(0.0005)

    async def pilot_fn(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await until(lambda: isinstance(app.screen, ListScreen) and app.screen.loaded)
        await settle(app)
        first, first_cpu = [], []
        for _ in range(7):
            t = time.perf_counter()
            c = time.process_time()
            screen = OverviewScreen()
            app.push_screen(screen)
            await until(lambda s=screen: s.computed >= 1)
            await frame(app)
            first.append(time.perf_counter() - t)
            first_cpu.append(time.process_time() - c)
            app.pop_screen()
            await settle(app)
        out["first_draw"] = stats(first)
        out["first_draw_cpu"] = stats(first_cpu)
        screen = OverviewScreen()
        app.push_screen(screen)
        await until(lambda: screen.computed >= 1)
        other = connect(app.cache.path)
        ids = [
            r[0]
            for r in other.execute("SELECT cable_id FROM workflow WHERE officer IS NULL LIMIT 7")
        ]
        live, live_cpu = [], []
        for cid in ids:
            before = screen.computed
            # as another officer's console assigns (with its audit row: the change watch
            # ignores a hand-made UPDATE, which no list shows)
            wf.assign(other, cid, "bench", "chief")
            t = time.perf_counter()
            c = time.process_time()
            app.check_for_changes()  # the change watch's tick
            await until(lambda b=before: screen.computed > b)
            await frame(app)
            live.append(time.perf_counter() - t)
            live_cpu.append(time.process_time() - c)
        other.close()
        out["live_update"] = stats(live)
        out["live_update_cpu"] = stats(live_cpu)
        app.exit()

    cfg = load_config()
    TriageApp(db, cfg, login="bench").run(headless=True, size=(120, 40), auto_pilot=pilot_fn)
    conn = connect(db)
    ctx = Context(login="bench")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        overview(conn, ctx)
        times.append(time.perf_counter() - t)
    out["compute"] = stats(times)
    return out


if __name__ == "__main__":
    from triage.store.api import as_target

    # a cache file or a PostgreSQL database (a bare Path of a libpq "host=... dbname=..."
    # string made an empty SQLite cache of that name, and the probe measured nothing)
    mode, path = sys.argv[1], as_target(sys.argv[2])
    if mode == "shape":
        shape(path, all_open="--all-open" in sys.argv)
    else:
        print(json.dumps(console(path)), flush=True)
