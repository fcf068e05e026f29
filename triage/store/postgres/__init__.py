"""The cache on a PostgreSQL server (`pip install '.[postgres]'` in triage's clone: psycopg 3).

`connect(url)` returns a `PgConnection`: the subset of `sqlite3.Connection` the store uses
(execute, executemany, in_transaction, row_factory, close), with the store's SQL translated
(see dialect.py) and the server's errors raised as the DB-API error classes the rest of triage
already catches (sqlite3.OperationalError, IntegrityError, ...: subclasses here).

The connection string is handed to libpq as it is, so everything libpq documents works:
`postgresql://host/db`, `host=a,b target_session_attrs=read-write dbname=triage`,
`service=triage` (or $PGSERVICE), ~/.pgpass, $PGHOST and the other PG* variables.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from ..dsn import display, with_user
from ..dsn import is_postgres as is_postgres  # (where the rest of triage asks)
from ..errors import StoreError
from .dialect import WRITE_LOCK_KEY, _clean, translate
from .schema import CHANNEL, MIGRATIONS, SCHEMA_VERSION

INSTALL_HINT = (
    "this triage has no PostgreSQL driver (psycopg 3); install it from triage's clone with "
    "pip install '.[postgres]'"
)

# how long a connection attempt waits for a host that does not answer (libpq's connect_timeout)
CONNECT_TIMEOUT_S = 10

# how long closing a connection waits for the thread using it to let go (see close)
CLOSE_WAIT_S = 2.0

# a busy timeout this short is a "try, and give up if busy" (the heartbeat's 200 ms)
SHORT_WAIT_MS = 1000

# A server that stops answering without closing the connection (its processes stopped, a
# network that drops packets) would leave a statement waiting for ever: nothing on the client
# bounds it (statement_timeout is the server's, and a server that does not run cannot enforce
# it; TCP keepalives and tcp_user_timeout do not apply to a Unix socket, nor to a host whose
# kernel still acknowledges). So the process that asks (`watch_for_silence`: the console,
# `triage watch`) has a thread look at its connections: one busy SILENT_BUSY_S makes it ask
# the server on a connection of its own; when that gets no answer in SILENT_PROBE_S, the
# server is said silent, and every connection to it is cut (its waits end at once, with
# SILENT's words).
SILENT_BUSY_S = 1.5
SILENT_PROBE_S = 2.5
SILENT_LOOK_S = 0.25
SILENT_REPROBE_S = 3.0  # after an answer, a connection still busy is asked about again then

# on TCP, libpq's own bounds on a peer that went away (ignored on a Unix socket), unless the
# connection string sets them: keepalives on an idle connection, and how long data sent may
# stay unacknowledged (tcp_user_timeout, milliseconds) before the kernel gives up
TCP_BOUNDS = {
    "keepalives": "1",
    "keepalives_idle": "10",
    "keepalives_interval": "5",
    "keepalives_count": "3",
    "tcp_user_timeout": "15000",
}

# a statement waiting this long on another session's lock is said to (`on_lock_wait`), as a
# person starts to wonder whether it hangs; and how often the wait is asked after that
LOCK_NOTICE_S = 1.5
LOCK_RECHECK_S = 1.0
# how often a long job (ingest, watch, reindex: `wait_for_locks`) says again that it still waits
LOCK_REPEAT_S = 30.0


class LockWait:
    """What a statement waits for, as the server's pg_locks and pg_blocking_pids() say: the
    cache's write lock (another triage writing), a row (a cable another session changes or holds
    FOR UPDATE in an open transaction), a table, or another lock; and who holds it."""

    def __init__(self, kind: str, table: str | None, holders: list[tuple[int, str, str]]) -> None:
        self.kind = kind  # "write lock", "row", "table" or the server's lock type
        self.table = table
        self.holders = holders  # (pid, role, application name)
        self.waited = 0.0  # seconds the statement had waited when this was asked
        self.again = False  # said before for this statement: a long job's repeated notice

    def what(self, cable: str | None = None) -> str:
        """`another session holding ...`, in words (`cable`: the reference a row is of)."""
        if self.kind == "write lock":
            thing = "the cache's write lock"
        elif self.kind == "row":
            thing = f"{cable}'s row" if cable else "the row it changes"
        elif self.kind == "table" and self.table:
            thing = f"a lock on the cache's {self.table} table"
        else:
            thing = f"a lock ({self.kind})"
        who = "; ".join(
            f"pid {pid}" + (f", role {role}" if role else "") + (f", {app}" if app else "")
            for pid, role, app in self.holders[:3]
        )
        session = "another session" if len(self.holders) <= 1 else "other sessions"
        return f"{session} holding {thing}" + (f" ({who})" if who else "")


class _LockWatch:
    """Says when a statement on its connection has waited LOCK_NOTICE_S on another session's
    lock. A daemon thread sleeps while statements are short; when one outlasts LOCK_NOTICE_S it
    asks the server, on a connection of its own opened then (the waiting one is busy), whether
    the statement waits on a lock and who holds it, every LOCK_RECHECK_S until it does or the
    statement ends, and tells `report` once a statement. A statement that is merely slow is
    never reported."""

    def __init__(self, conn: PgConnection, report: Callable[[LockWait], None]) -> None:
        self.conn = conn
        self.report = report
        self.last: LockWait | None = None  # what the last reported wait was for
        self._cond = threading.Condition()
        self._statement = 0  # counts statements; the one running, when _since is set
        self._since: float | None = None
        self._side: Any = None
        self._thread: threading.Thread | None = None
        self._closed = False

    def begin(self) -> None:
        with self._cond:
            self._statement += 1
            self._since = time.monotonic()
            self.last = None
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="triage-pg-lock-wait", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._since = None
            self._cond.notify_all()

    def close(self) -> None:
        """The thread ends, and closes its connection itself (closing a psycopg connection
        another thread is using frees it under that thread: see PgConnection.close)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def _drop_side(self) -> None:
        side, self._side = self._side, None
        if side is not None:
            with contextlib.suppress(Exception):
                side.close()

    def _running(self, statement: int) -> bool:
        return self._since is not None and self._statement == statement

    def _run(self) -> None:
        try:
            self._watch()
        finally:
            self._drop_side()

    def _watch(self) -> None:
        while not self._closed:
            with self._cond:
                while self._since is None and not self._closed:
                    self._cond.wait()
                if self._since is None:
                    return
                statement, at = self._statement, self._since + LOCK_NOTICE_S
                while self._running(statement) and time.monotonic() < at:
                    self._cond.wait(max(0.0, at - time.monotonic()))
                if not self._running(statement):
                    continue
            while True:
                wait = self._ask()
                with self._cond:
                    if not self._running(statement) or self._closed:
                        break
                    if wait is not None:
                        wait.waited = time.monotonic() - (self._since or time.monotonic())
                        wait.again = self.last is not None
                        self.last = wait
                        with contextlib.suppress(Exception):  # (a message, not the work)
                            self.report(wait)
                        if not self.conn.patient:
                            while self._running(statement) and not self._closed:  # once
                                self._cond.wait()
                            break
                        # a long job waits for as long as it takes, and says so every so often
                        again = time.monotonic() + LOCK_REPEAT_S
                        while self._running(statement) and time.monotonic() < again:
                            self._cond.wait(max(0.0, again - time.monotonic()))
                        continue
                    self._cond.wait(LOCK_RECHECK_S)
            # its own connection goes with the statement: kept for the connection's life, one
            # per slow statement's connection ran the test server out of its 200 (CI under load)
            self._drop_side()

    def _ask(self) -> LockWait | None:
        """What the connection's statement waits for now (None: no lock, or no answer)."""
        try:
            import psycopg

            if self._side is None or self._side.closed:
                self._side = psycopg.connect(self.conn.target, autocommit=True, connect_timeout=5)
            row = self._side.execute(_LOCK_WAIT_SQL, (self.conn.backend_pid,)).fetchone()
        except Exception:
            self._drop_side()
            return None
        if row is None:
            return None
        locktype, table, key, holders = row
        if locktype == "advisory" and key == WRITE_LOCK_KEY:
            kind = "write lock"
        elif locktype in ("transactionid", "tuple"):
            kind = "row"
        elif locktype == "relation":
            kind = "table"
        else:
            kind = str(locktype)
        return LockWait(kind, table, [(int(p), r or "", a or "") for p, r, a in holders or []])


