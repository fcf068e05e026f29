"""Officers, assignment, status, suspense, notes, acknowledgement, and the audit log.

Every change runs in one short BEGIN IMMEDIATE transaction that checks the row version the
user started from: a change to a cable someone else changed meanwhile is refused with who and
when, never written over. Who did it is the operating system's login, passed in by the caller
from `config.current_login()`.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..cable.model import Status, is_acknowledged_precedence
from .audit import append as append_audit
from .clock import utcnow
from .filter_words import OFFICER_ME, OFFICER_NOBODY
from .since import span
from .storable import storable
from .txn import rollback

STATUSES = [s.value for s in Status]
# statuses that say an officer holds the cable: none is set on a cable nobody holds (the New
# tab, "unassigned and open", listed cables whose STATUS said PROG, and report's counts and the
# tabs' disagreed), and removing the officer takes one back to NEW
OWNED_STATUSES = ("ASSIGNED", "IN PROGRESS", "AWAITING REPLY")


class WorkflowError(Exception):
    """A change that cannot be made; the message says why."""


class Ambiguous(WorkflowError):
    """A reference typed without its year (`PARIS 1877`) that cables of several years have."""

    def __init__(self, typed: str, held: list[str]) -> None:
        self.held = held
        super().__init__(
            f"{typed} is ambiguous: it may be {', '.join(held)}; type the year ({held[-1]})"
        )


class Conflict(WorkflowError):
    """Someone else changed the cable after this user read it."""

    def __init__(
        self,
        reference_id: str,
        who: str | None,
        when: str | None,
        current: State | None = None,
    ) -> None:
        self.reference_id = reference_id
        self.who = who
        self.when = when
        # the cable's workflow as it is now, so the user sees the other's change before deciding
        self.current = current
        super().__init__(
            f"{reference_id} was changed by {who or 'someone'} at {_short(when)}, after the "
            "version you changed; nothing was overwritten, the row now shows their change"
        )


def _short(when: str | None) -> str:
    return (when or "?")[:16].replace("T", " ") + "Z" if when else "?"


@dataclass
class State:
    cable_id: int
    reference_id: str
    precedence: str | None
    prec_rank: int
    officer: str | None
    status: str
    due_at: str | None
    note: str
    ack_by: str | None
    ack_at: str | None
    row_version: int
    changed_at: str | None
    changed_by: str | None


class CommitUnknown(sqlite3.OperationalError):
    """The connection to a database server was lost while its COMMIT was on the way: the
    server may have committed the change (a stopped server does, once it runs again) or not,
    and no one can tell until it answers. Saying "not saved" had the officer type it again, and
    a change made twice (a note appended twice). Whoever made the change asks `was_saved` once
    the server answers: the audit log holds the change's batch, cable and row version exactly
    when it was committed."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why
        self.batch: str | None = None
        self.cable_id: int | None = None
        self.reference_id: str | None = None
        self.row_version: int | None = None
        self.what = ""  # the change in words (`status IN PROGRESS`)
        self.server_pid: int | None = None  # the server's process that had the transaction


def _outcome_unknown(conn: sqlite3.Connection) -> bool:
    """After a failed COMMIT: was the connection lost (on a server), so that whether the
    server committed is unknown? A COMMIT the server answered with an error was rolled back;
    SQLite's COMMIT is in this process, its failure a rollback."""
    return getattr(conn, "backend", "sqlite") == "postgresql" and bool(
        getattr(conn, "closed", False)
    )


def _server_pid(conn: sqlite3.Connection) -> int | None:
    """The server process of a connection to a server (libpq knows it: no round trip)."""
    raw = getattr(conn, "raw", None)
    try:
        return int(raw.info.backend_pid) if raw is not None else None
    except Exception:
        return None


