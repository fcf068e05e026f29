"""Files, folders, stdin and cablegate CSV exports into the cache. Nothing is lost: every
input is stored, or rejected with its reason (printed and kept in `rejects`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..cable import Cable, looks_binary
from ..cable.model import classification_badge, precedence_rank
from ..cable.parse import decode, parse_decoded
from ..login import current_login
from .audit import append as append_audit
from .checkpoint import Checkpointer
from .clock import utcnow
from .inputs import Item
from .levels import stored_level_rank
from .schema import FTS_WITH_PREFIXES, drop_indexes, ensure_indexes
from .stopping import counted_commit
from .threads import Link, doubled_year, links_of, relink, store_links, store_new_links
from .txn import rollback

BATCH = 200
BULK_AFTER = 5000


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[tuple[str, str]] = field(default_factory=list)
    stored: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def add(self, other: Summary) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected += other.rejected
        self.rejects.extend(other.rejects)
        self.stored.extend(other.stored)


@dataclass(slots=True)
class Taken:
    """The inputs the writer has taken in so far, in order (`sources`), and whether it has
    taken the last one (`all`): what a run that stops has read, known in the writer's process.
    The parser process reads a few thousand inputs ahead; what it read and did not hand over
    was never this run's to store, and is the rest a stop leaves."""

    sources: list[str] = field(default_factory=list)
    all: bool = False


@dataclass(slots=True)
class Committed:
    """One batch, as its transaction committed it: its inputs' names, in order, and what
    became of them (the part of the run's Summary that is now in the cache)."""

    sources: list[str]
    summary: Summary


def _committed(
    summary: Summary,
    part: Summary,
    chunk: list[tuple[Item, Prepared | None]],
    on_commit: Callable[[Committed], None] | None,
) -> None:
    """Count a batch its COMMIT has just stored (inside `counted_commit()`)."""
    summary.add(part)
    if on_commit is not None:
        on_commit(Committed([item.source for item, _ in chunk], part))


# -- storing ----------------------------------------------------------------------------------


def _reference_for(cable: Cable, meta: dict[str, str] | None, sha: str) -> tuple[str, list[str]]:
    extra: list[str] = []
    ref = cable.reference_id
    if meta and meta.get("reference_id"):
        mref = meta["reference_id"].strip()
        if ref and ref != mref:
            extra.append(f"the export names this cable {mref}; the text reads as {ref}")
        ref = mref or ref
    if not ref:
        ref = f"UNKNOWN-{sha[:12]}"
        extra.append(f"no reference id could be read; stored as {ref}")
    return ref, extra


@dataclass(slots=True)
class Prepared:
    """Everything ingest needs from one cable's bytes that is not SQLite's work, in plain
    values: it is built in the parser process and crosses to the writer cheaply (no Cable,
    no paragraph text; the writer decodes the bytes again for the index, a C call)."""

    sha: str
    ref: str
    warnings: list[str]
    row: dict[str, object]  # the cables row but for version, source and times
    tags: list[str]
    addressees: list[tuple[str, int, str | None, str, str | None, int, str | None]]
    links: list[Link] = field(default_factory=list)  # the cables its references name
    # why the bytes hold no cable at all (text, but nothing of a cable in it): a reject
    no_cable: str | None = None


def prepare(data: bytes, meta: dict[str, str] | None = None) -> Prepared:
    """Parse the bytes (decoded once) and build the rows they will be stored as."""
    text, decode_warnings = decode(data)
    cable = parse_decoded(text, decode_warnings)
    sha = hashlib.sha256(data).hexdigest()
    ref, extra = _reference_for(cable, meta, sha)
    warnings = list(cable.warnings) + extra
    meta = meta or {}
    level = cable.level or _level_from_meta(meta.get("classification"))
    caveats = list(cable.caveats)
    row: dict[str, object] = {
        "reference_id": ref,
        "transmission_id": cable.transmission_id,
        "precedence": cable.precedence,
        "prec_rank": precedence_rank(cable.precedence),
        "info_precedence": cable.info_precedence,
        "dtg": cable.dtg or _date_from_meta(meta.get("date")),
        "dtg_raw": cable.dtg_raw,
        "dtg_estimated": int(cable.dtg_estimated),
        "classification": cable.classification or (meta.get("classification") or None),
        "level": level,
        "level_rank": stored_level_rank(level),
        "badge": classification_badge(level, caveats),
        "caveats": " ".join(caveats),
        "from_line": cable.from_,
        "origin": cable.origin or (meta.get("origin") or None),
        "subject": cable.subject,
        "tags": "|".join(cable.tags),
        "security_line": cable.security_line,
        "section": cable.section,
        "classified_by": cable.classified_by,
        "classified_by_name": cable.classified_by_name,
        "reasons": cable.reasons,
        "declassify": cable.declassify,
        "declassify_on": cable.declassify_on,
        "partial": int(cable.partial),
        "corrected": int(cable.corrected),
        "signature": cable.signature,
        "references_json": json.dumps([r.to_json() for r in cable.references], ensure_ascii=False),
        "warnings_json": json.dumps(warnings, ensure_ascii=False),
        "paragraph_count": len(cable.paragraphs),
        "sha256": sha,
    }
    addressees = [
        (kind, k, a.ri, a.name, a.precedence, int(a.niact), a.mcn)
        for kind, group in (("to", cable.to), ("info", cable.info))
        for k, a in enumerate(group)
    ]
    return Prepared(
        sha,
        ref,
        warnings,
        row,
        list(dict.fromkeys(cable.tags)),
        addressees,
        links_of(cable.references),
        _no_cable(cable, ref, meta, text),
    )