# the lock a backend waits for (the first not granted) and who holds it: pg_locks shows an
# advisory lock's bigint key as its high half (classid) and low half (objid)
_LOCK_WAIT_SQL = """
SELECT l.locktype, l.relation::regclass::text, (l.classid::bigint << 32) | l.objid::bigint,
       (SELECT json_agg(json_build_array(a.pid, a.usename, a.application_name) ORDER BY a.pid)
          FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids(l.pid)))
  FROM pg_locks l WHERE l.pid = %s AND NOT l.granted LIMIT 1
"""


class Error(sqlite3.DatabaseError):
    pass


class OperationalError(sqlite3.OperationalError):
    """The server is gone or refused (connection lost, permission denied, a lock timeout)."""


class IntegrityError(sqlite3.IntegrityError):
    pass


def _wrap(exc: Exception, target: str) -> sqlite3.Error:
    import psycopg

    msg = _message(exc)
    if isinstance(exc, psycopg.errors.IntegrityConstraintViolation | psycopg.IntegrityError):
        return IntegrityError(msg)
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.InsufficientPrivilege):
        return OperationalError(f"{display(target)}: {msg}")
    if isinstance(exc, psycopg.InterfaceError):
        return OperationalError(f"{display(target)}: {msg}")
    if isinstance(exc, psycopg.ProgrammingError | psycopg.InternalError | psycopg.DataError):
        return OperationalError(msg)
    return Error(msg)


