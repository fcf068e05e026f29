"""The triage list: tabs, search, filters, sort, tags, export, and live traffic.

A view's ids, counts and banner level are read in thread workers that post messages; the
handlers here change the screen's state. Rows on screen are fetched by id on the UI thread (one
indexed query a page), but for a new view's first page, which its worker reads with the ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widgets import Static

from ...cable.model import Precedence, is_closed, is_overdue
from ...cable.rollup import Rollup
from ...config import ConfigError, remove_view, save_view
from ...store.first_page import FIRST_ROWS, FirstPage, read_rows
from ...store.schema import StoreError
from ...store.views import (
    BUILTIN_TABS,
    SORTS,
    Cancelled,
    Filter,
    FilterError,
    Row,
    View,
    counts_and_level,
    filters_text,
    office_unset,
    parse_filters,
    view_ids,
)
from ..messages import Arrival, CountsLoaded, CursorMoved, ViewData, ViewFailed, ViewLoaded
from ..safe import PREC_STYLES, visible
from ..system import release_memory
from ..text import tab_bar, who_else
from ..widgets.bars import Banner, KeyHints, TabBar, hint_bindings
from ..widgets.cable_list import PAGE, CableList
from .workflow import WORKFLOW_BINDINGS, Target, WorkflowActions

# the filters whose message comes from the cache (views._resolved): a reference of two years,
# or a since: after an until: the view already had
REFERENCE_FILTERS = ("thread:", "cites:", "citedby:", "since:")

if TYPE_CHECKING:
    # (imported when first opened: the split view and the Overview are not part of the
    # first screen, and their modules cost it ~30 ms of a start)
    from .cable import CableScreen

# the longest a change waits for the view being read (a reading that never ends, after a fault,
# must not hold live traffic back for good)
# how often the list is read again with nothing written (overdue is a matter of time)
CLOCK_REFRESH_SECONDS = 60.0
SETTLE_WAIT_MAX_S = 10.0
# the longest the whole list's rows wait for its first page to be drawn
DRAW_WAIT_S = 0.25


class ListNavigator:
    """The list as the split view may use it (see navigator.Navigator)."""

    def __init__(self, screen: ListScreen) -> None:
        self._screen = screen

    def _list(self) -> CableList | None:
        # None while the list screen is not composed (or is being torn down at exit)
        found = self._screen.query(CableList)
        return found.first() if found else None

    def count(self) -> int:
        lst = self._list()
        return len(lst.ids) if lst else 0

    def cable_at(self, index: int) -> int | None:
        lst = self._list()
        if lst is None or not 0 <= index < len(lst.ids):
            return None
        return int(lst.ids[index])

    def index_of(self, cable_id: int) -> int | None:
        lst = self._list()
        if lst is None:
            return None
        return lst.position(cable_id)

    def move_to(self, index: int) -> None:
        lst = self._list()
        if lst is not None:
            lst.move_to(index)

    def view_name(self) -> str:
        return self._screen.view.tab

    def changed(self) -> None:
        self._screen.cache_changed()

    def opened(self, cable_id: int) -> None:
        lst = self._list()
        if lst is not None:
            lst.mark_seen(cable_id)


class ListScreen(WorkflowActions):
    BINDINGS = [
        *WORKFLOW_BINDINGS,
        Binding("space", "tag", "Tag", show=False, id="list.tag"),
        Binding("V", "tag_range", "Tag range", show=False, id="list.tag_range"),
        Binding("U", "untag", "Clear tags", show=False, id="list.untag"),
        Binding("e", "export", "Export", id="list.export"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("t", "open(True)", "Thread", id="list.thread"),
        Binding("slash", "search", "Search", id="list.search"),
        Binding("f", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear", "Clear filters", id="list.clear"),
        Binding("o", "sort", "Sort", id="list.sort"),
        Binding("O", "reverse", "Reverse", id="list.reverse"),
        Binding("tab", "next_tab", "Next view", id="list.next_view"),
        Binding("shift+tab", "prev_tab", "Prev view", show=False, id="list.prev_view"),
        Binding("W", "save_view", "Save as view", show=False, id="list.save_view"),
        Binding("F", "jump_urgent", "Jump to urgent arrival", show=False, id="list.jump_urgent"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("w", "overview", "Overview", id="list.overview"),
        Binding("q", "quit", "Quit", id="list.quit"),
    ]

    # the screen's state; the watchers below redraw what depends on each
    view: var[View] = var(View(), init=False)
    # each tab's count; None for a saved view that cannot be read (no tab yet: not counted)
    counts: var[dict[str, int | None]] = var(dict, init=False)
    marking: var[Rollup] = var(Rollup, init=False)  # the banner's
    loaded: var[bool] = var(False, init=False)
    partial: var[bool] = var(False, init=False)

    def __init__(self, view: View | None = None, *, from_overview: bool = False) -> None:
        super().__init__()
        # a list opened from a figure of the Overview stands over it: esc (or w) goes back
        # there, and the officer's own list under the Overview keeps its view, sort and place
        self.from_overview = from_overview
        if view is not None:
            self.set_reactive(ListScreen.view, view)
        self.generation = 0
        self._whole_view = False
        self._moves_from: int | None = None  # see reload
        self._named: int | None = None  # the cable a search of one reference names
        self.typeahead_busy = False
        self._view_shown: View | None = None
        self.kept_tagged: dict[int, int] = {}
        # the cable a range of tags starts from (V, or the last cable tagged with space): a
        # cable, not a row number, so arrivals above it do not move it; None: no range open
        self._range_from: int | None = None
        self._shown = 0
        self._first_shown = 0
        self._reader: CableScreen | None = None
        self._search_before: str | None = None  # what a search that cannot be read replaced
        # filters typed that only the cache can refuse (thread:PARIS2002 of two years), and
        # the filters they were added to
        self._filter_typed: tuple[str, tuple[Filter, ...]] | None = None
        # FLASH and NIACT IMMEDIATE arrivals the officer's cursor has not been on yet
        self.urgent: dict[int, Arrival] = {}
        # a view is settled once its list and its counts have been read; traffic that arrives
        # before then is picked up when it is (see cache_changed)
        self._settled = 0
        self._changed_meanwhile = False
        self._reading_since = 0.0
        # changes came while the list was covered (see covered): read again when shown
        self.stale = False

    def compose(self) -> ComposeResult:
        yield Banner(id="banner-top")
        yield TabBar(id="tabs")
        yield Static(id="filters", markup=False)
        yield Static(id="arrivals", markup=False)
        yield Static(id="empty", markup=False)
        yield CableList(self._fetch, self._overdue, show_addressed=self.tapp.has_office, id="list")
        yield KeyHints(hint_bindings(type(self)), self.tapp.config.keymap)
        yield Banner(id="banner-bottom")

    def on_mount(self) -> None:
        self.query_one(CableList).login = self.tapp.login
        self.query_one(CableList).focus()
        self._draw_banner()
        self._draw_tabs()
        self._draw_filters()
        self.reload()
        self.set_interval(CLOCK_REFRESH_SECONDS, self.clock_moved)

    def clock_moved(self) -> None:
        """Cables fall overdue and due as time passes, with nothing written: the Overdue and
        Due counts (and those views) are read again each minute, as after a change."""
        self.cache_changed()

    def watch_view(self) -> None:
        if self.is_mounted:
            self._draw_tabs()
            self._draw_filters()
            self._draw_empty()

    def watch_counts(self) -> None:
        if self.is_mounted:
            self._draw_tabs()
            self._draw_empty()

    def watch_marking(self) -> None:
        if self.is_mounted:
            self._draw_banner()

    def watch_loaded(self) -> None:
        if self.is_mounted:
            self._draw_empty()

    def watch_partial(self) -> None:
        if self.is_mounted:
            self._draw_filters()

    # data

    def _fetch(self, ids: list[int]) -> dict[int, Row] | None:
        """The rows for these ids; None when the cache cannot be read (the list then shows
        the rows as last read, behind the NOT LIVE box)."""
        try:
            return self._read_rows(self.tapp.cache.conn(), ids)
        except (sqlite3.Error, StoreError) as exc:
            self.tapp.report_cache_error(exc)
            return None

    def _read_rows(self, conn: sqlite3.Connection, ids: list[int]) -> dict[int, Row]:
        """The rows for these ids as the list draws them (on the UI thread's connection, or a
        worker's for a view's first page)."""
        return read_rows(conn, ids, self.tapp.ctx, self.tapp.config)

    def _first_rows(self, conn: sqlite3.Connection, ids: array[int]) -> dict[int, Row] | None:
        """The first page's rows, read in the view's worker (None when they cannot be read:
        the list reads them itself, and says why)."""
        try:
            return self._read_rows(conn, [int(i) for i in ids[:PAGE]])
        except (sqlite3.Error, StoreError):
            return None

    def _overdue(self, row: Row) -> bool:
        return is_overdue(
            status=row.status,
            officer=row.officer,
            due_at=row.due_at,
            received_at=row.received_at,
            precedence=row.precedence,
            objectives_min=self.tapp.ctx.objectives_min,
            now=dt.datetime.now(dt.UTC),
        )

    # workflow hooks

    def targets(self) -> list[Target]:
        lst = self.query_one(CableList)
        if self._whole_view:
            return [Target(int(i), None, f"#{int(i)}") for i in lst.ids]
        if lst.tagged:
            out = []
            for cid, version in lst.tagged.items():
                out.append(Target(cid, version, self._ref_of(cid)))
            return out
        row = lst.row_at(lst.cursor)
        if row is None:
            return []
        return [Target(row.id, row.row_version, row.reference_id)]

    def cursor_target(self) -> Target | None:
        lst = self.query_one(CableList)
        row = lst.row_at(lst.cursor)
        return Target(row.id, row.row_version, row.reference_id) if row else None

    def _ref_of(self, cid: int) -> str:
        try:
            r = (
                self.tapp.cache.conn()
                .execute("SELECT reference_id FROM cables WHERE id = ?", (cid,))
                .fetchone()
            )
        except (sqlite3.Error, StoreError):
            r = None
        return str(r[0]) if r else f"#{cid}"

    def bulk(self) -> bool:
        lst = self.query_one(CableList)
        return bool(lst.tagged) or self._whole_view

    def bulk_noun(self) -> str:
        return "cables in this view" if self._whole_view else "tagged cables"

    def suggestion(self) -> tuple[str | None, str | None]:
        lst = self.query_one(CableList)
        row = lst.row_at(lst.cursor)
        if row is None:
            return None, None
        if row.cites_held and row.suggested == row.cites_held[0]:
            return row.suggested, f"cites {row.cites_held[1]}, held by {row.cites_held[0]}"
        return row.suggested, None

    def refresh_after_change(self) -> None:
        lst = self.query_one(CableList)
        if self.bulk():
            # the cables a change left alone (refused, changed by someone else) stay tagged
            kept = self.kept_tagged
            still = {cid: v for cid, v in kept.items() if cid in lst.tagged}
            lst.tagged.clear()
            lst.tagged.update(still)
            self._range_from = None  # (the range's tags are applied: it ends with them)
        self.kept_tagged = {}
        self._whole_view = False
        lst.invalidate()
        self.reload()

    def _still_counting(self) -> bool:
        if self.partial:
            self.notify("the view is still being counted; try again in a moment", markup=False)
        return self.partial

    def whole_view(self, action: str) -> None:
        """The palette's 'for every cable in this view': the same dialogs, after a confirmation."""
        if self._still_counting():
            return
        self._whole_view = True
        getattr(self, f"action_{action}")()

    def action_tag(self) -> None:
        lst = self.query_one(CableList)
        row = lst.row_at(lst.cursor)
        if row is None:
            return
        if row.id in lst.tagged:
            del lst.tagged[row.id]
            if row.id == self._range_from or not lst.tagged:
                self._range_from = None
        else:
            lst.tagged[row.id] = row.row_version
            self._range_from = row.id  # V tags from here to where the cursor is then
        lst.action_cursor_down()
        lst.refresh()
        self._draw_filters()

    def range_start(self) -> tuple[int, str] | None:
        """Where the open range starts (its row now, its reference), or None: no range open,
        or its cable is no longer in the view."""
        if self._range_from is None:
            return None
        lst = self.query_one(CableList)
        index = lst.position(self._range_from)
        if index is None:
            return None
        row = lst.row_at(index)
        return index, row.reference_id if row is not None else self._ref_of(self._range_from)

    def action_tag_range(self) -> None:
        """As vim's V: with no range open, one starts at the cursor's cable (tagged); with one
        open, every cable from its first to the cursor's is tagged, and the range ends."""
        lst = self.query_one(CableList)
        row = lst.row_at(lst.cursor)
        if row is None:
            return
        start = self.range_start()
        if start is None:
            gone = self._range_from is not None
            lst.tagged[row.id] = row.row_version
            self._range_from = row.id
            self.notify(
                ("the range's first cable has left this view; " if gone else "")
                + f"range from {visible(row.reference_id, one_line=True)}: move and press V "
                "again to tag to there (esc ends the range)",
                markup=False,
            )
        else:
            lo, hi = sorted((start[0], lst.cursor))
            for k in range(lo, hi + 1):
                r = lst.row_at(k)
                if r is not None:
                    lst.tagged[r.id] = r.row_version
            self._range_from = None
        lst.refresh()
        self._draw_filters()

    def end_range(self) -> bool:
        """esc with a range open ends it (its tags stay); True if one was open."""
        if self._range_from is None:
            return False
        self._range_from = None
        self._draw_filters()
        return True

    def action_untag(self) -> None:
        lst = self.query_one(CableList)
        lst.tagged.clear()
        self._range_from = None
        lst.refresh()
        self._draw_filters()

    def action_export(self) -> None:
        from .dialogs import PromptScreen

        if self._still_counting():
            return
        lst = self.query_one(CableList)
        if not lst.ids and not lst.tagged:
            # (it asked for a file name, then wrote a file of no rows saying nothing of why)
            self.notify(f"nothing to export: {self._empty_text()}", markup=False, timeout=8)
            return
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        proposed = str(Path.home() / f"triage-actions-{stamp}.csv")
        what = (
            f"{len(lst.tagged)} tagged cables"
            if lst.tagged
            else f"the {self.view.tab} view ({len(lst.ids):,} cables)"
        )

        def chosen(path: str | None) -> None:
            if path and path.strip():
                if lst.tagged:
                    tagged = set(lst.tagged)
                    ids = [int(i) for i in lst.ids if int(i) in tagged]
                else:
                    ids = [int(i) for i in lst.ids]
                self._export(Path(path.strip()).expanduser(), ids)

        self.app.push_screen(PromptScreen(f"Export {what} as CSV to", proposed), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, path: Path, ids: list[int]) -> None:
        from ...store.export import ExportError, export_file, exported_line

        app = self.tapp
        try:
            with app.cache.borrow() as conn:
                n, top = export_file(
                    conn, ids, path, who=app.login, group=app.config.group, db=str(app.cache.path)
                )
        except ExportError as exc:
            app.notify(f"could not export: {exc}", severity="error", markup=False, timeout=15)
            return
        except (sqlite3.Error, StoreError) as exc:
            app.notify(f"export failed: {exc}", severity="error", markup=False)
            return
        except ValueError:  # a NUL byte typed into the file name
            app.notify(
                f"{visible(str(path))}: not a file name; nothing was exported",
                severity="error",
                markup=False,
            )
            return
        app.notify(
            exported_line(n, path, top),
            title="Export",
            markup=False,
            timeout=10,
        )

    def covered(self) -> bool:
        """Hidden under a screen that does not show the list: one above it in the stack that
        is neither a dialog (the list shows around it) nor this list's split view (which moves
        through the list, and so needs it current)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1 :]
        return any(not isinstance(s, ModalScreen) and s is not self._reader for s in above)

    def uncovered(self) -> None:
        if self.stale and not self.covered():
            self.cache_changed()

    def _cable_named(self, text: str) -> int | None:
        """The cable a search of one reference names (`BERLIN702`, `BERLIN 702`,
        `26BERLIN702`): its latest year held. None for any other search."""
        from ...store.search import reference_years

        m = re.fullmatch(r"\s*(\d{2})?\s*([A-Za-z]{3,})\s*0*(\d{1,7})\s*", text)
        if not m:
            return None
        station, serial = m.group(2), m.group(3)
        refs = (
            [f"{m.group(1)}{station.upper()}{int(serial)}"]
            if m.group(1)
            else reference_years(station, serial)
        )
        marks = ", ".join("?" for _ in refs)
        try:
            row = (
                self.tapp.cache.conn()
                .execute(
                    f"SELECT id FROM cables WHERE reference_id IN ({marks}) "
                    "ORDER BY dtg IS NULL, dtg DESC, id DESC LIMIT 1",
                    refs,
                )
                .fetchone()
            )
        except (sqlite3.Error, StoreError):
            return None
        return int(row[0]) if row else None

    def reload(self, keep_current: bool = True, keep_id: int | None = None) -> None:
        self.stale = False
        self.generation += 1
        self._reading_since = time.monotonic()
        lst = self.query_one(CableList)
        keep = keep_id if keep_id is not None else (lst.current_id if keep_current else None)
        # another view (a filter, a search, a tab): the rows on screen until it arrives are not
        # its rows, so a j typed meanwhile moves from where its cursor lands, not to a row of the
        # old list (which the new one may not hold: the cursor fell back to its top)
        self._moves_from = lst.cursor if self.view != self._view_shown else None
        # keys typed meanwhile wait for the new view's rows (typeahead.busy)
        if self._moves_from is not None:
            self.typeahead_busy = True
        else:
            self._not_busy()
        # the first list's first page, when a helper process read it (store/first_page.py):
        # shown at once, so the screen's first frame is drawn with it
        page = self.tapp.take_first_page(self.view) if keep is None else None
        drawn = threading.Event()
        if page is not None:
            data = ViewData(self.generation, page.ids, {}, -1, False, first_rows=page.rows)
            self._loaded(ViewLoaded(data, None, partial=True, drawn=drawn))
        self._load(self.view, self.generation, keep, page, drawn)

    def _left(self, generation: int) -> Callable[[], bool]:
        """Asked by a view's running queries: has the user moved on to another view?"""
        return lambda: self.generation != generation

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _load(
        self,
        view: View,
        generation: int,
        keep_id: int | None,
        page: FirstPage | None = None,
        drawn: threading.Event | None = None,
    ) -> None:
        """The view's ordered ids first (what the list needs to draw), then, in a second
        worker, the tab counts and the banner's level, which may take longer."""
        app = self.tapp
        stale = self._left(generation)
        partial_sent = False
        rows: dict[int, Row] | None = None
        drawn = drawn or threading.Event()
        if page is not None:  # its first page is shown already (see reload)
            partial_sent = True
            drawn.wait(DRAW_WAIT_S)
            # the whole list follows from the helper (this process has not connected yet)
            whole = page.rest.whole() if page.rest is not None else None
            if whole is not None:
                self._post_whole(generation, whole[0], whole[1], None, keep_id)
                return
        try:
            with app.cache.borrow() as conn:
                if keep_id is None and not partial_sent:
                    # the first screenful at once (an index scan that stops early); the whole
                    # ordered list follows, for the count, the scrollbar and the far end
                    first = view_ids(conn, view, app.ctx, limit=FIRST_ROWS, stop=stale)
                    if len(first) == FIRST_ROWS:
                        rows = self._first_rows(conn, first)
                        data = ViewData(generation, first, {}, -1, False, first_rows=rows)
                        self.post_message(ViewLoaded(data, None, partial=True, drawn=drawn))
                        partial_sent = True
                # the whole list is asked for at once, and its rows are read (the GIL held a
                # few ms at a time, 60-100 ms for 250,000 ids) once the first page is drawn
                ids = view_ids(
                    conn,
                    view,
                    app.ctx,
                    stop=stale,
                    before_rows=(lambda: drawn.wait(DRAW_WAIT_S)) if partial_sent else None,
                )
                if keep_id is None and not partial_sent:
                    rows = self._first_rows(conn, ids)
                longest = conn.execute(
                    "SELECT coalesce(max(length(officer)), 0) FROM workflow"
                ).fetchone()[0]
        except Cancelled:
            return
        except FilterError as exc:
            self.post_message(ViewFailed(str(exc), generation))
            return
        except (sqlite3.Error, StoreError) as exc:
            self.post_message(ViewFailed(f"cache: {exc}", generation))
            return
        except Exception as exc:  # never a list that silently stays as it was
            self.post_message(ViewFailed(f"the view could not be read: {exc!r}", generation))
            return
        self._post_whole(generation, ids, int(longest), None if partial_sent else rows, keep_id)

    def _post_whole(
        self,
        generation: int,
        ids: array[int],
        longest: int,
        rows: dict[int, Row] | None,
        keep_id: int | None,
    ) -> None:
        routed = [len(str(r.get("officer") or "")) + 1 for r in self.tapp.config.routes]
        width = max([longest, *routed, 7])
        data = ViewData(generation, ids, {}, -1, False, width, rows)
        self.post_message(ViewLoaded(data, keep_id))
        release_memory()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _load_counts(self, view: View, generation: int) -> None:
        app = self.tapp
        stale = self._left(generation)
        try:
            with app.cache.borrow() as conn:
                counts, marking = counts_and_level(conn, view, app.ctx, app.tabs, stale)
        except Cancelled:
            return
        except (FilterError, sqlite3.Error, StoreError):
            self.post_message(CountsLoaded(generation, None, self.marking))
            return
        self.post_message(CountsLoaded(generation, counts, marking))
        release_memory()

    @on(ViewLoaded)
    def _loaded(self, msg: ViewLoaded) -> None:
        if msg.drawn is not None:
            self.call_after_refresh(msg.drawn.set)
        if not msg.partial and not self.tapp.started_up:
            self.call_after_refresh(self.tapp.list_shown)
        if msg.data.generation != self.generation:
            return
        if not msg.partial:
            self._filter_typed = None
        lst = self.query_one(CableList)
        lst.empty_text = "" if msg.partial else self._empty_text()
        if msg.partial:
            lst.set_ids(msg.data.ids, None, first_rows=msg.data.first_rows)
            self._moves_from = None  # (its first page is shown: keys move in it)
            self._not_busy()
            self.partial = True
            self.loaded = True
            self._first_shown = msg.data.generation
            self._draw_filters()
            return
        # the cable under the cursor now, not when the reading began: a j typed while the list
        # was read again (after the officer's own change) was undone when it arrived
        now = lst.current_id
        moves_from = self._moves_from
        moved = lst.cursor - moves_from if moves_from is not None else 0
        if moves_from is not None:
            keep = msg.keep_id
        else:
            keep = (
                (now if now is not None else msg.keep_id)
                if msg.keep_id is not None
                else (now if self.partial else None)
            )
        lst.officer_width = msg.data.officer_width
        # (the whole list after its own first page: those rows were read moments ago, with it)
        lst.set_ids(msg.data.ids, keep, first_rows=msg.data.first_rows, rows_current=self.partial)
        if moved:
            lst.move_to(lst.cursor + moved)
        named, self._named = self._named, None
        if named is not None and lst.position(named) is None:
            self._named_elsewhere(named)
        self._moves_from = None
        self._view_shown = self.view
        self._not_busy()
        if self._reader is not None and self._reader.is_current:
            self._reader.list_changed()  # its `3 of 54`, and where n and p go from here
        self.partial = False
        self.loaded = True
        self._first_shown = self._shown = msg.data.generation
        self._forget_handled_arrivals()
        self._draw_filters()
        self._draw_arrivals()
        self._load_counts(self.view, msg.data.generation)

    def _empty_text(self) -> str:
        """Why the view is empty, and the way out (as mutt says 'No messages')."""
        v = self.view
        if v.search and v.filters:
            what, them = "this search and these filters", "them"
        elif v.search:
            what, them = "this search", "it"
        elif v.filters:
            what, them = ("this filter", "it") if len(v.filters) == 1 else ("these filters", "them")
        else:
            return f"No cables in {v.tab}. tab shows other views."
        if self.from_overview:  # (esc goes back there; the filters are the figure's)
            return f"No cable in {v.tab} matches {what} now. esc goes back to the Overview."
        return f"No cable in {v.tab} matches {what}. esc clears {them}; tab shows other views."

    @on(CountsLoaded)
    def _counts_loaded(self, msg: CountsLoaded) -> None:
        if msg.generation != self.generation:
            return
        if msg.counts is not None:
            # (a saved view left out cannot be read: its tab says so, the others keep theirs)
            self.counts = {tab: msg.counts.get(tab) for tab in self.tapp.tabs}
            self.marking = msg.marking
            # CLASS widens for a caption (`TS//NODIS`) only where the view holds one: the
            # subject keeps those cells in every other view
            lst = self.query_one(CableList)
            wide = 13 if msg.marking.captions else 7
            if lst.class_width != wide:
                lst.class_width = wide
                lst.refresh()
        self._settle()

    def _settle(self) -> None:
        """The view's list and counts are read: now take in what arrived meanwhile."""
        self._settled = self.generation
        if self._changed_meanwhile:
            self._changed_meanwhile = False
            self.cache_changed()

    def _named_elsewhere(self, cid: int) -> None:
        """`/PARIS1877` when the view does not hold that cable (closed, say): said, and the
        cursor on the first row, not on a cable citing it as if it were the one."""
        try:
            row = (
                self.tapp.cache.conn()
                .execute(
                    "SELECT c.reference_id, w.status FROM cables c JOIN workflow w "
                    "ON w.cable_id = c.id WHERE c.id = ?",
                    (cid,),
                )
                .fetchone()
            )
        except (sqlite3.Error, StoreError):
            return
        if row is None:
            return
        self.query_one(CableList).move_to(0)
        ref = visible(str(row[0]), one_line=True)
        self.notify(
            f"{ref} ({row[1]}) is not in {self.view.tab}: these cables mention it; the All tab "
            "holds it",
            markup=False,
            timeout=8,
        )

    def _not_busy(self) -> None:
        """The keys held while a new view was read go now, to its rows."""
        if self.typeahead_busy:
            self.typeahead_busy = False
            self.app.call_later(self.tapp.typeahead.pump)

    @on(ViewFailed)
    def _failed(self, msg: ViewFailed) -> None:
        if msg.generation == self.generation:
            self._moves_from = None
            self._not_busy()
        if self.view.search and msg.error.startswith("search"):
            # the search box again, with what was typed and why it cannot be read; the list
            # goes back to the search it showed before
            typed = self.view.search
            self.view = replace(self.view, search=self._search_before)
            self.reload()
            self.action_search(typed, msg.error)
            return
        if self._filter_typed is not None and msg.error.startswith(REFERENCE_FILTERS):
            # the filter box again, with what was typed and why; the list as it was
            typed, before = self._filter_typed
            self._filter_typed = None
            self.view = replace(self.view, filters=before)
            self.reload()
            self.action_filter(typed, msg.error)
            return
        self.notify(msg.error, severity="error", markup=False, timeout=8)
        if msg.generation == self.generation:
            if self.view != self._view_shown:
                # another view (a saved view's tab) that cannot be read: the rows of the view
                # before it stayed on screen under its name
                lst = self.query_one(CableList)
                lst.empty_text = f"{self.view.tab} cannot be read: {msg.error}"
                lst.set_ids(array("q"), None)
                self._view_shown = self.view
                self.partial = False
                self.loaded = True
                self._draw_filters()
            self._settle()

    @on(TabBar.Clicked)
    def _tab_clicked(self, msg: TabBar.Clicked) -> None:
        if msg.tab != self.view.tab:
            self.select_tab(msg.tab)

    @on(CableList.Opened)
    def _row_opened(self) -> None:
        self.action_open()

    @on(CursorMoved)
    def _moved(self) -> None:
        self._draw_filters()
        self._draw_arrivals()

    # others at work, and what this officer has opened

    def presence_changed(self) -> None:
        if not self.query(CableList):
            return  # not composed yet
        lst = self.query_one(CableList)
        lst.open_elsewhere = {p.cable_id for p in self.tapp.present if p.cable_id is not None}
        lst.refresh()
        self._draw_tabs()

    # urgent arrivals

    def note_arrivals(self, arrivals: list[Arrival]) -> None:
        for a in arrivals:
            self.urgent[a.cable_id] = a

    def _forget_handled_arrivals(self) -> None:
        """The urgent arrivals someone has acknowledged or closed since (this officer with a bulk
        status, a colleague) no longer need this officer's attention: their strip (`arrived
        outside this view`, `F jumps to it`) goes. Read each time the list is read again, which
        any change to the cache brings."""
        if not self.urgent:
            return
        ids = list(self.urgent)
        marks = ", ".join("?" for _ in ids)
        try:
            rows = (
                self.tapp.cache.conn()
                .execute(
                    f"SELECT cable_id, status, ack_by FROM workflow WHERE cable_id IN ({marks})",
                    ids,
                )
                .fetchall()
            )
        except (sqlite3.Error, StoreError):
            return  # (the cache cannot be read now: the strip stays until it can)
        for cable_id, status, ack_by in rows:
            if ack_by or is_closed(status):
                self.urgent.pop(int(cable_id), None)

    def _urgent_out_of_sight(self) -> list[tuple[int, Arrival]]:
        """The pending urgent arrivals in this view that are not on screen: (index, arrival),
        the newest first."""
        lst = self.query_one(CableList)
        out = []
        for cid in list(self.urgent):
            k = lst.position(cid)
            if k is None:
                continue
            if k == lst.cursor:
                del self.urgent[cid]  # the officer is on it
                continue
            if not lst.top <= k < lst.top + lst.page_height:
                out.append((k, self.urgent[cid]))
        return sorted(out, key=lambda x: -x[1].cable_id)

    def _draw_arrivals(self) -> None:
        strip = self.query_one("#arrivals", Static)
        if not self.urgent:
            strip.display = False
            return
        hidden = self._urgent_out_of_sight()
        lst = self.query_one(CableList)
        # else one this view leaves out (its search or filters): F opens it over the list
        elsewhere = self._urgent_elsewhere()
        if not hidden and not elsewhere:
            strip.display = False
            return
        a = hidden[0][1] if hidden else elsewhere[0]
        badge = {p.value: p.badge for p in Precedence}.get(a.precedence, a.precedence[:5])
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        t.append(("↑ " if hidden[0][0] < lst.top else "↓ ") if hidden else "⇥ ", style="bold")
        t.append(f" {badge} ", style=PREC_STYLES.get(badge, Style(bold=True)))
        t.append(" " + visible(a.reference_id, one_line=True), style="bold")
        # (+2 more) either way: the strip for arrivals out of this view named one of three
        others = len(hidden or elsewhere) - 1
        more = f" (+{others:,} more)" if others else ""
        if hidden:
            t.append(f"{more}  F jumps to it   ")
        else:
            t.append(f"{more} arrived outside this view  F opens it   ")
        t.append(visible(a.subject, one_line=True))
        strip.update(t)
        strip.display = True

    def action_jump_urgent(self) -> None:
        hidden = self._urgent_out_of_sight()
        if not hidden:
            self._open_urgent_elsewhere()
            return
        k, a = hidden[0]
        self.urgent.pop(a.cable_id, None)
        lst = self.query_one(CableList)
        if k < lst.page_height:
            lst.top = 0  # (it fits on the first screen: the rows above it stay in sight)
        lst.move_to(k)

    def _urgent_elsewhere(self) -> list[Arrival]:
        """The urgent arrivals this view's search or filters leave out, the newest first."""
        lst = self.query_one(CableList)
        return sorted(
            (a for cid, a in self.urgent.items() if lst.position(cid) is None),
            key=lambda a: -a.cable_id,
        )

    def _open_urgent_elsewhere(self) -> None:
        """An urgent arrival this view's search or filters leave out (its toast was seen; F
        said "no urgent arrival out of sight"): opened in the split view over the list, which
        keeps its view; esc comes back to it."""
        elsewhere = self._urgent_elsewhere()
        if not elsewhere:
            self.notify("no urgent arrival out of sight", markup=False, timeout=3)
            return
        from .cable import CableScreen

        a = elsewhere[0]
        self.urgent.pop(a.cable_id, None)
        self._draw_arrivals()
        v = self.view
        where = v.tab + (
            " with this search and filters"
            if v.search and v.filters
            else " with this search"
            if v.search
            else (" with this filter" if len(v.filters) == 1 else " with these filters")
            if v.filters
            else ""
        )
        more = f"; {len(elsewhere) - 1:,} more outside it (F again)" if len(elsewhere) > 1 else ""
        self.notify(
            f"{visible(a.reference_id, one_line=True)} ({a.precedence}) is not in {where}: "
            f"opened here, esc comes back to your list{more}",
            markup=False,
            timeout=8,
        )
        self.app.push_screen(CableScreen(None, 0, a.cable_id))

    def _draw_banner(self) -> None:
        for b in self.query(Banner):
            b.show_marking(self.marking)

    def _draw_tabs(self) -> None:
        room = (self.size.width or self.app.size.width) - 2
        here = who_else(self.tapp.present, max(0, room - 40))
        t, spans = tab_bar(self.tapp.tabs, self.counts, self.view.tab, room - here.cell_len - 2)
        if here.cell_len:
            t.pad_right(max(2, room - t.cell_len - here.cell_len))
            t.append_text(here)
        self.query_one("#tabs", TabBar).show(t, spans)

    def _draw_empty(self) -> None:
        empty = self.query_one("#empty", Static)
        total_all = self.counts.get("All")
        if self.loaded and total_all == 0 and not self.view.search and not self.view.filters:
            empty.update(
                Text(
                    "The cache is empty. Add cables with:\n\n"
                    f"    triage ingest --db {self.tapp.cache.path} FILES-OR-FOLDERS\n\n"
                    "or leave `triage watch DIR` running on the incoming-traffic folder; "
                    "new cables appear here as they arrive."
                )
            )
            empty.display = True
        else:
            empty.display = False

    def _draw_filters(self) -> None:
        """The search, the filters, the sort and the position. When they do not fit, the sort
        goes first, then the search shortens (with an ellipsis): the filters and the position
        say why the list holds what it holds, and stay."""
        filters = Text(end="")
        for f in self.view.filters:
            filters.append(visible(f.label(), one_line=True), style="bold")
            filters.append("  ")
        label = SORTS.get(self.view.sort, ("", self.view.sort))[1]
        sort = f"sort {label} {'^' if self.view.reverse else 'v'}   "
        lst = self.query_one(CableList)
        n = len(lst.ids)
        where = Text(f"{lst.cursor + 1:,} of {n:,}" if n else "0 of 0", end="")
        if self.partial:
            where.append("+ (counting…)")
        if lst.top > 0 and n:
            # rows above the screen (the most urgent, in the default sort) say they are there
            where.append(f"   ↑ {lst.top:,} above", style="bold")
        if lst.tagged:
            where.append(f"   {len(lst.tagged)} tagged", style="bold")
        start = self.range_start()
        if start is not None:
            ref = visible(start[1], one_line=True)
            where.append(f"   range from {ref}: V tags to here", style="bold")
        search = visible(self.view.search, one_line=True) if self.view.search else ""
        room = (self.size.width or self.app.size.width) - 2
        shortest = min(len(search), 12) + 3 if search else 0  # "/", the search, two spaces
        if shortest + filters.cell_len + len(sort) + where.cell_len > room:
            sort = ""
        if search:
            fit = room - 3 - filters.cell_len - len(sort) - where.cell_len
            if len(search) > fit:
                search = search[: max(fit - 1, 11)] + "…"
        # then the filters shorten: the position, the tags and the range stay whole (they were
        # cut at the edge, `22 of 36   ↑ 8 above   1`, where the filters are on screen as typed)
        fit = room - (len(search) + 3 if search else 0) - len(sort) - where.cell_len
        if filters.cell_len > fit:
            filters.truncate(max(fit - 2, 1), overflow="ellipsis")
            filters.append("  ")
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        if search:
            t.append("/", style="bold")
            t.append(search + "  ")
        t.append_text(filters)
        t.append(sort)
        t.append_text(where)
        if self.from_overview:
            t.append("   esc: back to the Overview", style="dim")
        self.query_one("#filters", Static).update(t)

    def on_resize(self) -> None:
        if self.query(CableList) and self.query("#filters"):  # (not before they are composed)
            self._draw_tabs()
            self._draw_filters()
            self._draw_arrivals()

    # actions

    def action_open(self, thread: bool = False) -> None:
        lst = self.query_one(CableList)
        if lst.current_id is None:
            return
        # one split view, built once and kept: opening a cable only loads and draws it
        if self._reader is None:
            from .cable import CableScreen

            self._reader = CableScreen(ListNavigator(self), lst.cursor, thread=thread)
            self.app.install_screen(self._reader, name=f"reader-{id(self)}")
        else:
            self._reader.reopen(lst.cursor, thread=thread)
        self.app.push_screen(self._reader)

    SEARCH_TITLE = 'Search (words, "a phrase", prefix*, AND/OR/NOT; empty clears)'

    def action_search(self, value: str | None = None, error: str | None = None) -> None:
        from .dialogs import PromptScreen

        before = self.view.search

        def done(text: str | None) -> None:
            if text is None:
                return
            self._search_before = before
            self.view = replace(self.view, search=text.strip() or None)
            # `/BERLIN702`: the cursor on that cable, not on the first of those citing it (an
            # officer who searches a number and presses a acts on the cable named)
            named = self._cable_named(text)
            self._named = named
            self.reload(keep_current=False, keep_id=named)

        self.app.push_screen(
            PromptScreen(
                self.SEARCH_TITLE,
                self.view.search or "" if value is None else value,
                error=error,
            ),
            done,
        )

    def action_filter(self, value: str = "", error: str | None = None) -> None:
        from .dialogs import PromptScreen

        def check(text: str) -> str | None:
            try:
                filters = parse_filters(text)
            except FilterError as exc:
                return str(exc)
            # `action` with no office configured: said here, not as a quietly empty list
            return office_unset(filters, self.tapp.ctx)

        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            self._filter_typed = (value, self.view.filters)
            self.view = self.view.with_filters(self._officers_as_known(parse_filters(value)))
            self.reload(keep_current=False)

        self.app.push_screen(
            PromptScreen(
                "Add filter",
                value,
                "status:NEW officer:me prec:>=IMMED class:S//NF tag:PREL origin:paris "
                "action info since:2026-11-01 until:2026-11-30",
                check=check,
                error=error,
            ),
            done,
        )

    def _officers_as_known(self, filters: list[Filter]) -> list[Filter]:
        """`officer:JSmith` is jsmith, as `assign` reads a name; an officer nobody knows is
        said (with the one it is near), not left as a quietly empty list."""
        from ...store.workflow import officer_filtered

        out = []
        for f in filters:
            if f.key == "officer":
                try:
                    name, unknown = officer_filtered(
                        self.tapp.cache.conn(), f.value, self.tapp.config.officers
                    )
                except (sqlite3.Error, StoreError):
                    name, unknown = f.value, ""
                if unknown:
                    self.notify(visible(unknown, one_line=True), severity="warning", markup=False)
                f = Filter("officer", name)
            out.append(f)
        return out

    def action_clear(self) -> None:
        if self.end_range():
            return
        if self.from_overview:
            self.app.pop_screen()  # back to the Overview it was opened from
            return
        if not self.view.search and not self.view.filters:
            return
        self.view = replace(self.view, search=None, filters=())
        self.reload()

    def action_sort(self) -> None:
        from .dialogs import PickScreen

        def done(key: str | None) -> None:
            if key:
                self.view = replace(self.view, sort=key, reverse=False)
                self.reload()

        choices = [(k, label) for k, (_sql, label) in SORTS.items()]
        self.app.push_screen(PickScreen("Sort by", choices, self.view.sort), done)

    def action_sort_by(self, key: str) -> None:
        self.view = replace(self.view, sort=key, reverse=False)
        self.reload()

    def action_reverse(self) -> None:
        self.view = replace(self.view, reverse=not self.view.reverse)
        self.reload()

    def action_next_tab(self) -> None:
        self._switch_tab(1)

    def action_prev_tab(self) -> None:
        self._switch_tab(-1)

    def _switch_tab(self, step: int) -> None:
        tabs = self.tapp.tabs
        k = tabs.index(self.view.tab) if self.view.tab in tabs else 0
        self.view = replace(self.view, tab=tabs[(k + step) % len(tabs)])
        self.reload(keep_current=False)

    def select_tab(self, tab: str) -> None:
        self.view = replace(self.view, tab=tab)
        self.reload(keep_current=False)

    def action_help(self) -> None:
        self.tapp.show_help()

    def action_overview(self) -> None:
        if self.from_overview:
            self.app.pop_screen()
            return
        from .overview import OverviewScreen

        self.app.push_screen(OverviewScreen())

    def on_unmount(self) -> None:
        if self._reader is not None:  # its split view goes with it (a list from a figure)
            with contextlib.suppress(Exception):  # already gone at exit
                self.app.uninstall_screen(self._reader)

    def action_quit(self) -> None:
        self.app.exit()

    # views saved from the console

    def action_save_view(self) -> None:
        """The search and filters on screen (with the view's own, for a saved view) as a new
        view, under a name, in the user's config file."""
        from .dialogs import PromptScreen

        filters = [*self.tapp.ctx.custom_tabs.get(self.view.tab, []), *self.view.filters]
        search = self.view.search
        if not search and not filters:
            self.notify(
                "nothing to save: search (/) or filter (f) first, then W", markup=False, timeout=5
            )
            return

        def check(text: str) -> str | None:
            name = text.strip()
            if not name:
                return "a view needs a name"
            builtin = next((t for t in BUILTIN_TABS if t.lower() == name.lower()), None)
            if builtin is not None:
                return f"{builtin} is a built-in view; choose another name"
            # (the same name saves over the view; a name differing only in case is another's)
            taken = next(
                (t for t in self.tapp.ctx.custom_tabs if t.lower() == name.lower() and t != name),
                None,
            )
            if taken is not None:
                return (
                    f"{name} is taken: there is a view {taken} (names that differ only in case "
                    f"are one name); choose another name, or type {taken} to save over it"
                )
            if any(ord(ch) < 32 for ch in name) or len(name) > 40:
                return "a name of 1 to 40 printable characters"
            return None

        def done(text: str | None) -> None:
            if text is None:
                return
            name = text.strip()
            saved = [f for f in filters if f.key != "search"]
            searches = [f.value for f in filters if f.key == "search"] + (
                [search] if search else []
            )
            joined = " AND ".join(f"({s})" for s in searches) if len(searches) > 1 else None
            query = joined or (searches[0] if searches else None)
            try:
                path = save_view(self.tapp.config, name, filters_text(saved), query)
            except ConfigError as exc:
                self.notify(str(exc), severity="error", markup=False, timeout=10)
                return
            tab_filters = saved + ([Filter("search", query)] if query else [])
            self.tapp.add_view(name, tab_filters)
            self.notify(f"view {name!r} saved in {path}", title="Views", markup=False)
            self.view = replace(self.view, tab=name, search=None, filters=())
            self.reload(keep_current=False)

        what = " ".join(x for x in (f"/{search}" if search else "", filters_text(filters)) if x)
        self.app.push_screen(
            PromptScreen(
                f"Save {visible(what, one_line=True)} as a view named",
                "",
                "kept in your config file ([[view]]); the palette removes it",
                check=check,
            ),
            done,
        )

    def remove_view(self, name: str) -> None:
        from .dialogs import ConfirmScreen

        def done(ok: bool | None) -> None:
            if not ok:
                return
            try:
                path = remove_view(self.tapp.config, name)
            except ConfigError as exc:
                self.notify(str(exc), severity="error", markup=False, timeout=10)
                return
            self.tapp.drop_view(name)
            self.notify(f"view {name!r} removed from {path}", title="Views", markup=False)
            if self.view.tab == name:
                self.select_tab("Inbox")
            else:
                self._draw_tabs()

        self.app.push_screen(
            ConfirmScreen(f"Remove the view {name!r} from your config?", default=False), done
        )

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Overview", "Traffic, workload and handling times at a glance", self.action_overview
        )
        yield SystemCommand(
            "Save as view", "The search and filters as a view of their own", self.action_save_view
        )
        for name in self.tapp.ctx.custom_tabs:
            yield SystemCommand(
                f"Remove view: {name}",
                "Remove it from your config file",
                lambda n=name: self.remove_view(n),
            )
        for tab in self.tapp.tabs:
            yield SystemCommand(
                f"View: {tab}", f"Show the {tab} view", lambda t=tab: self.select_tab(t)
            )
        for key, (_sql, label) in SORTS.items():
            yield SystemCommand(
                f"Sort by {label}",
                "Order the list",
                lambda k=key: self.run_action(f"sort_by('{k}')"),
            )
        yield SystemCommand("Search", "Full-text search of the cache", self.action_search)
        yield SystemCommand("Add filter", "Filter by status, officer, ...", self.action_filter)
        yield SystemCommand("Clear filters", "Remove the search and filters", self.action_clear)
        yield SystemCommand(
            "Assign every cable in this view",
            "One officer for all, after a confirmation",
            lambda: self.whole_view("assign"),
        )
        yield SystemCommand(
            "Set status for every cable in this view",
            "One status for all, after a confirmation",
            lambda: self.whole_view("status"),
        )
        yield SystemCommand(
            "Export this view as CSV", "The action list for the meeting", self.action_export
        )

    # live traffic

    def cache_reopened(self) -> None:
        # a reading the loss cut short never settles: start afresh
        self._changed_meanwhile = False
        self.query_one(CableList).invalidate()
        self.reload()

    def cache_changed(self) -> None:
        """New traffic or another officer's change. While the view is still being read (a
        large cache under a steady ingest changes every half second, and its counts take longer
        than that) the change waits for the reading to end instead of restarting it, so the
        list and the tab counts always arrive, one reading behind at most."""
        if not self.query(CableList):
            return  # not composed yet, or torn down at exit
        if self.covered():
            # nobody sees the list (the Overview over it): it reads its view again when it is
            # shown (`uncovered`), not at every change meanwhile
            self.stale = True
            return
        reading = time.monotonic() - self._reading_since
        if self._settled != self.generation and reading < SETTLE_WAIT_MAX_S:
            self._changed_meanwhile = True
            return
        self.query_one(CableList).invalidate()
        self.reload()
