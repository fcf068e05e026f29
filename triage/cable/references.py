"""A cable's REF block read as links: each reference's letter, its text, and the cablegate ids it
names (`A. 08 STATE 061194` is 08STATE61194).

Rules, each about the format (cable-format.md §4.17), never about one cable:

- letters: `A.`, `A)`, `(A)`, `¶B.`, lower case (`a. 07 state 75839 b. State 15220`), and a bare
  letter before a cable (`REF A LONDON 2768`, `SECSTATE 90063 B KUALA LUMPUR 739`);
- a year written before the station (`08 STATE 061194`, `2008 STATE 61194`, glued
  `10SHENYANG 003`) or after the serial (`LIMA 355 (07)`), else the citing cable's year;
- several cables in one entry (`BERLIN 1337, BERLIN 1340`, `ROME 1301 AND 1311`,
  `MADRID 12; 06 MADRID 455`);
- stations from a code table (the State Department's posts and missions, from ACP 117 and the
  cablegate ids), written with spaces or without, in any case (`Sao Paulo 00228`, `SAOPAULO 31`,
  `RIO DE JANEIRO 214`), with the short forms cables use (`SECSTATE WASHDC` and `SECSTATE` for
  `STATE`, `RIO` and `RIO DE JAN`, `CASA`, `USUN`, `EMBASSY VIENNA`); leading zeros dropped;
- what is no cable (an e-mail, a telcon, `7 FAM 180`, an intelligence report, a page marker
  `BRASILIA 00001378 001.2 OF 003`) names none; a year before 1900 or after 2099, a year later
  than the citing cable's, or serial 0 is impossible and names none.

Pure and never raises on any text: the parser calls it, so do the store and the console.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from .model import Reference

# Posts and missions, as cablegate spells their station (spaces are optional when written).
# From the RUEH* (State) addresses of ACP 117 (shared/reference/acp117_route2name.csv, with its
# misspellings corrected) and the stations of cablegate ids, including posts since closed.
PLACES = (
    "ABIDJAN", "ABU DHABI", "ABUJA", "ACCRA", "ADANA", "ADDIS ABABA", "ALGIERS", "ALMATY",
    "AMMAN", "AMSTERDAM", "ANKARA", "ANTANANARIVO", "APIA", "ASHGABAT", "ASMARA", "ASTANA",
    "ASUNCION", "ATHENS", "AUCKLAND", "BAGHDAD", "BAKU", "BAMAKO", "BANDAR SERI BEGAWAN",
    "BANGKOK", "BANGUI", "BANJUL", "BARCELONA", "BASRAH", "BEIJING", "BEIRUT", "BELFAST",
    "BELGRADE", "BELMOPAN", "BERLIN", "BERN", "BISHKEK", "BOGOTA", "BONN", "BRASILIA",
    "BRATISLAVA", "BRAZZAVILLE", "BRIDGETOWN", "BRUSSELS", "BUCHAREST", "BUDAPEST",
    "BUENOS AIRES", "BUJUMBURA", "CAIRO", "CALGARY", "CANBERRA", "CAPE TOWN", "CARACAS",
    "CASABLANCA", "CHENGDU", "CHENNAI", "CHIANG MAI", "CHISINAU", "CIUDAD JUAREZ", "COLOMBO",
    "CONAKRY", "COPENHAGEN", "COTONOU", "CURACAO", "DAKAR", "DAMASCUS", "DAR ES SALAAM",
    "DHAHRAN", "DHAKA", "DILI", "DJIBOUTI", "DOHA", "DUBAI", "DUBLIN", "DURBAN", "DUSHANBE",
    "DUSSELDORF", "EDINBURGH", "ERBIL", "FLORENCE", "FRANKFURT", "FREETOWN", "FUKUOKA",
    "GABORONE", "GENEVA", "GEORGETOWN", "GRENADA", "GUADALAJARA", "GUANGZHOU", "GUATEMALA",
    "GUAYAQUIL", "HALIFAX", "HAMBURG", "HAMILTON", "HANOI", "HARARE", "HAVANA", "HELSINKI",
    "HERAT", "HERMOSILLO", "HO CHI MINH CITY", "HONG KONG", "HYDERABAD", "ISLAMABAD",
    "ISTANBUL", "JAKARTA", "JEDDAH", "JERUSALEM", "JUBA", "KABUL", "KAMPALA", "KAOHSIUNG",
    "KARACHI", "KATHMANDU", "KHARTOUM", "KIGALI", "KINGSTON", "KINSHASA", "KIRKUK", "KOLKATA",
    "KOLONIA", "KOROR", "KRAKOW", "KUALA LUMPUR", "KUWAIT", "KYIV", "LA PAZ", "LAGOS", "LAHORE",
    "LEIPZIG", "LIBREVILLE", "LILONGWE", "LIMA", "LISBON", "LJUBLJANA", "LOME", "LONDON",
    "LUANDA", "LUSAKA", "LUXEMBOURG", "MADRID", "MAJURO", "MALABO", "MANAGUA", "MANAMA",
    "MANILA", "MAPUTO", "MARSEILLE", "MASERU", "MATAMOROS", "MAZAR E SHARIF", "MBABANE",
    "MEDAN", "MELBOURNE", "MERIDA", "MEXICO", "MILAN", "MINSK", "MOGADISHU", "MONROVIA",
    "MONTERREY", "MONTEVIDEO", "MONTREAL", "MOSCOW", "MOSUL", "MUMBAI", "MUNICH", "MUSCAT",
    "NAGOYA", "NAHA", "NAIROBI", "NAPLES", "NASSAU", "NDJAMENA", "NEW DELHI", "NIAMEY",
    "NICOSIA", "NOGALES", "NOUAKCHOTT", "NUEVO LAREDO", "OSAKA KOBE", "OSLO", "OTTAWA",
    "OUAGADOUGOU", "PANAMA", "PARAMARIBO", "PARIS", "PERTH", "PESHAWAR", "PHNOM PENH",
    "PODGORICA", "PONTA DELGADA", "PORT AU PRINCE", "PORT LOUIS", "PORT MORESBY",
    "PORT OF SPAIN", "PRAGUE", "PRAIA", "PRETORIA", "PRISTINA", "QUEBEC", "QUITO", "RABAT",
    "RANGOON", "RECIFE", "REYKJAVIK", "RIGA", "RIO DE JANEIRO", "RIYADH", "ROME", "SAIGON",
    "SAN JOSE", "SAN SALVADOR", "SANAA", "SANTIAGO", "SANTO DOMINGO", "SAO PAULO", "SAPPORO",
    "SARAJEVO", "SEOUL", "SHANGHAI", "SHENYANG", "SINGAPORE", "SKOPJE", "SOFIA",
    "ST PETERSBURG", "STOCKHOLM", "STRASBOURG", "SURABAYA", "SUVA", "SYDNEY", "TAIPEI",
    "TALLINN", "TASHKENT", "TBILISI", "TEGUCIGALPA", "TEHRAN", "TEL AVIV", "THE HAGUE",
    "THESSALONIKI", "TIJUANA", "TIRANA", "TOKYO", "TORONTO", "TRIPOLI", "TUNIS",
    "ULAANBAATAR", "VALLETTA", "VANCOUVER", "VATICAN", "VIENNA", "VIENTIANE", "VILNIUS",
    "VLADIVOSTOK", "WARSAW", "WELLINGTON", "WINDHOEK", "WINNIPEG", "YAOUNDE", "YEKATERINBURG",
    "YEREVAN", "ZAGREB",
    # the Department and missions to organisations
    "STATE", "USUN NEW YORK", "USNATO", "UNVIE VIENNA", "USEU BRUSSELS", "USOSCE",
    "CD GENEVA", "UNESCO PARIS FR", "UN ROME", "RPO DUBAI", "USTR GENEVA", "USAU ADDIS ABABA",
)  # fmt: skip

# short and long forms cables write for a station (written words -> the station)
ALIASES = {
    "SECSTATE WASHDC": "STATE",
    "SECSTATE WASHINGTON DC": "STATE",
    "SECSTATE": "STATE",
    "DEPARTMENT OF STATE": "STATE",
    "USUN": "USUN NEW YORK",
    "USMISSION USUN NEW YORK": "USUN NEW YORK",
    "UNVIE": "UNVIE VIENNA",
    "USMISSION UNVIE VIENNA": "UNVIE VIENNA",
    "USEU": "USEU BRUSSELS",
    "USMISSION USNATO": "USNATO",
    "USMISSION GENEVA": "GENEVA",
    "RIO DE JAN": "RIO DE JANEIRO",
    "RIO": "RIO DE JANEIRO",
    "CASA": "CASABLANCA",
    "MEXICO CITY": "MEXICO",
    "PANAMA CITY": "PANAMA",
    "GUATEMALA CITY": "GUATEMALA",
    "VATICAN CITY": "VATICAN",
    "IRAN RPO DUBAI": "RPO DUBAI",
    "HCMC": "HO CHI MINH CITY",
    "KIEV": "KYIV",
}

# an embassy or consulate written before its place (`EMBASSY VIENNA 1450`, `AMCONSUL MUNICH 12`)
_POST_WORD = r"(?:(?:AM)?EMBASSY|AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?|CONSULATE|USMISSION)\s+"


def _written(words: str) -> str:
    """A pattern for a station as written: its words with or without spaces, any case."""
    return r"\s*".join(re.escape(w) for w in words.split())


RE_NOT_CODE = re.compile(r"[^A-Z0-9 ]")


@lru_cache(maxsize=4096)
def station_code(words: str) -> str:
    """The station as a cablegate id spells it (`SAO PAULO` -> SAOPAULO, `SECSTATE` -> STATE)."""
    up = words.upper()
    if not (up.isascii() and up.replace(" ", "").isalnum()):  # else all of it is A-Z, 0-9, blanks
        up = RE_NOT_CODE.sub(" ", up)
    key = " ".join(up.split())
    key = ALIASES.get(key, key)
    return key.replace(" ", "")


_FORMS = sorted({*PLACES, *ALIASES}, key=len, reverse=True)
_SERIAL_END = r"(?![0-9])(?![./-][0-9])(?!\s+\d{3}(?:\.\d)?\s+OF\s+\d)"
# what comes before a station (a year, a post word) and after it (the serial, more serials, a
# year after them); the table's pattern is the three with the stations between
_BEFORE = rf"(?<![A-Za-z0-9])(?:(?P<year>\d{{4}}|\d{{2}})\s*)?(?:{_POST_WORD})?"
_AFTER = (
    rf"(?![A-Za-z'’])\s*0*(?P<serial>\d{{1,7}}){_SERIAL_END}"
    rf"(?P<more>(?:\s*(?:,|;|&|\bAND\b)\s*0*\d{{1,7}}{_SERIAL_END}(?!\s*[A-Za-z]))*)"
    rf"(?:\s*\((?P<after>\d{{4}}|\d{{2}})\))?"
)


def _pattern(stations: str) -> re.Pattern[str]:
    return re.compile(rf"{_BEFORE}(?P<station>{stations}){_AFTER}", re.I)


def _letter_tree(forms: list[str]) -> dict[str, dict]:
    """The stations' forms as a tree of their letters (upper case, one blank between words),
    "" marking where a form ends: the one shape the pattern's trie and the walk's are built
    from."""
    tree: dict[str, dict] = {}
    for form in forms:
        node = tree
        for ch in " ".join(form.upper().split()):
            node = node.setdefault(ch, {})
        node[""] = {}
    return tree


def _trie(forms: list[str]) -> str:
    """One alternation for many stations, factored by their letters (`B(?:A(?:GHDAD|KU)|...)`):
    Python's regex engine tries every branch of a flat alternation at every position of the
    text; factored, a position that starts no station fails at its first letter."""
    tree = _letter_tree(forms)

    def emit(node: dict[str, dict]) -> str:
        branches = []
        for ch in sorted(node, key=lambda c: (c == "", c)):
            if ch == "":
                continue
            piece = r"\s*" if ch == " " else re.escape(ch)
            branches.append(piece + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # a station may end here (`RIO` before `RIO DE JANEIRO`): the longer one is tried first
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


@lru_cache(maxsize=1)
def _table() -> re.Pattern[str]:
    """The pattern for every station of the table, compiled on first use: 2,700 characters that
    cost the regex compiler 14-37 ms (most of a process's first parse), so it is used only for
    the text the table's walk (`_walk`) does not read: non-ASCII or long."""
    return _pattern(_trie(_FORMS))


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    """The table's station codes."""
    return frozenset(map(station_code, _FORMS))


@lru_cache(maxsize=1024)
def _own_pattern(own: str) -> re.Pattern[str]:
    """The citing cable's own station, for a post the table lacks (a small pattern each)."""
    return _pattern(r"\s*".join(re.escape(ch) for ch in own))


# -- the table's pattern, walked in Python -------------------------------------------------
#
# What _table().finditer(text) finds, found without compiling it, for text in ASCII (upper-cased:
# re.I on ASCII is upper case) of at most WALK_CHARS characters (what a REF entry is; the
# search for starts is quadratic in a run of words with no digit). A cheap pattern (_START)
# finds each position where the table's pattern may match: its year, then letters and blanks
# (the post word and the station) up to a digit (the serial). There the pattern's own order of
# tries is followed: the year as four digits, as two, none; each post word (the longest first),
# none; the stations as the trie's branches are tried (a blank before the letters, the longer
# station before the one it extends); after each station, _REST, the pattern's own tail.

WALK_CHARS = 2_000
_START = re.compile(r"(?<![A-Z0-9])(?:(?:\d{4}|\d{2})\s*)?[A-Z][A-Z\s]*+\d")
_REST = re.compile(_AFTER, re.I)
# _POST_WORD's ways to match, in the order the regex engine tries them
_POSTS = tuple(
    re.compile(p)
    for p in (
        r"AMEMBASSY\s+",
        r"EMBASSY\s+",
        r"AM\s*CONSULATE\s+GENERAL\s+",
        r"AM\s*CONSULATE\s+",
        r"AM\s*CONSUL\s+GENERAL\s+",
        r"AM\s*CONSUL\s+",
        r"CONSULATE\s+",
        r"USMISSION\s+",
    )
)
_POST_OPENERS = ("AM", "EMBASSY", "CONSULATE", "USMISSION")
# what the tail's `(?![A-Za-z'’])` refuses after a station, in upper-case ASCII
_WORD_GOES_ON = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ'")
_DIGITS = frozenset("0123456789")
# a trie node: [the letters that go on, each to its node; the node after a blank (None when
# none goes on); a station ends here] (a list, built in place: the same tree as _letter_tree's)
_Node = list[Any]


@lru_cache(maxsize=1)
def _walk_root() -> _Node:
    """The stations' forms as _letter_tree has them, each node made once as its form's letters
    are walked (a tree of dicts first, then each node copied into a tuple by a recursive call:
    16 M instructions a process, 60 k a cable of a first pass over the corpus)."""
    root: _Node = [{}, None, False]
    for form in _FORMS:
        node = root
        for ch in " ".join(form.upper().split()):
            if ch == " ":
                nxt = node[1]
                if nxt is None:
                    nxt = node[1] = [{}, None, False]
            else:
                letters = node[0]
                nxt = letters.get(ch)
                if nxt is None:
                    nxt = letters[ch] = [{}, None, False]
            node = nxt
        node[2] = True
    return root


class Found(NamedTuple):
    """One cable a text names: where it starts and the pattern's groups."""

    start: int
    year: str | None
    station: str
    serial: str
    more: str
    after: str | None

    @classmethod
    def of(cls, m: re.Match[str]) -> Found:
        return cls(
            m.start(), m.group("year"), m.group("station"), m.group("serial"),
            m.group("more"), m.group("after"),
        )  # fmt: skip


def _tail(up: str, i: int, node: _Node) -> re.Match[str] | None:
    """The tail (_REST) after the first station that the text at i goes on with, in the order
    the trie's pattern tries them: along the letters, each blank's branch as it is reached,
    then the stations that end on the way, the longest first."""
    n = len(up)
    ends: list[int] = []
    while True:
        letters, space, end = node
        if space is not None:
            j = i
            while j < n and up[j].isspace():  # `\s*`: str.isspace is sre's \s
                j += 1
            m = _tail(up, j, space)
            if m is not None:
                return m
        if end and up[i : i + 1] not in _WORD_GOES_ON:
            ends.append(i)
        nxt = letters.get(up[i : i + 1])
        if nxt is None:
            break
        node, i = nxt, i + 1
    for e in reversed(ends):
        m = _REST.match(up, e)
        if m is not None:
            return m
    return None


def _found_at(up: str, p: int) -> tuple[Found, int] | None:
    """The table's pattern's match at p, as the regex engine would find it, and its end."""
    years: list[tuple[str | None, int]] = []
    if up[p : p + 1] in _DIGITS:
        for size in (4, 2):
            y = up[p : p + size]
            if len(y) == size and y.isdigit():  # ASCII: 0-9 only
                q = p + size
                while q < len(up) and up[q].isspace():
                    q += 1
                years.append((y, q))
    years.append((None, p))
    root = _walk_root()
    for year, q in years:
        starts = []
        if up.startswith(_POST_OPENERS, q):
            starts = [m.end() for m in (post.match(up, q) for post in _POSTS) if m is not None]
        starts.append(q)
        for s in starts:
            m = _tail(up, s, root)
            if m is not None:
                station = up[s : m.start()]
                serial, more, after = m.group("serial", "more", "after")
                return Found(p, year, station, serial, more, after), m.end()
    return None


def _walk(up: str) -> list[Found]:
    """_table().finditer(up) for an upper-case ASCII text."""
    found: list[Found] = []
    pos = 0
    while True:
        g = _START.search(up, pos)
        if g is None:
            return found
        got = _found_at(up, g.start())
        if got is None:
            pos = g.start() + 1
            continue
        found.append(got[0])
        pos = got[1]


def _matches(text: str, own: str) -> list[Found]:
    if text.isascii() and len(text) <= WALK_CHARS:
        found = _walk(text.upper())
    else:
        found = [Found.of(m) for m in _table().finditer(text)]
    if own and own not in _codes():
        found += [Found.of(m) for m in _own_pattern(own).finditer(text)]
        found.sort(key=lambda f: f.start)
    return found


def _year4(written: str) -> int:
    y = int(written)
    if len(written) == 4:
        return y
    return 1900 + y if y >= 50 else 2000 + y


def cable_ids(text: str, year: int | None, station: str | None = None) -> tuple[str, ...]:
    """The cablegate ids a reference's text names, in the order written, each once.

    `year` is the citing cable's (for references that write none, and to refuse a cable that
    would be later than the one citing it); `station` its station, which is known even if
    the table lacks it.
    """
    ids: list[str] = []
    if not any(map(str.isdigit, text)):  # each character tested in C, not a generator's
        return ()
    own = station_code(station) if station else ""
    for m in _matches(text, own):
        written = m.year or m.after
        if written:
            y = _year4(written)
            if not 1900 <= y <= 2099:
                continue
        elif year is not None:
            y = year
        else:
            continue
        if year is not None and y > year:
            continue  # a cable cannot cite a later one: the year is misread or mistyped
        code = station_code(m.station)
        serials = [m.serial, *re.findall(r"\d+", m.more or "")]
        for serial in serials:
            if int(serial) == 0:
                continue
            ref = f"{y % 100:02d}{code}{int(serial)}"
            if ref not in ids:
                ids.append(ref)
    return tuple(ids)


# -- letters -------------------------------------------------------------------------------

_BULLET_UPPER = re.compile(r"(?:^|\s)¶?\(?([A-Z])[.)]\s+(?=\S)")
_BULLET_LOWER = re.compile(r"(?:^|\s)¶?\(?([a-z])[.)]\s+(?=\S)")
# a bare letter before a cable: at the start, or after the serial of the cable before it
_BARE_LETTER = re.compile(
    r"(?:^|(?<=\d)\s+|(?<=\d\))\s+)([A-Z])\s+(?=(?:\d{2,4}\s+)?[A-Za-z][A-Za-z ]{1,30}?\s*\d)"
)


# a letter written again at an entry's start, and the next letter written bare after a serial:
# for any letter, which the caller compares with the one it looks for (a pattern per letter,
# compiled at its first use, cost each process some fifty compiles)
_REPEATED_LETTER = re.compile(r"^\s*\(?([A-Za-z])[.)]\s+")
_NEXT_LETTER = re.compile(
    r"(?<=[\d),])\s+\(?(?:([A-Z])|([a-z])[.)]|([A-Z])[.)])\s+"
    r"(?=(?:\d{2,4}\s+)?[A-Za-z][A-Za-z ]{1,30}?\s*\d)"
)


def _without_repeated_letter(letter: str, text: str) -> str:
    """A reference's text without its letter written again (`A. A) 04 STATE 274965`: a web
    page's list numbering before the cable's own)."""
    m = _REPEATED_LETTER.match(text)
    if m is not None and m.group(1) == letter:
        text = text[m.end() :]
    return text.strip()


def _next_letter(nxt: str, text: str) -> re.Match[str] | None:
    """Where `nxt` (upper case) is written bare (or as `b.`, `B)`) after a serial: the first
    place _NEXT_LETTER finds for that letter, as a pattern for that letter alone would."""
    pos = 0
    while True:
        m = _NEXT_LETTER.search(text, pos)
        if m is None:
            return None
        bare, lower, marked = m.groups()
        if (bare or marked or lower.upper()) == nxt:
            return m
        pos = m.start() + 1


def _split(t: str, pattern: re.Pattern[str]) -> list[Reference] | None:
    parts = pattern.split(t)
    if len(parts) < 3:
        return None
    refs: list[Reference] = []
    if parts[0].strip():
        refs.append(Reference(None, parts[0].strip()))
    for k in range(1, len(parts) - 1, 2):
        letter = parts[k].upper()
        txt = _without_repeated_letter(parts[k], parts[k + 1])
        if txt:
            refs.append(Reference(letter, txt))
    return refs


def read_references(text: str) -> list[Reference]:
    """The entries of a REF block's text, each with its letter (None when it has none)."""
    t = " ".join(text.split())
    if not t:
        return []
    refs = _split(t, _BULLET_UPPER)
    if refs is None and re.match(r"^¶?\(?a[.)]\s", t):
        refs = _split(t, _BULLET_LOWER)
    if refs is None:
        m = _BARE_LETTER.match(t)
        if m and m.group(1) == "A":
            refs = _split(t, _BARE_LETTER)
    if refs is None:
        return [Reference(None, t)]
    if len(refs) > 1 and refs[0].letter is None and refs[1].letter:
        # the first letter in the other case (`a. 05 STATE 201650 ¶B. 05 BERLIN 3726`)
        m = _FIRST_OTHER_CASE.match(refs[0].text)
        if m and len(refs[1].letter) == 1 and ord(m.group(1).upper()) + 1 == ord(refs[1].letter):
            refs[0] = Reference(m.group(1).upper(), m.group(2).strip())
    return _bare_successors(refs)


_FIRST_OTHER_CASE = re.compile(r"¶?\(?([a-z])[.)]\s+(.*)", re.S)


def _bare_successors(refs: list[Reference]) -> list[Reference]:
    """The next letter written bare after a serial (`A. SECSTATE 90063 B KUALA LUMPUR 739`) or
    in the other case (`B. KUWAIT 79 c. KUWAIT 90`)."""
    out: list[Reference] = []
    for r in refs:
        while r.letter and len(r.letter) == 1 and r.letter < "Z":
            nxt = chr(ord(r.letter) + 1)
            m = _next_letter(nxt, r.text)
            if not m:
                break
            out.append(Reference(r.letter, r.text[: m.start()].strip()))
            r = Reference(nxt, r.text[m.end() :].strip())
        out.append(r)
    return out


def with_cable_ids(
    refs: list[Reference] | tuple[Reference, ...], year: int | None, station: str | None
) -> tuple[Reference, ...]:
    """The references with the cablegate ids each names."""
    out = []
    for r in refs:
        try:
            ids = cable_ids(r.text, year, station)
        except Exception:  # pragma: no cover - never raise on cable text
            ids = ()
        out.append(Reference(r.letter, r.text, ids))
    return tuple(out)