def _message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    return str(primary or str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))


class Row(tuple):
    """Like sqlite3.Row: by index and by column name, and dict(row)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return super().__getitem__(self._names.index(key))
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _named_row(cursor: Any) -> Any:
    names = tuple(d.name for d in cursor.description or ())

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


class PgCursor:
    def __init__(self, cur: Any, lastrowid: int | None = None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount) if self._cur is not None else -1

    def fetchone(self) -> Any:
        return self._cur.fetchone() if self._cur is not None and self._cur.description else None

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall() if self._cur is not None and self._cur.description else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        if self._cur is None or not self._cur.description:
            return []
        return self._cur.fetchmany(size)

    def __iter__(self) -> Iterator[Any]:
        if self._cur is None or not self._cur.description:
            return iter(())
        return iter(self._cur)


class _Rows(PgCursor):
    """A cursor over rows made here (the PRAGMAs)."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        super().__init__(None)
        self._rows = rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def fetchmany(self, size: int = 1) -> list[Any]:
        out, self._rows = self._rows[:size], self._rows[size:]
        return out

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


class PgConnection:
    """A psycopg connection that speaks the store's SQL (see the module's doc)."""

    backend = "postgresql"

    def __init__(self, raw: Any, target: str) -> None:
        self.raw = raw
        self.target = target
        self.row_factory: Any = None
        self._listening = False
        self._lock_wait_ms: int | None = None  # the busy timeout last set (None: the server's)
        self._changes = 0
        self._cancelled_at = 0.0
        self._lock_watch: _LockWatch | None = None
        self._lock_bound_ms = 0  # lock_timeout as set (0: none, the server waits for ever)
        self.lock_subject: str | None = None  # the cable a command changes (for the words)
        self._lock_bound_ours = False  # lock_timeout is the bound bound_lock_waits set
        self.patient = False  # a long job's: waits on a lock as long as it is held (see below)
        self.backend_pid = 0
        self.silent: str | None = None  # why it was cut: its server did not answer (abandon)
        _SILENCE.add(self)

    def abandon(self, why: str) -> None:
        """Its server does not answer: cut the connection (from any thread), so whoever waits
        on it stops waiting, and is told `why`. The descriptor stays libpq's (see close)."""
        self.silent = why
        self._shut_socket()

    def on_lock_wait(self, report: Callable[[LockWait], None] | None) -> None:
        """Tell `report` (from another thread) when a statement has waited LOCK_NOTICE_S on
        another session's lock, and on what: a command says so rather than seem to hang."""
        if self._lock_watch is not None:
            self._lock_watch.close()
        self._lock_watch = _LockWatch(self, report) if report is not None else None
        if report is not None:
            # (not when the watch is taken off: the connection may be gone by then, cut as
            # its COMMIT was sent, and asking it its pid raised over the change's own error)
            self.backend_pid = int(self.raw.info.backend_pid)

    @contextlib.contextmanager
    def _statement(self) -> Iterator[None]:
        watch = self._lock_watch
        if watch is None:
            yield
            return
        watch.begin()
        try:
            yield
        finally:
            watch.end()

    # -- sqlite3.Connection's surface --------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return bool(self.raw.info.transaction_status != TransactionStatus.IDLE)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgCursor:
        try:
            special = self._pragma(sql)
        except sqlite3.Error:
            raise
        except Exception as exc:  # (the server's errors, as every statement's)
            raise self._error(exc) from exc
        if special is not None:
            return special
        st = translate(sql)
        values = _clean(st.params(params or ()) if st.params else params)
        try:
            cur = self._cursor()
            with self._statement():
                if st.no_seqscan:
                    self._execute_without_seqscan(cur, st.sql, values)
                else:
                    cur.execute(st.sql, values)
                if st.begin:
                    self._write_lock(cur)
            lastrowid = None
            if st.returning_id:
                lastrowid = int(cur.fetchone()[0] if self.row_factory is None else 0)
            return PgCursor(cur, lastrowid)
        except sqlite3.Error:  # ours already (the write lock busy)
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    def _execute_without_seqscan(self, cur: Any, sql: str, values: Any) -> None:
        """The statement planned with sequential scans off (dialect.translate says why), in a
        transaction of its own when none is open (its rows are all in the cursor when it is
        committed), else with the setting put back after it."""
        if self.in_transaction:
            self.raw.execute("SET LOCAL enable_seqscan = off")
            try:
                cur.execute(sql, values)
            finally:
                from psycopg.pq import TransactionStatus

                if self.raw.info.transaction_status == TransactionStatus.INTRANS:
                    self.raw.execute("SET LOCAL enable_seqscan = on")
            return
        with self.raw.transaction():
            self.raw.execute("SET LOCAL enable_seqscan = off")
            cur.execute(sql, values)

    def _write_lock(self, cur: Any) -> None:
        """BEGIN IMMEDIATE's lock; when it is not had within the busy timeout, the transaction
        is ended (as SQLite leaves none open when BEGIN IMMEDIATE is busy)."""
        try:
            # taken at once when free; a short wait (a console's heartbeat) gives up at once
            # when it is not, rather than making the server log a lock timeout for every beat
            # a reindex or an ingest holds up
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
            if cur.fetchone()[0]:
                return
            if self._lock_wait_ms is not None and self._lock_wait_ms <= SHORT_WAIT_MS:
                raise OperationalError("database is locked (another process is writing)")
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        except Exception:
            import contextlib

            with contextlib.suppress(Exception):
                self.raw.execute("ROLLBACK")
            raise

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> PgCursor:
        st = translate(sql)
        rows = [_clean(st.params(p) if st.params else p) for p in seq]
        try:
            cur = self._cursor()
            if rows:
                with self._statement():
                    cur.executemany(st.sql, rows)
            return PgCursor(cur)
        except Exception as exc:
            raise self._error(exc) from exc

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[Any]:
        """The rows of one query as they are read, `size` at a time, through a server-side
        (named) cursor in a transaction of its own: the client holds one batch, never the
        whole answer, and the server plans for all the rows (not the first few, as it does
        for a cursor by default). Stopping early (closing the iterator) ends the transaction."""
        st = translate(sql)
        values = _clean(st.params(params) if st.params else params)
        try:
            with self.raw.transaction():
                self.raw.execute("SET LOCAL cursor_tuple_fraction = 1.0")
                if st.no_seqscan:
                    self.raw.execute("SET LOCAL enable_seqscan = off")
                with self.raw.cursor(name="triage_stream") as cur:
                    cur.itersize = size
                    cur.execute(st.sql, values)
                    while rows := cur.fetchmany(size):
                        yield from rows
        except Exception as exc:
            if isinstance(exc, sqlite3.Error):
                raise
            raise self._error(exc) from exc

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        """As `with sqlite3.Connection`: the transaction open (if any) is committed, or rolled
        back when the block raised; the connection stays open."""
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    def close(self) -> None:
        """Close the connection, from any thread. psycopg's close frees libpq's connection at
        once, even while another thread is inside a query on it (a console marks its database
        lost from the UI thread while a worker still reads a view): that thread would then read
        freed memory, and the process aborts. So the close waits for the connection's own lock
        (held by whoever is using it); when it is busy, its socket is shut down first, which
        ends the other thread's wait on the server at once (with "server closed the
        connection"), and the lock is had soon after. A thread that still holds it after
        CLOSE_WAIT_S keeps the connection: it is freed with the last reference to it."""
        import contextlib

        _WATCH.remove(self)  # (no cancel is sent for it from now on)
        if self._lock_watch is not None:
            self._lock_watch.close()
        lock = getattr(self.raw, "lock", None)
        if lock is None:
            with contextlib.suppress(Exception):
                self.raw.close()
            return
        got = lock.acquire(blocking=False)
        if not got:
            self._shut_socket()
            got = lock.acquire(timeout=CLOSE_WAIT_S)
        if not got:
            return
        try:
            with contextlib.suppress(Exception):
                self.raw.close()
        finally:
            lock.release()

    def _shut_socket(self) -> None:
        """End every wait on the server's socket (the descriptor stays libpq's to close)."""
        import contextlib
        import os
        import socket

        with contextlib.suppress(Exception):
            fd = os.dup(self.raw.pgconn.socket)
            with socket.socket(fileno=fd) as sock:
                sock.shutdown(socket.SHUT_RDWR)

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    # -- what the store does its own way here (store/ingest.py hands these over) ------------

    def ingest(self, items: Any, **kwargs: Any) -> Any:
        from .ingest import ingest

        return ingest(self, items, **kwargs)

    def reindex(self, on_progress: Any, batch: int | None) -> int:
        from .reindex import reindex

        return reindex(self, on_progress, batch)  # type: ignore[arg-type]

    def reindex_built_to(self) -> int | None:
        from .reindex import built_to

        return built_to(self)  # type: ignore[arg-type]

    def set_progress_handler(self, handler: Any, n: int) -> None:
        """SQLite's way to stop a long query (`handler` returns true to stop it). Here the
        process's one watch thread asks `handler` every STOP_POLL_S while it is set, and cancels
        the query running on this connection the first time it says stop: the query ends with
        OperationalError, as SQLite's does, and the server stops working on it (a console
        whose officer has moved on to another view does not leave the server counting the
        last one's matches for seconds)."""
        if handler is None:
            _WATCH.remove(self)
        else:
            _WATCH.add(self, handler)

    def _cancel(self) -> None:
        """Cancel what this connection runs now (from another thread); nothing if it is idle."""
        import contextlib

        # bounded: a server that does not answer takes the cancel's connection too, and this
        # runs under the stop watch's lock (which close() waits for)
        cancel_safe = getattr(self.raw, "cancel_safe", None)
        with contextlib.suppress(Exception):
            if cancel_safe is not None:
                cancel_safe(timeout=2.0)
            else:
                self.raw.cancel()

    @property
    def closed(self) -> bool:
        return self.silent is not None or bool(self.raw.closed)

    # -- what only makes sense on SQLite ---------------------------------------------------

    def _pragma(self, sql: str) -> PgCursor | None:
        s = sql.strip()
        if s[:6].upper() != "PRAGMA":
            return None
        name = s[6:].strip().split("=")[0].strip().lower()
        if name == "data_version":
            return _Rows([(self.data_version(),)])
        if name == "user_version":
            return _Rows([(schema_version(self),)])
        if name == "database_list":
            return _Rows([(0, "main", "")])
        if name == "busy_timeout":  # how long a write waits for the write lock
            value = s[6:].partition("=")[2].strip()
            if value:
                ms = max(1, int(value))  # (0 is "never wait" on SQLite, "for ever" here)
                self.raw.execute(f"SET lock_timeout = {ms}")
                self._lock_wait_ms = self._lock_bound_ms = ms
                return _Rows([(ms,)])
            got = self.raw.execute("SHOW lock_timeout").fetchone()[0]
            return _Rows([(_milliseconds(str(got)),)])
        if name == "journal_mode":
            return _Rows([("wal",)])
        if name == "schema_version":  # what the audit check watches: the audit's triggers
            from .audit import SCHEMA_STAMP

            return self.execute(SCHEMA_STAMP)
        return _Rows([])

    def data_version(self) -> int:
        """Like SQLite's PRAGMA data_version: a number that changes when another connection
        has committed a change to cables or the workflow (notifications on CHANNEL, read from
        this connection's socket without asking the server)."""
        try:
            if not self._listening:
                self.raw.execute(f"LISTEN {CHANNEL}")
                self._listening = True
                self._changes = 1
            for _ in self.raw.notifies(timeout=0):
                self._changes += 1
        except Exception as exc:
            raise self._error(exc) from exc
        return self._changes

    def wait_for_change(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a change not yet seen by data_version(); True
        when one came (or had come)."""
        before = self._changes
        self.data_version()
        if self._changes != before:
            return True
        try:
            for _ in self.raw.notifies(timeout=timeout, stop_after=1):
                self._changes += 1
        except Exception as exc:
            raise self._error(exc) from exc
        return self._changes != before

    def _cursor(self) -> Any:
        if self.row_factory is sqlite3.Row:
            return self.raw.cursor(row_factory=_named_row)
        return self.raw.cursor()

    def _error(self, exc: Exception) -> sqlite3.Error:
        import psycopg

        if self.silent is not None:  # cut by the silence watch: the server did not answer
            return OperationalError(f"{display(self.target)}: {self.silent}")

        if isinstance(exc, psycopg.errors.LockNotAvailable):  # lock_timeout: given up
            return OperationalError(self.gave_up())
        return _wrap(exc, self.target)

    def waiting_line(self, wait: LockWait) -> str:
        """The line a command says while it waits on `wait` (a long job: again, every
        LOCK_REPEAT_S, with how long it has waited)."""
        ms = self._lock_bound_ms
        bound = f"; it gives up after {ms / 1000:g} s" if ms else ""
        if self.patient:
            if not ms:
                bound = "; it waits until the lock is let go (ctrl+c stops it)"
            if wait.again:
                return f"still waiting for {wait.what(self.lock_subject)} ({_took(wait.waited)})"
        return f"waiting for {wait.what(self.lock_subject)}{bound}"

    def wait_for_locks(self) -> None:
        """A long job (ingest, watch, reindex) waits behind another session's lock for as long
        as it is held, saying so every LOCK_REPEAT_S, rather than give up at the 30 s
        bound_lock_waits sets for a command typed by a person: an ingest of 100,000 cables is
        not to stop part-way because a console or an administrator held a lock 31 s. A bound the
        administrator set (the role, the database, PGOPTIONS) is kept."""
        self.patient = True
        if self._lock_bound_ours:
            self.raw.execute("SET lock_timeout = 0")
            self._lock_bound_ms = 0

    def gave_up(self) -> str:
        """Why a statement ended at lock_timeout, in words: 'database is locked' as SQLite
        says it (what retries a busy cache retries this too), how long, and for what."""
        ms = self._lock_bound_ms
        waited = f" after {ms / 1000:g} s" if ms else ""
        last = self._lock_watch.last if self._lock_watch is not None else None
        what = last.what(self.lock_subject) if last is not None else "another session's lock"
        return f"database is locked: gave up{waited} waiting for {what}"

    def bound_lock_waits(self) -> None:
        """As SQLite's busy timeout bounds a wait for the write lock, a statement here waits at
        most BUSY_TIMEOUT_MS for another session's lock (lock_timeout), then ends with
        'database is locked'; unless the role, the database, the server or PGOPTIONS set a
        wait of their own, which is kept. (The server's default, 0, waits for ever: a command
        seemed to hang behind a session that held a cable's row.)"""
        from ..schema import BUSY_TIMEOUT_MS

        was, got = self.raw.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', "
            "CASE WHEN current_setting('lock_timeout') IN ('0', '0ms') THEN %s "
            "ELSE current_setting('lock_timeout') END, false)",
            (f"{BUSY_TIMEOUT_MS}ms",),
        ).fetchone()
        self._lock_bound_ms = _milliseconds(str(got))
        self._lock_bound_ours = str(was) in ("0", "0ms")


def _took(seconds: float) -> str:
    """`45 s so far`, `3 min 20 s so far`, `1 h 5 min so far`."""
    n = int(seconds)
    if n < 60:
        return f"{n} s so far"
    if n < 3600:
        return f"{n // 60} min {n % 60} s so far"
    return f"{n // 3600} h {n % 3600 // 60} min so far"


# how often the watch thread asks a running view's stop check
STOP_POLL_S = 0.01


class _Watch:
    """The connections whose queries may be stopped (set_progress_handler) and the one daemon
    thread that asks their stop checks, started when first needed. A check is asked under the
    lock, and a connection leaves the watch under it, so no cancel is sent for a connection
    after it has left (a late cancel would hit its next, wanted, query)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watched: dict[int, tuple[PgConnection, Callable[[], Any]]] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, conn: PgConnection, handler: Callable[[], Any]) -> None:
        with self._lock:
            self._watched[id(conn)] = (conn, handler)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="triage-pg-stop", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def remove(self, conn: PgConnection) -> None:
        with self._lock:
            self._watched.pop(id(conn), None)

    def _run(self) -> None:
        while True:
            if not self._watched:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            time.sleep(STOP_POLL_S)
            with self._lock:
                for conn, handler in list(self._watched.values()):
                    try:
                        stop = handler()
                    except Exception:
                        stop = False
                    if stop and time.monotonic() - conn._cancelled_at > 0.1:
                        conn._cancelled_at = time.monotonic()
                        conn._cancel()


_WATCH = _Watch()


class _SilenceWatch:
    """Every PgConnection of the process (weakly), and, once `enable`d, the daemon thread that
    tells a server that does not answer from one that is busy (see SILENT_BUSY_S). A
    connection counts as busy while psycopg's own lock on it is held (a statement, a commit, a
    fetch): looked at every SILENT_LOOK_S, one seen busy at every look for SILENT_BUSY_S
    makes it ask the server. A statement that is merely slow, or waits on another session's
    lock, is never cut: the server answers the question."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conns: weakref.WeakSet[PgConnection] = weakref.WeakSet()
        self._hooks: list[Callable[[str, str], None]] = []
        self._thread: threading.Thread | None = None
        self._busy_since: dict[int, float] = {}

    def add(self, conn: PgConnection) -> None:
        with self._lock:
            self._conns.add(conn)

    def enable(self, hook: Callable[[str, str], None] | None) -> None:
        with self._lock:
            if hook is not None and hook not in self._hooks:
                self._hooks.append(hook)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="triage-pg-silence", daemon=True
                )
                self._thread.start()

    def disable(self, hook: Callable[[str, str], None]) -> None:
        with self._lock:
            if hook in self._hooks:
                self._hooks.remove(hook)

    def _run(self) -> None:
        while True:
            time.sleep(SILENT_LOOK_S)
            with contextlib.suppress(Exception):  # (a look that failed: the next one)
                self._look()

    def _look(self) -> None:
        now = time.monotonic()
        with self._lock:
            conns = [c for c in self._conns if c.silent is None]
        suspects: dict[str, list[PgConnection]] = {}
        seen = set()
        for c in conns:
            lock = getattr(c.raw, "lock", None)
            key = id(c)
            seen.add(key)
            if lock is None or not lock.locked() or c.raw.closed:
                self._busy_since.pop(key, None)
                continue
            since = self._busy_since.setdefault(key, now)
            if now - since >= SILENT_BUSY_S:
                suspects.setdefault(c.target, []).append(c)
        for key in list(self._busy_since):
            if key not in seen:
                del self._busy_since[key]
        for target, busy in suspects.items():
            waited = now - min(self._busy_since[id(c)] for c in busy)
            if _answers(target, SILENT_PROBE_S):
                for c in busy:  # busy, not silent: asked about again later
                    self._busy_since[id(c)] = time.monotonic() - SILENT_BUSY_S + SILENT_REPROBE_S
                continue
            waited += SILENT_PROBE_S
            self.silent(target, waited)

    def silent(self, target: str, waited: float) -> None:
        """The server at `target` does not answer: say so (the hooks), then cut every
        connection to it."""
        why = (
            f"the database server has not answered for {waited:.0f} s (its processes stopped "
            "or overloaded, or the network between dropping everything)"
        )
        with self._lock:
            hooks = list(self._hooks)
            doomed = [c for c in self._conns if c.target == target and c.silent is None]
        for c in doomed:  # (closed from now on: nobody hands it out again)
            c.silent = why
        for hook in hooks:
            with contextlib.suppress(Exception):
                hook(target, why)
        for c in doomed:
            c.abandon(why)
            self._busy_since.pop(id(c), None)


