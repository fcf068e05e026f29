"""Text in, a Cable out. Never raises on text: what it cannot read becomes a warning.

The parser walks the cable in the order traffic is written: an optional partial-extract
notice, the ACP-127 header (FL1 transmission id, FL2 precedence + routing indicators, FL3 `DE`
line, FL4 security line, FL5 precedence + DTG, FM/TO/INFO/XMT), the classification banner,
caption and passing lines, then the E.O./TAGS/SUBJECT/REF/Classified-by block (which partial
extracts glue onto one line), then numbered, portion-marked paragraphs and the signature.
Every rule is written against the format, not against one file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import cached_property

from .markings import marking_lines, roll_up
from .model import (
    PROSIGNS,
    Addressee,
    Cable,
    Paragraph,
    Precedence,
    Reference,
)
from .paragraphs import normalise_marking, read_paragraphs
from .patterns import (
    BANNER_ORIGINS,
    CAVEAT_WORDS,
    CONSULATES,
    EO_YEARS,
    LEVEL_PATTERNS,
    MONTH_NAMES,
    MONTHS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    RE_ADDRESSEE,
    RE_ANY_LEVEL,
    RE_BT,
    RE_CAVEATS,
    RE_CLASSIFIED_BY,
    RE_CLASSIFIED_BY_START,
    RE_DE,
    RE_DTG_LINE,
    RE_DUMP_RECORD,
    RE_EO,
    RE_EO_GATE,
    RE_FL2,
    RE_FM,
    RE_FULL_DATE,
    RE_FUTURE_MARK,
    RE_HANDLING_LINE,
    RE_INFO,
    RE_LABEL_LINE,
    RE_LISTED_ID,
    RE_META_DATE,
    RE_META_LINE,
    RE_MONTH_DAY,
    RE_NAME_WORD,
    RE_NEWSPAPER,
    RE_OPEN_END,
    RE_PAGE_BREAK_BANNER,
    RE_PAGE_HEADER,
    RE_PAGE_MARKER,
    RE_PARA,
    RE_PARTIAL,
    RE_PASSING_LINE,
    RE_PAST_MARK,
    RE_PAST_MONTH,
    RE_POST_NAME,
    RE_REASON_NUM,
    RE_REASONS,
    RE_REF,
    RE_ROUTED_ADDRESSEE,
    RE_RULE_LINE,
    RE_SBU_LINE,
    RE_SBU_TAIL,
    RE_SECTION,
    RE_SECURITY,
    RE_SENTENCE_END,
    RE_STATION_SERIAL,
    RE_SUBJECT,
    RE_SUMMARY_LINE,
    RE_TAGS_INLINE,
    RE_TAGS_START,
    RE_TELEGRAM,
    RE_TELEGRAM_FROM,
    RE_TO,
    RE_VZCZC,
    RE_XMT,
    SPECIAL_ORIGINS,
    TITLE_WORDS,
    split_glued_tags,
)
from .references import read_references, with_cable_ids
from .text import decode, looks_binary, normalise

__all__ = [
    "decode",
    "looks_binary",
    "normalise_marking",
    "parse_bytes",
    "parse_cable",
    "parse_decoded",
]


def _caveats_in(text: str) -> list[str]:
    """The dissemination caveats a banner, caption or record line names, in CAVEAT_WORDS order."""
    return [w for w, pat in RE_CAVEATS.items() if pat.search(text)]


def classified_by_name(text: str | None) -> str | None:
    """The person in a Classified-by line, without title, office or reasons: `Acting Deputy
    Chief of Mission Jane Roe` -> Jane Roe, `POL COUNSELOR JOHN Q. DOE, JR.` -> JOHN Q. DOE,
    JR., `David Appleton, Director, INR/CCS` -> David Appleton; None when it names no one."""
    if not text:
        return None
    t = re.split(
        r";|\s+for\s+(?=reas|e\.?\s?o|1[.\s])|\breasons?\b",
        text.replace("’", "'"),
        maxsplit=1,
        flags=re.I,
    )[0]
    segments = [seg.strip() for seg in t.split(",")]
    for k, seg in enumerate(segments):
        words = seg.split()
        mixed = any(c.islower() for c in seg)
        last_title = -1
        for i, w in enumerate(words):
            lw = w.lower()
            if (
                lw in TITLE_WORDS
                or lw.rstrip(".") in TITLE_WORDS
                or "/" in w
                or (mixed and len(w) >= 2 and w.isupper() and w.isalpha())
            ):
                last_title = i
        name = words[last_title + 1 :]
        if not 1 <= len(name) <= 5:
            continue
        if not (
            RE_NAME_WORD.fullmatch(name[0])
            and RE_NAME_WORD.fullmatch(name[-1])
            and all(RE_NAME_WORD.fullmatch(w) or w.lower() in NAME_PARTICLES for w in name)
        ):
            continue
        if len(name) == 1 and last_title < 0:
            continue  # one word and no title: not clearly a name
        out = " ".join(name)
        nxt = segments[k + 1].strip(" .").upper() if k + 1 < len(segments) else ""
        if nxt in NAME_SUFFIXES:
            out += f", {nxt}."
        return out
    return None


# ---------------------------------------------------------------------------------------------
# Small helpers


def _clean(s: str) -> str:
    return " ".join(s.split())


def _collapse(s: str) -> str:
    return re.sub(r"[^A-Z]", "", s.upper())


def _month(word: str) -> int:
    """1-12 for a month word (`Dec`, `DECEMBER`), 0 when it is none."""
    return MONTHS.get(word[:3].upper(), 0)


def _year4(yy: str) -> int:
    y = int(yy)
    if len(yy) >= 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def _title_place(s: str) -> str:
    words = []
    for w in s.split():
        words.append(w if w in {"US", "USG", "UN", "EU"} else w.capitalize())
    return " ".join(words)


def _norm_precedence(word: str | None) -> str | None:
    if not word:
        return None
    w = word.upper()
    if w.startswith("FLASH"):
        return Precedence.FLASH.value
    if w.startswith("IMMED"):
        return Precedence.IMMEDIATE.value
    if w in {"PRIORITY", "PIORITY", "PRIORTY"}:
        return Precedence.PRIORITY.value
    if w == "ROUTINE":
        return Precedence.ROUTINE.value
    if w == "EMERGENCY":
        return Precedence.EMERGENCY.value
    return None


def origin_from_fm(fm: str) -> str | None:
    """`AMEMBASSY PARIS` -> `Embassy Paris`, `SECSTATE WASHDC` -> `Secretary of State`."""
    s = _clean(re.sub(r"[^A-Z0-9 /.'-]", " ", fm.upper()))
    s = re.sub(r"\s*//.*$", "", s).strip(" .")
    if not s:
        return None
    for pat, name in SPECIAL_ORIGINS:
        m = pat.search(s)
        if m:
            return name.format(*(_title_place(g) for g in m.groups())) if m.groups() else name
    m = re.match(r"^AM\s*EMBASSY\s+(.+)$", s)
    if m:
        return "Embassy " + _title_place(m.group(1))
    m = re.match(r"^AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?\s+(.+)$", s)
    if m:
        return "Consulate " + _title_place(m.group(1))
    m = re.match(r"^USMISSION\s+(.+)$", s)
    if m:
        return "Mission " + _title_place(m.group(1))
    return None


def origin_from_station(station: str) -> str | None:
    s = _clean(station.upper())
    if s in BANNER_ORIGINS:
        return BANNER_ORIGINS[s]
    if not re.fullmatch(r"[A-Z][A-Z .'-]+", s) or "XXXX" in s:
        return None
    if s in CONSULATES:
        return "Consulate " + _title_place(s)
    return "Embassy " + _title_place(s)


# case-sensitive, starting with the word: the regex engine then skips to it (an IGNORECASE
# pattern, or one opening with \b, tries every position of the text)
RE_SECTION_UPPER = re.compile(r"SECTION\s+0*(\d{1,3})\s+OF\s+0*(\d{1,3})\b")
RE_SECTION_LOWER = re.compile(r"section\s+0*(\d{1,3})\s+of\s+0*(\d{1,3})\b")
RE_SECTION_MARKER = re.compile(
    r"[ \t]*[A-Z][A-Z .'-]{1,30}[ \t]+0*\d{1,8}[ \t]+0*(\d{1,3})(?:\.\d)?[ \t]+OF[ \t]+"
    r"0*(\d{1,3})[ \t]*"
)


def sections_held(first: str, text: str, closed: bool) -> str:
    """Which sections of a multi-section cable the text holds (`1 of 11` as its first banner
    says it, `1-11 of 11` when it holds them all): the SECTION banners and `STATE 00119085
    002 OF 011` markers it carries, and all of them when it ends with the signature that
    closes the last section (copies join the sections and drop the later banners)."""
    m = re.match(r"(\d+) of (\d+)$", first)
    if not m:
        return first
    start, total = int(m.group(1)), int(m.group(2))
    last = start
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
    if closed and start == 1:
        last = total
    return f"{start} of {total}" if last == start else f"{start}-{last} of {total}"


def parse_decl_date(text: str) -> str | None:
    """An ISO date from a declassification phrase, when it holds one."""
    m = re.search(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{2,4})\b", text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year4(m.group(3))
        for month, day in ((a, b), (b, a)):
            try:
                return dt.date(y, month, day).isoformat()
            except ValueError:
                continue
        return None
    m = re.search(r"\b(\d{4})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{1,2})\b", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    m = re.search(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s+(\d{4})\b", text)
    if m:
        mon = MONTH_NAMES.get(m.group(1).upper()) or MONTHS.get(m.group(1)[:3].upper())
        if mon:
            try:
                return dt.date(int(m.group(3)), mon, int(m.group(2))).isoformat()
            except ValueError:
                return None
    return None


# ---------------------------------------------------------------------------------------------
# The parser


def _upper_only(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)


def _mostly_lower(s: str) -> bool:
    """Running text: most of its letters are lower case."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 8 and sum(c.islower() for c in letters) > 0.6 * len(letters)


