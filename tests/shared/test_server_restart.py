"""The PostgreSQL server stopped under a console and started again, with real processes (a
headless console, the `triage` command) and, for the moment in between, the console itself
(Pilot): the console says the server is unreachable, a change typed as it went is refused on
screen (never silently dropped, never half-made), nothing typed meanwhile reaches the database,
and the console is live again by itself when the server is back."""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from triage.store import connect
from triage.store.api import as_target
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths

from ..conftest import N_SAMPLES
from ..pgserver import Server
from ..test_console import make_app
from ..test_overview import settle  # (a change-watch tick cancelled by the next is no failure)
from .procs import (
    SAMPLES,
    TRIAGE,
    Console,
    arg,
    drop_file,
    env_for,
    flash_cable,
    fresh_status,
    start_watch,
    triage,
)


@pytest.fixture
def server() -> Iterator[Server]:
    """A server of the test's own: it is stopped and started again."""
    s = Server()
    try:
        s.init()
        yield s
    finally:
        s.close()


def audit_of(db: Path, ref: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [TRIAGE, "audit", "--db", arg(db), "--cable", ref],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def test_a_console_survives_a_server_restart_and_loses_nothing(
    server: Server, tmp_path: Path
) -> None:
    db = as_target(server.new_database())
    env = env_for(tmp_path / "cli")
    triage(db, "init", env=env)
    triage(db, "ingest", str(SAMPLES), env=env)
    console = Console(db, tmp_path / "home", login="kwalker")
    try:
        console.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        console.keys("slash", *"26ROME1301", "enter")
        console.wait_for("1 of 1", timeout=5)
        server.stop("immediate")
        console.keys("3")  # IN PROGRESS, typed as the server goes
        console.wait_for("Database server unreachable", timeout=10)
        shown = console.screen()
        # either the write failed and the box names it, or the box was up first and took the
        # key: either way the officer is told, and nothing was written
        assert "NOT SAVED: 26ROME1301" in shown or "NOT LIVE" in shown
        # a server that went away, said as such (it comes back; the file was not replaced)
        assert "NOT LIVE: the database server does not answer" in shown, shown
        assert "can no longer be trusted" not in shown
        # the list behind the box stays as it looked, never blank
        assert "ITALY PROPOSES" in shown, shown
        console.keys("4")  # typed while the box is up: not a change
        server.start()
        # live again by itself: a change from another process reaches the list
        triage(db, "assign", "26ROME1301", "jsmith", env=env)
        console.wait_for("jsmith", timeout=15)
        assert "NOT LIVE" not in console.screen()
        log = audit_of(db, "26ROME1301", env)
        assert "IN PROGRESS" not in log and "AWAITING REPLY" not in log, log
        # the officer types it again, and it is saved
        console.keys("3")
        assert fresh_status(db, "26ROME1301")[1] == "IN PROGRESS"
        assert console.close().get("quarantined") is False
    finally:
        console.kill()


async def test_a_change_typed_before_the_console_saw_the_server_go_is_named_not_saved(
    server: Server,
) -> None:
    db = as_target(server.new_database())
    conn = connect(db)
    ingest(conn, iter_paths([str(SAMPLES)]))
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"26ROME1301", "enter")
        await settle(pilot)
        look = app.check_for_changes
        app.check_for_changes = lambda: None  # type: ignore[method-assign]
        server.stop("immediate")
        await pilot.press("3")  # the write finds the server gone before the change feed does
        await settle(pilot)
        app.check_for_changes = look  # type: ignore[method-assign]
        app.check_for_changes()
        await settle(pilot)
        box = "\n".join(
            "".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()
        )
        assert "Database server unreachable" in box
        assert "NOT SAVED: 26ROME1301: not saved:" in box
        server.start()
        app.check_for_changes()
        await settle(pilot)
        for _ in range(20):  # each look is one connection attempt, made off the UI thread
            if "Reconnected" in " ".join(n.message for n in app._notifications):
                break
            app.check_for_changes()
            await settle(pilot)
        assert any("Reconnected" in n.message for n in app._notifications)
    assert fresh_status(db, "26ROME1301")[1] == "NEW"


