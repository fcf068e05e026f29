"""A change whose connection to the database server was lost while its COMMIT was on the way:
the server may have committed it (a stopped server does so once it runs again) or not. It was
said NOT SAVED, the officer typed it again, and a change already made was made twice. Now the
console says it may not have been saved, looks the change up by its batch once the server
answers, and says which it was."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TextArea

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.screens.dialogs import NoteEditor
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle
from .test_console_workflow import messages, state

REF = "26STATE104233"

LOST = "consuming input failed: server closed the connection unexpectedly"


class _Cursor:
    def __init__(self, cur: Any, owner: LostAtCommit) -> None:
        self._cur = cur
        self._owner = owner

    def execute(self, sql: Any, params: Any = None, **kw: Any) -> Any:
        import psycopg

        if isinstance(sql, str) and sql.strip().upper() == "COMMIT":
            if self._owner.commits:
                self._cur.execute(sql)
            if self._owner.then is not None:
                self._owner.then()
            # the answer never comes back: the connection is gone (a server closing it, a
            # silence watch cutting it)
            self._owner.raw.close()
            raise psycopg.OperationalError(LOST)
        return self._cur.execute(sql, params, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


class LostAtCommit:
    """A psycopg connection lost as its COMMIT was sent: the server took the COMMIT
    (`commits`) or the connection went before it got there; the client cannot tell."""

    def __init__(self, raw: Any, commits: bool, then: Callable[[], None] | None = None) -> None:
        self.raw = raw
        self.commits = commits
        self.then = then  # what happens as the answer is awaited

    def cursor(self, *a: Any, **kw: Any) -> _Cursor:
        return _Cursor(self.raw.cursor(*a, **kw), self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


@pytest.fixture
def pg_db(pg_url: str, samples: Path) -> Path:
    from triage.store.api import as_target
    from triage.store.ingest import ingest
    from triage.store.inputs import iter_paths

    path = as_target(pg_url)
    conn = connect(path)
    ingest(conn, iter_paths([str(samples)]))
    wf.assign(conn, wf.find_cable(conn, REF), "tester", "tester")  # (IN PROGRESS is then its)
    conn.close()
    return path


def lose_at_commit(
    conn: sqlite3.Connection, commits: bool, then: Callable[[], None] | None = None
) -> None:
    conn.raw = LostAtCommit(conn.raw, commits, then)  # type: ignore[attr-defined]


@pytest.mark.parametrize("commits", [True, False])
def test_a_commit_lost_on_the_way_is_unknown_and_looked_up_by_its_batch(
    pg_db: Path, commits: bool
) -> None:
    conn = connect(pg_db)
    cable = wf.find_cable(conn, REF)
    version = wf.state(conn, cable).row_version
    lose_at_commit(conn, commits)
    batch = wf.new_batch("c1234.")
    with pytest.raises(wf.CommitUnknown) as got:
        wf.set_status(conn, cable, "DONE", "tester", version, batch)
    unsure = got.value
    assert (unsure.batch, unsure.cable_id, unsure.reference_id) == (batch, cable, REF)
    assert unsure.what == "status DONE"
    again = connect(pg_db)  # (the server answers again: another connection)
    assert wf.was_saved(again, unsure) is commits
    assert (wf.state(again, cable).status == "DONE") is commits


def test_not_known_while_the_server_process_that_had_it_is_still_at_it(pg_db: Path) -> None:
    """A server just woken may not yet have read the COMMIT its process was sent: while that
    process is still in its transaction, the change is not known yet (looked up again), not
    NOT SAVED."""
    conn = connect(pg_db)
    cable = wf.find_cable(conn, REF)
    lose_at_commit(conn, commits=False)
    with pytest.raises(wf.CommitUnknown) as got:
        wf.set_status(conn, cable, "IN PROGRESS", "tester")
    other = connect(pg_db)
    other.execute("BEGIN")
    other.execute("SELECT 1")  # (a process in a transaction, as the lost one before COMMIT)
    got.value.server_pid = int(other.raw.info.backend_pid)  # type: ignore[attr-defined]
    assert wf.was_saved(connect(pg_db), got.value) is None
    other.execute("ROLLBACK")
    assert wf.was_saved(connect(pg_db), got.value) is False


def test_a_connection_lost_before_commit_is_not_saved_for_certain(pg_db: Path) -> None:
    """Lost before its COMMIT was sent: the server never commits it (not an unknown)."""
    conn = connect(pg_db)
    cable = wf.find_cable(conn, REF)
    real = wf.append_audit

    def lost(c: Any, *a: Any, **kw: Any) -> None:
        real(c, *a, **kw)
        c.raw.close()
        raise sqlite3.OperationalError(LOST)

    try:
        wf.append_audit = lost  # type: ignore[assignment]
        with pytest.raises(sqlite3.OperationalError) as got:
            wf.set_status(conn, cable, "DONE", "tester")
    finally:
        wf.append_audit = real  # type: ignore[assignment]
    assert not isinstance(got.value, wf.CommitUnknown)
    assert wf.state(connect(pg_db), cable).status != "DONE"


def _lost_once(monkeypatch: pytest.MonkeyPatch, name: str, commits: bool) -> Callable[..., object]:
    """The store's `name` (set_status, set_note) run once on a connection lost at COMMIT."""
    real = getattr(wf, name)
    once = [True]

    def change(conn: sqlite3.Connection, *a: Any, **kw: Any) -> object:
        if once and once.pop():
            lose_at_commit(conn, commits)
        return real(conn, *a, **kw)

    monkeypatch.setattr(wf, name, change)
    return real


