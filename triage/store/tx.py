"""One write transaction, on either backend (no imports: every store module may use it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: on SQLite `BEGIN IMMEDIATE`, on PostgreSQL `BEGIN` and the store's
    write lock (one writer at a time, as on SQLite). Rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
