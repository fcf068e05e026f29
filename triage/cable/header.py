"""Stage: the ACP-127 header, from the top of the text to where the banner begins.

An optional partial-extract notice; an old teletype block (PAGE 01, ACTION/INFO office lists,
DRAFTED BY ...) that copies put before the message; FL1 transmission id (`VZCZC...`), FL2
precedence and routing indicators, FL3 `DE` line, FL4 security line (`ZNY CCCCC`), FL5
precedence prosigns and date-time group, then FM, TO, INFO and XMT with their addressees,
broken by page-break lines; a release-date line (`Friday, 12 March 2004, 14:05`) where a copy
has no DTG. The precedences come from the prosigns, else from the addressees.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import PROSIGNS, Addressee, Precedence, fast_init
from .patterns import (
    CACHED_LINE_CHARS,
    MONTH_NAMES,
    MONTHS,
    RE_BT,
    RE_CLASSIFIED_BY_START,
    RE_DE,
    RE_DTG_LINE,
    RE_EO,
    RE_FL2,
    RE_FM,
    RE_INFO,
    RE_META_LINE,
    RE_NEWSPAPER,
    RE_PAGE_BREAK_BANNER,
    RE_PAGE_HEADER,
    RE_PARA,
    RE_PARTIAL,
    RE_POST_NAME,
    RE_ROUTED_ADDRESSEE,
    RE_SECURITY,
    RE_SUBJECT,
    RE_TO,
    RE_VZCZC,
    RE_XMT,
    already_clean,
    banner_level,
    clean,
    is_real_banner,
    page_marker,
    year4,
)

# how far the header is looked for: where it starts (past an old teletype block) and its lines
HEADER_START_LINES = 150
HEADER_LINES = 400

SECURITY_LEVELS = {
    "U": "UNCLASSIFIED",
    "E": "UNCLASSIFIED",
    "C": "CONFIDENTIAL",
    "S": "SECRET",
    "T": "TOP SECRET",
}
# the first letters of a line each header pattern can match (the lines are stripped)
FL2_FIRST = frozenset("ZOPRY")


RE_ROUTING_WRAP = re.compile(r"[A-Z0-9 ]+")
RE_ENDS_ADDRESSEES = re.compile(
    r"^\s*(?:TAGS?\b|SIPDIS\b|NOFORN\b|SENSITIVE\b|EXDIS\b|NODIS\b|LIMDIS\b)", re.I
)


@fast_init
@dataclass(frozen=True)
class Dtg:
    """A date-time group as written and as read (`dtg` None when it names no real time)."""

    raw: str
    dtg: str | None
    year: int


@fast_init
@dataclass(frozen=True)
class Header:
    partial: bool
    body_start: int  # the first line after the header
    transmission_id: str | None = None
    de_serial: str | None = None  # the FL3 line's station serial number (`DE RUEHFR #1234`)
    security_line: str | None = None
    security_level: str | None = None
    dtg: Dtg | None = None
    from_: str | None = None
    to: tuple[Addressee, ...] = ()
    info: tuple[Addressee, ...] = ()
    precedence: str | None = None
    info_precedence: str | None = None
    released: dt.datetime | None = None  # a copy's release-date line, where it has no DTG
    warnings: tuple[str, ...] = ()


def read_dtg(m: re.Match[str], line: str, warnings: list[str]) -> Dtg:
    day, hour, minute = int(m.group(2)), int(m.group(3)), int(m.group(4))
    mon = MONTHS.get(m.group(5).upper())
    year = year4(m.group(6))
    when = None
    try:
        if mon is None:
            raise ValueError(f"unknown month {m.group(5)!r}")
        if hour > 23 or minute > 59:
            raise ValueError("time out of range")
        stamp = dt.datetime(year, mon, day, hour, minute, tzinfo=dt.UTC)
        when = (
            f"{year}-{mon:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
            if year >= 1000
            else stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    except ValueError:
        warnings.append(f"impossible date-time group {line!r}")
    return Dtg(line, when, year)


def release_date(m: re.Match[str]) -> dt.datetime | None:
    """The time a release-date line (RE_NEWSPAPER) gives."""
    month = MONTH_NAMES.get(m.group(2).upper())
    if not month:
        return None
    try:
        return dt.datetime(
            int(m.group(3)), month, int(m.group(1)), int(m.group(4)), int(m.group(5)), tzinfo=dt.UTC
        )
    except ValueError:
        return None


# the precedences as the strings a Cable holds: an enum member's `.value` is a property, looked
# up in Python on every read
_EMERGENCY = Precedence.EMERGENCY.value
_FLASH = Precedence.FLASH.value
_NIACT_IMMEDIATE = Precedence.NIACT_IMMEDIATE.value
_IMMEDIATE = Precedence.IMMEDIATE.value
_PRIORITY = Precedence.PRIORITY.value
_ROUTINE = Precedence.ROUTINE.value
_PROSIGN_VALUES = {sign: p.value for sign, p in PROSIGNS.items()}


def norm_precedence(word: str | None) -> str | None:
    if not word:
        return None
    w = word.upper()
    if w.startswith("FLASH"):
        return _FLASH
    if w.startswith("IMMED"):
        return _IMMEDIATE
    if w in {"PRIORITY", "PIORITY", "PRIORTY"}:
        return _PRIORITY
    if w == "ROUTINE":
        return _ROUTINE
    if w == "EMERGENCY":
        return _EMERGENCY
    return None


RE_ROUTING_INDICATOR = re.compile(r"([A-Z][A-Z0-9]{2,7})/")
RE_MCN = re.compile(r"\d{1,4}(?:\s*-\s*\d{1,4})?")
PRECEDENCE_WORDS = frozenset(
    {"FLASH", "IMMEDIATE", "IMMEDATE", "PRIORITY", "PIORITY", "PRIORTY", "ROUTINE", "EMERGENCY"}
)
# norm_precedence of each (written in upper case, as the words are matched)
_PRECEDENCE_OF_WORD = {w: norm_precedence(w) for w in PRECEDENCE_WORDS}


def _addressee_parts(s: str) -> tuple[str | None, str, str | None, str | None, str | None]:
    """(routing indicator, name, NIACT, precedence, message number) of a clean addressee line,
    as RE_ADDRESSEE reads it (the shortest name the tail can follow: the longest tail), read
    from the right instead of trying the tail after every character of the name. The tail is
    NIACT, a precedence and a message number (`0001`, `12-34`, `12 - 34`), each optional."""
    m = RE_ROUTING_INDICATOR.match(s)
    ri = m.group(1) if m else None
    rest = s[m.end() :] if m else s
    if not rest:
        return ri, "", None, None, None
    words = rest.split(" ")
    j = len(words)  # the name is words[:j], never empty of words
    niact = prec = mcn = None
    last = words[-1]
    if last[-1:].isdecimal():
        # over two or three words a number has a hyphen between them (`12 - 34`, `12 -34`):
        # without one, only the last word can be the number
        if "-" in last or (j > 1 and "-" in words[-2]):
            for size in (3, 2, 1):  # the longest number first
                if j - size >= 1:
                    written = " ".join(words[j - size : j])
                    if RE_MCN.fullmatch(written):
                        mcn, j = written, j - size
                        break
        elif j >= 2 and len(last) <= 4 and last.isdecimal():  # RE_MCN's `\d{1,4}`: str.isdecimal
            mcn, j = last, j - 1
    if j >= 2 and words[j - 1] in PRECEDENCE_WORDS:
        prec, j = words[j - 1], j - 1
    if j >= 2 and words[j - 1] == "NIACT":
        niact, j = "NIACT", j - 1
    return ri, " ".join(words[:j]), niact, prec, mcn


def read_addressee(raw: str) -> Addressee | None:
    """`RUEHC/SECSTATE WASHDC IMMEDIATE 0001` -> routing indicator, name, precedence, number.

    Kept for the lines that come again (a frozen Addressee is shared): traffic repeats its
    routing lines (`RUEAIIA/CIA WASHINGTON DC// PRIORITY`), a third of the corpus's lines."""
    return _read_addressee_kept(raw) if len(raw) <= CACHED_LINE_CHARS else _read_addressee(raw)


