"""The console's App: the store handle, the user's identity and keymap, the screens, and the
watch on the cache (another process's commit, a cache file gone). Screens are in screens/,
widgets in widgets/, text layout in text.py, messages in messages.py.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from ..config import Config, current_login
from ..private_file import write_private
from ..store import audit as audit_log
from ..store import presence
from ..store import workflow as wf
from ..store.api import watch_for_silence
from ..store.cache import Cache
from ..store.feed import ChangeFeed
from ..store.first_page import FirstPage, console_context
from ..store.schema import StoreError
from ..store.trouble import no_slot, server_gone, server_todo
from ..store.views import BUILTIN_TABS, Filter, View
from . import clipboard, safe
from .messages import (
    Arrival,
    CacheChanged,
    CacheLost,
    PresenceRead,
    ServerBack,
    Unsure,
    UnsureChecked,
)
from .safe import visible
from .screens.base import TriageScreen
from .screens.cache_lost import CacheLostScreen
from .screens.list import ListScreen
from .system import limit_malloc_arenas, resume_gc, terminal_fd
from .toasts import UrgentToasts
from .typeahead import TypeAhead, TypedAhead

if TYPE_CHECKING:
    from .screens.cable import CableScreen

__all__ = ["CableScreen", "ListScreen", "TriageApp", "run_console"]


def __getattr__(name: str) -> object:
    """CableScreen, imported when first asked for: the split view is not part of the first
    screen (see screens/list.py)."""
    if name == "CableScreen":
        from .screens.cable import CableScreen

        return CableScreen
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


POLL_SECONDS = 0.5
# what waits for the first list to be drawn whole waits at most this long: on a database server
# the change feed (what was committed meanwhile is seen then: see ChangeFeed.set_baseline), and
# the garbage collector (system.pause_gc)
STARTED_LATEST_S = 2.0
NOT_SAVED_RECENT_S = 10  # a change refused this recently is named on the NOT LIVE box
UNSURE_AGAIN_S = 1.0  # a change whose outcome is unknown, not yet found out: asked again then
TTY_CHECK_SECONDS = 1.0
LEAVE_WAIT_S = 1.0  # how long a quitting console waits to take its presence row away


# toasts for urgent arrivals in sight at once, each naming one commit's; the rest wait, and
# are told together in the next (tui/toasts.py)
URGENT_TOASTS_MAX = 2
URGENT_TOAST_S = 15


class TriageApp(App[None]):
    TITLE = "triage"
    CSS_PATH = "triage.tcss"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    async def action_quit(self) -> None:
        """ctrl+c: quit, but not silently over a note being typed (asked once; ctrl+c again
        on the question quits)."""
        unsaved = getattr(self.screen, "unsaved", None)
        if callable(unsaved) and unsaved():
            from .screens.dialogs import ConfirmScreen

            def answered(quit_now: bool | None) -> None:
                if quit_now:
                    self.exit()

            self.push_screen(
                ConfirmScreen(
                    "Quit triage? The note you typed is not saved (n or enter goes back to it)",
                    default=False,
                ),
                answered,
            )
            return
        self.exit()

    def __init__(
        self,
        db_path: Path,
        config: Config,
        *,
        login: str | None = None,
        conn: sqlite3.Connection | None = None,
        first_page: FirstPage | None = None,
    ) -> None:
        limit_malloc_arenas()
        super().__init__()
        safe.set_monochrome(self.no_color)
        safe.set_colour_system(self.console.color_system)
        # a keymap entry giving a key another binding on its screen answers is left out, and
        # said so once the screen is up (with the views' problems below)
        keymap_problems: list[str] = []
        if config.keymap:
            from dataclasses import replace

            from .keyclash import keymap_clashes

            kept, keymap_problems = keymap_clashes(config.keymap, type(self))
            config = replace(config, keymap=kept)
        self.config = config
        self.cache = Cache(db_path, config.group)
        # a worker refused a connection (the role's CONNECTION LIMIT, max_connections) with
        # none of the console's own to wait for: said, not a list of `…` for good
        self.cache.on_refused = self._refused
        if conn is not None:  # the one `triage` checked the database with (see Cache.adopt)
            self.cache.adopt(conn)
        # the first list's first page, read by a helper process (store/first_page.py)
        self._first_page = first_page
        self.started_up = False  # see list_shown
        self.login = login or current_login()
        # this console's changes carry it in their batch: its `u` undoes them, not what the same
        # login did from a shell or another console (as an editor's undo is its own)
        self.undo_scope = f"c{uuid.uuid4().hex[:8]}."
        # a view whose filter cannot be read is left out, and said so once the screen is up
        self.config_problems: list[str] = list(keymap_problems)
        self.ctx = console_context(config, self.login, self.config_problems.append)
        self.tabs = BUILTIN_TABS + list(self.ctx.custom_tabs)
        self.has_office = bool(config.office_ris or config.office_names)
        self.feed = ChangeFeed(self.cache, self.login)
        self._tty: int | None = None
        self._lost = False
        self._server_gone = False  # (lost because the database server went away)
        self._not_saved: list[tuple[float, str]] = []  # (when, what): changes refused
        self._unsure: list[Unsure] = []  # changes lost as they were committed: saved or not?
        self._chain = audit_log.ChainWatch()
        self._audit_problems: list[str] = []
        self.start_on_overview = False
        self._poll_lock = threading.Lock()
        self._reconnecting = False  # one attempt at a time (see _reconnect)
        self._unwatch_silence: Callable[[], None] | None = None
        self._polling = False
        self._poll_again = False
        self.present: list[presence.Present] = []  # the other consoles on this cache
        self._urgent_toasts: UrgentToasts[Arrival] = UrgentToasts(URGENT_TOASTS_MAX, URGENT_TOAST_S)
        # toasts of other officers' doings that came while a dialog was open: told when it
        # closes (a toast over a dialog hid its choices, and ran its time out unseen)
        self._held_toasts: list[tuple[str, str, str, float]] = []
        self._urgent_flush_set = False
        self.typeahead = TypeAhead(self)  # keys typed ahead of a box that is opening

    async def on_event(self, event: events.Event) -> None:
        # (a key held for a box that is opening: see typeahead.py)
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and await self.typeahead.arrived(event)
        ):
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # (before App._on_key, which Textual calls next unless this one took the key)
        if await self.typeahead.came_back(event):
            event.prevent_default()

    async def on_typed_ahead(self, marker: TypedAhead) -> None:
        await self.typeahead.answered(marker)

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.push_screen(ListScreen())
        for problem in self.config_problems:
            where = f"config file {self.config.path}: " if self.config.path else ""
            self.notify(where + problem, severity="error", timeout=30, markup=False)
        if self.start_on_overview:
            from .screens.overview import OverviewScreen

            self.push_screen(OverviewScreen())
        self.set_timer(STARTED_LATEST_S, self.list_shown)
        if self.cache.remote:
            # a server that stops answering (stopped, or a network dropping everything) is
            # said within seconds, and what waits on it is cut, the UI thread's reads included
            self._unwatch_silence = watch_for_silence(self.cache.path, self._server_silent)
            self._baseline()
        else:
            try:
                # the change-watch baseline is taken before the first view is read, so a change
                # committed by someone else while this console starts is not missed
                self.feed.start()
            except StoreError as exc:
                self.report_cache_error(exc)
            self.set_interval(POLL_SECONDS, self.check_for_changes)
            self.check_audit(mend=True)
        self._tty = terminal_fd() if not self.is_headless else None
        if self._tty is not None:
            self.set_interval(TTY_CHECK_SECONDS, self.check_terminal)

    def _baseline(self) -> None:
        """On a database server: the change feed's baseline now, before the first view is read
        (the helper's, read before its page); the feed itself (a connection of its own, LISTEN),
        the spare connection and the audit check wait for the first list (list_shown)."""
        if self._first_page is not None:
            self.feed.set_baseline(self._first_page.baseline)
        else:
            try:
                with self.cache.borrow() as conn:
                    self.feed.set_baseline(presence.fingerprint(conn))
            except (sqlite3.Error, StoreError) as exc:
                self.report_cache_error(exc)

    def _refused(self, why: str) -> None:
        """(A worker's thread.) The server refused the console a connection it needs."""
        self.post_message(CacheLost(why))

    def _server_silent(self, why: str) -> None:
        """(The silence watch's thread.) The cache is lost from now on (no read on the UI
        thread opens a new connection to wait on), and the NOT LIVE box says why."""
        self.cache.mark_lost(why)
        self.post_message(CacheLost(why))

    def take_first_page(self, view: View) -> FirstPage | None:
        """The page read ahead for the first list, once, when it is for this view and user."""
        page, self._first_page = self._first_page, None
        if page is not None and (page.view != view or page.login != self.ctx.login):
            if page.rest is not None:
                page.rest.close()
            return None
        return page

    def list_shown(self) -> None:
        """The first list is drawn whole (or STARTED_LATEST_S passed): the garbage collector
        runs again, and on a database server the change feed starts, on connections of its own
        (the first screen is drawn before this process even imports the driver when a helper
        read it)."""
        if self.started_up:
            return
        self.started_up = True
        resume_gc()
        if not self.cache.remote:
            return
        if self._lost:  # (the poll tries the server again from there)
            self.set_interval(POLL_SECONDS, self.check_for_changes)
            return
        self.cache.warm()
        self._start_feed()

    @work(thread=True, group="feed-start", exit_on_error=False)
    def _start_feed(self) -> None:
        try:
            self.feed.start()
        except (sqlite3.Error, StoreError, OSError) as exc:
            self.post_message(CacheLost(str(exc)))
            ok = False
        else:
            ok = True
        self.call_from_thread(self._feed_started, ok)

    def _feed_started(self, ok: bool) -> None:
        self.set_interval(POLL_SECONDS, self.check_for_changes)
        if ok:
            self.check_audit(mend=True)
            self.check_for_changes()  # what changed since the baseline, at once

    def on_unmount(self) -> None:
        """This console is leaving: its heartbeat row goes (a killed one expires)."""
        page, self._first_page = self._first_page, None
        if page is not None and page.rest is not None:
            page.rest.close()
        if self._unwatch_silence is not None:
            self._unwatch_silence()
        if self._lost:
            return
        if not self.cache.remote:
            self.feed.leave()
            return
        # a server that stopped answering must not hold the quit: the row expires by itself
        # (GONE_AFTER_S), and cutting the connections ends the workers waiting on it, whose
        # threads the process's exit waits for
        leaving = threading.Thread(target=self.feed.leave, name="triage-leave", daemon=True)
        leaving.start()
        leaving.join(LEAVE_WAIT_S)
        if leaving.is_alive():
            self.cache.mark_lost("the console quit while the database server did not answer")

    def check_terminal(self) -> None:
        """Exit when the terminal has hung up. A hang-up normally comes with SIGHUP, but not to
        a console started under `su` when its terminal goes away: the console then stayed
        behind, spinning on end-of-file or stuck writing to a terminal that is gone."""
        import termios

        assert self._tty is not None
        try:
            termios.tcgetattr(self._tty)
        except (termios.error, OSError) as exc:
            code = exc.args[0] if exc.args else None
            if code not in (errno.EIO, errno.ENXIO, errno.EBADF, errno.ENOTTY):
                return  # a passing failure (EINTR): ask again next time
            # Textual's shutdown writes to the terminal, and with the terminal gone its writer
            # thread has died: a clean exit would wait forever. Every change this console
            # made is already committed (each is its own transaction), so nothing is lost.
            os._exit(1)

    # live traffic

    def check_for_changes(self) -> None:
        """Look now (the interval calls this; so do the screens after a change of their own).
        One look runs at a time; a request made meanwhile is taken by the running one."""
        if self._lost:
            # a database server gone: try it again (one attempt at a time: to a server that
            # does not answer, each waits out its connect_timeout)
            if self._server_gone and not self._reconnecting:
                self._reconnecting = True
                self._reconnect()
            return
        if not self.feed.started:
            # on a server, before the first list was drawn whole: asked to look (a change of
            # this console's own, a caller's), the feed starts now and looks once started
            self.list_shown()
            return
        with self._poll_lock:
            if self._polling:
                self._poll_again = True
                return
            self._polling = True
        self._check()

    def try_server_now(self) -> None:
        """r on the NOT LIVE box of a server gone: an attempt now (unless one is running)."""
        if self._lost and self._server_gone and not self._reconnecting:
            self._reconnecting = True
            self._reconnect()

    @work(thread=True, exclusive=True, group="reconnect", exit_on_error=False)
    def _reconnect(self) -> None:
        """A database server that went away: try again at each poll, off the UI thread (an
        attempt on a server that does not answer waits out libpq's connect_timeout); the
        console is live again when it answers. The attempt runs in a daemon thread this worker
        waits on: quitting (q on the NOT LIVE box) cancels the worker and does not wait for
        the attempt to give up (the process's exit waits for its workers' threads)."""
        from textual.worker import get_current_worker

        attempt = threading.Thread(target=self._try_server, name="triage-reconnect", daemon=True)
        attempt.start()
        worker = get_current_worker()
        while attempt.is_alive() and not worker.is_cancelled:
            attempt.join(0.1)

    def _try_server(self) -> None:
        try:
            self.cache.reopen()
            self.feed.start()
        except (sqlite3.Error, StoreError, OSError) as exc:
            # said in the box as it happens: a server that answers and refuses (a password
            # changed, rights taken) is not one that does not answer, and waiting will not
            # mend it (it was said only when the officer pressed r)
            self._reconnecting = False
            with suppress(RuntimeError):  # (the console has quit meanwhile)
                self.call_from_thread(self._still_lost, str(exc))
            return
        except BaseException:
            self._reconnecting = False
            raise
        self._reconnecting = False
        self.post_message(ServerBack())

    def _still_lost(self, why: str) -> None:
        for s in self.screen_stack:
            if isinstance(s, CacheLostScreen):
                s.still_failing(why)

    def on_server_back(self, msg: ServerBack) -> None:
        if not self._lost:
            return
        self._lost = False
        if isinstance(self.screen, CacheLostScreen):
            self.screen.dismiss(None)
        for s in self.screen_stack:
            if isinstance(s, TriageScreen):
                s.cache_reopened()
        self.notify("Reconnected to the database server; the list is live again.", timeout=8)
        self.check_unsure()

    @work(thread=True, group="poll", exit_on_error=False)
    def _check(self) -> None:
        try:
            while True:
                self._check_once()
                with self._poll_lock:
                    if not self._poll_again or self._lost:
                        self._polling = False
                        return
                    self._poll_again = False
        except BaseException:
            with self._poll_lock:
                self._polling = False
            raise

    def _check_once(self) -> None:
        """The change feed: another ssh session's console, `triage watch` or an ingest
        committed; or the cache can no longer be trusted (deleted, replaced, its locks lost).
        The feed also writes this console's heartbeat and reads the other consoles'."""
        try:
            changes = self.feed.poll()
        except (sqlite3.Error, StoreError, OSError) as exc:
            self.post_message(CacheLost(str(exc)))
            return
        if changes is None:
            return
        if changes.changed:
            self.post_message(CacheChanged(changes.urgent, changes.assigned))
        elif changes.touched:
            # nothing a list shows (a heartbeat, a seen row, or a hand-made UPDATE): the audit
            # chain is still looked at, as after every commit
            self.call_from_thread(self.check_audit)
        if changes.others is not None:
            self.post_message(PresenceRead(changes.others))

    def set_reading(self, cable_id: int | None) -> None:
        """The cable this console has open (None: back at the list), told to the others."""
        if cable_id != self.feed.reading:
            self.feed.reading = cable_id
            self.feed.beat_now = True
            self.check_for_changes()

    def on_presence_read(self, msg: PresenceRead) -> None:
        self.present = msg.others
        for s in self.screen_stack:
            if isinstance(s, TriageScreen):
                s.presence_changed()

    def others_on(self, cable_id: int) -> list[str]:
        """The other officers who have this cable open."""
        return sorted({p.login for p in self.present if p.cable_id == cable_id})

    def on_cache_changed(self, msg: CacheChanged) -> None:
        if msg.urgent:
            self.bell()
        # one toast a commit, naming what it brought (500 FLASH in one ingest is one toast,
        # not 500 to lay out while the officer's keys wait); a few in sight at once, the rest
        # told together as one goes; none over an open dialog (tui/toasts.py)
        self._urgent_toast(self._urgent_toasts.take(msg.urgent, hold=self._dialog_open()))
        # a new version of a cable this officer holds: the text they act on changed
        again = list(dict.fromkeys(g.reference_id for g in msg.assigned if g.version))
        if again:
            what = ", ".join(visible(r, one_line=True) for r in again[:3])
            what += f" and {len(again) - 3:,} more" if len(again) > 3 else ""
            self._traffic_toast(
                f"{what}, which you hold, came again with other text "
                "(h in the split view: its history; triage raw --version N: each text)",
                title="New version",
                severity="warning",
                markup=False,
                timeout=15,
            )
        # a bulk assignment is one toast per officer who made it, not one per cable
        by: dict[str, list[str]] = {}
        for given in msg.assigned:
            if given.version or given.taken:
                continue
            by.setdefault(given.by, []).append(given.reference_id)
        # and one per officer who took cables from this one (A on a colleague's cable, or an
        # assignment to someone else): their Mine count dropped with no word of why
        taken: dict[str, list[tuple[str, str | None]]] = {}
        for lost in msg.assigned:
            if lost.taken:
                taken.setdefault(lost.by, []).append((lost.reference_id, lost.now_with))
        for who, cables in taken.items():
            ref, now_with = cables[0]
            if len(cables) == 1 and now_with is None:
                # unassigned (A): nobody holds it now; "took" said someone had it
                said = f"removed you from {visible(ref, one_line=True)} (now nobody's)"
            elif len(cables) == 1:
                said = (
                    f"took {visible(ref, one_line=True)} "
                    f"(now {visible(now_with, one_line=True)}'s) from you"
                )
            else:
                said = f"took {len(cables):,} cables ({visible(ref, one_line=True)}, …) from you"
            self._traffic_toast(
                f"{visible(who, one_line=True)} {said}",
                title="No longer yours",
                severity="warning",
                markup=False,
                timeout=12,
            )
        for who, refs in by.items():
            what = (
                visible(refs[0], one_line=True)
                if len(refs) == 1
                else f"{len(refs):,} cables ({visible(refs[0], one_line=True)}, …)"
            )
            self._traffic_toast(
                f"{visible(who, one_line=True)} assigned {what} to you",
                title="Assigned to you",
                markup=False,
                timeout=12,
            )
        # the list reloads (keeping its cursor); an open cable redraws in place
        for s in self.screen_stack:
            if isinstance(s, ListScreen):
                s.note_arrivals(msg.urgent)
            if isinstance(s, TriageScreen):
                s.cache_changed()
        self.check_audit()

    def _dialog_open(self) -> bool:
        """A dialog (or the NOT LIVE box) is on top: a toast now would cover its choices."""
        try:
            return isinstance(self.screen, ModalScreen)
        except Exception:  # (no screen yet)
            return False

    def _traffic_toast(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",
        markup: bool = False,
        timeout: float = 12,
    ) -> None:
        """A toast of what other officers or the feed did: kept while a dialog is open, and
        told when it closes, its time counted from then."""
        if self._dialog_open():
            self._held_toasts.append((message, title, severity, timeout))
        else:
            self.notify(message, title=title, severity=severity, markup=markup, timeout=timeout)  # type: ignore[arg-type]

    def dialog_closed(self) -> None:
        """A screen under the dialogs is back on top: what waited for them is told."""
        if self._dialog_open():
            return
        held, self._held_toasts = self._held_toasts, []
        for message, title, severity, timeout in held:
            self.notify(message, title=title, severity=severity, markup=False, timeout=timeout)  # type: ignore[arg-type]
        self._urgent_toast(self._urgent_toasts.flush())

    def _urgent_toast(self, arrivals: list[Arrival]) -> None:
        """One toast for these urgent arrivals: one is named with its subject, several are
        counted by precedence with their references (`8 FLASH cables arrived: ...`)."""
        if len(arrivals) == 1:
            a = arrivals[0]
            self.notify(
                # portion-marked: the subject may be more classified than the screen under it
                f"({visible(a.badge, one_line=True)}) {visible(a.reference_id, one_line=True)}:"
                f" {visible(a.subject, one_line=True)}",
                title=f"{visible(a.precedence, one_line=True)} traffic",
                severity="warning",
                markup=False,
                timeout=URGENT_TOAST_S,
            )
        elif arrivals:
            by: dict[str, int] = {}
            for a in arrivals:
                by[a.precedence] = by.get(a.precedence, 0) + 1
            kinds = [f"{n:,} {visible(p, one_line=True)}" for p, n in by.items()]
            what = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
            refs = ", ".join(visible(a.reference_id, one_line=True) for a in arrivals[:3])
            more = f" and {len(arrivals) - 3:,} more" if len(arrivals) > 3 else ""
            self.notify(
                f"{what} cables arrived: {refs}{more}; the Inbox lists them first",
                title="Urgent traffic",
                severity="warning",
                markup=False,
                timeout=URGENT_TOAST_S,
            )
        due = self._urgent_toasts.due()
        if due is not None and not self._urgent_flush_set:
            self._urgent_flush_set = True
            self.set_timer(due, self._urgent_flush)

    def _urgent_flush(self) -> None:
        self._urgent_flush_set = False
        self._urgent_toast(self._urgent_toasts.flush(hold=self._dialog_open()))

    @work(thread=True, group="audit", exit_on_error=False)
    def check_audit(self, mend: bool = False) -> None:
        """The audit log's chain and triggers: checked at start and after each change seen."""
        try:
            with self.cache.borrow() as conn:
                found = audit_log.look_for_console(self._chain, conn, mend)
        except (sqlite3.Error, StoreError):
            return  # a cache that cannot be read is reported by the change feed
        self.call_from_thread(self._show_audit, *found)

    def _show_audit(self, mended: str | None, problems: list[str]) -> None:
        if mended:
            self.notify(mended, title="Audit log", severity="warning", markup=False, timeout=30)
        if problems and problems != self._audit_problems:
            text = "; ".join(problems) + ". Run `triage audit --verify` for details."
            self.notify(text, title="Audit log", severity="error", markup=False, timeout=86400)
        elif self._audit_problems and not problems:
            self.notify("the audit log's chain holds again", title="Audit log", markup=False)
        self._audit_problems = problems

    def on_cache_lost(self, msg: CacheLost) -> None:
        self.report_cache_error(msg.error)

    def report_cache_error(self, exc: object) -> None:
        """The console's view of the cache can no longer be trusted: say so over everything at
        once, stop reading and writing, and offer to reopen (never a stale list shown as live)."""
        if self._lost:
            return
        self._lost = True
        why = str(exc) or type(exc).__name__
        # a server that went away comes back, and the console tries it again by itself; a
        # refusal (a role's rights taken away) would only come back to be refused again, the
        # box flipping between 'unreachable' and 'reconnected': it waits for r
        refused = self.cache.remote and bool(no_slot(why))
        # (a refusal for want of a connection slot passes as other sessions end: tried again)
        self._server_gone = self.cache.remote and (server_gone(why) or refused)
        if refused:
            why = (
                f"{why}. The console tries again by itself, and is live again when the server "
                "lets it connect."
            )
        elif self._server_gone:
            why = (
                f"Database server unreachable: {why}. The console reconnects by itself when "
                "the server answers again."
            )
        elif self.cache.remote:
            todo = server_todo(why)
            why = f"The database refused: {why}" + (f"; {todo}" if todo else "")
        self.cache.mark_lost(why)
        self.bell()
        recent = [t for at, t in self._not_saved if time.monotonic() - at < NOT_SAVED_RECENT_S]
        unsure = [u.words() for u in self._unsure]
        self.push_screen(
            CacheLostScreen(
                why,
                recent,
                server=self._server_gone,
                unsure=unsure,
                title="NOT LIVE: the database server refused a connection" if refused else None,
            )
        )

    def note_not_saved(self, texts: list[str]) -> None:
        """Changes refused by the cache: also named on the NOT LIVE box, up now or coming (the
        write that fails is often how the loss is found)."""
        self._not_saved = [*self._not_saved[-9:], *((time.monotonic(), t) for t in texts)]
        for s in self.screen_stack:
            if isinstance(s, CacheLostScreen):
                s.note_not_saved(texts)

    def note_unsure(self, items: list[Unsure]) -> None:
        """Changes whose connection was lost as they were committed: the server may have taken
        them. Saying NOT SAVED had the officer type them again (a note added twice); they are
        looked up by their batch once the server answers, and the officer told which."""
        self._unsure += items
        for s in self.screen_stack:
            if isinstance(s, CacheLostScreen):
                s.note_unsure([u.words() for u in items])
        if self._lost:
            self._tell_unsure(items)
        else:  # (told only if a look now cannot find it out: a server that answers says at once)
            self.check_unsure()

    def _tell_unsure(self, items: list[Unsure]) -> None:
        for u in items:
            if u.told:
                continue
            u.told = True
            self.notify(
                f"{u.words()}: MAY NOT HAVE BEEN SAVED: the connection to the server was lost "
                "as it was being saved. Do not type it again yet: triage checks when the server "
                "answers and tells you.",
                title="Not known yet",
                severity="warning",
                markup=False,
                timeout=20,
            )

    def check_unsure(self) -> None:
        """Look up the changes whose outcome is unknown, if the server may answer now."""
        if self._unsure and not self._lost:
            self._check_unsure(list(self._unsure))

    @work(thread=True, group="unsure", exit_on_error=False)
    def _check_unsure(self, items: list[Unsure]) -> None:
        for u in items:
            try:
                with self.cache.borrow() as conn:
                    saved = wf.was_saved(conn, u.change)
            except (sqlite3.Error, StoreError):
                # (no answer yet: asked again when the server is back, or in a moment)
                saved = None
            self.post_message(UnsureChecked(u, saved))

    def on_unsure_checked(self, msg: UnsureChecked) -> None:
        u = msg.unsure
        if u not in self._unsure:  # (found out by an earlier look)
            return
        if msg.saved is None:
            self._tell_unsure([u])
            if not self._lost:  # (when lost, the server's coming back asks again)
                self.set_timer(UNSURE_AGAIN_S, self.check_unsure)
            return
        self._unsure.remove(u)
        if msg.saved:
            self.notify(
                f"{u.words()}: saved (checked now the server answers: the connection had been "
                "lost as it was saved)",
                markup=False,
                timeout=10,
            )
        else:
            self.notify(
                f"NOT SAVED: {u.words()}: type it again (checked now the server answers: it "
                "never reached the cache)",
                severity="error",
                markup=False,
                timeout=30,
            )
            if u.on_absent is not None:
                u.on_absent(u.change.why)

    def reopen_cache(self) -> str | None:
        """Reopen after a loss; None when the console is live again, else why not."""
        try:
            self.cache.reopen()
            self.feed.start()
        except StoreError as exc:
            self.cache.mark_lost(str(exc))
            return str(exc)
        self._lost = False
        for s in self.screen_stack:
            if isinstance(s, TriageScreen):
                s.cache_reopened()
        self.notify("The cache was reopened; the list is live again.", title="Cache", timeout=8)
        return None

    def drill_down(self, view: View) -> None:
        """A figure of the Overview opened: its cables in a list over the Overview."""
        self.push_screen(ListScreen(view, from_overview=True))

    # the clipboard

    def copy_text(self, text: str, what: str, fallback_file: str | None) -> None:
        """Through the terminal (OSC 52, which works over ssh); where the terminal is known to
        drop it, say so, and put a long text in a private file instead."""
        why = clipboard.refusal(os.environ, len(text.encode("utf-8")))
        if why is None:
            self.copy_to_clipboard(text)
            self.notify(
                f"copied {visible(what, one_line=True)} (through the terminal: OSC 52)",
                markup=False,
                timeout=4,
            )
            return
        if fallback_file is None:
            self.notify(
                f"not copied: {why}. It reads: {visible(text, one_line=True)}",
                severity="warning",
                markup=False,
                timeout=12,
            )
            return
        try:
            path = clipboard.save_fallback(text, fallback_file)
        except OSError as exc:
            self.notify(
                f"not copied: {why}; nor saved: {exc.strerror or exc}",
                severity="error",
                markup=False,
            )
            return
        self.notify(
            f"not copied: {why}. {_sentence(visible(what, one_line=True))} is in {path} "
            f"({clipboard.SAVED_SAFE})",
            severity="warning",
            markup=False,
            timeout=12,
        )

    # views saved from the console

    def add_view(self, name: str, filters: list[Filter]) -> None:
        self.ctx.custom_tabs[name] = filters
        if name not in self.tabs:
            self.tabs.append(name)

    def drop_view(self, name: str) -> None:
        self.ctx.custom_tabs.pop(name, None)
        if name in self.tabs and name not in BUILTIN_TABS:
            self.tabs.remove(name)

    # screenshots

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """The palette's Screenshot: an SVG in ~/Downloads when there is one, else the home
        folder, private like an export, and a notice naming the file (Textual's own delivery
        only said "Failed to save screenshot" when ~/Downloads did not exist)."""
        folder = Path(path) if path else Path.home() / "Downloads"
        if not path and not folder.is_dir():
            folder = Path.home()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = folder / (filename or f"triage-screen-{stamp}.svg")
        try:
            write_private(str(target), self.export_screenshot())
        except OSError as exc:
            self.notify(
                f"{target}: could not save the screenshot: {exc.strerror or exc}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"saved to {target}", title="Screenshot", markup=False)
        return str(target)

    # help and command palette

    def show_help(self) -> None:
        """Every key of the screen, its widgets and the app, with the id a keymap rebinds it
        by. Textual's own bindings without an id (a scroll container's arrows, which ours
        shadow) cannot be rebound and are left out."""
        from .screens.dialogs import HelpScreen

        rows: list[tuple[str, str, str]] = []
        seen = set()
        for node in [self.screen, *self.screen.query("*"), self]:
            for klass in type(node).__mro__:
                for binding in vars(klass).get("BINDINGS", []):
                    if not isinstance(binding, Binding) or not binding.id or binding.id in seen:
                        continue
                    seen.add(binding.id)
                    keys = self.config.keymap.get(binding.id, binding.key)
                    rows.append(
                        (
                            keys.replace("question_mark", "?").replace("slash", "/"),
                            # (the help's words where the key line's are too short to
                            # tell n's two meanings apart)
                            binding.tooltip or binding.description,
                            binding.id,
                        )
                    )
        rows.append(("ctrl+p", "Command palette", "app.command_palette"))
        self.push_screen(HelpScreen(rows))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # not Textual's "Keys" panel: a second key list, other than ?'s, that esc did not close
        # (and q behind it quit); "Help: keys" below is ours
        yield from (c for c in super().get_system_commands(screen) if c.title != "Keys")
        if isinstance(screen, TriageScreen):
            yield from screen.commands()
        yield SystemCommand("Help: keys", "List every key binding", self.show_help)


def _sentence(text: str) -> str:
    """`the header and text of 26JCS911` opening a sentence."""
    return text[:1].upper() + text[1:]


def run_console(
    db_path: Path,
    config: Config,
    *,
    overview: bool = False,
    conn: sqlite3.Connection | None = None,
    first_page: FirstPage | None = None,
) -> None:
    app = TriageApp(db_path, config, conn=conn, first_page=first_page)
    app.start_on_overview = overview
    app.run()
    if app.cache.quarantined:
        # connections set aside when the cache was lost must not be closed (see store.cache):
        # leave without the finalizers that would close them
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)
