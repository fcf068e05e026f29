"""When `--since` and the list's `since:`/`until:` filters start: the relative words officers
type (8h, 2d, today, yesterday 18:00) read once for report, audit, export and views (which
report.py imports, so this stands apart from both)."""

from __future__ import annotations

import calendar
import datetime as dt
import re


class SinceError(ValueError):
    """A --since the report cannot read; the message says what it takes. `why` is what is wrong
    with the value, without the option's name (a caller that names it otherwise says it so);
    `form` is True when the value is not a time in any form read here (a caller may say which
    forms it takes), False when it is one but not a time there is (`future` when it is one
    still to come)."""

    def __init__(
        self, option: str, text: str, why: str, form: bool = False, future: bool = False
    ) -> None:
        # (a value pasted by mistake, thousands of characters, is named by its start)
        said = repr(text) if len(text) <= 40 else repr(text[:30]) + "..."
        super().__init__(f"{option} {said}: {why}")
        self.why = why
        self.form = form
        self.future = future  # a time there is, still to come


_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")
BEFORE_YEAR_1 = "reaches before the year 1"


def span(n: int, unit: str) -> dt.timedelta:
    """`n` minutes, hours, days or weeks (`m`, `h`, `d`, `w`): how every relative time typed
    (--since 8h, received:24h, due +2d) is read."""
    return dt.timedelta(**{_UNITS[unit]: n})


def no_such_day(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> str | None:
    """What is wrong with a date and time typed (`there is no month 13`), or None when there
    is such a time: said rather than 'no such day or time', which left a user to find it."""
    if year < 1:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{_MONTHS[month - 1]} {year} has no day {day} (it has {last})"
    if hour > 23:
        return f"there is no hour {hour} (00 to 23)"
    if minute > 59:
        return f"there is no minute {minute} (00 to 59)"
    return None


def still_to_come(option: str, text: str, shown: str) -> SinceError:
    """The one answer to a start typed in the future, from report, audit and export alike:
    refused, as nothing can be that new yet (an empty report, log or CSV would read as a quiet
    shift, not as a mistyped year)."""
    return SinceError(
        option, text, f"{shown} is still to come: nothing can be that new yet", future=True
    )


def parse_since(text: str, now: dt.datetime, option: str = "--since") -> dt.datetime:
    """`8h`, `90m`, `2d`, `1w` (that long ago), `today`, `yesterday 18:00`, `2026-11-28`,
    `2026-11-28 06:00` (the host's local time, as `triage due` reads times), or with a `Z`
    (`2026-11-28T06:00Z`) in UTC. SinceError, naming `option`, for what is not such a time,
    is none (`2026-13-45`, `99999999h` reaching before the year 1) or is still to come."""
    s = text.strip()
    m = re.fullmatch(r"([-+]?)\s*(\d+)\s*([mhdw])", s.lower())
    if m:
        sign, digits, unit = m.groups()
        # (`-8h` is 8h ago too, as `date -d -8hours` reads it; `+8h` is still to come)
        if sign == "+" and digits.strip("0"):
            raise still_to_come(option, text, f"{_amount(digits, unit)} from now")
        try:
            return now - span(int(digits), unit)
        except (OverflowError, ValueError):  # (ValueError: more digits than int() reads)
            raise SinceError(option, text, f"{_amount(digits, unit)} ago {BEFORE_YEAR_1}") from None
    utc = s.upper().endswith("Z")
    body = s[:-1] if utc else s
    local_now = now.astimezone(dt.UTC) if utc else now.astimezone()
    m = re.fullmatch(r"(today|yesterday|\d{4}-\d\d-\d\d)(?:[ t](\d{1,2}):(\d\d))?", body.lower())
    if not m:
        raise SinceError(
            option,
            text,
            "say when like 8h, 2d, today 06:00, yesterday 18:00, 2026-11-28 06:00 or "
            "2026-11-28T06:00Z",
            form=True,
        )
    word = m.group(1)
    hh, mm = (int(m.group(2)), int(m.group(3))) if m.group(2) else (0, 0)
    if word == "today":
        day = local_now.date()
    elif word == "yesterday":
        day = local_now.date() - dt.timedelta(days=1)
    else:
        y, mo, d = (int(p) for p in word.split("-"))
        wrong = no_such_day(y, mo, d)
        if wrong:
            raise SinceError(option, text, wrong)
        day = dt.date(y, mo, d)
    wrong = no_such_day(day.year, day.month, day.day, hh, mm)
    if wrong:
        raise SinceError(option, text, wrong)
    when = dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=local_now.tzinfo)
    zone = "" if utc else " here"
    shown = f"{_day(when.date())} {when:%H:%M}{'Z' if utc else ''}"
    try:
        when = when.astimezone(dt.UTC)
    except OverflowError:  # a local time in the first or last hours there are, east or west
        if day.year == 1:
            raise SinceError(option, text, f"{shown}{zone} {BEFORE_YEAR_1} in UTC") from None
        raise still_to_come(option, text, shown) from None
    if when > now:
        # nothing can have happened since then yet: an empty report would read as a quiet shift
        raise still_to_come(option, text, shown)
    return when


def _amount(digits: str, unit: str) -> str:
    """`99,999,999 hours` (a number of thousands of digits as how many digits it has)."""
    n = digits.lstrip("0") or "0"
    if len(n) > 30:
        return f"a {len(n):,}-digit number of {_UNITS[unit]}"
    return f"{int(n):,} {_UNITS[unit]}"


def _day(d: dt.date) -> str:
    """A day as an ISO date with four-digit years (`0001-01-01`: `%Y` leaves years before 1000
    unpadded on glibc)."""
    return d.isoformat()


def parse_start_day(text: str, now: dt.datetime, option: str) -> dt.date:
    """A UTC day that starts a range of the cables' own dates (`export --dated-since`): a date
    (2026-11-27), or the words parse_since reads as the UTC day they fall on; one after today
    (UTC) refused as parse_since refuses a start to come."""
    s = text.strip()
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", s)
    if m:
        y, mo, d = (int(p) for p in m.groups())
        wrong = no_such_day(y, mo, d)
        if wrong:
            raise SinceError(option, text, wrong)
        day = dt.date(y, mo, d)
    else:
        day = parse_since(text, now, option).astimezone(dt.UTC).date()
    today = now.astimezone(dt.UTC).date()
    if day > today:
        raise still_to_come(option, text, f"{_day(day)} (today is {_day(today)} UTC)")
    return day