def _read_addressee(raw: str) -> Addressee | None:
    s = raw if already_clean(raw) else clean(raw)  # most are: no split and join of their words
    if not s:
        return None
    ri, name, niact_word, prec_word, mcn_written = _addressee_parts(s)
    name = name.strip()
    if ri == "ZEN":
        ri = None
    prec = _PRECEDENCE_OF_WORD[prec_word] if prec_word is not None else None
    niact = bool(niact_word)
    if niact and prec is None:
        prec = _IMMEDIATE
    mcn = mcn_written.replace(" ", "") if mcn_written else None  # `s` is clean: only spaces
    if (
        mcn
        and prec is None
        and len(mcn.split("-")[0]) < 4
        and not mcn.startswith("0")
        and not RE_POST_NAME.match(name)
    ):
        name, mcn = f"{name} {mcn_written.strip()}", None  # type: ignore[union-attr]
    if not name:
        name = s
    return Addressee(ri, name, prec, niact, mcn)


_read_addressee_kept = lru_cache(maxsize=4096)(_read_addressee)

_RANKS = {p.value: p.rank for p in Precedence}


def _rank(precedence: str) -> int:
    return _RANKS[precedence]


def _add(block: list[Addressee], raw: str) -> None:
    a = read_addressee(raw)
    if a is not None:
        block.append(a)


