"""When `--since` and the list's `since:`/`until:` filters start: the relative words officers
type (8h, 2d, today, yesterday 18:00) read once for report, audit, export and views (which
report.py imports, so this stands apart from both)."""

from __future__ import annotations

import datetime as dt
import re


class SinceError(ValueError):
    """A --since the report cannot read; the message says what it takes."""


_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def span(n: int, unit: str) -> dt.timedelta:
    """`n` minutes, hours, days or weeks (`m`, `h`, `d`, `w`): how every relative time typed
    (--since 8h, received:24h, due +2d) is read."""
    return dt.timedelta(**{_UNITS[unit]: n})


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """`8h`, `90m`, `2d`, `1w` (that long ago), `today`, `yesterday 18:00`, `2026-11-28`,
    `2026-11-28 06:00` (the host's local time, as `triage due` reads times), or with a `Z`
    (`2026-11-28T06:00Z`) in UTC."""
    s = text.strip()
    m = re.fullmatch(r"-?\s*(\d{1,5})\s*([mhdw])", s.lower())
    if m:
        try:
            return now - span(int(m.group(1)), m.group(2))
        except OverflowError:
            raise SinceError(f"--since {text!r}: reaches before the year 1") from None
    utc = s.upper().endswith("Z")
    body = s[:-1] if utc else s
    local_now = now.astimezone(dt.UTC) if utc else now.astimezone()
    m = re.fullmatch(r"(today|yesterday|\d{4}-\d\d-\d\d)(?:[ t](\d{1,2}):(\d\d))?", body.lower())
    if not m:
        raise SinceError(
            f"--since {text!r}: say when like 8h, 2d, today 06:00, yesterday 18:00, "
            "2026-11-28 06:00 or 2026-11-28T06:00Z"
        )
    word = m.group(1)
    try:
        if word == "today":
            day = local_now.date()
        elif word == "yesterday":
            day = local_now.date() - dt.timedelta(days=1)
        else:
            day = dt.date.fromisoformat(word)
        hh, mm = (int(m.group(2)), int(m.group(3))) if m.group(2) else (0, 0)
        when = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=local_now.tzinfo)
        when = when.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise SinceError(f"--since {text!r}: no such day or time") from exc
    if when > now:
        # nothing can have happened since then yet: an empty report would read as a quiet shift
        shown = when.astimezone(dt.UTC) if utc else when.astimezone()
        raise SinceError(
            f"--since {text!r}: {shown:%Y-%m-%d %H:%M}{'Z' if utc else ''} is still to come"
        )
    return when
