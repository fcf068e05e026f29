"""On PostgreSQL, a change made in the console that waits on another session's lock (a psql
session holding the cable's row FOR UPDATE in an open transaction) says so after a second or
two, naming that session, as the command line does; and when it gives up, says for whom it
waited. It waited 30 s with no sign, then said `not saved: database is locked: gave up after
30 s waiting for another session's lock`, naming no one."""

from __future__ import annotations

from pathlib import Path

import psycopg

from triage.tui.app import TriageApp

from .test_console import make_app, settle

BACKENDS = ("postgresql",)

REF = "26VALLETTA140"  # the fifth row of the Inbox: j j j j


def _hold_row(pg_url: str) -> psycopg.Connection:
    """A psql-named session holding REF's workflow row FOR UPDATE, its transaction open."""
    holder = psycopg.connect(pg_url, application_name="psql")
    holder.execute(
        "SELECT w.status FROM workflow w JOIN cables c ON c.id = w.cable_id "
        "WHERE c.reference_id = %s FOR UPDATE",
        (REF,),
    )
    return holder


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_change_held_up_by_a_locked_row_says_who_holds_it(pg_url: str, db: Path) -> None:
    # (a bound of the database's own is kept: 3 s, not triage's 30 s, for the test's sake)
    with psycopg.connect(pg_url, autocommit=True) as c:
        name = c.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
        c.execute(f"ALTER DATABASE {name} SET lock_timeout = '3s'")
    holder = _hold_row(pg_url)
    pid = holder.info.backend_pid
    app = make_app(db)
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j", "j", "j", "s")
            await pilot.pause()
            await pilot.press("6")
            waiting = f"waiting for another session holding {REF}'s row (pid {pid}"
            for _ in range(100):  # (the notice comes after 1.5 s, while the change waits)
                if any(waiting in m for m in messages(app)):
                    break
                await pilot.pause(0.05)
            said = " | ".join(messages(app))
            assert waiting in said and "psql" in said, said
            await settle(pilot)
            said = " | ".join(messages(app))
            assert (
                f"{REF}: not saved: database is locked: gave up after 3 s waiting for another "
                f"session holding {REF}'s row (pid {pid}"
            ) in said, said
    finally:
        holder.close()


async def test_the_waiting_notice_goes_once_the_change_is_saved(pg_url: str, db: Path) -> None:
    """The notice said "waiting" for its 30 s after the lock was let go and the change saved."""
    holder = _hold_row(pg_url)
    app = make_app(db)
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j", "j", "j", "s")
            await pilot.pause()
            await pilot.press("6")
            waiting = f"waiting for another session holding {REF}'s row"
            for _ in range(100):  # (the notice comes after 1.5 s, while the change waits)
                if any(waiting in m for m in messages(app)):
                    break
                await pilot.pause(0.05)
            assert any(waiting in m for m in messages(app)), messages(app)
            holder.rollback()  # the lock is let go: the change goes through
            for _ in range(100):
                if any("status set" in m or "DONE" in m for m in messages(app)):
                    break
                await pilot.pause(0.05)
            await settle(pilot)
            said = messages(app)
            assert not any(waiting in m for m in said), said
            assert any(REF in m for m in said), said
    finally:
        holder.close()
