"""The console: the triage list and the split view of a cable.

All SQLite work that can take more than a few milliseconds (a view's ids, counts, the banner
level, change checks) runs in thread workers that post a message; handlers on the screen change
widgets. Rows on screen are fetched by id on the UI thread (one indexed query a page).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import sqlite3
import sys
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ..cable.model import marking_rank
from ..config import Config, current_login
from ..store import workflow as wf
from ..store.cache import Cache
from ..store.export import open_private, write_csv
from ..store.feed import ChangeFeed
from ..store.schema import StoreError
from ..store.views import (
    BUILTIN_TABS,
    SORTS,
    CableDetail,
    Cancelled,
    Context,
    FilterError,
    Row,
    View,
    fetch_rows,
    load_cable,
    max_level,
    parse_filters,
    resolve_reference,
    tab_counts,
    view_ids,
)
from .cable_list import CableList
from .cache_lost import CacheLostScreen
from .dialogs import HelpScreen, PickScreen, PromptScreen
from .safe import LEVEL_COLOURS, PREC_STYLES, banner_text, class_style, visible
from .workflow_ui import WORKFLOW_BINDINGS, Target, WorkflowActions

POLL_SECONDS = 0.5
# the longest a change waits for the view being read (a reading that never ends, after a fault,
# must not hold live traffic back for good)
SETTLE_WAIT_MAX_S = 10.0
FIRST_ROWS = 256  # rows fetched first, before the whole ordered list of a view
DISPLAY_LIMIT = 400_000  # characters of a cable drawn at once in the split view


class KeyHints(Static):
    """One line of key hints, like mutt's: the screen's shown bindings with the keys the user's
    keymap gives them (a Footer of one widget per key costs the first screen ~60 ms)."""

    DEFAULT_CSS = """
    KeyHints { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(self, bindings: list[Binding], keymap: dict[str, str]) -> None:
        super().__init__(markup=False)
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        for b in bindings:
            if not b.show:
                continue
            key = keymap.get(b.id or "", b.key).split(",")[0]
            key = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}.get(
                key, key
            )
            t.append(key, style="bold")
            t.append(f" {b.description}  ")
        t.append("ctrl+p", style="bold")
        t.append(" palette")
        self.update(t)


class Banner(Static):
    """The classification banner: the level always in words, colour only adds to it."""

    DEFAULT_CSS = """
    Banner { width: 100%; height: 1; content-align: center middle; text-style: bold; }
    """

    def show_level(self, level_rank: int, noforn: bool) -> None:
        colour = LEVEL_COLOURS.get(level_rank, "#808080")
        self.styles.background = colour
        self.styles.color = "black" if level_rank in (0, 3) else "white"
        self.update(Text(banner_text(level_rank, noforn), style=Style(reverse=self.app.no_color)))


# -- messages posted by workers ----------------------------------------------------------------


@dataclass
class ViewData:
    generation: int
    ids: array[int]
    counts: dict[str, int]
    level: int
    noforn: bool


class ViewLoaded(Message):
    def __init__(self, data: ViewData, keep_id: int | None, partial: bool = False) -> None:
        self.data = data
        self.keep_id = keep_id
        self.partial = partial
        super().__init__()


class CountsLoaded(Message):
    """The tab counts and top level of a view; counts None when they could not be read."""

    def __init__(
        self, generation: int, counts: dict[str, int] | None, level: int, noforn: bool
    ) -> None:
        self.generation = generation
        self.counts = counts
        self.level = level
        self.noforn = noforn
        super().__init__()


class ViewFailed(Message):
    def __init__(self, error: str, generation: int) -> None:
        self.error = error
        self.generation = generation
        super().__init__()


class CacheChanged(Message):
    """Another process committed to the cache."""

    def __init__(self, flash: list[tuple[str, str]]) -> None:
        self.flash = flash
        super().__init__()


