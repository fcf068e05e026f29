"""The split view's Thread tab: what the open cable cites and what cites it, as an indented
tree in DTG order, then "more like this" (the cables whose text is most alike).

The tree is read when the tab opens (bounded: see store/threads.py), the related cables in a
thread worker; both are drawn as one Text of plain spans, never markup. A cursor moves over the
cables; enter on a held one asks the screen to open it (`ThreadTree.OpenCable`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from ...cable.rollup import Rollup
from ...store import threads as th
from ...store.schema import StoreError
from ..safe import PREC_STYLES, class_style, visible
from ..text import cut_middle, status_short

if TYPE_CHECKING:
    from ...store.cache import Cache


@dataclass
class _Row:
    """A line of the tab; `cable_id` when enter opens a cable there."""

    text: Text
    cable_id: int | None = None
    tail: Text | None = None  # kept whole at the end of a line cut to the pane's width


class RelatedLoaded(Message):
    def __init__(
        self, cable_id: int, rows: list[dict[str, Any]], terms: list[str], error: str | None
    ) -> None:
        super().__init__()
        self.cable_id = cable_id
        self.rows = rows
        self.terms = terms
        self.error = error


class ThreadTree(VerticalScroll, can_focus=True):
    """The Thread tab. `show(cable_id)` (re)loads it."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False, id="thread.down"),
        Binding("k,up", "move(-1)", "Up", show=False, id="thread.up"),
        Binding("g,home", "first", "First", show=False, id="thread.first"),
        Binding("G,end", "last", "Last", show=False, id="thread.last"),
        Binding("enter", "open", "Open", id="thread.open"),
    ]

    DEFAULT_CSS = """
    ThreadTree { padding: 0 1; scrollbar-gutter: stable; }
    ThreadTree > Static { width: auto; min-width: 100%; }
    """

    class OpenCable(Message):
        """Enter on a held cable."""

        def __init__(self, cable_id: int) -> None:
            super().__init__()
            self.cable_id = cable_id

    class MarkingChanged(Message):
        """What the tab shows now rises (or falls) to another classification: the screen's
        banner follows (see `marking`)."""

    def __init__(self, cache: Cache, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cache = cache
        self.cable_id: int | None = None
        self.thread: th.Thread | None = None
        self.related: list[dict[str, Any]] | None = None
        self.terms: list[str] = []
        self.error: str | None = None
        self.rows: list[_Row] = []
        self.cursor = -1
        self.loaded_in_s: float | None = None
        self._marking = Rollup()
        self._marking_now = Rollup()

    def compose(self) -> ComposeResult:
        yield Static(id="thread-text", markup=False)

    # loading

    def show(self, cable_id: int) -> None:
        if cable_id == self.cable_id and self.thread is not None:
            # read again: while the tab was hidden (or the cable closed) other officers may
            # have moved the cables it shows, and no change reached a hidden tab
            self.reload()
            return
        self.cable_id = cable_id
        self.thread, self.related, self.terms, self.error = None, None, [], None
        self.cursor = -1
        self.reload()

    def reload(self) -> None:
        """Read the thread (again, when the cache changed: officers and statuses move) and
        draw it, then look for the related cables in a worker.

        The tree is read here, on the UI thread: it is bounded (MAX_NODES cables, one indexed
        query a level each way, a few milliseconds at any cache size), and a worker's round
        trip would cost more than the reading. The related cables take tens of milliseconds
        (a full-text query): they come in a worker."""
        cid = self.cable_id
        if cid is None:
            return
        keep = self._current_id()
        try:
            self.thread, self.error = th.thread(self.cache.conn(), cid), None
        except (sqlite3.Error, StoreError) as exc:
            self.thread, self.error = None, f"could not read the thread: {exc}"
        self.draw(keep)
        # after the tree is on screen: the search would slow its drawing down (the GIL)
        exclude = set(self.thread.held_ids) if self.thread else set()
        self.call_after_refresh(self._load_related, cid, exclude)

    @work(thread=True, exclusive=True, group="thread", exit_on_error=False)
    def _load_related(self, cable_id: int, exclude: set[int]) -> None:
        try:
            with self.cache.borrow() as conn:
                rows, terms = th.related(conn, cable_id, exclude)
        except (sqlite3.Error, StoreError) as exc:
            self.post_message(RelatedLoaded(cable_id, [], [], f"could not find related: {exc}"))
            return
        self.post_message(RelatedLoaded(cable_id, rows, terms, None))

    def on_related_loaded(self, msg: RelatedLoaded) -> None:
        msg.stop()
        if msg.cable_id != self.cable_id:
            return
        keep = self._current_id()
        self.related, self.terms = msg.rows, msg.terms
        if msg.error:
            self.error = msg.error
        self.draw(keep)

    # drawing

    def _current_id(self) -> int | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].cable_id
        return None

    def marking(self) -> Rollup:
        """The classification of what the tab shows: the subjects of the thread's held cables
        and of the related ones, rolled up (cable/rollup.py)."""
        return self._marking

    def _shown(self, fields: dict[str, Any]) -> None:
        badge = str(fields.get("badge") or "?")
        self._marking_now.add_marking(badge)
        self._marking_now.add_captions(fields.get("caveats"))

    def draw(self, keep: int | None = None) -> None:
        self._marking_now = Rollup()
        self.rows = self._rows()
        if self._marking_now != self._marking:
            self._marking = self._marking_now
            self.post_message(self.MarkingChanged())
        selectable = [k for k, r in enumerate(self.rows) if r.cable_id is not None]
        if keep is not None:
            at = [k for k in selectable if self.rows[k].cable_id == keep]
            self.cursor = at[0] if at else self.cursor
        if self.cursor not in selectable:
            # start on the open cable's own line
            own = [k for k in selectable if self.rows[k].cable_id == self.cable_id]
            self.cursor = own[0] if own else (selectable[0] if selectable else -1)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        width = self.scrollable_content_region.width  # 0 before the first layout
        for k, r in enumerate(self.rows):
            line = r.text.copy()
            tail = r.tail or Text()
            if width and line.cell_len + tail.cell_len > width:
                # a line too long ends in … (the subject gives way), before its tail
                line.truncate(max(1, width - tail.cell_len), overflow="ellipsis")
            line.append_text(tail)
            if k == self.cursor:
                line.stylize(Style(reverse=True))
            text.append_text(line)
            text.append("\n")
        self.query_one("#thread-text", Static).update(text)
        self._follow_cursor()

    def on_resize(self) -> None:
        if self.rows:
            self.draw(self._current_id())

    def _rows(self) -> list[_Row]:
        rows: list[_Row] = []
        if self.thread is None:
            rows.append(_Row(Text(self.error or "reading the thread…", style="dim")))
            return rows
        t = self.thread
        head = Text()
        head.append("Thread", style="bold underline")
        held = len(t.held_ids)
        head.append(
            f"   {held:,} cable{'s' if held != 1 else ''} in the cache   "
            "enter opens one, esc comes back",
            style="dim",
        )
        rows.append(_Row(head))
        for ln in th.lines(t):
            rows.append(self._line(ln))
        rows.append(_Row(Text("")))
        more = Text()
        more.append("More like this", style="bold underline")
        if self.related is None:
            more.append("   looking…", style="dim")
            rows.append(_Row(more))
            return rows
        if self.terms:
            more.append("   " + visible(" ".join(self.terms[:6]), one_line=True), style="dim")
        rows.append(_Row(more))
        if not self.related:
            rows.append(_Row(Text("  nothing alike outside the thread", style="dim")))
        for f in self.related:
            self._shown(f)
            rows.append(_Row(self._cable_text(f, 1), int(f["id"])))
        if self.error:
            rows.append(_Row(Text(self.error, style="bold red")))
        return rows

    def _line(self, ln: th.Line) -> _Row:
        pad = "  " * ln.depth
        n = ln.node
        if ln.kind == "heading":
            return _Row(Text(ln.text, style="bold"))
        if ln.kind == "cut":
            return _Row(Text(ln.text, style=Style(italic=True, color="yellow")))
        if n is None:
            return _Row(Text(pad + ln.text, style="dim"))
        if ln.kind == "current" or (not n.seen and n.cable_id is not None):
            self._shown(n.fields)
        if ln.kind == "current":
            t = Text("▶ ", style="bold")
            t.append_text(self._cable_text(n.fields, 0))
            t.stylize(Style(bold=True))
            return _Row(t, n.cable_id, Text("  ◀ this cable", style="bold"))
        # a reply's letter for the cable above it, kept whole at the line's end
        ref = th.as_ref(n)
        tail = Text("  " + visible(ref, one_line=True), style="dim") if ref else None
        if n.seen:
            t = Text(pad + "↳ ", style="dim")
            t.append(visible(n.reference_id, one_line=True))
            t.append(f"  ({n.seen})", style="dim")
            return _Row(t, n.cable_id, tail)
        if n.document:
            t = Text(pad)
            if n.letter:
                t.append(f"{visible(n.letter, one_line=True)}. ", style="dim")
            t.append(visible(n.text or "", one_line=True))
            t.append("  (names no cable)", style="dim italic")
            return _Row(t)
        if n.cable_id is None:
            t = Text(pad)
            if n.letter:
                t.append(f"{visible(n.letter, one_line=True)}. ", style="dim")
            t.append(visible(n.reference_id, one_line=True))
            t.append("  not held: ", style="dim italic")
            t.append(visible(n.text or "", one_line=True), style="dim")
            return _Row(t)
        t = Text(pad)
        if n.letter and not n.citing:
            t.append(f"{visible(n.letter, one_line=True)}. ", style="dim")
        t.append_text(self._cable_text(n.fields, 0))
        return _Row(t, n.cable_id, tail)

    # narrower than this (the split view's right pane at 120 columns is about 64), a line's
    # parts are packed tighter so that the subject keeps some room
    NARROW = 90

    def _cable_text(self, f: dict[str, Any], depth: int) -> Text:
        width = self.scrollable_content_region.width  # 0 before the first layout
        narrow = 0 < width < self.NARROW
        gap = " " if narrow else "  "
        t = Text("  " * depth)
        dtg = th.short_dtg(f)
        # narrow: the date as a DTG writes it, day, month, year (`18NOV26`): without the year
        # (`18 NOV`) a reply and the cable of a year before it read as the same day
        if narrow:
            dtg = f"{dtg[:2]}{dtg[8:11]}{dtg[12:14]}" if dtg[0] != "-" else "-" * 7
        t.append(dtg)
        t.append(gap)
        prec = th.PREC_SHORT.get(f.get("precedence") or "", "-----")
        t.append(prec, style=PREC_STYLES.get(prec, Style()))
        t.append(gap)
        t.append(
            visible(th.node_class(f), one_line=True),
            style=class_style(int(f.get("level_rank") or 0)),
        )
        t.append(gap)
        t.append(visible(f.get("reference_id") or "", one_line=True), style="bold")
        t.append(gap)
        # who holds it and where it stands before the subject, which gives way at the edge
        officer = visible(f.get("officer") or "-", one_line=True)
        status = f.get("status") or "NEW"
        if narrow:  # as the list shows them in a narrow pane
            officer, status = cut_middle(officer, 8), status_short(status)
        t.append(officer, style="italic")
        t.append(gap)
        t.append(status, style="dim")
        t.append(gap)
        t.append(visible(f.get("subject") or "(no subject)", one_line=True))
        return t

    def _follow_cursor(self) -> None:
        if self.cursor < 0:
            return
        h = max(1, self.scrollable_content_region.height)
        if self.cursor < self.scroll_y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= self.scroll_y + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False)

    # keys

    def action_move(self, step: int) -> None:
        selectable = [k for k, r in enumerate(self.rows) if r.cable_id is not None]
        if not selectable:
            return
        if self.cursor not in selectable:
            self.cursor = selectable[0]
        else:
            at = selectable.index(self.cursor)
            self.cursor = selectable[max(0, min(len(selectable) - 1, at + step))]
        self.draw()

    def action_first(self) -> None:
        selectable = [k for k, r in enumerate(self.rows) if r.cable_id is not None]
        if selectable:
            self.cursor = selectable[0]
            self.draw()

    def action_last(self) -> None:
        selectable = [k for k, r in enumerate(self.rows) if r.cable_id is not None]
        if selectable:
            self.cursor = selectable[-1]
            self.draw()

    def action_open(self) -> None:
        cid = self._current_id()
        if cid is None:
            return
        if cid == self.cable_id:
            self.notify("this is the open cable", markup=False, timeout=2)
            return
        self.post_message(self.OpenCable(cid))