def _answers(target: str, within: float) -> bool:
    """Does the server at `target` answer a question within `within` seconds? An error is an
    answer too (a refusal, too many clients): only silence is not. Asked from a thread of its
    own, left behind when it does not come back in time (libpq's connect_timeout ends it)."""
    got = threading.Event()

    def ask() -> None:
        try:
            import psycopg

            with psycopg.connect(
                _tcp_bounded(target), autocommit=True, connect_timeout=max(2, int(within) + 1)
            ) as c:
                c.execute("SELECT 1").fetchone()
        except Exception as exc:
            from ..trouble import server_gone

            if server_gone(exc):  # (a timeout, a connection cut: no answer)
                return
        got.set()

    threading.Thread(target=ask, name="triage-pg-ask", daemon=True).start()
    return got.wait(within)


_SILENCE = _SilenceWatch()


def watch_for_silence(hook: Callable[[str, str], None] | None = None) -> None:
    """From now on, a server of this process's connections that stops answering is found
    within a few seconds (see SILENT_BUSY_S): `hook(target, why)` is told first, then every
    connection to it is cut, and what waited on one raises OperationalError with `why`."""
    _SILENCE.enable(hook)


def stop_watching_for_silence(hook: Callable[[str, str], None]) -> None:
    _SILENCE.disable(hook)


