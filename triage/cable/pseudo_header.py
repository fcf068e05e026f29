"""Stage: the pseudo-header, from the banner to the first paragraph: captions (SIPDIS, NOFORN,
SENSITIVE BUT UNCLASSIFIED, CORRECTED COPY, passing lines), E.O. and its declassification,
TAGS, SUBJECT, REF and Classified By, written one a line or glued onto one line as partial
extracts have them, with the damage keywords take (`SUBJET:`, `TAGS` with no colon, page
markers between the lines). What the block does not use is the body's, and goes on to the
paragraphs stage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .banner import caveats_in, collapsed
from .model import Paragraph, Reference, fast_init
from .paragraphs import normalise_marking
from .patterns import (
    CACHED_LINE_CHARS,
    MONTH_NAMES,
    MONTHS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    RE_ANY_LEVEL,
    RE_CLASSIFIED_BY,
    RE_CLASSIFIED_BY_START,
    RE_EO,
    RE_EO_GATE,
    RE_HANDLING_LINE,
    RE_LABEL_LINE,
    RE_NAME_WORD,
    RE_OPEN_END,
    RE_PAGE_HEADER,
    RE_PARA,
    RE_PASSING_LINE,
    RE_REASON_NUM,
    RE_REASONS,
    RE_REF,
    RE_RULE_LINE,
    RE_SBU_LINE,
    RE_SBU_TAIL,
    RE_SUBJECT,
    RE_SUMMARY_LINE,
    RE_TAGS_INLINE,
    RE_TAGS_START,
    TAG_CODES,
    TITLE_WORDS,
    banner_level,
    clean,
    gate_upper,
    line_finditer,
    page_marker,
    split_glued_tags,
    year4,
)
from .references import read_references

# Hostile sizes: a pseudo-header is read in the first PRE_LINES_READ lines before the first
# paragraph (a cable of a million lines keeps them all as body text).
PRE_LINES_READ = 1_000

# the first letters of the (stripped) lines the TAGS and SUBJECT keywords, damaged as
# patterns.keyword_pattern has them (a letter lost, doubled or swapped, or cut at the start),
# can open: `AGS:`, `UBJECT:`, `BJECT:`
TAGS_FIRST = frozenset("TAG")
SUBJECT_FIRST = frozenset("SUB")
PARA_OPENERS = frozenset("-¶&")
RE_PAGE_BANNER_SHAPE = re.compile(r"\d{3,}|^\S+\s*$")
RE_TAGS_WORD_AFTER = re.compile(r"^[A-Z]{2,6}\b")
RE_TAGS_THEN_TEXT = re.compile(r"^\s*TAGS?\s+[a-z]")
RE_SIPDIS_TAIL = re.compile(r"\bSIPDIS\b.*$", re.I)
RE_LIST_SEPARATOR = re.compile(r"[,;]")
RE_IN_PARENTHESES = re.compile(r"\([^)]*\)")
RE_TAG_SPLIT = re.compile(r"[,;]\s*(?![^()]*\))")
RE_TAG_PIECE = re.compile(r"\([^)]*\)|\S+")
RE_DECL = re.compile(r"DECL(?:ASSIFY)?\s*:?\s*(.*)$", re.I)
RE_CLASSIFIED_BY_WORDS = re.compile(r"^(?:Classified\s+By\s*:?\s*)+", re.I)
RE_REASONS_TAIL = re.compile(r"\s*(?:for\s+)?(?:reasons?|per|F0R REASONS)\s*:?\s*$", re.I)
RE_FOR_TAIL = re.compile(r"\s*(?:for|,)\s*$", re.I)
# the dates a declassification phrase writes: each opens with its first character, the word
# boundary checked after it, so the regex engine skips to it (`\b(\d{1,2})`: every position)
RE_DECL_MDY = re.compile(r"(\d(?<!\w.)\d?)\s*/\s*(\d{1,2})\s*/\s*(\d{2,4})\b")
RE_DECL_YMD = re.compile(r"(\d(?<!\w.)\d{3})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{1,2})\b")
RE_DECL_MONTH_DAY_YEAR = re.compile(r"([A-Za-z](?<!\w.)[A-Za-z]{2,8})\.?\s+(\d{1,2}),\s+(\d{4})\b")
RE_NAME_CUT = re.compile(r";|\s+for\s+(?=reas|e\.?\s?o|1[.\s])|\breasons?\b", re.I)


@fast_init
@dataclass(frozen=True)
class PseudoHeader:
    body: tuple[str, ...]  # the lines the paragraphs stage reads
    caveats: tuple[str, ...] = ()  # what the captions (and the TAGS line's SIPDIS) name
    corrected: bool = False
    declassify: str | None = None
    declassify_on: str | None = None
    tags: tuple[str, ...] = ()
    subject: str | None = None
    references: tuple[Reference, ...] = ()
    classified_by: str | None = None
    reasons: str | None = None


def opens_paragraphs(m: re.Match[str]) -> bool:
    """Is this numbered line (RE_PARA) the first paragraph (and not `1.4 (b)` or a list item)?"""
    if m.group("pil"):
        return True
    mark = m.group("mark")
    if mark is not None and normalise_marking(mark) is not None:
        return True
    return int(m.group("num")) in (1, 11) and m.end() < len(m.string)


def _upper_only(s: str) -> bool:
    letters = "".join(filter(str.isalpha, s))
    return len(letters) >= 4 and not any(map(str.islower, letters))


def _mostly_lower(s: str) -> bool:
    """Running text: most of its letters are lower case."""
    letters = "".join(filter(str.isalpha, s))
    return len(letters) >= 8 and sum(map(str.islower, letters)) > 0.6 * len(letters)


def split_keywords(s: str) -> tuple[tuple[str | None, str], ...]:
    """Split one line into (keyword kind, text) pieces; kind None for plain text.

    Kept for the lines that come again (`SIPDIS`, `TAGS: PREL PGOV`, a fifth of the corpus's)."""
    return _split_keywords_kept(s) if len(s) <= CACHED_LINE_CHARS else _split_keywords(s)


def _split_keywords(s: str) -> tuple[tuple[str | None, str], ...]:
    hits: list[tuple[int, int, str]] = []
    # each keyword's pattern runs only on a line holding its letters, or opening with the
    # letters its damaged forms open with: a case-blind pattern tries every position of the
    # line, a substring test does not
    up = s.upper()
    first = up[:1]
    m = RE_TAGS_START.match(s) if first in TAGS_FIRST else None
    if (
        m
        and (
            m.group(0).strip().upper().startswith(("TAGS", "TAGS:"))
            or ":" in m.group(0)
            or RE_TAGS_WORD_AFTER.match(s[m.end() :] or "")
        )
        and not RE_TAGS_THEN_TEXT.match(s)
    ):
        hits.append((m.start(), m.end(), "tags"))
    if "TAG" in up:
        for m in RE_TAGS_INLINE.finditer(s):
            hits.append((m.start(), m.end(), "tags"))
    if "DECL" in up or RE_EO_GATE.search(up):
        for m in line_finditer(RE_EO, s):
            hits.append((m.start(), m.end(), "eo"))
    if "SUBJ" in up:
        for m in line_finditer(RE_SUBJECT, s):
            hits.append((m.start(), m.end(), "subject"))
    elif first in SUBJECT_FIRST:
        m = RE_SUBJECT.match(s)  # a damaged keyword opening the line
        if m:
            hits.append((m.start(), m.end(), "subject"))
    if "REF" in up:
        for m in line_finditer(RE_REF, s):
            hits.append((m.start(), m.end(), "ref"))
    if "CLASSIFIED" in up:
        m = RE_CLASSIFIED_BY_START.match(s)
        if m:
            hits.append((m.start(), m.end(), "classified_by"))
        else:
            for m in RE_CLASSIFIED_BY.finditer(s):
                hits.append((m.start(), m.end(), "classified_by"))
    if not hits:
        return ((None, s),)
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
    return tuple(out)


_split_keywords_kept = lru_cache(maxsize=4096)(_split_keywords)


def _blocks(pre: Sequence[str]) -> tuple[list[tuple[str, str]], int]:
    """The (kind, text) blocks of the lines before the first paragraph, and how many of the
    lines they use (the rest is body text)."""
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
                # once set it stays set: the items are not walked again for each blank line
                if not blank_after_subject and any(k == "subject" for k, _ in items):
                    blank_after_subject = True
            continue
        up = s.upper()
        if ("OF" in up or up.startswith("PAGE")) and (page_marker(s) or RE_PAGE_HEADER.match(s)):
            continue
        if (
            len(s) < 100
            # banner_level(s), for a stripped line that opens with no `>`: its test on `up`
            and (RE_ANY_LEVEL.match(up) if s[0] != ">" else banner_level(s) is not None)
            and RE_PAGE_BANNER_SHAPE.search(s)
        ):
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
            passing = ("FOR" in up or "PASS" in up) and RE_PASSING_LINE.match(s)
            if RE_HANDLING_LINE.match(s) or (passing and not open_end):
                flush()  # `SENSITIVE BUT UNCLASSIFIED.`, `STATE FOR EAP/CM`: captions
                current, current_kind = [], "caption"
        # split the line at the keywords it holds (partial extracts glue them)
        pieces = split_keywords(s)
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
        if pieces[0][0] is None and current_kind == "gap" and blank_after_subject:
            last = items[-1][0] if items else None
            if last == "ref" and _next_ref_letter(items[-1][1], s):
                # REF's next letter below a blank line (`REF: A. LA PAZ 2357` / `¶B. ...`)
                current, current_kind = [items.pop()[1], s.lstrip("¶")], "ref"
                last_used = idx + 1
                continue
            if _keyword_follows(pre, idx) and (
                (last == "subject" and _upper_only(s) and len(s) <= 60) or RE_HANDLING_LINE.match(s)
            ):
                # a line before a REF or Classified By line is not yet the body: the subject's
                # last words wrapped below a blank line (`... CURRENCY` / `REFORM`), or a
                # handling caption (`SENSITIVE BUT UNCLASSIFIED.`)
                if last == "subject" and not RE_HANDLING_LINE.match(s):
                    items[-1] = ("subject", f"{items[-1][1]}\n{s}")
                else:
                    current, current_kind = [s], "caption"
                last_used = idx + 1
                continue
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
    return items, last_used


RE_REF_LETTER_LINE = re.compile(r"¶?\s*\(?([A-Za-z])[.)]\s+\S")


def _next_ref_letter(ref_text: str, line: str) -> bool:
    """Whether `line` opens with the letter after the last of a REF block's (`B.` after `A.`,
    in either case): not a portion mark (`(U) THIS CABLE IS ...`) under a REF of one."""
    m = RE_REF_LETTER_LINE.match(line)
    if not m:
        return False
    refs = read_references(ref_text)
    prev = refs[-1].letter if refs else None
    if prev is None or len(prev) != 1:
        return False
    return ord(m.group(1).upper()) == ord(prev.upper()) + 1


RE_NO_REF = re.compile(r"\s*(?:NONE|NIL|N/?A)\b[\s._=*-]*\Z", re.I)


def _keyword_follows(pre: Sequence[str], idx: int) -> bool:
    """Whether the next line with text after `idx` (within two) opens with REF or Classified
    By."""
    for nxt in pre[idx + 1 : idx + 4]:
        t = nxt.strip()
        if not t:
            continue
        kind = split_keywords(t)[0][0]
        return kind in ("ref", "classified_by")
    return False


def read_pseudo_header(
    lines: Sequence[str], start: int, glued_tail: str | None = None
) -> PseudoHeader:
    """The pseudo-header in the lines from `start` (after the banner), `glued_tail` the text
    run onto the banner line; never raises on text."""
    n = len(lines)
    pre: list[str] = [glued_tail] if glued_tail else []
    k = start
    para_start = n
    while k < n:
        s = lines[k]
        st = s.strip()
        c = st[:1]  # RE_PARA's line opens with one of these or a digit (\d: any script's)
        m = RE_PARA.match(st) if c and (c in PARA_OPENERS or c.isdecimal()) else None
        if m and opens_paragraphs(m):
            para_start = k
            break
        pre.append(s)
        k += 1
    items, used = _blocks(pre[:PRE_LINES_READ])
    body = (*pre[used:], *lines[para_start:])

    caveats: list[str] = []
    corrected = False
    declassify: str | None = None
    declassify_on: str | None = None
    tags_text: list[str] = []
    subject: str | None = None
    has_subject = False
    references: list[Reference] = []
    classified_by: str | None = None
    reasons: str | None = None
    has_classified_by = False
    for kind, text in items:
        if kind == "caption":
            caveats.extend(caveats_in(text))
            for ln in text.split("\n"):
                if RE_SBU_LINE.match(ln):
                    caveats.append("SBU")
            if "CORRECTEDCOPY" in collapsed(text):
                corrected = True
        elif kind == "eo":
            declassify, declassify_on = read_eo(text)
        elif kind == "tags":
            tags_text.append(text)
        elif kind == "subject" and not has_subject:
            has_subject = True
            subj = clean(text)
            m = RE_SBU_TAIL.search(subj)
            if m:  # `... THE ELECTION Sensitive but unclassified`: a caption run onto it
                subj = subj[: m.start()].strip()
                caveats.append("SBU")
            subject = subj or None
        elif kind == "ref":
            if not RE_NO_REF.match(text):  # a printout's record block: `Ref: None` over a rule
                references.extend(read_references(text))
        elif kind == "classified_by" and not has_classified_by:
            has_classified_by = True
            classified_by, said = read_classified_by(text)
            reasons = said if said is not None else reasons
    tags: list[str] = []
    if tags_text:
        tags = read_tags(tags_text[0])
        if "SIPDIS" in tags_text[0].upper():
            caveats.append("SIPDIS")
    return PseudoHeader(
        body=body,
        caveats=tuple(caveats),
        corrected=corrected,
        declassify=declassify,
        declassify_on=declassify_on,
        tags=tuple(tags),
        subject=subject,
        references=tuple(references),
        classified_by=classified_by,
        reasons=reasons,
    )


def read_eo(text: str) -> tuple[str | None, str | None]:
    """(declassification as written, its ISO date) from an E.O. line's text."""
    t = clean(text)
    m = RE_DECL.search(t)
    decl = m.group(1).strip(" .") if m else t.strip(" .:")
    decl = re.sub(r"^:\s*", "", decl)
    return decl or None, parse_decl_date(decl) if decl else None


def parse_decl_date(text: str) -> str | None:
    """An ISO date from a declassification phrase, when it holds one."""
    m = RE_DECL_MDY.search(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), year4(m.group(3))
        for month, day in ((a, b), (b, a)):
            try:
                return dt.date(y, month, day).isoformat()
            except ValueError:
                continue
        return None
    m = RE_DECL_YMD.search(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    m = RE_DECL_MONTH_DAY_YEAR.search(text)
    if m:
        mon = MONTH_NAMES.get(m.group(1).upper()) or MONTHS.get(m.group(1)[:3].upper())
        if mon:
            try:
                return dt.date(int(m.group(3)), mon, int(m.group(2))).isoformat()
            except ValueError:
                return None
    return None


def read_tags(text: str) -> list[str]:
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
        t = clean(line)
        if "SIPDIS" in gate_upper(t):
            t = RE_SIPDIS_TAIL.sub("", t).strip()
        t = t.strip(" ,;:.")
        if not t:
            continue
        if RE_LIST_SEPARATOR.search(RE_IN_PARENTHESES.sub("", t)):
            parts = RE_TAG_SPLIT.split(t)
        else:
            # a person's name in parentheses belongs to the tag before it
            parts = []
            for p in RE_TAG_PIECE.findall(t):
                if p.startswith("(") and parts:
                    parts[-1] += " " + p
                else:
                    parts.append(p)
        for p in parts:
            p = clean(p).strip(" .:")
            if p:
                up = p.upper()
                tags.append(up)
                if up not in TAG_CODES:  # a code is no glued run (split_glued_tags: None)
                    glued.extend(split_glued_tags(up) or ())
    return list(dict.fromkeys(tags + glued))


def read_classified_by(text: str) -> tuple[str | None, str | None]:
    """(who classified it, the reasons given, None when none) from a Classified By text."""
    reasons = None
    t = clean(text)
    t = RE_CLASSIFIED_BY_WORDS.sub("", t)
    m = RE_REASONS.search(t)
    if m:
        reasons = m.group(1).strip(" .")
        t = t[: m.start()].strip(" .,;")
    else:
        m = RE_REASON_NUM.search(t)
        if m:
            reasons = m.group(0).strip(" .")
            t = t[: m.start()].strip(" .,;")
            t = RE_REASONS_TAIL.sub("", t)
    t = RE_FOR_TAIL.sub("", t).strip(" .,;:")
    return t or None, reasons


def classified_by_in_paragraphs(
    paragraphs: Sequence[Paragraph],
) -> tuple[str | None, str | None] | None:
    """A `Classified by` line that is not in the header but opens the text before the first
    paragraph (`Classified By: ... / ------- / SUMMARY`) or one of the first paragraphs
    (`2. (U) Classified by Acting DAS ..., Reasons 1.4 / (b) and (d).`): the line and its
    continuation, up to a blank or rule line or the end of its sentence, read as
    read_classified_by reads it; None when there is none."""
    for p in paragraphs[:4]:
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
        return read_classified_by(" ".join(taken))
    return None


def classified_by_name(text: str | None) -> str | None:
    """The person in a Classified-by line, without title, office or reasons: `Acting Deputy
    Chief of Mission Jane Roe` -> Jane Roe, `POL COUNSELOR JOHN Q. DOE, JR.` -> JOHN Q. DOE,
    JR., `David Appleton, Director, INR/CCS` -> David Appleton; None when it names no one."""
    if not text:
        return None
    t = RE_NAME_CUT.split(text.replace("’", "'"), maxsplit=1)[0]
    segments = [seg.strip() for seg in t.split(",")]
    for k, seg in enumerate(segments):
        words = seg.split()
        mixed = any(map(str.islower, seg))
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
