"""What a copy of a cable carries of the page or export it was taken from, near its top: a
cablegate page's metadata block (`ID:`, `ORIGIN:`, `DATE:`, `CLASSIFICATION:` lines), a line
of a cablegate table export (`2007-09-11 09:44:00<TAB>07BERN881<TAB>...`), a reference id
standing alone on a line, a State Department TELEGRAM printout's date and From lines.

The stages ask for these only when the cable's own header and banner do not say (dating,
identity, the banner's level), so most cables never read them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from .patterns import (
    CAVEAT_WORDS,
    MONTHS,
    RE_DUMP_RECORD,
    RE_LISTED_ID,
    RE_META_DATE,
    RE_META_LINE,
    RE_TELEGRAM,
    RE_TELEGRAM_FROM,
    banner_level,
    clean,
)

RE_REDACTED = re.compile(r"X{4,}", re.I)
RE_RECORD_WORDS = re.compile(r"[/\s]+")


def meta_block(lines: Sequence[str]) -> dict[str, str]:
    """`ID:`, `ORIGIN:`, `DATE:`, `CLASSIFICATION:` ... lines of a cablegate page copied into
    the text, near its top (redacted values, `XXXXXXXXXXXX`, left out)."""
    out: dict[str, str] = {}
    for line in lines[:150]:
        m = RE_META_LINE.match(line) if ":" in line else None  # `ID: ...`: a colon first
        if m and m.group(2) and not RE_REDACTED.fullmatch(m.group(2)):
            out.setdefault(m.group(1), m.group(2))
    return out


def meta_date(meta: dict[str, str]) -> dt.datetime | None:
    """The time a copied `DATE:` line gives."""
    m = RE_META_DATE.match(meta.get("DATE", ""))
    if not m:
        return None
    try:
        return dt.datetime(
            int(m.group(1)),
            int(m.group(2)),
            int(m.group(3)),
            int(m.group(4) or 0),
            int(m.group(5) or 0),
            tzinfo=dt.UTC,
        )
    except ValueError:
        return None


def dump_record(lines: Sequence[str]) -> tuple[str, str] | None:
    """(reference id, classification) from a line of a cablegate table export copied into
    the text (`2007-09-11 09:44:00<TAB>07BERN881<TAB>Embassy Bern<TAB>SECRET<TAB>...`), or
    from a copied page's metadata block: the id, the origin, the classification."""
    head = lines[:200]
    for k, line in enumerate(head):
        if "\t" in line:
            m = RE_DUMP_RECORD.match(line)
            if m:
                return m.group(1), m.group(2)
        elif RE_LISTED_ID.match(line):
            for nxt in head[k + 1 : k + 4]:
                got = banner_level(nxt.strip())
                rest = RE_RECORD_WORDS.split(got[1].upper().strip(" /")) if got else []
                if got and all(w in CAVEAT_WORDS for w in rest if w):
                    return line.strip(), nxt.strip()
    return None


def listed_reference(lines: Sequence[str], year: int | None) -> str | None:
    """A cablegate reference id standing alone on a line near the top, as a copied record's
    metadata lists it (`09ULAANBAATAR234`), when its year agrees with the cable's."""
    record = dump_record(lines)
    candidates = [record[0]] if record else []
    meta = meta_block(lines)
    if "ORIGIN" in meta:
        candidates.append(meta["ORIGIN"])
    candidates += [ln for ln in lines[:80] if RE_LISTED_ID.match(ln)]
    for c in candidates:
        m = RE_LISTED_ID.match(c)
        if m and (year is None or int(m.group(1)) == year % 100):
            return c.strip()
    return None


def telegram_date(lines: Sequence[str]) -> dt.date | None:
    """The date of a State Department TELEGRAM printout (`TELEGRAM   June 03, 2003`)."""
    for line in lines[:60]:
        m = RE_TELEGRAM.match(line) if "TELEGRAM" in line else None
        if m:
            month = MONTHS.get(m.group(1)[:3].upper(), 0)
            try:
                return dt.date(int(m.group(3)), month, int(m.group(2)))
            except ValueError:
                return None
    return None


def telegram_from(lines: Sequence[str]) -> tuple[str, str | None, str | None] | None:
    """A TELEGRAM printout's From line: (sender, station, serial) (`From: AMEMBASSY X (X 00123 -
    ...)`), the station and serial None when the line does not give them."""
    for line in lines[:80]:
        mf = RE_TELEGRAM_FROM.match(line) if "From:" in line else None
        if mf:
            station = clean(mf.group(2)) if mf.group(2) else None
            return clean(mf.group(1)), station, mf.group(3) if mf.group(2) else None
    return None