def _tcp_bounded(target: str) -> str:
    """The connection string with the TCP_BOUNDS it does not set itself (those it sets are
    kept as given)."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        given = conninfo_to_dict(target)
        extra = {k: v for k, v in TCP_BOUNDS.items() if k not in given}
        return make_conninfo(target, **extra) if extra else target
    except Exception:
        return target


def _milliseconds(setting: str) -> int:
    """A time setting as SHOW gives it (`0`, `200ms`, `30s`, `1min`) in milliseconds."""
    m = re.fullmatch(r"(\d+)\s*(ms|s|min|h|d)?", setting.strip())
    if not m:
        return 0
    unit = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
    return int(m.group(1)) * unit[m.group(2) or "ms"]


def schema_version(conn: PgConnection) -> int:
    """The schema's version, 0 for a database with none: one round trip (a console opens
    several connections before its first screen, and asks this on each)."""
    import psycopg

    sql = "SELECT value FROM meta WHERE key = 'schema_version'"
    if conn.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        # (inside a transaction a missing table would abort it: ask first)
        if not conn.raw.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]:
            return 0
        got = conn.raw.execute(sql).fetchone()
        return int(got[0]) if got else 0
    try:
        got = conn.raw.execute(sql).fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return int(got[0]) if got else 0


def connect(
    target: str,
    *,
    create: bool = True,
    migrate_schema: bool = True,
    connect_timeout: int = CONNECT_TIMEOUT_S,
) -> PgConnection:
    """Open the database (creating the schema when it has none and `create`); an attempt on
    a host that does not answer gives up after `connect_timeout` seconds (libpq's, per host;
    at least 2)."""
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(f"{display(target)}: {INSTALL_HINT}") from exc
    try:
        raw = psycopg.connect(
            _tcp_bounded(target), autocommit=True, connect_timeout=max(2, connect_timeout)
        )
    except psycopg.Error as exc:
        from ..trouble import no_slot, no_slot_words, server_todo

        why = _message(exc)
        refusal = no_slot(why)
        if refusal:  # (libpq's words name the socket and say FATAL: the server's are enough)
            raise StoreError(f"{display(target)}: {no_slot_words(refusal)}") from exc
        todo = server_todo(why)
        raise StoreError(
            f"{display(target)}: cannot connect: {why}" + (f"; {todo}" if todo else "")
        ) from exc
    conn = PgConnection(raw, target)
    try:
        if migrate_schema:
            migrate(conn, create=create)
        conn.bound_lock_waits()
    except StoreError:
        conn.close()
        raise
    except psycopg.errors.InsufficientPrivilege as exc:
        # a login role nobody granted triage's rights to: the administrator's likeliest slip
        role = _current_role(raw)
        conn.close()
        raise StoreError(
            f"{display(target)}: the database role {role} has no rights to triage here "
            f"({_message(exc)}); its administrator grants them with GRANT triage_officer TO "
            f"{role} (an officer) or GRANT triage_ingest TO {role} (the feed): see the "
            "README's several-hosts section"
        ) from exc
    except (psycopg.Error, sqlite3.Error) as exc:
        conn.close()
        raise StoreError(f"{display(target)}: {_message(exc)}") from exc
    return conn


def _current_role(raw: Any) -> str:
    try:
        return str(raw.execute("SELECT current_user").fetchone()[0])
    except Exception:
        return "this login uses"


def check_console_role(conn: PgConnection) -> None:
    """Refuse, in one line, a role that cannot work in the console: it reads every cable and
    changes the workflow, and says it is there (presence). The ingest role's console flipped
    between 'server unreachable' and 'reconnected', its presence refused, and every change was
    refused as it was made."""
    row = conn.raw.execute(
        "SELECT current_user, has_table_privilege('cables', 'SELECT'), "
        "has_table_privilege('workflow', 'UPDATE'), has_table_privilege('presence', 'INSERT')"
    ).fetchone()
    role, reads, changes, present = row
    if reads and changes and present:
        return
    raise StoreError(
        f"{display(conn.target)}: the database role {role} cannot work in the console (it "
        f"{'may not read the cables' if not reads else 'may not change the workflow'}: "
        f"officers use the console, the ingest role adds cables); its administrator grants it "
        f"with GRANT triage_officer TO {role}: see the README's several-hosts section"
    )


def migrate(conn: PgConnection, create: bool = True) -> None:
    """Bring the schema to SCHEMA_VERSION, one migration at a time, under a lock (two processes
    starting at once do it once)."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{display(conn.target)}: this database was set up by a newer triage (schema "
            f"{current}; this triage knows up to {SCHEMA_VERSION}); upgrade triage to use it"
        )
    if current == SCHEMA_VERSION:
        return
    if current == 0 and not create:
        raise StoreError(no_cache_yet(conn))
    import psycopg

    raw = conn.raw
    try:
        with raw.transaction():
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY + 1,))
            current = schema_version(conn)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for step in MIGRATIONS[version]:
                    raw.execute(step)
                if version == 2:
                    _fill_links(conn)
                raw.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )
    except psycopg.errors.InsufficientPrivilege as exc:
        if current == 0:  # (an officer's `triage init`: the tables are the owner's to make)
            raise StoreError(f"{no_cache_yet(conn)} ({_message(exc)})") from exc
        # officers and the ingest role may not change tables: the owner upgrades, once
        raise StoreError(
            f"{display(conn.target)}: this database has triage schema {current} and this "
            f"triage needs {SCHEMA_VERSION}; the database's owner upgrades it once with "
            f"`triage init --db {display(conn.target)}` ({_message(exc)})"
        ) from exc