async def test_a_server_that_answers_and_refuses_is_said_in_the_box_as_it_happens(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eyes15: with the officer's password changed, the box kept saying "the database server
    does not answer ... reconnects by itself" for 20 s and more; only r showed the refusal."""
    from triage.store.schema import StoreError
    from triage.tui.screens.cache_lost import CacheLostScreen

    db = as_target(server.new_database())
    conn = connect(db)
    ingest(conn, iter_paths([str(SAMPLES)]))
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        server.stop("immediate")
        for _ in range(20):  # the feed sees the server gone at one of its next looks
            app.check_for_changes()
            await settle(pilot)
            if isinstance(app.screen, CacheLostScreen):
                break
        assert isinstance(app.screen, CacheLostScreen)

        def refused() -> None:
            raise StoreError('password authentication failed for user "kwalker"')

        monkeypatch.setattr(app.cache, "reopen", refused)
        app.check_for_changes()  # the next look, as the interval makes it
        await settle(pilot)
        box = "\n".join(
            "".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()
        )
        assert "Still cannot connect: password authentication failed" in box, box


class _Lines:
    """A process's output read line by line in a thread, so the test can wait on a line with a
    timeout (the process, not a sleep, says when the work is done)."""

    def __init__(self, stream: Any) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.q.put(line)

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line with {text!r} in {timeout} s; saw: {self.seen}")
            try:
                line = self.q.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line


def test_watch_goes_on_through_a_server_restart_and_loses_no_file(
    server: Server, tmp_path: Path
) -> None:
    """A restart or a failover must not stop the traffic: `triage watch` says the server is gone,
    keeps the file it could not store, and stores it (and what comes after) once it is back."""
    db = as_target(server.new_database())
    env = env_for(tmp_path / "cli")
    triage(db, "init", env=env)
    drop = tmp_path / "drop"
    drop.mkdir()
    proc = start_watch(db, drop, env)
    out, err = _Lines(proc.stdout), _Lines(proc.stderr)
    try:
        out.wait_for("watching", timeout=30)
        drop_file(drop, "a.txt", flash_cable(777101, 1))
        out.wait_for("ingested 26STATE777101", timeout=30)
        server.stop("fast")  # the server restarts: the watch's connection is cut
        drop_file(drop, "b.txt", flash_cable(777102, 2))
        gone = err.wait_for("watch tries again", timeout=30)
        # it says what it does, not to run the command again (it tries again by itself)
        assert "run the command again" not in gone and "by itself" in gone, gone
        assert "PRAGMA" not in gone and "sqlite3" not in gone, gone
        assert gone.count("postgresql://") <= 1, gone  # the database named once
        # it tries at most 5 s apart (with 30, a FLASH waited 22 s after the server was back)
        err.wait_for("tries again in 5 s", timeout=30)
        err.wait_for("tries again in 5 s", timeout=30)
        assert not any(f"tries again in {n} s" in line for line in err.seen for n in (8, 16, 30))
        server.start()
        out.wait_for("ingested 26STATE777102", timeout=60)  # the file met while it was down
        drop_file(drop, "c.txt", flash_cable(777103, 3))
        out.wait_for("ingested 26STATE777103", timeout=30)
        assert proc.poll() is None  # still watching
    finally:
        proc.send_signal(signal.SIGTERM if proc.poll() is None else 0)
        proc.wait(timeout=30)
    assert not any("Traceback" in line for line in err.seen), err.seen
    held = triage(db, "export", "-o", "-", env=env).stdout
    assert all(f"26STATE77710{k}" in held for k in (1, 2, 3))


async def test_rights_taken_away_under_a_console_are_said_as_a_refusal_not_an_outage(
    pg_server: Server,
) -> None:
    """An officer's role lost its grant while the console ran: the box said 'the database
    server does not answer', then 'Reconnected', then again, toasts piling up, for a server
    that answered all along. A refusal is said as one, with what to grant, and the console
    waits for r instead of reconnecting into the same refusal."""
    from triage.tui.screens.cache_lost import CacheLostScreen

    url = pg_server.new_database()
    subprocess.run([TRIAGE, "init", "--db", url], check=True, capture_output=True)
    admin = connect(as_target(url))
    ingest(admin, iter_paths([str(SAMPLES)]))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    app = make_app(as_target(url.replace(f"{url.split('://')[1].split('@')[0]}@", "kwalker@")))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        admin.execute("REVOKE triage_officer FROM kwalker")
        app.feed.beat_now = True  # the heartbeat is written at this look: refused
        app.check_for_changes()
        await settle(pilot)
        assert isinstance(app.screen, CacheLostScreen)
        box = "\n".join(
            "".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips()
        )
        assert "The database refused" in box and "permission denied" in box, box
        assert "your database role may not do this" in box, box
        assert "does not answer" not in box and "unreachable" not in box, box
        for _ in range(3):  # the looks go on: no reconnecting into the same refusal
            app.check_for_changes()
            await settle(pilot)
        assert not any("Reconnected" in n.message for n in app._notifications)
        assert isinstance(app.screen, CacheLostScreen)
    admin.execute("GRANT triage_officer TO kwalker")
    admin.close()