_MAIL_HEADER = re.compile(
    r"(?:From|To|Cc|Date|Subject|Message-ID|Received|Return-Path|MIME-Version): "
)
_HEADER_LINE = re.compile(r"[A-Z][A-Za-z0-9-]*: ")
_MARKDOWN_HEADING = re.compile(r"#{1,6} \S")


def _document_kind(text: str) -> str | None:
    """A mail message (a block of `From: `, `Subject: ` headers first: the mixed case of mail,
    never a cable's FM or SUBJECT) or a Markdown document (a `# Heading` first, and a fence or
    another heading), named; None for anything else."""
    lines = text.lstrip().splitlines()
    if not lines:
        return None
    head = []
    for line in lines:
        if not line.strip():
            break
        head.append(line)
    names = {h.split(":", 1)[0] for h in head if _HEADER_LINE.match(h)}
    if (
        _MAIL_HEADER.match(head[0])
        and len(names) >= 2
        and names & {"From", "Message-ID", "Received"}
    ):
        return "a mail message (From:, Subject: headers), not a cable"
    if _MARKDOWN_HEADING.match(lines[0]) and any(
        ln.startswith("```") or (ln.startswith("##") and _MARKDOWN_HEADING.match(ln))
        for ln in lines[1:]
    ):
        return "a Markdown document, not a cable"
    return None


def _no_cable(cable: Cable, ref: str, meta: dict[str, str], text: str = "") -> str | None:
    """Text with nothing of a cable in it (a README, a mail, a half page of notes dropped in
    the folder): no reference, classification, date-time group, subject, TAGS, FM or TO line;
    or a mail message or a Markdown document with no classification, date-time group or
    transmission header (their Subject: line and the cable words a README quotes are not a
    cable). A cable cut short or damaged keeps at least one of them and is stored, with
    warnings."""
    if meta or not ref.startswith("UNKNOWN-"):
        return None
    if not (cable.level or cable.dtg or cable.transmission_id or cable.security_line):
        kind = _document_kind(text)
        if kind:
            return kind
    if (
        cable.level
        or cable.dtg
        or cable.subject
        or cable.tags
        or cable.from_
        or cable.to
        or cable.transmission_id
        or cable.security_line
        or cable.precedence
    ):
        return None
    return (
        "no cable in it: no transmission header, reference, classification, date-time group, "
        "subject, TAGS, FM or TO line (a damaged cable keeps one of them)"
    )


FTS_INSERT = (
    "INSERT INTO cables_fts (rowid, reference_id, subject, tags, body) VALUES (?, ?, ?, ?, ?)"
)


def _index_row(
    cable_id: int, ref: str, subject: object, tags: str | None, raw: bytes
) -> tuple[int, str, object, str, str]:
    """What the FTS5 index holds for a cable: its rowid, reference, subject, tags and decoded
    text (a contentless index forgets a row only when given exactly these values again)."""
    return cable_id, ref, subject, " ".join(tags.split("|")) if tags else "", decode(raw)[0]