def no_cache_yet(conn: PgConnection) -> str:
    """What a database without triage's tables is told, whoever opens it: only `triage init`
    (or `migrate`) makes them, run by the role that is to own them, because init also grants the
    officers' and the ingest roles their rights; tables an ingest made would have none. An
    officer is told whose command it is, with the string that role would type, not their own."""
    target = display(conn.target)
    line = f"{target}: this database has no triage cache yet: the owner runs "
    try:
        me, owner, is_owner = conn.raw.execute(
            "SELECT current_user, pg_get_userbyid(datdba), "
            "pg_has_role(current_user, datdba, 'MEMBER') "
            "FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    except Exception:  # (the server's answer only names the role: the line holds without it)
        return f"{line}`triage init --db {target}` first"
    if is_owner:
        return f"{line}`triage init --db {target}` first"
    return (
        f"{line}`triage init --db {display(with_user(conn.target, owner))}` first (as the "
        f"database's owner, {owner}, not as {me})"
    )


def _fill_links(conn: PgConnection) -> None:
    """Schema 2: the links of the cables already held, from their references."""
    from ..threads import links_from_json, store_links

    rows = conn.raw.execute("SELECT id, reference_id, dtg, references_json FROM cables").fetchall()
    for cid, ref, dtg, refs_json in rows:
        links = links_from_json(refs_json, dtg, ref)
        if links:
            store_links(conn, cid, ref, links, new=False)  # type: ignore[arg-type]
    conn.raw.execute(
        "UPDATE cable_links l SET cited_id = c.id FROM cables c WHERE c.reference_id = l.cited_ref"
    )
