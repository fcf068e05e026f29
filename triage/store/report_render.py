"""`triage report` as text (80 columns), Markdown (to paste into a ticket or a mail) and JSON.

Cable text is shown, never obeyed: in text and Markdown every string from a cable or a user
goes through `visible()` (control characters as symbols), and in Markdown its punctuation is
escaped too, so a subject cannot become a link, an image or a table cell of its own; JSON is
written with every non-ASCII character escaped, so no control character reaches a terminal
that shows it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import textwrap
from collections.abc import Iterator
from typing import Any

from ..cable.rollup import Rollup, with_captions
from ..visible import cut_middle, visible
from .report import (
    PREC_ROWS,
    AckStats,
    Bucket,
    CableLine,
    Figures,
    Handover,
    Section,
    parse_iso,
    prec_label,
    view_text,
)

WIDTH = 80


def highest(handover: Handover) -> str:
    """The highest classification of the cables the report lists (`SECRET//NOFORN`: NOFORN
    when any classified cable listed carries it)."""
    marking = Rollup()
    for line in _all_lines(handover):
        marking.add_marking(line.badge)
        marking.add_captions(line.caveats)
    if marking.level < 0 and not marking.unmarked:
        return "NO CABLES LISTED"
    return marking.said()


def class_of(c: CableLine) -> str:
    """A listed cable's badge with its distribution captions (`TS//NODIS`, `S//NF//EXDIS`): a
    NODIS cable read `TS` in the report's rows, as if anyone cleared for TOP SECRET might see
    it."""
    return with_captions(c.badge, c.caveats) if c.caveats else c.badge


def class_width(h: Handover) -> int:
    """The text rows' CLASS column: 7 (`TS//NF`), wider when a listed cable carries a caption
    (the whole marking is shown, every row of the report aligned on the widest)."""
    return max([7, *(len(class_of(c)) for c in _all_lines(h))])


# the OFFICER column of the text rows that have one (Arrived, Not acknowledged): as wide as the
# longest name listed, from 8 (the STATUS column in its place in the other sections) to 14 (the
# subject keeps 14 cells of 80 beside a TS//NODIS)
OFFICER_MIN, OFFICER_MAX = 8, 14


def officer_width(h: Handover) -> int:
    """The text rows' OFFICER column: `triage-test-a` and `triage-test-b` both read `triage-…`
    in 8 cells."""
    names = [c.officer for c in [*h.arrived.cables, *h.unacknowledged.cables] if c.officer]
    return min(OFFICER_MAX, max([OFFICER_MIN, *(len(_safe(n)) for n in names)]))


def _all_lines(h: Handover) -> list[CableLine]:
    out = list(h.arrived.cables) + list(h.unacknowledged.cables)
    out.extend(h.closed_unacknowledged.cables)
    for _, sec in h.per_officer:
        out.extend(sec.cables)
    return out


def duration(seconds: float | None) -> str:
    """`45s`, `12m`, `3h05m`, `2d04h`."""
    if seconds is None:
        return "-"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s" if s < 600 else f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


def zulu(value: str | dt.datetime | None, short: bool = False) -> str:
    """`2026-11-28 14:05Z`, or `11-28 14:05Z` when short."""
    if value is None:
        return "-"
    if isinstance(value, str):
        try:
            when = parse_iso(value)
        except ValueError:
            return visible(value, one_line=True)
    else:
        when = value
    text = when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%MZ")
    return text[5:] if short else text


def age(received: str | None, now: dt.datetime) -> str:
    if not received:
        return "-"
    try:
        return duration((now - parse_iso(received)).total_seconds())
    except ValueError:
        return "?"


def _safe(s: str | None) -> str:
    return visible(s or "", one_line=True)


def _cut(s: str, width: int) -> str:
    return s if len(s) <= width else s[: max(0, width - 1)] + "…"


def _bar(n: int, most: int, width: int, char: str = "#") -> str:
    if n <= 0 or most <= 0 or width <= 0:
        return ""
    return char * max(1, round(n * width / most))


# -- text --------------------------------------------------------------------------------------


def render_text(fig: Figures, h: Handover, cache: str) -> str:
    out: list[str] = []
    add = out.append
    top = highest(h)
    add(_centre(top))
    add(_cut(f"TRIAGE REPORT  {zulu(fig.now)}  {_safe(cache)} ({fig.total:,} cables)", WIDTH))
    add(f"Shift handover since {zulu(h.since)} ({duration((h.now - h.since).total_seconds())})")
    add("")
    add("SUMMARY")
    # (a no-break space holds each name to its number when the line wraps)
    split = ", ".join(f"{prec_label(r)}\xa0{n:,}" for r, n in h.arrived_by_rank.items() if n)
    statuses = ", ".join(
        f"{s}\xa0{n:,}".replace(" ", "\xa0") for s, n in fig.open_by_status.items()
    )
    for label, n, detail in (
        (f"Arrived since {zulu(h.since, True)}", h.arrived.total, split),
        ("Open", fig.open_total, statuses),
        ("Overdue", fig.overdue_total, "past the handling objective or due"),
        ("Not acknowledged", fig.unacked_open, "EMERGENCY, FLASH and NIACT still open"),
        *_closed_unacked_summary(h),
    ):
        out.extend(
            textwrap.wrap(
                detail or "-",
                WIDTH,
                initial_indent=f"  {label:<26} {n:>7,}  ",
                subsequent_indent=" " * 38,
            )
        )
    out[:] = [line.replace("\xa0", " ") for line in out]
    add("")
    add("ARRIVALS, LAST 24 HOURS (UTC, per hour)")
    out.extend(_chart_text(fig, fig.hours, lambda b: b.start.strftime("%H") + "Z"))
    add("")
    add("ARRIVALS, LAST 30 DAYS (UTC, per day)")
    out.extend(_chart_text(fig, fig.days, lambda b: b.start.strftime("%d %b")))
    add("")
    add("OPEN BY STATUS")
    most = max(fig.open_by_status.values(), default=0)
    for status, n in fig.open_by_status.items():
        add(f"  {status:<15} {n:>7,}  {_bar(n, most, WIDTH - 28)}".rstrip())
    add("")
    add("OPEN BY OFFICER")
    add(f"  {'officer':<16} {'open':>7} {'overdue':>7}  {'oldest open':<18} {'age':>7}")
    for o in fig.officers:
        name = cut_middle(_safe(o.officer), 16) if o.officer else "(not assigned)"
        add(
            f"  {name:<16} {o.open:>7,} {o.overdue:>7,}  {_safe(o.oldest_ref):<18} "
            f"{age(o.oldest_received, fig.now):>7}"
        )
    if not fig.officers:
        add("  nothing open")
    add("")
    add("OVERDUE AGAINST THE HANDLING OBJECTIVES")
    add(f"  {'prec':<6} {'objective':>9} {'open':>7} {'overdue':>7}")
    for r in fig.overdue:
        add(
            f"  {prec_label(r.rank):<6} {duration(r.objective_min * 60):>9} {r.open:>7,} "
            f"{r.overdue:>7,}"
        )
    add("")
    add("TIME TO ACKNOWLEDGE (from arrival)")
    add(
        f"  {'prec':<6} {'window':<6} {'arrived':>7} {'acked':>6} {'median':>7} {'p90':>7} "
        f"{'worst':>7} {'late':>5} {'not yet':>7}"
    )
    for a in fig.ack:
        add(_ack_text(a))
    add("")
    add(f"HANDOVER SINCE {zulu(h.since)}")
    add("")
    w, ow = class_width(h), officer_width(h)
    out.extend(_section_text(f"Arrived ({h.arrived.total:,})", h.arrived, h, "arrived", 0, w, ow))
    out.extend(
        _section_text(
            f"Not acknowledged ({h.unacknowledged.total:,})",
            h.unacknowledged,
            h,
            "arrived",
            0,
            w,
            ow,
        )
    )
    closed = h.closed_unacknowledged
    if closed.total:
        out.extend(_section_text(f"{closed.title} ({closed.total:,})", closed, h, "closed", 0, w))
    add("Open per officer, with due times")
    if not h.per_officer:
        add("  nothing open")
        add("")
    for officer, sec in h.per_officer:
        shown = _safe(officer) if officer else "(not assigned)"
        out.extend(_section_text(f"  {shown} ({sec.total:,} open)", sec, h, "due", 2, w))
    add(f"Changed hands ({h.changed_hands_total:,})")
    for c in h.changed_hands:
        add(
            _cut(
                f"  {zulu(c.at, True)}  {_safe(c.reference_id):<18} "
                f"{_safe(c.old) or '-'} -> {_safe(c.new) or '-'}  by {_safe(c.who)}",
                WIDTH,
            )
        )
    if not h.changed_hands:
        add("  none")
    if h.changed_hands_total > len(h.changed_hands):
        add(f"  ... and {h.changed_hands_total - len(h.changed_hands):,} more")
    add("")
    add(_centre(top))
    return "\n".join(line.rstrip() for line in out) + "\n"


def _closed_unacked_summary(h: Handover) -> list[tuple[str, int, str]]:
    """The summary's line for the cables closed unacknowledged since the handover's start,
    when there are any (the "Not acknowledged" line counts the open ones only)."""
    n = h.closed_unacknowledged.total
    if not n:
        return []
    return [
        (
            "Closed unacknowledged",
            n,
            "EMERGENCY, FLASH and NIACT since " + zulu(h.since, True).replace(" ", "\xa0"),
        )
    ]


def _centre(text: str) -> str:
    return text.center(WIDTH).rstrip()


def _chart_text(fig: Figures, buckets: list[Bucket], label: Any) -> list[str]:
    ranks = fig.ranks
    head = f"  {'':<6} {'total':>6}" + "".join(f" {prec_label(r):>5}" for r in ranks)
    lines = [head]
    room = WIDTH - len(head) - 2
    most = max((b.total for b in buckets), default=0)
    for b in buckets:
        row = f"  {label(b):<6} {b.total:>6,}" + "".join(
            f" {b.counts.get(r, 0):>5,}" for r in ranks
        )
        lines.append(f"{row}  {_bar(b.total, most, room)}".rstrip())
    return lines


def _ack_text(a: AckStats) -> str:
    return (
        f"  {prec_label(a.rank):<6} {a.window:<6} {a.arrived:>7,} {a.acked:>6,} "
        f"{duration(a.median_s):>7} {duration(a.p90_s):>7} {duration(a.worst_s):>7} "
        f"{a.late:>5,} {a.unacked:>7,}"
    )


def _line_text(
    c: CableLine, h: Handover, when: str, indent: int, cls_w: int = 7, who_w: int = OFFICER_MIN
) -> str:
    if when == "due":
        t = zulu(c.due_at, True) if c.due_at else "no due date"
    else:
        t = zulu(c.received_at, True)
    mark = "!" if c.overdue else " "
    # (cut in the middle: names sharing a prefix keep the ends that tell them apart)
    who = cut_middle(_safe(c.officer) if c.officer else "-", who_w)
    status = {"IN PROGRESS": "IN PROG", "AWAITING REPLY": "AWAITING", "NO ACTION": "NO ACT"}
    head = (
        f"{' ' * indent}  {c.precedence:<5} {_safe(class_of(c)):<{cls_w}} "
        f"{_safe(c.reference_id):<18} "
        f"{t:<12}{mark}"
    )
    if when in ("due", "closed"):
        head += f" {status.get(c.status, c.status):<8} "
    else:
        head += f" {who:<{who_w}} "
    subject = _safe(c.subject) or "(no subject)"
    return _cut(head + subject, WIDTH)


def _section_text(
    title: str,
    sec: Section,
    h: Handover,
    when: str,
    indent: int = 0,
    cls_w: int = 7,
    who_w: int = OFFICER_MIN,
) -> list[str]:
    lines = [title]
    for c in sec.cables:
        lines.append(_line_text(c, h, when, indent, cls_w, who_w))
    if not sec.cables:
        lines.append(" " * indent + "  none")
    more = sec.total - len(sec.cables)
    if more > 0:
        lines.append(" " * indent + f"  ... and {more:,} more")
    where = _safe(view_text(sec.view))
    one = " " * indent + f"  (in the console: {where})"
    if sec.unlisted:  # (an officer named `none`: officer:none is another list)
        lines += textwrap.wrap(
            f"(in the console, {_safe(sec.unlisted)})",
            WIDTH,
            initial_indent=" " * (indent + 2),
            subsequent_indent=" " * (indent + 3),
        )
    elif len(one) <= WIDTH:
        lines.append(one)
    else:  # (two lines: the list's words whole within 80 columns)
        lines.append(" " * indent + "  (in the console:")
        lines.append(_cut(" " * indent + f"   {where})", WIDTH))
    lines.append("")
    return lines


# -- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md(s: str | None) -> str:
    """Cable or user text as inert Markdown: control characters shown, punctuation escaped,
    `<` and `&` as entities (no HTML)."""
    text = visible(s or "", one_line=True)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out.extend("| " + " | ".join(r) + " |" for r in rows)
    return out


def render_markdown(fig: Figures, h: Handover, cache: str) -> str:
    out: list[str] = []
    add = out.append
    top = highest(h)
    add(f"**{md(top)}**")
    add("")
    add(f"# triage report, {zulu(fig.now)}")
    add("")
    add(
        f"Cache {md(cache)} ({fig.total:,} cables). Shift handover since {zulu(h.since)} "
        f"({duration((h.now - h.since).total_seconds())})."
    )
    add("")
    add("## Summary")
    add("")
    split = ", ".join(f"{prec_label(r)} {n:,}" for r, n in h.arrived_by_rank.items() if n)
    statuses = ", ".join(f"{s} {n:,}" for s, n in fig.open_by_status.items())
    out.extend(
        _md_table(
            ["", "cables", ""],
            [
                [f"Arrived since {zulu(h.since, True)}", f"{h.arrived.total:,}", split],
                ["Open", f"{fig.open_total:,}", statuses],
                ["Overdue", f"{fig.overdue_total:,}", "past the handling objective or due"],
                [
                    "Not acknowledged",
                    f"{fig.unacked_open:,}",
                    "EMERGENCY, FLASH and NIACT still open",
                ],
                *([label, f"{n:,}", detail] for label, n, detail in _closed_unacked_summary(h)),
            ],
        )
    )
    for title, buckets, fmt in (
        ("Arrivals, last 24 hours (UTC, per hour)", fig.hours, "%H:00Z"),
        ("Arrivals, last 30 days (UTC, per day)", fig.days, "%Y-%m-%d"),
    ):
        add("")
        add(f"## {title}")
        add("")
        out.extend(
            _md_table(
                ["", "total", *[prec_label(r) for r in fig.ranks]],
                [
                    [
                        b.start.strftime(fmt),
                        f"{b.total:,}",
                        *[f"{b.counts.get(r, 0):,}" for r in fig.ranks],
                    ]
                    for b in buckets
                ],
            )
        )
    add("")
    add("## Open by status")
    add("")
    out.extend(
        _md_table(["status", "open"], [[s, f"{n:,}"] for s, n in fig.open_by_status.items()])
    )
    add("")
    add("## Open by officer")
    add("")
    out.extend(
        _md_table(
            ["officer", "open", "overdue", "oldest open", "age"],
            [
                [
                    md(o.officer) if o.officer else "(not assigned)",
                    f"{o.open:,}",
                    f"{o.overdue:,}",
                    md(o.oldest_ref),
                    age(o.oldest_received, fig.now),
                ]
                for o in fig.officers
            ],
        )
    )
    add("")
    add("## Overdue against the handling objectives")
    add("")
    out.extend(
        _md_table(
            ["precedence", "objective", "open", "overdue"],
            [
                [
                    prec_label(r.rank),
                    duration(r.objective_min * 60),
                    f"{r.open:,}",
                    f"{r.overdue:,}",
                ]
                for r in fig.overdue
            ],
        )
    )
    add("")
    add("## Time to acknowledge (from arrival)")
    add("")
    out.extend(
        _md_table(
            [
                "precedence",
                "window",
                "arrived",
                "acked",
                "median",
                "p90",
                "worst",
                "late",
                "not yet",
            ],
            [
                [
                    prec_label(a.rank),
                    a.window,
                    f"{a.arrived:,}",
                    f"{a.acked:,}",
                    duration(a.median_s),
                    duration(a.p90_s),
                    duration(a.worst_s),
                    f"{a.late:,}",
                    f"{a.unacked:,}",
                ]
                for a in fig.ack
            ],
        )
    )
    add("")
    add(f"## Handover since {zulu(h.since)}")
    out.extend(_section_md(f"Arrived ({h.arrived.total:,})", h.arrived, "arrived"))
    out.extend(
        _section_md(f"Not acknowledged ({h.unacknowledged.total:,})", h.unacknowledged, "arrived")
    )
    closed = h.closed_unacknowledged
    if closed.total:
        out.extend(_section_md(f"{closed.title} ({closed.total:,})", closed, "arrived"))
    add("")
    add("### Open per officer, with due times")
    if not h.per_officer:
        add("")
        add("Nothing open.")
    for name, sec in h.per_officer:
        who = md(name) if name else "(not assigned)"
        out.extend(_section_md(f"{who} ({sec.total:,} open)", sec, "due", level="####"))
    add("")
    add(f"### Changed hands ({h.changed_hands_total:,})")
    add("")
    if h.changed_hands:
        out.extend(
            _md_table(
                ["when", "cable", "from", "to", "by"],
                [
                    [zulu(c.at), md(c.reference_id), md(c.old) or "-", md(c.new) or "-", md(c.who)]
                    for c in h.changed_hands
                ],
            )
        )
    else:
        add("None.")
    if h.changed_hands_total > len(h.changed_hands):
        add("")
        add(f"... and {h.changed_hands_total - len(h.changed_hands):,} more.")
    add("")
    add(f"**{md(top)}**")
    return "\n".join(out) + "\n"


def _section_md(title: str, sec: Section, when: str, level: str = "###") -> list[str]:
    lines = ["", f"{level} {title}", ""]
    if not sec.cables:
        lines.append("None.")
    else:
        head = [
            "prec",
            "class",
            "cable",
            "due" if when == "due" else "arrived",
            "officer",
            "status",
            "subject",
        ]
        rows = [
            [
                c.precedence,
                md(class_of(c)),
                md(c.reference_id),
                (zulu(c.due_at) if c.due_at else "-") if when == "due" else zulu(c.received_at),
                md(c.officer) if c.officer else "-",
                c.status + (" (overdue)" if c.overdue else ""),
                md(c.subject) or "(no subject)",
            ]
            for c in sec.cables
        ]
        lines.extend(_md_table(head, rows))
    more = sec.total - len(sec.cables)
    if more > 0:
        lines.append("")
        lines.append(f"... and {more:,} more.")
    lines.append("")
    if sec.unlisted:
        lines.append(f"In the console, {md(sec.unlisted)}")
    else:
        lines.append(f"In the console: {md(view_text(sec.view))}")
    return lines


# -- JSON --------------------------------------------------------------------------------------


def _line_json(c: CableLine) -> dict[str, Any]:
    return {
        "reference_id": c.reference_id,
        "precedence": c.precedence,
        "classification": class_of(c),  # with its captions: `TS//NODIS`
        "subject": c.subject,
        "officer": c.officer,
        "status": c.status,
        "due_utc": c.due_at,
        "received_utc": c.received_at,
        "acknowledged_by": c.ack_by,
        "acknowledged_utc": c.ack_at,
        "overdue": c.overdue,
    }


def _section_json(sec: Section, holes: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "total": sec.total,
        "list": None if sec.unlisted else view_text(sec.view),
        **({"unlisted": sec.unlisted} if sec.unlisted else {}),
        # (iter_json writes the cables where their hole is)
        "cables": holes[id(sec)] if holes else [_line_json(c) for c in sec.cables],
    }


def _bucket_json(b: Bucket) -> dict[str, Any]:
    return {
        "start_utc": b.start.isoformat(),
        "total": b.total,
        "by_precedence": {prec_label(r): b.counts.get(r, 0) for _, r, _ in PREC_ROWS},
        "list": view_text(b.view()),
    }


def report_data(
    fig: Figures, h: Handover, cache: str, holes: dict[int, str] | None = None
) -> dict[str, Any]:
    return {
        "generated_utc": fig.now.isoformat(),
        "cache": cache,
        "cables": fig.total,
        "highest_classification_listed": highest(h),
        "since_utc": h.since.isoformat(),
        "arrivals_per_hour": [_bucket_json(b) for b in fig.hours],
        "arrivals_per_day": [_bucket_json(b) for b in fig.days],
        "open_by_status": {
            s: {"open": n, "list": view_text(Figures.status_view(s))}
            for s, n in fig.open_by_status.items()
        },
        "open_total": fig.open_total,
        "overdue_total": fig.overdue_total,
        "unacknowledged_open": fig.unacked_open,
        "officers": [
            {
                "officer": o.officer,
                "open": o.open,
                "overdue": o.overdue,
                "oldest_open": o.oldest_ref,
                "oldest_received_utc": o.oldest_received,
                "list": None if o.unlisted else view_text(o.view()),
                **({"unlisted": o.unlisted} if o.unlisted else {}),
            }
            for o in fig.officers
        ],
        "overdue": [
            {
                "precedence": prec_label(r.rank),
                "objective_minutes": r.objective_min,
                "open": r.open,
                "overdue": r.overdue,
                "list": view_text(r.view()),
            }
            for r in fig.overdue
        ],
        "acknowledgement": [
            {
                "precedence": prec_label(a.rank),
                "window": a.window,
                "since_utc": a.since.isoformat(),
                "objective_minutes": a.objective_min,
                "arrived": a.arrived,
                "acknowledged": a.acked,
                "median_seconds": a.median_s,
                "p90_seconds": a.p90_s,
                "worst_seconds": a.worst_s,
                "late": a.late,
                "not_acknowledged": a.unacked,
                "list": view_text(a.view()),
            }
            for a in fig.ack
        ],
        "handover": {
            "arrived": _section_json(h.arrived, holes),
            "not_acknowledged": _section_json(h.unacknowledged, holes),
            "closed_unacknowledged": _section_json(h.closed_unacknowledged, holes),
            "open_per_officer": [
                {"officer": name, **_section_json(sec, holes)} for name, sec in h.per_officer
            ],
            "changed_hands_total": h.changed_hands_total,
            "changed_hands": [
                {
                    "at_utc": c.at,
                    "reference_id": c.reference_id,
                    "from": c.old,
                    "to": c.new,
                    "by": c.who,
                }
                for c in h.changed_hands
            ],
        },
    }


def iter_json(fig: Figures, h: Handover, cache: str) -> Iterator[str]:
    """The JSON report in pieces, to be written as they come: the figures indented, and each
    listed cable one object a line (at 250,000 cables the handover lists tens of thousands;
    `json.dumps` with an indent encodes in Python, one object at a time it runs in C). Every
    non-ASCII character is escaped: C1 controls in a subject reach no terminal raw."""
    sections = [h.arrived, h.unacknowledged, h.closed_unacknowledged]
    sections += [sec for _, sec in h.per_officer]
    token = secrets.token_hex(16)  # where a section's cables go; no cable text can guess it
    holes = {id(sec): f"{token}:{k}" for k, sec in enumerate(sections)}
    skeleton = json.dumps(report_data(fig, h, cache, holes), indent=2, ensure_ascii=True).split(
        "\n"
    )
    by_hole = {holes[id(sec)]: sec for sec in sections}
    done: list[str] = []
    for line in skeleton:
        m = re.fullmatch(r'( *)"cables": "([0-9a-f]+:\d+)"(,?)', line)
        if m is None or m.group(2) not in by_hole:
            done.append(line)
            continue
        indent, sec, comma = m.group(1), by_hole[m.group(2)], m.group(3)
        if not sec.cables:
            done.append(f'{indent}"cables": []{comma}')
            continue
        done.append(f'{indent}"cables": [')
        yield "\n".join(done) + "\n"
        done = []
        last = len(sec.cables) - 1
        chunk: list[str] = []
        for k, c in enumerate(sec.cables):
            chunk.append(
                f"{indent}  {json.dumps(_line_json(c), ensure_ascii=True)}{',' if k < last else ''}"
            )
            if len(chunk) == 500:
                yield "\n".join(chunk) + "\n"
                chunk = []
        if chunk:
            yield "\n".join(chunk) + "\n"
        done.append(f"{indent}]{comma}")
    yield "\n".join(done) + "\n"


def render_json(fig: Figures, h: Handover, cache: str) -> str:
    return "".join(iter_json(fig, h, cache))
