"""Charts drawn with block characters, whose every bar and figure can be selected.

A `FigureGrid` is a titled panel of lines; a line is a list of cells, and a cell that carries a
list View is a way in: the cursor moves between those cells (arrows or h/j/k/l) and enter posts
`FigureGrid.Chosen` with its View. The selected cell is drawn in reverse video and described in
words (`FigureGrid.Selected`), so the selection reads under NO_COLOR too.

Plain block characters rather than a plotting library: a column of eighths (` ▁▂▃▄▅▆▇█`) per
hour or day, and horizontal bars of eighths, are what a terminal over ssh draws everywhere, and
they let each bar be its own selectable cell (textual-plotext draws a chart as one canvas).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ...store.views import View

LEVELS = " ▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉█"
ZERO = "·"


def column_glyph(value: int, most: int) -> str:
    """One cell of a sparkline: nothing arrived is `·`, anything at all at least `▁`."""
    if value <= 0 or most <= 0:
        return ZERO
    return LEVELS[max(1, min(8, round(value * 8 / most)))]


def column_stack(value: int, most: int, height: int) -> list[str]:
    """A vertical bar `height` cells tall, top cell first, in eighths."""
    if height <= 1:
        return [column_glyph(value, most)]
    if value <= 0 or most <= 0:
        return [" "] * (height - 1) + [ZERO]
    eighths = max(1, round(value * 8 * height / most))
    out = []
    for k in range(height - 1, -1, -1):
        part = max(0, min(8, eighths - 8 * k))
        out.append(LEVELS[part] if part else " ")
    return out


def hbar(value: int, most: int, width: int) -> str:
    """A horizontal bar in eighths, `width` cells wide at `most`; anything at all shows."""
    if value <= 0 or most <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value * 8 * width / most))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


@dataclass
class Cell:
    """A piece of a line; with a `view` it is a way into the list, described by `about`."""

    text: Text
    view: View | None = None
    about: str = ""

    @property
    def selectable(self) -> bool:
        return self.view is not None


def cell(
    text: str | Text, style: Style | str = "", width: int | None = None, *, right: bool = False
) -> Text:
    """Plain text (never markup) padded or cut to `width`."""
    t = text.copy() if isinstance(text, Text) else Text(text, style=style, end="")
    if width is not None:
        if t.cell_len > width:
            t.truncate(width, overflow="ellipsis")
        elif right:
            t = Text(" " * (width - t.cell_len), end="") + t
        else:
            t.pad_right(width - t.cell_len)
    return t


@dataclass
class Line:
    cells: list[Cell] = field(default_factory=list)

    def add(
        self, text: str | Text, view: View | None = None, about: str = "", style: Style | str = ""
    ) -> Line:
        t = text if isinstance(text, Text) else Text(text, style=style, end="")
        self.cells.append(Cell(t, view, about))
        return self


class FigureGrid(Widget, can_focus=True):
    """A titled panel of lines of cells with a cursor over the selectable ones."""

    DEFAULT_CSS = """
    FigureGrid { height: auto; padding: 0 1; margin: 0 0 1 0; }
    FigureGrid:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("j,down", "move(1, 0)", "Down", show=False, id="overview.down"),
        Binding("k,up", "move(-1, 0)", "Up", show=False, id="overview.up"),
        Binding("l,right", "move(0, 1)", "Right", show=False, id="overview.right"),
        Binding("h,left", "move(0, -1)", "Left", show=False, id="overview.left"),
        Binding("enter", "choose", "Open in the list", id="overview.open"),
    ]

    class Chosen(Message):
        """Enter on a figure: open the list on its View."""

        def __init__(self, view: View, about: str) -> None:
            self.view = view
            self.about = about
            super().__init__()

    class Selected(Message):
        """The cursor is on another figure (for the line that describes it)."""

        def __init__(self, grid: FigureGrid, cell: Cell | None) -> None:
            self.grid = grid
            self.cell = cell
            super().__init__()

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.lines: list[Line] = []
        self.row = 0
        self.col = 0
        self._strips: dict[tuple[int, int], Strip] = {}
        self._rows: dict[int, list[tuple[int, int, int]]] = {}  # by width: see screen_rows

    # content

    def set_lines(self, lines: Sequence[Line]) -> None:
        """New content; the cursor stays on the same line and cell where they still exist.
        The same content again (a live update that did not touch this panel) draws nothing;
        as many lines as before redraw without a new layout."""
        new = list(lines)
        if new == self.lines:
            return
        width = max(1, self.size.width)
        before = len(self.screen_rows(width))
        self.lines = new
        self._rows.clear()
        relayout = len(self.screen_rows(width)) != before
        self._clamp()
        self.refresh(layout=relayout)
        if self.has_focus:
            self.post_message(self.Selected(self, self.current))

    def _selectable_rows(self) -> list[int]:
        return [k for k, line in enumerate(self.lines) if any(c.selectable for c in line.cells)]

    def _selectable_cols(self, row: int) -> list[int]:
        if not 0 <= row < len(self.lines):
            return []
        return [k for k, c in enumerate(self.lines[row].cells) if c.selectable]

    def _clamp(self) -> None:
        rows = self._selectable_rows()
        if not rows:
            self.row = self.col = 0
            return
        if self.row not in rows:
            self.row = min(rows, key=lambda r: abs(r - self.row))
        cols = self._selectable_cols(self.row)
        if self.col not in cols:
            self.col = min(cols, key=lambda c: abs(c - self.col))

    @property
    def current(self) -> Cell | None:
        cols = self._selectable_cols(self.row)
        if self.col in cols:
            return self.lines[self.row].cells[self.col]
        return None

    def _x_of(self, row: int, col: int) -> int:
        return sum(c.text.cell_len for c in self.lines[row].cells[:col])

    # keys

    def action_move(self, down: int, right: int) -> None:
        rows = self._selectable_rows()
        if not rows:
            if down:
                self._leave(down)
            return
        if right:
            cols = self._selectable_cols(self.row)
            k = cols.index(self.col) + right if self.col in cols else 0
            if 0 <= k < len(cols):
                self.col = cols[k]
        if down:
            k = rows.index(self.row) + down if self.row in rows else 0
            if not 0 <= k < len(rows):
                self._leave(down)
                return
            # the cell under the cursor's column on the next line
            x = self._x_of(self.row, self.col)
            self.row = rows[k]
            cols = self._selectable_cols(self.row)
            self.col = min(cols, key=lambda c: abs(self._x_of(self.row, c) - x))
        self.refresh()
        self.post_message(self.Selected(self, self.current))

    def _leave(self, down: int) -> None:
        """Off the top or bottom: on to the panel above or below (as a list would scroll on)."""
        before = self.screen.focused
        target = (
            self.screen.focus_next(FigureGrid)
            if down > 0
            else self.screen.focus_previous(FigureGrid)
        )
        if target is before or target is None:
            return
        if isinstance(target, FigureGrid):
            rows = target._selectable_rows()
            if rows:
                target.row = rows[0] if down > 0 else rows[-1]
                target._clamp()
                target.refresh()

    def action_choose(self) -> None:
        c = self.current
        if c is not None and c.view is not None:
            self.post_message(self.Chosen(c.view, c.about))

    def on_focus(self) -> None:
        self.refresh()
        self.post_message(self.Selected(self, self.current))

    def on_blur(self) -> None:
        self.refresh()

    # drawing: the Line API, one strip a line from rich segments (a Text of every line made into
    # Textual Content took most of the Overview's first draw)

    def refresh(self, *args: Any, **kwargs: Any) -> Self:
        self._strips.clear()
        return super().refresh(*args, **kwargs)

    def screen_rows(self, width: int) -> list[tuple[int, int, int]]:
        """The panel's rows on screen at `width`, as (line, first cell, end cell): a line too
        wide breaks between its cells (a narrow terminal reads `901 overdue` whole on the next
        row, never `90`), and a row does not open with the blank that separated two figures."""
        rows = self._rows.get(width)
        if rows is not None:
            return rows
        rows = []
        for i, line in enumerate(self.lines):
            start, x = 0, 0
            for k, c in enumerate(line.cells):
                w = c.text.cell_len
                # (a cell's trailing padding may run past the edge: it is cut, not moved)
                if k > start and x + w - (len(c.text.plain) - len(c.text.plain.rstrip())) > width:
                    rows.append((i, start, k))
                    start, x = k, 0
                    if not c.selectable and not c.text.plain.strip():
                        start, w = k + 1, 0  # the separator stays at the end of the row above
                x += w
            if start < len(line.cells) or not rows or rows[-1][0] != i:
                rows.append((i, start, len(line.cells)))
        self._rows[width] = rows
        return rows

    def line_text(self, y: int) -> Text:
        """What row `y` of the panel says on screen (0 is the title)."""
        if y == 0:  # (as a span: Text.render leaves out a Text's own style)
            return Text(end="").append(self.title, style=Style(bold=True, underline=True))
        rows = self.screen_rows(max(1, self.size.width))
        if not 0 < y <= len(rows):
            return Text("", end="")
        line, first, end = rows[y - 1]
        current = self.current if self.has_focus else None
        out = Text(end="", no_wrap=True, overflow="crop")
        for c in self.lines[line].cells[first:end]:
            if c is current:
                t = c.text.copy()
                t.stylize(Style(reverse=True, bold=True))
                out.append_text(t)
            else:
                out.append_text(c.text)
        return out

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        key = (y, width)
        strip = self._strips.get(key)
        if strip is None:
            base = self.rich_style  # the panel's colours (its background when focused)
            segments = [
                Segment(t, base + style if style else base, c)
                for t, style, c in self.line_text(y).render(self.app.console)
                if "\n" not in t
            ]
            strip = Strip(segments).crop_extend(0, width, base)
            self._strips[key] = strip
        return strip

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1 + len(self.screen_rows(max(1, width)))
