"""Text in, a Cable out: a short chain of stages, each a module of its own that takes what it
needs and returns a frozen dataclass and its warnings. Never raises on text: what it cannot
read becomes a warning.

    text           decode and normalise (cable/text.py)
    header         partial-extract notice, FL1-FL5, FM/TO/INFO/XMT (cable/header.py)
    banner         the classification banner, section, station and serial (cable/banner.py)
    pseudo-header  captions, E.O., TAGS, SUBJECT, REF, Classified By (cable/pseudo_header.py)
    paragraphs     numbered, portion-marked paragraphs and the signature (cable/paragraphs.py)
    markings       the overall marking, rolled up from every marking line (cable/markings.py)
    dating         the DTG, else what else dates the cable, marked when estimated (cable/dating.py)
    identity       the reference id and the origin (cable/identity.py)

Patterns and code tables are in cable/patterns.py; every rule is written against the format,
not against one file.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .banner import read_banner, sections_held
from .dating import read_date
from .header import read_header
from .identity import origin_from_fm, read_identity
from .markings import marking_lines, roll_up
from .model import Cable, Paragraph, marking_rank
from .paragraphs import normalise_marking, read_paragraphs
from .pseudo_header import (
    classified_by_in_paragraphs,
    classified_by_name,
    parse_decl_date,
    read_pseudo_header,
)
from .references import with_cable_ids
from .text import decode, looks_binary, normalise

__all__ = [
    "BODY_LINES_READ",
    "PARSE_CHARS_READ",
    "classified_by_name",
    "decode",
    "looks_binary",
    "normalise_marking",
    "origin_from_fm",
    "parse_bytes",
    "parse_cable",
    "parse_decl_date",
    "parse_decoded",
]

# Hostile sizes: how far the parser looks for structure. The longest cables in the wild run to
# a few thousand lines; a cable of a million lines (or a million addressees) keeps all its text
# (searched, shown a screenful at a time, printed whole by `triage raw`), but its paragraphs are
# read in the first BODY_LINES_READ lines of its body (and its pseudo-header in the first
# pseudo_header.PRE_LINES_READ lines before the first paragraph), so parsing it stays well
# under a second.
BODY_LINES_READ = 20_000
# how much of a cable is read for its structure (the longest cables in the wild are under
# 100,000 characters); the rest is kept as one block of text
PARSE_CHARS_READ = 300_000


_SUBJECT_MARK = re.compile(r"\(\s*([A-Za-z][A-Za-z/ ]{0,15})\)")


def _subject_mark(subject: str | None) -> str | None:
    """The portion mark a subject starts with (`(S/NF) NIGERIA: ...` -> `S//NF`), or None."""
    if not subject or subject[0] != "(":
        return None
    m = _SUBJECT_MARK.match(subject)
    return normalise_marking(m.group(1)) if m else None


def _read(text: str) -> Cable:
    """The stages, in the order traffic is written."""
    read = normalise(text)
    lines = read.lines
    header = read_header(lines)
    banner = read_banner(lines, header.body_start, header.security_level, header.released)
    pseudo = read_pseudo_header(lines, banner.next_line, banner.glued_tail)
    body = read_paragraphs(list(pseudo.body[:BODY_LINES_READ]))
    warnings = [*read.warnings, *header.warnings, *banner.warnings, *body.warnings]
    paragraphs, signature = body.paragraphs, body.signature
    unread = pseudo.body[BODY_LINES_READ:]
    if unread:
        paragraphs = (*paragraphs, Paragraph(None, None, "\n".join(unread).strip()))
        signature = None  # what closed the first lines does not close the cable
        warnings.append(
            f"the body is {len(pseudo.body):,} lines long: paragraphs were read in its first "
            f"{BODY_LINES_READ:,}; the other {len(unread):,} lines are kept as one block"
        )
    classified_by, reasons = pseudo.classified_by, pseudo.reasons
    if not classified_by:
        said = classified_by_in_paragraphs(paragraphs)
        if said is not None:
            classified_by = said[0]
            reasons = said[1] if said[1] is not None else reasons
    section = banner.section
    if section:
        section = sections_held(section, read.text, bool(signature) and not header.partial)

    level = banner.level
    caveats = [*banner.caveats, *pseudo.caveats]
    if level == "LIMITED OFFICIAL USE":
        level = "UNCLASSIFIED"
        caveats.append("LOU")
    # the banner as the copy's first lines give it (with the captions just under it),
    # rolled up with the banner lines, captions and portion marks further on
    # the subject is a portion too (`SUBJECT: (S/NF) ...`); alone, a `(U)` subject under no
    # banner is not taken to vouch that a cable is unclassified
    subject_mark = _subject_mark(pseudo.subject)
    if not (level is not None or marking_rank(subject_mark)):
        subject_mark = None
    portions = [subject_mark, *(p.marking for p in paragraphs)]
    marks = roll_up(level, caveats, marking_lines(read.text), portions)
    warnings.extend(marks.warnings)

    dating = read_date(
        header.dtg,
        banner.released,
        lines,
        read.text,
        pseudo.declassify_on,
        pseudo.references,
        pseudo.subject,
        paragraphs,
    )
    warnings.extend(dating.warnings)
    identity = read_identity(
        lines,
        header.from_,
        banner.station,
        banner.serial,
        banner.year,
        dating.year,
        header.de_serial,
        dating.telegram,
        dating.estimated,
    )
    warnings.extend(identity.warnings)
    citing_year = int(dating.dtg[:4]) if dating.dtg and dating.dtg[:4].isdigit() else None
    return Cable(
        reference_id=identity.reference_id,
        transmission_id=header.transmission_id,
        precedence=header.precedence,
        info_precedence=header.info_precedence,
        dtg=dating.dtg,
        dtg_raw=header.dtg.raw if header.dtg is not None else None,
        dtg_estimated=dating.estimated,
        classification=marks.classification,
        level=marks.level,
        caveats=marks.caveats,
        from_=identity.from_,
        origin=identity.origin,
        to=header.to,
        info=header.info,
        station=banner.station,
        station_serial=banner.serial,
        security_line=header.security_line,
        tags=pseudo.tags,
        subject=pseudo.subject,
        references=with_cable_ids(pseudo.references, citing_year, banner.station),
        classified_by=classified_by,
        classified_by_name=classified_by_name(classified_by),
        reasons=reasons,
        declassify=pseudo.declassify,
        declassify_on=pseudo.declassify_on,
        partial=header.partial,
        corrected=banner.corrected or pseudo.corrected,
        section=section,
        signature=signature,
        paragraphs=paragraphs,
        body=read.text,
        warnings=tuple(warnings),
    )


def parse_cable(text: str) -> Cable:
    """Parse one cable's text. Never raises: on an internal error the Cable says so."""
    head, tail = _split_for_reading(text)
    try:
        cable = _read(head)
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
