"""What a tester found in the console (fix22), each as the officer sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from triage.store import connect
from triage.store import workflow as wf
from triage.store.ingest import Item, ingest
from triage.tui.app import CableScreen, TriageApp
from triage.tui.text import layout_columns
from triage.tui.widgets.cable_list import CableList
from triage.tui.widgets.thread_tree import ThreadTree

from .test_console import list_lines, make_app, settle, static_text
from .test_console_defects import cell, line_of


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


def arrival_strip(app: TriageApp) -> str:
    strip = app.screen.query_one("#arrivals", Static)
    return static_text(app, "#arrivals") if strip.display else ""


def watch_frames(app: TriageApp) -> list[tuple[bool, list[str]]]:
    """Each frame the screen paints from now on: (the cursor's row is on screen, the list's
    lines), taken as the screen is drawn (before the messages that follow it are handled)."""
    frames: list[tuple[bool, list[str]]] = []
    screen = app.screen
    paint = screen._compositor_refresh

    def painted() -> None:
        lines = list_lines(app)
        frames.append((any(ln.startswith(">") for ln in lines[1:]), lines))
        paint()

    screen._compositor_refresh = painted  # type: ignore[method-assign]
    return frames


async def flash_arrives(pilot: Pilot, app: TriageApp, db: Path, samples: Path) -> None:  # type: ignore[type-arg]
    other = connect(db)
    flash = (samples / "01_flash_hijack.txt").read_bytes()
    ingest(other, [Item("in.txt", flash.replace(b"104233", b"104299"))])
    other.close()
    assert app.feed.wait(5)
    app.check_for_changes()
    await settle(pilot)


# -- 1. the arrivals strip takes a line from the list: the cursor's row stays on screen ---------


async def test_the_cursor_row_stays_on_screen_when_the_arrivals_strip_comes_and_goes(
    db: Path, samples: Path
) -> None:
    app = make_app(db)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G")  # the cursor on the bottom row of the screen
        app.check_for_changes()
        await settle(pilot)
        frames = watch_frames(app)
        await flash_arrives(pilot, app, db, samples)
        assert "26STATE104299" in arrival_strip(app)  # (above the screen: the strip says so)
        assert frames
        gone = [lines for shown, lines in frames if not shown]
        assert not gone, "a frame without the cursor's row:\n" + "\n".join(gone[0])
        frames.clear()
        await pilot.press("F")  # to it: the strip goes, the list has its line back
        await settle(pilot)
        assert arrival_strip(app) == ""
        assert frames and all(shown for shown, _ in frames)
        assert app.screen.query_one(CableList).current_id is not None


# -- 2. an undo's words describe the cables it put back, not one it left -----------------------


async def test_an_undo_that_leaves_a_cable_describes_only_those_it_put_back(db: Path) -> None:
    """Two tagged cables (ASSIGNED, IN PROGRESS) set DONE; a colleague then takes one: `u` put
    the other back to ASSIGNED and said `status DONE -> as each was`, counting the one left."""
    conn = connect(db)
    for ref in ("26STATE104233", "26ANKARA3401"):
        wf.assign(conn, wf.find_cable(conn, ref), "kwalker", "x")
    wf.set_status(conn, wf.find_cable(conn, "26ANKARA3401"), "IN PROGRESS", "x")
    conn.close()
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "space", "space", "5")  # DONE: they are not acknowledged
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # set DONE without acknowledging
        await settle(pilot)
        assert "2 cables: status set to DONE" in messages(app)
        conn = connect(db)
        wf.assign(conn, wf.find_cable(conn, "26ANKARA3401"), "jsmith", "jsmith")
        conn.close()
        await pilot.press("u")
        await settle(pilot)
        said = messages(app)
        assert "26STATE104233: undone (status DONE -> ASSIGNED)" in said, said
        assert not [m for m in said if "as each was" in m], said
        assert any(m.startswith("26ANKARA3401 was changed by jsmith") for m in said), said


# -- 3. arrivals out of this view say how many more, as those out of sight do ------------------


async def test_the_strip_for_arrivals_outside_the_view_says_how_many_more(
    db: Path, samples: Path
) -> None:
    app = make_app(db)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"prec:PRIORITY", "enter")
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        niact = (samples / "03_niact_evacuation.txt").read_bytes()
        ingest(
            other,
            [
                Item(f"in{k}.txt", niact.replace(b"98412", ref))
                for k, ref in enumerate((b"103511", b"103512", b"103513"))
            ],
        )
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        strip = arrival_strip(app)
        assert "26STATE103513 (+2 more) arrived outside this view  F opens it" in strip, strip
        await pilot.press("F")  # the newest opens over the list; esc comes back to it
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        strip = arrival_strip(app)
        assert "26STATE103512 (+1 more) arrived outside this view" in strip, strip


# -- 4. a find that fails on the Thread tab leaves the tab ---------------------------------------


async def test_a_failed_find_on_the_thread_tab_says_so_and_leaves_the_tab(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # the first cable's Thread tab
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen)
        assert "[Header|▸Thread]" in static_text(app, "#title")
        await pilot.press("slash", *"zqxwv", "enter")
        await settle(pilot)
        assert "not found: zqxwv" in messages(app)
        assert "[Header|▸Thread]" in static_text(app, "#title")
        assert screen.query_one(ThreadTree).display
        # a find the text holds brings the text, as before
        await pilot.press("slash", *"exercise", "enter")
        await settle(pilot)
        title = static_text(app, "#title")
        assert "[Header|▸Paragraphs]" in title and "found 1 of" in title, title


# -- 5. the Thread tab's narrow date carries the year --------------------------------------------


async def test_a_narrow_thread_tab_tells_the_years_of_its_cables_apart(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"thread:26london2850", "enter")
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        rows = [lst.row_at(k) for k in range(len(lst.ids))]
        lst.move_to(next(k for k, r in enumerate(rows) if r and r.reference_id == "26LONDON2850"))
        await pilot.press("t")
        await settle(pilot)
        tree = app.screen.query_one(ThreadTree)
        assert 0 < tree.scrollable_content_region.width < ThreadTree.NARROW
        lines = static_text(app, "#thread-text").splitlines()
        # what it cites: a cable of October 2025 and one of November 2026
        cited = next(ln for ln in lines if "25LONDON2768" in ln)
        assert "B. 18OCT25 PRIOR" in cited, cited
        this = next(ln for ln in lines if "26LONDON2850" in ln and "this cable" in ln)
        assert "21NOV26 " in this, this


# -- 6. the CLASS column names a distribution caption, as the banner does -----------------------


@pytest.mark.parametrize(
    ("width", "nodis", "exdis"),
    [(160, "TS//NODIS", "S//EXDIS"), (80, "TS//NO…", "S//EXD…")],
)
async def test_the_class_column_carries_a_cables_caption_where_there_is_room(
    db: Path, width: int, nodis: str, exdis: str
) -> None:
    app = make_app(db)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        assert cell(app, line_of(app, "26JCS911"), "class").strip() == nodis
        assert cell(app, line_of(app, "26ANKARA3401"), "class").strip() == "TS//NF"
        await pilot.press("slash", *"26ANKARA3388", "enter")
        await settle(pilot)
        assert cell(app, line_of(app, "26ANKARA3388"), "class").strip() == exdis, list_lines(app)


def test_the_80_column_list_keeps_its_columns() -> None:
    cols = {c.key: c.width for c in layout_columns(80, False, 10)}
    assert cols == {
        "mark": 1, "prec": 5, "class": 7, "ref": 18, "subject": 30, "officer": 9, "status": 4
    }  # fmt: skip


async def test_the_class_column_stays_narrow_in_a_view_without_a_caption(db: Path) -> None:
    """A caption widens CLASS only where the view holds a captioned cable: elsewhere the
    subject keeps the six cells (and ACK and TAGS stay on screen as early as before)."""
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        assert len(cell(app, line_of(app, "26JCS911"), "class")) == 13
        await pilot.press("f", *"class:C", "enter")
        await settle(pilot)
        assert lst.class_width == 7
        line = list_lines(app)[1]
        assert len(cell(app, line, "class")) == 7
        narrow = layout_columns(160, False, lst.officer_width, 7)
        header = list_lines(app)[0].rstrip()
        assert header == lst._header_strip(narrow, 160).text.rstrip()
        # the six cells go back to the other columns (TAGS, STATUS or the subject)
        assert (
            header
            != lst._header_strip(
                layout_columns(160, False, lst.officer_width, 13), 160
            ).text.rstrip()
        )
