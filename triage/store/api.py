"""The store's one entrance, whatever the backend: `open_store(target)` gives a connection to a
SQLite cache file or a PostgreSQL database, and `write(conn)` one short write transaction on
either.

The store modules take that connection and run the same SQL on both (PostgreSQL's connection
translates it, see postgres/dialect.py); what only one backend can do lives in its module
(schema.py and ingest.py's FTS5 upkeep for SQLite, postgres/ for PostgreSQL).

A target is a PostgreSQL one when it is a `postgresql://` (or `postgres://`) URL or a libpq
`keyword=value` string; anything else is a cache file's path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path, PosixPath
from typing import Any, cast

# (dsn.py, not the PostgreSQL backend: its dialect and driver load when a server is connected)
from .dsn import display, is_postgres
from .txn import write

__all__ = [
    "DbUrl",
    "as_target",
    "backend",
    "is_url",
    "open_store",
    "url_of",
    "watch_for_silence",
    "write",
]


class DbUrl(PosixPath):
    """A PostgreSQL connection string where triage expects a cache path (the --db option,
    $TRIAGE_DB, the config's `db`): it prints without its password and is told apart by
    `is_url`. `url` is the string as given, handed to libpq unchanged."""

    url: str

    def __new__(cls, url: str) -> DbUrl:
        self = super().__new__(cls, "/")
        self.url = url
        return self

    def __str__(self) -> str:
        return display(self.url)

    def __repr__(self) -> str:
        return f"DbUrl({display(self.url)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DbUrl) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def exists(self, *args: Any, **kwargs: Any) -> bool:
        return True


def as_target(value: str) -> Path:
    """A --db value as triage keeps it: a DbUrl for PostgreSQL, else a path."""
    if is_postgres(value):
        return DbUrl(value)
    return Path(value).expanduser()


def is_url(target: object) -> bool:
    return isinstance(target, DbUrl) or (isinstance(target, str) and is_postgres(target))


def url_of(target: object) -> str:
    return target.url if isinstance(target, DbUrl) else str(target)


def backend(conn: object) -> str:
    return str(getattr(conn, "backend", "sqlite"))


def open_store(
    target: Path | str,
    *,
    group: str | None = None,
    create: bool = True,
    connect_timeout: int | None = None,
) -> sqlite3.Connection:
    """A connection to the cache at `target` (created and migrated as needed when `create`).

    On PostgreSQL it is a postgres.PgConnection, which offers the part of sqlite3.Connection's
    interface the store uses (execute, executemany, in_transaction, row_factory, close) and
    raises sqlite3's error classes; it is typed as sqlite3.Connection so that the store's
    functions take either. `connect_timeout` (seconds) bounds the wait for a server that does
    not answer (libpq's default for triage otherwise)."""
    if is_url(target):
        from .postgres import connect as pg_connect

        if connect_timeout is not None:
            return cast(
                sqlite3.Connection,
                pg_connect(url_of(target), create=create, connect_timeout=connect_timeout),
            )
        return cast(sqlite3.Connection, pg_connect(url_of(target), create=create))
    from .schema import connect

    return connect(target, group=group, create=create)


def watch_for_silence(
    target: Path | str, hook: Callable[[str], None] | None = None
) -> Callable[[], None]:
    """On a database server: one that stops answering without closing the connection (its
    processes stopped, a network that drops everything) is found within a few seconds; `hook`
    is told why (from another thread), then every connection to it is cut and what waited on
    one raises sqlite3.OperationalError saying so. Returns what stops telling `hook`. Nothing
    for a cache file (SQLite's waits are bounded by its busy timeout)."""
    if not is_url(target):
        return lambda: None
    from .postgres import stop_watching_for_silence
    from .postgres import watch_for_silence as pg_watch

    if hook is None:
        pg_watch(None)
        return lambda: None
    told = hook

    def tell(where: str, why: str) -> None:
        told(f"{display(where)}: {why}")

    pg_watch(tell)
    return lambda: stop_watching_for_silence(tell)