class FtsWrites:
    """FTS5 writes held back until the batch's other statements have run.

    FTS5 keeps a transaction's new entries in memory and writes them out as one new segment at
    COMMIT, but also at every statement savepoint: any statement that may need undoing partway
    (one that fires a trigger, such as the INSERT into `workflow` since schema 8) flushes what
    FTS5 holds first. Interleaved with the other writes, each cable's entries became a segment of
    its own, and FTS5's merging of those one-cable segments was most of the writer's time (10,000
    real cables: 37 of 64 s of SQL in the workflow INSERT). Run last, a batch's entries make one
    segment, as the floor's do. The order of the writes is kept (a cable updated twice in a
    batch deletes and inserts in turn); the texts are decoded when run, and a batch holding more
    than MAX_BYTES of them runs early, so memory stays bounded."""

    MAX_BYTES = 32 * 1024 * 1024

    def __init__(self) -> None:
        self.pending: list[tuple[str, int, str, object, str | None, bytes]] = []
        self.size = 0

    def add(
        self, sql: str, cable_id: int, ref: str, subject: object, tags: str | None, raw: bytes
    ) -> None:
        self.pending.append((sql, cable_id, ref, subject, tags, raw))
        self.size += len(raw)

    def full(self) -> bool:
        return self.size > self.MAX_BYTES

    def run(self, conn: sqlite3.Connection) -> None:
        """Inside the caller's transaction: the queued writes, in order (runs of one statement
        through executemany)."""
        pending, self.pending, self.size = self.pending, [], 0
        k = 0
        while k < len(pending):
            sql = pending[k][0]
            end = k
            while end < len(pending) and pending[end][0] == sql:
                end += 1
            conn.executemany(sql, [_index_row(*w[1:]) for w in pending[k:end]])
            k = end


# an online reindex builds the new index beside the old one, a batch of cables per short write
# transaction, and keeps how far it got here (so a killed reindex resumes where it stopped)
FTS_NEXT = "cables_fts_next"
FTS_OLD = "cables_fts_old"
REINDEX_PROGRESS = "reindex_progress"
REINDEX_BATCH = 400
# the old index's pages are freed this many at a time, each its own short transaction
DROP_STEP_ROWS = 2000
# after each batch the reindex leaves the write lock free a moment: a writer that has waited a
# while polls only every 100 ms (SQLite's busy handler backs off), and without the gap it can
# miss several batches in a row (100,000 cables: worst wait 2.4-4.5 s -> 1.1 s, for 12% time)
REINDEX_YIELD_S = 0.03


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    return row is not None


def _built_to(conn: sqlite3.Connection) -> int | None:
    """While a reindex is under way: the highest cable id the new index already holds."""
    if not _has_table(conn, REINDEX_PROGRESS):
        return None
    row = conn.execute(f"SELECT built_to FROM {REINDEX_PROGRESS}").fetchone()
    return int(row[0]) if row else None


def old_index_left(conn: sqlite3.Connection) -> bool:
    """Did a reindex stop after putting its new index in place, before freeing the old one?"""
    return _has_table(conn, FTS_OLD) and not _has_table(conn, REINDEX_PROGRESS)


def reindexed_so_far(conn: sqlite3.Connection) -> int | None:
    """How many cables a reindex that was stopped has already put in its new index (None when
    no reindex is under way)."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        got = conn.reindex_built_to()  # type: ignore[attr-defined]
        if got is None:
            return None
        return int(conn.execute("SELECT count(*) FROM cables WHERE id <= ?", (got,)).fetchone()[0])
    built_to = _built_to(conn)
    if built_to is None:
        return None
    return int(conn.execute("SELECT count(*) FROM cables WHERE id <= ?", (built_to,)).fetchone()[0])


def _fts_insert(table: str) -> str:
    return FTS_INSERT.replace("cables_fts", table, 1)


def _fts_delete(table: str) -> str:
    return (
        f"INSERT INTO {table} ({table}, rowid, reference_id, subject, tags, body) "
        "VALUES ('delete', ?, ?, ?, ?, ?)"
    )


def reindex(
    conn: sqlite3.Connection,
    on_progress: Callable[[int, int], None] | None = None,
    batch: int | None = None,
) -> int:
    """Build the FTS index again from the stored texts (the current version of every cable), with
    the three-letter prefix index: for a cache made before schema 3, or an index that has been
    damaged. Online: the new index is built beside the old one, `batch` cables per short write
    transaction, so ingests and officers' changes go on meanwhile (an ingest that changes a
    cable already copied writes the change to both indexes); consoles search the old index until
    one short transaction puts the new one in its place. The old index is then freed in steps.
    A reindex that is stopped resumes where it was. Returns the cables indexed."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        return int(conn.reindex(on_progress, batch))  # type: ignore[attr-defined]
    if _has_table(conn, FTS_OLD):
        # a reindex stopped after its swap: the new index is in place, only freeing is left
        _drop_in_steps(conn, FTS_OLD)
        if not _has_table(conn, REINDEX_PROGRESS):
            return int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not _has_table(conn, REINDEX_PROGRESS):
            conn.execute(f"DROP TABLE IF EXISTS {FTS_NEXT}")
            conn.execute(FTS_WITH_PREFIXES.replace("cables_fts", FTS_NEXT, 1))
            conn.execute(f"CREATE TABLE {REINDEX_PROGRESS} (built_to INTEGER NOT NULL)")
            conn.execute(f"INSERT INTO {REINDEX_PROGRESS} VALUES (0)")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    done = reindexed_so_far(conn) or 0
    insert = _fts_insert(FTS_NEXT)
    batch = batch or REINDEX_BATCH
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # read inside the transaction: a second reindex run at the same time then goes on
            # from where the first got, instead of indexing the same cables twice
            built_to = _built_to(conn)
            if built_to is None:  # the other one has finished and swapped
                conn.execute("COMMIT")
                return int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
            chunk = conn.execute(
                "SELECT c.id, c.reference_id, c.subject, c.tags, v.raw FROM cables c "
                "JOIN cable_versions v ON v.cable_id = c.id AND v.version = c.version "
                "WHERE c.id > ? ORDER BY c.id LIMIT ?",
                (built_to, batch),
            ).fetchall()
            if not chunk:
                # every cable is in the new index: put it in the old one's place
                conn.execute(f"ALTER TABLE cables_fts RENAME TO {FTS_OLD}")
                conn.execute(f"ALTER TABLE {FTS_NEXT} RENAME TO cables_fts")
                conn.execute(f"DROP TABLE {REINDEX_PROGRESS}")
                conn.execute("COMMIT")
                break
            conn.executemany(
                insert,
                [
                    _index_row(cid, ref, subject, tags, bytes(raw))
                    for cid, ref, subject, tags, raw in chunk
                ],
            )
            relink(conn, [int(r[0]) for r in chunk])
            conn.execute(f"UPDATE {REINDEX_PROGRESS} SET built_to = ?", (int(chunk[-1][0]),))
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        done += len(chunk)
        if on_progress:
            # counted after the commit: the whole count (5 ms at 250,000) need not hold the lock
            total = int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
            on_progress(done, total)
        time.sleep(REINDEX_YIELD_S)
    _drop_in_steps(conn, FTS_OLD)
    return done


