"""The change feed: what other processes committed to the cache since the last look.

On SQLite, `PRAGMA data_version` on a connection of the feed's own changes whenever any other
connection commits (another officer's console, `triage watch`, an ingest). Each look first asks
the cache whether it can still be trusted (`Cache.check`): a feed that reads a deleted or
replaced file would go on answering "nothing new" for ever.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from ..cable.model import ACK_MAX_RANK
from .cache import Cache
from .schema import StoreError


@dataclass(frozen=True)
class Arrival:
    """A cable that arrived since the last look, urgent enough to be acknowledged."""

    cable_id: int
    reference_id: str
    subject: str
    precedence: str


@dataclass(frozen=True)
class Changes:
    """Something was committed; `urgent` lists the new FLASH and NIACT IMMEDIATE (and
    EMERGENCY) cables."""

    urgent: list[Arrival] = field(default_factory=list)


class ChangeFeed:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._max_id = 0

    def start(self) -> None:
        """Take the baseline (before the first view is read, so nothing committed while the
        console starts is missed). Raises StoreError."""
        self._conn = None
        try:
            conn = self._connection()
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            self._max_id = int(
                conn.execute("SELECT coalesce(max(id), 0) FROM cables").fetchone()[0]
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.cache.path}: {exc}") from exc

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
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            if version == self._version:
                return None
            self._version = version
            latest = int(conn.execute("SELECT coalesce(max(id), 0) FROM cables").fetchone()[0])
            urgent = [
                Arrival(int(cid), str(ref), str(subj), str(prec or ""))
                for cid, ref, subj, prec in conn.execute(
                    "SELECT id, reference_id, coalesce(subject, ''), precedence FROM cables "
                    "WHERE id > ? AND prec_rank <= ? ORDER BY id",
                    (self._max_id, ACK_MAX_RANK),
                )
            ]
        except sqlite3.Error as exc:
            raise StoreError(f"{self.cache.path}: {exc}") from exc
        self._max_id = max(self._max_id, latest)
        return Changes(urgent)
