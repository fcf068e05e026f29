"""One cache file, opened once per thread: the console's workers each read on their own
connection (SQLite connections are not to be shared between threads at once)."""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .schema import StoreError, connect


class Cache:
    def __init__(self, path: Path, group: str | None = None) -> None:
        self.path = path
        self.group = group
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []

        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use (for the UI thread)."""
        c = getattr(self._local, "conn", None)
        if c is None:
            c = self._open()
            self._local.conn = c
        return c

    def _open(self) -> sqlite3.Connection:
        c = connect(self.path, group=self.group)
        with self._lock:
            self._all.append(c)
        return c

    @contextmanager
    def borrow(self) -> Iterator[sqlite3.Connection]:
        """A connection for one worker's job, returned to the pool afterwards."""
        try:
            c = self._pool.get_nowait()
        except queue.Empty:
            c = self._open()
        try:
            yield c
        finally:
            if c.in_transaction:
                c.execute("ROLLBACK")
            self._pool.put(c)

    def check_file(self) -> None:
        """Raise StoreError when the cache file is gone or no longer a cache."""
        if not self.path.exists():
            raise StoreError(f"{self.path}: the cache file has been deleted")
        with self.path.open("rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise StoreError(f"{self.path}: the cache file has been replaced by something else")

    def close(self) -> None:
        with self._lock:
            for c in self._all:
                with suppress(sqlite3.Error):
                    c.close()
            self._all.clear()
        self._local = threading.local()
