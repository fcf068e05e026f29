"""What a fresh-eyes tester tripped on (round 11), each as a user sees or gets it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Label, Static, TextArea

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf
from triage.store.ingest import Item, ingest
from triage.tui.app import CableScreen, ListScreen, TriageApp
from triage.tui.screens.dialogs import ConfirmScreen, HelpScreen, NoteEditor, PromptScreen
from triage.tui.widgets.bars import KeyHints
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES
from .test_console import list_lines, make_app, settle, static_text

BACKENDS = ("sqlite",)


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


def line_of(app: TriageApp, ref: str) -> str:
    return next(ln for ln in list_lines(app)[1:] if ref in ln)


def hints(app: TriageApp) -> str:
    return str(app.screen.query_one(KeyHints).content)


# -- A: a keymap entry that takes another binding's key ----------------------------------------


async def test_a_keymap_entry_taking_another_bindings_key_is_refused_and_named(db: Path) -> None:
    """`"list.search" = "j"`: the footer said "j Search" while j still moved down and / no
    longer searched. The entry is left out, both bindings are named, the rest applies."""
    app = make_app(db, keymap={"list.search": "j", "list.filter": "x"}, path=Path("c.toml"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        said = " ".join(messages(app))
        assert "keymap.list.search" in said and "list.down" in said and "c.toml" in said
        assert "j Search" not in hints(app) and "/ Search" in hints(app)
        await pilot.press("j")
        assert app.screen.query_one(CableList).cursor == 1
        await pilot.press("slash")
        assert isinstance(app.screen, PromptScreen) and app.screen._title == ListScreen.SEARCH_TITLE
        await pilot.press("escape")
        await pilot.press("x")  # the rest of the keymap is applied
        assert isinstance(app.screen, PromptScreen) and "ilter" in app.screen._title


async def test_a_clash_on_the_split_view_keeps_n_for_the_next_cable(db: Path) -> None:
    app = make_app(db, keymap={"cable.find_next": "ctrl+g,n"})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert any(
            "keymap.cable.find_next" in m and ("cable.next" in m or "cable.match_next" in m)
            for m in messages(app)
        ), messages(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        first = app.screen.cable_id
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.cable_id != first


async def test_a_keymap_swapping_two_keys_is_no_clash(db: Path) -> None:
    app = make_app(db, keymap={"list.search": "j", "list.down": "slash"})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not any("keymap" in m for m in messages(app)), messages(app)
        await pilot.press("slash")
        assert app.screen.query_one(CableList).cursor == 1
        assert "j Search" in hints(app)


# -- B, C: a note cleared, read from an empty pipe, or too long -----------------------------------


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def note_of(db: Path, ref: str) -> str | None:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref)).note
    finally:
        conn.close()


def their_note(db: Path, ref: str, text: str) -> None:
    conn = connect(db)
    wf.set_note(conn, wf.find_cable(conn, ref), text, "eyes11u")
    conn.close()


def test_clearing_another_officers_note_says_whose_note_it_cleared(db: Path) -> None:
    their_note(db, "26PARIS1877", "Called RSO, wait for reply")
    r = run("note", "--db", str(db), "26PARIS1877", "")
    assert r.exit_code == 0, r.output
    assert "26PARIS1877: cleared the note eyes11u wrote (kept in the history" in r.stderr
    assert "note cleared" in r.stdout and not note_of(db, "26PARIS1877")


def test_nothing_read_from_stdin_clears_no_note(db: Path) -> None:
    """`: | triage note REF -` (a script whose pipe failed) wiped a colleague's note."""
    their_note(db, "26PARIS1877", "Called RSO, wait for reply")
    for stdin in ("", "\n"):
        for extra in ([], ["--append"]):
            r = run("note", "--db", str(db), "26PARIS1877", "-", *extra, input=stdin)
            assert r.exit_code == 1, r.output
            assert "nothing read from standard input; the note is unchanged" in r.stderr
            assert "triage note 26PARIS1877 ''" in r.stderr
            assert note_of(db, "26PARIS1877") == "Called RSO, wait for reply"


def test_appending_nothing_changes_nothing(db: Path) -> None:
    """`--append ''` added an empty line to a colleague's note and said it was saved."""
    their_note(db, "26PARIS1877", "keep me")
    r = run("note", "--db", str(db), "26PARIS1877", "--append", "")
    assert r.exit_code == 1
    assert "26PARIS1877: nothing to append; the note is unchanged" in r.stderr
    assert note_of(db, "26PARIS1877") == "keep me"


def test_a_note_from_stdin_drops_its_last_newline(db: Path) -> None:
    r = run("note", "--db", str(db), "26PARIS1877", "-", input="line one\nline two\n")
    assert r.exit_code == 0, r.output
    assert note_of(db, "26PARIS1877") == "line one\nline two"
    assert "note of 17 characters saved" in r.stdout


