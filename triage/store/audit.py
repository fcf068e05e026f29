"""The audit log, made tamper-evident: every row carries a SHA-256 hash chained to the row before.

Two triggers keep the log append-only, but anyone who can write the cache file can drop them
with `sqlite3` and rewrite history. The chain makes that visible: a row's hash covers its own
fields and the previous row's hash, so a row changed, removed or slipped in after it was written
breaks the chain at that row or the one after it, and `verify` names it. Rows are appended only
by `append`, inside the caller's BEGIN IMMEDIATE transaction: the previous hash is read under
the write lock, so appends from many processes at once still form one chain.

What a chain cannot show on its own: the newest rows cut off the end (the rest still chains),
or the whole log rewritten by someone who recomputes every hash (the method is public and there
is no key: every officer's triage must be able to append). `verify` prints the head (the last
row and its hash) for a desk to note somewhere the cache's writers cannot reach; `anchor_problem`
checks a noted head later.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .storable import NUL, NUL_SYMBOL, storable
from .txn import rollback

GENESIS = "0" * 64

AUDIT_COLUMNS = ("at", "who", "cable_id", "reference_id", "field", "old", "new")

# the two triggers, exactly as created (a trigger with the right name and another body counts
# as missing: it is dropped and made again)
TRIGGERS = {
    "audit_no_update": (
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
    "audit_no_delete": (
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    ),
}

AuditRow = tuple[str, str, int | None, str | None, str, str | None, str | None]


def row_hash(row_id: int, values: Iterable[object], prev: str) -> str:
    """SHA-256 over a canonical encoding of the row (id and fields) and the previous row's hash:
    a JSON array, UTF-8, no spaces, so the same row always encodes to the same bytes."""
    payload = json.dumps(
        [row_id, *values, prev], ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return 0, GENESIS
    return int(row[0]), row[1] or ""


def append(
    conn: sqlite3.Connection,
    rows: Iterable[AuditRow],
    *,
    batch: str | None = None,
    row_version: int | None = None,
) -> None:
    """Append rows to the log, chained. Call inside the caller's write transaction. A workflow
    change also names its batch (one key press) and the row version it produced, which `u`
    undoes by; they are bookkeeping for undo, outside the hash (the chain covers what was
    changed, by whom, when)."""
    if not conn.in_transaction:
        raise RuntimeError("audit.append runs inside a BEGIN IMMEDIATE transaction")
    last_id, prev = _head(conn)
    for row in rows:
        # hashed as stored: PostgreSQL stores a NUL as its symbol, and a row hashed over the NUL
        # no longer matched its own fields there (every console showed a tamper alarm)
        values = tuple(storable(v) for v in row)
        last_id += 1
        h = row_hash(last_id, values, prev)
        conn.execute(
            "INSERT INTO audit (id, at, who, cable_id, reference_id, field, old, new, hash, "
            "batch, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (last_id, *values, h, batch, row_version),
        )
        prev = h


def chain_existing(conn: sqlite3.Connection) -> None:
    """Schema 4: give every row that has no hash yet its place in the chain (inside the
    migration's transaction; the update trigger is dropped and made again around it)."""
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    prev = GENESIS
    cols = ", ".join(AUDIT_COLUMNS)
    rows = conn.execute(f"SELECT id, {cols} FROM audit ORDER BY id").fetchall()
    for r in rows:
        h = row_hash(int(r[0]), r[1:], prev)
        conn.execute("UPDATE audit SET hash = ? WHERE id = ?", (h, r[0]))
        prev = h
    conn.execute(TRIGGERS["audit_no_update"])


# -- the triggers -------------------------------------------------------------------------------


def _norm(sql: str | None) -> str:
    return " ".join((sql or "").split()).rstrip(";").lower()


def trigger_problems(conn: sqlite3.Connection) -> dict[str, str]:
    """Which of the two triggers is missing or altered: name -> 'missing' | 'altered'."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres.audit import trigger_problems as pg_trigger_problems

        return pg_trigger_problems(conn)
    have = {
        str(name): str(sql or "")
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        )
    }
    out: dict[str, str] = {}
    for name, sql in TRIGGERS.items():
        if name not in have:
            got = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
            ).fetchone()
            out[name] = "altered" if got else "missing"
        elif _norm(have[name]) != _norm(sql):
            out[name] = "altered"
    return out


def ensure_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """Make the two triggers again where one is missing or altered, in one short write
    transaction; return what was wrong (empty when both were in place)."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres.audit import ensure_triggers as pg_ensure_triggers

        return pg_ensure_triggers(conn)
    if not trigger_problems(conn):
        return {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        problems = trigger_problems(conn)
        for name in problems:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            conn.execute(TRIGGERS[name])
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return problems


def describe_triggers(problems: dict[str, str], *, was: bool = False) -> str:
    verb = "was" if was else "is"
    how = {"missing": "dropped", "altered": "altered"}
    return "; ".join(
        f"the audit log's trigger {name} {verb} {what} ({how[what]} outside triage)"
        for name, what in problems.items()
    )


# -- checking the chain ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold, and why."""

    row_id: int
    at: str | None
    who: str | None
    reference_id: str | None
    field: str | None
    why: str

    def line(self) -> str:
        what = ", ".join(
            str(x) for x in (_short(self.at), self.who, self.reference_id, self.field) if x
        )
        return f"row {self.row_id} ({what}): {self.why}"


@dataclass(frozen=True)
class Verdict:
    rows: int
    head_id: int
    head_hash: str
    broken: Break | None
    triggers: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.triggers

    def problems(self) -> list[str]:
        out = []
        if self.broken is not None:
            out.append(f"the audit log's chain is broken at {self.broken.line()}")
        if self.triggers:
            out.append(describe_triggers(self.triggers))
        return out


def _short(at: str | None) -> str | None:
    return at[:16].replace("T", " ") + "Z" if at else None


def _walk(
    conn: sqlite3.Connection, after_id: int, prev: str
) -> Iterator[tuple[int, str, Break | None]]:
    """Check rows after `after_id` against the chain from `prev`; yields (id, hash, break)."""
    cols = ", ".join(AUDIT_COLUMNS)
    cur = conn.execute(f"SELECT id, {cols}, hash FROM audit WHERE id > ? ORDER BY id", (after_id,))
    expected_id = after_id + 1
    for r in cur:
        rid, values, stored = int(r[0]), r[1:-1], r[-1]
        brk = None
        if stored is None or stored == "":
            why = "it has no hash (inserted outside triage, or by a triage older than schema 4)"
        elif row_hash(rid, values, prev) == stored or _hashed_before_stored(
            rid, values, prev, stored
        ):
            why = ""  # (a gap in the ids that still chains was there before the chain began)
        elif rid != expected_id:
            gone = (
                f"row {expected_id} before it is"
                if rid - 1 == expected_id
                else f"rows {expected_id}-{rid - 1} before it are"
            )
            why = f"{gone} gone (removed after it was written)"
        else:
            why = (
                "its hash does not match (this row was changed after it was written, or the "
                "row before it was rewritten)"
            )
        if why:
            brk = Break(rid, values[0], values[1], values[3], values[4], why)
        yield rid, stored or "", brk
        if brk is not None:
            return
        prev = stored
        expected_id = rid + 1


def _hashed_before_stored(rid: int, values: tuple[object, ...], prev: str, stored: str) -> bool:
    """A row with a NUL in it that an earlier triage wrote on PostgreSQL (or that was copied
    there, or back, from SQLite): its hash covers the NUL, the server stored the symbol. Read
    back as NULs, the symbols hash to the row's hash. (Only NUL and its symbol are told apart
    this way: any other change still breaks the chain.)"""
    if not any(isinstance(v, str) and NUL_SYMBOL in v for v in values):
        return False
    back = [v.replace(NUL_SYMBOL, NUL) if isinstance(v, str) else v for v in values]
    return row_hash(rid, back, prev) == stored


def verify(conn: sqlite3.Connection) -> Verdict:
    """Check the whole chain and the two triggers (a read: takes no lock others wait on)."""
    conn.execute("BEGIN")  # one snapshot for the walk
    try:
        head_id, head_hash, n = 0, GENESIS, 0
        broken = None
        for rid, h, brk in _walk(conn, 0, GENESIS):
            if brk is not None:
                broken = brk
                break
            head_id, head_hash, n = rid, h, n + 1
        triggers = trigger_problems(conn)
    finally:
        conn.execute("COMMIT")
    return Verdict(n, head_id, head_hash, broken, triggers)


def anchor_problem(conn: sqlite3.Connection, row_id: int, noted: str) -> str | None:
    """Against a head noted earlier (row and hash, from `verify`): since each hash covers every
    row before it, a chain that holds and still has that hash at that row has kept every row up
    to it unchanged. What is wrong, or None."""
    row = conn.execute("SELECT hash FROM audit WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        last = conn.execute("SELECT coalesce(max(id), 0) FROM audit").fetchone()[0]
        return f"row {row_id} noted earlier is gone: the log now ends at row {last} (cut short)"
    if (row[0] or "").lower() != noted.strip().lower():
        return f"row {row_id} no longer has the hash noted earlier: the log up to it was rewritten"
    return None


class ChainWatch:
    """For a console: the whole chain is checked at the first look; a later look checks the rows
    added since, that the last row checked kept its hash and no row before it vanished, and the
    triggers. The whole chain is checked again when the schema changed since (rows can be
    rewritten only after a trigger is dropped, which changes the schema) and at least every
    `FULL_EVERY` seconds (the sqlite3 shell can also switch triggers off for its own session,
    which leaves no trace in the schema). A look between full ones stays cheap however long the
    log grows: a full check runs at ~15-25 us a row (3-5 s at 200,000 rows on a busy host)."""

    FULL_EVERY = 300.0

    def __init__(self) -> None:
        self.head_id = 0
        self.head_hash = GENESIS
        self.rows = 0
        self.schema: int | None = None
        self.full_at: float | None = None
        self.verdict: Verdict | None = None
        self._lock = threading.Lock()

    def look(self, conn: sqlite3.Connection, now: float | None = None) -> Verdict:
        """Safe from several threads at once (one look at a time)."""
        with self._lock:
            return self._look(conn, time.monotonic() if now is None else now)

    def _look(self, conn: sqlite3.Connection, now: float) -> Verdict:
        schema = int(conn.execute("PRAGMA schema_version").fetchone()[0])
        if (
            self.verdict is None
            or not self.verdict.ok
            or schema != self.schema
            or self.full_at is None
            or now - self.full_at >= self.FULL_EVERY
        ):
            return self._full(conn, schema, now)
        conn.execute("BEGIN")
        try:
            same = conn.execute(
                "SELECT hash, (SELECT count(*) FROM audit WHERE id <= ?) FROM audit WHERE id = ?",
                (self.head_id, self.head_id),
            ).fetchone()
            moved = self.head_id and (
                same is None or same[0] != self.head_hash or same[1] != self.rows
            )
            broken = None
            if not moved:
                for rid, h, brk in _walk(conn, self.head_id, self.head_hash):
                    if brk is not None:
                        broken = brk
                        break
                    self.head_id, self.head_hash, self.rows = rid, h, self.rows + 1
                triggers = trigger_problems(conn)
        finally:
            conn.execute("COMMIT")
        if moved:
            return self._full(conn, schema, now)
        self.verdict = Verdict(self.rows, self.head_id, self.head_hash, broken, triggers)
        return self.verdict

    def _full(self, conn: sqlite3.Connection, schema: int, now: float) -> Verdict:
        v = verify(conn)
        self.verdict, self.schema, self.full_at = v, schema, now
        if v.broken is None:
            self.head_id, self.head_hash, self.rows = v.head_id, v.head_hash, v.rows
        return v


# -- reading the log --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    who: str
    reference_id: str | None
    field: str
    old: str | None
    new: str | None
    db_role: str | None = None  # on PostgreSQL: the database role that wrote it (the server's word)


def entries(
    conn: sqlite3.Connection,
    *,
    reference_id: str | None = None,
    who: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[Entry]:
    """The log, oldest first, filtered by cable, by who made the change, and by time (ISO UTC
    strings compared as text: `since` inclusive, `until` exclusive)."""
    where, args = [], []
    if reference_id is not None:
        where.append("reference_id = ?")
        args.append(reference_id)
    if who is not None:
        where.append("who = ?")
        args.append(who)
    if since is not None:
        where.append("at >= ?")
        args.append(since)
    if until is not None:
        where.append("at < ?")
        args.append(until)
    role = ", db_role" if getattr(conn, "backend", "sqlite") == "postgresql" else ""
    sql = f"SELECT id, at, who, reference_id, field, old, new{role} FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    for r in conn.execute(sql + " ORDER BY id", args):
        yield Entry(*r)


def look_for_console(
    watch: ChainWatch, conn: sqlite3.Connection, mend: bool = False
) -> tuple[str | None, list[str]]:
    """One look for a console: (what was mended, the problems now). With `mend`, triggers that
    were dropped or altered are made again first (a console is a command that writes)."""
    mended = None
    if mend:
        try:
            fixed = ensure_triggers(conn)
        except sqlite3.Error:
            fixed = {}
        if fixed:
            mended = describe_triggers(fixed, was=True) + "; made again"
    return mended, watch.look(conn).problems()
