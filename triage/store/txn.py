"""Ending a failed write transaction without hiding why it failed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the connection's transaction, if it still has one, and never raise.

    Called while another error is on its way up: a full disk (SQLITE_FULL), an I/O error or an
    interrupt may already have rolled the transaction back inside SQLite, and a ROLLBACK then
    fails with "cannot rollback - no transaction is active", which would replace the error that
    says what happened. Whatever ROLLBACK itself meets is less useful than that error."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: on SQLite `BEGIN IMMEDIATE`, on PostgreSQL `BEGIN` and the store's
    write lock (one writer at a time, as on SQLite). Rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        rollback(conn)
        raise
    else:
        conn.execute("COMMIT")