def _drop_in_steps(conn: sqlite3.Connection, table: str) -> None:
    """Drop an FTS5 table without holding the write lock for as long as freeing all its pages
    takes: its big shadow table's segment pages are deleted a step at a time first (records 1
    and 10, the averages and the structure, stay: FTS5 reads them to open the table it drops)."""
    data = f"{table}_data"
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if not _has_table(conn, data):  # (another reindex may have finished it)
                conn.execute("COMMIT")
                return
            gone = conn.execute(
                f"DELETE FROM {data} WHERE rowid IN "
                f"(SELECT rowid FROM {data} WHERE rowid > 10 LIMIT ?)",
                (DROP_STEP_ROWS,),
            ).rowcount
            if gone < DROP_STEP_ROWS:
                conn.execute(f"DROP TABLE {table}")
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise


def store_item(
    conn: sqlite3.Connection,
    item: Item,
    received_at: str,
    prepared: Prepared | None = None,
    on_note: Callable[[str, str], None] | None = None,
    fts: FtsWrites | None = None,
) -> tuple[str, str]:
    """Store one readable input inside the caller's transaction: ('added'|'updated'|'unchanged', ref).

    With `fts`, the cable's FTS5 writes are queued there for the caller to run (`fts.run`) after
    its batch's other statements, just before its COMMIT (see FtsWrites); without, they run here."""
    assert item.data is not None
    if fts is None:
        fts = FtsWrites()
        done = store_item(conn, item, received_at, prepared, on_note, fts)
        fts.run(conn)
        return done
    p = prepared if prepared is not None else prepare(item.data, item.meta)
    ref = p.ref
    row = conn.execute(
        "SELECT id, sha256, version, subject, tags FROM cables WHERE reference_id = ?", (ref,)
    ).fetchone()
    if row is not None:
        cable_id, old_sha, version, old_subject, old_tags = row
        if old_sha == p.sha:
            return "unchanged", ref
        # the newest delivery is the current text: an earlier version's text delivered again
        # (a file written in place in two steps, its cut first half stored, then the whole) is
        # made current again as a new version, said as such, never passed over as "unchanged"
        again = [
            int(v)
            for (v,) in conn.execute(
                "SELECT version FROM cable_versions WHERE cable_id = ? AND sha256 = ? "
                "ORDER BY version",
                (cable_id, p.sha),
            )
        ]
        if again:
            # ... but the same input read again, unchanged since it was last stored (the same
            # folder ingested again, holding a cable's original and its corrected copy), is
            # "unchanged": it is not a new delivery, and taking it as one made two new
            # versions, their audit rows and the holder's notices at every run
            last = conn.execute(
                "SELECT sha256 FROM cable_versions WHERE cable_id = ? AND source = ? "
                "ORDER BY version DESC LIMIT 1",
                (cable_id, item.source),
            ).fetchone()
            if last is not None and last[0] == p.sha and not item.again:
                if on_note:  # (never silent: the current text is another input's)
                    on_note(
                        item.source,
                        f"{ref}: this input is as it was when stored as {_versions(again)}; "
                        f"version {version}, another input's text, stays current (to make "
                        f"this text current again: triage ingest --again {item.source})",
                    )
                return "unchanged", ref
        old_raw = conn.execute(
            "SELECT raw FROM cable_versions WHERE cable_id = ? AND version = ?", (cable_id, version)
        ).fetchone()
        # a reindex under way that has already copied this cable gets the change too
        built_to = _built_to(conn)
        tables = ["cables_fts"] + ([FTS_NEXT] if built_to and cable_id <= built_to else [])
        if old_raw is not None:
            for table in tables:
                fts.add(_fts_delete(table), cable_id, ref, old_subject, old_tags, bytes(old_raw[0]))
        conn.execute("DELETE FROM cable_tags WHERE cable_id = ?", (cable_id,))
        conn.execute("DELETE FROM addressees WHERE cable_id = ?", (cable_id,))
        _write_cable(conn, p, item, received_at, cable_id, version + 1, fts)
        # in the log (and so in the cable's history, and told to the officer who holds it):
        # the text an officer acts on changed under them
        append_audit(
            conn,
            [
                (
                    received_at,
                    current_login(),
                    cable_id,
                    ref,
                    "version",
                    str(version),
                    str(version + 1),
                )
            ],
        )
        if len(tables) > 1:
            fts.add(
                _fts_insert(FTS_NEXT),
                cable_id,
                ref,
                p.row["subject"],
                str(p.row["tags"]),
                item.data,
            )
        if on_note and again:
            on_note(
                item.source,
                f"{ref} came again with the text of its {_versions(again)}: that text is "
                f"current again, as version {version + 1} (it replaces version {version}; "
                f"each text: triage raw --version N {ref})",
            )
        elif on_note:
            on_note(
                item.source,
                f"{ref} was already in the cache with other text; this is now version "
                f"{version + 1} (earlier versions: triage raw --version N {ref})",
            )
        if on_note and p.warnings:
            on_note(item.source, f"{ref} stored with warnings: " + "; ".join(p.warnings))
        return "updated", ref
    cable_id = _write_cable(conn, p, item, received_at, None, 1, fts)
    if on_note and p.warnings:
        on_note(item.source, f"{ref} stored with warnings: " + "; ".join(p.warnings))
    conn.execute(
        "INSERT INTO workflow (cable_id, status, row_version, prec_rank, received_at) "
        "VALUES (?, 'NEW', 1, ?, ?)",
        (cable_id, p.row["prec_rank"], received_at),
    )
    return "added", ref


