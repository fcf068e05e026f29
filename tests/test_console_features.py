"""What officers missed (issue 15): undo, assigned-to-you, copy, mouse, saved views, presence."""

from __future__ import annotations

from pathlib import Path

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.widgets.cable_list import CableList

from .test_console import list_lines, make_app, settle


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