def _ends_addressees(s: str) -> bool:
    """A line that cannot be an addressee: the pseudo-header or body has begun."""
    if RE_META_LINE.match(s):  # `ID: 190648`, `ORIGIN: 09KUWAIT110`: a copied page's block
        return True
    if RE_ENDS_ADDRESSEES.match(s):  # `TAGS` (any case) or a caveat line
        return True
    if RE_SUBJECT.match(s) or RE_CLASSIFIED_BY_START.match(s) or RE_EO.match(s):
        return True
    m = RE_PARA.match(s)
    return bool(m and (m.group("pil") or m.group("mark")))


def _header_start(lines: Sequence[str], i: int) -> tuple[int, str | None]:
    """Where the message header proper starts, and a DTG line passed over on the way.

    Old teletype copies put PAGE/ACTION/INFO office lists, DRAFTED BY lines and the like
    before it, and some copies repeat the header block: start at the last FL1, DTG or FM
    anchor before the first real banner.
    """
    n = len(lines)
    start = None
    first_dtg: int | None = None
    # each pattern is tried only on lines that open with its first letters (lines are
    # stripped, the patterns case-sensitive): most lines are tried against none
    for k in range(i, min(n, i + HEADER_START_LINES)):
        s = lines[k].strip()
        if not s:
            continue
        c = s[0]
        if c == "V" and RE_VZCZC.match(s):
            start = k
            continue
        if (c.isdecimal() or (c in FL2_FIRST and s[1:2].isspace())) and RE_DTG_LINE.match(s):
            if first_dtg is None:
                first_dtg = k
            has_fm = False  # an FM line in the next three (a loop: no generator a DTG line)
            for k2 in range(k + 1, min(n, k + 4)):
                if RE_FM.match(lines[k2]):
                    has_fm = True
                    break
            if has_fm and (start is None or k - start > 10):
                start = k
            continue
        if c == "F" and RE_FM.match(s) and k + 1 < n and RE_TO.match(lines[k + 1]):
            if start is None or k - start > 10:
                start = k
            continue
        # a real banner ends with its serial, and holds no `/` or `#` (in ASCII, where upper
        # case keeps each character's place: an addressee's, a DE line's)
        if s[-1].isdecimal() and not (s.isascii() and ("/" in s or "#" in s)) and is_real_banner(s):
            break
    if start is None:
        return i, None
    return start, (
        lines[first_dtg].strip() if first_dtg is not None and first_dtg < start else None
    )


