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


# REF lines a tester found dropped, so the thread links they make were lost (each layout is
# written here from scratch, after the real traffic that has it)
@pytest.mark.parametrize(
    ("text", "subject", "refs"),
    [
        # the subject's last word wrapped below a blank line, and REF after another blank
        (
            "TAGS: PREL VD\nSUBJECT: WAITING FOR THE VALDORIAN CURRENCY\n\nREFORM\n\n"
            "REF: 09 VALDORIA 167\n\nClassified By: Consul Jane Roe, reasons 1.4 (b).\n\n"
            "1. (C) The body.",
            "WAITING FOR THE VALDORIAN CURRENCY REFORM",
            [(None, "09 VALDORIA 167")],
        ),
        # a handling caption between the subject and REF
        (
            "TAGS: ECON VD\nSUBJECT: YOUNG POLITICIANS IN VALDORIA\n\n"
            "SENSITIVE BUT UNCLASSIFIED.\n\nREFS: A) VALDORIA 169 B) 08 OSTRAVA 355\n\n"
            "-------\nSUMMARY\n-------\n\n1. (SBU) The body.",
            "YOUNG POLITICIANS IN VALDORIA",
            [("A", "VALDORIA 169"), ("B", "08 OSTRAVA 355")],
        ),
        # a printout's record block says `Ref: None` over a rule: no reference (it was read
        # as one, `None ____`, with no cable in it)
        (
            "SIPDIS\n\nTAGS:     PREL, VD\n\nCaptions: None\n\n"
            "Subject:  VALDORIA TO SUPPORT ITS NEIGHBOUR\n\nRef:      None\n"
            "_________________________________________________________________\n\n"
            "1. (U) The body.",
            "VALDORIA TO SUPPORT ITS NEIGHBOUR",
            [],
        ),
        # REF's next letters below a blank line, web-copied with a pilcrow, in either case:
        # they went to the body, with Classified By under them
        (
            "SUBJECT: TALKS IN OSTRAVA\n\nRef: a. 05 state 201650\n\n¶B. 05 ostrava 3726\n"
            "c. 06 state 36325\n\nClassified By: DCM Jane Roe, reasons 1.4 (b).\n\n"
            "1. (C) The body.",
            "TALKS IN OSTRAVA",
            [("A", "05 state 201650"), ("B", "05 ostrava 3726"), ("C", "06 state 36325")],
        ),
        # a portion-marked line under a REF of one is the body, not a letter (U)
        (
            "SUBJECT: TALKS IN OSTRAVA\n\nREF: 2010 STATE 6668\n\n"
            "(U) THIS CABLE IS SENSITIVE BUT UNCLASSIFIED.\n\n1. (SBU) The body.",
            "TALKS IN OSTRAVA",
            [(None, "2010 STATE 6668")],
        ),
    ],
)
def test_ref_lines_in_the_layouts_that_lost_them(
    text: str, subject: str, refs: list[tuple[str | None, str]]
) -> None:
    got = _read(text)
    assert got.subject == subject
    assert [(r.letter, r.text) for r in got.references] == refs
    assert got.body[-1].endswith("The body.")
