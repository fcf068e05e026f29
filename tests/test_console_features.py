"""What officers missed (issue 15): undo, assigned-to-you, copy, mouse, saved views, presence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.widgets.cable_list import CableList

from .test_console import list_lines, make_app, settle, static_text


def state(db: Path, ref: str) -> wf.State:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref))
    finally:
        conn.close()


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


# -- undo ----------------------------------------------------------------------------------------


def test_undo_puts_the_last_change_back_as_a_new_change(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "me")
    wf.set_status(conn, cid, "DONE", "me")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and undone.done == ["26STATE104233"]
    assert "status DONE -> ASSIGNED" in undone.label
    st = wf.state(conn, cid)
    assert (st.officer, st.status) == ("kwalker", "ASSIGNED")
    # the audit log keeps both: the change and its undoing
    fields = [(f, o, n) for _at, _who, f, o, n in wf.history(conn, cid)]
    assert fields[-2:] == [("status", "ASSIGNED", "DONE"), ("status", "DONE", "ASSIGNED")]
    conn.close()


def test_undo_leaves_a_cable_someone_changed_since(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.set_status(conn, cid, "IN PROGRESS", "me")
    wf.set_note(conn, cid, "mine now", "other")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and not undone.done
    assert "changed by other" in undone.conflicts[0]
    assert wf.state(conn, cid).status == "IN PROGRESS"
    assert wf.undo_last(conn, "nobody") is None
    conn.close()


async def test_u_undoes_a_bulk_assign_and_says_what(db: Path) -> None:
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "space", "space")  # tag 26STATE104233 and 26ANKARA3401
        await pilot.press("a", *"kwalker", "enter")
        await pilot.pause()
        await pilot.press("y")  # confirm the bulk change
        await settle(pilot)
        assert state(db, "26STATE104233").officer == "kwalker"
        assert state(db, "26ANKARA3401").officer == "kwalker"
        await pilot.press("u")
        await settle(pilot)
        assert state(db, "26STATE104233").officer is None
        assert state(db, "26ANKARA3401").officer is None
        said = " ".join(messages(app))
        assert "2 cables: undone (officer kwalker -> -" in said
        lst = app.screen.query_one(CableList)
        row = lst.row_at(1)
        assert row is not None and row.officer is None
        assert "kwalker" not in "\n".join(list_lines(app))


# -- assigned to you, unseen by you ------------------------------------------------------------


def run_triage(db: Path, *args: str) -> None:
    """Another officer's command, in a process of its own."""
    subprocess.run(
        [sys.executable, "-m", "triage.cli", *args, "--db", str(db)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


async def test_a_cable_assigned_to_you_by_someone_else_is_toasted_and_marked(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        run_triage(db, "assign", "26ANKARA3401", "tester")
        app.check_for_changes()
        await settle(pilot)
        said = " ".join(messages(app))
        assert "assigned 26ANKARA3401 to you" in said
        line = next(ln for ln in list_lines(app) if "26ANKARA3401" in ln)
        assert line[1] == "@", line  # marked, beside the cursor column
        lst = app.screen.query_one(CableList)
        k = next(i for i in range(len(lst.ids)) if lst.row_at(i).reference_id == "26ANKARA3401")  # type: ignore[union-attr]
        lst.move_to(k)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        line = next(ln for ln in list_lines(app) if "26ANKARA3401" in ln)
        assert line[1] == " ", line  # opened: no longer unseen by this officer


async def test_unseen_is_per_officer_and_apart_from_the_status(db: Path) -> None:
    conn = connect(db)
    from triage.store import presence

    presence.mark_seen(conn, "someone-else", wf.find_cable(conn, "26JCS911"))
    presence.mark_seen(conn, "tester", wf.find_cable(conn, "26STATE104233"))
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        rows = {lst.row_at(i).reference_id: lst.row_at(i) for i in range(3)}  # type: ignore[union-attr]
        assert rows["26STATE104233"].seen  # opened by this officer
        assert not rows["26JCS911"].seen  # opened by another: still unseen here
        assert state(db, "26JCS911").status == "NEW"


# -- who else is working --------------------------------------------------------------------------


def other_console(db: Path, login: str, ref: str | None) -> None:
    """Another officer's console: a process that writes its heartbeat (the cable it has open)
    as a console does, then is left running (its row stays fresh for a few beats)."""
    code = (
        "import sys; from triage.store import connect, presence; from triage.store import "
        "workflow as wf; c = connect(sys.argv[1]); "
        "cid = wf.find_cable(c, sys.argv[3]) if sys.argv[3] != '-' else None; "
        "presence.beat(c, sys.argv[2], cid)"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(db), login, ref or "-"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


async def test_other_officers_at_work_and_the_cable_they_have_open(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        other_console(db, "kwalker", "26STATE104233")
        other_console(db, "jsmith", None)
        app.check_for_changes()
        await settle(pilot)
        tabs = static_text(app, "#tabs")
        assert "◆ jsmith kwalker" in tabs, tabs
        line = next(ln for ln in list_lines(app) if "26STATE104233" in ln)
        assert line[1] == "◆", line
        await pilot.press("j", "enter")
        await settle(pilot)
        assert "open by kwalker" in static_text(app, "#triage-line")
        # and this console is seen by the others: its row names the cable it has open
        conn = connect(db)
        rows = conn.execute(
            "SELECT login, cable_id FROM presence WHERE login = 'tester'"
        ).fetchall()
        assert rows == [("tester", wf.find_cable(conn, "26STATE104233"))]
        conn.close()