def _versions(numbers: list[int]) -> str:
    """`version 1`, `versions 1 and 3`, `versions 1, 3 and 4`."""
    if len(numbers) == 1:
        return f"version {numbers[0]}"
    return f"versions {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


def _write_cable(
    conn: sqlite3.Connection,
    p: Prepared,
    item: Item,
    received_at: str,
    cable_id: int | None,
    version: int,
    fts: FtsWrites,
) -> int:
    assert item.data is not None
    values = dict(p.row)
    values["version"] = version
    values["source"] = item.source
    values["updated_at"] = received_at
    if cable_id is None:
        values["received_at"] = received_at
        cur = conn.execute(_insert_cable_sql(tuple(values)), list(values.values()))
        assert cur.lastrowid is not None
        cable_id = int(cur.lastrowid)
    else:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE cables SET {sets} WHERE id = ?", [*values.values(), cable_id])
    conn.execute(
        "INSERT INTO cable_versions (cable_id, version, sha256, raw, source, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (cable_id, version, p.sha, item.data, item.source, received_at),
    )
    if p.tags:
        conn.executemany(
            "INSERT INTO cable_tags (cable_id, tag) VALUES (?, ?)",
            [(cable_id, t) for t in p.tags],
        )
    if p.addressees:
        conn.executemany(
            "INSERT INTO addressees (cable_id, kind, seq, ri, name, precedence, niact, mcn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(cable_id, *a) for a in p.addressees],
        )
    fts.add(FTS_INSERT, cable_id, p.ref, p.row["subject"], str(p.row["tags"]), item.data)
    store_links(conn, cable_id, p.ref, p.links, new=version == 1)
    return cable_id