# Hostile sizes: how far the parser looks for structure. The longest cables in the wild run to
# a few thousand lines; a cable of a million lines (or a million addressees) keeps all its text
# (searched, shown a screenful at a time, printed whole by `triage raw`), but its paragraphs are
# read in the first BODY_LINES_READ lines of its body and its pseudo-header (E.O., TAGS,
# SUBJECT, REF, captions) in the first PRE_LINES_READ lines before the first paragraph, so
# parsing it stays well under a second.
BODY_LINES_READ = 20_000
PRE_LINES_READ = 1_000


class _Parser:
    def __init__(self, text: str) -> None:
        read = normalise(text)
        self.warnings: list[str] = list(read.warnings)
        self.text = read.text
        self.lines = list(read.lines)
        self.fields: dict[str, object] = {}

    # -- header ---------------------------------------------------------------------------

    def parse(self) -> Cable:
        f = self.fields
        lines = self.lines
        n = len(lines)
        i = 0
        partial = False
        # skip leading blank lines and a partial-extract notice
        while i < n and not lines[i].strip():
            i += 1
        if i < n and RE_PARTIAL.search(lines[i]):
            partial = True
            i += 1
        f["partial"] = partial

        # an old teletype header (PAGE 01, ACTION/INFO office lists, DRAFTED BY...) may come
        # before the message proper: start at the first FL1 or DTG line that has an FM line
        # just after it
        i = self._find_header_start(i)
        to: list[Addressee] = []
        info: list[Addressee] = []
        fl2_prosigns: str | None = None
        dtg_prosigns: list[str] = []
        header_end = i
        block: list[Addressee] | None = None
        security_level: str | None = None
        newspaper_date: dt.datetime | None = None
        saw_header = False
        j = i
        limit = min(n, i + 400)
        while j < limit:
            line = lines[j]
            s = line.strip()
            if not s:
                j += 1
                if block is not None and to:
                    # a blank line after the addressees ends the header
                    block = None
                continue
            if block is not None and RE_ROUTED_ADDRESSEE.match(s):
                # most lines of a long list: `RUEHTRO/AMEMBASSY TRIPOLI PRIORITY 0913`
                self._add_addressee(block, s)
                j += 1
                header_end = j
                continue
            m = RE_VZCZC.match(s)
            if m and "transmission_id" not in f:
                f["transmission_id"] = "VZCZC" + m.group(1)
                rest = m.group(2).strip()
                m2 = RE_FL2.match(rest) if rest else None
                if m2:
                    fl2_prosigns = m2.group(1)
                saw_header = True
                j += 1
                header_end = j
                continue
            m = RE_FL2.match(s)
            if m and fl2_prosigns is None and saw_header and "dtg_raw" not in f:
                fl2_prosigns = m.group(1)
                j += 1
                header_end = j
                continue
            if (
                saw_header
                and "de" not in f
                and "dtg_raw" not in f
                and fl2_prosigns
                and re.fullmatch(r"[A-Z0-9 ]+", s)
                and not s.startswith("DE ")
                and not RE_SECURITY.match(s)
                and not RE_DTG_LINE.match(s)
            ):
                # FL2 routing indicators wrapped onto a second line
                j += 1
                header_end = j
                continue
            m = RE_DE.match(s)
            if m and "de" not in f:
                f["de"] = (m.group(1), m.group(2), m.group(3), m.group(4))
                saw_header = True
                j += 1
                header_end = j
                continue
            m = RE_SECURITY.match(s)
            if m and "security_line" not in f:
                f["security_line"] = s
                security_level = {
                    "U": "UNCLASSIFIED",
                    "E": "UNCLASSIFIED",
                    "C": "CONFIDENTIAL",
                    "S": "SECRET",
                    "T": "TOP SECRET",
                }.get(m.group(2))
                saw_header = True
                j += 1
                header_end = j
                continue
            m = RE_DTG_LINE.match(s)
            if m and "dtg_raw" not in f:
                self._read_dtg(m, s)
                dtg_prosigns = m.group(1).split()
                saw_header = True
                j += 1
                header_end = j
                continue
            if "dtg_raw" in f or saw_header or partial:
                m = RE_FM.match(s)
                if m and "from" not in f:
                    f["from"] = m.group(1)
                    block = None
                    j += 1
                    header_end = j
                    continue
                m = RE_TO.match(s)
                if m and "from" in f and not to:
                    block = to
                    if m.group(1):
                        self._add_addressee(block, m.group(1))
                    j += 1
                    header_end = j
                    continue
                m = RE_INFO.match(s)
                if m and "from" in f and (to or block is not None):
                    block = info
                    if m.group(1) and not RE_PAGE_HEADER.match(m.group(1)):
                        self._add_addressee(block, m.group(1))
                    j += 1
                    header_end = j
                    continue
                if RE_XMT.match(s) and block is not None:
                    block = None
                    j += 1
                    header_end = j
                    while j < limit and lines[j].strip() and not self._is_banner(lines[j]):
                        if RE_INFO.match(lines[j].strip()) or RE_TO.match(lines[j].strip()):
                            break
                        j += 1
                        header_end = j
                    continue
                if RE_BT.match(s):
                    block = None
                    j += 1
                    header_end = j
                    continue
                if block is not None and self._ends_addressees(s):
                    break
                if block is not None and RE_PAGE_BREAK_BANNER.match(s):
                    j += 1  # `CONFIDENTIAL PAGE 02 ANKARA 01234 151200Z` inside the list
                    header_end = j
                    continue
                if block is not None and not self._is_banner(line) and not RE_NEWSPAPER.match(s):
                    if (
                        RE_PAGE_HEADER.match(s)
                        or s.startswith("ACTION ")
                        or RE_PAGE_MARKER.match(s)
                    ):
                        j += 1
                        header_end = j
                        continue
                    self._add_addressee(block, s)
                    j += 1
                    header_end = j
                    continue
            m = RE_NEWSPAPER.match(s)
            if m:
                newspaper_date = self._newspaper(m)
                j += 1
                header_end = j
                continue
            # old-style teletype header of a partial extract: PAGE 01, ACTION/INFO office
            # lists, routing lines; skip until FM or the banner
            if partial and j - i < 40 and not self._is_banner(line) and "from" not in f:
                j += 1
                continue
            break
        fallback = f.pop("_fallback_dtg", None)
        if "dtg_raw" not in f and isinstance(fallback, str):
            m = RE_DTG_LINE.match(fallback)
            if m:
                self._read_dtg(m, fallback)
        body_start = header_end
        # a partial extract with a teletype block: restart where the header really ended
        f["to"] = to
        f["info"] = info

        # -- precedence ------------------------------------------------------------------
        action_prec: str | None = None
        info_prec: str | None = None
        prosigns = dtg_prosigns or (list(fl2_prosigns) if fl2_prosigns else [])
        if prosigns:
            unknown = [p for p in prosigns if p not in PROSIGNS]
            if unknown:
                self.warnings.append(f"unknown precedence prosign {' '.join(unknown)}")
            known = [PROSIGNS[p].value for p in prosigns if p in PROSIGNS]
            if known:
                action_prec = known[0]
                info_prec = known[1] if len(known) > 1 else None
        to_precs = [a.precedence for a in to if a.precedence]
        if action_prec is None and to_precs:
            action_prec = min(to_precs, key=lambda p: Precedence(p).rank)
        if info_prec is None:
            info_precs = [a.precedence for a in info if a.precedence]
            if info_precs:
                info_prec = min(info_precs, key=lambda p: Precedence(p).rank)
            else:
                info_prec = action_prec
        if any(a.niact for a in to):
            action_prec = Precedence.NIACT_IMMEDIATE.value
        f["precedence"] = action_prec
        f["info_precedence"] = info_prec

        # -- banner and pseudo-header -----------------------------------------------------
        self._read_body(body_start, security_level, newspaper_date)
        return self._build()

    def _find_header_start(self, i: int) -> int:
        """Where the message header proper starts.

        Old teletype copies put PAGE/ACTION/INFO office lists, DRAFTED BY lines and the like
        before it, and some copies repeat the header block: start at the last FL1, DTG or FM
        anchor before the first real banner. A DTG passed over on the way is still read.
        """
        lines = self.lines
        n = len(lines)
        start = None
        first_dtg: int | None = None
        for k in range(i, min(n, i + 150)):
            s = lines[k].strip()
            if RE_VZCZC.match(s):
                start = k
                continue
            if RE_DTG_LINE.match(s):
                if first_dtg is None:
                    first_dtg = k
                has_fm = any(RE_FM.match(lines[k2].strip()) for k2 in range(k + 1, min(n, k + 4)))
                if has_fm and (start is None or k - start > 10):
                    start = k
                continue
            if RE_FM.match(s) and k + 1 < n and RE_TO.match(lines[k + 1].strip()):
                if start is None or k - start > 10:
                    start = k
                continue
            if self._is_real_banner(s):
                break
        if start is None:
            return i
        if first_dtg is not None and first_dtg < start:
            self.fields["_fallback_dtg"] = lines[first_dtg].strip()
        return start

    @staticmethod
    def _ends_addressees(s: str) -> bool:
        """A line that cannot be an addressee: the pseudo-header or body has begun."""
        if RE_META_LINE.match(s):  # `ID: 190648`, `ORIGIN: 09KUWAIT110`: a copied page's block
            return True
        if RE_TAGS_START.match(s) and re.match(r"^\s*TAGS?\b", s, re.I):
            return True
        if RE_SUBJECT.match(s) or RE_CLASSIFIED_BY_START.match(s) or RE_EO.match(s):
            return True
        if re.match(r"^\s*(?:SIPDIS|NOFORN|SENSITIVE|EXDIS|NODIS|LIMDIS)\b", s, re.I):
            return True
        m = RE_PARA.match(s)
        return bool(m and (m.group("pil") or m.group("mark")))

    @staticmethod
    def _glued_banner_tail(rest: str) -> str | None:
        """What follows a banner's station and serial on its own line, when the caption, E.O.,
        TAGS or SUBJECT lines were run onto it; None when the banner names no station/serial."""
        rest = RE_SECTION.sub("", re.sub(r"\bNOFORN\b", "", rest, flags=re.I).strip(" /")).strip()
        up = rest.upper()
        mt = RE_STATION_SERIAL.match(up)
        if not mt:
            return None
        return (rest[mt.start(4) :] if len(up) == len(rest) else mt.group(4)).strip()

    def _is_real_banner(self, line: str) -> bool:
        got = self._banner_level(line)
        if not got:
            return False
        rest = RE_SECTION.sub("", got[1]).strip()
        return bool(re.match(r"^(?:\d{2}\s+)?[A-Za-z][A-Za-z .'-]*\s\d{2,7}\s*$", rest))

    def _read_dtg(self, m: re.Match[str], s: str) -> None:
        f = self.fields
        f["dtg_raw"] = s
        day, hour, minute = int(m.group(2)), int(m.group(3)), int(m.group(4))
        mon = MONTHS.get(m.group(5).upper())
        year = _year4(m.group(6))
        f["dtg_year"] = year
        try:
            if mon is None:
                raise ValueError(f"unknown month {m.group(5)!r}")
            if hour > 23 or minute > 59:
                raise ValueError("time out of range")
            when = dt.datetime(year, mon, day, hour, minute, tzinfo=dt.UTC)
            f["dtg"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            self.warnings.append(f"impossible date-time group {s!r}")

    def _newspaper(self, m: re.Match[str]) -> dt.datetime | None:
        month = MONTH_NAMES.get(m.group(2).upper())
        if not month:
            return None
        try:
            return dt.datetime(
                int(m.group(3)),
                month,
                int(m.group(1)),
                int(m.group(4)),
                int(m.group(5)),
                tzinfo=dt.UTC,
            )
        except ValueError:
            return None

    def _add_addressee(self, block: list[Addressee], raw: str) -> None:
        s = _clean(raw)
        if not s:
            return
        m = RE_ADDRESSEE.match(s)
        if not m:
            block.append(Addressee(None, s, None, False, None))
            return
        ri = m.group("ri")
        name = m.group("name").strip()
        if ri == "ZEN":
            ri = None
        prec = _norm_precedence(m.group("prec"))
        niact = bool(m.group("niact"))
        if niact and prec is None:
            prec = Precedence.IMMEDIATE.value
        mcn = re.sub(r"\s+", "", m.group("mcn")) if m.group("mcn") else None
        if (
            mcn
            and len(mcn.split("-")[0]) < 4
            and prec is None
            and not mcn.startswith("0")
            and not RE_POST_NAME.match(name)
        ):
            name, mcn = f"{name} {m.group('mcn').strip()}", None
        if not name:
            name = s
        block.append(Addressee(ri, name, prec, niact, mcn))

    @staticmethod
    def _banner_level(line: str) -> tuple[str, str] | None:
        """(level, rest of line) when the line opens with a classification banner."""
        s = line.strip().lstrip(">").strip()
        up = s.upper()
        if not RE_ANY_LEVEL.match(up):  # one test for most lines, which are not banners
            return None
        for pat, level in LEVEL_PATTERNS:
            m = pat.match(up)
            if m:
                return level, s[m.end() :].strip()
        return None

    def _is_banner(self, line: str) -> bool:
        return self._banner_level(line) is not None

    # -- body -------------------------------------------------------------------------------

    def _read_body(
        self, start: int, security_level: str | None, newspaper_date: dt.datetime | None
    ) -> None:
        f = self.fields
        lines = self.lines
        n = len(lines)
        caveats: list[str] = []
        level: str | None = None
        station: str | None = None
        serial: str | None = None
        banner_year: int | None = None
        glued_tail: str | None = None
        i = start
        # the banner: first classification line within the next lines
        scan_end = min(n, start + 40)
        banner_idx = None
        for k in range(start, scan_end):
            s = lines[k].strip()
            if not s:
                continue
            if RE_NEWSPAPER.match(s):
                newspaper_date = newspaper_date or self._newspaper(RE_NEWSPAPER.match(s))  # type: ignore[arg-type]
                continue
            if RE_PARA.match(s) and RE_PARA.match(s).group("mark"):  # type: ignore[union-attr]
                break
            keywords = bool(RE_EO.search(s) or RE_TAGS_START.match(s) or RE_SUBJECT.match(s))
            got = self._banner_level(s)
            tail = self._glued_banner_tail(got[1]) if keywords and got else None
            if keywords and tail is None:
                break
            if got and not RE_PAGE_HEADER.match(s):
                lvl, rest = got
                level = lvl
                banner_idx = k
                rest = re.sub(r"\bNOFORN\b", "", rest, flags=re.I).strip(" /")
                ms = RE_SECTION.match(rest)
                if ms:
                    f["section"] = f"{int(ms.group(1))} of {int(ms.group(2))}"
                    rest = rest[ms.end() :]
                mt = RE_STATION_SERIAL.match(_clean(rest.upper()))
                if mt:
                    if mt.group(1):
                        banner_year = _year4(mt.group(1))
                    station = _clean(mt.group(2))
                    serial = mt.group(3)
                glued_tail = tail  # `C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: ...`
                break
        if banner_idx is not None:
            i = banner_idx + 1
            banner_line = lines[banner_idx].upper()
            caveats.extend(_caveats_in(banner_line))
        if level is None:
            for k in range(start, scan_end):
                mc = re.match(r"^\s*CLASSIFICATION:\s*(.+)$", lines[k], re.I)
                got = self._banner_level(mc.group(1)) if mc else None
                if got:
                    level = got[0]
                    self.warnings.append(
                        "no classification banner; level taken from a copied CLASSIFICATION line"
                    )
                    break
        record = self._dump_record if level is None else None
        if record is not None:
            got = self._banner_level(record[1])
            if got:
                level = got[0]
                caveats.extend(_caveats_in(record[1]))
                self.warnings.append(
                    "no classification banner; level taken from the export record line"
                )
        if level is None:
            if security_level:
                level = security_level
                self.warnings.append("no classification banner; level taken from the security line")
            else:
                self.warnings.append("no classification banner")
        elif security_level and security_level != level and level != "LIMITED OFFICIAL USE":
            self.warnings.append(
                f"classification banner says {level} but the security line says {security_level}"
            )

        # a corrected copy says so in the lines after the header
        head = "\n".join(lines[start : min(n, start + 60)]).upper()
        if "CORRECTED" in head or "C O R R E C T E D" in head:
            for s in lines[start : min(n, start + 60)]:
                if "CORRECTEDCO" in _collapse(s):
                    f["corrected"] = True
                    break

        # -- pre-body block: from the banner to the first paragraph ---------------------
        pre: list[str] = [glued_tail] if glued_tail else []
        k = i
        para_start = n
        while k < n:
            s = lines[k]
            st = s.strip()
            m = RE_PARA.match(st) if st else None
            if m and self._opens_paragraphs(m):
                para_start = k
                break
            pre.append(s)
            k += 1
        # if nothing looked like a paragraph, the pre-body is the header block until a blank
        # line after SUBJECT/REF/Classified-by; the rest is one unnumbered body
        # hostile sizes: the pseudo-header is read in its first lines only, the paragraphs in
        # the body's first BODY_LINES_READ lines; the rest stays text, one unnumbered block
        self._read_pseudo_header(pre[:PRE_LINES_READ], caveats)
        pre_used = f.pop("_pre_used", min(len(pre), PRE_LINES_READ))
        assert isinstance(pre_used, int)
        body_lines = pre[pre_used:] + lines[para_start:]
        unread = body_lines[BODY_LINES_READ:]
        body = read_paragraphs(body_lines[:BODY_LINES_READ])
        self.warnings.extend(body.warnings)
        f["paragraphs"] = list(body.paragraphs)
        f["signature"] = body.signature
        if unread:
            paragraphs = f["paragraphs"]
            assert isinstance(paragraphs, list)
            paragraphs.append(Paragraph(None, None, "\n".join(unread).strip()))
            f["signature"] = None  # what closed the first lines does not close the cable
            self.warnings.append(
                f"the body is {len(body_lines):,} lines long: paragraphs were read in its first "
                f"{BODY_LINES_READ:,}; the other {len(unread):,} lines are kept as one block"
            )
        if not f.get("classified_by"):
            self._classified_by_in_text()
        if f.get("section"):
            f["section"] = sections_held(
                str(f["section"]), self.text, bool(f.get("signature")) and not f.get("partial")
            )

        # -- level, caveats, classification --------------------------------------------
        if level == "LIMITED OFFICIAL USE":
            level = "UNCLASSIFIED"
            caveats.append("LOU")
        # the banner as the copy's first lines give it (with the captions just under it),
        # rolled up with the banner lines, captions and portion marks further on
        rolled = roll_up(
            level,
            caveats,
            marking_lines(self.text),
            [p.marking for p in self._paragraphs_list],
        )
        self.warnings.extend(rolled.warnings)
        f["level"] = rolled.level
        f["caveats"] = list(rolled.caveats)
        f["station"] = station
        f["station_serial"] = serial
        f["classification"] = rolled.classification

        # -- date --------------------------------------------------------------------------
        if "dtg" not in f and newspaper_date is not None:
            self._take_date(
                newspaper_date, "no date-time group; date taken from the release date line"
            )
        if "dtg" not in f and "dtg_year" not in f and "DATE" in self._meta_block:
            copied = self._meta_date()
            if copied is not None:
                self._take_date(copied, "no date-time group; date taken from a copied DATE line")
        if "dtg" not in f and "dtg_year" not in f:
            telegram = self._telegram_date()
            if telegram is not None:
                self._take_date(telegram, "no date-time group; date taken from the TELEGRAM line")
                for line in self.lines[:80]:
                    mf = RE_TELEGRAM_FROM.match(line)
                    if mf:
                        f.setdefault("from", _clean(mf.group(1)))
                        if mf.group(2) and (station is None or serial is None):
                            station, serial = _clean(mf.group(2)), mf.group(3)
                        break
        if "dtg" not in f and "dtg_year" not in f and f.get("declassify_on"):
            # E.O. 12958's default declassification is ten years after origination, 25 the
            # longest: a partial extract without a DTG gets the first of 10, 25, 5, 15 and 20
            # years before declassification that falls while the order it cites was in force
            # and not before a cable it cites by year; marked as an estimate
            # ... and not before an event it reports as past (`was named in July 2005`): when
            # that rules out ten years, the longest shorter period that fits
            d = dt.date.fromisoformat(str(f["declassify_on"]))
            lo, hi = self._year_bounds
            said = self._years_said(lo, hi)
            floor = self._past_event_floor

            def back_by(n: int) -> dt.date:
                return d.replace(year=d.year - n, day=min(d.day, 28) if d.month == 2 else d.day)

            def fits(n: int) -> bool:
                y = d.year - n
                return (
                    lo <= y <= hi
                    and (not said or y in said)
                    and (floor is None or back_by(n) >= floor)
                )

            order: tuple[int, ...] = (10, 25, 5, 15, 20)
            if floor is not None and back_by(10) < floor:
                order = tuple(range(9, 0, -1))
            years = next((n for n in order if fits(n)), 10)
            self._take_date(
                back_by(years),
                f"no date-time group; date estimated as {years} years before declassification",
                estimated=True,
            )
        if "dtg" not in f and "dtg_year" not in f:
            # no DTG and no declassification date: the first date written out in full in the
            # subject or the first paragraph, while the cited order was in force
            first = self._dates_said(*self._year_bounds)
            how = "a date in the subject or first paragraph"
            if first is None:
                first = self._reported_day()
                how = "the latest day its first paragraph reports and a past month it names"
            if first is not None:
                self._take_date(
                    first,
                    f"no date-time group or declassification date; date estimated from {how}",
                    estimated=True,
                )
        if "dtg" not in f and "dtg_raw" not in f:
            self.warnings.append("no date-time group")

        # -- reference id -----------------------------------------------------------------
        year_v = f.get("dtg_year") or banner_year
        year = year_v if isinstance(year_v, int) else None
        de = f.get("de")
        if (serial is None or station is None) and isinstance(de, tuple):
            serial = de[1]
        if (station is None or "XXX" in station) and f.get("from"):
            st2 = re.sub(
                r"^(?:AM\s*EMBASSY|AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?|USMISSION)\s+",
                "",
                str(f["from"]).upper(),
            )
            if re.match(r"^SEC\s*STATE\b", st2):
                st2 = "STATE"
            station = _clean(st2)
        if year and station and serial:
            compact = re.sub(r"[^A-Z0-9]", "", station.upper())
            if banner_year is not None and f.get("dtg_year"):
                # cablegate's id keeps a year written before the station in the banner
                # (`75 LIBREVILLE 1895` sent in 1975 is 7575LIBREVILLE1895)
                compact = f"{banner_year % 100:02d}{compact}"
            f["reference_id"] = f"{year % 100:02d}{compact}{int(serial)}"
        else:
            listed = self._listed_reference(year)
            if listed:
                f["reference_id"] = listed
                self.warnings.append(f"reference id {listed} taken from a line that lists it")
            else:
                self.warnings.append("could not build a reference id")

        # -- origin -------------------------------------------------------------------------
        origin = None
        if f.get("from"):
            origin = origin_from_fm(str(f["from"]))
        if origin is None and f.get("from"):
            origin = _title_place(re.sub(r"^[A-Z0-9]{4,8}/", "", str(f["from"])).strip())
        if origin is None and station:
            origin = origin_from_station(station)
        f["origin"] = origin

    def _take_date(self, when: dt.date, why: str, estimated: bool = False) -> None:
        """The cable's date when it has no date-time group (a datetime keeps its time), with
        the warning that says where it came from."""
        f = self.fields
        if isinstance(when, dt.datetime):
            f["dtg"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            f["dtg"] = f"{when.isoformat()}T00:00:00Z"
        f["dtg_year"] = when.year
        if estimated:
            f["dtg_estimated"] = True
        self.warnings.append(why)

    @staticmethod
    def _opens_paragraphs(m: re.Match[str]) -> bool:
        """Is this numbered line the first paragraph (and not `1.4 (b)` or a list item)?"""
        if m.group("pil"):
            return True
        mark = m.group("mark")
        if mark is not None and normalise_marking(mark) is not None:
            return True
        return int(m.group("num")) in (1, 11) and bool(m.group("rest"))

    def _read_pseudo_header(self, pre: list[str], caveats: list[str]) -> None:
        """E.O., TAGS, SUBJECT, REF, Classified By, captions: lines or one glued line."""
        f = self.fields
        # drop page markers
        items: list[tuple[str, str]] = []  # (kind, text)
        current_kind = "caption"
        current: list[str] = []
        last_used = 0
        blank_after_subject = False

        def flush() -> None:
            if current:
                items.append((current_kind, "\n".join(current)))

        for idx, raw in enumerate(pre):
            s = raw.strip()
            if not s:
                if current_kind in ("subject", "tags", "ref", "classified_by", "eo"):
                    flush()
                    current = []
                    current_kind = "gap"
                    if any(k == "subject" for k, _ in items):
                        blank_after_subject = True
                continue
            if RE_PAGE_MARKER.match(s) or RE_PAGE_HEADER.match(s):
                continue
            if self._is_banner(s) and len(s) < 100 and re.search(r"\d{3,}|^\S+\s*$", s):
                # repeated banner at a page break
                continue
            if current_kind == "tags" and current and RE_LABEL_LINE.match(s):
                flush()  # `Captions: None` after a TAGS line in a printout: not tags
                current, current_kind = [], "caption"
            if current_kind == "subject" and current:
                # copies that lost their blank lines: what cannot go on a subject ends it
                nxt = pre[idx + 1].strip() if idx + 1 < len(pre) else ""
                if RE_RULE_LINE.match(s) or RE_RULE_LINE.match(nxt) or RE_SUMMARY_LINE.match(s):
                    flush()  # `Summary` over a rule of dashes, `SUMMARY: ...`: the body begins
                    current, current_kind, blank_after_subject = [], "gap", True
                    last_used = idx
                    break
                open_end = RE_OPEN_END.search(current[-1])  # `... SECRETARY OF` / `STATE FOR ...`
                if RE_HANDLING_LINE.match(s) or (RE_PASSING_LINE.match(s) and not open_end):
                    flush()  # `SENSITIVE BUT UNCLASSIFIED.`, `STATE FOR EAP/CM`: captions
                    current, current_kind = [], "caption"
            # split the line at the keywords it holds (partial extracts glue them)
            pieces = self._split_keywords(s)
            if (
                current_kind == "subject"
                and current
                and len(pieces) == 1
                and pieces[0][0] is None
                and _upper_only(" ".join(current))
                and _mostly_lower(s)
            ):
                # running text under an upper-case subject (no blank line between): the body
                flush()
                current, current_kind, blank_after_subject = [], "gap", True
                last_used = idx
                break
            if pieces[0][0] is None and current_kind in ("gap",) and blank_after_subject:
                # free text after the header block: the body begins
                last_used = idx
                break
            for kind, text in pieces:
                if kind is None:
                    if current_kind == "gap":
                        current_kind = "caption"
                    current.append(text)
                else:
                    flush()
                    current_kind = kind
                    current = [text]
            last_used = idx + 1
        else:
            last_used = len(pre)
        flush()
        f["_pre_used"] = last_used

        tags_text: list[str] = []
        for kind, text in items:
            if kind == "caption":
                caveats.extend(_caveats_in(text))
                for ln in text.split("\n"):
                    if RE_SBU_LINE.match(ln):
                        caveats.append("SBU")
                if "CORRECTEDCOPY" in _collapse(text):
                    f["corrected"] = True
            elif kind == "eo":
                self._read_eo(text)
            elif kind == "tags":
                tags_text.append(text)
            elif kind == "subject" and "subject" not in f:
                subject = _clean(text)
                m = RE_SBU_TAIL.search(subject)
                if m:  # `... THE ELECTION Sensitive but unclassified`: a caption run onto it
                    subject = subject[: m.start()].strip()
                    caveats.append("SBU")
                f["subject"] = subject or None
            elif kind == "ref":
                refs = f.setdefault("references", [])
                assert isinstance(refs, list)
                refs.extend(self._read_refs(text))
            elif kind == "classified_by" and "classified_by" not in f:
                self._read_classified_by(text)
        if tags_text:
            f["tags"] = self._read_tags(tags_text[0])
            if "SIPDIS" in tags_text[0].upper():
                caveats.append("SIPDIS")
        else:
            f["tags"] = []

    def _split_keywords(self, s: str) -> list[tuple[str | None, str]]:
        """Split one line into (keyword kind, text) pieces; kind None for plain text."""
        hits: list[tuple[int, int, str]] = []
        m = RE_TAGS_START.match(s)
        if (
            m
            and (
                m.group(0).strip().upper().startswith(("TAGS", "TAGS:"))
                or ":" in m.group(0)
                or re.match(r"^[A-Z]{2,6}\b", s[m.end() :] or "")
            )
            and not re.match(r"^\s*TAGS?\s+[a-z]", s)
        ):
            hits.append((m.start(), m.end(), "tags"))
        # each keyword's pattern runs only on a line holding its letters: a case-blind
        # pattern tries every position of the line, a substring test does not
        up = s.upper()
        if "TAG" in up:
            for m in RE_TAGS_INLINE.finditer(s):
                hits.append((m.start(), m.end(), "tags"))
        if "DECL" in up or RE_EO_GATE.search(up):
            for m in RE_EO.finditer(s):
                hits.append((m.start(), m.end(), "eo"))
        if "SUBJ" in up:
            for m in RE_SUBJECT.finditer(s):
                hits.append((m.start(), m.end(), "subject"))
        else:
            m = RE_SUBJECT.match(s)  # a damaged keyword opening the line
            if m:
                hits.append((m.start(), m.end(), "subject"))
        if "REF" in up:
            for m in RE_REF.finditer(s):
                hits.append((m.start(), m.end(), "ref"))
        if "CLASSIFIED" in up:
            m = RE_CLASSIFIED_BY_START.match(s)
            if m:
                hits.append((m.start(), m.end(), "classified_by"))
            else:
                for m in RE_CLASSIFIED_BY.finditer(s):
                    hits.append((m.start(), m.end(), "classified_by"))
        if not hits:
            return [(None, s)]
        hits.sort()
        # drop overlapping hits, keeping the earliest; the EO keyword is kept from the
        # start of a DECL phrase to the next keyword
        kept: list[tuple[int, int, str]] = []
        for h in hits:
            if kept and h[0] < kept[-1][1]:
                continue
            # keywords inside a subject or classified-by text (other than REF and Classified
            # By, which are glued there in real traffic) are not keywords
            if kept and kept[-1][2] in ("subject",) and h[2] in ("tags", "eo"):
                continue
            if kept and kept[-1][2] == "classified_by" and h[2] in ("eo", "subject", "tags"):
                continue
            kept.append(h)
        out: list[tuple[str | None, str]] = []
        if kept[0][0] > 0:
            out.append((None, s[: kept[0][0]].strip()))
        for idx, (_start, end, kind) in enumerate(kept):
            stop = kept[idx + 1][0] if idx + 1 < len(kept) else len(s)
            out.append((kind, s[end:stop].strip()))
        if out and out[0][0] is None and not out[0][1]:
            out.pop(0)
        return out

    def _listed_reference(self, year: int | None) -> str | None:
        """A cablegate reference id standing alone on a line near the top, as a copied record's
        metadata lists it (`09ULAANBAATAR234`), when its year agrees with the cable's."""
        record = self._dump_record
        candidates = [record[0]] if record else []
        if "ORIGIN" in self._meta_block:
            candidates.append(self._meta_block["ORIGIN"])
        candidates += [ln for ln in self.lines[:80] if RE_LISTED_ID.match(ln)]
        for c in candidates:
            m = RE_LISTED_ID.match(c)
            if m and (year is None or int(m.group(1)) == year % 100):
                return c.strip()
        return None

    @cached_property
    def _meta_block(self) -> dict[str, str]:
        """`ID:`, `ORIGIN:`, `DATE:`, `CLASSIFICATION:` ... lines of a cablegate page copied into
        the text, near its top (redacted values, `XXXXXXXXXXXX`, left out)."""
        out: dict[str, str] = {}
        for line in self.lines[:150]:
            m = RE_META_LINE.match(line)
            if m and m.group(2) and not re.fullmatch(r"X{4,}", m.group(2), re.I):
                out.setdefault(m.group(1), m.group(2))
        return out

    def _meta_date(self) -> dt.datetime | None:
        m = RE_META_DATE.match(self._meta_block.get("DATE", ""))
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

    @cached_property
    def _dump_record(self) -> tuple[str, str] | None:
        """(reference id, classification) from a line of a cablegate table export copied into
        the text (`2007-09-11 09:44:00<TAB>07BERN881<TAB>Embassy Bern<TAB>SECRET<TAB>...`)."""
        head = self.lines[:200]
        for k, line in enumerate(head):
            if "\t" in line:
                m = RE_DUMP_RECORD.match(line)
                if m:
                    return m.group(1), m.group(2)
            elif RE_LISTED_ID.match(line):
                # a copied page's metadata block: the id, the origin, the classification
                for nxt in head[k + 1 : k + 4]:
                    got = self._banner_level(nxt.strip())
                    rest = re.split(r"[/\s]+", got[1].upper().strip(" /")) if got else []
                    if got and all(w in CAVEAT_WORDS for w in rest if w):
                        return line.strip(), nxt.strip()
        return None

    def _lead_text(self) -> str:
        """The subject and the first paragraph: what the cable is about, usually recent."""
        paras = self._paragraphs_list
        return " ".join([str(self.fields.get("subject") or "")] + [p.text for p in paras[:1]])

    def _dates_said(self, lo: int, hi: int) -> dt.date | None:
        for m in RE_FULL_DATE.finditer(self._lead_text()):
            month = _month(m.group(1))
            try:
                d = dt.date(int(m.group(3)), month, int(m.group(2)))
            except ValueError:
                continue
            if lo <= d.year <= hi:
                return d
        return None

    @cached_property
    def _past_event_floor(self) -> dt.date | None:
        """The first day of the latest month a sentence names, with its year, as past
        (`was named in July 2005`, `in December 2004, then-Secretary ... led`): the cable was
        sent after it. Sentences that speak of the future or of plans are not evidence."""
        text = " ".join(p.text for p in self._paragraphs_list[:12])
        lo, hi = self._year_bounds
        best: dt.date | None = None
        for sentence in RE_SENTENCE_END.split(text[:30000]):
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

    def _reported_day(self) -> dt.date | None:
        """For an extract with no date at all: the day after the latest day without a year
        that its first paragraph reports (`told the Ambassador December 20`), in the year of
        the latest past month it names, or the next year when that day comes before it."""
        floor = self._past_event_floor
        paras = self._paragraphs_list
        if floor is None or not paras:
            return None
        latest: dt.date | None = None
        for m in RE_MONTH_DAY.finditer(paras[0].text):
            month, day = _month(m.group(1)), int(m.group(2))
            year = floor.year if (month, day) >= (floor.month, 1) else floor.year + 1
            try:
                d = dt.date(year, month, day)
            except ValueError:
                continue
            latest = d if latest is None or d > latest else latest
        return latest + dt.timedelta(days=1) if latest is not None else None

    @property
    def _paragraphs_list(self) -> list[Paragraph]:
        paras = self.fields.get("paragraphs") or []
        assert isinstance(paras, list)
        return paras

    def _years_said(self, lo: int, hi: int) -> set[int]:
        """Years written out in the subject (`VISIT TO CANADA, NOVEMBER 30 - DECEMBER 1, 2004`)."""
        subject = str(self.fields.get("subject") or "")
        return {int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", subject) if lo <= int(y) <= hi}

    @cached_property
    def _year_bounds(self) -> tuple[int, int]:
        """The years a cable can be from: while the executive order it cites was in force, and
        not before the latest cable it cites with a year (`REF: A. 04 STATE 274965`). Asked
        only once the references have been read."""
        order = re.search(r"\bE\.?\s?O\.?\s*(1[1-3]\d{3})\b", self.text[:6000], re.I)
        lo, hi = EO_YEARS.get(order.group(1), (1900, 9999)) if order else (1900, 9999)
        refs = self.fields.get("references") or []
        assert isinstance(refs, list)
        for ref in refs:
            assert isinstance(ref, Reference)
            m = re.match(r"^\s*(\d{2}|\d{4})\s+[A-Z]", ref.text)
            if m:
                lo = max(lo, _year4(m.group(1)))
        return lo, hi

    def _telegram_date(self) -> dt.date | None:
        """The date of a State Department TELEGRAM printout (`TELEGRAM   June 03, 2003`)."""
        for line in self.lines[:60]:
            m = RE_TELEGRAM.match(line)
            if m:
                month = _month(m.group(1))
                try:
                    return dt.date(int(m.group(3)), month, int(m.group(2)))
                except ValueError:
                    return None
        return None

    def _read_eo(self, text: str) -> None:
        f = self.fields
        t = _clean(text)
        m = re.search(r"DECL(?:ASSIFY)?\s*:?\s*(.*)$", t, re.I)
        decl = m.group(1).strip(" .") if m else t.strip(" .:")
        decl = re.sub(r"^:\s*", "", decl)
        f["declassify"] = decl or None
        iso = parse_decl_date(decl) if decl else None
        f["declassify_on"] = iso

    def _read_tags(self, text: str) -> list[str]:
        """The TAGS as written, one line or several (a person's tag may wrap: `OVIP (ROE,` /
        `JANE A.)`); a run of codes that lost its spaces keeps its place and the codes it
        glues follow the written tags, so a filter by any of them finds the cable."""
        tags: list[str] = []
        glued: list[str] = []
        lines: list[str] = []
        for line in text.split("\n"):
            if lines and lines[-1].count("(") > lines[-1].count(")"):
                lines[-1] += " " + line  # a person's tag wrapped inside its parentheses
            else:
                lines.append(line)
        for line in lines:
            t = _clean(line)
            t = re.sub(r"\bSIPDIS\b.*$", "", t, flags=re.I).strip()
            t = t.strip(" ,;:.")
            if not t:
                continue
            if re.search(r"[,;]", re.sub(r"\([^)]*\)", "", t)):
                parts = re.split(r"[,;]\s*(?![^()]*\))", t)
            else:
                # a person's name in parentheses belongs to the tag before it
                parts = []
                for p in re.findall(r"\([^)]*\)|\S+", t):
                    if p.startswith("(") and parts:
                        parts[-1] += " " + p
                    else:
                        parts.append(p)
            for p in parts:
                p = _clean(p).strip(" .:")
                if p:
                    tags.append(p.upper())
                    glued.extend(split_glued_tags(p.upper()) or ())
        return list(dict.fromkeys(tags + glued))

    def _read_refs(self, text: str) -> list[Reference]:
        return read_references(text)

    def _classified_by_in_text(self) -> None:
        """A `Classified by` line that is not in the header but opens the text before the first
        paragraph (`Classified By: ... / ------- / SUMMARY`) or one of the first paragraphs
        (`2. (U) Classified by Acting DAS ..., Reasons 1.4 / (b) and (d).`): the line and its
        continuation, up to a blank or rule line or the end of its sentence."""
        for p in self._paragraphs_list[:4]:
            if not RE_CLASSIFIED_BY_START.match(p.text):
                continue
            taken: list[str] = []
            for line in p.text.split("\n")[:3]:
                st = line.strip()
                if not st or RE_RULE_LINE.match(st):
                    break
                taken.append(st)
                if st.endswith((".", ")")):
                    break
            self._read_classified_by(" ".join(taken))
            return

    def _read_classified_by(self, text: str) -> None:
        f = self.fields
        t = _clean(text)
        t = re.sub(r"^(?:Classified\s+By\s*:?\s*)+", "", t, flags=re.I)
        m = RE_REASONS.search(t)
        if m:
            f["reasons"] = m.group(1).strip(" .")
            t = t[: m.start()].strip(" .,;")
        else:
            m = RE_REASON_NUM.search(t)
            if m:
                f["reasons"] = m.group(0).strip(" .")
                t = t[: m.start()].strip(" .,;")
                t = re.sub(
                    r"\s*(?:for\s+)?(?:reasons?|per|F0R REASONS)\s*:?\s*$", "", t, flags=re.I
                )
        t = re.sub(r"\s*(?:for|,)\s*$", "", t, flags=re.I).strip(" .,;:")
        f["classified_by"] = t or None

    def _citing_year(self) -> int | None:
        dtg = str(self.fields.get("dtg") or "")
        return int(dtg[:4]) if dtg[:4].isdigit() else None

    def _build(self) -> Cable:
        f = self.fields

        def s(key: str) -> str | None:
            v = f.get(key)
            return str(v) if v is not None else None

        refs = f.get("references") or []
        assert isinstance(refs, list)
        tags = f.get("tags") or []
        assert isinstance(tags, list)
        caveats = f.get("caveats") or []
        assert isinstance(caveats, list)
        to = f.get("to") or []
        info = f.get("info") or []
        paras = f.get("paragraphs") or []
        assert isinstance(to, list) and isinstance(info, list) and isinstance(paras, list)
        return Cable(
            reference_id=s("reference_id"),
            transmission_id=s("transmission_id"),
            precedence=s("precedence"),
            info_precedence=s("info_precedence"),
            dtg=s("dtg"),
            dtg_raw=s("dtg_raw"),
            dtg_estimated=bool(f.get("dtg_estimated")),
            classification=s("classification"),
            level=s("level"),
            caveats=tuple(caveats),
            from_=s("from"),
            origin=s("origin"),
            to=tuple(to),
            info=tuple(info),
            station=s("station"),
            station_serial=s("station_serial"),
            security_line=s("security_line"),
            tags=tuple(tags),
            subject=s("subject"),
            references=with_cable_ids(refs, self._citing_year(), s("station")),
            classified_by=s("classified_by"),
            classified_by_name=classified_by_name(s("classified_by")),
            reasons=s("reasons"),
            declassify=s("declassify"),
            declassify_on=s("declassify_on"),
            partial=bool(f.get("partial")),
            corrected=bool(f.get("corrected")),
            section=s("section"),
            signature=s("signature"),
            paragraphs=tuple(paras),
            body=self.text,
            warnings=tuple(self.warnings),
        )


def parse_cable(text: str) -> Cable:
    """Parse one cable's text. Never raises: on an internal error the Cable says so."""
    head, tail = _split_for_reading(text)
    try:
        cable = _Parser(head).parse()
    except Exception as exc:  # pragma: no cover - the property test hunts for these
        return Cable(body=text, warnings=(f"parser error: {type(exc).__name__}: {exc}",))
    if not tail:
        return cable
    # the text past what is read for structure: kept whole, as one unnumbered block
    rest = tail.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    return replace(
        cable,
        paragraphs=(*cable.paragraphs, Paragraph(None, None, rest.strip())),
        signature=None,
        body=cable.body + ("" if cable.body.endswith("\n") else "\n") + rest,
        warnings=(
            *cable.warnings,
            f"the cable is {len(text):,} characters long: its structure was read in the first "
            f"{len(head):,}; the rest is kept as one block of text",
        ),
    )


# how much of a cable is read for its structure (the longest cables in the wild are under
# 100,000 characters); see also BODY_LINES_READ
PARSE_CHARS_READ = 300_000


def _split_for_reading(text: str) -> tuple[str, str]:
    """The head read for structure (cut at a line break where there is one) and the rest."""
    if len(text) <= PARSE_CHARS_READ:
        return text, ""
    cut = text.rfind("\n", PARSE_CHARS_READ // 2, PARSE_CHARS_READ)
    cut = PARSE_CHARS_READ if cut < 0 else cut + 1
    return text[:cut], text[cut:]


def parse_bytes(data: bytes) -> Cable:
    text, warnings = decode(data)
    return parse_decoded(text, warnings)


def parse_decoded(text: str, decode_warnings: list[str]) -> Cable:
    """Parse text that `decode` gave, keeping what decoding had to say as the first warnings."""
    cable = parse_cable(text)
    if decode_warnings:
        cable = replace(cable, warnings=tuple(decode_warnings) + cable.warnings)
    return cable
