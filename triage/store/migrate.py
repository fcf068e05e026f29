"""`triage migrate SRC DST`: a whole cache from one backend to the other (SQLite to PostgreSQL
and back, or to another of the same kind).

Every version's raw bytes, the parsed fields, tags, addressees, the workflow, officers, the
audit log and the rejects are copied; the search index is built at the destination from the
texts. The copy goes in batches, each one write transaction that also records how far it got
(in the destination's `meta`), so a migrate that is stopped goes on from there when run again.
At the end it verifies the counts of every table and the SHA-256 of every raw text (against
the digest stored at ingest, on both sides).

A destination that holds cables or audit entries of its own is refused unless `force`; then the
source's cables are added beside them (a reference the destination already holds is skipped
and counted), their ids renumbered.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .ingest import FTS_INSERT, FtsWrites, _index_row
from .txn import write

BATCH = 200

CABLE_COLUMNS = [
    "reference_id", "transmission_id", "precedence", "prec_rank", "info_precedence", "dtg",
    "dtg_raw", "dtg_estimated", "classification", "level", "level_rank", "badge", "caveats",
    "from_line", "origin", "subject", "tags", "security_line", "section", "classified_by",
    "reasons", "declassify", "declassify_on", "partial", "corrected", "signature",
    "references_json", "warnings_json", "paragraph_count", "version", "sha256", "source",
    "received_at", "updated_at",
]  # fmt: skip
WORKFLOW_COLUMNS = [
    "officer", "status", "due_at", "note", "ack_by", "ack_at", "row_version", "changed_at",
    "changed_by",
]  # fmt: skip
COUNTED = ["cables", "cable_versions", "cable_tags", "addressees", "workflow", "audit", "rejects"]


class MigrateError(Exception):
    """The copy cannot be made or did not verify; the message says why."""


@dataclass
class Report:
    copied: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    skipped_refs: list[str] = field(default_factory=list)
    resumed_from: int | None = None
    verified_texts: int = 0
    audit_head: tuple[int, str] | None = None
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


def _key(source_name: str, phase: str) -> str:
    return f"migrate:{phase}:{source_name}"


def _progress(dst: sqlite3.Connection, source_name: str, phase: str) -> int | None:
    row = dst.execute(
        "SELECT value FROM meta WHERE key = ?", (_key(source_name, phase),)
    ).fetchone()
    return int(row[0]) if row else None


def _set_progress(dst: sqlite3.Connection, source_name: str, phase: str, value: int) -> None:
    key = _key(source_name, phase)
    if dst.execute("UPDATE meta SET value = ? WHERE key = ?", (str(value), key)).rowcount == 0:
        dst.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, str(value)))


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def migrate(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    source_name: str,
    *,
    force: bool = False,
    on_progress: Callable[[str, int, int], None] | None = None,
    batch: int = BATCH,
) -> Report:
    report = Report()
    if _same_cache(src, dst):
        # (with --force the copy read its own new rows back without end, and the audit log,
        # append-only, grew by a million rows nobody can take out)
        raise MigrateError("the source and the destination are the same cache: nothing to copy")
    started = _progress(dst, source_name, "cables")
    if started is None:
        holds = _count(dst, "cables") + _count(dst, "audit")
        if holds and not force:
            raise MigrateError(
                f"the destination is not empty ({_count(dst, 'cables')} cables, "
                f"{_count(dst, 'audit')} audit entries); give --force to add the source's "
                "cables beside them"
            )
        with write(dst):
            _set_progress(dst, source_name, "cables", 0)
            _set_progress(dst, source_name, "audit", 0)
            _set_progress(dst, source_name, "rejects", 0)
            # into an empty destination every id is kept, so the audit's hash chain (which
            # covers each row's id and cable id) holds there as it did at the source
            _set_progress(dst, source_name, "keep_ids", int(not holds))
        started = 0
    else:
        report.resumed_from = started
    keep_ids = bool(_progress(dst, source_name, "keep_ids"))
    total = _count(src, "cables")
    last = started
    done = int(src.execute("SELECT count(*) FROM cables WHERE id <= ?", (last,)).fetchone()[0])
    copied = 0
    cols = ", ".join(CABLE_COLUMNS)
    while True:
        rows = src.execute(
            f"SELECT id, {cols} FROM cables WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            break
        with write(dst):
            skipped_before = len(report.skipped_refs)
            fts = FtsWrites()  # the batch's index entries last: one FTS5 segment, not one a cable
            for row in rows:
                copied += _copy_cable(src, dst, row, report, keep_ids, fts)
            fts.run(dst)
            last = int(rows[-1][0])
            _set_progress(dst, source_name, "cables", last)
            if len(report.skipped_refs) > skipped_before:  # kept for a run that goes on
                dst.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    (
                        f"{_skipped_prefix(source_name)}{last}",
                        "\n".join(report.skipped_refs[skipped_before:]),
                    ),
                )
        done += len(rows)
        if on_progress:
            on_progress("cables", done, total)
    report.copied["cables"] = copied
    with write(dst):
        for login, added_at in src.execute("SELECT login, added_at FROM officers").fetchall():
            dst.execute(
                "INSERT OR IGNORE INTO officers (login, added_at) VALUES (?, ?)", (login, added_at)
            )
    report.copied["audit"] = _copy_audit(
        src, dst, source_name, keep_ids, batch, _skipped_refs(dst, source_name)
    )
    report.copied["rejects"] = _copy_log(
        src, dst, source_name, "rejects", "path, reason, at", batch
    )
    # a cable copied by an earlier run (stopped, then run again), or earlier in this one, may
    # have been assigned, noted or closed at the source since: its workflow is copied again
    skipped = _skipped_refs(dst, source_name) | set(report.skipped_refs)
    report.copied["workflow"] = _sync_workflow(src, dst, skipped, batch)
    if getattr(dst, "backend", "sqlite") == "postgresql":  # ids given: move the sequences on
        with write(dst):
            for table in ("cables", "cable_versions", "audit", "rejects"):
                dst.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {table}"
                )
    _verify(src, dst, report, force, skipped)
    from .audit import verify as verify_chain

    chain = verify_chain(dst)
    if chain.broken is not None:
        raise MigrateError("at the destination, " + "; ".join(chain.problems()))
    report.audit_head = (chain.head_id, chain.head_hash)
    with write(dst):
        for phase in ("cables", "audit", "rejects", "keep_ids"):
            dst.execute("DELETE FROM meta WHERE key = ?", (_key(source_name, phase),))
        prefix = _skipped_prefix(source_name)
        dst.execute("DELETE FROM meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
    return report


def _same_cache(src: sqlite3.Connection, dst: sqlite3.Connection) -> bool:
    """Whether the two connections reach one cache, however each was named (a link, another
    URL for the same database): a mark written at the destination is read at the source."""
    import uuid

    key = f"migrate:probe:{uuid.uuid4().hex}"
    with write(dst):
        dst.execute("INSERT INTO meta (key, value) VALUES (?, '1')", (key,))
    try:
        return src.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone() is not None
    finally:
        with write(dst):
            dst.execute("DELETE FROM meta WHERE key = ?", (key,))


_WORKFLOW_READ = (
    f"SELECT c.reference_id, {', '.join('w.' + c for c in WORKFLOW_COLUMNS)} FROM workflow w "
    "JOIN cables c ON c.id = w.cable_id WHERE c.reference_id > ? ORDER BY c.reference_id LIMIT ?"
)


def _workflows(conn: sqlite3.Connection, batch: int) -> Iterator[tuple[object, ...]]:
    last = ""
    while True:
        rows = conn.execute(_WORKFLOW_READ, (last, batch)).fetchall()
        if not rows:
            return
        yield from (tuple(r) for r in rows)
        last = str(rows[-1][0])


def _digest(values: tuple[object, ...]) -> bytes:
    return hashlib.blake2b(repr(values).encode(), digest_size=12).digest()


def _workflow_digests(
    conn: sqlite3.Connection, skipped: set[str], batch: int
) -> dict[object, bytes]:
    """Each cable's workflow row, as a digest (250,000 rows whole are 150 MB; these, 30)."""
    return {r[0]: _digest(r[1:]) for r in _workflows(conn, batch) if r[0] not in skipped}


