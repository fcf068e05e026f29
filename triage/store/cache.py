"""One cache file, opened once per thread: the console's workers each read on their own
connection (SQLite connections are not to be shared between threads at once).

The cache is only ever touched through SQLite: whether it is still the file that was opened is
asked of `os.stat` (see `place`), never by opening it. Once the console's view of the cache can
no longer be trusted (the file deleted or replaced, its -wal deleted under this process, a read
error), `mark_lost` stops every read and write until `reopen`. When the -wal or -shm was
deleted under this process (its locks were lost), the connections open at that moment are kept,
never closed: closing the last one would checkpoint a write-ahead log that another process may
already have removed and replaced, copying stale pages over its work; they end with the process
(`quarantined` tells the console to leave without running finalizers).
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from pathlib import Path

from .api import open_store as connect
from .place import DELETED, Identity, cache_descriptors, identity, lost_because, resolve
from .schema import StoreError
from .trouble import CONSOLE_CONNECTIONS, no_slot
from .txn import rollback

# how long the UI thread's connection attempt waits for a database server that does not
# answer (each other connection is opened off the UI thread, and waits libpq's longer bound)
UI_CONNECT_TIMEOUT_S = 3

# how long the change feed waits for the connection `warm` is opening before opening its own
WARM_WAIT_S = 15.0

# on a database server, the workers share at most this many connections (besides the change
# feed's and the UI thread's): a worker finding them all in use waits for one. A pool that grew
# with every worker at once met a role's CONNECTION LIMIT, and the workers refused a connection
# failed in silence (a list of `…` counts, NO CABLES IN VIEW, for good).
POOL_MAX = CONSOLE_CONNECTIONS - 2
# how long a worker waits for a connection of the pool to come free
POOL_WAIT_S = 30.0


class Cache:
    def __init__(self, path: Path, group: str | None = None) -> None:
        # a PostgreSQL database (store.api.DbUrl): no file to watch; a lost server is seen by
        # the errors its connections raise, and such a connection is replaced by a new one
        self.remote = bool(getattr(path, "url", None))
        self.path = path if self.remote else resolve(path)
        self.group = group
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._opened: Identity | None = None
        self._lost: str | None = None
        self._quarantine: list[sqlite3.Connection] = []
        # descriptors held by the connections set aside: not this cache's any more
        self._set_aside_fds: frozenset[int] = frozenset()
        # the -wal and -shm files of a cache that was lost (see reopen)
        self._old_side_files: set[Identity] = set()
        self._warm: list[Future[sqlite3.Connection]] = []  # see warm()
        # on a server: the pool's connections (in it or lent), and how many it may have (fewer
        # once the server refused one: as many as it allowed)
        self._pooled = 0
        self._pool_cap = POOL_MAX
        # told (from a worker's thread) when the server refused a connection and none of the
        # pool's is open to wait for: the console cannot read, and says why
        self.on_refused: Callable[[str], None] | None = None

    @property
    def lost(self) -> str | None:
        """Why the cache can no longer be trusted, or None while it can."""
        return self._lost

    @property
    def quarantined(self) -> bool:
        """Connections were set aside when the cache was lost: the process should end without
        closing them (see the module's docstring)."""
        return bool(self._quarantine)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (for the UI thread)."""
        if self._lost:
            raise StoreError(self._lost)
        c = getattr(self._local, "conn", None)
        if c is not None and getattr(c, "closed", False):  # its database server went away
            c = None
        if c is None:
            c = self._open(UI_CONNECT_TIMEOUT_S)
            self._local.conn = c
        return c

    def _open(self, connect_timeout: int | None = None) -> sqlite3.Connection:
        if self._lost:
            raise StoreError(self._lost)
        # never create: a console whose cache was deleted must not make an empty one
        c = connect(self.path, group=self.group, create=False, connect_timeout=connect_timeout)
        if self.remote:
            with self._lock:
                self._all.append(c)
            return c
        try:
            now = identity(self.path)
        except OSError as exc:
            self._set_aside(c)
            raise StoreError(f"{self.path}: the cache file cannot be read ({exc})") from exc
        with self._lock:
            if self._opened is None:
                self._opened = now
            elif now != self._opened:
                self._quarantine.append(c)
                raise StoreError(f"{self.path}: the cache file has been replaced by another file")
            self._all.append(c)
        return c

    def adopt(self, c: sqlite3.Connection) -> None:
        """Take a connection already open on this database server into the pool: the console
        reads its first view on the one `triage` checked the database with, instead of
        connecting again before its first screen. A SQLite connection is closed instead (the
        cache's identity is taken by the connections this cache opens itself)."""
        if not self.remote:
            c.close()
            return
        with self._lock:
            self._all.append(c)
            self._pooled += 1
        self._pool.put(c)

    def _set_aside(self, c: sqlite3.Connection) -> None:
        with self._lock:
            self._quarantine.append(c)

    @contextmanager
    def borrow(self) -> Iterator[sqlite3.Connection]:
        """A connection for one worker's job, returned to the pool afterwards."""
        if self._lost:
            raise StoreError(self._lost)
        c = self._lend()
        try:
            yield c
        finally:
            rollback(c)
            if not self._lost and not getattr(c, "closed", False):
                self._pool.put(c)
            elif self.remote:
                with self._lock:
                    self._pooled = max(0, self._pooled - 1)

    def _lend(self) -> sqlite3.Connection:
        """A connection of the pool: one free, else a new one (on a server, while the pool has
        fewer than it may), else the first of those lent to come back."""
        while True:
            try:
                c = self._pool.get_nowait()
            except queue.Empty:
                break
            if not getattr(c, "closed", False):
                return c
            if self.remote:  # its database server went away
                with self._lock:
                    self._pooled = max(0, self._pooled - 1)
        if not self.remote:
            return self._open()
        with self._lock:
            may_open = self._pooled < self._pool_cap
            if may_open:
                self._pooled += 1
        if may_open:
            try:
                return self._open()
            except StoreError as exc:
                with self._lock:
                    self._pooled -= 1
                    lent = self._pooled
                    if no_slot(exc) and lent:
                        self._pool_cap = lent  # as many as the server allows this console
                if not (no_slot(exc) and lent):
                    if no_slot(exc) and self.on_refused is not None:
                        self.on_refused(str(exc))
                    raise
        return self._wait_for_one()

    def _wait_for_one(self) -> sqlite3.Connection:
        deadline = time.monotonic() + POOL_WAIT_S
        while time.monotonic() < deadline:
            if self._lost:
                raise StoreError(self._lost)
            try:
                c = self._pool.get(timeout=0.2)
            except queue.Empty:
                continue
            if not getattr(c, "closed", False):
                return c
            with self._lock:
                self._pooled = max(0, self._pooled - 1)
            return self._lend()
        raise StoreError(
            f"{self.path}: no connection to the database server came free in "
            f"{POOL_WAIT_S:.0f} s (the console's others were all in use)"
        )

    def watch_connection(self) -> sqlite3.Connection:
        """A connection of its own for the change feed (PRAGMA data_version counts the commits
        of every other connection, this process's included)."""
        warm, self._warm = self._warm, []
        for k, got in enumerate(warm):  # opened by `warm` while the console started
            with suppress(Exception):
                c = got.result(timeout=WARM_WAIT_S)
                if not getattr(c, "closed", False):
                    for spare in warm[k + 1 :]:
                        spare.add_done_callback(self._pool_spare)
                    return c
        return self._open()

    def warm(self, spares: int = 1) -> None:
        """On a database server: open the change feed's connection, and `spares` more for the
        pool, in a thread of their own, while the console builds its first screen (each costs
        the server a process and a round trip or three). Nothing for a cache file."""
        if not self.remote:
            return
        futures: list[Future[sqlite3.Connection]] = [Future() for _ in range(1 + spares)]
        self._warm = futures

        def run() -> None:
            for f in futures:
                try:
                    f.set_result(self._open())
                except BaseException as exc:  # (said again by the connection opened instead)
                    f.set_exception(exc)

        threading.Thread(target=run, name="triage-warm", daemon=True).start()

    def _pool_spare(self, f: Future[sqlite3.Connection]) -> None:
        if f.exception() is None and not self._lost:
            with self._lock:
                self._pooled += 1
            self._pool.put(f.result())

    def check(self) -> str | None:
        """Why the cache can no longer be trusted (deleted, replaced, its -wal or -shm removed
        under this process), or None. Asked of os.stat and /proc, never of the file."""
        if self._lost:
            return self._lost
        if self.remote:
            return None
        return lost_because(self.path, self._opened, self._set_aside_fds)

    def check_file(self) -> None:
        """Raise StoreError when the cache file is gone or no longer the one opened."""
        why = self.check()
        if why:
            raise StoreError(why)

    def mark_lost(self, why: str) -> None:
        """Stop every read and write. When this process's files of the cache were deleted
        under it (its locks were lost), the connections open now are set aside, never closed:
        closing the last would checkpoint its write-ahead log over pages other processes wrote
        since. Otherwise (the cache deleted or replaced as a whole, a read error) they are
        closed: SQLite then checkpoints into the old file, which nobody else reads, and removes
        the -wal and -shm that belonged to it, so the next opening finds none of them."""
        if self.remote:  # a server's connections: closed, new ones are opened on reopen
            with self._lock:
                if self._lost is None:
                    self._lost = why
                doomed, self._all = self._all, []
                self._local = threading.local()
                while True:
                    try:
                        self._pool.get_nowait()
                    except queue.Empty:
                        break
                self._pooled, self._pool_cap = 0, POOL_MAX
            for c in doomed:
                c.close()
            return
        with self._lock:
            if self._lost is None:
                self._lost = why
            held = cache_descriptors(self.path)
            self._old_side_files |= self._side_file_ids(held)
            locks_lost = (
                any(t.endswith(DELETED) and fd not in self._set_aside_fds for fd, t in held.items())
                and self._same_file()
            )
            doomed, self._all = self._all, []
            if locks_lost:
                self._quarantine.extend(doomed)
            self._local = threading.local()
            while True:
                try:
                    self._pool.get_nowait()
                except queue.Empty:
                    break
        if not locks_lost:
            for c in doomed:
                with suppress(sqlite3.Error):
                    c.close()
        with self._lock:
            self._set_aside_fds = frozenset(cache_descriptors(self.path)) & (
                self._set_aside_fds | frozenset(held)
            )

    def _side_file_ids(self, held: dict[int, str]) -> set[Identity]:
        """Which -wal and -shm files the connections of the lost cache hold open (asked of the
        descriptors with stat, never by opening anything)."""
        out = set()
        for fd, target in held.items():
            name = target[: -len(DELETED)] if target.endswith(DELETED) else target
            if name != str(self.path):
                try:
                    st = os.stat(f"/proc/self/fd/{fd}")
                except OSError:
                    continue
                out.add(Identity(st.st_dev, st.st_ino))
        return out

    def _stale_side_file(self) -> str | None:
        """A -wal or -shm beside the cache that belonged to the file it replaced: SQLite would
        read the old file's log as the new one's."""
        for suffix in ("-wal", "-shm"):
            side = f"{self.path}{suffix}"
            try:
                if identity(Path(side)) in self._old_side_files:
                    return side
            except OSError:
                continue
        return None

    def _same_file(self) -> bool:
        try:
            return self._opened is not None and identity(self.path) == self._opened
        except OSError:
            return False

    def reopen(self) -> None:
        """Open the cache again (the file at the path now), after `mark_lost`. Raises
        StoreError when it still cannot be opened; the cache stays lost then."""
        stale = None if self.remote else self._stale_side_file()
        if stale:
            raise StoreError(
                f"{stale} belongs to the cache file that was replaced, and SQLite would read "
                "it as the new file's: once every console on the old file is closed, whoever "
                f"replaced it should remove {self.path}-wal and {self.path}-shm (or put the "
                "cache back the way README says: with the consoles closed)"
            )
        with self._lock:
            if self._lost is None:
                return
            saved, self._lost = self._lost, None
            self._opened = None
        try:
            c = self._open()
            c.execute("SELECT count(*) FROM sqlite_master").fetchone()
            why = (
                None if self.remote else lost_because(self.path, self._opened, self._set_aside_fds)
            )
            if why:
                raise StoreError(why)
        except (StoreError, sqlite3.Error) as exc:
            self.mark_lost(str(exc) or saved)
            raise StoreError(str(exc)) from exc
        self._local.conn = c

    def close(self) -> None:
        with self._lock:
            for c in self._all:
                with suppress(sqlite3.Error):
                    c.close()
            self._all.clear()
        self._local = threading.local()
