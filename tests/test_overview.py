"""The Overview screen as an officer drives it (Pilot), on the hand-made fixture and a fixed
clock, with what it shows checked against counts computed from the fixture's specs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tests.overview_fixture import NOW, SPECS, H, build, cable_text, needs_ack, overdue
from tests.test_console import list_lines, settle, shown_lines, static_text
from triage.config import Config
from triage.store import connect
from triage.store.ingest import Item, ingest
from triage.tui.app import ListScreen, TriageApp
from triage.tui.screens.overview import OverviewScreen
from triage.tui.widgets.cable_list import CableList
from triage.tui.widgets.charts import FigureGrid

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def day(target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture's cables on each backend."""
    return build(target, monkeypatch)


def make_app(db: Path, overview: bool = True) -> TriageApp:
    app = TriageApp(db, Config(), login="kwalker")
    app.ctx.now = NOW
    app.start_on_overview = overview
    return app


async def drawn(pilot: Pilot) -> OverviewScreen:
    await settle(pilot)
    screen = pilot.app.screen
    while isinstance(screen, OverviewScreen) and (screen.computing or screen.computed < 1):
        for w in [w for w in pilot.app.workers if w.group == "overview"]:
            with contextlib.suppress(WorkerCancelled):
                await w.wait()
        await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    assert screen.computed >= 1
    return screen


def grid_text(app: TriageApp, selector: str) -> str:
    return "\n".join(shown_lines(app.screen.query_one(selector, FigureGrid)))


async def test_headline_figures_match_the_fixture(day: Path) -> None:
    app = make_app(day)
    async with app.run_test(size=(120, 40)) as pilot:
        await drawn(pilot)
        head = grid_text(app, "#ov-headline")
        arrived = sum(1 for s in SPECS if s.arrived >= NOW.replace(minute=0) - 23 * H)
        open_n = sum(1 for s in SPECS if not s.closed)
        unassigned = sum(1 for s in SPECS if not s.closed and s.officer is None)
        over = sum(1 for s in SPECS if overdue(s))
        unacked = sum(1 for s in SPECS if needs_ack(s) and s.ack_after is None and not s.closed)
        for text in (
            f"{arrived} arrived 24 h",
            f"{open_n} open",
            f"{unassigned} unassigned",
            f"{over} overdue",
            f"{unacked} not acked",
        ):
            assert text in head
        assert f"Overview  2026-11-28 12:30:00Z  {len(SPECS)} cables" in static_text(
            app, "#ov-title"
        )
        # officers: the hostile name is drawn as written, not as markup
        officers = grid_text(app, "#ov-officers")
        assert "[b]x[/b]" in officers and "(not assigned)" in officers
        # a name as long as the column keeps a blank before its bar (`(not assigned)███` was
        # one word)
        nobody = next(ln for ln in officers.splitlines() if "(not assigned)" in ln)
        assert nobody.lstrip().startswith("(not assigned) "), nobody


async def test_a_narrow_terminal_breaks_the_headline_between_figures(day: Path) -> None:
    """At 50 columns the Now line does not fit: it goes on the next row between two figures,
    so every figure reads whole (`901 overdue`, never `90`), and the arrows still reach the
    last one."""
    app = make_app(day)
    async with app.run_test(size=(50, 30)) as pilot:
        await drawn(pilot)
        rows = shown_lines(app.screen.query_one("#ov-headline", FigureGrid))
        assert len(rows) > 2 and all(len(r.rstrip()) <= 50 for r in rows), rows
        over = sum(1 for s in SPECS if overdue(s))
        unacked = sum(1 for s in SPECS if needs_ack(s) and s.ack_after is None and not s.closed)
        for text in (f"{over} overdue", f"{unacked} not acked"):
            assert any(text in r for r in rows), (text, rows)
        assert not any(r.startswith(" ") for r in rows[2:]), rows
        grid = app.screen.query_one("#ov-headline", FigureGrid)
        grid.focus()
        for _ in range(4):
            await pilot.press("l")
        assert grid.current is not None and "not acknowledged" in grid.current.about