@lru_cache(maxsize=8)
def _insert_cable_sql(columns: tuple[str, ...]) -> str:
    """The INSERT for a cables row of these columns, built once (it is the same for every row)."""
    return f"INSERT INTO cables ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _level_from_meta(classification: str | None) -> str | None:
    if not classification:
        return None
    c = classification.upper()
    for level in ("TOP SECRET", "SECRET", "CONFIDENTIAL", "UNCLASSIFIED"):
        if c.startswith(level):
            return level
    return None


def _date_from_meta(date: str | None) -> str | None:
    if not date:
        return None
    for fmt in ("%m/%d/%Y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(date.strip(), fmt).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            continue
    return None


def record_reject(conn: sqlite3.Connection, source: str, reason: str, at: str) -> None:
    conn.execute("INSERT INTO rejects (path, reason, at) VALUES (?, ?, ?)", (source, reason, at))


def _die_with_parent() -> None:
    """In a parser process: be killed when the ingest process dies (Linux PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _parse_chunk(chunk: list[tuple[bytes | None, dict[str, str] | None]]) -> list[Prepared | None]:
    """Run in the parser process: prepare what is readable; None for what is not."""
    return [prepare(d, m) if d is not None and looks_binary(d) is None else None for d, m in chunk]


def _fill(batch: list[Item], items: Iterator[Item], size: int) -> list[Item]:
    """Append items to `batch` until it holds `size` (in place: what was read before an input
    failed is still in it)."""
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            break
    return batch


def _produce(items: Iterator[Item], first: list[Item], chunk: int, ahead: int, out: Any) -> None:
    """The parser process: read the inputs (files, CSV rows) and parse them, sending chunks of
    (items, their Prepared) down the pipe, up to `ahead` chunks ahead of the writer; then
    ("done", None), or ("error", exception) after the items read before an input failed."""
    import pickle
    import queue
    import signal
    import threading

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    # and a SIGTERM ends this process as it ends any (the writer then parses what is left), not
    # by the writer's handler inherited at the fork (`stopping.stop_on_signals`)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=ahead)

    def send() -> None:
        while True:
            msg = ready.get()
            try:
                out.send(msg)  # waits while the writer is busy storing
            except OSError:  # the writer has gone
                os._exit(0)
            if msg[0] != "chunk":
                return

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    batch = first
    try:
        while batch:
            data = [(it.data if it.problem is None else None, it.meta) for it in batch]
            ready.put(("chunk", (batch, _parse_chunk(data))))
            batch = []
            _fill(batch, items, chunk)
    except BaseException as exc:
        if batch:
            ready.put(("chunk", (batch, [None] * len(batch))))
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(repr(exc))
        ready.put(("error", exc))
    else:
        ready.put(("done", None))
    sender.join()
    out.close()


class _Parsed:
    """Items paired with their parse, in input order. A parser process reads the inputs and
    parses them, a few chunks ahead of the writer (memory stays flat), while this process's
    one thread runs SQLite: nothing here competes with it for the GIL. If the parser process
    dies, the items it did not deliver are read and parsed here."""

    def __init__(
        self,
        items: Iterable[Item],
        chunk: int = 128,
        ahead: int = 64,
        parser_process: bool = True,
        taken: Taken | None = None,
    ) -> None:
        self.items = iter(items)
        self.chunk = chunk
        self.ahead = ahead
        self.parser_process = parser_process
        self.taken = taken

    def __iter__(self) -> Iterator[tuple[Item, Prepared | None]]:
        """Each item as the writer takes it, counted in `taken` (here, in the writer's process:
        the inputs are read in the parser process, which a count kept there never leaves)."""
        if self.taken is None:
            yield from self._pairs()
            return
        for it, p in self._pairs():
            self.taken.sources.append(it.source)
            yield it, p
        self.taken.all = True

    def _pairs(self) -> Iterator[tuple[Item, Prepared | None]]:
        import multiprocessing

        first = _fill([], self.items, self.chunk)
        inline = len(first) < self.chunk or not self.parser_process
        if inline or not sys.platform.startswith("linux"):
            # few inputs, or no fork (the iterator cannot be handed to a spawned process)
            for it in first:
                yield it, None
            for it in self.items:
                yield it, None
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_produce,
            args=(self.items, first, self.chunk, self.ahead, send),
            name="triage-parser",
            daemon=True,
        )
        proc.start()
        send.close()  # so that the parser's death reads as the end of the pipe
        delivered = 0
        try:
            while True:
                try:
                    kind, payload = receive.recv()
                except (EOFError, OSError):
                    break  # the parser process died: carry on here
                if kind == "done":
                    return
                if kind == "error":
                    raise payload
                batch, results = payload
                for it, p in zip(batch, results, strict=True):
                    delivered += 1
                    yield it, p
        finally:
            if proc.is_alive():
                proc.kill()
            proc.join()
            receive.close()
        # this process's copy of the inputs is where it was at the fork, after `first`:
        # skip what was delivered and read the rest here
        skip = max(0, delivered - len(first))
        for it in first[delivered:]:
            yield it, None
        for k, it in enumerate(self.items):
            if k >= skip:
                yield it, None


def ingest(
    conn: sqlite3.Connection,
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
    """Store items in short BEGIN IMMEDIATE batches, so readers keep reading and a killed run
    leaves a consistent cache that the same ingest completes. `on_commit` is told of each batch
    once it is committed (`on_reject` and `on_note` speak before: their batch may yet roll back);
    `taken` is kept up to date with the inputs the writer has taken in, so a run that stops can
    name those it read and did not store.

    A bulk load (this run has stored `bulk_after` cables and more than the cache held when it
    started) drops the indexes whose keys arrive in random order and builds them once, sorted,
    in its last transaction; meanwhile readers still read, sorted lists just sort for
    themselves. A bulk load killed midway leaves them out; the next ingest builds them first.
    """
    if getattr(conn, "backend", "sqlite") == "postgresql":  # COPY in batches
        return conn.ingest(  # type: ignore[attr-defined]
            items,
            on_reject=on_reject,
            on_progress=on_progress,
            on_note=on_note,
            on_commit=on_commit,
            batch=batch,
            parser_process=parser_process,
            bulk_after=bulk_after,
            taken=taken,
        )
    summary = Summary()
    bulk = False
    fts = FtsWrites()
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB of page cache while writing
    # started after the first batch: by then the parser process has been forked
    checkpoints = Checkpointer(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        ensure_indexes(conn)
        at_start = conn.execute("SELECT max(id) FROM cables").fetchone()[0] or 0
        chunk: list[tuple[Item, Prepared | None]] = []
        size = 0
        for item, prepared in _Parsed(items, parser_process=parser_process, taken=taken):
            chunk.append((item, prepared))
            size += len(item.data) if item.data is not None else 0
            if len(chunk) < batch and size < FtsWrites.MAX_BYTES:
                continue
            part = Summary()
            _store_batch(conn, chunk, part, fts, on_reject, on_note, on_progress)
            stored = len(summary.stored) + len(part.stored)
            if not bulk and stored >= bulk_after and stored > at_start:
                drop_indexes(conn)
                bulk = True
            fts.run(conn)
            with counted_commit():
                conn.execute("COMMIT")
                _committed(summary, part, chunk, on_commit)
            chunk, size = [], 0
            if checkpoints.start():
                checkpoints.committed()
            conn.execute("BEGIN IMMEDIATE")
        part = Summary()
        _store_batch(conn, chunk, part, fts, on_reject, on_note, on_progress)
        fts.run(conn)
        if bulk:
            ensure_indexes(conn)
        with counted_commit():
            conn.execute("COMMIT")
            _committed(summary, part, chunk, on_commit)
    except BaseException:
        rollback(conn)
        raise
    finally:
        checkpoints.close()
    return summary


def ready_inputs(
    conn: sqlite3.Connection,
    chunk: list[tuple[Item, Prepared | None]],
    summary: Summary,
    at: str,
    on_reject: Callable[[str, str], None] | None,
    on_progress: Callable[[int], None] | None = None,
) -> list[tuple[Item, Prepared]]:
    """A batch's inputs in order, each either rejected (recorded at `at`, counted, said: an
    unreadable input, binary data, text with nothing of a cable in it) or returned with its
    Prepared, for the backend's writer (SQLite's and PostgreSQL's alike)."""
    ready: list[tuple[Item, Prepared]] = []
    for item, prepared in chunk:
        problem = item.problem
        if problem is None and item.data is not None and prepared is None:
            problem = looks_binary(item.data)
        p: Prepared | None = None
        if problem is None and item.data is not None:
            p = prepared if prepared is not None else prepare(item.data, item.meta)
            problem = p.no_cable
        if p is None or problem is not None:
            reason = problem or "unreadable"
            record_reject(conn, item.source, reason, at)
            summary.rejected += 1
            summary.rejects.append((item.source, reason))
            if on_reject:
                on_reject(item.source, reason)
        else:
            ready.append((item, p))
        if on_progress:
            on_progress(1)  # an input handled (the count a stopped run reports)
    return ready


