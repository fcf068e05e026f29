"""On a database server, the console's reads a user meets first run off the UI thread: a
server that stops answering held every key (esc, q) for seconds as a cable was opened, before
the NOT LIVE box came. The cable says it is being read meanwhile, and esc still goes back."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from triage.tui.app import CableScreen, ListScreen
from triage.tui.screens import cable as cable_screen

from .test_commit_unknown import pg_db  # noqa: F401  (the fixture)
from .test_console import make_app, settle, static_text


async def test_a_cable_read_from_a_silent_server_leaves_the_keys_answering(
    pg_db: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        answer = threading.Event()
        real = cable_screen.load_cable

        def silent(*a: Any, **kw: Any) -> Any:
            answer.wait(5)  # (a server that does not answer; the test lets it answer)
            return real(*a, **kw)

        monkeypatch.setattr(cable_screen, "load_cable", silent)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        assert "reading the cable" in static_text(app, "#title")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        answer.set()
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        monkeypatch.setattr(cable_screen, "load_cable", real)
        await pilot.press("enter")  # the server answers: the cable is shown
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        title = static_text(app, "#title")
        assert "reading" not in title and "Header" in title, title


async def test_the_assign_box_reads_its_officers_off_the_ui_thread(
    pg_db: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from triage.store import workflow as wf
    from triage.tui.screens.dialogs import OfficerPicker
    from triage.tui.widgets.cable_list import CableList

    app = make_app(pg_db, officers=["kwalker"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        answer = threading.Event()
        real = wf.known_officers

        def silent(*a: Any, **kw: Any) -> Any:
            answer.wait(5)
            return real(*a, **kw)

        monkeypatch.setattr(wf, "known_officers", silent)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, OfficerPicker)
        assert any("reading the officers" in n.message for n in app._notifications)
        await pilot.press("j")  # the keys answer meanwhile
        await pilot.pause()
        assert app.screen.query_one(CableList).cursor == 1
        answer.set()
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
