"""Ingest on PostgreSQL: the same inputs, parse, outcomes and messages as store/ingest.py, but
new cables are written a batch at a time with COPY (one round trip per table per batch instead
of several per cable) and their search documents with one INSERT ... SELECT over arrays.

A cable whose reference is already held (a new version, or the same text again), or that comes
twice in one batch, goes through store_item one at a time, after the batch before it is
written, so the order of the inputs is kept.

The parse runs in ingest's parser process (store/ingest.py's `_Parsed`, one line below): a
backend-neutral parse-in-a-worker iterator replaces that line. The search words are cut here,
in the writer (postgres/search.py `document_parts`, 0.46 ms of CPU for a 10 KB cable): moving
them into the parser process is the next step if the writer is ever the bottleneck on an idle
machine (on a loaded one the total CPU is what counts, and that would not change).

During a bulk load each batch commits without waiting for its WAL to reach the disk
(`synchronous_commit = off`, for that transaction only): a server crash can lose only batches
this ingest has not finished, and the load's last transaction (building the indexes it set
aside) is a synchronous commit, which flushes every batch before it. So when ingest reports, all
it reports is on disk.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from ..clock import utcnow
from ..ingest import (
    BATCH,
    BULK_AFTER,
    Committed,
    Item,
    Prepared,
    Summary,
    Taken,
    _committed,
    _Parsed,
    ready_inputs,
    store_item,
)
from ..stopping import counted_commit
from ..threads import doubled_year, single_year
from .dialect import _clean
from .search import document_parts

if TYPE_CHECKING:
    from . import PgConnection

CABLE_COLUMNS: list[str] = []  # filled from the first Prepared row


def ingest(
    conn: PgConnection,
    items: Iterable[Item],
    *,
    on_reject: Callable[[str, str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_note: Callable[[str, str], None] | None = None,
    on_commit: Callable[[Committed], None] | None = None,
    batch: int = BATCH,
    parser_process: bool = True,
    bulk_after: int = BULK_AFTER,
    taken: Taken | None = None,
) -> Summary:
    from ..txn import rollback, write

    tx = cast(sqlite3.Connection, conn)
    summary = Summary()
    pending: list[tuple[Item, Prepared | None]] = []
    with write(tx):
        ensure_indexes(conn)  # a bulk load killed midway left some out
        at_start = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    bulk = [False]

    def store(chunk: list[tuple[Item, Prepared | None]]) -> None:
        part = Summary()
        tx.execute("BEGIN IMMEDIATE")
        try:
            if bulk[0]:
                conn.execute("SET LOCAL synchronous_commit = off")
            _store_batch(conn, chunk, part, on_reject, on_note)
            stored = len(summary.stored) + len(part.stored)
            if not bulk[0] and stored >= bulk_after and stored > at_start and _owns(conn):
                drop_indexes(conn)
                bulk[0] = True
        except BaseException:
            rollback(tx)
            raise
        with counted_commit():  # a stop waits until the batch is stored and counted
            tx.execute("COMMIT")
            _committed(summary, part, chunk, on_commit)
        if on_progress:
            on_progress(len(chunk))

    try:
        for item, prepared in _Parsed(items, parser_process=parser_process, taken=taken):
            pending.append((item, prepared))
            if len(pending) >= batch:
                store(pending)
                pending = []
        if pending:
            store(pending)
    finally:
        if bulk[0] and not conn.closed:
            with write(tx):
                conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
                ensure_indexes(conn)
    return summary


# A bulk load (BULK_AFTER cables and more than the database held) drops the indexes whose keys
# arrive in random order, the GIN search index among them, and builds each once at its end,
# which is how PostgreSQL loads in bulk too; meanwhile consoles still read and search (by
# scanning). Only a role that owns the tables may: the ingest role loads with them in place.
PG_DEFERRABLE = {
    name: f"CREATE INDEX IF NOT EXISTS {name} ON {rest}"
    for name, rest in (
        ("cables_prec", "cables (prec_rank ASC NULLS FIRST, dtg DESC NULLS LAST, id)"),
        ("cables_dtg", "cables (dtg DESC NULLS LAST, id)"),
        ("cables_received", "cables (received_at DESC NULLS LAST, id)"),
        ("cables_level", "cables (level_rank, dtg DESC NULLS LAST)"),
        ("cable_tags_tag", "cable_tags (tag, cable_id)"),
        ("cables_fts_doc", "cables_fts USING gin (doc)"),
    )
}


def _owns(conn: PgConnection) -> bool:
    row = conn.execute(
        "SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
        "WHERE oid = 'cables_fts'::regclass"
    ).fetchone()
    return bool(row and row[0])


def drop_indexes(conn: PgConnection) -> None:
    for name in PG_DEFERRABLE:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def ensure_indexes(conn: PgConnection) -> None:
    have = {
        r[0]
        for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        ).fetchall()
    }
    missing = [name for name in PG_DEFERRABLE if name not in have]
    if missing and _owns(conn):  # (a role that does not own the tables cannot build them)
        for name in missing:
            conn.execute(PG_DEFERRABLE[name])


def _store_batch(
    conn: PgConnection,
    chunk: list[tuple[Item, Prepared | None]],
    summary: Summary,
    on_reject: Callable[[str, str], None] | None,
    on_note: Callable[[str, str], None] | None,
) -> None:
    ready = ready_inputs(conn, chunk, summary, utcnow(), on_reject)  # type: ignore[arg-type]
    if not ready:
        return
    held = {
        r[0]
        for r in conn.execute(
            "SELECT reference_id FROM cables WHERE reference_id = ANY(?)",
            ([p.ref for _, p in ready],),
        ).fetchall()
    }
    new: list[tuple[Item, Prepared]] = []
    seen: set[str] = set()
    for item, p in ready:
        if p.ref in held or p.ref in seen:
            _copy_new(conn, new, summary, on_note)
            new = []
            seen = set()
            outcome, ref = store_item(conn, item, utcnow(), p, on_note)  # type: ignore[arg-type]
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome != "unchanged":
                summary.stored.append(ref)
            held.add(p.ref)
            continue
        seen.add(p.ref)
        new.append((item, p))
    _copy_new(conn, new, summary, on_note)


def _copy_new(
    conn: PgConnection,
    new: list[tuple[Item, Prepared]],
    summary: Summary,
    on_note: Callable[[str, str], None] | None,
) -> None:
    if not new:
        return
    raw = conn.raw
    try:
        ids = [
            int(r[0])
            for r in raw.execute(
                "SELECT nextval(pg_get_serial_sequence('cables', 'id')) "
                "FROM generate_series(1, %s)",
                (len(new),),
            ).fetchall()
        ]
        now = utcnow()
        cols = list(new[0][1].row)
        all_cols = ["id", *cols, "version", "source", "received_at", "updated_at"]
        # (watched as a statement is: a COPY held by another session's lock says so)
        with conn._statement():
            cur = raw.cursor()
            with cur.copy(f"COPY cables ({', '.join(all_cols)}) FROM STDIN") as copy:
                for cid, (item, p) in zip(ids, new, strict=True):
                    copy.write_row(
                        _clean([cid, *(p.row[c] for c in cols), 1, item.source, now, now])
                    )
            with cur.copy(
                "COPY cable_versions (cable_id, version, sha256, raw, source, received_at) FROM STDIN"
            ) as copy:
                for cid, (item, p) in zip(ids, new, strict=True):
                    copy.write_row(_clean([cid, 1, p.sha, item.data, item.source, now]))
            with cur.copy("COPY cable_tags (cable_id, tag) FROM STDIN") as copy:
                for cid, (_item, p) in zip(ids, new, strict=True):
                    for t in p.tags:
                        copy.write_row(_clean([cid, t]))
            with cur.copy(
                "COPY addressees (cable_id, kind, seq, ri, name, precedence, niact, mcn) FROM STDIN"
            ) as copy:
                for cid, (_item, p) in zip(ids, new, strict=True):
                    for a in p.addressees:
                        copy.write_row(_clean([cid, *a]))
            with cur.copy("COPY workflow (cable_id, status, row_version) FROM STDIN") as copy:
                for cid in ids:
                    copy.write_row([cid, "NEW", 1])
            _copy_links(cur, ids, new)
        docs: list[list[Any]] = [[], [], [], [], []]
        from ...cable.parse import decode

        for cid, (item, p) in zip(ids, new, strict=True):
            assert item.data is not None
            parts = document_parts(
                p.ref,
                p.row["subject"],
                " ".join(str(p.row["tags"]).split("|")),
                decode(item.data)[0],
            )
            docs[0].append(cid)
            for k in range(4):
                docs[k + 1].append(parts[k])
        raw.execute(
            "INSERT INTO cables_fts (cable_id, doc) SELECT i, triage_doc(r, s, t, b) "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[]) "
            "AS d(i, r, s, t, b)",
            docs,
        )
    except Exception as exc:
        raise conn._error(exc) from exc
    _count_added(new, summary, on_note)


def _copy_links(cur: Any, ids: list[int], new: list[tuple[Item, Prepared]]) -> None:
    """The batch's links (threads.store_links for a batch): each resolved to the cited cable
    when it is held (this batch's included), and every earlier link naming one of this batch's
    cables resolved to it."""
    rows = [
        (cid, k, letter, ref, text)
        for cid, (_item, p) in zip(ids, new, strict=True)
        for k, (letter, ref, text) in enumerate(p.links)
    ]
    if rows:
        with cur.copy("COPY cable_links (cable_id, seq, letter, cited_ref, text) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(_clean(row))
        cur.execute(
            "UPDATE cable_links l SET cited_id = c.id FROM cables c "
            "WHERE l.cable_id = ANY(%s) AND c.reference_id = l.cited_ref",
            (ids,),
        )
        # a link naming no held cable: the cable of its doubled-year id (75LIBREVILLE1895 is
        # held as 7575LIBREVILLE1895: threads.doubled_year), looked up for those links alone
        doubled = [
            (cid, k, d)
            for cid, k, _letter, ref, _text in rows
            if (d := doubled_year(ref)) is not None
        ]
        if doubled:
            cur.execute(
                "UPDATE cable_links l SET cited_id = c.id "
                "FROM unnest(%s::bigint[], %s::int[], %s::text[]) AS d(cable_id, seq, ref) "
                "JOIN cables c ON c.reference_id = d.ref "
                "WHERE l.cable_id = d.cable_id AND l.seq = d.seq AND l.cited_id IS NULL",
                [list(col) for col in zip(*doubled, strict=True)],
            )
    # (a link that had resolved to a doubled-year cable takes the cable of the id it names)
    cur.execute(
        "UPDATE cable_links l SET cited_id = c.id FROM cables c "
        "WHERE c.id = ANY(%s) AND l.cited_ref = c.reference_id "
        "AND l.cited_id IS DISTINCT FROM c.id",
        (ids,),
    )
    aliases = [
        (cid, one)
        for cid, (_item, p) in zip(ids, new, strict=True)
        if (one := single_year(p.ref)) is not None
    ]
    if aliases:
        cur.execute(
            "UPDATE cable_links l SET cited_id = a.cable_id "
            "FROM unnest(%s::bigint[], %s::text[]) AS a(cable_id, ref) "
            "WHERE l.cited_ref = a.ref AND l.cited_id IS NULL",
            [list(col) for col in zip(*aliases, strict=True)],
        )


def _count_added(
    new: list[tuple[Item, Prepared]],
    summary: Summary,
    on_note: Callable[[str, str], None] | None,
) -> None:
    for item, p in new:
        summary.added += 1
        summary.stored.append(p.ref)
        if on_note and p.warnings:
            on_note(item.source, f"{p.ref} stored with warnings: " + "; ".join(p.warnings))