@contextmanager
def _write(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        rollback(conn)
        raise
    pid = _server_pid(conn)
    try:
        conn.execute("COMMIT")  # a COMMIT that fails (a full disk) is rolled back too
    except sqlite3.Error as exc:
        rollback(conn)
        if _outcome_unknown(conn):
            unknown = CommitUnknown(str(exc))
            unknown.server_pid = pid
            raise unknown from exc
        raise
    except BaseException:
        rollback(conn)
        raise


def find_cable(conn: sqlite3.Connection, reference_id: str) -> int:
    ref = reference_id.strip()
    row = conn.execute("SELECT id FROM cables WHERE reference_id = ?", (ref,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT id FROM cables WHERE reference_id = ?", (ref.upper(),)
        ).fetchone()
    if row is None:
        # as typed in a REF line or `triage thread` (`PARIS 1877`, `26 paris 1877`, without its
        # year when one year's is held): raw and audit said no such cable
        from .threads import held_years, normalise_ref

        held = held_years(conn, ref) or [normalise_ref(ref)]
        if len(held) > 1:
            raise Ambiguous(reference_id, held)
        row = conn.execute("SELECT id FROM cables WHERE reference_id = ?", (held[0],)).fetchone()
    if row is None:
        raise WorkflowError(f"no cable {reference_id} in the cache")
    return int(row[0])


def state(conn: sqlite3.Connection, cable_id: int) -> State:
    row = conn.execute(
        "SELECT c.id, c.reference_id, c.precedence, c.prec_rank, w.officer, w.status, w.due_at, "
        "w.note, w.ack_by, w.ack_at, w.row_version, w.changed_at, w.changed_by "
        "FROM cables c JOIN workflow w ON w.cable_id = c.id WHERE c.id = ?",
        (cable_id,),
    ).fetchone()
    if row is None:
        raise WorkflowError(f"no cable with id {cable_id}")
    return State(*row)


def normalise_status(value: str) -> str:
    v = re.sub(r"[\s_-]+", " ", value.strip().upper())
    aliases = {"INPROGRESS": "IN PROGRESS", "AWAITING": "AWAITING REPLY", "NOACTION": "NO ACTION"}
    v = aliases.get(v.replace(" ", ""), v)
    if v.isdigit() and len(v) < 3 and 1 <= int(v) <= len(STATUSES):
        v = STATUSES[int(v) - 1]
    if v not in STATUSES:
        raise WorkflowError(f"unknown status {value!r}: one of {', '.join(STATUSES)}")
    return v


def new_batch(scope: str = "") -> str:
    """One key press's changes (over one cable or many) share a batch: `u` undoes them whole.
    `scope`: a console's own prefix, so that its `u` undoes its own changes only (see
    undo_last)."""
    return scope + uuid.uuid4().hex


# fields that change together (an assignment sets the status): a change to one is a change to
# the others, for telling whether two officers' changes meet
_TOGETHER = ({"officer", "status"}, {"due_at"}, {"note"}, {"ack_by", "ack_at"})


def _apart(
    conn: sqlite3.Connection, cable_id: int, read: int, now: int, changes: dict[str, Any]
) -> bool:
    """Whether every change made since the user read version `read` (to `now`) left alone the
    fields this one sets: a colleague's note does not stop a status change made over it, while
    their assignment does. Versions the log does not account for (a hand-made UPDATE) meet."""
    rows = conn.execute(
        "SELECT field, row_version FROM audit WHERE cable_id = ? AND row_version > ? "
        "AND row_version <= ?",
        (cable_id, read, now),
    ).fetchall()
    if len({int(v) for _f, v in rows}) != now - read:
        return False
    touched = {str(f) for f, _v in rows}
    wanted = set(changes)
    return not any(group & touched and group & wanted for group in _TOGETHER)


def _change(
    conn: sqlite3.Connection,
    cable_id: int,
    who: str,
    expected_version: int | None,
    changes: dict[str, Any],
    batch: str | None = None,
    merge: bool = True,
) -> State:
    """Apply field changes to one cable, with the audit rows, if its version is as expected,
    or (with `merge`) if what changed since left the fields it sets alone. An undo does not
    merge: it leaves a cable anyone changed since as it is."""
    now = utcnow()
    batch = batch or new_batch()
    # what a user typed, as both backends store it (a NUL as its symbol): compared, written
    # and hashed into the audit log as it will be read back
    changes = {k: storable(v) for k, v in changes.items()}
    who = storable(who)
    made: list[tuple[str, int, dict[str, Any]]] = []  # (reference, version, changes) to commit
    try:
        return _change_in(conn, cable_id, who, expected_version, changes, batch, merge, now, made)
    except CommitUnknown as exc:
        if not made:  # (nothing to change: nothing was written, whatever the server did)
            raise sqlite3.OperationalError(exc.why) from exc
        exc.batch, exc.cable_id = batch, cable_id
        exc.reference_id, exc.row_version, done = made[-1]
        kind = {UNDO: "undone: ", REDO: "redone: "}.get(batch[: len(UNDO)], "")
        exc.what = kind + change_words(done)
        raise


def _change_in(
    conn: sqlite3.Connection,
    cable_id: int,
    who: str,
    expected_version: int | None,
    changes: dict[str, Any],
    batch: str,
    merge: bool,
    now: str,
    made: list[tuple[str, int, dict[str, Any]]],
) -> State:
    with _write(conn):
        st = state(conn, cable_id)
        if (
            expected_version is not None
            and st.row_version != expected_version
            and not (merge and _apart(conn, cable_id, expected_version, st.row_version, changes))
        ):
            raise Conflict(st.reference_id, st.changed_by, st.changed_at, current=st)
        officer = changes.get("officer", st.officer)
        status = changes.get("status", st.status)
        # (read here, under the write lock: a status or an officer set meanwhile counts)
        if merge and officer is None and status in OWNED_STATUSES:
            if "status" in changes:
                raise WorkflowError(
                    f"{st.reference_id} has no officer, and {status} is an officer's "
                    "status: assign it first"
                )
            changes = {**changes, "status": "NEW"}
        elif merge and officer is not None and status == "NEW":
            # NEW is a cable nobody holds (the New tab lists those): an officer's cable set to
            # NEW kept its officer, and the tab and `report` counted it differently
            if "status" in changes:
                raise WorkflowError(
                    f"{st.reference_id} is {officer}'s, and NEW is a cable nobody holds: remove "
                    "the officer instead (A, or triage unassign), which sets NEW"
                )
            changes = {**changes, "status": "ASSIGNED"}
        audit = []
        for field, new in changes.items():
            old = getattr(st, field)
            if old == new:
                continue
            audit.append((now, who, cable_id, st.reference_id, field, old, new))
        if not audit:
            return st
        sets = ", ".join(f"{k} = ?" for k in changes)
        cur = conn.execute(
            f"UPDATE workflow SET {sets}, row_version = row_version + 1, changed_at = ?, "
            "changed_by = ? WHERE cable_id = ? AND row_version = ?",
            [*changes.values(), now, who, cable_id, st.row_version],
        )
        if cur.rowcount != 1:  # pragma: no cover - BEGIN IMMEDIATE makes this impossible
            raise Conflict(st.reference_id, None, None)
        append_audit(
            conn,
            [
                (a, b, c, d, e, None if f is None else str(f), None if g is None else str(g))
                for a, b, c, d, e, f, g in audit
            ],
            batch=batch,
            row_version=st.row_version + 1,
        )
        if "officer" in changes and changes["officer"]:
            conn.execute(
                "INSERT OR IGNORE INTO officers (login, added_at) VALUES (?, ?)",
                (changes["officer"], now),
            )
        after = state(conn, cable_id)
        made.append((st.reference_id, st.row_version + 1, changes))
        return after


def was_saved(conn: sqlite3.Connection, unsure: CommitUnknown) -> bool | None:
    """Whether the change whose COMMIT's outcome was unknown is in the cache: its audit rows
    (its batch, on its cable, at the version it made) are there exactly when it was committed.
    Ask on another connection, once the server answers (the one the change was made on is
    lost). None: not known yet (the server process that had the transaction is still at it:
    a server just woken may not have read the COMMIT yet)."""
    if unsure.batch is None or unsure.cable_id is None:
        return False
    if unsure.server_pid is not None and getattr(conn, "backend", "") == "postgresql":
        busy = conn.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = ? AND state IN ('active', "
            "'idle in transaction', 'idle in transaction (aborted)')",
            (unsure.server_pid,),
        ).fetchone()
        if busy is not None:
            return None
    row = conn.execute(
        "SELECT 1 FROM audit WHERE cable_id = ? AND batch = ? AND row_version = ? LIMIT 1",
        (unsure.cable_id, unsure.batch, unsure.row_version),
    ).fetchone()
    return row is not None


def change_words(changes: dict[str, Any]) -> str:
    """A change as a desk officer would say it: `status IN PROGRESS`, `officer kwalker`,
    `note "seen by RSO…"`, `acknowledged`."""
    words = []
    for field, value in changes.items():
        if field == "ack_at":
            continue
        if field == "ack_by":
            words.append("acknowledged")
        elif field == "officer" and value is None:
            words.append("officer removed")
        elif field == "note":
            words.append(f'note "{_short_value(value)}"' if value else "note cleared")
        else:
            words.append(f"{FIELD_WORDS.get(field, field)} {_short_value(value)}")
    return ", ".join(words)


def assign(
    conn: sqlite3.Connection,
    cable_id: int,
    officer: str,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    officer = officer.strip()
    if not officer or any(ord(ch) < 32 for ch in officer) or len(officer) > 64:
        raise WorkflowError("an officer is a login or name of 1 to 64 printable characters")
    if officer.lower() in OFFICER_NOBODY:
        raise WorkflowError(reserved_officer(officer))
    st = state(conn, cable_id)
    changes: dict[str, Any] = {"officer": officer}
    if st.status == "NEW":
        changes["status"] = "ASSIGNED"
    return _change(conn, cable_id, who, expected_version, changes, batch)


def reserved_officer(name: str, unassign: str = "unassign the cable") -> str:
    """Why `name` (none, nobody, -) cannot be an officer: filters read it as nobody, so the
    officer's cables would be listed as nobody's, and theirs left out."""
    return (
        f"{name} cannot be an officer's name: officer:{name} means nobody in a filter (the "
        f"cables nobody holds); nothing assigned. To remove the officer, {unassign}"
    )


def unassign(
    conn: sqlite3.Connection,
    cable_id: int,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    # (an officer's status goes back to NEW with the officer: _change decides, under the lock)
    return _change(conn, cable_id, who, expected_version, {"officer": None}, batch)


def set_status(
    conn: sqlite3.Connection,
    cable_id: int,
    status: str,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    return _change(
        conn, cable_id, who, expected_version, {"status": normalise_status(status)}, batch
    )


def set_due(
    conn: sqlite3.Connection,
    cable_id: int,
    due_utc: str | None,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    return _change(conn, cable_id, who, expected_version, {"due_at": due_utc}, batch)


# the longest note: several pages of text. A longer one is a pasted document (a 600,000-character
# note was taken, and then Python's csv module refused the export, field limit 131,072, and a
# spreadsheet cuts a cell at 32,767)
NOTE_MAX_CHARS = 10_000


def note_too_long(note: str) -> str | None:
    """Why `note` cannot be saved, or None."""
    if len(note) <= NOTE_MAX_CHARS:
        return None
    return (
        f"a note holds at most {NOTE_MAX_CHARS:,} characters, and this one has {len(note):,}: "
        "shorten it (a long text belongs in a file the note names)"
    )


def set_note(
    conn: sqlite3.Connection,
    cable_id: int,
    note: str,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    if why := note_too_long(note):
        raise WorkflowError(why)
    return _change(conn, cable_id, who, expected_version, {"note": note}, batch)


def acknowledge(
    conn: sqlite3.Connection,
    cable_id: int,
    who: str,
    expected_version: int | None = None,
    batch: str | None = None,
) -> State:
    st = state(conn, cable_id)
    if not is_acknowledged_precedence(st.prec_rank):
        raise WorkflowError(
            f"{st.reference_id} is {st.precedence or 'without precedence'}: only EMERGENCY, "
            "FLASH and NIACT IMMEDIATE cables are acknowledged"
        )
    if st.ack_by:
        raise WorkflowError(
            f"{st.reference_id} was already acknowledged by {st.ack_by} at {_short(st.ack_at)}"
        )
    return _change(
        conn, cable_id, who, expected_version, {"ack_by": who, "ack_at": utcnow()}, batch
    )


# -- undo ------------------------------------------------------------------------------------------

UNDOABLE = ("officer", "status", "due_at", "note", "ack_by", "ack_at")


UNDO, REDO = "undo:", "redo:"  # the batch of an undo or a redo names the batch it is about


@dataclass
class Undone:
    """What `undo_last` or `redo_last` did: the cables put back, and those someone else
    changed since (left as they are)."""

    label: str
    done: list[str]
    conflicts: list[str]


def _next_step(
    conn: sqlite3.Connection, who: str, redo: bool, scope: str = ""
) -> tuple[str, str, set[str]] | None:
    """(the batch to reverse, the change it is about, `who`'s batches newer than it) for
    `who`'s next undo or redo.

    A change X stands (done) or is undone according to the newest of X, `undo:X`, `redo:X`.
    Undo reverses the newest change that stands (the batch whose effect is current: X or
    `redo:X`), so `u` again steps further back; redo reverses the newest `undo:X` whose
    change is still undone. Read newest first from the (who, id) index, a page at a time,
    until found."""
    decided: set[str] = set()
    seen: set[str] = set()
    mine: set[str] = set()  # the batches in `scope` (another session's are not stepped over)
    before = None
    while True:
        rows = conn.execute(
            "SELECT id, batch FROM audit WHERE who = ? AND batch IS NOT NULL "
            "AND cable_id IS NOT NULL"
            + (" AND id < ?" if before is not None else "")
            + " ORDER BY id DESC LIMIT 500",
            (who,) if before is None else (who, before),
        ).fetchall()
        if not rows:
            return None
        for row_id, batch in rows:
            before = row_id
            if batch in seen:
                continue
            seen.add(batch)
            kind = batch[:5] if batch[:5] in (UNDO, REDO) else ""
            change = batch[5:] if kind else batch
            if scope and not change.startswith(scope):
                continue
            mine.add(batch)
            if change in decided:
                continue
            decided.add(change)
            if (kind == UNDO) == redo and _puts_back(conn, batch):
                return batch, change, mine - {batch}


def _puts_back(conn: sqlite3.Connection, batch: str) -> bool:
    """Whether the batch changed any field an undo puts back (a refused undo's batch holds
    only the refusal: stepping past it, `u` goes on to older changes)."""
    marks = ", ".join("?" * len(UNDOABLE))
    return (
        conn.execute(
            f"SELECT 1 FROM audit WHERE batch = ? AND field IN ({marks}) LIMIT 1",
            (batch, *UNDOABLE),
        ).fetchone()
        is not None
    )


def undo_last(conn: sqlite3.Connection, who: str, scope: str = "") -> Undone | None:
    """Undo `who`'s last change that stands (one key press: a status, a bulk assign, DONE) as
    a new change, recorded in the audit log like any other and checked against the row version
    the change produced: a cable someone else changed since is left alone and named. Pressed
    again, it steps further back (as vim's `u`); `redo_last` takes an undo back. None when
    `who` has nothing left to undo. With `scope` (a console's), only the changes made with
    batches of that scope: a console's `u` undid a note its officer wrote from a shell."""
    step = _next_step(conn, who, redo=False, scope=scope)
    return None if step is None else _reverse(conn, who, step[0], UNDO + step[1], step[2])


def redo_last(conn: sqlite3.Connection, who: str, scope: str = "") -> Undone | None:
    """Take back `who`'s last undo that still stands (vim's ctrl+r), checked as an undo is.
    None when there is nothing to redo."""
    step = _next_step(conn, who, redo=True, scope=scope)
    return None if step is None else _reverse(conn, who, step[0], REDO + step[1], step[2])


def _reverse(
    conn: sqlite3.Connection, who: str, batch: str, again: str, stepped: set[str]
) -> Undone:
    """Put back what `batch` changed, as batch `again`. A cable changed since only by `who`'s
    own later batches that were stepped over (`stepped`: changes undone, undos redone, which
    cancel out), or by others in fields apart from these (a note beside a status), is put back;
    one anybody else changed in the same fields since (or a change outside the log) is left and
    named."""
    per_cable: dict[int, tuple[str, int, dict[str, str | None]]] = {}
    changes: list[tuple[int, str, str | None, str | None]] = []  # (cable, field, old, new)
    for cid, ref, field, old, new, version in conn.execute(
        "SELECT cable_id, reference_id, field, old, new, row_version FROM audit "
        "WHERE batch = ? ORDER BY id",
        (batch,),
    ):
        if field not in UNDOABLE:
            continue
        _ref, seen_v, back = per_cable.setdefault(int(cid), (str(ref), int(version), {}))
        back.setdefault(field, old)  # the value before the batch's first change of it
        if int(version) > seen_v:  # a batch that changed the cable twice (acknowledge, DONE)
            per_cable[int(cid)] = (str(ref), int(version), back)
        changes.append((int(cid), str(field), old, new))
    done: list[str] = []
    put_back: set[int] = set()
    refused: list[tuple[int, str, str]] = []  # (cable, reference, why)
    for cid, (ref, version, back) in per_cable.items():
        later = conn.execute(
            "SELECT who, batch, row_version FROM audit WHERE cable_id = ? AND row_version > ?",
            (cid, version),
        ).fetchall()
        if later and all(w == who and b in stepped for w, b, _v in later):
            version = max(int(v) for _w, _b, v in later)
        try:
            # merged as the change itself was: a colleague's note since does not stop the
            # undo of a status (it did, though the status was set over the same note), their
            # assignment or status does
            _change(conn, cid, who, version, dict(back), again)
            done.append(ref)
            put_back.add(cid)
        except Conflict as exc:
            refused.append((cid, ref, str(_who_is_in_the_way(conn, exc, cid, version, back, who))))
        except WorkflowError as exc:  # (what is put back is no longer allowed)
            refused.append((cid, ref, str(exc)))
    if refused:
        # said in the log, in this undo's (or redo's) batch: the next `u` steps past the
        # refused change to older ones instead of meeting the same refusal again
        what = again[:4]
        now = utcnow()
        with _write(conn):
            append_audit(
                conn,
                [(now, who, cid, ref, what, None, f"refused: {why}") for cid, ref, why in refused],
                batch=again,
            )
    return Undone(_undo_label(changes, put_back), done, [why for _cid, _ref, why in refused])


def _undo_label(changes: list[tuple[int, str, str | None, str | None]], cables: set[int]) -> str:
    """What an undo put back, in words, from the changes of the cables it did put back:
    `status NO ACTION -> NEW`; cables that had different values before: `-> as each was`. (A
    cable the undo left, someone having changed it since, is named apart: it said `as each
    was` for the one cable put back.)"""
    fields_seen: list[tuple[str, str | None, str | None]] = []
    olds: dict[str, set[str | None]] = {}
    for cid, field, old, new in changes:
        if cid not in cables:
            continue
        if len(fields_seen) < 3 and field not in [f for f, _, _ in fields_seen]:
            fields_seen.append((field, new, old))
        olds.setdefault(field, set()).add(old)
    return ", ".join(
        f"{FIELD_WORDS.get(f, f)} {_short_value(n)} -> "
        + (_short_value(o) if len(olds.get(f, ())) <= 1 else "as each was")
        for f, n, o in fields_seen
    )


def _who_is_in_the_way(
    conn: sqlite3.Connection,
    exc: Conflict,
    cid: int,
    version: int,
    back: dict[str, str | None],
    who: str,
) -> Conflict:
    """The refusal of an undo names whoever last changed the fields it would put back, not
    whoever changed the cable last: that was often the officer's own undo of something else
    (a note), and the refusal said they were "someone else"."""
    fields = sorted(back)
    marks = ", ".join("?" for _ in fields)
    row = conn.execute(
        f"SELECT who, at FROM audit WHERE cable_id = ? AND row_version > ? AND field IN ({marks}) "
        "ORDER BY id DESC LIMIT 1",
        (cid, version, *fields),
    ).fetchone()
    if row is None or row[0] == exc.who:
        return exc
    return Conflict(exc.reference_id, str(row[0]), str(row[1]), exc.current)


# the audit's field names as an undo's message says them
FIELD_WORDS = {"due_at": "due", "ack_by": "acknowledged by", "ack_at": "acknowledged at"}


def _short_value(value: str | None) -> str:
    if value is None or value == "":
        return "-"
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z", value):
        # a time as the console shows times (`2026-12-01 09:00Z`), not as stored
        return value[:16].replace("T", " ") + "Z"
    return value if len(value) <= 24 else value[:23] + "…"


def known_officers(conn: sqlite3.Connection, configured: list[str]) -> list[str]:
    names = list(configured)
    names += [r[0] for r in conn.execute("SELECT login FROM officers ORDER BY login")]
    names += [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT officer FROM workflow WHERE officer IS NOT NULL ORDER BY officer"
        )
    ]
    return list(dict.fromkeys(n for n in names if n))


def officer_filtered(conn: sqlite3.Connection, name: str, configured: list[str]) -> tuple[str, str]:
    """The officer an `officer:` filter names, as `assign` reads a name (in any case), and ""
    or what to tell the user when no officer of that name is known (a filter of nobody would
    read as an officer with nothing to do): `jsmth is not a known officer (did you mean
    jsmith?)`. `me` and `none` are taken as they are; `none` with a word when an officer of
    that name holds cables (assigned before the word was refused as a name): not among them."""
    if name.lower() in OFFICER_ME:
        return name, ""
    if name.lower() in OFFICER_NOBODY:
        return name, reserved_holder(conn, name)
    officers = known_officers(conn, configured)
    known = {o.lower(): o for o in officers}
    if name.lower() in known:
        return known[name.lower()], ""
    said = f"{name} is not a known officer"
    close = near_officers(name, officers)
    if close:
        said += " (did you mean " + " or ".join(close) + "?)"
    return name, said


def reserved_holders(conn: sqlite3.Connection) -> dict[str, int]:
    """The officers named as filters read nobody or oneself (none, -, me: assigned before such
    names were refused) and how many open or closed cables each holds."""
    words = sorted(OFFICER_NOBODY | OFFICER_ME)
    marks = ", ".join("?" for _ in words)
    return {
        str(r[0]): int(r[1])
        for r in conn.execute(
            f"SELECT officer, count(*) FROM workflow WHERE lower(officer) IN ({marks}) "
            "GROUP BY officer ORDER BY officer",
            words,
        )
    }


def reserved_holder(conn: sqlite3.Connection, name: str) -> str:
    """What to say of `officer:none` when an officer named `none` (any case) holds cables:
    the filter lists the cables nobody holds, never theirs. "" when none does."""
    held = {k: n for k, n in reserved_holders(conn).items() if k.lower() == name.lower()}
    if not held:
        return ""
    who, n = next(iter(held.items()))
    return (
        f"officer:{name} lists the cables nobody holds; the {n:,} cable{'s' if n != 1 else ''} "
        f"of the officer named {who!r} (assigned before that was refused as a name) "
        f"{'are' if n != 1 else 'is'} not among them: give {'them' if n != 1 else 'it'} "
        "to an officer (triage assign REF OFFICER)"
    )


def near_officers(name: str, known: list[str]) -> list[str]:
    """The known officers `name` is a near miss of (kwalkr, kwalekr for kwalker), at most
    three; names told apart by a number (desk1, desk2) are how offices name logins, not typos."""
    import difflib

    by_lower = {o.lower(): o for o in known}
    stem = name.lower().rstrip("0123456789")
    return [
        by_lower[c]
        for c in difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.8)
        if c.rstrip("0123456789") != stem
    ]


def history(
    conn: sqlite3.Connection, cable_id: int
) -> list[tuple[str, str, str, str | None, str | None]]:
    """Every change to the cable, oldest first: (at, who, field, old, new)."""
    return [
        (r[0], r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT at, who, field, old, new FROM audit WHERE cable_id = ? ORDER BY id", (cable_id,)
        )
    ]


def record_export(
    conn: sqlite3.Connection, who: str, target: str, rows: int, top: str | None
) -> None:
    with _write(conn):
        append_audit(
            conn,
            [(utcnow(), who, None, None, "export", None, export_words(rows, target, top))],
        )


def export_words(rows: int, target: str, top: str | None) -> str:
    return f"{rows} row{'' if rows == 1 else 's'} to {target} (highest {top or 'none'})"


def check_can_record(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.Error when this connection cannot write the audit log (a read-only cache
    file or folder, a full disk): a write is tried and rolled back, so it is the real answer."""
    try:
        with _write(conn):
            append_audit(conn, [(utcnow(), "-", None, None, "probe", None, None)])
            raise _Probe
    except _Probe:
        pass


class _Probe(Exception):
    """Rolls the probe's write back."""


# -- due dates in words people type -------------------------------------------------------------

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def parse_when(text: str, now: dt.datetime | None = None) -> str | None:
    """`today 17:00`, `tomorrow noon`, `+2d`, `+4h`, `fri 12:00`, `next fri`, `2026-12-01`,
    `2026-12-01 17:00`, `2026-12-01T17:00Z` (as triage prints a due time), `none` -> an ISO
    UTC time (times without Z are the host's), or None to clear."""
    s = text.strip().lower()
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone()
    if s in ("", "none", "clear", "-"):
        return None
    try:
        at = _when(text, s, local_now)
    except (OverflowError, ValueError) as exc:  # past year 9999, or digits beyond int()'s limit
        raise WorkflowError(
            f"{_cut(text)}: too far from today; a due date is within {DUE_YEARS_MAX} years"
        ) from exc
    if abs((at - local_now).days) > DUE_YEARS_MAX * 366:
        raise WorkflowError(
            f"{_cut(text)}: too far from today; a due date is within {DUE_YEARS_MAX} years"
        )
    return _utc(at)


# a due date further than this from today is a typo (and one near year 9999 cannot be shown in
# every time zone)
DUE_YEARS_MAX = 100


def _cut(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _when(text: str, s: str, local_now: dt.datetime) -> dt.datetime:
    m = re.fullmatch(r"\+\s*(\d+)\s*([mhdw])", s)
    if m:
        return local_now + span(int(m.group(1)), m.group(2))
    # the forms triage prints: `2026-12-01T09:00Z` (export, report), `2026-12-01 09:00Z` (the
    # split view); a Z (or UTC) says the time is UTC, not the host's
    tz = local_now.tzinfo
    m = re.search(r"(?<=\d)\s*(z|utc)$", s)
    if m:
        tz, s = dt.UTC, s[: m.start()]
    s = re.sub(r"^(\d{4}-\d{2}-\d{2})t(?=\d)", r"\1 ", s)
    time_part = None
    m = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2}))?$", s)
    if m:
        time_part = (int(m.group(1)), int(m.group(2)))
        s = s[: m.start()].strip()
        if time_part[0] > 23 or time_part[1] > 59 or int(m.group(3) or 0) > 59:
            raise WorkflowError(f"{_cut(text)}: no such time of day")
    elif re.search(r"(^|\s)noon$", s):
        time_part, s = (12, 0), s[: -len("noon")].strip()
    s = re.sub(r"^next\s+(?=[a-z]{3})", "", s)  # `next fri` is `fri`: the coming one
    day: dt.date | None = None
    if s == "yesterday":
        raise WorkflowError(
            f"{_cut(text)}: a due date is still to come; to record one already past "
            "(a suspense noted late), type its date, like "
            f"{(local_now.date() - dt.timedelta(days=1)).isoformat()} 17:00"
        )
    if s in ("", "today"):
        day = local_now.date()
    elif s == "tomorrow":
        day = local_now.date() + dt.timedelta(days=1)
    elif s[:3] in WEEKDAYS and s.isalpha():
        target = WEEKDAYS.index(s[:3])
        ahead = (target - local_now.weekday()) % 7 or 7
        day = local_now.date() + dt.timedelta(days=ahead)
    else:
        try:
            day = dt.date.fromisoformat(s)
        except ValueError as exc:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
                raise WorkflowError(f"{_cut(text)}: no such date") from exc
            raise WorkflowError(
                f"{_cut(text)}: say when like 'today 17:00', 'tomorrow', '+2d', 'fri', '2026-12-01'"
            ) from exc
    hh, mm = time_part if time_part else (17, 0)
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz)


def is_past(at: str | None, now: dt.datetime | None = None) -> bool:
    """Whether a due time (as parse_when returns it) has already passed: allowed (a suspense
    recorded late), but worth a word to whoever set it."""
    return bool(at) and str(at) < _utc(now or dt.datetime.now(dt.UTC))


def _utc(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- routing rules --------------------------------------------------------------------------------


def suggest_officer(
    routes: list[dict[str, Any]], tags: list[str], origin: str | None, subject: str | None
) -> str | None:
    """The first [[route]] whose tags, origin or subject pattern matches names the officer."""
    for r in routes:
        officer = r.get("officer")
        if not officer:
            continue
        want_tags = {str(t).upper() for t in r.get("tags", [])}
        if want_tags and want_tags & {t.upper() for t in tags}:
            return str(officer)
        pat = r.get("origin")
        if pat and origin and _search(str(pat), origin):
            return str(officer)
        pat = r.get("subject")
        if pat and subject and _search(str(pat), subject):
            return str(officer)
    return None


def _search(pattern: str, text: str) -> bool:
    """A route's pattern (checked when the config is read; one that slipped past never matches
    rather than stopping the console)."""
    try:
        return re.search(pattern, text, re.I) is not None
    except re.error:
        return False


def unacknowledged(conn: sqlite3.Connection, cable_ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, reference, precedence) of those cables that are FLASH or NIACT IMMEDIATE, open and
    not acknowledged: closing one should be a choice, not a keystroke."""
    from .views import OPEN_SQL, needs_ack_sql  # (the list's own rules, as `ack:no` reads them)

    out: list[tuple[int, str, str]] = []
    for k in range(0, len(cable_ids), 500):
        chunk = cable_ids[k : k + 500]
        marks = ", ".join("?" * len(chunk))
        out.extend(
            (int(r[0]), str(r[1]), str(r[2] or ""))
            for r in conn.execute(
                "SELECT c.id, c.reference_id, c.precedence FROM cables c "
                "JOIN workflow w ON w.cable_id = c.id "
                f"WHERE c.id IN ({marks}) AND {needs_ack_sql()} AND w.ack_at IS NULL "
                f"AND {OPEN_SQL}",
                chunk,
            )
        )
    return out
