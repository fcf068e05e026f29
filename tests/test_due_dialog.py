"""The due box (d) opens with the due date the cable has; enter on it, or on an empty box,
changes nothing; `none` clears. It opened empty, and `d` then enter cleared a due date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.widgets import Input

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.screens.dialogs import PromptScreen
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle
from .test_console_workflow import messages, state


async def test_the_due_box_shows_the_due_date_and_enter_keeps_it(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        conn = connect(db)
        wf.set_due(conn, wf.find_cable(conn, ref), "2026-12-04T17:00:00Z", "neighbour")
        conn.close()
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        local = dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC).astimezone()
        assert app.screen.query_one(Input).value == local.strftime("%Y-%m-%d %H:%M")
        await pilot.press("enter")
        await settle(pilot)
        assert state(db, ref).due_at == "2026-12-04T17:00:00Z"
        assert "due date unchanged (none clears it)" in messages(app)
        # an emptied box is no change either
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("ctrl+u", "enter")
        await settle(pilot)
        assert state(db, ref).due_at == "2026-12-04T17:00:00Z"
        # what is typed replaces what the box showed
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"+2d", "enter")
        await settle(pilot)
        assert state(db, ref).due_at not in (None, "2026-12-04T17:00:00Z")
        # and none clears it, as the hint says
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"none", "enter")
        await settle(pilot)
        assert state(db, ref).due_at is None
