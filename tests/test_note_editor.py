"""The note editor (c): control characters in a note are shown as symbols, never sent to the
terminal, and the cursor opens at the end of the note."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import TextArea

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.screens.dialogs import NoteEditor
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle
from .test_console_workflow import state

HOSTILE = "seen by RSO \x1b]2;PWNED-BY-NOTE\x07 and \x1b[31mred\x1b[0m"


async def test_a_notes_escape_sequences_are_symbols_in_the_editor(db: Path) -> None:
    """A note set from the command line (`triage note REF $'\\e]2;...\\a'`) retitled the
    terminal of whoever opened it in the editor; a colour sequence shifted its border."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        conn = connect(db)
        wf.set_note(conn, wf.find_cable(conn, ref), HOSTILE, "neighbour")
        conn.close()
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        area = app.screen.query_one(TextArea)
        assert "\x1b" not in area.text and "\x07" not in area.text
        assert area.text == "seen by RSO ␛]2;PWNED-BY-NOTE␇ and ␛[31mred␛[0m"
        # the cursor waits at the end: what is typed is added to the note
        assert area.cursor_location == area.document.end
        await pilot.press(*" ok")
        # a paste is shown the same way; its line ends are line ends
        app.post_message(events.Paste("\r\nthen \x1b[2J cleared\r\nlast"))
        await pilot.pause()
        assert "\x1b" not in area.text and "\r" not in area.text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert state(db, ref).note == (
            "seen by RSO ␛]2;PWNED-BY-NOTE␇ and ␛[31mred␛[0m ok\nthen ␛[2J cleared\nlast"
        )
        # what the save did to the control characters is said
        said = [str(n.message) for n in app._notifications]
        assert any("note saved" in m and "symbols shown" in m for m in said), said


async def test_a_note_saved_unchanged_is_not_rewritten(db: Path) -> None:
    """ctrl+s with nothing typed wrote a new version and an audit line, and turned the note's
    control characters into the symbols the editor showed."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        conn = connect(db)
        wf.set_note(conn, wf.find_cable(conn, ref), HOSTILE, "neighbour")
        conn.close()
        before = state(db, ref)
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        after = state(db, ref)
        assert after.note == HOSTILE and after.row_version == before.row_version
        said = [str(n.message) for n in app._notifications]
        assert "note unchanged" in said and not any("note saved" in m for m in said), said


async def test_esc_over_text_typed_into_a_long_note_asks_first(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        conn = connect(db)
        wf.set_note(conn, wf.find_cable(conn, ref), "a long note, " * 300, "neighbour")
        conn.close()
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*" typed")
        await pilot.press("escape")
        await pilot.pause()
        from triage.tui.screens.dialogs import ConfirmScreen

        assert isinstance(app.screen, ConfirmScreen)


async def test_a_note_that_could_not_be_saved_is_put_back_in_the_editor(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eyes15: the server stopped as ctrl+s was pressed: "NOT SAVED" was said, and the note
    typed was gone (c opened an empty editor)."""
    import sqlite3

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        real = wf.set_note
        failing = [True]

        def set_note(*a: object, **k: object) -> object:
            if failing and failing.pop():
                raise sqlite3.OperationalError(
                    "terminating connection due to administrator command"
                )
            return real(*a, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(wf, "set_note", set_note)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"outage note: must not be lost", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor), app.screen
        assert "NOT saved" in app.screen._title and "administrator command" in app.screen._title
        assert app.screen.query_one(TextArea).text == "outage note: must not be lost"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        assert state(db, ref).note == "outage note: must not be lost"