def test_a_note_over_10000_characters_is_refused_from_the_shell(db: Path) -> None:
    r = run("note", "--db", str(db), "26PARIS1877", "-", input="x" * 600_601)
    assert r.exit_code == 1
    assert "a note holds at most 10,000 characters, and this one has 600,601" in r.stderr
    assert note_of(db, "26PARIS1877") is None or note_of(db, "26PARIS1877") == ""
    r = run("note", "--db", str(db), "26PARIS1877", "x" * 10_000)
    assert r.exit_code == 0, r.output
    r = run("note", "--db", str(db), "26PARIS1877", "--append", "one more line")
    assert r.exit_code == 1 and "nothing appended" in r.stderr and "10,014" in r.stderr
    assert note_of(db, "26PARIS1877") == "x" * 10_000


async def test_a_note_over_10000_characters_is_refused_in_the_console_and_kept(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        long = "y" * 10_001
        app.screen.query_one(TextArea).insert(long)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("a note holds at most 10,000 characters" in m for m in messages(app))
        # not saved, and what was typed is still there to shorten
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == long
        assert not note_of(db, ref)


# -- F: W on a config that is a link to a dotfile ---------------------------------------------


async def test_saving_a_view_writes_through_a_linked_config_keeping_its_mode(
    db: Path, tmp_path: Path
) -> None:
    from triage.config import load_config, user_config_path

    dotfile = tmp_path / "dotfiles" / "triage.toml"
    dotfile.parent.mkdir()
    dotfile.write_text('# mine\nofficers = ["kwalker"]\n', encoding="utf-8")
    dotfile.chmod(0o644)
    link = user_config_path()
    link.parent.mkdir(parents=True)
    link.symlink_to(dotfile)
    app = make_app(db, path=link, officers=["kwalker"])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"prec:FLASH", "enter")
        await settle(pilot)
        await pilot.press("W", *"Flash desk", "enter")
        await settle(pilot)
        assert link.is_symlink() and link.resolve() == dotfile
        assert "# mine" in dotfile.read_text() and "Flash desk" in dotfile.read_text()
        assert load_config(link).views == [{"name": "Flash desk", "filter": "precedence:FLASH"}]
        assert dotfile.stat().st_mode & 0o777 == 0o644
        assert [p.name for p in dotfile.parent.iterdir()] == ["triage.toml"]  # no temp left


# -- E: due dates in the forms triage prints ---------------------------------------------------


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A host that is not on UTC: a Z has to mean something."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def due_of(db: Path, ref: str) -> str | None:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref)).due_at
    finally:
        conn.close()


@pytest.mark.usefixtures("new_york")
def test_due_takes_the_times_triage_prints(db: Path) -> None:
    for typed in ("2026-12-01T09:00Z", "2026-12-01 09:00Z", "2026-12-01T09:00:00Z"):
        r = run("due", "--db", str(db), "26STATE104233", typed)
        assert r.exit_code == 0, r.output
        assert due_of(db, "26STATE104233") == "2026-12-01T09:00:00Z"
    r = run("due", "--db", str(db), "26STATE104233", "2026-12-01 09:00")  # the host's time
    assert r.exit_code == 0, r.output
    assert due_of(db, "26STATE104233") == "2026-12-01T14:00:00Z"
    # and what export prints reads back as the same time
    out = run("export", "--db", str(db), "-o", "-")
    row = next(r for r in csv.DictReader(io.StringIO(out.stdout)) if "26STATE104233" in str(r))
    printed = next(v for v in row.values() if v.startswith("2026-12-01T"))
    assert run("due", "--db", str(db), "26STATE104233", printed).exit_code == 0
    assert due_of(db, "26STATE104233") == "2026-12-01T14:00:00Z"


@pytest.mark.usefixtures("new_york")
def test_due_takes_noon_and_next_weekday(db: Path) -> None:
    r = run("due", "--db", str(db), "26STATE104233", "tomorrow", "noon")
    assert r.exit_code == 0, r.output
    at = dt.datetime.fromisoformat(str(due_of(db, "26STATE104233")))
    assert at.astimezone().hour == 12
    assert at.astimezone().date() == dt.date.today() + dt.timedelta(days=1)
    r = run("due", "--db", str(db), "26STATE104233", "next", "fri")
    assert r.exit_code == 0, r.output
    at = dt.datetime.fromisoformat(str(due_of(db, "26STATE104233"))).astimezone()
    assert at.weekday() == 4 and 1 <= (at.date() - dt.date.today()).days <= 7


def test_yesterday_is_refused_saying_why(db: Path) -> None:
    r = run("due", "--db", str(db), "26STATE104233", "yesterday")
    assert r.exit_code == 1
    assert "a due date is still to come" in r.output and "type its date" in r.output


# -- D: a note of several lines in the split view's triage line --------------------------------