def read_header(lines: Sequence[str]) -> Header:
    """The header of the cable whose lines these are; never raises on text."""
    warnings: list[str] = []
    n = len(lines)
    i = 0
    partial = False
    # skip leading blank lines and a partial-extract notice
    while i < n and not lines[i].strip():
        i += 1
    if i < n and RE_PARTIAL.search(lines[i]):
        partial = True
        i += 1

    # an old teletype header (PAGE 01, ACTION/INFO office lists, DRAFTED BY...) may come
    # before the message proper: start at the first FL1 or DTG line that has an FM line
    # just after it
    i, fallback_dtg = _header_start(lines, i)
    transmission_id: str | None = None
    de_serial: str | None = None
    saw_de = False
    security_line: str | None = None
    security_level: str | None = None
    dtg: Dtg | None = None
    from_: str | None = None
    to: list[Addressee] = []
    info: list[Addressee] = []
    fl2_prosigns: str | None = None
    dtg_prosigns: list[str] = []
    header_end = i
    block: list[Addressee] | None = None
    released: dt.datetime | None = None
    saw_header = False
    j = i
    limit = min(n, i + HEADER_LINES)
    while j < limit:
        line = lines[j]
        s = line.strip()
        if not s:
            j += 1
            if block is not None and to:
                # a blank line after the addressees ends the header
                block = None
            continue
        c = s[0]
        if block is not None and RE_ROUTED_ADDRESSEE.match(s):
            # most lines of a long list: `RUEHTRO/AMEMBASSY TRIPOLI PRIORITY 0913`
            _add(block, s)
            j += 1
            header_end = j
            continue
        m = RE_VZCZC.match(s) if c == "V" else None
        if m and transmission_id is None:
            transmission_id = "VZCZC" + m.group(1)
            rest = m.group(2).strip()
            m2 = RE_FL2.match(rest) if rest else None
            if m2:
                fl2_prosigns = m2.group(1)
            saw_header = True
            j += 1
            header_end = j
            continue
        m = RE_FL2.match(s) if c in FL2_FIRST and s[1:2] in FL2_FIRST else None
        if m and fl2_prosigns is None and saw_header and dtg is None:
            fl2_prosigns = m.group(1)
            j += 1
            header_end = j
            continue
        if (
            saw_header
            and not saw_de
            and dtg is None
            and fl2_prosigns
            and RE_ROUTING_WRAP.fullmatch(s)
            and not s.startswith("DE ")
            and not RE_SECURITY.match(s)
            and not RE_DTG_LINE.match(s)
        ):
            # FL2 routing indicators wrapped onto a second line
            j += 1
            header_end = j
            continue
        m = RE_DE.match(s) if c == "D" else None
        if m and not saw_de:
            saw_de = True
            de_serial = m.group(2)
            saw_header = True
            j += 1
            header_end = j
            continue
        m = RE_SECURITY.match(s) if c == "Z" else None
        if m and security_line is None:
            security_line = s
            security_level = SECURITY_LEVELS.get(m.group(2))
            saw_header = True
            j += 1
            header_end = j
            continue
        # RE_DTG_LINE opens with the day's digits or a prosign and a blank
        m = RE_DTG_LINE.match(s) if c.isdecimal() or (c in FL2_FIRST and s[1:2].isspace()) else None
        if m and dtg is None:
            dtg = read_dtg(m, s, warnings)
            dtg_prosigns = m.group(1).split()
            saw_header = True
            j += 1
            header_end = j
            continue
        if dtg is not None or saw_header or partial:
            m = RE_FM.match(s) if c == "F" else None
            if m and from_ is None:
                from_ = m.group(1)
                block = None
                j += 1
                header_end = j
                continue
            m = RE_TO.match(s) if c == "T" else None
            if m and from_ is not None and not to:
                block = to
                if m.group(1):
                    _add(block, m.group(1))
                j += 1
                header_end = j
                continue
            m = RE_INFO.match(s) if c == "I" else None
            if m and from_ is not None and (to or block is not None):
                block = info
                if m.group(1) and not RE_PAGE_HEADER.match(m.group(1)):
                    _add(block, m.group(1))
                j += 1
                header_end = j
                continue
            if block is not None and c == "X" and RE_XMT.match(s):
                block = None
                j += 1
                header_end = j
                while j < limit and lines[j].strip() and banner_level(lines[j]) is None:
                    if RE_INFO.match(lines[j]) or RE_TO.match(lines[j]):
                        break
                    j += 1
                    header_end = j
                continue
            if c == "B" and RE_BT.match(s):
                block = None
                j += 1
                header_end = j
                continue
            if block is not None and _ends_addressees(s):
                break
            if block is not None and RE_PAGE_BREAK_BANNER.match(s):
                j += 1  # `CONFIDENTIAL PAGE 02 ANKARA 01234 151200Z` inside the list
                header_end = j
                continue
            if block is not None and banner_level(s) is None and not RE_NEWSPAPER.match(s):
                if RE_PAGE_HEADER.match(s) or s.startswith("ACTION ") or page_marker(s):
                    j += 1
                    header_end = j
                    continue
                _add(block, s)
                j += 1
                header_end = j
                continue
        m = RE_NEWSPAPER.match(s)
        if m:
            released = release_date(m)
            j += 1
            header_end = j
            continue
        # old-style teletype header of a partial extract: PAGE 01, ACTION/INFO office
        # lists, routing lines; skip until FM or the banner
        if partial and j - i < 40 and from_ is None and banner_level(s) is None:
            j += 1
            continue
        break
    if dtg is None and fallback_dtg is not None:
        m = RE_DTG_LINE.match(fallback_dtg)
        if m:
            dtg = read_dtg(m, fallback_dtg, warnings)

    # -- precedence ------------------------------------------------------------------------
    action_prec: str | None = None
    info_prec: str | None = None
    prosigns = dtg_prosigns or (list(fl2_prosigns) if fl2_prosigns else [])
    if prosigns:
        unknown = [p for p in prosigns if p not in PROSIGNS]
        if unknown:
            warnings.append(f"unknown precedence prosign {' '.join(unknown)}")
        known = [_PROSIGN_VALUES[p] for p in prosigns if p in _PROSIGN_VALUES]
        if known:
            action_prec = known[0]
            info_prec = known[1] if len(known) > 1 else None
    to_precs = [a.precedence for a in to if a.precedence]
    if action_prec is None and to_precs:
        action_prec = min(to_precs, key=_rank)
    if info_prec is None:
        info_precs = [a.precedence for a in info if a.precedence]
        info_prec = min(info_precs, key=_rank) if info_precs else action_prec
    if any(a.niact for a in to):
        action_prec = _NIACT_IMMEDIATE
    return Header(
        partial=partial,
        body_start=header_end,
        transmission_id=transmission_id,
        de_serial=de_serial,
        security_line=security_line,
        security_level=security_level,
        dtg=dtg,
        from_=from_,
        to=tuple(to),
        info=tuple(info),
        precedence=action_prec,
        info_precedence=info_prec,
        released=released,
        warnings=tuple(warnings),
    )
