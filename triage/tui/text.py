"""Pure text layout for the console: rows' cells, the split view's header, body and history.

Functions of data, a width and a rich Console (for wrapping); no Textual, so they are tested
without an app. Cable text goes through `visible()` into `rich.text.Text` as plain text, never
through a markup parser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.style import Style
from rich.text import Text

from ..cable.model import is_acknowledged_precedence, marking_rank
from ..cable.rollup import with_captions
from ..store.presence import Present
from ..store.views import CableDetail, Row
from ..visible import cut_middle as cut_middle  # (the list's and the thread's, and report's)
from . import bounds
from .safe import PREC_STYLES, alarm_style, class_style, visible

# -- the list's columns -------------------------------------------------------------------------

SHORT_TITLES = {"OFFICER": "OFCR", "STATUS": "STAT", "REFERENCE": "REF", "ORIGIN": "FROM"}

# a status in 8 cells or fewer (the list below ~160 columns, the thread tree when narrow): one
# spelling per status, whatever the row's alarms. The open statuses have three letters, so that an
# alarm fits beside them in the list's 8 cells (`PRG ACK?`, `ASG LATE`) and a mark in its 4
# (`PRG?`, `ASG!`): a list that wrote `ASGN` on one row and `ASG ACK?` on the next read as two
# statuses. DONE and NO ACTION never carry an alarm (closed), and keep four.
STATUS_SHORT = {
    "NEW": "NEW",
    "ASSIGNED": "ASG",
    "IN PROGRESS": "PRG",
    "AWAITING REPLY": "AWT",
    "DONE": "DONE",
    "NO ACTION": "NOAC",
}

ACK_ALARM, LATE_ALARM = "ACK?", "LATE"


def status_short(status: str) -> str:
    return STATUS_SHORT.get(status, status[:4])


def status_cell(status: str, width: int, *, unacked: bool = False, late: bool = False) -> str:
    """A status and its alarms in `width` cells, one spelling per status at each width.

    14 cells and more: the status in full. 8: its short spelling, and beside it the alarm
    (`PRG ACK?`, `ASG LATE`; `LATE ACK?` for both on a NEW cable, whose status is implied).
    4 (the 80-column list): a NEW cable shows the alarm itself (`ACK?`, `LATE`), any other its
    three letters and a mark as mutt's flags (`ASG?`: not acknowledged, `ASG!`: late); both
    alarms at once are `?!` after the first two letters (`AS?!`, and `NE?!` for a NEW cable):
    LATE alone hid that a FLASH was not acknowledged either."""
    status = status or "NEW"
    if not unacked and not late:
        return status if width >= 14 else status_short(status)
    alarms = [a for a, on in ((LATE_ALARM, late), (ACK_ALARM, unacked)) if on]
    words = " ".join(alarms)
    for shown in (status, status_short(status)):
        if len(shown) + 1 + len(words) <= width:
            return f"{shown} {words}"
    if status == "NEW" and len(words) <= width:
        return words  # (NEW is what an unhandled cable is: the alarms say it)
    if width < 4:
        return ("?" if unacked else "") + ("!" if late else "")
    short = status_short(status)
    if unacked and late:
        return short + "?!" if len(short) + 2 <= width else (short[:2] + "?!")[:width]
    if status == "NEW":
        return (ACK_ALARM if unacked else LATE_ALARM)[:width]
    return short[: width - 1] + ("?" if unacked else "!")


@dataclass
class Column:
    key: str
    title: str
    width: int


def sections_shown(section: str) -> str:
    """`1-11 of 11` -> `1-11 of 11 (the whole cable)`; `1 of 4` -> `1 of 4 (2-4 not in this
    text)`: what the text holds, not only what its first banner says."""
    m = re.fullmatch(r"(\d+)(?:-(\d+))? of (\d+)", section)
    if not m:
        return section
    first, total = int(m.group(1)), int(m.group(3))
    last = int(m.group(2) or first)
    if first == 1 and last == total:
        return f"{section} (the whole cable)" if total > 1 else section
    spans = [(a, b) for a, b in ((1, first - 1), (last + 1, total)) if a <= b]
    missing = [f"{a}-{b}" if b > a else str(a) for a, b in spans]
    return f"{section} ({', '.join(missing)} not in this text)"


def layout_columns(
    width: int, show_addressed: bool, officer_width: int = 10, class_width: int = 7
) -> list[Column]:
    """Columns that fit the width; the subject keeps at least 30 cells down to 80 columns.
    STATUS shortens and TAGS, ORIGIN, ACK and the DTG go first, then AGE, then OFFICER narrows;
    the reference keeps its 18 cells (the longest cablegate ids, `05RIODEJANEIRO1238`) down to
    60 columns: narrower (a split pane, a phone's ssh), the subject gives way first, down to 12
    cells, so that the reference, OFFICER and STATUS stay whole on screen down to 60 columns.

    OFFICER starts as wide as the longest name the view holds (7 to 16) and narrows only as far
    as the width needs; what a dropped column frees goes to the subject alone. Every column but
    the subject is so never narrower on a wider terminal: OFFICER shrank to 8 cells before ORIGIN
    went and grew back from the room ORIGIN left, so `mrodriguez` was whole at 100 columns and
    cut (`mrod…uez`) at 120.

    CLASS is 7 cells (`TS//NF`), or up to 13 (`TS//NF//NODIS`) in a view that holds a cable
    with a distribution caption, which narrows back to 7 before ORIGIN goes."""
    want = max(7, min(16, officer_width))
    cols = [
        Column("mark", "", 1),
        Column("prec", "PREC", 5),
        # wide enough for a caption after the badge (`TS//NF//NODIS`) where the view holds one
        Column("class", "CLASS", max(7, min(13, class_width))),
        Column("dtg", "DTG", 14),
        Column("age", "AGE", 5),
        Column("ref", "REFERENCE", 18),
        Column("origin", "ORIGIN", 20),
        Column("subject", "SUBJECT", 30),
        Column("tags", "TAGS", 14),
        Column("officer", "OFFICER", want),
        Column("status", "STATUS", 14),
    ]
    cols.append(Column("ack", "ACK", 13))
    if show_addressed:
        cols.append(Column("addressed", "ACT", 6))

    def used() -> int:
        return sum(c.width for c in cols) + len(cols) - 1

    def drop(key: str) -> None:
        cols[:] = [c for c in cols if c.key != key]

    def shrink(key: str, to: int) -> None:
        for c in cols:
            if c.key == key:
                c.width = min(c.width, to)

    def narrow(key: str, least: int) -> None:
        """Only as far as the width needs, down to `least` (so on a wider terminal, less)."""
        for c in cols:
            if c.key == key and c.width > least:
                c.width = max(least, c.width - max(0, used() - width))

    steps: list[Callable[[], None]] = [
        lambda: shrink("status", 8),
        lambda: narrow("officer", 10),
        lambda: drop("tags"),
        lambda: shrink("origin", 16),
        lambda: shrink("origin", 15),
        lambda: drop("ack"),
        # (a caption in the CLASS column gives way before ORIGIN, DTG and AGE do)
        lambda: narrow("class", 7),
        lambda: drop("origin"),
        lambda: shrink("addressed", 3),
        lambda: drop("dtg"),
        lambda: shrink("status", 4),
        lambda: drop("addressed"),
        lambda: drop("age"),
        lambda: narrow("officer", 7),
        # in a narrow pane the officer and the status stay on screen, the subject gives way
        lambda: narrow("subject", 12),
        lambda: narrow("officer", 6),
        # a reference is what an officer quotes and searches for: the last thing to cut
        lambda: shrink("ref", 16),
    ]
    for step in steps:
        if used() <= width:
            break
        step()
    for c in cols:
        if c.key == "subject":
            c.width += max(0, width - used())
    return cols


def class_cell(badge: str, caveats: str) -> str:
    """The CLASS column's text: the badge with the cable's distribution captions after it, as
    the banner, the report and the Thread tab write them (`TS//NODIS`, `S//NF//EXDIS`); cut to
    a narrow column it keeps the badge and ends in `…` (`S//NF/…`), the sign of more."""
    return with_captions(badge or "?", caveats)


# a series marker at a subject's end (`PART II`, `SECTION 3`, `NO. 4`, `(2 OF 3)`, `UPDATE 5`):
# what tells the cables of a series apart, so it stays when the subject is cut
_SERIES_END = re.compile(
    r"(?<!\S)(?:(?:PART|SECTION|NO\.?|NUMBER|UPDATE|VOL\.?|SITREP|REPORT)\s+)?"
    r"(?:\(?\d+(?:\s+OF\s+\d+)?\)?|[IVXLC]+|[A-Z])\s*$",
    re.I,
)


def cut_subject(value: str, width: int) -> str:
    """The subject cut to `width` with an ellipsis; a series marker at its end is kept
    (`… PART I` and `… PART II` read apart)."""
    if len(value) <= width:
        return value
    m = _SERIES_END.search(value)
    tail = m.group(0).strip() if m and m.start() > 0 else ""
    if tail and len(tail) <= width // 3:
        head = width - 1 - len(tail) - 1
        return value[:head].rstrip() + "… " + tail
    return value[: width - 1].rstrip() + "…"


def suggested_name(name: str, width: int) -> str:
    """A routing rule's suggestion: `?` in front (it survives a cut, a trailing one would not),
    and drawn dim and italic; an assignment is the bare name."""
    return "?" + cut_middle(name, width - 1)


def age_text(row: Row, now: dt.datetime, overdue: bool) -> str:
    try:
        t = dt.datetime.strptime(row.received_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return "?"
    secs = max(0, int((now - t).total_seconds()))
    if secs < 3600:
        s = f"{secs // 60}m"
    elif secs < 86400 * 2:
        s = f"{secs // 3600}h"
    elif secs < 86400 * 365:
        s = f"{secs // 86400}d"
    else:
        s = f"{secs // (86400 * 365)}y"
    return s + ("!" if overdue else "")


RE_DTG = re.compile(r"(\d{6}Z\s+[A-Za-z]{3}\s+\d{2,4})")


def dtg_short(row: Row) -> str:
    m = RE_DTG.search(row.dtg_raw or "")
    if m:
        return m.group(1).upper()
    if row.dtg:
        try:
            t = dt.datetime.strptime(row.dtg[:16], "%Y-%m-%dT%H:%M")
            return t.strftime("%d%H%MZ %b %y").upper()
        except ValueError:
            return row.dtg[:14]
    return "-"


def tab_bar(
    tabs: list[str], counts: dict[str, int | None], current: str, room: int
) -> tuple[Text, list[tuple[int, int, str]]]:
    """The views with their counts (`…` while not counted yet, `?` for a saved view that cannot
    be read), the current one in reverse. When they do not fit `room`,
    the gaps narrow, then the other views' long names shorten, then the bar scrolls to keep
    the current view whole with `‹ n` / `n ›` saying how many are off each side. Also where
    each view's label is, (start, end, view), for a mouse click."""

    def label(tab: str, short: bool) -> str:
        n = counts.get(tab)
        name = tab if not short or tab == current or len(tab) <= 7 else tab[:6] + "…"
        if tab in counts and n is None:
            return f"{name} ?"
        return f"{name} {n:,}" if n is not None else f"{name} …"

    for gap, pad, short in (("  ", " ", False), (" ", " ", False), (" ", " ", True)):
        labels = [f"{pad}{label(t, short)}{pad}" for t in tabs]
        if sum(len(x) for x in labels) + len(gap) * (len(labels) - 1) <= room:
            break
    else:
        gap = " "
    k = tabs.index(current) if current in tabs else 0
    lo, hi = k, k + 1
    used = len(labels[k])
    # widen the window around the current view, right first, while it fits (with its arrows)
    while True:
        grew = False
        for side in ("right", "left"):
            if side == "right" and hi < len(labels):
                extra = len(gap) + len(labels[hi])
                if used + extra + 8 <= room or (hi + 1 == len(labels) and used + extra + 4 <= room):
                    used += extra
                    hi += 1
                    grew = True
            elif side == "left" and lo > 0:
                extra = len(gap) + len(labels[lo - 1])
                if used + extra + 8 <= room or (lo == 1 and used + extra + 4 <= room):
                    used += extra
                    lo -= 1
                    grew = True
        if not grew:
            break
    t = Text(end="", no_wrap=True, overflow="ellipsis")
    if lo > 0:
        t.append(f"‹ {lo} ", style="dim")
    spans: list[tuple[int, int, str]] = []
    for j in range(lo, hi):
        if j > lo:
            t.append(gap)
        start = t.cell_len
        t.append(labels[j], style=Style(reverse=True, bold=True) if tabs[j] == current else "")
        spans.append((start, t.cell_len, tabs[j]))
    if hi < len(labels):
        t.append(f" {len(labels) - hi} ›", style="dim")
    return t, spans


def who_else(present: Iterable[Present], room: int) -> Text:
    """The other officers with a console open on this cache, for a corner of the list:
    `◆ kwalker jsmith`, or `◆ 3 others` when their names do not fit."""
    names = sorted({p.login for p in present})
    if not names or room < 4:
        return Text("")
    t = Text(end="", no_wrap=True)
    listed = "◆ " + " ".join(visible(n, one_line=True) for n in names)
    t.append(listed if len(listed) <= room else f"◆ {len(names)} other{'s' * (len(names) > 1)}")
    t.stylize("bold")
    return t


# -- the split view ----------------------------------------------------------------------------

# a list item (a web copy's pilcrow before its letter too: `¶A. -- ...`), a dash, a blank line
_BREAK_BEFORE = re.compile(r"^\s*¶?\s*(?:-{1,2}\s|[A-Z][.)]\s|\(?[a-z0-9]\)\s|[*•]\s|$)")
# a rule of dashes or equals signs above and below a heading (`------` / `Russian Arms` / `---`)
_RULE = re.compile(r"^\s*(?:[-=_*~]\s*){3,}$")


def reflow(text: str) -> str:
    """Join a paragraph's teletype line breaks into running text for reading; blank lines,
    list items, dashes and rules (and the heading between two) keep their breaks (the raw
    view, `v`, shows the lines as sent)."""
    out: list[str] = []
    for line in text.split("\n"):
        if (
            out
            and out[-1]
            and line.strip()
            and not _BREAK_BEFORE.match(line)
            and not _RULE.match(line)
            and not _RULE.match(out[-1])
        ):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def hang(lead: Text, body: Text, width: int, console: Console) -> Text:
    """`lead` then `body` wrapped to `width`, continuation lines indented under the body."""
    indent = lead.cell_len
    out = lead.copy()
    avail = max(10, width - indent)
    lines: list[Text] = []
    for para in body.split("\n", allow_blank=True):
        wrapped = para.wrap(console, avail, overflow="fold", no_wrap=False)
        lines.extend(wrapped or [Text("")])
    for k, line in enumerate(lines):
        if k:
            out.append("\n" + " " * indent)
        out.append_text(line)
    return out


def when(value: str | None) -> str | None:
    """Timestamps in the audit log read as `2026-11-27 21:04Z`."""
    if value and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", value):
        return value[:16].replace("T", " ") + "Z"
    return value


def mark_style(mark: str) -> Style:
    rank = marking_rank(mark)
    return class_style(rank) if rank is not None else Style(dim=True)


PREC_BADGE_WORDS = {"FLASH": "FLASH", "NIACT IMMEDIATE": "NIACT", "EMERGENCY": "EMERG"}


def triage_line(
    d: CableDetail,
    suggested: str | None,
    room: int = 200,
    why: str | None = None,
    also: list[str] | None = None,
) -> Text:
    """The one line of the cable's shared triage state above the panes. When it does not fit
    `room`, the words shorten (the key reminders first, then the labels) so every field and the
    acknowledgement it waits for stay."""
    tl = Text()
    for level in range(4):
        tl = _triage_line(d, suggested, level, why, also or [])
        if tl.cell_len <= room:
            break
    return tl


def _triage_line(
    d: CableDetail, suggested: str | None, level: int, why: str | None, also: list[str]
) -> Text:
    w = d.state
    tl = Text(end="", no_wrap=True, overflow="ellipsis")
    gap = "   " if level < 2 else "  "

    def label(word: str, short: str) -> None:
        if tl.cell_len:
            tl.append(gap)
        tl.append(word if level < 3 else short, style="dim")

    label("Officer ", "")
    tl.append(visible(w.officer or "-", one_line=True), style="bold")
    label("Status ", "")
    tl.append(w.status or "NEW", style="bold")
    label("Due ", "Due ")
    tl.append(when(w.due_at) or "-")
    if is_acknowledged_precedence(d.prec_rank) or w.ack_by:
        label("Ack ", "Ack ")
        if w.ack_by:
            tl.append(f"{visible(w.ack_by, one_line=True)} {when(w.ack_at) or ''}".rstrip())
        else:
            ask = "not yet (K acknowledges)" if level == 0 else "not yet (K)"
            tl.append(ask, style=alarm_style())
    if w.note:
        # that there is a note, and how it starts (c opens it whole); it was only in the header
        # pane's last lines, which a short terminal does not show
        lines = [ln for ln in w.note.strip().splitlines() if ln.strip()]
        first = visible(lines[0] if lines else "", one_line=True)
        keep = (40, 24, 12, 0)[level]
        label("Note ", "✎")
        if keep:
            tl.append(first if len(first) <= keep else first[: keep - 1] + "…", style="italic")
            if len(lines) > 1:  # (the first line alone read as the whole note)
                more = len(lines) - 1
                cut = "" if len(first) > keep else "…"
                tl.append(f"{cut} (+{more} line{'s' if more > 1 else ''})", style="dim")
    if suggested:
        name = visible(suggested, one_line=True)
        if level < 2:
            # why it is suggested (the rule, a thread), while there is room
            because = f": {visible(why, one_line=True)}" if why and level == 0 else ""
            tail = " (y takes it)" if level == 0 else " (y)"
            tl.append(f"{gap}suggested {name}{because}{tail}", style="italic")
        else:
            tl.append(f"{gap}?{name} (y)", style="italic")
    if also:
        names = ", ".join(visible(a, one_line=True) for a in also)
        tl.append(f"{gap}◆ open by {names}" if level < 2 else f"{gap}◆{names}", style="bold")
    return tl


def header_text(
    d: CableDetail, width: int, console: Console, office: set[str], *, compact: bool = False
) -> Text:
    """The header pane: every header field, the triage fields, the parser's warnings. `compact`
    (the pane above the paragraphs, a few lines high): the subject comes first."""
    t = Text()
    width = max(20, width)

    def row(label: str, value: str | Text | None, style: str | Style = "") -> None:
        if not isinstance(value, Text):
            value = Text(visible(value or "-"), style=style)
        t.append_text(hang(Text(f"{label:<11} ", style="bold"), value, width, console))
        t.append("\n")

    if compact:
        row("Subject", d.subject)
    prec_line = Text()
    prec_line.append(visible(d.precedence or "-"))
    prec_line.append(" (action)  ", style="dim")
    prec_line.append(visible(d.info_precedence or "-"))
    prec_line.append(" (info)", style="dim")
    row("Precedence", prec_line)
    dtg = d.dtg_raw or "-"
    if d.dtg:
        dtg += f"  ({d.dtg}{', estimated' if d.dtg_estimated else ''})"
    row("DTG", dtg)
    row("From", d.from_line)
    row("Origin", d.origin)
    for label, adds in (("To", d.to), ("Info", d.info)):
        if not adds:
            row(label, "-")
        shown_adds, more = bounds.cut_rows(adds)
        for k, a in enumerate(shown_adds):
            line = Text()
            line.append(visible(a.name))
            if a.ri:
                line.append(f" ({visible(a.ri)})", style="dim")
            if a.precedence:
                line.append(f"  {'NIACT ' if a.niact else ''}{a.precedence}")
            if (a.ri or "").upper() in office or a.name.upper() in office:
                line.append("  ACTION" if label == "To" else "  INFO", style="bold")
            row(label if k == 0 else "", line)
        if more:
            row("", f"… and {more:,} more")
    row("Security", d.security_line)
    cls = Text(visible(d.classification or "-"), style=class_style(d.level_rank))
    if d.caveats:
        cls.append("  " + visible(" ".join(d.caveats)))
    row("Class.", cls)
    row("E.O.", f"declassify {d.declassify or '-'}")
    row("TAGS", " ".join(d.tags) or "-")
    if not compact:
        row("Subject", d.subject)
    if d.references:
        refs, more = bounds.cut_rows(d.references)
        for k, r in enumerate(refs):
            letter = f"{r.letter}. " if r.letter else ""
            row("Refs" if k == 0 else "", f"{letter}{r.text}")
        if more:
            row("", f"… and {more:,} more")
    else:
        row("Refs", "-")
    by = d.classified_by or "-"
    if d.classified_by_name and d.classified_by_name != by:
        by = f"{d.classified_by_name} ({by})"
    if d.reasons:
        by += f", {d.reasons}"
    row("By", by)
    if d.section:
        row("Section", sections_shown(d.section))
    if d.partial:
        row("Copy", "partial extract: the full text was not released", "bold")
    if d.corrected:
        row("Copy", "CORRECTED COPY", "bold")
    if d.version > 1:
        row("Version", f"{d.version} (earlier versions: triage raw --version N)")
    w = d.state
    t.append("─ Triage " + "─" * 30 + "\n", style="dim")
    row("Officer", w.officer or "-")
    row("Status", w.status or "NEW")
    # times as the line at the top and the history give them (`2026-11-30 11:54Z`)
    row("Due", when(w.due_at) or "-")
    row("Ack", f"{w.ack_by} {when(w.ack_at) or ''}" if w.ack_by else "-")
    row("Note", w.note or "-")
    row("Received", d.received_at[:16].replace("T", " ") + "Z")
    warnings, more = bounds.cut_rows(d.warnings)
    if more:
        warnings.append(f"… and {more:,} more warnings")
    for warning in warnings:
        lead = Text("⚠ ", style="bold yellow")
        t.append_text(hang(lead, Text(visible(warning, one_line=True)), width, console))
        t.append("\n")
    return t


def body_text(
    d: CableDetail, width: int, console: Console, *, raw: bool, find: str | None
) -> tuple[Text, list[int]]:
    """The paragraphs (or the raw text), with `find`'s matches marked; and the lines they are
    on, for `ctrl+g` and `N`. A match may cross a line break, the cable's or the wrapping's:
    see `find_pattern`."""
    # whatever the cable's size or shape, a bounded part of it is drawn (see bounds.py)
    if raw:
        text, shown, cut = bounds.cut_text(d.body)
        t = Text(visible(text))
    else:
        t = Text()
        width = max(30, width)
        paragraphs, shown, cut = bounds.cut_paragraphs(d.paragraphs)
        for p in paragraphs:
            num = str(p.number) if p.number is not None else ""
            lead = Text(f"{num:>3} ", style="bold")
            mark = p.marking or ""
            lead.append(f"{mark:<6}", style=mark_style(mark))
            lead.append(" ")
            t.append_text(hang(lead, Text(visible(reflow(p.text))), width, console))
            t.append("\n\n")
        if d.signature and not cut and not d.text_cut:
            t.append(f"          {visible(d.signature)}\n", style="bold")
    if cut or d.text_cut:
        total = max(d.total_lines, shown)
        ref = visible(d.reference_id, one_line=True)
        t.append("\n" + bounds.cut_notice(shown, total, d.size, ref), style="bold")
    hits: list[int] = []
    pattern = find_pattern(find or "")
    if pattern is not None:
        plain_text = t.plain
        lines_before, counted = 0, 0
        for m in pattern.finditer(plain_text):
            k, end = m.span()
            lines_before += plain_text.count("\n", counted, k)
            counted = k
            hits.append(lines_before)
            # marked where it is drawn: each line's part, not the indent or the break between
            for part in re.finditer(r"[^\n]+", plain_text[k:end]):
                a, b = k + part.start(), k + part.end()
                text = plain_text[a:b]
                a, b = a + len(text) - len(text.lstrip()), b - (len(text) - len(text.rstrip()))
                if a < b:
                    t.stylize(FOUND, a, b)
    return t, hits


FOUND = Style(reverse=True, bold=True)


def find_pattern(find: str) -> re.Pattern[str] | None:
    """What `/` in the split view finds: the words typed, in any case, with any white space
    between them (a blank typed matches a run of blanks and line breaks, so a phrase is found
    where the cable's line or the screen's wrapping breaks it); None for nothing typed."""
    words = find.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def history_text(
    received_at: str,
    rows: Iterable[tuple[str, str, str, str | None, str | None]],
    width: int,
    console: Console,
) -> Text:
    """Every change to the cable, oldest first, under the time it arrived."""
    t = Text()
    t.append("History", style="bold underline")
    t.append("   (h: back to the header)\n\n", style="dim")
    t.append(f"{received_at[:16].replace('T', ' ')}Z  received\n")
    width = max(30, width)
    n = 0
    for at, who, field_name, old, new in rows:
        n += 1
        # a long change (a note) wraps under the change, not under the time
        lead = Text(f"{at[:16].replace('T', ' ')}Z  ", style="dim")
        change = Text()
        if field_name == "version":  # a new text came (by ingest or watch, run by `who`)
            change.append(f"version {visible(new or '?', one_line=True)} received", style="bold")
            change.append(f"  (ingested by {visible(who, one_line=True)})", style="dim")
            t.append_text(hang(lead, change, width, console))
            t.append("\n")
            continue
        change.append(visible(who, one_line=True), style="bold")
        change.append(f"  {field_name}  ")
        change.append(visible(when(old) or "-", one_line=True))
        change.append(" -> ")
        change.append(visible(when(new) or "-", one_line=True))
        t.append_text(hang(lead, change, width, console))
        t.append("\n")
    if not n:
        t.append("no changes yet\n", style="dim")
    return t


def title_text(
    d: CableDetail,
    *,
    left: str,
    right: str,
    where: str,
    room: int,
    focus: str = "right",
    found: str = "",
) -> Text:
    """The split view's first line: reference, precedence, DTG, the panes (a `▸` before the
    one the scrolling keys move; tab switches), where a find stands (`found`), the position
    (`where`). When narrow, the key reminders go first, then the pane names get shorter (to a
    letter), the focus still marked; during a find the position gives way before the pane
    names' first letters do, and the panes go last (a find's place is wider than the names)."""
    title = Text(end="", no_wrap=True, overflow="ellipsis")
    title.append(visible(d.reference_id, one_line=True), style="bold")
    prec = d.precedence or "no precedence"
    title.append("  ")
    badge = PREC_BADGE_WORDS.get(prec, "")
    title.append(prec, style=PREC_STYLES.get(badge, Style(bold=True)))
    title.append("  " + visible(d.dtg_raw or d.dtg or "", one_line=True))
    mark_left, mark_right = ("▸", "") if focus == "left" else ("", "▸")

    def panes(cut: int | None = None) -> str:
        return f"   [{mark_left}{left[:cut]}|{mark_right}{right[:cut]}]"

    hints = "  h history  v raw"  # also in the key line: the first to go when narrow
    # in order of preference, the first that fits (none fits: the place, cut at the edge)
    tails = [
        panes() + hints + found + where,
        panes() + found + where,
        panes(4) + found + where,  # (History/Header, Raw/Paragraphs)
        panes(1) + found + where,
    ]
    if found and where:
        tails += [panes(4) + found, panes(1) + found]
    tails.append(found + where)
    if found and where:
        tails.append(found)
    fits = [t for t in tails if len(title) + len(t) <= room]
    title.append(fits[0] if fits else found + where)
    return title
