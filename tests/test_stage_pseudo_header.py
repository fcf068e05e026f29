"""Stage pseudo-header: captions, E.O., TAGS, SUBJECT, REF and Classified By between the banner
and the first paragraph, one a line or glued onto one line; the rest goes on as body."""

from __future__ import annotations

import pytest

from triage.cable.model import Paragraph
from triage.cable.pseudo_header import (
    PseudoHeader,
    classified_by_in_paragraphs,
    classified_by_name,
    read_classified_by,
    read_pseudo_header,
    read_tags,
)

BLOCK = """
SIPDIS
NOFORN

E.O. 12958: DECL: 11/27/2036
TAGS: PREL, PGOV, VD
SUBJECT: TALKS WITH THE VALDORIAN FOREIGN MINISTER

REF: A. STATE 1234 B. 08 VALDORIA 56

Classified By: Ambassador Helen Marsh, reasons 1.4 (b) and (d).

1. (C) The body begins here.
2. (C) And goes on."""


def _read(text: str, glued: str | None = None) -> PseudoHeader:
    return read_pseudo_header(tuple(text.split("\n")), 0, glued)


def test_a_full_block() -> None:
    got = _read(BLOCK)
    assert got.caveats == ("NOFORN", "SIPDIS")  # in CAVEAT_WORDS order
    assert (got.declassify, got.declassify_on) == ("11/27/2036", "2036-11-27")
    assert got.tags == ("PREL", "PGOV", "VD")
    assert got.subject == "TALKS WITH THE VALDORIAN FOREIGN MINISTER"
    assert [(r.letter, r.text) for r in got.references] == [
        ("A", "STATE 1234"),
        ("B", "08 VALDORIA 56"),
    ]
    assert got.classified_by == "Ambassador Helen Marsh"
    assert got.reasons == "1.4 (b) and (d)"
    assert got.body == ("1. (C) The body begins here.", "2. (C) And goes on.")


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # a partial extract glues the keywords onto one line
        (
            "E.O. 12958: DECL: 01/01/2019 TAGS: PREL VD SUBJECT: GLUED ONTO ONE LINE",
            "subject",
            "GLUED ONTO ONE LINE",
        ),
        # keywords damaged in transit, and TAGS with no colon
        ("SUBJET: A DAMAGED KEYWORD\n\n1. (U) Body.", "subject", "A DAMAGED KEYWORD"),
        ("TAGS PREL PGOV\nSUBJECT: X", "tags", ("PREL", "PGOV")),
        # a glued run of codes keeps its place and adds the codes it holds
        ("TAGS: PRELPGOVIR\nSUBJECT: X", "tags", ("PRELPGOVIR", "PREL", "PGOV", "IR")),
        # a subject that runs into a caption
        ("SUBJECT: THE ELECTION Sensitive but unclassified", "caveats", ("SBU",)),
        # running text under an upper-case subject, no blank line between: the body
        (
            "SUBJECT: AN UPPER-CASE SUBJECT\nThe body starts at once, in running text here.",
            "body",
            ("The body starts at once, in running text here.",),
        ),
        # page markers inside the block are not text
        (
            "SUBJECT: A SUBJECT THAT\nVALDORIA 00000042 001.2 OF 003\nWRAPS\n\n1. (U) Body.",
            "subject",
            "A SUBJECT THAT WRAPS",
        ),
        # no paragraphs at all: the block ends at the first free text after the subject
        ("SUBJECT: X\n\nFree text.\nMore.", "body", ("Free text.", "More.")),
    ],
)
def test_read_pseudo_header(text: str, field: str, value: object) -> None:
    assert getattr(_read(text), field) == value


def test_text_run_onto_the_banner_line_is_read_first() -> None:
    got = _read("TAGS: PREL\n\n1. (U) Body.", glued="SIPDIS E.O. 12958: DECL: 01/01/2019")
    assert got.caveats == ("SIPDIS",)
    assert got.declassify_on == "2019-01-01"


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("PREL, PGOV, VD", ["PREL", "PGOV", "VD"]),
        ("OVIP (ROE, JANE A.) PREL", ["OVIP (ROE, JANE A.)", "PREL"]),
        ("OVIP (ROE,\nJANE A.)", ["OVIP (ROE, JANE A.)"]),
        ("PREL PGOV SIPDIS", ["PREL", "PGOV"]),
    ],
)
def test_read_tags(text: str, tags: list[str]) -> None:
    assert read_tags(text) == tags


@pytest.mark.parametrize(
    ("text", "by", "reasons", "name"),
    [
        (
            "Classified By: Acting Deputy Chief of Mission Jane Roe, reasons 1.4 (b) and (d)",
            "Acting Deputy Chief of Mission Jane Roe",
            "1.4 (b) and (d)",
            "Jane Roe",
        ),
        (
            "CLASSIFIED BY: POL COUNSELOR JOHN Q. DOE, JR., FOR REASONS 1.4 (B)",
            "POL COUNSELOR JOHN Q. DOE, JR",
            "1.4 (B)",
            "JOHN Q. DOE, JR.",
        ),
        ("Classified By: Ambassador, 1.4 (d)", "Ambassador", "1.4 (d)", None),
    ],
)
def test_classified_by(text: str, by: str, reasons: str, name: str | None) -> None:
    assert read_classified_by(text) == (by, reasons)
    assert classified_by_name(by) == name


def test_classified_by_in_the_first_paragraphs() -> None:
    paras = (
        Paragraph(1, "C", "Summary."),
        Paragraph(2, "U", "Classified by Acting DAS Jane Roe, Reasons 1.4\n(b) and (d).\nMore."),
    )
    assert classified_by_in_paragraphs(paras) == ("Acting DAS Jane Roe", "1.4 (b) and (d)")
    assert classified_by_in_paragraphs(paras[:1]) is None


def test_caption_words_are_found_as_case_blind_patterns_find_them() -> None:
    """A substring test that spares a pattern a line must hold the letters the pattern matches:
    `İ` matches I case-blind but upper-cases to itself."""
    got = _read("SİPDİS\nTAGS: PREL, IR SİPDİS\nSUBJECT: X")
    assert got.caveats == ("SIPDIS",)
    assert got.tags == ("PREL", "IR")
