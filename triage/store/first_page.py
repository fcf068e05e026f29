"""A console's first page, read by a helper process while the console's own process imports
Textual (on a database server only).

Before its first screen the console's process has two long jobs, both Python under one GIL:
importing Textual and the console (~250 ms of CPU) and, on PostgreSQL, importing psycopg (~85
ms), connecting and reading the first page of the list. A thread cannot overlap them; a
process can, on a second core. So `triage` forks before it imports Textual: the child
connects (checking the database as `triage` always has: its schema, migrated when it is
behind), takes the change feed's baseline, reads the first page of the first view and sends
it to the parent, which draws it as soon as its screen is built, and imports psycopg and opens
its own connections only after that first frame (the whole list, the change feed and the
audit check follow it).

Without a server, or when the helper cannot be had (no fork, a failure that is not the
database's), the console reads everything itself as before. An error of the database's
(unreachable, no triage schema, a newer one) is said exactly as the in-process check says it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from .errors import StoreError

if TYPE_CHECKING:
    from array import array

    from ..config import Config
    from .views import Context, Row, View

FIRST_ROWS = 256  # rows fetched first, before the whole ordered list of a view
PAGE = 128  # rows read with them (the list widget reads its rows PAGE at a time)


@dataclass
class FirstPage:
    """The first FIRST_ROWS ids of `view` in order, the rows of the first PAGE of them (None:
    they could not be read, the list reads them itself), and the change feed's baseline
    (presence.fingerprint), read before the view, so a change committed while the console
    starts is not missed."""

    view: View
    login: str
    ids: array[int]
    rows: dict[int, Row] | None
    baseline: tuple[int, int, int]
    rest: Reader | None = None  # (in the console: the helper, whose whole list follows)


def console_context(config: Config, login: str, on_error: Any = None) -> Context:
    """The console's view context for this user and config (a view whose filter cannot be
    read is left out, and given to `on_error`)."""
    from .views import Context, custom_views

    return Context.of(
        config, login, custom_views(config.views, on_error=on_error or (lambda _why: None))
    )


def read_rows(
    conn: sqlite3.Connection, ids: list[int], ctx: Context, config: Config
) -> dict[int, Row]:
    """The rows for these ids as the list draws them: with the routing rules' suggestions and
    the marks of rows that cite a cable an officer holds."""
    from . import workflow as wf
    from .threads import mark_thread_holders
    from .views import fetch_rows

    rows = fetch_rows(conn, ids, ctx)
    routes = config.routes
    if routes:
        for r in rows.values():
            if not r.officer and r.status == "NEW":
                r.suggested = wf.suggest_officer(
                    routes, r.tags.split("|") if r.tags else [], r.origin, r.subject
                )
    mark_thread_holders(conn, rows, config.route_by_thread)
    return rows


def read_first_page(
    conn: sqlite3.Connection, view: View, ctx: Context, config: Config
) -> FirstPage:
    from .presence import fingerprint
    from .views import view_ids

    baseline = fingerprint(conn)
    ids = view_ids(conn, view, ctx, limit=FIRST_ROWS)
    try:
        rows: dict[int, Row] | None = read_rows(conn, [int(i) for i in ids[:PAGE]], ctx, config)
    except sqlite3.Error:
        rows = None
    return FirstPage(view, ctx.login, ids, rows, baseline)


def spare_core() -> bool:
    """Whether this process may run on more than one core: a helper beside it is then worth
    its fork, whatever else runs. (It was once had only when a core was idle that moment, by
    /proc/loadavg; but what made the helper lose on a busy machine was the whole list's sort,
    started on the server while the console imported Textual. With that sort asked for after
    the first frame (`Reader.whole`), the helper was a gain at every load measured on 2 cores:
    first screen 1.58x a bare Textual app's against 1.90x without it at a load average of
    2.4, 1.40x against 1.68x at 3-4; bench/first_screen.py, medians of 6-12 pairs.)"""
    try:
        cores = len(os.sched_getaffinity(0))  # (the cores it may use: taskset, a container)
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return cores >= 2


class _Checked:
    """The check done in this process (a cache file, or no helper to be had)."""

    def __init__(self, conn: sqlite3.Connection | None) -> None:
        self._conn = conn

    def result(self) -> tuple[sqlite3.Connection | None, FirstPage | None]:
        return self._conn, None


def start_console(target: Path, config: Config, login: str | None = None) -> _Checked | Reader:
    """What `triage` does before it imports the console: check the cache (raises StoreError
    when it cannot be used). On a database server the check, and the first page's reading,
    are a helper process's (`Reader`); `result()`, once the console is imported, gives a
    connection for the console to adopt (a server's, checked here when there is no helper)
    and the first page (or None)."""
    from ..config import current_login
    from .views import View

    reader = Reader.start(target, config, login or current_login(), View())
    if reader is not None:
        return reader
    from .api import is_url, open_store

    conn = open_store(target, group=config.group, create=not is_url(target))
    # a database server's connection goes on into the console (its first view is read on it,
    # not on a new one); a cache file's is closed here, as before
    if getattr(conn, "backend", "sqlite") != "postgresql":
        conn.close()
        return _Checked(None)
    try:
        _console_role(conn)
    except StoreError:
        conn.close()
        raise
    return _Checked(conn)


def _console_role(conn: Any) -> None:
    """On a database server: a role that cannot work in the console is refused at start."""
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres import check_console_role

        check_console_role(conn)


class Reader:
    """The helper process reading a first view (see the module's doc): `result` waits for its
    first page, `whole` for the whole ordered list that follows it, `close` lets it go."""

    def __init__(self, pid: int, fd: int, go: int, target: Path, group: str | None) -> None:
        self._pid = pid
        self._file: BinaryIO | None = os.fdopen(fd, "rb")
        self._go: int | None = go  # (the helper reads the whole list once a byte comes here)
        self._target = target
        self._group = group
        self._lock = threading.Lock()

    @classmethod
    def start(cls, target: Path, config: Config, login: str, view: View) -> Reader | None:
        """Fork the helper; None when there is no server to read from, no fork, or no core to
        run it on beside this process."""
        if not getattr(target, "url", None) or not hasattr(os, "fork") or not spare_core():
            return None
        r, w = os.pipe()
        go_r, go_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (r, w, go_r, go_w):
                os.close(fd)
            return None
        if pid == 0:  # the helper: never returns
            os.close(r)
            os.close(go_w)
            _child(w, go_r, target, config, login, view)
        os.close(w)
        os.close(go_r)
        return cls(pid, r, go_w, target, config.group)

    def _next(self) -> tuple[str, Any]:
        """The helper's next message; ("failed", why) when there is none to be had."""
        with self._lock:
            if self._file is None:
                return "failed", "closed"
            try:
                got = pickle.load(self._file)
            except Exception as exc:  # (it died, or was stopped: EOF, a message cut short)
                self._close(kill=True)
                return "failed", repr(exc)
            if got[0] != "page":  # its last message: it is ending
                self._close(kill=False)
            return cast(tuple[str, Any], got)

    def result(self) -> tuple[sqlite3.Connection | None, FirstPage | None]:
        """(None, the first page); or, when the helper failed for a reason of its own, a
        connection opened here instead, with no page (as without a helper). Raises StoreError
        for the database's own errors (cannot connect, no triage schema, ...)."""
        kind, value = self._next()
        if kind == "page":
            page = cast(FirstPage, value)
            page.rest = self
            return None, page
        if kind == "error":
            raise StoreError(str(value))
        from .api import is_url, open_store

        return open_store(self._target, group=self._group, create=not is_url(self._target)), None

    def whole(self) -> tuple[array[int], int] | None:
        """The whole ordered list of the first page's view and the longest officer name in the
        workflow (as the list's worker reads them), or None: read them here. The helper is
        asked for it now, once the first page is drawn, not before: sorting the whole list
        (250,000 rows) keeps the server busy for ~0.4 s, on parallel workers too, and on this
        machine's 2 cores that starved the console's own process while it imported Textual
        (its first screen came ~0.3 s later with the helper than without it)."""
        self._ask()
        kind, value = self._next()
        return cast(tuple["array[int]", int], value) if kind == "whole" else None

    def _ask(self) -> None:
        with self._lock:
            if self._go is None:
                return
            with contextlib.suppress(OSError):  # (it ended: what it sent says why)
                os.write(self._go, b"w")
            os.close(self._go)
            self._go = None

    def close(self) -> None:
        """Not wanted any more (the console is leaving, or its first view is another): the
        helper is stopped if it still runs. A `whole` waiting in another thread ends (None)."""
        if self._file is not None:  # (not reaped yet: the pid is still the helper's)
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
        with self._lock:
            self._close(kill=True)

    def _close(self, kill: bool) -> None:
        if self._go is not None:
            os.close(self._go)
            self._go = None
        if self._file is None:
            return
        self._file.close()
        self._file = None
        if kill:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)


def _child(fd: int, go: int, target: Path, config: Config, login: str, view: View) -> None:
    """The helper: the first page, then, when asked (a byte on `go`), the whole list, as two
    pickled messages."""

    def send(message: tuple[str, Any]) -> None:
        data = memoryview(pickle.dumps(message))
        while data:
            data = data[os.write(fd, data) :]

    try:
        try:
            from .api import is_url, open_store
            from .views import view_ids

            conn = open_store(target, group=config.group, create=not is_url(target))
            _console_role(conn)
            ctx = console_context(config, login)
            send(("page", read_first_page(conn, view, ctx, config)))
        except StoreError as exc:
            send(("error", str(exc)))
            return
        except Exception as exc:  # (the console then reads the page itself)
            send(("failed", repr(exc)))
            return
        if not os.read(go, 1):  # (not wanted: the console closed its end, or ended)
            return
        try:
            ids = view_ids(conn, view, ctx)
            longest = conn.execute("SELECT coalesce(max(length(officer)), 0) FROM workflow")
            send(("whole", (ids, int(longest.fetchone()[0]))))
        except Exception as exc:
            send(("failed", repr(exc)))
    except BaseException:
        pass
    finally:
        # (the connection ends with the process, unclosed: PgConnection.close takes locks a
        # thread of the parent may have held at the fork; an idle connection's end is not an
        # error to the server)
        os._exit(0)