async def test_enter_on_a_figure_opens_the_list_filtered_to_exactly_it(day: Path) -> None:
    app = make_app(day)
    async with app.run_test(size=(120, 40)) as pilot:
        await drawn(pilot)
        # the arrivals figure counts whole hours, as the chart does: it says from when
        assert "arrived since 13:00Z 27 Nov, the chart's 24 hours" in static_text(app, "#ov-about")
        await pilot.press("l", "l", "l")  # arrived, open, unassigned, overdue
        assert "overdue cables" in static_text(app, "#ov-about")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        lst = app.screen.query_one(CableList)
        assert len(lst.ids) == sum(1 for s in SPECS if overdue(s))
        assert app.screen.view.tab == "Overdue"
        # the way back, and on to a bar of the hourly chart: the FLASH row's total
        await pilot.press("w")
        await drawn(pilot)
        await pilot.press("tab")  # the hourly chart
        hours = app.screen.query_one("#ov-hours", FigureGrid)
        assert hours.has_focus
        await pilot.press("j")  # from `all` to FLASH
        await pilot.press(*["l"] * 24)  # past the last hour to the row's total
        about = static_text(app, "#ov-about")
        assert "last 24 hours · FLASH" in about
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        filters = static_text(app, "#filters")
        assert "received:>=2026-11-27T13" in filters and "precedence:FLASH" in filters
        shown = "\n".join(list_lines(app))
        want = {
            s.ref
            for s in SPECS
            if s.precedence == "FLASH" and s.arrived >= NOW.replace(minute=0) - 23 * H
        }
        assert want and all(ref in shown for ref in want)
        assert len(app.screen.query_one(CableList).ids) == len(want)
        # the officer refines it with the same filter language, and clears it
        await pilot.press("f", *"ack:no", "enter")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == sum(
            1 for s in SPECS if s.ref in want and s.ack_after is None
        )


async def test_a_figure_opens_over_the_overview_and_esc_comes_back_to_the_list_as_it_was(
    day: Path,
) -> None:
    """The figure's list used to replace the officer's own list (its view, sort and place were
    lost) and esc cleared its filters instead of going back. Now it stands over the Overview:
    esc goes back to the Overview, esc again to the list exactly as it was."""
    app = make_app(day, overview=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        own = app.screen
        assert isinstance(own, ListScreen)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # another sort
        await settle(pilot)
        await pilot.press("j", "j", "j")
        view, cursor = own.view, own.query_one(CableList).cursor
        assert cursor == 3
        await pilot.press("w")
        await drawn(pilot)
        await pilot.press("l", "l", "l", "enter")  # overdue cables
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, ListScreen) and drill is not own
        assert len(drill.query_one(CableList).ids) == sum(1 for s in SPECS if overdue(s))
        assert "esc: back to the Overview" in static_text(app, "#filters")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is own
        assert own.view == view and own.query_one(CableList).cursor == cursor


