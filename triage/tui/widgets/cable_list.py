"""The triage list: a Line-API widget that draws only the rows on screen.

It holds the view's ordered id array and an LRU cache of pages of rows fetched by id; no
widget per row, no table of every row. Moving the cursor is arithmetic on the array.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections import OrderedDict
from collections.abc import Callable

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from ...cable.model import is_acknowledged_precedence, needs_ack
from ...store.first_page import PAGE as FIRST_PAGE
from ...store.views import Row
from ..messages import CursorMoved
from ..safe import PREC_STYLES, alarm_style, class_style, visible
from ..text import (
    SHORT_TITLES,
    Column,
    age_text,
    class_cell,
    cut_middle,
    cut_subject,
    dtg_short,
    layout_columns,
    status_cell,
    suggested_name,
)

PAGE = FIRST_PAGE  # rows read at a time (a view's first page comes with its ids)
PAGES_KEPT = 64

_PLAIN = Style()
_NULL = Style.null()
_BOLD = Style(bold=True)
_REVERSE = Style(reverse=True)
_combine = Style.combine


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, or padded with spaces (Text.truncate's
    overflow="ellipsis", pad=True)."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length) if length < width else text


def _strip(text: Text, console: Console, width: int) -> Strip:
    """A strip of exactly `width` cells in which every segment has a style (Textual's colour
    filters for NO_COLOR and 16-colour terminals expect one)."""
    segments = [Segment(t, style or _PLAIN, c) for t, style, c in text.render(console)]
    return Strip(segments).crop_extend(0, width, _PLAIN)


class CableList(Widget, can_focus=True):
    """The list of the current view. The screen gives it ids and a row fetcher."""

    DEFAULT_CSS = """
    CableList { height: 1fr; }
    """

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "cursor_first", "First", show=False, id="list.first"),
        Binding("G,end", "cursor_last", "Last", show=False, id="list.last"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False, id="list.half_down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="list.half_up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="list.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="list.page_up"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    CursorMoved = CursorMoved

    class Opened(Message):
        """A row was double-clicked (the cursor is on it)."""

    def __init__(
        self,
        fetch: Callable[[list[int]], dict[int, Row] | None],
        overdue: Callable[[Row], bool],
        *,
        show_addressed: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.ids: array[int] = array("q")
        self._fetch = fetch
        self._overdue = overdue
        self._pages: OrderedDict[int, dict[int, Row]] = OrderedDict()
        # the rows last read, shown while the cache cannot be read (`fetch` gave None): the
        # list behind the NOT LIVE box stays how it looked, never blank
        self._last_read: dict[int, Row] = {}
        self._positions: dict[int, int] | None = None  # cable id -> index, made when asked
        self.top = 0
        self.tagged: dict[int, int] = {}  # cable id -> row version when tagged
        self.show_addressed = show_addressed
        self.login = ""  # whose list it is: their assignments are marked
        self.open_elsewhere: set[int] = set()  # cables open in other officers' consoles
        # the longest officer name (or suggestion) the view holds: OFFICER is that wide
        self.officer_width = 10
        # 13 where the view holds a captioned cable (`TS//NF//NODIS`), else the badge's 7
        self.class_width = 7
        # what an empty view says (set with its contents): why it is empty and the way out
        self.empty_text = ""
        self.now = dt.datetime.now(dt.UTC)
        # (a cell's style combined with the row's bold and reverse, made once for each pair)
        self._styles: dict[tuple[Style | str, Style], Style] = {}
        self._columns: dict[tuple[int, bool, int, int], list[Column]] = {}

    # -- data -------------------------------------------------------------------------------

    def set_ids(
        self,
        ids: array[int],
        keep_id: int | None = None,
        *,
        first_rows: dict[int, Row] | None = None,
        rows_current: bool = False,
    ) -> None:
        """New contents. With `keep_id` (the list read again) the cursor stays on that cable if
        it is still in the view, or else at the same index; the top of the list stays in sight
        while the cursor's row fits on the first screen, and below that the row keeps its place.
        Without (a new search, filter or view) the cursor goes to the first row: the most
        urgent match, with the top of the list in view. `first_rows`: the rows of the first
        page (ids[:PAGE]), read with the ids. `rows_current`: the rows read for the ids before
        are still current (the whole list following its own first page), so a page whose ids
        are unchanged is kept rather than read again."""
        old_cursor, old_top = self.cursor, self.top
        old_ids, old_pages = self.ids, dict(self._pages)
        self.ids = ids
        self._positions = None
        self._forget_pages()
        if rows_current:
            for page_no, page in old_pages.items():
                part = slice(page_no * PAGE, (page_no + 1) * PAGE)
                if old_ids[part] == ids[part]:
                    self._pages[page_no] = page
        if first_rows is not None:
            self._pages[0] = first_rows
        self.now = dt.datetime.now(dt.UTC)
        if keep_id is None:
            self.top = 0
            self.cursor = 0
        else:
            try:
                index = ids.index(keep_id)
            except ValueError:
                index = min(old_cursor, max(0, len(ids) - 1))
            if index < self.page_height:
                # the cursor's row fits on the first screen: the top of the list is shown, and
                # rows that came above the cursor push it down (as mutt and k9s do) rather than
                # scroll the most urgent rows off the top with no sign
                self.top = 0
            else:  # further down: the cursor's row keeps its place on the screen
                self.top = max(0, index - (old_cursor - old_top))
            self.cursor = index
        self._clamp()
        self.refresh()

    def invalidate(self) -> None:
        """Rows changed (not the order): fetch again what is drawn."""
        self._forget_pages()
        self.now = dt.datetime.now(dt.UTC)
        self.refresh()

    def _forget_pages(self) -> None:
        if self._pages:
            self._last_read = {k: v for page in self._pages.values() for k, v in page.items()}
        self._pages.clear()

    def mark_seen(self, cable_id: int) -> None:
        """Opened by this officer: drawn as seen (the row's other fields stay as they were
        read, versions included, so a change made on them is still checked against what the
        officer saw)."""
        for page in self._pages.values():
            row = page.get(cable_id)
            if row is not None:
                row.seen = True
        self.refresh()

    def position(self, cable_id: int) -> int | None:
        """Where a cable is in the list (None: not in it). One pass over the ids the first
        time after they change, a lookup after that: a burst of 500 FLASH arrivals looked each
        up in the 250,000 ids at every draw, and keys waited seconds."""
        if self._positions is None:
            self._positions = {int(cid): k for k, cid in enumerate(self.ids)}
        return self._positions.get(cable_id)

    @property
    def current_id(self) -> int | None:
        if 0 <= self.cursor < len(self.ids):
            return int(self.ids[self.cursor])
        return None

    def row_at(self, index: int) -> Row | None:
        if not 0 <= index < len(self.ids):
            return None
        page_no = index // PAGE
        page = self._pages.get(page_no)
        if page is None:
            chunk = [int(i) for i in self.ids[page_no * PAGE : (page_no + 1) * PAGE]]
            got = self._fetch(chunk)
            if got is None:  # the cache cannot be read now: the rows as last read
                return self._last_read.get(int(self.ids[index]))
            page = got
            self._pages[page_no] = page
            while len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(int(self.ids[index]))

    # -- movement ---------------------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    def _clamp(self) -> None:
        n = len(self.ids)
        self.cursor = max(0, min(self.cursor, n - 1)) if n else 0
        h = self.page_height
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + h:
            self.top = self.cursor - h + 1
        self.top = max(0, min(self.top, max(0, n - h)))

    def move_to(self, index: int) -> None:
        self.cursor = index
        self._clamp()
        self.refresh()
        self.post_message(self.CursorMoved(self.cursor))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_cursor_first(self) -> None:
        self.move_to(0)

    def action_cursor_last(self) -> None:
        self.move_to(len(self.ids) - 1)

    def action_half_page(self, direction: int) -> None:
        step = max(1, self.page_height // 2) * direction
        self.top = max(0, self.top + step)
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        step = self.page_height * direction
        self.top = max(0, self.top + step)
        self.move_to(self.cursor + step)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """The list's new height is taken in before the screen is drawn at it: Textual sets the
        size, paints, and only then delivers the Resize event, so a list that lost a line (the
        arrivals strip appearing above it) was drawn once with the cursor's row below its
        bottom edge. (Textual 8's hook, called by the screen's layout for each widget.)"""
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if changed:
            self.on_resize()
        return changed

    def on_resize(self) -> None:
        top = self.top
        self._clamp()
        if self.top != top:  # (the position line says how many rows are above the screen)
            self.post_message(self.CursorMoved(self.cursor))

    # -- the mouse: a click selects, a double click opens, the wheel scrolls -------------------

    def on_click(self, event: events.Click) -> None:
        if event.y < 1:
            return  # the column titles
        index = self.top + event.y - 1
        if not 0 <= index < len(self.ids):
            return
        event.stop()
        self.focus()
        self.move_to(index)
        if event.chain >= 2:
            self.post_message(self.Opened())

    def _scroll_by(self, rows: int) -> None:
        """The rows move under a cursor that stays on its cable while it is in sight."""
        n = len(self.ids)
        h = self.page_height
        self.top = max(0, min(self.top + rows, max(0, n - h)))
        cursor = min(max(self.cursor, self.top), self.top + h - 1)
        self.move_to(cursor)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll_by(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll_by(-3)

    # -- drawing ----------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        key = (width, self.show_addressed, self.officer_width, self.class_width)
        cols = self._columns.get(key)
        if cols is None:  # (once for a width, not for each line)
            cols = self._columns[key] = layout_columns(*key)
        if y == 0:
            return self._header_strip(cols, width)
        index = self.top + y - 1
        if index >= len(self.ids):
            if not self.ids and y >= 2 and self.empty_text:
                # wrapped, not cut at the edge (`... tab shows other view` at 80 columns)
                import textwrap

                lines = textwrap.wrap(self.empty_text, max(20, width - 4))
                if y - 2 < len(lines):
                    return _strip(Text("  " + lines[y - 2], style="dim"), self.app.console, width)
            return Strip.blank(width, _PLAIN)
        row = self.row_at(index)
        if row is None:
            return Strip([Segment(" " * width, _PLAIN)], width)
        extra: list[Style] = []
        if row.id in self.tagged or not row.seen:
            extra.append(_BOLD)  # tagged, or not yet opened by this officer
        if index == self.cursor:
            extra.append(_REVERSE)
        return self._row_strip(row, cols, index, extra).crop_extend(0, width, _PLAIN)

    def _header_strip(self, cols: list[Column], width: int) -> Strip:
        t = Text(end="", style=Style(bold=True, underline=True))
        for k, c in enumerate(cols):
            if k:
                t.append(" ")
            title = c.title if len(c.title) <= c.width else SHORT_TITLES.get(c.title, c.title)
            t.append(title.ljust(c.width)[: c.width])
        return _strip(t, self.app.console, width)

    def _row_strip(self, row: Row, cols: list[Column], index: int, extra: list[Style]) -> Strip:
        """The row's cells side by side, one space apart, each cut (with an ellipsis) or padded
        to its column, and `extra` (bold, reverse) over the whole row. The segments are those
        rich.Text would render for it (a styled cell its own segment, the unstyled text between
        two joined; tests/test_cable_list_rows.py checks them against it) without building the
        Text, its spans and its render: the first screen draws 35 rows, and each move redraws
        them."""
        overdue = self._overdue(row)
        ack_column = any(c.key == "ack" for c in cols)
        age_column = any(c.key == "age" for c in cols)
        over = _combine([_NULL, *extra]) if extra else _PLAIN
        styles = self._styles
        segments: list[Segment] = []
        run: list[str] = []  # unstyled text not yet in a segment
        for k, c in enumerate(cols):
            if k:
                run.append(" ")
            value, style = self._cell(row, c, index, overdue, ack_column, age_column)
            text = _fit(visible(value, one_line=True), c.width)
            if not style:
                run.append(text)
                continue
            if run:
                segments.append(Segment("".join(run), over))
                run = []
            key = (style, over)
            combined = styles.get(key)
            if combined is None:
                combined = styles[key] = _combine(
                    [_NULL, Style.parse(style) if isinstance(style, str) else style, *extra]
                )
            segments.append(Segment(text, combined or _PLAIN))
        if run:
            segments.append(Segment("".join(run), over))
        return Strip(segments)

    def _cell(
        self,
        row: Row,
        c: Column,
        index: int,
        overdue: bool,
        ack_column: bool,
        age_column: bool = True,
    ) -> tuple[str, Style | str]:
        """The cell's text (before it is made visible and fitted to the column) and style."""
        w = c.width
        style: Style | str = ""
        if c.key == "mark":
            # a tag; else ◆ open in another officer's console; else @ assigned to them and
            # not yet opened; else the cursor (which reverse video shows too, under NO_COLOR as
            # well). ◆ before @: a colleague in the officer's own cable is what most needs
            # seeing (@ hid it there), and that it is theirs and unread still shows: their
            # name under OFFICER, the row bold
            if row.id in self.tagged:
                value = "*"
            elif row.id in self.open_elsewhere:
                value = "◆"
            elif row.officer and row.officer == self.login and not row.seen:
                value = "@"
            else:
                value = ">" if index == self.cursor else " "
            style = Style(bold=True)
        elif c.key == "prec":
            value = row.prec_badge
            style = PREC_STYLES.get(value, Style())
        elif c.key == "class":
            value = class_cell(row.badge, row.caveats)
            style = class_style(row.level_rank)
        elif c.key == "dtg":
            value = dtg_short(row)
        elif c.key == "age":
            value = age_text(row, self.now, overdue)
            if overdue:
                style = alarm_style()
        elif c.key == "ref":
            value = row.reference_id
        elif c.key == "origin":
            value = row.origin or "-"
        elif c.key == "subject":
            value = cut_subject(visible(row.subject or "(no subject)", one_line=True), w)
        elif c.key == "tags":
            value = " ".join(row.tags.split("|")) if row.tags else "-"
        elif c.key == "officer":
            value = cut_middle(visible(row.officer or "-", one_line=True), w)
            if not row.officer and row.cites_held:
                # it cites a cable this officer holds: the thread's likely owner
                value = "↩ " + cut_middle(visible(row.cites_held[0], one_line=True), w - 2)
                style = Style(italic=True)
            elif not row.officer and row.suggested:
                value = suggested_name(visible(row.suggested, one_line=True), w)
                style = Style(dim=True, italic=True)
        elif c.key == "status":
            # the alarms: where AGE (and its `!`) gave way, an overdue cable says LATE here; where
            # there is no ACK column, an unacknowledged FLASH or NIACT IMMEDIATE says ACK? here
            late = overdue and not age_column
            unacked = not ack_column and needs_ack(row.prec_rank, row.ack_by, row.status)
            value = status_cell(row.status or "NEW", w, unacked=unacked, late=late)
            if late or unacked:
                style = alarm_style()
        elif c.key == "ack":
            if row.ack_by:
                value = f"{row.ack_by[:7]} {(row.ack_at or '')[11:16]}"
            elif is_acknowledged_precedence(row.prec_rank):
                value = "ack?"
                style = alarm_style()
            else:
                value = ""
        elif c.key == "addressed":
            value = (row.addressed or "")[:w]
        else:
            value = ""
        return value, style
