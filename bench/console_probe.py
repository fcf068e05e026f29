"""Run by bench/run.py in a fresh process: time the console's first screen (or a bare Textual
app's, with `bare`) from process start, then what a desk officer does, and print JSON.

    python bench/console_probe.py triage START_TIME CACHE.db
    python bench/console_probe.py bare START_TIME
    python bench/console_probe.py first START_TIME CACHE.db   # the first screen alone

The first screen's CPU time (`first_cpu`, this process's, all threads) is given beside its
wall time: on a shared machine it moves less with the load.
"""

import asyncio
import json
import resource
import statistics
import sys
import time

T0 = float(sys.argv[2])
MODE = sys.argv[1]
out: dict[str, object] = {}


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: ru_maxrss would include the parent's peak, which
    Linux hands down at fork)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stats(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
    }


async def first_frame(app) -> None:  # type: ignore[no-untyped-def]
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()
    out["first_screen"] = time.time() - T0
    out["first_cpu"] = time.process_time()


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("one line")

    async def pilot_fn(pilot) -> None:  # type: ignore[no-untyped-def]
        await first_frame(pilot.app)
        pilot.app.exit()

    Bare().run(headless=True, size=(120, 40), auto_pilot=pilot_fn)


def console(db: str) -> None:
    from dataclasses import replace

    # what the `triage` command loads before the console: its entry point, which starts the
    # console without click (triage/entry.py), and the start's own module
    import triage.entry  # noqa: F401
    from triage.start import cache_path, checked_config
    from triage.store.first_page import start_console
    from triage.tui.system import pause_gc

    pause_gc()
    cfg = checked_config()
    path = cache_path(db, cfg)
    # as `triage` checks the cache before it imports the console (on a database server a
    # helper process reads the first page meanwhile: store/first_page.py)
    starting = start_console(path, cfg, login="bench")
    from triage.store import connect
    from triage.store.views import Filter
    from triage.tui.app import ListScreen, TriageApp
    from triage.tui.widgets.cable_list import CableList

    conn, page = starting.result()

    async def pilot_fn(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        while not (isinstance(app.screen, ListScreen) and app.screen.loaded):
            await asyncio.sleep(0.001)
        await first_frame(app)
        if MODE == "first":
            app.exit()
            return
        from triage.tui.app import CableScreen

        screen = app.screen
        lst = screen.query_one(CableList)
        height = lst.size.height

        def redraw() -> None:
            for y in range(height):
                lst.render_line(y)

        full_times: dict[str, list[float]] = {}

        async def apply(view, label: str = "") -> float:  # type: ignore[no-untyped-def]
            """Time until the first results are on screen; the whole list's time is kept too."""
            t = time.perf_counter()
            screen.view = view
            screen.reload(keep_current=False)
            gen = screen.generation
            while screen._first_shown != gen:
                await asyncio.sleep(0.0005)
            redraw()
            first = time.perf_counter() - t
            while screen._shown != gen:
                await asyncio.sleep(0.0005)
            full_times.setdefault(label, []).append(time.perf_counter() - t)
            return first

        base = screen.view
        words = [
            "government",
            "minister embassy",
            '"said the"',
            "gra*",
            "officials",
            "embassy NOT minister",
            "meeting",
        ]
        out["fts_search"] = stats(
            [await apply(replace(base, search=w), "fts_search") for w in words]
        )
        tag_sql = "SELECT tag FROM cable_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 7"
        # read on a connection of the probe's own (at 100,000 cables on PostgreSQL the console's
        # UI-thread connection answered this with no rows once; how many it gives is kept)
        out["tags_on_console_conn"] = len(list(app.cache.conn().execute(tag_sql)))
        own = connect(path)
        tags = [r[0] for r in own.execute(tag_sql)]
        own.close()
        out["tag_filter"] = stats(
            [await apply(replace(base, filters=(Filter("tag", t),))) for t in tags]
        )
        statuses = ["NEW", "ASSIGNED", "DONE", "NEW", "ASSIGNED", "DONE", "NEW"]
        out["status_filter"] = stats(
            [
                await apply(replace(base, tab="All", filters=(Filter("status", s),)))
                for s in statuses
            ]
        )
        await apply(base)

        def timed_key(action, n: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
            times = []
            for _ in range(n):
                t = time.perf_counter()
                action()
                redraw()
                times.append(time.perf_counter() - t)
            return stats(times)

        out["cursor_row"] = timed_key(lst.action_cursor_down, 50)
        out["cursor_page"] = timed_key(lambda: lst.action_page(1), 30)
        flip = iter(range(10**6))
        out["cursor_end"] = timed_key(
            lambda: lst.action_cursor_last() if next(flip) % 2 == 0 else lst.action_cursor_first(),
            10,
        )
        opens = []
        for k in range(9):
            lst.move_to(k * 37 % max(1, len(lst.ids)))
            target = int(lst.ids[lst.cursor])
            t = time.perf_counter()
            screen.action_open()  # what enter does
            while not (
                isinstance(app.screen, CableScreen)
                and app.screen.detail is not None
                and app.screen.detail.id == target
            ):
                await asyncio.sleep(0.0005)
            frame = asyncio.Event()
            app.call_after_refresh(frame.set)
            await frame.wait()
            opens.append(time.perf_counter() - t)
            app.pop_screen()
            await asyncio.sleep(0)
        out["open_cable"] = stats(opens)
        out["peak_rss_mb"] = peak_rss_mb()
        app.exit()

    TriageApp(path, cfg, login="bench", conn=conn, first_page=page).run(
        headless=True, size=(120, 40), auto_pilot=pilot_fn
    )


if MODE == "bare":
    bare()
else:
    console(sys.argv[3])
print(json.dumps(out), flush=True)