async def test_the_overview_key_and_palette_command(day: Path) -> None:
    app = make_app(day, overview=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Overview" in titles
        await pilot.press("w")
        await drawn(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, ListScreen)


async def test_live_update_when_a_cable_arrives(day: Path) -> None:
    app = make_app(day)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await drawn(pilot)
        app.check_for_changes()  # (on a server the change feed starts at the first look)
        await settle(pilot)
        before = screen.computed
        assert screen.figures is not None
        open_before = screen.figures.open_total
        # another process's ingest (its own connection), seen by the app's change watch
        conn = connect(app.cache.path)
        from tests.overview_fixture import Spec

        extra = Spec(999, "FLASH", 0 * H)
        ingest(conn, [Item("extra.txt", cable_text(extra))], parser_process=False)
        conn.close()
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        assert screen.computed > before
        assert screen.figures.open_total == open_before + 1
        assert f"{open_before + 1} open" in grid_text(app, "#ov-headline")


async def test_a_worker_error_is_a_notice_not_a_crash(
    day: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import triage.tui.screens.overview as ov

    def broken(*_a: object, **_k: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(ov, "overview", broken)
    app = make_app(day)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert "could not be read" in static_text(app, "#ov-title")
        assert any("disk I/O error" in str(n.message) for n in app._notifications)
        assert app.is_running


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_figures_stay_when_the_charts_shrink(day: Path, size: tuple[int, int]) -> None:
    app = make_app(day)
    async with app.run_test(size=size) as pilot:
        await drawn(pilot)
        hours = shown_lines(app.screen.query_one("#ov-hours", FigureGrid))
        assert all(len(line) <= size[0] for line in hours)
        for label in ("all", "FLASH", "NIACT", "IMMED", "PRIOR", "ROUTN"):
            assert any(line.startswith(label) for line in hours), label
        assert any("12Z" in line or "09Z" in line for line in hours)  # the axis
        # the two figures after each row are named under them (a bare `^315` said nothing)
        assert hours[-1].rstrip().endswith("total ^peak")
        ack = grid_text(app, "#ov-ack")
        assert "median" in ack and "9m00s" in ack


async def test_no_color_marks_the_selection_and_alarms_without_colour(
    day: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(day)
    async with app.run_test(size=(80, 24)) as pilot:
        await drawn(pilot)
        grid = app.screen.query_one("#ov-headline", FigureGrid)
        text = grid.line_text(1)
        styles = [span.style for span in text.spans]
        assert any(getattr(s, "reverse", False) for s in styles)  # the selected figure
        assert not any(getattr(s, "color", None) for s in styles)
        app.save_screenshot(str(tmp_path / "nocolor.svg"))


def _snap_app(db: Path) -> TriageApp:
    return make_app(db)


@pytest.fixture
def day_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture in a SQLite file: the snapshots are taken once (the test below shows that
    PostgreSQL draws the same screen)."""
    return build(tmp_path / "day.db", monkeypatch)


def test_snapshot_overview_80x24(day_file: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await drawn(pilot)

    assert snap_compare(_snap_app(day_file), terminal_size=(80, 24), run_before=before)


def test_snapshot_overview_200x50(day_file: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot) -> None:
        await drawn(pilot)
        await pilot.press("tab", "tab", "tab", "j")

    assert snap_compare(_snap_app(day_file), terminal_size=(200, 50), run_before=before)


async def _overview_screen_text(db: Path) -> list[str]:
    app = _snap_app(db)
    async with app.run_test(size=(200, 50)) as pilot:
        await drawn(pilot)
        await pilot.press("tab", "tab", "tab", "j")
        await pilot.pause()
        out = []
        for grid in app.screen.query(FigureGrid):
            out += [f"{grid.id}: {line}" for line in shown_lines(grid)]
        for sel in ("#ov-title", "#ov-about"):
            out.append(static_text(app, sel).replace(str(db), "DB"))
        return out


async def test_postgresql_draws_the_same_overview_as_sqlite(
    day_file: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.store.api import as_target

    on_pg = build(as_target(pg_url), monkeypatch)
    want = await _overview_screen_text(day_file)
    assert any("arrived 24 h" in line for line in want)
    assert await _overview_screen_text(on_pg) == want


async def test_a_list_under_the_overview_waits_and_catches_up_when_shown(day: Path) -> None:
    """The list under the Overview does not read its view again at every change (at 250,000
    cables that is most of a live update's work); it does when it is shown again."""
    app = make_app(day, overview=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst_screen = app.screen
        assert isinstance(lst_screen, ListScreen)
        lst = lst_screen.query_one(CableList)
        await pilot.press("w")
        screen = await drawn(pilot)
        app.check_for_changes()
        await settle(pilot)
        generation, ids, before = lst_screen.generation, list(lst.ids), screen.computed
        conn = connect(app.cache.path)
        from tests.overview_fixture import Spec

        ingest(
            conn, [Item("extra.txt", cable_text(Spec(998, "FLASH", 0 * H)))], parser_process=False
        )
        new_id = conn.execute("SELECT id FROM cables WHERE reference_id = '26STATE998'").fetchone()[
            0
        ]
        conn.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        assert screen.computed > before  # the Overview took the change in
        assert lst_screen.generation == generation  # the covered list did not read
        assert list(lst.ids) == ids and new_id not in lst.ids
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is lst_screen
        assert lst_screen.generation > generation
        assert new_id in lst.ids
        assert any("26STATE998" in line for line in list_lines(app))


def test_an_empty_list_opened_from_the_overview_says_where_esc_goes() -> None:
    # it said "esc clears it", but esc there goes back to the Overview
    from triage.store.views import Filter, View

    view = View(tab="All", filters=(Filter("status", "DONE"),))
    said = ListScreen(view, from_overview=True)._empty_text()
    assert said == "No cable in All matches this filter now. esc goes back to the Overview."
    assert "esc clears it" in ListScreen(view)._empty_text()
