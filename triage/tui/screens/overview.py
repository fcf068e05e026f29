"""The Overview: traffic, workload and handling times at a glance.

Its figures come from `store.report.overview`, computed in a thread worker that posts
`OverviewComputed`; the screen only draws them. Every bar and figure is a way in: enter opens
the list on the View it counts (the same filters a user types, shown in the filter bar to refine).
It recomputes when the cache changes (the app's change watch calls `cache_changed`) and every
half minute (overdue is a matter of time too), never more than one computation at a time.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Static

from ...store.report import (
    AckStats,
    Bucket,
    Figures,
    OfficerLoad,
    overview,
    prec_filter,
    prec_label,
    view_text,
)
from ...store.report_render import age as age_of
from ...store.report_render import duration
from ...store.schema import StoreError
from ...store.views import Filter, View
from .. import safe
from ..safe import PREC_STYLES, visible
from ..widgets.charts import Cell, FigureGrid, Line, cell, column_glyph, column_stack, hbar
from .base import TriageScreen

REFRESH_SECONDS = 30.0
WIDE = 150  # from this width the charts and the tables stand side by side

PREC_COLOURS = {
    "EMERG": Style(color="red", bold=True),
    "FLASH": Style(color="red", bold=True),
    "NIACT": Style(color="magenta", bold=True),
    "IMMED": Style(color="yellow"),
    "PRIOR": Style(color="cyan"),
}


def _alarm() -> Style:
    """Under NO_COLOR bold alone: reverse video is the selection here."""
    return safe.alarm_style(reverse=False)


def _tone(rank: int | None) -> Style:
    """Under NO_COLOR bars are plain (Textual would turn the colours into greys)."""
    if safe.monochrome() or rank is None:
        return Style()
    return PREC_COLOURS.get(prec_label(rank), Style())


def _cables(n: int, what: str = "cable") -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


class OverviewComputed(Message):
    def __init__(self, figures: Figures, seconds: float) -> None:
        self.figures = figures
        self.seconds = seconds
        super().__init__()


class OverviewFailed(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


def _label(rank: int | None, width: int = 6) -> Text:
    if rank is None:
        return cell("all", Style(bold=True), width)
    word = prec_label(rank)
    return cell(word, PREC_STYLES.get(word, Style()), width - 1) + Text(" ")


def _n(n: int) -> str:
    return f"{n:,}"


# -- what each panel holds, for a width ---------------------------------------------------------


def arrivals_lines(
    fig: Figures,
    buckets: list[Bucket],
    width: int,
    tall: int,
    name: str,
    when: Callable[[Bucket], str],
    tick: Callable[[Bucket, int], str | None],
) -> list[Line]:
    """One row per precedence (each scaled to its own peak, which the last column gives), an
    `all` row above them as tall as the room allows, and an axis."""
    n = len(buckets)
    room = width - 6 - 16
    cw = max(1, min(4, room // n))
    lines: list[Line] = []

    def glyphs(g: str) -> Text:
        return Text(g * cw if cw == 1 else g * (cw - 1) + " ", end="")

    totals = [b.total for b in buckets]
    most = max(totals, default=0)
    # the all row, `tall` lines high; only its bottom line is selectable
    stacks = [column_stack(t, most, tall) for t in totals]
    for k in range(tall - 1):
        line = Line().add(cell("", width=6))
        for s in stacks:
            line.add(glyphs(s[k]))
        lines.append(line)
    rows: list[int | None] = [None, *fig.ranks]
    for rank in rows:
        counts = [b.counts.get(rank, 0) if rank is not None else b.total for b in buckets]
        peak = max(counts, default=0)
        word = prec_label(rank) if rank is not None else "all precedences"
        line = Line().add(_label(rank))
        style = _tone(rank)
        for b, c, s in zip(buckets, counts, stacks, strict=True):
            g = s[-1] if rank is None else column_glyph(c, peak)
            t = glyphs(g)
            t.stylize(style)
            line.add(
                t,
                b.view(rank),
                f"{when(b)} · {word} · {_cables(c)}",
            )
        total = sum(counts)
        start = buckets[0]
        line.add(Text(" ", end=""))
        line.add(
            cell(f"{_n(total)}", width=6, right=True),
            View(
                tab="All",
                filters=(Filter("received", ">=" + start.key),)
                + ((prec_filter(rank),) if rank is not None else ()),
                sort="received",
            ),
            f"{name} · {word} · {_cables(total)} (peak {_n(peak)})",
        )
        line.add(Text(f" ^{_n(peak)}" if peak else "", style=Style(dim=True), end=""))
        lines.append(line)
    axis = Text(" " * 6, end="", style=Style(dim=True))
    k = 0
    while k < n:
        label = tick(buckets[k], cw)
        if label and len(label) <= (n - k) * cw:
            axis.append(label, style=Style(dim=True))
            used = -(-len(label) // cw)
            axis.append(" " * (used * cw - len(label)))
            k += used
        else:
            axis.append(" " * cw)
            k += 1
    # what the two figures after each row are: the row's total and its highest bar (`^`)
    pad = 6 + n * cw + 1 - axis.cell_len
    if pad >= 0 and axis.cell_len + pad + 12 <= width:
        axis.append(" " * pad + " total ^peak", style=Style(dim=True))
    lines.append(Line().add(axis))
    return lines


def status_lines(fig: Figures, width: int) -> list[Line]:
    most = max(fig.open_by_status.values(), default=0)
    bar = max(4, width - 16 - 9)
    lines = []
    for status, n in fig.open_by_status.items():
        t = cell(hbar(n, most, bar), width=bar) + cell(_n(n), width=8, right=True)
        lines.append(
            Line()
            .add(cell(status, width=16))
            .add(t, Figures.status_view(status), f"{status} · {_cables(n, 'open cable')}")
        )
    return lines


def officer_lines(fig: Figures, width: int) -> list[Line]:
    most = max((o.open for o in fig.officers), default=0)
    name_w = 15  # 14 for the name (`(not assigned)`), one blank before its bar
    tail = 8 + 11 + 28
    bar = max(3, min(30, width - name_w - tail))
    head = Text(
        f"{'officer':<{name_w}}{'open':>{bar + 8}}  {'overdue':>9}  oldest open", style="dim"
    )
    lines = [Line().add(head)]
    if not fig.officers:
        lines.append(Line().add("nothing open", style="dim"))
    for o in fig.officers:
        lines.append(_officer_line(o, fig, name_w, bar, most))
    return lines


def _officer_line(o: OfficerLoad, fig: Figures, name_w: int, bar: int, most: int) -> Line:
    who = visible(o.officer, one_line=True) if o.officer else "(not assigned)"
    open_t = cell(hbar(o.open, most, bar), width=bar) + cell(_n(o.open), width=8, right=True)
    late = cell(f"{_n(o.overdue)}", width=9, right=True)
    if o.overdue:
        late.stylize(_alarm())
    age = age_of(o.oldest_received, fig.now) if o.oldest_received else ""
    oldest = cell(f"{visible(o.oldest_ref, one_line=True)} {age}", width=26)
    # (an officer named `none` from before: officer:none would open the cables nobody holds)
    listed = not o.unlisted
    return (
        Line()
        .add(cell(who, width=name_w - 1) + " ")
        .add(open_t, o.view() if listed else None, f"{who} · {_cables(o.open, 'open cable')}")
        .add("  ")
        .add(late, o.overdue_view() if listed else None, f"{who} · {_n(o.overdue)} overdue")
        .add("  ")
        .add(
            oldest,
            o.oldest_view() if listed else None,
            f"{who} · oldest open {visible(o.oldest_ref, one_line=True)}, {age} old",
        )
    )


def overdue_lines(fig: Figures, width: int) -> list[Line]:
    most = max((r.overdue for r in fig.overdue), default=0)
    bar = max(3, min(30, width - 6 - 10 - 9 - 10))
    head = Text(f"{'prec':<6}{'objective':>10}{'open':>9}  overdue", style="dim")
    lines = [Line().add(head)]
    for r in fig.overdue:
        word = prec_label(r.rank)
        late = (
            cell(_n(r.overdue), width=7, right=True)
            + Text(" ")
            + cell(hbar(r.overdue, most, bar), width=bar)
        )
        if r.overdue:
            late.stylize(_alarm(), 0, 7)
        lines.append(
            Line()
            .add(_label(r.rank))
            .add(cell(duration(r.objective_min * 60), width=10, right=True))
            .add(
                cell(_n(r.open), width=9, right=True),
                View(tab="Inbox", filters=(prec_filter(r.rank),)),
                f"{word} · {_n(r.open)} open",
            )
            .add("  ")
            .add(
                late,
                r.view(),
                f"{word} · {_n(r.overdue)} overdue (objective {duration(r.objective_min * 60)})",
            )
        )
    return lines


def ack_lines(fig: Figures, width: int) -> list[Line]:
    head = Text(
        f"{'prec':<6}{'window':<7}{'arrived':>8}{'acked':>7}{'median':>8}{'p90':>8}"
        f"{'worst':>8}{'late':>6}{'not yet':>8}",
        style="dim",
    )
    lines = [Line().add(head)]
    for a in fig.ack:
        lines.append(_ack_line(a))
    if not fig.ack:
        lines.append(Line().add("no EMERGENCY, FLASH or NIACT traffic in 7 days", style="dim"))
    return lines


def _ack_line(a: AckStats) -> Line:
    word = prec_label(a.rank)
    span = "24 h" if a.window == "24h" else "7 days"
    late = cell(_n(a.late), width=6, right=True)
    if a.late:
        late.stylize(_alarm())
    acked = a.view("yes")
    return (
        Line()
        .add(_label(a.rank))
        .add(cell(span, width=7))
        .add(
            cell(_n(a.arrived), width=8, right=True),
            a.view(),
            f"{word} · last {span} · {_n(a.arrived)} arrived",
        )
        .add(
            cell(_n(a.acked), width=7, right=True),
            acked,
            f"{word} · last {span} · {_n(a.acked)} acknowledged",
        )
        .add(
            cell(duration(a.median_s), width=8, right=True),
            acked,
            f"{word} · last {span} · median time to acknowledge {duration(a.median_s)}",
        )
        .add(
            cell(duration(a.p90_s), width=8, right=True),
            acked,
            f"{word} · last {span} · 90% acknowledged within {duration(a.p90_s)}",
        )
        .add(
            cell(duration(a.worst_s), width=8, right=True),
            acked,
            f"{word} · last {span} · slowest acknowledgement {duration(a.worst_s)}",
        )
        .add(
            late,
            a.view("late"),
            f"{word} · last {span} · {_n(a.late)} acknowledged late or not yet and past {duration(a.objective_min * 60)}",
        )
        .add(
            cell(_n(a.unacked), width=8, right=True),
            a.view("no"),
            f"{word} · last {span} · {_n(a.unacked)} not acknowledged",
        )
    )


def headline_lines(fig: Figures) -> list[Line]:
    arrived = sum(b.total for b in fig.hours)
    unassigned = next((o.open for o in fig.officers if o.officer is None), 0)
    start = fig.hours[0].key
    line = Line()
    figures: list[tuple[str, int, View, str, bool]] = [
        (
            "arrived 24 h",
            arrived,
            View(tab="All", filters=(Filter("received", ">=" + start),), sort="received"),
            # whole hours, as the chart below counts them (the acknowledgement table's 24 h
            # run to the minute: they time each cable against its objective)
            f"cables that arrived since {fig.hours[0].start:%H:00Z %d %b}, the chart's 24 hours",
            False,
        ),
        ("open", fig.open_total, View(tab="Inbox"), "open cables", False),
        (
            "unassigned",
            unassigned,
            View(tab="Inbox", filters=(Filter("officer", "none"),)),
            "open cables nobody has",
            False,
        ),
        ("overdue", fig.overdue_total, Figures.overdue_all_view(), "overdue cables", True),
        (
            "not acked",
            fig.unacked_open,
            Figures.unacked_view(),
            "open EMERGENCY, FLASH and NIACT cables not acknowledged",
            True,
        ),
    ]
    for k, (label, n, view, about, alarm) in enumerate(figures):
        if k:
            line.add("   ")
        t = Text(f"{_n(n)} ", style=Style(bold=True), end="")
        if alarm and n:
            t.stylize(_alarm())
        t.append(label)
        line.add(t, view, f"{_n(n)} {about}")
    return [line]


# -- the screen --------------------------------------------------------------------------------


class OverviewScreen(TriageScreen):
    BINDINGS = [
        Binding("escape,q,w", "back", "Back to the list", id="overview.back"),
        Binding("r", "recompute", "Refresh", id="overview.refresh"),
        Binding("question_mark", "help", "Help", id="overview.help"),
        # (Textual's own tab had no id: ? did not list it, and a keymap could not rebind it)
        Binding("tab", "app.focus_next", "Next panel", show=False, id="overview.next_panel"),
        Binding(
            "shift+tab", "app.focus_previous", "Prev panel", show=False, id="overview.prev_panel"
        ),
    ]

    DEFAULT_CSS = """
    OverviewScreen #ov-title { height: 1; padding: 0 1; background: $panel; }
    OverviewScreen #ov-about { height: 1; padding: 0 1; background: $panel;
        text-wrap: nowrap; text-overflow: ellipsis; }
    OverviewScreen #ov-keys { height: 1; padding: 0 1; }
    OverviewScreen #ov-headline { margin: 0; }
    OverviewScreen #ov-body { height: 1fr; }
    OverviewScreen #ov-body > Vertical { height: auto; }
    OverviewScreen #ov-body.wide { layout: horizontal; }
    OverviewScreen #ov-body.wide > Vertical { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.figures: Figures | None = None
        self.computing = False
        self._again = False
        self._full = True  # the next computation counts everything (see compute)
        self.computed = 0  # how many computations have been drawn (tests and the bench wait on it)
        self.last_seconds = 0.0

    def compose(self) -> ComposeResult:
        yield Static(id="ov-title", markup=False)
        yield FigureGrid("Now", id="ov-headline")
        with VerticalScroll(id="ov-body", can_focus=False):
            with Vertical(id="ov-charts"):
                yield FigureGrid("Arrivals, last 24 hours (per hour, UTC)", id="ov-hours")
                yield FigureGrid("Arrivals, last 30 days (per day, UTC)", id="ov-days")
            with Vertical(id="ov-tables"):
                yield FigureGrid("Open by status", id="ov-status")
                yield FigureGrid("Open by officer", id="ov-officers")
                yield FigureGrid("Overdue against the handling objectives", id="ov-overdue")
                yield FigureGrid("Time to acknowledge, from arrival", id="ov-ack")
        yield Static(id="ov-about", markup=False)
        yield Static(self._keys(), id="ov-keys", markup=False)

    # the key line, in order of need; help and the way back are kept at any width (as the
    # list's key line keeps ? Help and q Quit), the others go when the line is full
    KEYS = (
        ("overview.open", "enter", "open in the list", False),
        ("overview.down", "arrows/hjkl", "move", False),
        ("overview.next_panel", "tab", "next panel", False),
        ("overview.back", "esc", "back", True),
        ("overview.refresh", "r", "refresh", False),
        ("overview.help", "?", "help", True),
    )

    def _keys(self, width: int = 0) -> Text:
        """Whole hints only (`width` 0: all of them)."""
        keymap = getattr(self.tapp, "config", None)
        keys = getattr(keymap, "keymap", {}) if keymap else {}
        hints = [
            (keys.get(bid, key).split(",")[0], what, pinned) for bid, key, what, pinned in self.KEYS
        ]
        used = sum(len(k) + len(w) + 3 for k, w, pinned in hints if pinned)
        full = False
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        for key, what, pinned in hints:
            if not pinned:
                full = full or bool(width and used + len(key) + 1 + len(what) > width)
                if full:
                    continue
                used += len(key) + len(what) + 3
            t.append(key, style="bold")
            t.append(f" {what}  ")
        return t

    def on_mount(self) -> None:
        self._title("computing…")
        self.query_one("#ov-headline", FigureGrid).focus()
        self._apply_width()
        self.compute()
        self.set_interval(REFRESH_SECONDS, self.compute)

    def on_resize(self) -> None:
        self._apply_width()
        self.draw()

    def _apply_width(self) -> None:
        width = self.size.width or self.app.size.width
        self.query_one("#ov-body").set_class(width >= WIDE, "wide")
        self.query_one("#ov-keys", Static).update(self._keys(width - 2))  # (its padding)

    def _title(self, state: str) -> None:
        t = Text("Overview", style=Style(bold=True), end="")
        fig = self.figures
        if fig is not None:
            t.append(f"  {fig.now.strftime('%Y-%m-%d %H:%M:%SZ')}  {_n(fig.total)} cables")
        if state:
            t.append(f"  {state}", style=Style(dim=True))
        self.query_one("#ov-title", Static).update(t)

    # computing

    def compute(self, live: bool = False) -> None:
        """Recompute the figures in a worker; a change meanwhile asks for one more run after.
        `live` (a change in the cache): the arrivals are taken over from the figures shown
        where the change cannot have touched them (store.report.overview's `previous`); the
        half-minute refresh and `r` count everything again."""
        self._full = self._full or not live
        if self.computing:
            self._again = True
            return
        self.computing = True
        previous, self._full = (None if self._full else self.figures), False
        self._compute(previous)

    def cache_changed(self) -> None:
        self.compute(live=True)

    def action_recompute(self) -> None:
        self.compute()

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def _compute(self, previous: Figures | None) -> None:
        app = self.tapp
        t = time.perf_counter()
        try:
            with app.cache.borrow() as conn:
                fig = overview(conn, app.ctx, previous=previous)
        except (sqlite3.Error, StoreError) as exc:
            self.post_message(OverviewFailed(f"overview: could not read the cache: {exc}"))
            return
        self.post_message(OverviewComputed(fig, time.perf_counter() - t))

    @on(OverviewComputed)
    def _computed(self, msg: OverviewComputed) -> None:
        self.figures = msg.figures
        self.last_seconds = msg.seconds
        self.draw()
        self.computed += 1
        self._done()

    @on(OverviewFailed)
    def _failed(self, msg: OverviewFailed) -> None:
        self.notify(msg.error, severity="error", markup=False, timeout=10)
        self._title("could not be read")
        self._done()

    def _done(self) -> None:
        self.computing = False
        if self._again:
            self._again = False
            self.compute(live=True)

    # drawing

    def draw(self) -> None:
        fig = self.figures
        if fig is None:
            return
        self._title("live")
        total = self.size.width or self.app.size.width
        wide = total >= WIDE
        half = (total // 2 if wide else total) - 3
        tall = 1 if self.app.size.height < 30 else (3 if self.app.size.height < 45 else 4)
        grids = {g.id: g for g in self.query(FigureGrid)}
        grids["ov-headline"].set_lines(headline_lines(fig))
        grids["ov-hours"].set_lines(
            arrivals_lines(
                fig,
                fig.hours,
                half,
                tall,
                "last 24 hours",
                lambda b: f"{b.start:%d %b %H:00}-{b.end:%H:00}Z",
                lambda b, cw: (
                    f"{b.start:%H}Z" if b.start.hour % (3 if cw > 1 else 6) == 0 else None
                ),
            )
        )
        grids["ov-days"].set_lines(
            arrivals_lines(
                fig,
                fig.days,
                half,
                tall,
                "last 30 days",
                lambda b: f"{b.start:%a %d %b %Y}",
                lambda b, cw: f"{b.start:%d %b}" if b.start.weekday() == 0 else None,
            )
        )
        grids["ov-status"].set_lines(status_lines(fig, half))
        grids["ov-officers"].set_lines(officer_lines(fig, half))
        grids["ov-overdue"].set_lines(overdue_lines(fig, half))
        grids["ov-ack"].set_lines(ack_lines(fig, half))

    @on(FigureGrid.Selected)
    def _selected(self, msg: FigureGrid.Selected) -> None:
        about = self.query_one("#ov-about", Static)
        c: Cell | None = msg.cell
        if c is None or c.view is None:
            about.update("")
            return
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        t.append(visible(c.about, one_line=True), style=Style(bold=True))
        t.append("   enter: ")
        t.append(visible(view_text(c.view), one_line=True))
        about.update(t)
        self._keep_in_sight(msg.grid)

    def _keep_in_sight(self, grid: FigureGrid) -> None:
        """Scroll the body so the selected line of a long panel is on screen."""
        body = self.query_one("#ov-body", VerticalScroll)
        if grid.parent is None or grid not in body.query(FigureGrid):
            return
        y = grid.region.y - body.region.y + int(body.scroll_offset.y) + 1 + grid.row
        body.scroll_to_region(Region(0, y, 1, 1), animate=False, immediate=True)

    @on(FigureGrid.Chosen)
    def _chosen(self, msg: FigureGrid.Chosen) -> None:
        """A list of the figure's cables over the Overview (its filters in the bar, to refine;
        esc comes back here), as k9s drills down: the officer's own list under the Overview
        keeps its view, sort and place."""
        self.tapp.drill_down(msg.view)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        show = getattr(self.tapp, "show_help", None)
        if show is not None:
            show()
