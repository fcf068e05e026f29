"""`triage reindex` on PostgreSQL: every cable's document (and its links) computed again from
its stored text, a batch per short write transaction (ingests and officers go on between them);
how far it got is kept in `meta`, so a stopped reindex goes on from there."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ...cable.parse import decode

BATCH = 400
PROGRESS_KEY = "reindex_built_to"


def built_to(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (PROGRESS_KEY,)).fetchone()
    return int(row[0]) if row else None


def reindex(
    conn: sqlite3.Connection,
    on_progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
) -> int:
    from ..threads import relink
    from ..txn import write

    batch = batch or BATCH
    with write(conn):
        if built_to(conn) is None:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, '0')", (PROGRESS_KEY,))
    while True:
        with write(conn):
            start = built_to(conn)
            if start is None:  # another reindex finished it
                break
            chunk = conn.execute(
                "SELECT c.id, c.reference_id, c.subject, c.tags, v.raw FROM cables c "
                "JOIN cable_versions v ON v.cable_id = c.id AND v.version = c.version "
                "WHERE c.id > ? ORDER BY c.id LIMIT ?",
                (start, batch),
            ).fetchall()
            if not chunk:
                conn.execute("DELETE FROM meta WHERE key = ?", (PROGRESS_KEY,))
                break
            conn.executemany(
                "INSERT INTO cables_fts (rowid, reference_id, subject, tags, body) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (cid, ref, subject, " ".join((tags or "").split("|")), decode(bytes(raw))[0])
                    for cid, ref, subject, tags, raw in chunk
                ],
            )
            relink(conn, [int(r[0]) for r in chunk])  # the links too, with today's rules
            last = int(chunk[-1][0])
            conn.execute("UPDATE meta SET value = ? WHERE key = ?", (str(last), PROGRESS_KEY))
        if on_progress:
            done, total = conn.execute(
                "SELECT count(*) FILTER (WHERE id <= ?), count(*) FROM cables", (last,)
            ).fetchone()
            on_progress(int(done), int(total))
    return int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