async def found_out(pilot: Any) -> None:
    """Settled, and the changes whose outcome was unknown looked up: the server process of
    the lost connection may still be ending (then "not known yet", asked again on a timer)."""
    await settle(pilot)
    for _ in range(100):
        if not pilot.app._unsure:
            return
        await pilot.pause(0.05)  # (the timer that asks again; nothing else to wait on)
        await settle(pilot)


async def test_the_console_says_saved_when_the_lost_commit_was_taken(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        _lost_once(monkeypatch, "set_status", commits=True)
        await pilot.press("j", "3")  # 26STATE104233: IN PROGRESS
        await found_out(pilot)
        said = " | ".join(messages(app))
        assert "NOT SAVED" not in said and "not saved" not in said, said
        assert f"{REF}: status IN PROGRESS: saved" in said, said
        assert state(pg_db, REF).status == "IN PROGRESS"


async def test_the_console_says_not_saved_when_the_lost_commit_was_not_taken(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        _lost_once(monkeypatch, "set_status", commits=False)
        await pilot.press("j", "3")
        await found_out(pilot)
        said = " | ".join(messages(app))
        assert f"NOT SAVED: {REF}: status IN PROGRESS: type it again" in said, said
        assert state(pg_db, REF).status != "IN PROGRESS"
        await pilot.press("3")  # typed again: saved
        await settle(pilot)
        assert state(pg_db, REF).status == "IN PROGRESS"


async def test_while_the_server_cannot_be_asked_the_console_says_it_may_not_be_saved(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server still silent: neither saved nor NOT SAVED is said, but that it is being
    checked; once it answers, the truth."""
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        _lost_once(monkeypatch, "set_status", commits=True)
        real = wf.was_saved
        silent = [True]

        def was_saved(conn: sqlite3.Connection, unsure: wf.CommitUnknown) -> bool:
            if silent:
                raise sqlite3.OperationalError("the database server has not answered for 4 s")
            return real(conn, unsure)

        monkeypatch.setattr(wf, "was_saved", was_saved)
        await pilot.press("j", "3")
        await settle(pilot)
        said = " | ".join(messages(app))
        assert "may not have been saved" in said.lower(), said
        assert "do not type it again" in said.lower(), said
        assert "NOT SAVED" not in said and ": saved" not in said, said
        silent.clear()
        app.check_unsure()  # (as the server answering again does)
        await found_out(pilot)
        said = " | ".join(messages(app))
        assert f"{REF}: status IN PROGRESS: saved" in said and "NOT SAVED" not in said, said
        assert state(pg_db, REF).status == "IN PROGRESS"


@pytest.mark.parametrize("commits", [True, False])
async def test_a_note_lost_at_commit_is_not_put_back_to_be_saved_twice(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch, commits: bool
) -> None:
    """The note editor came back with "your note was NOT saved" (ctrl+s tries again) for a
    note the server had taken; it comes back with the note when the server had not."""
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        _lost_once(monkeypatch, "set_note", commits=commits)
        typed = "outage note"
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*typed, "ctrl+s")
        await found_out(pilot)
        said = " | ".join(messages(app))
        if commits:
            assert not isinstance(app.screen, NoteEditor), app.screen
            assert f'{ref}: note "{typed}": saved' in said, said
            assert "NOT" not in said, said
            assert state(pg_db, ref).note == typed
        else:
            assert isinstance(app.screen, NoteEditor), said
            assert "NOT saved" in app.screen._title
            assert app.screen.query_one(TextArea).text == typed
            assert state(pg_db, ref).note != typed


async def test_the_not_live_box_says_may_not_have_been_saved_then_the_truth_is_told(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stall as the silence watch meets it: the server said silent (the NOT LIVE box) as
    the COMMIT was on its way. The box named the change NOT SAVED, though the server took it
    on waking; it says the change may not have been saved, and once the server is back, that
    it was."""
    from triage.tui.screens.cache_lost import CacheLostScreen

    shown: list[str] = []  # each text the box's unsaved line was given
    real_show = CacheLostScreen._not_saved_text

    def recorded(self: CacheLostScreen) -> Any:
        text = real_show(self)
        shown.append(str(text))
        return text

    monkeypatch.setattr(CacheLostScreen, "_not_saved_text", recorded)
    app = make_app(pg_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        real = wf.set_status
        why = "the database server has not answered for 4 s (its processes stopped)"

        def set_status(conn: sqlite3.Connection, *a: Any, **kw: Any) -> object:
            monkeypatch.setattr(wf, "set_status", real)
            # the COMMIT sent, the watch thread finds the server silent: it tells the console
            # (which closes its connections), then cuts the one waiting
            lose_at_commit(conn, commits=True, then=lambda: app._server_silent(why))
            return real(conn, *a, **kw)

        monkeypatch.setattr(wf, "set_status", set_status)
        await pilot.press("j", "3")
        await settle(pilot)
        # (the box comes as the change's worker, in its COMMIT, has the server said silent; the
        # change's outcome after it, once the worker has met the lost connection. The server
        # answers all along, so on a loaded machine the console's own retry may have closed
        # the box again before the test looks: what the box said is what is asserted)
        for _ in range(400):
            if any("MAY NOT HAVE BEEN SAVED" in b for b in shown):
                break
            await pilot.pause(0.05)
            await settle(pilot)
        box = " | ".join(shown)
        assert f"MAY NOT HAVE BEEN SAVED: {REF}: status IN PROGRESS" in box, box
        assert "NOT SAVED:" not in box.replace("MAY NOT HAVE BEEN SAVED:", ""), box
        said = " | ".join(messages(app))
        assert "NOT SAVED" not in said and "not saved" not in said, said
        if isinstance(app.screen, CacheLostScreen):
            await pilot.press("r")  # (the server answers again: as the console's own retry does)
        await found_out(pilot)
        assert not isinstance(app.screen, CacheLostScreen)
        said = " | ".join(messages(app))
        assert f"{REF}: status IN PROGRESS: saved" in said and "NOT SAVED" not in said, said
        assert state(pg_db, REF).status == "IN PROGRESS"
