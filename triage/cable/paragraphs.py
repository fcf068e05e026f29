"""Stage: the body's numbered, portion-marked paragraphs, and the signature that closes it.

Web copies put a pilcrow before a paragraph's number; transit garbles numbers (`12.` for
`2.`); page markers and repeated banners fall between lines; the signature is the last name
line before the closing banner, NNNN or a release stamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .markings import marking_lines
from .model import Paragraph, fast_init
from .patterns import (
    PARA_FIRST,
    PARA_GATE,
    RE_CLOSING_LINE,
    RE_DASH_ONLY,
    RE_GLUED_SIGNATURE,
    RE_MONTH_NAME,
    RE_OPEN_SENTENCE,
    RE_PAGE_HEADER,
    RE_PARA,
    RE_PORTION,
    RE_SIGNATURE_STAMP,
    page_marker,
)


@fast_init
@dataclass(frozen=True)
class Paragraphs:
    paragraphs: tuple[Paragraph, ...]
    signature: str | None
    warnings: tuple[str, ...] = ()


def _clean(s: str) -> str:
    return " ".join(s.split())


RE_REDACTED = re.compile(r"X{3,}")
RE_NAME_WORD = re.compile(r"[A-Z][A-Za-z'.-]*")


def _without_stamp(line: str) -> str:
    """The line without a release stamp's `##` at its end (the pattern, which opens with blanks,
    tried only on a line that holds a `#`)."""
    return RE_SIGNATURE_STAMP.sub("", line) if "#" in line else line


def _signature_name(raw: str) -> str | None:
    """The name a signature line gives: `HOLLAND##` -> HOLLAND, `MARSH.` -> MARSH, a name
    written twice by a web copy (`PARDEW PARDEW`) once; None when it was redacted."""
    s = _clean(_without_stamp(raw)).rstrip(".")
    words = s.split()
    if len(words) == 2 and words[0] == words[1]:
        s = words[0]
    if not s or RE_REDACTED.fullmatch(s):
        return None
    return s


@lru_cache(maxsize=4096)
def normalise_marking(raw: str) -> str | None:
    """`S/NF` -> `S//NF`, `c` -> `C`, `S/Rel to Ukraine` -> `S//REL TO UKRAINE`; None if not a mark."""
    s = _clean(raw.upper())
    if not s:
        return None
    compact = s.replace(" ", "")
    special = {"SNF": "S//NF", "CNF": "C//NF", "N/SF": "S//NF", "SBUN": "SBU//NF"}
    if compact in special:
        return special[compact]
    if not RE_PORTION.match(s):
        return None
    parts = [p.strip() for p in re.split(r"/+", s) if p.strip()]
    if len(parts) == 1 and " " in parts[0]:
        head, _, tail = parts[0].partition(" ")
        if head in {"U", "C", "S", "TS", "SBU"} and tail in {"NF", "NOFORN"}:
            parts = [head, tail]
        elif head in {"U", "C", "S", "TS", "SBU"} and tail not in {"SECRET"}:
            return None
    words = {
        "UNCLASSIFIED": "U",
        "CONFIDENTIAL": "C",
        "SECRET": "S",
        "TOP SECRET": "TS",
        "TOPSECRET": "TS",
        "NOFORN": "NF",
        "SENSITIVE": "SBU",
    }
    out = [words.get(p, p) for p in parts]
    return "//".join(out)


def read_paragraphs(lines: list[str]) -> Paragraphs:
    """The numbered, portion-marked paragraphs (a text before the first is one without a
    number) and the signature; garbled numbers repaired, with a warning."""
    warnings: list[str] = []
    paras: list[tuple[int | None, str | None, list[str]]] = []
    expected = 1
    repaired: list[str] = []
    pending_dash = False
    preamble: list[str] = []
    # Only lines that may open a paragraph or be a marker need a look (a digit, `-`, `¶`,
    # `&` or `P` first, or ` OF ` in them); the running text between them is taken whole.
    # Lines are kept as they came and lose their trailing blanks when a paragraph is joined.
    # (PARA_GATE: those characters and the blanks, so that lstrip is called only on a line
    # that opens with a blank)
    special = [
        k
        for k, ln in enumerate(lines)
        if (ln[:1] in PARA_GATE and ln.lstrip()[:1] in PARA_FIRST) or " OF " in ln
    ]
    prev = 0
    for idx in special:
        if idx > prev:
            (paras[-1][2] if paras else preamble).extend(lines[prev:idx])
            pending_dash = False
        prev = idx + 1
        s = lines[idx].rstrip()
        st = s.lstrip()
        if not st:
            continue
        first = st[0]
        # cheap tests first: most lines are running text
        if (" OF " in st or first == "P") and (
            page_marker(st) or (RE_PAGE_HEADER.match(st) and len(st) < 120)
        ):
            continue
        if first == "-" and len(st) <= 3 and RE_DASH_ONLY.match(st):
            pending_dash = True
            continue
        # RE_PARA: a `-` is followed by a blank, the pilcrow, `&` or the number's first digit
        m = (
            RE_PARA.match(st)
            if first.isdigit()
            or (first == "-" and (st[1:2] in "¶&" or st[1:2].isspace() or st[1:2].isdecimal()))
            or first in "¶&"
            else None
        )
        if m:
            pil, num_written, mark_raw = m.group("pil", "num", "mark")
            num = int(num_written)
            mark = normalise_marking(mark_raw) if mark_raw is not None else None
            rest = st[m.end() :]
            if mark_raw is not None and mark is None:
                rest = f"({mark_raw}) {rest}".strip()
            is_para = bool(pil) or mark is not None
            got: int | None = None
            if num == expected:
                got = num
            elif str(num) == "1" + str(expected) and (is_para or st.startswith("-")):
                got = expected
                repaired.append(f"{num}->{expected}")
            elif is_para and not (
                mark is None
                and paras
                and _runs_on(paras[-1][2], num, expected, all(p[1] is not None for p in paras))
            ):
                got = num
            elif not paras and num == 1:
                got = 1
            if got is not None and (is_para or num == expected or pending_dash):
                if paras and got < expected:
                    warnings.append(f"paragraph {got} follows paragraph {expected - 1}")
                paras.append((got, mark, [rest] if rest else []))
                expected = got + 1
                pending_dash = False
                continue
        pending_dash = False
        if m and first == "¶":
            s = s.replace("¶", "", 1)  # the web copy's anchor, not part of the text
        if paras:
            paras[-1][2].append(s)
        else:
            preamble.append(s)
    if prev < len(lines):
        (paras[-1][2] if paras else preamble).extend(lines[prev:])
    if repaired:
        warnings.append("paragraph numbers garbled in transit repaired: " + ", ".join(repaired))
    out: list[Paragraph] = []
    pre_text = "\n".join(map(str.rstrip, preamble)).strip()
    if pre_text:
        out.append(Paragraph(None, None, pre_text))
    for pnum, mark, body in paras:
        out.append(Paragraph(pnum, mark, "\n".join(map(str.rstrip, body)).strip()))
    # signature: the last name line before the closing banner, NNNN or the release
    # stamp, or a surname glued after the last sentence (`... END TEXT. HOLLAND##`)
    sig = None
    if out:
        last = out[-1]
        # its lines were stripped at their ends when it was joined: a blank one is empty
        tlines = list(filter(None, last.text.split("\n")))
        while tlines and (
            RE_CLOSING_LINE.fullmatch(tlines[-1]) or marking_lines(tlines[-1].strip())
        ):
            tlines.pop()
        if (
            len(tlines) >= 2
            and _signature_like(tlines[-1])
            and not (tlines[-1].rstrip().endswith(".") and RE_OPEN_SENTENCE.search(tlines[-2]))
        ):
            sig = _signature_name(tlines[-1])
            tlines.pop()
        elif tlines:
            mm = RE_GLUED_SIGNATURE.search(tlines[-1])
            if mm and mm.group(1).upper() not in {"END", "TEXT", "END TEXT"}:
                sig = _signature_name(mm.group(1))
                tlines[-1] = tlines[-1][: mm.start() + 1].rstrip()  # to the last mark
        if sig:
            out[-1] = Paragraph(last.number, last.marking, "\n".join(tlines).strip())
    return Paragraphs(tuple(out), sig, tuple(warnings))


def _runs_on(body: list[str], num: int, expected: int, all_marked: bool) -> bool:
    """An unmarked `¶`-numbered line that is the end of the sentence before it: web copies
    put a pilcrow before any line that starts with a number and a full stop, so a sentence
    wrapped before a year or a day (`... a meeting in` / `¶2010.`, `... began on October` /
    `¶5.`) seems to open a paragraph. Read so when the line before stops mid-sentence and
    the number is out of sequence and a year, far ahead, a day after a month's name, or
    unmarked where every paragraph so far is portion-marked."""
    last = body[-1].rstrip() if body else ""
    if num == expected or not last:
        return False
    if last.endswith((".", "!", "?", ":", ";", '"', "'", ")", "]")):
        return False
    if num >= expected + 20 or 1900 <= num <= 2099 or all_marked:
        return True
    tail = last.split()[-1]
    return 1 <= num <= 31 and bool(
        RE_MONTH_NAME.fullmatch(tail.title() if tail.isupper() else tail)
    )


def _signature_like(line: str) -> bool:
    s = _without_stamp(line.strip())
    if not s or len(s) > 40 or s.endswith((",", ":", ";")):
        return False
    if s.endswith(".") and (len(s.split()) > 1 or not s[:-1].isupper()):
        return False  # `MARSH.` signs; `Thank you.` does not
    words = s.split()
    return len(words) <= 3 and all(RE_NAME_WORD.fullmatch(w) for w in words)
