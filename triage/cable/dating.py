"""Stage: when the cable was sent. The date-time group when the header has one; else, in turn,
a copy's release-date line, a copied page's DATE line, a TELEGRAM printout's date; else an
estimate, marked as one: years before its declassification date (E.O. 12958's default is ten
years after origination, 25 the longest) that fall while the order it cites was in force, not
before a cable it cites by year and not before an event it reports as past; else a date
written out in the subject or first paragraph, or the day after the latest day its first
paragraph reports. Each way but the DTG says where the date came from in a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .copied import meta_block, meta_date, telegram_date
from .header import Dtg
from .model import Paragraph, Reference, fast_init
from .patterns import (
    EO_YEARS,
    MONTHS,
    RE_FULL_DATE,
    RE_FUTURE_MARK,
    RE_MONTH_DAY,
    RE_PAST_MARK,
    RE_PAST_MONTH,
    year4,
)

# `E.O. 12958`: opens with its letter, matched with case, and the word boundary is checked after
# it, so the regex engine skips to each `E` (`\bE...` with re.I was tried at every position)
RE_ORDER = re.compile(r"(?-i:[Ee])(?<!\w.)\.?\s?O\.?\s*(1[1-3]\d{3})\b", re.I)
RE_REF_YEAR = re.compile(r"^\s*(\d{2}|\d{4})\s+[A-Z]")
RE_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")


@fast_init
@dataclass(frozen=True)
class Dating:
    dtg: str | None  # ISO 8601, UTC
    year: int | None  # the year, also of a DTG too damaged to give a date
    estimated: bool = False
    telegram: bool = False  # the date came from a TELEGRAM printout (its From line names the post)
    warnings: tuple[str, ...] = ()


def _month(word: str) -> int:
    """1-12 for a month word (`Dec`, `DECEMBER`), 0 when it is none."""
    return MONTHS.get(word[:3].upper(), 0)


def _iso(when: dt.date) -> str:
    """A datetime keeps its time; a date is midnight."""
    if isinstance(when, dt.datetime):
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{when.isoformat()}T00:00:00Z"


def year_bounds(text: str, references: Sequence[Reference]) -> tuple[int, int]:
    """The years a cable can be from: while the executive order it cites was in force, and
    not before the latest cable it cites with a year (`REF: A. 04 STATE 274965`)."""
    order = RE_ORDER.search(text[:6000])
    lo, hi = EO_YEARS.get(order.group(1), (1900, 9999)) if order else (1900, 9999)
    for ref in references:
        m = RE_REF_YEAR.match(ref.text)
        if m:
            lo = max(lo, year4(m.group(1)))
    return lo, hi


def _dates_said(lead: str, lo: int, hi: int) -> dt.date | None:
    for m in RE_FULL_DATE.finditer(lead):
        month = _month(m.group(1))
        try:
            d = dt.date(int(m.group(3)), month, int(m.group(2)))
        except ValueError:
            continue
        if lo <= d.year <= hi:
            return d
    return None


# a sentence's end: its mark, then the blanks after it (the blanks are the break). The match
# opens with the mark, which the regex engine skips to; RE_SENTENCE_END, a look-behind for
# the mark before the blanks, was tried at every position of the text.
RE_MARK_THEN_BLANKS = re.compile(r"[.!?;](\s+)")


def sentences(text: str) -> list[str]:
    """RE_SENTENCE_END.split(text): the text cut at the blanks after each `.`, `!`, `?`, `;`."""
    out: list[str] = []
    last = 0
    for m in RE_MARK_THEN_BLANKS.finditer(text):
        out.append(text[last : m.start(1)])
        last = m.end(1)
    out.append(text[last:])
    return out


def past_event_floor(paragraphs: Sequence[Paragraph], lo: int, hi: int) -> dt.date | None:
    """The first day of the latest month a sentence names, with its year, as past
    (`was named in July 2005`, `in December 2004, then-Secretary ... led`): the cable was
    sent after it. Sentences that speak of the future or of plans are not evidence."""
    text = " ".join(p.text for p in paragraphs[:12])
    best: dt.date | None = None
    for sentence in sentences(text[:30000]):
        if "19" not in sentence and "20" not in sentence:
            continue  # RE_PAST_MONTH needs a year: most sentences are skipped at once
        for m in RE_PAST_MONTH.finditer(sentence):
            # a past verb near it, and no word of plans or the future just around it
            near = sentence[max(0, m.start() - 80) : m.end() + 80]
            around = sentence[max(0, m.start() - 60) : m.end() + 40]
            if not RE_PAST_MARK.search(near) or RE_FUTURE_MARK.search(around):
                continue
            month, year = _month(m.group(1)), int(m.group(2))
            if month and lo <= year <= hi:
                d = dt.date(year, month, 1)
                best = d if best is None or d > best else best
    return best


def _reported_day(paragraphs: Sequence[Paragraph], floor: dt.date | None) -> dt.date | None:
    """For an extract with no date at all: the day after the latest day without a year
    that its first paragraph reports (`told the Ambassador December 20`), in the year of
    the latest past month it names, or the next year when that day comes before it."""
    if floor is None or not paragraphs:
        return None
    latest: dt.date | None = None
    for m in RE_MONTH_DAY.finditer(paragraphs[0].text):
        month, day = _month(m.group(1)), int(m.group(2))
        year = floor.year if (month, day) >= (floor.month, 1) else floor.year + 1
        try:
            d = dt.date(year, month, day)
        except ValueError:
            continue
        latest = d if latest is None or d > latest else latest
    return latest + dt.timedelta(days=1) if latest is not None else None


def _before_declassification(
    declassify_on: str, bounds: tuple[int, int], subject: str, floor: dt.date | None
) -> tuple[dt.date, int]:
    """The first of 10, 25, 5, 15 and 20 years before declassification that falls while the
    cited order was in force, not before a cable it cites by year, in a year the subject
    names (when it names one) and not before an event it reports as past (when that rules
    out ten years, the longest shorter period that fits); ten when none fits."""
    d = dt.date.fromisoformat(declassify_on)
    lo, hi = bounds
    said = {int(y) for y in RE_YEAR.findall(subject) if lo <= int(y) <= hi}

    def back_by(n: int) -> dt.date:
        return d.replace(year=d.year - n, day=min(d.day, 28) if d.month == 2 else d.day)

    def fits(n: int) -> bool:
        y = d.year - n
        return lo <= y <= hi and (not said or y in said) and (floor is None or back_by(n) >= floor)

    order: tuple[int, ...] = (10, 25, 5, 15, 20)
    if floor is not None and back_by(10) < floor:
        order = tuple(range(9, 0, -1))
    years = next((n for n in order if fits(n)), 10)
    return back_by(years), years


def read_date(
    dtg: Dtg | None,
    released: dt.datetime | None,
    lines: Sequence[str],
    text: str,
    declassify_on: str | None,
    references: Sequence[Reference],
    subject: str | None,
    paragraphs: Sequence[Paragraph],
) -> Dating:
    """The cable's date from its DTG, else from what else it carries; never raises on text."""
    if dtg is not None and dtg.dtg is not None:
        return Dating(dtg.dtg, dtg.year)
    year = dtg.year if dtg is not None else None

    def taken(when: dt.date, why: str, estimated: bool = False, telegram: bool = False) -> Dating:
        return Dating(_iso(when), when.year, estimated, telegram, (why,))

    if released is not None:
        return taken(released, "no date-time group; date taken from the release date line")
    if year is not None:
        # a DTG too damaged to give a date still gives its year
        return Dating(None, year)
    # the text is its lines joined: a line it does not hold is none of theirs (a pass in C,
    # not a test a line)
    meta = meta_block(lines) if "DATE:" in text else {}
    if "DATE" in meta:
        copied = meta_date(meta)
        if copied is not None:
            return taken(copied, "no date-time group; date taken from a copied DATE line")
    telegram = telegram_date(lines) if "TELEGRAM" in text else None
    if telegram is not None:
        return taken(
            telegram, "no date-time group; date taken from the TELEGRAM line", telegram=True
        )
    bounds = year_bounds(text, references)
    lead = " ".join([subject or ""] + [p.text for p in paragraphs[:1]])
    if declassify_on:
        floor = past_event_floor(paragraphs, *bounds)
        when, years = _before_declassification(declassify_on, bounds, subject or "", floor)
        return taken(
            when,
            f"no date-time group; date estimated as {years} years before declassification",
            estimated=True,
        )
    # no DTG and no declassification date: the first date written out in full in the
    # subject or the first paragraph, while the cited order was in force
    first = _dates_said(lead, *bounds)
    how = "a date in the subject or first paragraph"
    if first is None:
        first = _reported_day(paragraphs, past_event_floor(paragraphs, *bounds))
        how = "the latest day its first paragraph reports and a past month it names"
    if first is not None:
        return taken(
            first,
            f"no date-time group or declassification date; date estimated from {how}",
            estimated=True,
        )
    return Dating(None, None, warnings=("no date-time group",))
