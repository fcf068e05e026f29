"""Stage: the classification banner under the header (`C O N F I D E N T I A L SECTION 01 OF
03 PARIS 001234`): the level and caveats it gives, the section count, the station and serial
(and a year written before the station), and the caption or pseudo-header lines partial
extracts run onto it. A cable with no banner takes its level from a copied CLASSIFICATION
line, an export record line or the security line, and says so. A corrected copy says so in the
lines after the header.

The overall marking (the level raised by later banners, captions and portion marks) is the
markings stage's; the sections the text holds are read once the body is (`sections_held`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .copied import dump_record
from .header import release_date
from .model import fast_init
from .patterns import (
    RE_CAVEATS,
    RE_EO,
    RE_NEWSPAPER,
    RE_PAGE_HEADER,
    RE_PARA,
    RE_SECTION,
    RE_STATION_SERIAL,
    RE_SUBJECT,
    RE_TAGS_START,
    banner_level,
    clean,
    gate_upper,
    line_search,
    year4,
)

# how far past the header the banner is looked for, and a CORRECTED COPY caption
BANNER_LINES = 40
CORRECTED_LINES = 60

RE_NOFORN = re.compile(r"\bNOFORN\b", re.I)
# `UNCLAS EFTO` ("encrypted for transmission only", 5 FAH-2 H-222), spaced or not: a word of
# the designation, not of the station (`UNCLAS E F T O SECTION 01 OF 02 PORT OF SPAIN 000123`)
RE_EFTO = re.compile(r"^E ?F ?T ?O\b[\s/]*", re.I)
RE_COPIED_CLASSIFICATION = re.compile(r"^\s*CLASSIFICATION:\s*(.+)$", re.I)
RE_NOT_LETTER = re.compile(r"[^A-Z]")
# `CORRECTED` or `C O R R E C T E D` in any case: only ASCII letters upper-case to these
# (the non-ASCII characters that upper-case to several, like `ﬅ` to `ST`, cannot make them), so
# the lines are upper-cased as bytes, a C loop, not as text, which folds every character. As
# Latin-1 (`?` for the rest): a copy for the text most cables are (the pilcrow is Latin-1), where
# ASCII called the error handler at each pilcrow; bytes.upper leaves the bytes >= 0x80 alone.
CORRECTED_FORMS = (b"CORRECTED", b"C O R R E C T E D")


@fast_init
@dataclass(frozen=True)
class Banner:
    level: str | None
    caveats: tuple[str, ...]
    next_line: int  # the first line after the banner (the header's end when there is none)
    section: str | None = None  # `1 of 3`, as the banner says it
    station: str | None = None
    serial: str | None = None
    year: int | None = None  # a year written before the station (`75 LIBREVILLE 1895`)
    glued_tail: str | None = None  # caption or pseudo-header text run onto the banner line
    released: dt.datetime | None = None
    corrected: bool = False
    warnings: tuple[str, ...] = ()


def caveats_in(text: str) -> list[str]:
    """The dissemination caveats a banner, caption or record line names, in CAVEAT_WORDS order."""
    up = gate_upper(text)  # each word's (case-blind) pattern runs only on a text that holds it
    return [w for w, pat in RE_CAVEATS.items() if w in up and pat.search(text)]


def glued_banner_tail(rest: str) -> str | None:
    """What follows a banner's station and serial on its own line, when the caption, E.O.,
    TAGS or SUBJECT lines were run onto it; None when the banner names no station/serial."""
    rest = RE_NOFORN.sub("", rest).strip(" /")
    rest = RE_SECTION.sub("", RE_EFTO.sub("", rest)).strip()
    up = rest.upper()
    mt = RE_STATION_SERIAL.match(up)
    if not mt:
        return None
    return (rest[mt.start(4) :] if len(up) == len(rest) else mt.group(4)).strip()


def collapsed(s: str) -> str:
    """The letters of a line, upper case, nothing else (`C O R R E C T E D  C O P Y`)."""
    return RE_NOT_LETTER.sub("", s.upper())


def read_banner(
    lines: Sequence[str],
    start: int,
    security_level: str | None = None,
    released: dt.datetime | None = None,
) -> Banner:
    """The banner in the lines from `start` (the header's end); never raises on text."""
    warnings: list[str] = []
    n = len(lines)
    caveats: list[str] = []
    level: str | None = None
    section: str | None = None
    station: str | None = None
    serial: str | None = None
    banner_year: int | None = None
    glued_tail: str | None = None
    next_line = start
    scan_end = min(n, start + BANNER_LINES)
    banner_idx = None
    for k in range(start, scan_end):
        s = lines[k].strip()
        if not s:
            continue
        mn = RE_NEWSPAPER.match(s)
        if mn:
            released = released or release_date(mn)
            continue
        mp = RE_PARA.match(s)
        if mp and mp.group("mark"):
            break
        keywords = bool(line_search(RE_EO, s) or RE_TAGS_START.match(s) or RE_SUBJECT.match(s))
        got = banner_level(s)
        tail = glued_banner_tail(got[1]) if keywords and got else None
        if keywords and tail is None:
            break
        if got and not RE_PAGE_HEADER.match(s):
            lvl, rest = got
            level = lvl
            banner_idx = k
            rest = RE_EFTO.sub("", RE_NOFORN.sub("", rest).strip(" /"))
            ms = RE_SECTION.match(rest)
            if ms:
                section = f"{int(ms.group(1))} of {int(ms.group(2))}"
                rest = rest[ms.end() :]
            mt = RE_STATION_SERIAL.match(clean(rest.upper()))
            if mt:
                if mt.group(1):
                    banner_year = year4(mt.group(1))
                station = clean(mt.group(2))
                serial = mt.group(3)
            glued_tail = tail  # `C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: ...`
            break
    if banner_idx is not None:
        next_line = banner_idx + 1
        caveats.extend(caveats_in(lines[banner_idx].upper()))
    if level is None:
        for k in range(start, scan_end):
            mc = RE_COPIED_CLASSIFICATION.match(lines[k])
            got = banner_level(mc.group(1)) if mc else None
            if got:
                level = got[0]
                warnings.append(
                    "no classification banner; level taken from a copied CLASSIFICATION line"
                )
                break
    record = dump_record(lines) if level is None else None
    if record is not None:
        got = banner_level(record[1])
        if got:
            level = got[0]
            caveats.extend(caveats_in(record[1]))
            warnings.append("no classification banner; level taken from the export record line")
    if level is None:
        if security_level:
            level = security_level
            warnings.append("no classification banner; level taken from the security line")
        else:
            warnings.append("no classification banner")
    elif security_level and security_level != level and level != "LIMITED OFFICIAL USE":
        warnings.append(
            f"classification banner says {level} but the security line says {security_level}"
        )

    # a corrected copy says so in the lines after the header
    corrected = False
    head = lines[start : min(n, start + CORRECTED_LINES)]
    head_upper = "\n".join(head).encode("latin-1", "replace").upper()
    if any(form in head_upper for form in CORRECTED_FORMS):
        corrected = any("CORRECTEDCO" in collapsed(s) for s in head)
    return Banner(
        level=level,
        caveats=tuple(caveats),
        next_line=next_line,
        section=section,
        station=station,
        serial=serial,
        year=banner_year,
        glued_tail=glued_tail,
        released=released,
        corrected=corrected,
        warnings=tuple(warnings),
    )


# case-sensitive, starting with the word: the regex engine then skips to it (an IGNORECASE
# pattern, or one opening with \b, tries every position of the text)
RE_SECTION_UPPER = re.compile(r"SECTION\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b")
RE_SECTION_LOWER = re.compile(r"section\s+0*(\d{1,3})\s+of\s+0*(\d{1,3})\b")
RE_SECTION_MARKER = re.compile(
    r"[ \t]*[A-Z][A-Z .'-]{1,30}[ \t]+0*\d{1,8}[ \t]+0*(\d{1,3})(?:\.\d)?[ \t]+OF[ \t]+"
    r"0*(\d{1,3})[ \t]*"
)
RE_FIRST_SECTION = re.compile(r"(\d+) of (\d+)$")


def sections_held(first: str, text: str, closed: bool) -> str:
    """Which sections of a multi-section cable the text holds (`1 of 11` as its first banner
    says it, `1-11 of 11` when it holds them all): the SECTION banners and `STATE 00119085
    002 OF 011` markers it carries, and all of them when it ends with the signature that
    closes the last section (copies join the sections and drop the later banners)."""
    m = RE_FIRST_SECTION.match(first)
    if not m:
        return first
    start, total = int(m.group(1)), int(m.group(2))
    last = start
    if closed and start == 1:
        last = total  # the text holds every section: no need to look for their markers
    else:
        found: list[tuple[str, str]] = []
        for word, pat in (("SECTION", RE_SECTION_UPPER), ("section", RE_SECTION_LOWER)):
            if word in text:  # a literal first: most texts skip the pattern
                found += [(mm.group(1), mm.group(2)) for mm in pat.finditer(text)]
        # a marker line holds ` OF `: find those (fast) and read only their lines
        k = text.find(" OF ")
        while k >= 0:
            a = text.rfind("\n", 0, k) + 1
            b = text.find("\n", k)
            b = len(text) if b < 0 else b
            mm = RE_SECTION_MARKER.fullmatch(text, a, b)
            if mm:
                found.append((mm.group(1), mm.group(2)))
            k = text.find(" OF ", b)
        for part, of in found:
            if int(of) == total and start <= int(part) <= total:
                last = max(last, int(part))
    return f"{start} of {total}" if last == start else f"{start}-{last} of {total}"
