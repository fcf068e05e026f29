"""What a desk officer tripped on (issue 15), each as they would see it."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Label, Static

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf
from triage.store.ingest import Item, ingest
from triage.tui.app import CableScreen, ListScreen, TriageApp
from triage.tui.screens.dialogs import (
    ConfirmScreen,
    HelpScreen,
    OfficerPicker,
    PickScreen,
    PromptScreen,
)
from triage.tui.text import layout_columns
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES
from .test_console import list_lines, make_app, settle, shown_lines, static_text

BACKENDS = ("sqlite", "postgresql")


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


def position(app: TriageApp) -> tuple[int, int]:
    m = re.search(r"([\d,]+) of ([\d,]+)", static_text(app, "#filters"))
    assert m, static_text(app, "#filters")
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def set_officer(db: Path, ref: str, officer: str) -> None:
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, ref), officer, "lead")
    conn.close()


def cell(app: TriageApp, line: str, key: str) -> str:
    lst = app.screen.query_one(CableList)
    x = 0
    for c in layout_columns(lst.size.width, lst.show_addressed, lst.officer_width, lst.class_width):
        if c.key == key:
            return line[x : x + c.width]
        x += c.width + 1
    raise KeyError(key)


def line_of(app: TriageApp, ref: str) -> str:
    return next(ln for ln in list_lines(app)[1:] if ref in ln)


# -- the cursor after a new search, filter or view ---------------------------------------------


@pytest.mark.parametrize(
    "keys",
    [
        ("slash", *"embassy", "enter"),
        ("f", *"class:C", "enter"),
        ("tab",),
    ],
)
async def test_a_new_search_filter_or_view_starts_at_the_first_row(
    db: Path, keys: tuple[str, ...]
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        assert position(app)[0] == position(app)[1] == N_SAMPLES
        await pilot.press(*keys)
        await settle(pilot)
        at, total = position(app)
        assert total > 1 and at == 1
        assert list_lines(app)[1].startswith(">")


# -- an urgent arrival above the viewport -------------------------------------------------------


async def test_a_flash_arriving_above_the_viewport_shows_and_F_jumps_to_it(
    db: Path, samples: Path
) -> None:
    app = make_app(db)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        lst = app.screen.query_one(CableList)
        before = lst.current_id
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        ingest(other, [Item("in.txt", flash.replace(b"104233", b"104299"))])
        other.close()
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        assert lst.current_id == before  # the officer's cursor stays
        assert "26STATE104299" not in "\n".join(list_lines(app))  # above the viewport
        strip = static_text(app, "#arrivals")
        assert "FLASH" in strip and "26STATE104299" in strip and "F" in strip
        await pilot.press("F")
        await settle(pilot)
        assert "26STATE104299" in line_of(app, "26STATE104299")
        assert line_of(app, "26STATE104299").startswith(">")
        assert not app.screen.query_one("#arrivals", Static).display
        # eyes19: it fits on the first screen, so the rows above it (the EMERGENCY) stay in
        # sight; F scrolled them off the top
        assert lst.top == 0 and "26JCS911" in "\n".join(list_lines(app))


# -- names, suggestions and subjects that read alike ---------------------------------------------


@pytest.mark.parametrize("width", [80, 120])
async def test_officers_with_one_prefix_read_apart(db: Path, width: int) -> None:
    set_officer(db, "26STATE104233", "mrodriguez")
    set_officer(db, "26ANKARA3401", "mrodrigues")
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        a = cell(app, line_of(app, "26STATE104233"), "officer").strip()
        b = cell(app, line_of(app, "26ANKARA3401"), "officer").strip()
        assert a != b, (a, b)


@pytest.mark.parametrize("width", [60, 70])
async def test_a_narrow_list_keeps_officer_and_status_on_screen(db: Path, width: int) -> None:
    """In a narrow pane (a split tmux window, ssh from a small laptop) the subject gives way:
    who holds a cable and where it stands stay on screen, and the header names them."""
    set_officer(db, "26PARIS1877", "kwalker")
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        head = list_lines(app)[0]
        # (OFFICER keeps its 7 cells for kwalker: the title fits whole)
        assert "OFFICER" in head and "STAT" in head, head
        row = line_of(app, "26PARIS1877")
        assert len(row.rstrip()) <= width
        assert cell(app, row, "officer").strip() == "kwalker", row
        assert cell(app, row, "status").strip() == "ASG", row
        assert "ACK?" in line_of(app, "26STATE104233")  # FLASH, nobody acknowledged it


@pytest.mark.parametrize(("width", "status"), [(80, "ASG!"), (120, "ASG")])
async def test_an_overdue_cable_says_so_when_the_age_column_gives_way(
    db: Path, width: int, status: str
) -> None:
    """At 80 columns AGE (and its `!` for overdue) gives way to the subject: the STATUS
    cell says so instead, its status's three letters and `!` (a NEW cable: LATE), as it says
    `?` for a FLASH nobody acknowledged."""
    conn = connect(db)
    cid = wf.find_cable(conn, "26PARIS1877")
    wf.assign(conn, cid, "kwalker", "lead")
    wf.set_due(conn, cid, "2020-01-01T09:00:00Z", "lead")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        row = line_of(app, "26PARIS1877")
        assert cell(app, row, "status").strip() == status, row
        if width >= 120:
            assert "!" in cell(app, row, "age"), row


@pytest.mark.parametrize("width", [80, 60])
async def test_an_overdue_flash_nobody_acknowledged_says_late_where_age_gave_way(
    db: Path, width: int
) -> None:
    # it read `ACK?` alone: nothing on the row said it was past its objective (then `LATE` alone:
    # nothing said it was not acknowledged either); `?!` both
    conn = connect(db)
    wf.set_due(conn, wf.find_cable(conn, "26STATE104233"), "2020-01-01T09:00:00Z", "lead")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        row = line_of(app, "26STATE104233")
        assert cell(app, row, "status").strip() == "NE?!", row
        assert "ACK?" in line_of(app, "26ANKARA3401")  # (a FLASH not yet late)


async def test_a_suggestion_reads_apart_from_an_assignment_at_80(db: Path) -> None:
    set_officer(db, "26STATE104233", "ct-desk")
    app = make_app(db, routes=[{"officer": "ct-desk", "tags": ["PTER"]}])
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        assigned = cell(app, line_of(app, "26STATE104233"), "officer").strip()
        # the other PTER cables: the routing rule suggests ct-desk for them
        suggested = {
            cell(app, line_of(app, ref), "officer").strip()
            for ref in ("26ANKARA3401", "26MADRID455")
        }
        assert suggested, list_lines(app)
        for s in suggested:
            assert s != assigned
            # marked by more than a trailing "?" (which a cut name loses first)
            assert s.rstrip("?") != assigned.rstrip("?")


async def test_subjects_that_differ_at_their_end_read_apart(tmp_path: Path, samples: Path) -> None:
    path = tmp_path / "c.db"
    conn = connect(path)
    text = (samples / "04_immediate_paris.txt").read_bytes()
    long = b"FRANCE PRESSES EU PARTNERS TO RENEW THE SAHEL TRAINING MISSION, PART I"
    items = [
        Item(
            "a.txt",
            text.replace(b"FRANCE PRESSES EU PARTNERS TO RENEW SAHEL TRAINING MISSION", long),
        ),
        Item(
            "b.txt",
            text.replace(b"FRANCE PRESSES EU PARTNERS TO RENEW SAHEL TRAINING MISSION", long + b"I")
            .replace(b"001877", b"001878")
            .replace(b"PARIS 1877", b"PARIS 1878"),
        ),
    ]
    ingest(conn, items)
    conn.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 2
        subjects = [cell(app, ln, "subject").strip() for ln in rows]
        assert subjects[0] != subjects[1]
        assert any(s.endswith("PART II") for s in subjects)


# -- a name typed in the officer picker ----------------------------------------------------------


async def test_enter_takes_the_highlighted_match_and_a_new_name_is_confirmed(db: Path) -> None:
    app = make_app(db, officers=["mrodriguez", "mrodrigues"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "a", *"mrod", "enter")
        await settle(pilot)
        conn = connect(db)
        assert wf.state(conn, wf.find_cable(conn, "26STATE104233")).officer == "mrodriguez"
        assert "mrod" not in wf.known_officers(conn, [])
        await pilot.press("j", "a", *"newbie", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "new officer 'newbie'" in str(app.screen.query_one(Label).content)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)  # back to the picker, the name kept
        assert app.screen.query_one(Input).value == "newbie"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        row = app.screen.query_one(CableList).row_at(2)
        assert row is not None and row.officer == "newbie"
        conn.close()


# -- 80x24 ---------------------------------------------------------------------------------------


async def test_the_split_view_at_80x24_shows_the_subject_and_the_whole_triage_line(
    db: Path,
) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # 26STATE104233, FLASH, not acknowledged
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        pane = app.screen.query_one("#header-pane")
        seen = shown_lines(app.screen.query_one("#header", Static))[: pane.content_region.height]
        assert any(ln.startswith("Subject") and "DIVERSION OF CARGO" in ln for ln in seen), seen
        line = static_text(app, "#triage-line")
        assert len(line) <= 78 and "K" in line and "Ack" in line, line


async def test_a_custom_view_tab_fits_at_80(db: Path) -> None:
    app = make_app(db, views=[{"name": "Counter-terrorism", "filter": "tag:PTER"}])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tabs = static_text(app, "#tabs")
        assert len(tabs) <= 78, tabs
        assert "Counter" in tabs or "Coun" in tabs
        assert isinstance(app.screen, ListScreen)
        app.screen.select_tab("Counter-terrorism")
        await settle(pilot)
        tabs = static_text(app, "#tabs")
        assert len(tabs) <= 78 and "Counter-terrorism 7" in tabs, tabs


# -- what the keys say ---------------------------------------------------------------------------


async def test_unassign_on_an_unassigned_cable_says_so(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        said = " ".join(messages(app))
        assert "assignment removed" not in said and "not assigned" in said


async def test_a_whole_view_change_names_the_view_not_tags(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        app.screen.whole_view("status")
        await pilot.pause()
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)  # (some are FLASH nobody acknowledged)
        question = str(app.screen.query_one(Label).content)
        assert "tagged" not in question and f"{N_SAMPLES} cables in this view" in question


@pytest.mark.parametrize(
    ("keys", "typed"),
    [
        (("f",), "bogus:thing"),
        (("d",), "someday soon"),
        (("slash",), '"unbalanced AND ('),
    ],
)
async def test_a_bad_filter_due_date_or_search_keeps_what_was_typed(
    db: Path, keys: tuple[str, ...], typed: str
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await pilot.pause()
        await pilot.press(*typed, "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == typed
        error = str(app.screen.query_one("#prompt-error", Label).content)
        assert error


def test_a_due_date_in_the_past_is_named(db: Path) -> None:
    out = CliRunner().invoke(main, ["due", "--db", str(db), "26STATE104233", "2020-01-01"])
    assert out.exit_code == 0, out.output
    assert "past" in out.output


def test_a_due_date_like_an_option_gets_the_words_due_takes(db: Path) -> None:
    # `triage due REF -2d` answered click's "No such option '-2'"
    out = CliRunner().invoke(main, ["due", "--db", str(db), "26STATE104233", "-2d"])
    assert out.exit_code == 1
    assert "'-2d': say when like 'today 17:00', 'tomorrow', '+2d'" in out.output


async def test_the_palettes_screenshot_is_saved(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.deliver_screenshot()
        await settle(pilot)
        said = " ".join(messages(app))
        assert "Failed" not in said
        shots = list(home.rglob("*.svg"))
        assert shots and str(shots[0]) in said


async def test_csv_timestamps_have_one_precision(db: Path, tmp_path: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.set_due(conn, cid, wf.parse_when("2026-12-01 17:23"), "lead")
    wf.acknowledge(conn, cid, "lead")
    conn.close()
    out = tmp_path / "x.csv"
    r = CliRunner().invoke(main, ["export", "--db", str(db), "-o", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    row = next(x for x in rows if x["reference_id"] == "26STATE104233")
    stamps = [row[k] for k in ("due_utc", "acknowledged_utc", "last_change_utc")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), stamps


async def test_split_view_help_lists_tab_and_every_row_has_an_id(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen._rows
        assert all(bid for _keys, _desc, bid in rows), [r for r in rows if not r[2]]
        assert any(keys.split(",")[0] == "tab" for keys, _d, _i in rows)


async def test_the_split_view_says_which_pane_has_the_focus(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        first = static_text(app, "#title")
        await pilot.press("tab")
        await settle(pilot)
        second = static_text(app, "#title")
        assert first != second
        assert re.search(r"\[.*Header.*\|.*Paragraphs.*\]", first)


# -- the split view's place in a list its own change altered -----------------------------------


def acknowledge_all(db: Path) -> None:
    """(so DONE closes at once: closing a FLASH nobody acknowledged asks first)"""
    conn = connect(db)
    ids = [int(r[0]) for r in conn.execute("SELECT id FROM cables")]
    for cid, _, _ in wf.unacknowledged(conn, ids):
        wf.acknowledge(conn, cid, "lead")
    conn.close()


async def test_closing_the_last_cable_in_the_split_view_leaves_no_4_of_3(db: Path) -> None:
    """DONE on the last Inbox cable in the split view: it leaves the Inbox. The title said
    `N of N-1`, and n opened the cable before it. Now the title says it left the view, n says
    there is no next cable, and p opens the one before it."""
    acknowledge_all(db)
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        total = len(lst.ids)
        before_last = int(lst.ids[total - 2])
        await pilot.press("G", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen)
        last = screen.cable_id
        assert f"{total} of {total} in Inbox" in static_text(app, "#title")
        await pilot.press("5")  # DONE: out of the Inbox
        await settle(pilot)
        title = static_text(app, "#title")
        assert f"of {total - 1} in Inbox" not in title, title
        assert f"no longer in Inbox ({total - 1})" in title
        await pilot.press("n")
        await settle(pilot)
        assert screen.cable_id == last
        assert "no more cables in this view" in messages(app)
        await pilot.press("p")
        await settle(pilot)
        assert screen.cable_id == before_last
        assert f"{total - 1} of {total - 1} in Inbox" in static_text(app, "#title")


async def test_n_after_closing_a_cable_opens_the_one_that_followed_it(db: Path) -> None:
    acknowledge_all(db)
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        total = len(lst.ids)
        third = int(lst.ids[2])
        await pilot.press("j", "j", "j", "enter")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("k", "k", "k")  # (scrolling keys: the split view stays where it is)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen)
        assert screen.cable_id == int(lst.ids[3])  # the fifth cable, now fourth
        assert f"4 of {total - 1} in Inbox" in static_text(app, "#title")
        await pilot.press("p")
        await settle(pilot)
        assert screen.cable_id == third


@pytest.mark.parametrize("width", [80, 100, 200])
async def test_the_key_hints_hold_whole_hints_only(db: Path, width: int) -> None:
    """At 100 columns the bar ended in `q Quit  space`: a key without its word."""
    from triage.tui.widgets.bars import KeyHints

    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        hints = app.screen.query_one(KeyHints)
        shown = "".join(seg.text for seg in hints.render_line(0)).strip()
        assert len(shown) <= width - 2
        words = shown.split("  ")
        assert all(len(w.split(" ", 1)) == 2 for w in words), words  # key and word, each
        assert words[0] == "enter Open"
        assert ("ctrl+p palette" in shown) == (width >= 200)


async def test_the_split_view_rewraps_for_a_terminal_resized_while_the_list_was_shown(
    db: Path,
) -> None:
    """Opened wide, back to the list, the terminal made narrow, opened again: the kept split
    view kept its wide wrap and the lines were cut at the edge, words lost."""
    app = make_app(db)
    async with app.run_test(size=(130, 35)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        body = static_text(app, "#body")
        longest = max(len(line) for line in body.splitlines())
        assert longest <= 60, [ln for ln in body.splitlines() if len(ln) > 60][:3]


# -- colour on a 16-colour terminal ------------------------------------------------------------


@pytest.fixture
def sixteen_colours(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A terminal of 16 colours (TERM=xterm): what Textual's console detects there."""
    import textual.constants

    from triage.tui import safe

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    yield
    safe.set_colour_system(None)  # the next app sets its own; plain functions see the default