def _sync_workflow(
    src: sqlite3.Connection, dst: sqlite3.Connection, skipped: set[str], batch: int
) -> int:
    """Copy again each workflow row the destination holds otherwise than the source (for the
    cables this migrate copied); the number copied again."""
    theirs = _workflow_digests(dst, skipped, batch)
    changed = [
        r for r in _workflows(src, batch) if r[0] in theirs and theirs[r[0]] != _digest(r[1:])
    ]
    sets = ", ".join(f"{c} = ?" for c in WORKFLOW_COLUMNS)
    for k in range(0, len(changed), batch):
        with write(dst):
            for ref, *values in changed[k : k + batch]:
                dst.execute(
                    f"UPDATE workflow SET {sets} WHERE cable_id = "
                    "(SELECT id FROM cables WHERE reference_id = ?)",
                    [*values, ref],
                )
    return len(changed)


def _skipped_prefix(source_name: str) -> str:
    return f"migrate:skipped:{source_name}:"


def _skipped_refs(dst: sqlite3.Connection, source_name: str) -> set[str]:
    """The references the destination already held (this run's and an earlier run's): their
    cables were left as they were, so the source's audit entries for them are not added."""
    prefix = _skipped_prefix(source_name)
    got: set[str] = set()
    rows = dst.execute("SELECT value FROM meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
    for (value,) in rows:
        got.update(str(value).split("\n"))
    return got


def _copy_audit(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    source_name: str,
    keep_ids: bool,
    batch: int,
    skipped: set[str],
) -> int:
    """The audit log in its order: as it is (ids and hashes) into an empty destination, or
    appended to the destination's own chain (audit.append) beside its entries, but for the
    cables the destination held already and kept as they were (`skipped`)."""
    from .audit import AUDIT_COLUMNS, append

    last = _progress(dst, source_name, "audit") or 0
    cols = ", ".join(AUDIT_COLUMNS)
    # the database role each entry was written by, as the source's server recorded it (the
    # destination's default put the migrating role on every entry); an entry from SQLite had
    # none, and gets none ('', shown as no role)
    src_role = getattr(src, "backend", "sqlite") == "postgresql"
    dst_role = getattr(dst, "backend", "sqlite") == "postgresql"
    n = 0
    while True:
        rows = src.execute(
            f"SELECT id, {cols}, hash{', db_role' if src_role else ''} FROM audit "
            "WHERE id > ? ORDER BY id LIMIT ?",
            (last, batch),
        ).fetchall()
        if not rows:
            return n
        with write(dst):
            if keep_ids:
                width = len(AUDIT_COLUMNS) + 2
                dst.executemany(
                    f"INSERT INTO audit (id, {cols}, hash{', db_role' if dst_role else ''}) "
                    f"VALUES (?, {', '.join('?' for _ in AUDIT_COLUMNS)}, ?"
                    f"{', ?' if dst_role else ''})",
                    [
                        list(r[:width]) + ([r[width] if src_role else ""] if dst_role else [])
                        for r in rows
                    ],
                )
                n += len(rows)
            else:
                out = []
                for r in rows:
                    at, who, _cid, ref, fld, old, new = r[1:8]
                    if ref in skipped:  # not this cable's history at the destination
                        continue
                    got = (
                        dst.execute(
                            "SELECT id FROM cables WHERE reference_id = ?", (ref,)
                        ).fetchone()
                        if ref is not None
                        else None
                    )
                    out.append((at, who, got[0] if got else None, ref, fld, old, new))
                if out:
                    append(dst, out)
                n += len(out)
            last = int(rows[-1][0])
            _set_progress(dst, source_name, "audit", last)


def _copy_cable(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    row: tuple[object, ...],
    report: Report,
    keep_ids: bool = False,
    fts: FtsWrites | None = None,
) -> int:
    src_id, values = row[0], list(row[1:])
    ref = values[0]
    if dst.execute("SELECT 1 FROM cables WHERE reference_id = ?", (ref,)).fetchone():
        report.skipped += 1
        report.skipped_refs.append(str(ref))
        return 0
    names = (["id"] if keep_ids else []) + CABLE_COLUMNS
    marks = ", ".join("?" for _ in names)
    cur = dst.execute(
        f"INSERT INTO cables ({', '.join(names)}) VALUES ({marks})",
        ([src_id] if keep_ids else []) + values,
    )
    assert cur.lastrowid is not None
    new_id = int(cur.lastrowid)
    versions = src.execute(
        "SELECT version, sha256, raw, source, received_at FROM cable_versions "
        "WHERE cable_id = ? ORDER BY version",
        (src_id,),
    ).fetchall()
    dst.executemany(
        "INSERT INTO cable_versions (cable_id, version, sha256, raw, source, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(new_id, v, sha, bytes(raw), s, at) for v, sha, raw, s, at in versions],
    )
    tags = src.execute("SELECT tag FROM cable_tags WHERE cable_id = ?", (src_id,)).fetchall()
    dst.executemany(
        "INSERT INTO cable_tags (cable_id, tag) VALUES (?, ?)", [(new_id, t) for (t,) in tags]
    )
    adds = src.execute(
        "SELECT kind, seq, ri, name, precedence, niact, mcn FROM addressees WHERE cable_id = ?",
        (src_id,),
    ).fetchall()
    dst.executemany(
        "INSERT INTO addressees (cable_id, kind, seq, ri, name, precedence, niact, mcn) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(new_id, *a) for a in adds],
    )
    wf = src.execute(
        f"SELECT {', '.join(WORKFLOW_COLUMNS)} FROM workflow WHERE cable_id = ?", (src_id,)
    ).fetchone()
    if wf is not None:
        dst.execute(
            f"INSERT INTO workflow (cable_id, {', '.join(WORKFLOW_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' for _ in WORKFLOW_COLUMNS)})",
            [new_id, *wf],
        )
    from .threads import links_from_json, store_links

    dtg = values[CABLE_COLUMNS.index("dtg")]
    links = links_from_json(
        str(values[CABLE_COLUMNS.index("references_json")] or "[]"),
        None if dtg is None else str(dtg),
        str(ref),
    )
    store_links(dst, new_id, str(ref), links, new=True)
    current = [
        raw for v, _sha, raw, _s, _at in versions if v == values[CABLE_COLUMNS.index("version")]
    ]
    if current:
        subject = values[CABLE_COLUMNS.index("subject")]
        tags_text = values[CABLE_COLUMNS.index("tags")]
        row_fts = (new_id, str(ref), subject, str(tags_text or ""), bytes(current[0]))
        if fts is None:
            dst.execute(FTS_INSERT, _index_row(*row_fts))
        else:
            fts.add(FTS_INSERT, *row_fts)
    return 1


def _copy_log(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    source_name: str,
    table: str,
    cols: str,
    batch: int,
) -> int:
    """Audit entries or rejects, in their order, after the last one an earlier run copied."""
    last = _progress(dst, source_name, table) or 0
    n = 0
    names = [c.strip() for c in cols.split(",")]
    while True:
        rows = src.execute(
            f"SELECT id, {cols} FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            return n
        with write(dst):
            out = []
            for r in rows:
                values = list(r[1:])
                if "cable_id" in names and values[names.index("reference_id")] is not None:
                    got = dst.execute(
                        "SELECT id FROM cables WHERE reference_id = ?",
                        (values[names.index("reference_id")],),
                    ).fetchone()
                    values[names.index("cable_id")] = got[0] if got else None
                out.append(values)
            dst.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' for _ in names)})", out
            )
            last = int(rows[-1][0])
            _set_progress(dst, source_name, table, last)
        n += len(rows)


def _digests(conn: sqlite3.Connection) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    last = (0, 0)
    while True:
        rows = conn.execute(
            "SELECT v.cable_id, v.version, c.reference_id, v.raw, v.sha256 FROM cable_versions v "
            "JOIN cables c ON c.id = v.cable_id WHERE v.cable_id > ? OR (v.cable_id = ? AND "
            "v.version > ?) ORDER BY v.cable_id, v.version LIMIT 500",
            (last[0], last[0], last[1]),
        ).fetchall()
        if not rows:
            return out
        for _cid, version, ref, raw, stored in rows:
            digest = hashlib.sha256(bytes(raw)).hexdigest()
            # a text that no longer has the digest it was stored with is marked as such
            out[(str(ref), int(version))] = digest if digest == stored else f"damaged:{digest}"
        last = (int(rows[-1][0]), int(rows[-1][1]))


def _verify(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    report: Report,
    force: bool,
    skipped: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    problems = []
    for table in COUNTED:
        a, b = _count(src, table), _count(dst, table)
        report.counts[table] = (a, b)
        if not force and a != b:
            problems.append(f"{table}: {a} in the source, {b} in the destination")
    # the workflow as officers left it, cable by cable (the counts alone said "verified" over
    # notes, assignments and closes made at the source while it was copied)
    theirs = _workflow_digests(dst, skipped, 500)
    differ = [
        str(r[0]) for r in _workflows(src, 500) if r[0] in theirs and theirs[r[0]] != _digest(r[1:])
    ]
    if differ:
        problems.append(
            f"the workflow of {len(differ)} cables ({', '.join(differ[:5])}) changed at the "
            "source while it was copied: stop the consoles and commands that write to it, then "
            "run the same command again"
        )
    a_digests, b_digests = _digests(src), _digests(dst)
    for key, digest in a_digests.items():
        if digest.startswith("damaged:"):
            problems.append(
                f"{key[0]} version {key[1]}: the source's text does not match its SHA-256"
            )
        elif b_digests.get(key) != digest:
            problems.append(f"{key[0]} version {key[1]}: the raw text differs (SHA-256)")
            if len(problems) > 20:
                break
    report.verified_texts = len(a_digests)
    if problems:
        raise MigrateError("the copy does not verify: " + "; ".join(problems))