def _store_batch(
    conn: sqlite3.Connection,
    chunk: list[tuple[Item, Prepared | None]],
    summary: Summary,
    fts: FtsWrites,
    on_reject: Callable[[str, str], None] | None,
    on_note: Callable[[str, str], None] | None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Inside the caller's transaction: one batch of inputs, in order. Rejects are recorded;
    the run of cables new to the cache is written a table at a time (`_insert_new`, one
    executemany per table); a cable whose reference is held (a new version, the same text
    again) or that came earlier in this batch goes through store_item, after the new cables
    before it, so the outcome is what storing them one by one gives."""
    if not chunk:
        return
    at = utcnow()  # a batch is stored in one transaction: its cables arrive at one time
    ready = ready_inputs(conn, chunk, summary, at, on_reject, on_progress)
    if not ready:
        return
    refs = [p.ref for _, p in ready]
    held = {
        r[0]
        for r in conn.execute(
            f"SELECT reference_id FROM cables WHERE reference_id IN ({', '.join('?' * len(refs))})",
            refs,
        )
    }
    new: list[tuple[Item, Prepared]] = []
    seen: set[str] = set()
    for item, p in ready:
        if p.ref in held or p.ref in seen:
            _insert_new(conn, new, at, fts)
            new = []
            outcome, ref = store_item(conn, item, at, p, on_note, fts)
            if fts.full():
                fts.run(conn)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome != "unchanged":
                summary.stored.append(ref)
            continue
        seen.add(p.ref)
        new.append((item, p))
        summary.added += 1
        summary.stored.append(p.ref)
        if on_note and p.warnings:
            on_note(item.source, f"{p.ref} stored with warnings: " + "; ".join(p.warnings))
    _insert_new(conn, new, at, fts)


def _insert_new(
    conn: sqlite3.Connection, new: list[tuple[Item, Prepared]], at: str, fts: FtsWrites
) -> None:
    """Inside the caller's transaction (which holds the write lock): cables whose references
    the cache does not hold, each table's rows in one executemany, under ids given here (the
    next ones, as SQLite would give them). What store_item does for a new cable, for many:
    per-statement work in Python was a fifth of the writer's time."""
    if not new:
        return
    base = conn.execute("SELECT max(id) FROM cables").fetchone()[0] or 0
    columns = tuple(new[0][1].row)
    cables: list[list[object]] = []
    versions: list[tuple[object, ...]] = []
    tags: list[tuple[int, str]] = []
    addressees: list[tuple[object, ...]] = []
    workflow: list[tuple[int, object, str]] = []
    links: list[tuple[int, int, str | None, str, str, str, str | None]] = []
    resolve: list[tuple[int, str]] = []
    for cable_id, (item, p) in enumerate(new, start=base + 1):
        row = p.row
        values = list(row.values()) if tuple(row) == columns else [row[c] for c in columns]
        cables.append([cable_id, *values, 1, item.source, at, at])
        versions.append((cable_id, p.sha, item.data, item.source, at))
        tags.extend((cable_id, t) for t in p.tags)
        addressees.extend((cable_id, *a) for a in p.addressees)
        workflow.append((cable_id, row["prec_rank"], at))
        links.extend(
            (cable_id, k, letter, ref, text, ref, doubled_year(ref))
            for k, (letter, ref, text) in enumerate(p.links)
        )
        resolve.append((cable_id, p.ref))
        assert item.data is not None
        fts.add(FTS_INSERT, cable_id, p.ref, row["subject"], str(row["tags"]), item.data)
    conn.executemany(
        _insert_cable_sql(("id", *columns, "version", "source", "updated_at", "received_at")),
        cables,
    )
    conn.executemany(
        "INSERT INTO cable_versions (cable_id, version, sha256, raw, source, received_at) "
        "VALUES (?, 1, ?, ?, ?, ?)",
        versions,
    )
    if tags:
        conn.executemany("INSERT INTO cable_tags (cable_id, tag) VALUES (?, ?)", tags)
    if addressees:
        conn.executemany(
            "INSERT INTO addressees (cable_id, kind, seq, ri, name, precedence, niact, mcn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            addressees,
        )
    conn.executemany(
        "INSERT INTO workflow (cable_id, status, row_version, prec_rank, received_at) "
        "VALUES (?, 'NEW', 1, ?, ?)",
        workflow,
    )
    store_new_links(conn, links, resolve)


def raw_bytes(
    conn: sqlite3.Connection, reference_id: str, version: int | None = None
) -> bytes | None:
    """The cable exactly as received (the current version unless one is named)."""
    if version is None:
        row = conn.execute(
            "SELECT v.raw FROM cables c JOIN cable_versions v ON v.cable_id = c.id "
            "AND v.version = c.version WHERE c.reference_id = ?",
            (reference_id,),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT v.raw FROM cables c JOIN cable_versions v ON v.cable_id = c.id "
            "WHERE c.reference_id = ? AND v.version = ?",
            (reference_id, version),
        ).fetchone()
    return bytes(row[0]) if row else None
