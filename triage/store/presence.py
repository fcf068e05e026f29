"""Who else is working, and what each officer has opened.

A console writes a heartbeat row (host, pid, login, the cable it has open) every few seconds
and deletes it when it exits; a row not refreshed for a few beats is a console that is gone
(killed, its terminal hung up). No daemon: each console reads the others' rows. What an officer
has opened is kept per officer (`seen`), apart from the shared triage status.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from .clock import utcnow
from .schema import BUSY_TIMEOUT_MS

BEAT_S = 10  # how often a console writes its heartbeat
GONE_AFTER_S = 35  # a heartbeat older than this is a console that is gone
BEAT_WAIT_MS = 200  # how long a heartbeat waits for another writer's lock


@dataclass(frozen=True)
class Present:
    login: str
    host: str
    pid: int
    cable_id: int | None


def _me() -> tuple[str, int]:
    return socket.gethostname(), os.getpid()


def beat(conn: sqlite3.Connection, login: str, cable_id: int | None) -> bool:
    """This console is here (and has `cable_id` open): one short write. A heartbeat never
    waits behind another writer (an ingest holding the write lock for seconds): it waits a
    moment, then gives up until the next beat (False), so the change feed it shares a worker
    with is never held up."""
    host, pid = _me()
    now = utcnow()
    conn.execute(f"PRAGMA busy_timeout = {BEAT_WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return False  # busy: the next beat tries again
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        conn.execute(
            "INSERT INTO presence (host, pid, login, started_at, beat_at, cable_id) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (host, pid) DO UPDATE SET "
            "login = excluded.login, beat_at = excluded.beat_at, cable_id = excluded.cable_id",
            (host, pid, login, now, now, cable_id),
        )
        # rows of consoles long gone go (a console killed, a host that crashed)
        conn.execute("DELETE FROM presence WHERE beat_at < ?", (_ago(GONE_AFTER_S * 20),))
        _announce(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True


def leave(conn: sqlite3.Connection) -> None:
    host, pid = _me()
    with conn:
        conn.execute("DELETE FROM presence WHERE host = ? AND pid = ?", (host, pid))
        _announce(conn)


def _announce(conn: sqlite3.Connection) -> None:
    """Inside the write: tell the other consoles' change feeds. SQLite's data_version moves
    with any commit; PostgreSQL's feed hears of cables and workflow by trigger, and of a
    console arriving, moving to another cable or leaving by this notification."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres.schema import CHANNEL

        conn.execute("SELECT pg_notify(?, 'presence')", (CHANNEL,))


def others(conn: sqlite3.Connection, now: dt.datetime | None = None) -> list[Present]:
    """The other consoles open on this cache (this process's own row left out)."""
    host, pid = _me()
    return [
        Present(str(login), str(h), int(p), None if c is None else int(c))
        for login, h, p, c in conn.execute(
            "SELECT login, host, pid, cable_id FROM presence WHERE beat_at >= ? "
            "AND NOT (host = ? AND pid = ?) ORDER BY login",
            (_ago(GONE_AFTER_S, now), host, pid),
        )
    ]


def _ago(seconds: int, now: dt.datetime | None = None) -> str:
    t = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def mark_seen(conn: sqlite3.Connection, login: str, cable_id: int) -> None:
    with conn:
        conn.execute(
            "INSERT OR IGNORE INTO seen (login, cable_id, at) VALUES (?, ?, ?)",
            (login, cable_id, utcnow()),
        )


def seen_among(conn: sqlite3.Connection, login: str, ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {
        int(r[0])
        for r in conn.execute(
            f"SELECT cable_id FROM seen WHERE login = ? AND cable_id IN ({marks})", [login, *ids]
        )
    }


@dataclass(frozen=True)
class Assignment:
    audit_id: int
    by: str
    cable_id: int
    reference_id: str
    version: int | None = None  # not an assignment: a new version of a cable `login` holds
    # not an assignment either: someone else took the cable from `login` (to `now_with`, or
    # to nobody)
    taken: bool = False
    now_with: str | None = None


def assigned_to(conn: sqlite3.Connection, login: str, after: int) -> list[Assignment]:
    """Since audit row `after`: cables someone else assigned to `login` or took from them, and
    new versions of cables `login` holds (the text they act on changed: they are told, not left
    to find it)."""
    out = []
    for a, who, cid, ref, f, old, new in conn.execute(
        "SELECT id, who, cable_id, reference_id, field, old, new FROM audit WHERE id > ? AND ("
        "(field = 'officer' AND (new = ? OR old = ?) AND who != ?) OR (field = 'version' AND "
        "cable_id IN (SELECT cable_id FROM workflow WHERE officer = ?))) ORDER BY id",
        (after, login, login, login, login),
    ):
        if f == "version":
            out.append(Assignment(int(a), str(who), int(cid), str(ref), int(new)))
        elif new == login:
            out.append(Assignment(int(a), str(who), int(cid), str(ref)))
        elif old == login:
            out.append(
                Assignment(int(a), str(who), int(cid), str(ref), None, True, new and str(new))
            )
    return out


def last_audit_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0])


def fingerprint(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """What a list shows changes only with new cables, new versions or workflow changes (every
    one is an audit row): three primary-key lookups. A heartbeat or a `seen` row leaves it as
    it is, so other consoles' heartbeats never make a list read its view again."""
    row = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM cables), "
        "(SELECT coalesce(max(id), 0) FROM cable_versions), "
        "(SELECT coalesce(max(id), 0) FROM audit)"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])