async def put_cursor_on(pilot: Pilot, ref: str) -> None:
    lst = pilot.app.screen.query_one(CableList)
    for _ in range(N_SAMPLES):
        row = lst.row_at(lst.cursor)
        if row is not None and row.reference_id == ref:
            return
        await pilot.press("j")
        await settle(pilot)
    raise AssertionError(f"{ref} not in the list")


async def test_the_triage_line_says_a_note_has_more_lines(db: Path) -> None:
    """Below 120 columns only the note's first line showed there, and nothing said there was
    more (the header pane with the whole note is below the fold)."""
    their_note(db, "26PARIS1877", 'Note line one, with "quotes"\nline two\nline three\nline four')
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26PARIS1877")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        line = static_text(app, "#triage-line")
        assert 'Note line one, with "quotes"… (+3 lines)' in line, line


# -- G: a status set on an unacknowledged NIACT shows where the list is narrow --------------------


async def test_at_100_columns_a_new_status_shows_beside_ack(db: Path) -> None:
    """STATUS said only `ACK?` below 140 columns: pressing 3 left the row as it was."""
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE98412")  # NIACT IMMEDIATE, NEW, not acknowledged
        assert "NEW ACK?" in line_of(app, "26STATE98412")
        conn = connect(db)  # (IN PROGRESS is an officer's status)
        wf.assign(conn, wf.find_cable(conn, "26STATE98412"), "kwalker", "other")
        conn.close()
        app.check_for_changes()
        await settle(pilot)
        assert "ASG ACK?" in line_of(app, "26STATE98412")
        await pilot.press("3")
        await settle(pilot)
        row = line_of(app, "26STATE98412")
        assert "PRG ACK?" in row, row
        await pilot.press("K")
        await settle(pilot)
        row = line_of(app, "26STATE98412")
        assert "ACK?" not in row and "PRG" in row, row


# -- H: a new user's trips ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_help_and_quit_stay_in_the_footer_at_80_columns(
    db: Path, size: tuple[int, int]
) -> None:
    app = make_app(db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = hints(app)
        assert "? Help" in shown and "q Quit" in shown, shown
        assert shown.startswith("enter Open  a Assign")  # the most needed keep their place
        await pilot.press("enter")
        await settle(pilot)
        shown = hints(app)
        assert "? Help" in shown and "esc Back" in shown, shown


async def test_the_overviews_help_lists_tab_which_its_footer_names(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert "tab next panel" in str(app.screen.query_one("#ov-keys", Static).content)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {keys: bid for keys, _what, bid in app.screen._rows}
        assert rows.get("tab") == "overview.next_panel", rows


async def test_the_palette_offers_no_second_key_list(db: Path) -> None:
    """Textual's "Keys" panel listed other keys than ?, esc did not close it and q quit."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Keys" not in titles and "Help: keys" in titles
        await pilot.press("ctrl+p", *"keys")
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = [str(o.prompt) for o in palette.query_one(CommandList).options]
        assert any("Help: keys" in s for s in shown) and not any(
            s.startswith("Keys") for s in shown
        ), shown


async def test_enter_answers_no_to_every_question(db: Path) -> None:
    """ "new officer 'jsmith'?" took enter as no, then "Assign 2 tagged cables to jsmith?"
    took it as yes. Enter is no on both; y is yes."""
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        first = [app.screen.query_one(CableList).row_at(i).reference_id for i in (0, 1)]  # type: ignore[union-attr]
        await pilot.press("space", "space", "a", *"jsmith", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "enter: no" in str(app.screen.query(Label).last().content)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Assign 2 tagged cables to jsmith?" in str(app.screen.query(Label).first().content)
        assert "enter: no" in str(app.screen.query(Label).last().content)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        conn = connect(db)
        assert [wf.state(conn, wf.find_cable(conn, r)).officer for r in first] == [None, None]
        conn.close()


# -- I: F for a FLASH that arrived outside the filtered view ------------------------------------


async def test_F_opens_a_flash_that_arrived_outside_the_filter(db: Path, samples: Path) -> None:
    """The toast named the FLASH, and F said "no urgent arrival out of sight"."""
    app = make_app(db)
    app.bell = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"origin:paris", "enter")
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        ingest(other, [Item("in.txt", flash.replace(b"104233", b"104299"))])
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        assert not any("26STATE104299" in ln for ln in list_lines(app))  # not in the filter
        strip = static_text(app, "#arrivals")
        assert "26STATE104299" in strip and "outside this view" in strip and "F opens" in strip
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        assert "26STATE104299" in static_text(app, "#title")
        said = messages(app)[-1]
        # (one filter and no search: said as it is; eyes19 read "search and filters")
        assert "26STATE104299 (FLASH) is not in Inbox with this filter:" in said, said
        assert "esc comes back" in said
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen) and "origin:paris" in static_text(app, "#filters")
        assert not app.screen.query_one("#arrivals", Static).display
        await pilot.press("F")
        await settle(pilot)
        assert messages(app)[-1] == "no urgent arrival out of sight"