class CacheLost(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


# -- the list ----------------------------------------------------------------------------------


class ListScreen(WorkflowActions):
    BINDINGS = [
        *WORKFLOW_BINDINGS,
        Binding("space", "tag", "Tag", show=False, id="list.tag"),
        Binding("V", "tag_range", "Tag range", show=False, id="list.tag_range"),
        Binding("U", "untag", "Clear tags", show=False, id="list.untag"),
        Binding("e", "export", "Export", id="list.export"),
        Binding("enter", "open", "Open", id="list.open"),
        Binding("slash", "search", "Search", id="list.search"),
        Binding("f", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear", "Clear filters", id="list.clear"),
        Binding("o", "sort", "Sort", id="list.sort"),
        Binding("O", "reverse", "Reverse", id="list.reverse"),
        Binding("tab", "next_tab", "Next view", id="list.next_view"),
        Binding("shift+tab", "prev_tab", "Prev view", show=False, id="list.prev_view"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="list.quit"),
    ]

    DEFAULT_CSS = """
    #tabs { height: 1; padding: 0 1; }
    #filters { height: 1; padding: 0 1; color: $text-muted; }
    #empty { height: auto; padding: 1 2; display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view = View()
        self.generation = 0
        self.counts: dict[str, int] = {}
        self.level = -1
        self.noforn = False
        self.loaded = False
        self._whole_view = False
        self._tag_anchor: int | None = None
        self._shown = 0
        self._first_shown = 0
        self.partial = False
        self._reader: CableScreen | None = None
        # a view is settled once its list and its counts have been read; traffic that arrives
        # before then is picked up when it is (see cache_changed)
        self._settled = 0
        self._changed_meanwhile = False
        self._reading_since = 0.0

    def compose(self) -> ComposeResult:
        yield Banner(id="banner-top")
        yield Static(id="tabs", markup=False)
        yield Static(id="filters", markup=False)
        yield Static(id="empty", markup=False)
        yield CableList(
            self._fetch, self.tapp.is_overdue, show_addressed=self.tapp.has_office, id="list"
        )
        yield KeyHints(_hint_bindings(self), self.tapp.config.keymap)
        yield Banner(id="banner-bottom")

    def on_mount(self) -> None:
        self.query_one(CableList).focus()
        self._draw_bars()
        self.reload()

    # data

    def _fetch(self, ids: list[int]) -> dict[int, Row]:
        try:
            rows = fetch_rows(self.tapp.cache.conn(), ids, self.tapp.ctx)
        except (sqlite3.Error, StoreError) as exc:
            self.tapp.report_cache_error(exc)
            return {}
        routes = self.tapp.config.routes
        if routes:
            for r in rows.values():
                if not r.officer and r.status == "NEW":
                    r.suggested = wf.suggest_officer(
                        routes, r.tags.split("|") if r.tags else [], r.origin, r.subject
                    )
        return rows

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

    def suggested_officer(self) -> str | None:
        lst = self.query_one(CableList)
        row = lst.row_at(lst.cursor)
        return row.suggested if row else None

    def refresh_after_change(self) -> None:
        lst = self.query_one(CableList)
        if self.bulk():
            lst.tagged.clear()
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
        else:
            lst.tagged[row.id] = row.row_version
        self._tag_anchor = lst.cursor
        lst.action_cursor_down()
        lst.refresh()
        self._draw_filters()

    def action_tag_range(self) -> None:
        lst = self.query_one(CableList)
        anchor = self._tag_anchor if self._tag_anchor is not None else lst.cursor
        lo, hi = sorted((anchor, lst.cursor))
        for k in range(lo, hi + 1):
            row = lst.row_at(k)
            if row is not None:
                lst.tagged[row.id] = row.row_version
        self._tag_anchor = lst.cursor
        lst.refresh()
        self._draw_filters()

    def action_untag(self) -> None:
        lst = self.query_one(CableList)
        lst.tagged.clear()
        self._tag_anchor = None
        lst.refresh()
        self._draw_filters()

    def action_export(self) -> None:
        if self._still_counting():
            return
        lst = self.query_one(CableList)
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
        app = self.tapp
        try:
            with app.cache.borrow() as conn, open_private(path, app.config.group) as fh:
                n, top = write_csv(conn, ids, fh)
            with app.cache.borrow() as conn:
                wf.record_export(conn, app.login, str(path), n, top)
        except OSError as exc:
            app.notify(
                f"{path}: could not export: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        except (sqlite3.Error, StoreError) as exc:
            app.notify(f"export failed: {exc}", severity="error", markup=False)
            return
        app.notify(
            f"exported {n:,} rows to {path}; highest classification {top or 'none'}",
            title="Export",
            markup=False,
            timeout=10,
        )

    def reload(self, keep_current: bool = True) -> None:
        self.generation += 1
        self._reading_since = time.monotonic()
        lst = self.query_one(CableList)
        keep = lst.current_id if keep_current else None
        self._load(self.view, self.generation, keep)

    def _left(self, generation: int) -> Callable[[], bool]:
        """Asked by a view's running queries: has the user moved on to another view?"""
        return lambda: self.generation != generation

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def _load(self, view: View, generation: int, keep_id: int | None) -> None:
        """The view's ordered ids first (what the list needs to draw), then, in a second
        worker, the tab counts and the banner's level, which may take longer."""
        app = self.tapp
        stale = self._left(generation)
        try:
            with app.cache.borrow() as conn:
                if keep_id is None:
                    # the first screenful at once (an index scan that stops early); the whole
                    # ordered list follows, for the count, the scrollbar and the far end
                    first = view_ids(conn, view, app.ctx, limit=FIRST_ROWS, stop=stale)
                    if len(first) == FIRST_ROWS:
                        self.post_message(
                            ViewLoaded(
                                ViewData(generation, first, {}, -1, False), None, partial=True
                            )
                        )
                ids = view_ids(conn, view, app.ctx, stop=stale)
        except Cancelled:
            return
        except FilterError as exc:
            self.post_message(ViewFailed(str(exc), generation))
            return
        except (sqlite3.Error, StoreError) as exc:
            self.post_message(ViewFailed(f"cache: {exc}", generation))
            return
        self.post_message(ViewLoaded(ViewData(generation, ids, {}, -1, False), keep_id))
        _release_memory()

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _load_counts(self, view: View, generation: int) -> None:
        app = self.tapp
        stale = self._left(generation)
        try:
            with app.cache.borrow() as conn:
                counts = tab_counts(conn, view, app.ctx, app.tabs, stop=stale)
                level, noforn = max_level(conn, view, app.ctx, stop=stale)
        except Cancelled:
            return
        except (FilterError, sqlite3.Error, StoreError):
            self.post_message(CountsLoaded(generation, None, self.level, self.noforn))
            return
        self.post_message(CountsLoaded(generation, counts, level, noforn))
        _release_memory()

    @on(ViewLoaded)
    def _loaded(self, msg: ViewLoaded) -> None:
        if msg.data.generation != self.generation:
            return
        lst = self.query_one(CableList)
        lst.empty_text = "" if msg.partial else self._empty_text()
        if msg.partial:
            lst.set_ids(msg.data.ids, None)
            self.partial = True
            self.loaded = True
            self._first_shown = msg.data.generation
            self._draw_filters()
            return
        keep = (
            msg.keep_id if msg.keep_id is not None else (lst.current_id if self.partial else None)
        )
        lst.set_ids(msg.data.ids, keep)
        self.partial = False
        self.loaded = True
        self._first_shown = self._shown = msg.data.generation
        self._draw_filters()
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
        return f"No cable in {v.tab} matches {what}. esc clears {them}; tab shows other views."

    @on(CountsLoaded)
    def _counts_loaded(self, msg: CountsLoaded) -> None:
        if msg.generation != self.generation:
            return
        if msg.counts is not None:
            self.counts = msg.counts
            self.level, self.noforn = msg.level, msg.noforn
            self._draw_bars()
        self._settle()

    def _settle(self) -> None:
        """The view's list and counts are read: now take in what arrived meanwhile."""
        self._settled = self.generation
        if self._changed_meanwhile:
            self._changed_meanwhile = False
            self.cache_changed()

    @on(ViewFailed)
    def _failed(self, msg: ViewFailed) -> None:
        self.notify(msg.error, severity="error", markup=False, timeout=8)
        if self.view.search and msg.error.startswith("search"):
            self.view = replace(self.view, search=None)
            self.reload()
        elif msg.generation == self.generation:
            self._settle()

    @on(CableList.CursorMoved)
    def _moved(self) -> None:
        self._draw_filters()

    def _draw_bars(self) -> None:
        for b in self.query(Banner):
            b.show_level(self.level, self.noforn)
        t = Text(end="")
        for k, tab in enumerate(self.tapp.tabs):
            if k:
                t.append("  ")
            n = self.counts.get(tab)
            label = f" {tab} {n:,} " if n is not None else f" {tab} … "
            t.append(label, style=Style(reverse=True, bold=True) if tab == self.view.tab else "")
        self.query_one("#tabs", Static).update(t)
        self._draw_filters()
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
        if lst.tagged:
            where.append(f"   {len(lst.tagged)} tagged", style="bold")
        search = visible(self.view.search, one_line=True) if self.view.search else ""
        room = (self.size.width or self.app.size.width) - 2
        shortest = min(len(search), 12) + 3 if search else 0  # "/", the search, two spaces
        if shortest + filters.cell_len + len(sort) + where.cell_len > room:
            sort = ""
        if search:
            fit = room - 3 - filters.cell_len - len(sort) - where.cell_len
            if len(search) > fit:
                search = search[: max(fit - 1, 11)] + "…"
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        if search:
            t.append("/", style="bold")
            t.append(search + "  ")
        t.append_text(filters)
        t.append(sort)
        t.append_text(where)
        self.query_one("#filters", Static).update(t)

    def on_resize(self) -> None:
        if self.query(CableList) and self.query("#filters"):  # (not before they are composed)
            self._draw_filters()

    # actions

    def action_open(self) -> None:
        lst = self.query_one(CableList)
        if lst.current_id is None:
            return
        # one split view, built once and kept: opening a cable only loads and draws it
        if self._reader is None:
            self._reader = CableScreen(self, lst.cursor)
            self.app.install_screen(self._reader, name=f"reader-{id(self)}")
        else:
            self._reader.reopen(lst.cursor)
        self.app.push_screen(self._reader)

    def action_search(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            self.view = replace(self.view, search=value.strip() or None)
            self.reload(keep_current=False)

        self.app.push_screen(
            PromptScreen(
                'Search (words, "a phrase", prefix*, AND/OR/NOT; empty clears)',
                self.view.search or "",
            ),
            done,
        )

    def action_filter(self) -> None:
        def done(value: str | None) -> None:
            if not value or not value.strip():
                return
            try:
                more = parse_filters(value)
            except FilterError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.view = self.view.with_filters(more)
            self.reload(keep_current=False)

        self.app.push_screen(
            PromptScreen(
                "Add filter",
                "",
                "status:NEW officer:me prec:>=IMMED class:S//NF tag:PREL origin:paris "
                "action info since:2026-11-01 until:2026-11-30",
            ),
            done,
        )

    def action_clear(self) -> None:
        if not self.view.search and not self.view.filters:
            return
        self.view = replace(self.view, search=None, filters=())
        self.reload()

    def action_sort(self) -> None:
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
        self._draw_bars()
        self.reload(keep_current=False)

    def select_tab(self, tab: str) -> None:
        self.view = replace(self.view, tab=tab)
        self._draw_bars()
        self.reload(keep_current=False)

    def action_help(self) -> None:
        self.tapp.show_help()

    def action_quit(self) -> None:
        self.app.exit()

    # live traffic

    def cache_changed(self) -> None:
        """New traffic or another officer's change. While the view is still being read (a
        large cache under a steady ingest changes every half second, and its counts take longer
        than that) the change waits for the reading to end instead of restarting it, so the
        list and the tab counts always arrive, one reading behind at most."""
        reading = time.monotonic() - self._reading_since
        if self._settled != self.generation and reading < SETTLE_WAIT_MAX_S:
            self._changed_meanwhile = True
            return
        self.query_one(CableList).invalidate()
        self.reload()


# -- the split view ----------------------------------------------------------------------------


class CableScreen(WorkflowActions):
    BINDINGS = [
        *WORKFLOW_BINDINGS,
        Binding("h", "toggle_history", "History", id="cable.history"),
        Binding("escape,q", "back", "Back", id="cable.back"),
        Binding("n", "step(1)", "Next", id="cable.next"),
        Binding("p", "step(-1)", "Prev", id="cable.prev"),
        Binding("v", "toggle_raw", "Raw", id="cable.raw"),
        Binding("slash", "find", "Find", id="cable.find"),
        Binding("ctrl+g", "find_next", "Find next", show=False, id="cable.find_next"),
        Binding("r", "open_reference", "Open ref", id="cable.open_ref"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="cable.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="cable.up"),
        Binding("pagedown,space", "scroll_page(1)", "Page down", show=False, id="cable.page_down"),
        Binding("pageup,b", "scroll_page(-1)", "Page up", show=False, id="cable.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="cable.top"),
        Binding("G,end", "scroll_end", "End", show=False, id="cable.end"),
        Binding("question_mark", "help", "Help", id="cable.help"),
    ]

    DEFAULT_CSS = """
    CableScreen #title { height: 1; padding: 0 1; }
    CableScreen #triage-line { height: 1; padding: 0 1; background: $boost; }
    CableScreen #panes { height: 1fr; }
    CableScreen #header-pane { width: 56; border-right: solid $primary; padding: 0 1; }
    CableScreen #body-pane { width: 1fr; padding: 0 1; }
    CableScreen.stacked #panes { layout: vertical; }
    CableScreen.stacked #header-pane { width: 100%; height: auto; max-height: 40%;
        border-right: none; border-bottom: solid $primary; }
    """

    def __init__(
        self, list_screen: ListScreen | None, index: int, cable_id: int | None = None
    ) -> None:
        super().__init__()
        self.list_screen = list_screen
        self.index = index
        self.cable_id = cable_id
        self.detail: CableDetail | None = None
        self.raw = False
        self.find_text: str | None = None
        self.find_hits: list[int] = []
        self.find_pos = -1
        self.show_history = False
        self._drawn_width = -1

    def compose(self) -> ComposeResult:
        yield Banner(id="banner-top")
        yield Static(id="title", markup=False)
        yield Static(id="triage-line", markup=False)
        with Horizontal(id="panes"):
            with VerticalScroll(id="header-pane"):
                yield Static(id="header", markup=False)
            with VerticalScroll(id="body-pane"):
                yield Static(id="body", markup=False)
        yield KeyHints(_hint_bindings(self), self.tapp.config.keymap)
        yield Banner(id="banner-bottom")

    def on_mount(self) -> None:
        self._apply_width(self.size.width or self.app.size.width)
        self.load()

    def reopen(self, index: int) -> None:
        """Show another cable in this (kept) split view."""
        self.index = index
        self.cable_id = None
        self.raw = False
        self.find_text = None
        self.show_history = False
        self.load()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < 120, "stacked")
        if self.detail is not None and width != self._drawn_width:
            self.call_after_refresh(self.draw)

    def _pane_width(self, selector: str) -> int:
        pane = self.query_one(selector, VerticalScroll)
        w = pane.content_region.width or pane.size.width
        if not w:
            # not laid out yet (the first cable opened): the widths the CSS above gives, the
            # header pane 56 wide with its border and padding beside the body, both full below
            total = self.app.size.width
            beside = 53 if selector == "#header-pane" else total - 58
            w = total - 2 if total < 120 else beside
        return max(10, w - 3)

    def _list_ids(self) -> array[int]:
        if self.list_screen is None:
            return array("q")
        return self.list_screen.query_one(CableList).ids

    def load(self) -> None:
        ids = self._list_ids()
        if self.list_screen is not None and 0 <= self.index < len(ids):
            self.cable_id = int(ids[self.index])
        if self.cable_id is None:
            return
        try:
            self.detail = load_cable(self.tapp.cache.conn(), self.cable_id)
        except (sqlite3.Error, StoreError) as exc:
            self.tapp.report_cache_error(exc)
            return
        self.find_hits, self.find_pos = [], -1
        self.draw()
        self.query_one("#body-pane", VerticalScroll).scroll_home(animate=False)
        self.query_one("#header-pane", VerticalScroll).scroll_home(animate=False)

    def draw(self) -> None:
        d = self.detail
        if d is None:
            return
        f = d.fields
        nf = "NOFORN" in (f.get("caveats") or "").split()
        for b in self.query(Banner):
            b.show_level(int(f.get("level_rank") or 0), nf)
        title = Text(end="", no_wrap=True, overflow="ellipsis")
        title.append(visible(f["reference_id"], one_line=True), style="bold")
        prec = f.get("precedence") or "no precedence"
        title.append("  ")
        badge = {"FLASH": "FLASH", "NIACT IMMEDIATE": "NIACT", "EMERGENCY": "EMERG"}.get(prec, "")
        title.append(prec, style=PREC_STYLES.get(badge, Style(bold=True)))
        title.append("  " + visible(f.get("dtg_raw") or f.get("dtg") or "", one_line=True))
        left = "History" if self.show_history else "Header"
        right = "Raw" if self.raw else "Paragraphs"
        panes = f"   [{left}|{right}]"
        hints = "  h history  v raw"  # also in the key line: the first to go when narrow
        ids = self._list_ids()
        where = ""
        if self.list_screen is not None and ids:
            where = f"   {self.index + 1:,} of {len(ids):,} in {self.list_screen.view.tab}"
        room = (self.size.width or self.app.size.width) - 2  # the title's padding
        if len(title) + len(panes) + len(hints) + len(where) > room:
            hints = ""
        if len(title) + len(panes) + len(where) > room:
            panes = ""
        title.append(panes + hints + where)
        self.query_one("#title", Static).update(title)
        w = d.workflow
        tl = Text(end="", no_wrap=True, overflow="ellipsis")
        tl.append("Officer ", style="dim")
        tl.append(visible(w.get("officer") or "-", one_line=True), style="bold")
        tl.append("   Status ", style="dim")
        tl.append(w.get("status") or "NEW", style="bold")
        tl.append("   Due ", style="dim")
        tl.append(_when(w.get("due_at")) or "-")
        rank = f.get("prec_rank")
        if (rank is not None and int(rank) <= 2) or w.get("ack_by"):
            tl.append("   Ack ", style="dim")
            if w.get("ack_by"):
                tl.append(f"{visible(w['ack_by'], one_line=True)} {_when(w.get('ack_at')) or ''}")
            else:
                tl.append("not yet (K acknowledges)", style=Style(bold=True, color="red"))
        suggested = self.suggested_officer()
        if suggested:
            tl.append(
                f"   suggested {visible(suggested, one_line=True)} (y takes it)", style="italic"
            )
        self.query_one("#triage-line", Static).update(tl)
        self.query_one("#header", Static).update(
            self._history_text(d) if self.show_history else self._header_text(d)
        )
        body = self._body_text(d)
        body.no_wrap = True  # wrapped here already, with hanging indents
        self.query_one("#body", Static).update(body)
        self._drawn_width = self.size.width

    def _header_text(self, d: CableDetail) -> Text:
        f = d.fields
        t = Text()

        width = max(20, self._pane_width("#header-pane"))

        def row(label: str, value: str | Text | None, style: str | Style = "") -> None:
            if not isinstance(value, Text):
                value = Text(visible(value or "-"), style=style)
            t.append_text(hang(Text(f"{label:<11} ", style="bold"), value, width, self.app))
            t.append("\n")

        prec_line = Text()
        prec_line.append(visible(f.get("precedence") or "-"))
        prec_line.append(" (action)  ", style="dim")
        prec_line.append(visible(f.get("info_precedence") or "-"))
        prec_line.append(" (info)", style="dim")
        row("Precedence", prec_line)
        dtg = f.get("dtg_raw") or "-"
        if f.get("dtg"):
            dtg += f"  ({f['dtg']}{', estimated' if f.get('dtg_estimated') else ''})"
        row("DTG", dtg)
        row("From", f.get("from_line"))
        row("Origin", f.get("origin"))
        office = set(self.tapp.config.office_ris) | set(self.tapp.config.office_names)
        for label, adds in (("To", d.to), ("Info", d.info)):
            if not adds:
                row(label, "-")
            for k, a in enumerate(adds):
                line = Text()
                line.append(visible(a["name"]))
                if a.get("ri"):
                    line.append(f" ({visible(a['ri'])})", style="dim")
                if a.get("precedence"):
                    line.append(f"  {'NIACT ' if a.get('niact') else ''}{a['precedence']}")
                if (a.get("ri") or "").upper() in office or a["name"].upper() in office:
                    line.append("  ACTION" if label == "To" else "  INFO", style="bold")
                row(label if k == 0 else "", line)
        row("Security", f.get("security_line"))
        cls = Text(
            visible(f.get("classification") or "-"),
            style=class_style(int(f.get("level_rank") or 0)),
        )
        if f.get("caveats"):
            cls.append("  " + visible(f["caveats"]))
        row("Class.", cls)
        row("E.O.", f"declassify {f.get('declassify') or '-'}")
        row("TAGS", " ".join((f.get("tags") or "").split("|")) or "-")
        row("Subject", f.get("subject"))
        if d.references:
            for k, r in enumerate(d.references):
                letter = f"{r['letter']}. " if r.get("letter") else ""
                row("Refs" if k == 0 else "", f"{letter}{r['text']}")
        else:
            row("Refs", "-")
        by = f.get("classified_by") or "-"
        if f.get("reasons"):
            by += f", {f['reasons']}"
        row("By", by)
        if f.get("section"):
            row("Section", f["section"])
        if f.get("corrected"):
            row("Copy", "CORRECTED COPY", "bold")
        if f.get("version", 1) > 1:
            row("Version", f"{f['version']} (earlier versions: triage raw --version N)")
        w = d.workflow
        t.append("─ Triage " + "─" * 30 + "\n", style="dim")
        row("Officer", w.get("officer") or "-")
        row("Status", w.get("status") or "NEW")
        row("Due", w.get("due_at") or "-")
        ack = f"{w['ack_by']} {w.get('ack_at') or ''}" if w.get("ack_by") else "-"
        row("Ack", ack)
        row("Note", w.get("note") or "-")
        row("Received", (f.get("received_at") or "")[:16].replace("T", " ") + "Z")
        for warning in d.warnings:
            lead = Text("⚠ ", style="bold yellow")
            t.append_text(hang(lead, Text(visible(warning, one_line=True)), width, self.app))
            t.append("\n")
        return t

    def _body_text(self, d: CableDetail) -> Text:
        limit = DISPLAY_LIMIT
        if self.raw:
            body = d.body
            t = Text(visible(body[:limit]))
            if len(body) > limit:
                t.append(
                    f"\n\n[the cable is {len(body):,} characters; the first {limit:,} are shown; "
                    "`triage raw` prints it all]",
                    style="bold",
                )
        else:
            t = Text()
            width = max(30, self._pane_width("#body-pane"))
            shown = 0
            for k, p in enumerate(d.paragraphs):
                shown += len(p["text"])
                if shown > limit:
                    t.append(
                        f"[{len(d.paragraphs) - k:,} more paragraphs not shown: the cable is too "
                        "large to draw whole; `triage raw` prints it all]\n",
                        style="bold",
                    )
                    break
                num = str(p["number"]) if p["number"] is not None else ""
                lead = Text(f"{num:>3} ", style="bold")
                mark = p["marking"] or ""
                lead.append(f"{mark:<6}", style=_mark_style(mark))
                lead.append(" ")
                t.append_text(hang(lead, Text(visible(reflow(p["text"]))), width, self.app))
                t.append("\n\n")
            sig = d.fields.get("signature")
            if sig:
                t.append(f"          {visible(sig)}\n", style="bold")
        if self.find_text:
            self.find_hits = []
            plain_text = t.plain.lower()
            needle = self.find_text.lower()
            start = 0
            while needle and (k := plain_text.find(needle, start)) >= 0:
                t.stylize(Style(reverse=True, bold=True), k, k + len(needle))
                self.find_hits.append(plain_text.count("\n", 0, k))
                start = k + len(needle)
        return t

    # workflow hooks

    def targets(self) -> list[Target]:
        d = self.detail
        if d is None:
            return []
        return [Target(d.id, d.workflow.get("row_version"), str(d.fields["reference_id"]))]

    def suggested_officer(self) -> str | None:
        d = self.detail
        if d is None or d.workflow.get("officer") or not self.tapp.config.routes:
            return None
        tags = (d.fields.get("tags") or "").split("|")
        return wf.suggest_officer(
            self.tapp.config.routes, tags, d.fields.get("origin"), d.fields.get("subject")
        )

    def refresh_after_change(self) -> None:
        self.cache_changed()
        if self.list_screen is not None:
            self.list_screen.cache_changed()

    def action_toggle_history(self) -> None:
        self.show_history = not self.show_history
        self.draw()

    def _history_text(self, d: CableDetail) -> Text:
        t = Text()
        t.append("History", style="bold underline")
        t.append("   (h: back to the header)\n\n", style="dim")
        try:
            rows = wf.history(self.tapp.cache.conn(), d.id)
        except (sqlite3.Error, StoreError) as exc:
            t.append(f"could not read the history: {exc}")
            return t
        t.append(f"{(d.fields.get('received_at') or '')[:16].replace('T', ' ')}Z  received\n")
        width = max(30, self._pane_width("#header-pane"))
        for at, who, field_name, old, new in rows:
            # a long change (a note) wraps under the change, not under the time
            lead = Text(f"{at[:16].replace('T', ' ')}Z  ", style="dim")
            change = Text()
            change.append(visible(who, one_line=True), style="bold")
            change.append(f"  {field_name}  ")
            change.append(visible(_when(old) or "-", one_line=True))
            change.append(" -> ")
            change.append(visible(_when(new) or "-", one_line=True))
            t.append_text(hang(lead, change, width, self.app))
            t.append("\n")
        if not rows:
            t.append("no changes yet\n", style="dim")
        return t

    # actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_step(self, step: int) -> None:
        ids = self._list_ids()
        if self.list_screen is None or not ids:
            return
        new = max(0, min(len(ids) - 1, self.index + step))
        if new == self.index:
            self.notify("no more cables in this view", markup=False, timeout=2)
            return
        self.index = new
        self.list_screen.query_one(CableList).move_to(new)
        self.load()

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self.draw()

    def action_find(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            self.find_text = value or None
            self.find_pos = -1
            self.draw()
            if self.find_text and not self.find_hits:
                self.notify(f"not found: {visible(value, one_line=True)}", markup=False)
            self.action_find_next()

        self.app.push_screen(PromptScreen("Find in this cable", self.find_text or ""), done)

    def action_find_next(self) -> None:
        if not self.find_hits:
            return
        self.find_pos = (self.find_pos + 1) % len(self.find_hits)
        line = self.find_hits[self.find_pos]
        pane = self.query_one("#body-pane", VerticalScroll)
        pane.scroll_to(y=max(0, line - 2), animate=False)

    def action_open_reference(self) -> None:
        d = self.detail
        if d is None or not d.references:
            self.notify("this cable cites no references", markup=False)
            return
        dtg = d.fields.get("dtg") or ""
        year = int(dtg[:4]) if dtg[:4].isdigit() else None
        conn = self.tapp.cache.conn()
        found: list[tuple[str, str]] = []
        for r in d.references:
            cid = resolve_reference(conn, r["text"], year)
            if cid is not None:
                found.append(
                    (str(cid), visible(f"{r.get('letter') or '-'}. {r['text']}", one_line=True))
                )
        if not found:
            self.notify("none of the referenced cables is in the cache", markup=False)
            return

        def done(key: str | None) -> None:
            if key:
                self.app.push_screen(CableScreen(None, 0, int(key)))

        if len(found) == 1:
            done(found[0][0])
        else:
            self.app.push_screen(PickScreen("Open reference", found), done)

    def action_scroll(self, n: int) -> None:
        self.query_one("#body-pane", VerticalScroll).scroll_relative(y=n, animate=False)

    def action_scroll_page(self, n: int) -> None:
        pane = self.query_one("#body-pane", VerticalScroll)
        pane.scroll_relative(y=n * max(1, pane.size.height - 1), animate=False)

    def action_scroll_home(self) -> None:
        self.query_one("#body-pane", VerticalScroll).scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.query_one("#body-pane", VerticalScroll).scroll_end(animate=False)

    def action_help(self) -> None:
        self.tapp.show_help()

    def cache_changed(self) -> None:
        # the open cable does not move; its triage fields may have changed
        if self.cable_id is not None:
            try:
                self.detail = load_cable(self.tapp.cache.conn(), self.cable_id) or self.detail
            except (sqlite3.Error, StoreError):
                return
            self.draw()


_BREAK_BEFORE = re.compile(r"^\s*(?:-{1,2}\s|[A-Z][.)]\s|\(?[a-z0-9]\)\s|[*•]\s|$)")


def reflow(text: str) -> str:
    """Join a paragraph's teletype line breaks into running text for reading; blank lines,
    list items and dashes keep their breaks (the raw view, `v`, shows the lines as sent)."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and out[-1] and line.strip() and not _BREAK_BEFORE.match(line):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def hang(lead: Text, body: Text, width: int, app: App[None]) -> Text:
    """`lead` then `body` wrapped to `width`, continuation lines indented under the body."""
    indent = lead.cell_len
    out = lead.copy()
    avail = max(10, width - indent)
    lines: list[Text] = []
    for para in body.split("\n", allow_blank=True):
        wrapped = para.wrap(app.console, avail, overflow="fold", no_wrap=False)
        lines.extend(wrapped or [Text("")])
    for k, line in enumerate(lines):
        if k:
            out.append("\n" + " " * indent)
        out.append_text(line)
    return out


HINT_ORDER = [
    "list.open",
    "cable.back",
    "workflow.assign",
    "workflow.status",
    "list.search",
    "cable.next",
    "cable.prev",
    "list.filter",
    "list.export",
    "app.help",
    "cable.help",
    "list.quit",
    "cable.raw",
    "cable.history",
    "cable.find",
    "list.tag",
    "list.sort",
]


def _hint_bindings(screen: Screen[None]) -> list[Binding]:
    """The bindings worth a hint, in the order a desk officer needs them."""
    found: dict[str, Binding] = {}
    for klass in type(screen).__mro__:
        for b in getattr(klass, "BINDINGS", []):
            if isinstance(b, Binding) and b.id and b.id not in found:
                found[b.id] = b
    hints = [replace(found[i], show=True) for i in HINT_ORDER if i in found]
    return hints


def _when(value: str | None) -> str | None:
    """Timestamps in the audit log read as `2026-11-27 21:04Z`."""
    if value and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", value):
        return value[:16].replace("T", " ") + "Z"
    return value


def _mark_style(mark: str) -> Style:
    rank = marking_rank(mark)
    return class_style(rank) if rank is not None else Style(dim=True)


# -- the app -----------------------------------------------------------------------------------


class TriageApp(App[None]):
    TITLE = "triage"
    CSS = """
    Screen { background: $background; }
    ModalScreen { background: $background 60%; }
    """
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, db_path: Path, config: Config, *, login: str | None = None) -> None:
        _limit_malloc_arenas()
        super().__init__()
        self.config = config
        self.cache = Cache(db_path, config.group)
        self.login = login or current_login()
        custom = {}
        for v in config.views:
            name = str(v.get("name") or "").strip()
            if not name:
                continue
            try:
                custom[name] = parse_filters(str(v.get("filter") or ""))
            except FilterError:
                continue
        self.ctx = Context(
            login=self.login,
            office_ris=config.office_ris,
            office_names=config.office_names,
            objectives_min=dict(config.objectives_min),
            custom_tabs=custom,
        )
        self.tabs = BUILTIN_TABS + list(custom)
        self.has_office = bool(config.office_ris or config.office_names)
        self.feed = ChangeFeed(self.cache)
        self._tty: int | None = None
        self._lost = False

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.push_screen(ListScreen())
        try:
            # the change-watch baseline is taken before the first view is read, so a change
            # committed by someone else while this console starts is not missed
            self.feed.start()
        except StoreError as exc:
            self.report_cache_error(exc)
        self.set_interval(POLL_SECONDS, self.check_for_changes)
        self._tty = _terminal_fd() if not self.is_headless else None
        if self._tty is not None:
            self.set_interval(TTY_CHECK_SECONDS, self.check_terminal)

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

    # overdue rule, used by the list when drawing

    def is_overdue(self, row: Row) -> bool:
        if row.status in ("DONE", "NO ACTION"):
            return False
        now = dt.datetime.now(dt.UTC)
        if row.due_at and row.due_at < now.strftime("%Y-%m-%dT%H:%M:%S"):
            return True
        if row.officer:
            return False
        minutes = self.ctx.objectives_min.get(row.precedence or "ROUTINE", 360)
        deadline = (now - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")
        return row.received_at < deadline

    # live traffic

    def check_for_changes(self) -> None:
        if not self._lost:
            self._check()

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _check(self) -> None:
        """The change feed: another ssh session's console, `triage watch` or an ingest
        committed; or the cache can no longer be trusted (deleted, replaced, its locks lost)."""
        try:
            changes = self.feed.poll()
        except (sqlite3.Error, StoreError, OSError) as exc:
            self.post_message(CacheLost(str(exc)))
            return
        if changes is not None:
            self.post_message(CacheChanged(changes.urgent))

    def on_cache_changed(self, msg: CacheChanged) -> None:
        for ref, subject in msg.flash:
            self.bell()
            self.notify(
                f"FLASH {visible(ref, one_line=True)}: {visible(subject, one_line=True)}",
                title="FLASH traffic",
                severity="warning",
                markup=False,
                timeout=15,
            )
        # the list reloads (keeping its cursor); an open cable redraws in place
        for s in self.screen_stack:
            if isinstance(s, ListScreen | CableScreen):
                s.cache_changed()

    def on_cache_lost(self, msg: CacheLost) -> None:
        self.report_cache_error(msg.error)

    def report_cache_error(self, exc: object) -> None:
        """The console's view of the cache can no longer be trusted: say so over everything at
        once, stop reading and writing, and offer to reopen (never a stale list shown as live)."""
        if self._lost:
            return
        self._lost = True
        why = str(exc) or type(exc).__name__
        self.cache.mark_lost(why)
        self.bell()
        self.push_screen(CacheLostScreen(why))

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
            if isinstance(s, ListScreen | CableScreen):
                s.cache_changed()
        self.notify("The cache was reopened; the list is live again.", title="Cache", timeout=8)
        return None

    # help and command palette

    def show_help(self) -> None:
        rows: list[tuple[str, str, str]] = []
        seen = set()
        for node in [self.screen, *self.screen.query("*"), self]:
            for binding in getattr(node, "BINDINGS", []):
                if not isinstance(binding, Binding) or binding.id in seen:
                    continue
                seen.add(binding.id)
                keys = self.config.keymap.get(binding.id or "", binding.key)
                rows.append(
                    (
                        keys.replace("question_mark", "?").replace("slash", "/"),
                        binding.description,
                        binding.id or "",
                    )
                )
        rows.append(("ctrl+p", "Command palette", "app.command_palette"))
        self.push_screen(HelpScreen(rows))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ListScreen):
            for tab in self.tabs:
                yield SystemCommand(
                    f"View: {tab}", f"Show the {tab} view", lambda t=tab: screen.select_tab(t)
                )
            for key, (_sql, label) in SORTS.items():
                yield SystemCommand(
                    f"Sort by {label}",
                    "Order the list",
                    lambda k=key: screen.run_action(f"sort_by('{k}')"),
                )
            yield SystemCommand("Search", "Full-text search of the cache", screen.action_search)
            yield SystemCommand(
                "Add filter", "Filter by status, officer, ...", screen.action_filter
            )
            yield SystemCommand(
                "Clear filters", "Remove the search and filters", screen.action_clear
            )
            yield SystemCommand(
                "Assign every cable in this view",
                "One officer for all, after a confirmation",
                lambda: screen.whole_view("assign"),
            )
            yield SystemCommand(
                "Set status for every cable in this view",
                "One status for all, after a confirmation",
                lambda: screen.whole_view("status"),
            )
            yield SystemCommand(
                "Export this view as CSV", "The action list for the meeting", screen.action_export
            )
        if isinstance(screen, CableScreen):
            yield SystemCommand(
                "Toggle raw text", "Show the cable as received", screen.action_toggle_raw
            )
            yield SystemCommand(
                "Open a reference", "Open a cited cable", screen.action_open_reference
            )
        yield SystemCommand("Help: keys", "List every key binding", self.show_help)


TTY_CHECK_SECONDS = 1.0


def _terminal_fd() -> int | None:
    """The terminal the console reads keys from, or None when it reads no terminal."""
    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else -1
        return fd if fd >= 0 and os.isatty(fd) else None
    except (OSError, ValueError):
        return None


@cache
def _libc() -> Any:
    """The C library, loaded once (None off Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread that allocates its own malloc arena, and memory freed in one
    is rarely handed back: the console's workers (one per query) left ~20 MB of such pieces
    at 250,000 cables. Two arenas keep the console's peak memory near its working set (what
    MALLOC_ARENA_MAX=2 does for long-running Python services)."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(-8, arenas)  # M_ARENA_MAX


def _release_memory() -> None:
    """After a view's queries (sorting 250,000 rows, an FTS5 match set): hand the freed
    memory back to the system (glibc keeps it otherwise, and the console's peak grows with
    each search)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def run_console(db_path: Path, config: Config) -> None:
    app = TriageApp(db_path, config)
    app.run()
    if app.cache.quarantined:
        # connections set aside when the cache was lost must not be closed (see store.cache):
        # leave without the finalizers that would close them
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)