async def test_top_secret_and_secret_read_apart_on_16_colours(db: Path, sixteen_colours) -> None:  # type: ignore[no-untyped-def]
    """Orange (TOP SECRET) has no 16-colour twin: its nearest colour is SECRET's red. On such a
    terminal TOP SECRET is yellow, in the list's CLASS column and in the split view's banner."""
    from rich.color import ColorSystem

    from triage.tui.widgets.bars import Banner

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.console.color_system == "standard"
        lst = app.screen.query_one(CableList)
        cols = layout_columns(
            lst.size.width, lst.show_addressed, lst.officer_width, lst.class_width
        )
        x = 0
        for c in cols:
            if c.key == "class":
                break
            x += c.width + 1

        def class_colour(ref: str) -> int:
            y = next(k for k, ln in enumerate(list_lines(app)) if ref in ln)
            at = 0
            for seg in lst.render_line(y):
                if at <= x < at + len(seg.text):
                    assert seg.style is not None and seg.style.color is not None
                    return int(seg.style.color.downgrade(ColorSystem.STANDARD).number or 0)
                at += len(seg.text)
            raise AssertionError(ref)

        assert class_colour("26JCS911") != class_colour("26STATE104233")

        async def banner_colour(ref: str) -> int:
            await pilot.press("slash", *ref, "enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CableScreen)
            bg = app.screen.query_one(Banner).styles.background
            await pilot.press("escape")
            await settle(pilot)
            return int(bg.rich_color.downgrade(ColorSystem.STANDARD).number or 0)

        assert await banner_colour("26JCS911") != await banner_colour("26STATE104233")


# -- fix18: the top of the list, column widths, one spelling per status, the arrivals strip -------


def top_rows_and_position(app: TriageApp) -> tuple[list[str], str]:
    return list_lines(app)[1:5], static_text(app, "#filters")


async def test_cables_coming_back_above_the_cursor_push_it_down_not_off_screen(db: Path) -> None:
    """The four most urgent cables tagged, closed (they leave the Inbox) and the change undone:
    they came back above the screen (`8 of 48`, first row the 5th cable) with no sign."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g", "V", "j", "j", "j", "V", "6")
        await settle(pilot)
        await pilot.press("down", "enter")  # Acknowledge, then set NO ACTION
        await settle(pilot)
        assert "26JCS911" not in "\n".join(list_lines(app))  # (they left the Inbox)
        await pilot.press("u")
        await settle(pilot)
        rows, where = top_rows_and_position(app)
        assert position(app) == (8, N_SAMPLES), where
        assert "26JCS911" in rows[0] and "EMERG" in rows[0], rows
        assert "26STATE104233" in rows[1] and "FLASH" in rows[1], rows
        assert "above" not in where, where
        assert line_of(app, "26STATE99001").startswith(">")  # the cursor stayed on its cable


async def test_an_arrival_above_the_cursor_leaves_the_top_in_sight(db: Path, samples: Path) -> None:
    app = make_app(db)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"jjjjjj")
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        niact = (samples / "03_niact_evacuation.txt").read_bytes()
        ingest(other, [Item("in.txt", niact.replace(b"98412", b"103511"))])
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        rows, where = top_rows_and_position(app)
        assert position(app) == (8, N_SAMPLES + 1), where
        assert "26JCS911" in rows[0], rows  # the EMERGENCY cable scrolled off the top
        assert "above" not in where, where


async def test_clearing_a_search_shows_the_top_of_the_list(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"embassy", "enter")
        await settle(pilot)
        await pilot.press("j", "j", "j")
        await pilot.press("escape")
        await settle(pilot)
        rows, where = top_rows_and_position(app)
        assert "26JCS911" in rows[0], (rows, where)
        assert "above" not in where, where


async def test_rows_above_the_screen_are_counted_in_the_position(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "above" not in static_text(app, "#filters")
        await pilot.press("G")
        lst = app.screen.query_one(CableList)
        hidden = N_SAMPLES - lst.page_height
        assert hidden > 0
        assert f"{N_SAMPLES} of {N_SAMPLES}   ↑ {hidden} above" in static_text(app, "#filters")
        await pilot.press("g")
        assert "above" not in static_text(app, "#filters")


WIDTHS = (80, 100, 120, 140, 160, 200)


@pytest.mark.parametrize("show_addressed", [False, True])
@pytest.mark.parametrize("officer_width", [7, 10, 12, 16])
@pytest.mark.parametrize("class_width", [7, 13])
def test_a_wider_terminal_never_narrows_a_column(
    show_addressed: bool, officer_width: int, class_width: int
) -> None:
    """OFFICER shrank to 8 cells before ORIGIN went, then grew back from the room ORIGIN left:
    `mrodriguez` whole at 100 columns, `mrod…uez` at 120. Every column but the subject (which
    takes what a dropped column frees) is at least as wide on a wider terminal."""
    before: dict[str, int] = {}
    for width in range(60, 221):
        cols = layout_columns(width, show_addressed, officer_width, class_width)
        widths = {c.key: c.width for c in cols}
        assert sum(widths.values()) + len(cols) - 1 <= width, (width, widths)
        if width >= 80:
            assert widths["subject"] >= 30, (width, widths)
        for key, was in before.items():
            if key != "subject":
                assert widths.get(key, 0) >= was, (width, key, was, widths)
        before = widths


@pytest.mark.parametrize("width", WIDTHS)
async def test_officer_names_are_no_shorter_on_a_wider_terminal(db: Path, width: int) -> None:
    set_officer(db, "26STATE104233", "mrodriguez")
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        shown = cell(app, line_of(app, "26STATE104233"), "officer").strip()
        assert shown == ("mrod…guez" if width == 80 else "mrodriguez"), (width, shown)


def status_cells(app: TriageApp) -> dict[str, str]:
    return {
        ref: cell(app, line_of(app, ref), "status").strip()
        for ref in ("26STATE104233", "26ANKARA3401", "26STATE98412", "26PARIS1877", "26ROME1301")
    }


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        # FLASH AWAITING REPLY, FLASH NEW, NIACT ASSIGNED (unacknowledged), ASSIGNED, IN PROGRESS
        (80, ["AWT?", "ACK?", "ASG?", "ASG", "PRG"]),
        (100, ["AWT ACK?", "NEW ACK?", "ASG ACK?", "ASG", "PRG"]),
        (120, ["AWT ACK?", "NEW ACK?", "ASG ACK?", "ASG", "PRG"]),
        (200, ["AWAITING REPLY", "NEW", "ASSIGNED", "ASSIGNED", "IN PROGRESS"]),
    ],
)
async def test_one_spelling_for_each_status_in_a_list(
    db: Path, width: int, expected: list[str]
) -> None:
    """`ASG ACK?` beside `ASGN`, `PRG?` beside `PROG`: two spellings of one status."""
    conn = connect(db)
    for ref, officer in (("26STATE104233", "jsmith"), ("26STATE98412", "kwalker")):
        wf.assign(conn, wf.find_cable(conn, ref), officer, "lead")
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "kwalker", "lead")
    wf.assign(conn, wf.find_cable(conn, "26ROME1301"), "jsmith", "lead")
    wf.set_status(conn, wf.find_cable(conn, "26ROME1301"), "IN PROGRESS", "jsmith")
    wf.set_status(conn, wf.find_cable(conn, "26STATE104233"), "AWAITING REPLY", "jsmith")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        assert list(status_cells(app).values()) == expected


async def test_a_late_flash_nobody_acknowledged_says_both_at_80(db: Path) -> None:
    """A NEW FLASH overdue and not acknowledged said LATE alone at 80 columns."""
    conn = connect(db)
    wf.set_due(conn, wf.find_cable(conn, "26STATE104233"), "2020-01-01T09:00:00Z", "lead")
    wf.assign(conn, wf.find_cable(conn, "26STATE98412"), "kwalker", "lead")
    wf.set_due(conn, wf.find_cable(conn, "26STATE98412"), "2020-01-01T09:00:00Z", "lead")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        assert cell(app, line_of(app, "26STATE104233"), "status").strip() == "NE?!"
        assert cell(app, line_of(app, "26STATE98412"), "status").strip() == "AS?!"


async def test_the_thread_tree_spells_a_status_as_the_list_does(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26PARIS2002")
    wf.assign(conn, cid, "jsmith", "lead")
    wf.set_status(conn, cid, "AWAITING REPLY", "jsmith")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        assert cell(app, line_of(app, "26PARIS2002"), "status").strip() == "AWT"
        await pilot.press("slash", *"26PARIS2002", "enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        tree = static_text(app, "#thread-text")
        assert "26PARIS2002" in tree, tree
        assert "AWT" in tree and "WAIT" not in tree, tree


def arrival_strip(app: TriageApp) -> str:
    strip = app.screen.query_one("#arrivals", Static)
    return static_text(app, "#arrivals") if strip.display else ""


async def arrive_outside_the_view(pilot, app: TriageApp, db: Path, samples: Path) -> None:  # type: ignore[no-untyped-def]
    app.bell = lambda: None  # type: ignore[method-assign]
    await pilot.press("f", *"prec:PRIORITY", "enter")
    await settle(pilot)
    app.check_for_changes()
    await settle(pilot)
    other = connect(db)
    niact = (samples / "03_niact_evacuation.txt").read_bytes()
    ingest(other, [Item("in.txt", niact.replace(b"98412", b"103511"))])
    other.close()
    assert app.feed.wait(5)
    app.check_for_changes()
    await settle(pilot)
    assert "26STATE103511 arrived outside this view" in arrival_strip(app)


@pytest.mark.parametrize("how", ["acknowledged", "closed"])
async def test_the_arrivals_strip_goes_when_a_colleague_handles_the_cable(
    db: Path, samples: Path, how: str
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await arrive_outside_the_view(pilot, app, db, samples)
        other = connect(db)
        cid = wf.find_cable(other, "26STATE103511")
        if how == "acknowledged":
            wf.acknowledge(other, cid, "jsmith")
        else:
            wf.set_status(other, cid, "NO ACTION", "jsmith")
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        assert arrival_strip(app) == ""


async def test_the_arrivals_strip_goes_when_this_officer_closes_the_cable(
    db: Path, samples: Path
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await arrive_outside_the_view(pilot, app, db, samples)
        await pilot.press("escape")  # the Inbox, where it is: tagged (the cursor never on it)
        await settle(pilot)
        await pilot.press("g", "V", "ctrl+d", "V")
        lst = app.screen.query_one(CableList)
        with connect(db) as conn:
            assert wf.find_cable(conn, "26STATE103511") in lst.tagged
        await pilot.press("K")  # acknowledged with the rest
        await settle(pilot)
        await pilot.press("f", *"prec:PRIORITY", "enter")
        await settle(pilot)
        assert arrival_strip(app) == ""


async def test_the_position_and_the_tags_stay_whole_beside_long_filters(db: Path) -> None:
    """eyes19: at 80 columns `precedence:>=PRIOR  status:new  status:"in progress"  22 of 36
    ↑ 8 above   1`: the tag count was cut at the edge, the filters whole."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f", *'prec:>=PRIOR status:new status:"in progress" tag:PREL', "enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        bar = static_text(app, "#filters")
        assert "   1 tagged   range from" in bar and bar.rstrip().endswith("V tags to here"), bar
        assert "…" in bar and bar.startswith("precedence:"), bar
