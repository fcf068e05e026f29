"""The change feed: what other processes committed to the cache since the last look.

On SQLite, `PRAGMA data_version` on a connection of the feed's own changes whenever any other
connection commits (another officer's console, `triage watch`, an ingest). Each look first asks
the cache whether it can still be trusted (`Cache.check`): a feed that reads a deleted or
replaced file would go on answering "nothing new" for ever.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from dataclasses import dataclass, field

from ..cable.model import ACK_MAX_RANK
from . import presence
from .cache import Cache
from .schema import StoreError


@dataclass(frozen=True)
class Arrival:
    """A cable that arrived since the last look, urgent enough to be acknowledged."""

    cable_id: int
    reference_id: str
    subject: str
    precedence: str
    badge: str = "?"  # its classification (`S//NF`): a toast quoting its subject is marked


@dataclass(frozen=True)
class Changes:
    """What the last look found. `changed`: cables, versions or workflow changed (a list reads
    its view again); `urgent` lists the new FLASH and NIACT IMMEDIATE (and EMERGENCY) cables,
    `assigned` the cables someone else assigned to the feed's officer; `others` the other
    consoles on the cache, when they were read (None otherwise)."""

    urgent: list[Arrival] = field(default_factory=list)
    assigned: list[presence.Assignment] = field(default_factory=list)
    others: list[presence.Present] | None = None
    changed: bool = True
    touched: bool = True  # something was committed (a heartbeat, a seen row, or more)


class ChangeFeed:
    """With a `login`, the feed also writes this console's heartbeat (every BEAT_S, and at
    once after `reading` changes) and reads the other consoles' rows."""

    def __init__(self, cache: Cache, login: str | None = None) -> None:
        self.cache = cache
        self.login = login
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._max_id = 0
        self._fingerprint = (0, 0, 0)
        self._max_audit = 0
        self._last_beat = -1e9
        self.reading: int | None = None  # the cable this console has open
        self.beat_now = False
        self.started = False  # start() has taken a baseline
        self._baseline: tuple[int, int, int] | None = None  # see set_baseline

    def set_baseline(self, fingerprint: tuple[int, int, int]) -> None:
        """A baseline read before the first view on another connection (presence.fingerprint),
        for a feed started later (on a database server, once the first screen is drawn): the
        first poll after `start` compares against it, so what was committed in between is
        seen as a change."""
        self._baseline = fingerprint

    def start(self) -> None:
        """Take the baseline (before the first view is read, so nothing committed while the
        console starts is missed). Raises StoreError."""
        self._conn = None
        try:
            conn = self._connection()
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            if self._baseline is not None:
                self._fingerprint, self._baseline = self._baseline, None
                self._max_id = self._fingerprint[0]
                self._version = None  # the first poll reads the fingerprint again
            else:
                self._max_id = int(
                    conn.execute("SELECT coalesce(max(id), 0) FROM cables").fetchone()[0]
                )
                self._fingerprint = presence.fingerprint(conn)
            self._max_audit = self._fingerprint[2]
        except sqlite3.Error as exc:
            raise StoreError(f"{self.cache.path}: {exc}") from exc
        self.started = True

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self.cache.watch_connection()
        return self._conn

    def poll(self) -> Changes | None:
        """What changed since the last poll, or None. Raises StoreError when the cache can no
        longer be trusted (the caller stops and offers to reopen)."""
        why = self.cache.check()
        if why:
            raise StoreError(why)
        try:
            conn = self._connection()
            read_presence = False
            if (
                self.login
                and (self.beat_now or time.monotonic() - self._last_beat >= presence.BEAT_S)
                and presence.beat(conn, self.login, self.reading)
            ):
                self.beat_now = False
                self._last_beat = time.monotonic()
                read_presence = True
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            changed = False
            touched = version != self._version
            if touched:
                self._version = version
                read_presence = True
                fp = presence.fingerprint(conn)
                # heartbeats and `seen` rows leave the fingerprint as it is: no list reads its
                # view again for them
                changed = fp != self._fingerprint
                self._fingerprint = fp
            urgent: list[Arrival] = []
            assigned: list[presence.Assignment] = []
            if changed:
                latest = int(conn.execute("SELECT coalesce(max(id), 0) FROM cables").fetchone()[0])
                urgent = [
                    Arrival(int(cid), str(ref), str(subj), str(prec or ""), str(badge or "?"))
                    for cid, ref, subj, prec, badge in conn.execute(
                        "SELECT id, reference_id, coalesce(subject, ''), precedence, badge "
                        "FROM cables "
                        "WHERE id > ? AND prec_rank <= ? ORDER BY id",
                        (self._max_id, ACK_MAX_RANK),
                    )
                ]
                self._max_id = max(self._max_id, latest)
                if self.login:
                    assigned = presence.assigned_to(conn, self.login, self._max_audit)
                self._max_audit = self._fingerprint[2]
            others = presence.others(conn) if read_presence and self.login else None
        except sqlite3.Error as exc:
            said = str(exc)  # (PostgreSQL's errors already name the database)
            where = f"{self.cache.path}: "
            raise StoreError(said if said.startswith(where) else where + said) from exc
        if not touched and others is None:
            return None
        return Changes(urgent, assigned, others, changed, touched)

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds until another connection has committed something the
        next poll will see (on PostgreSQL its notification has reached this process); on
        SQLite a commit is seen the moment it is made, so this returns at once."""
        conn = self._connection()
        wait_for_change = getattr(conn, "wait_for_change", None)
        if wait_for_change is None:
            return True
        try:
            return bool(wait_for_change(timeout))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.cache.path}: {exc}") from exc

    def leave(self) -> None:
        """This console is leaving: its heartbeat row goes (a console killed expires)."""
        if self._conn is not None and self.login:
            with contextlib.suppress(sqlite3.Error):
                presence.leave(self._conn)
