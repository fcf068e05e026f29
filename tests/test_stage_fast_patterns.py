"""The parser's faster patterns find what the plain ones they replace found.

Each fast pattern opens with a character the regex engine can skip to, where the plain one
opened with a look-behind or a word boundary and was tried at every position; the plain one
is written here as it was, and both must agree on any text made of the characters that
matter (keyword letters, blanks, marks, digits, and the letters re.I folds oddly: long s,
Kelvin sign, dotted and dotless i).
"""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.cable import banner, dating, markings, patterns, pseudo_header
from triage.cable import text as text_stage
from triage.cable.model import Cable, Paragraph

PIECES = [
    "E.O. 12958: ", "e.o.13526", "EO 1234:", "DECL: ", "SUBJECT: ", "subj:", "Subj ", "REF: ",
    "REFTEL:", "xref: ", "References:", "for reasons 1.4 (b)", "Reason: 1.5(d)", "1,4 a",
    "12/31/2017", "2017-01-02", "Dec. 1, 2017", "in December 2004", "since Jan 1999",
    "during mid-May of 2003", "NOFORN", "SIPDIS", "REL TO USA, GBR", "FOR OFFICIAL USE ONLY",
    "END TEXT. HOLLAND##", "MARSH.", ". ", "; ", "! ", " ", "\t", "\xa0", "\n", "_", "a", "X",
    "1", "12", "/", "-", ",", "(", ")", "\u017f", "\u212a", "\u0130", "\u0131", "é",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
lines = texts.map(lambda t: t.replace("\n", " "))

PLAIN_GLUED_SIGNATURE = re.compile(
    r"(?<=[.!?\"')\]])\s+([A-Z][A-Za-z'-]{1,30}(?: [A-Z][A-Z'-]{1,30})?\.?)\s*#*\s*$"
)
PLAIN_CONTROL_WORDS = re.compile(
    r"\b(?:NOFORN|NOFORN|NF|SIPDIS|EXDIS|NODIS|LIMDIS|STADIS|ROGER|SPECAT|FOUO|SBU"
    r"|FOR OFFICIAL USE ONLY|SENSITIVE BUT UNCLASSIFIED|ORCON|PROPIN|REL TO [A-Z, ]+)\b"
)
PLAIN = [
    (re.compile(r"(?<=[.!?;])\s+"), None),
    (re.compile(r"\bE\.?\s?O\.?\s*(1[1-3]\d{3})\b", re.I), dating.RE_ORDER),
    (
        re.compile(
            r"\b(?:in|since|during)\s+(?:early\s+|late\s+|mid-?)?"
            + patterns._MONTH_WORD
            + r"\s+(?:of\s+)?((?:19|20)\d{2})\b",
            re.I,
        ),
        patterns.RE_PAST_MONTH,
    ),
    (
        re.compile(
            r"\b(?:for\s+)?reasons?\s*:?\s*((?:E\.?O\.?\s*\d+\s*,?\s*)?\d[.,]\s?\d.*)$", re.I
        ),
        patterns.RE_REASONS,
    ),
    (re.compile(r"\b1[.,]\s?[45]\s*\(?\s*[a-h].*$", re.I), patterns.RE_REASON_NUM),
    (re.compile(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{2,4})\b"), pseudo_header.RE_DECL_MDY),
    (re.compile(r"\b(\d{4})\s*[/-]\s*(\d{1,2})\s*[/-]\s*(\d{1,2})\b"), pseudo_header.RE_DECL_YMD),
    (
        re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s+(\d{4})\b"),
        pseudo_header.RE_DECL_MONTH_DAY_YEAR,
    ),
]


def spans(found: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in found]  # type: ignore[attr-defined]


@settings(max_examples=400, deadline=None)
@given(lines)
def test_keywords_anywhere_on_a_line_as_finditer_finds_them(line: str) -> None:
    for pattern in (patterns.RE_EO, patterns.RE_SUBJECT, patterns.RE_REF):
        assert spans(patterns.line_finditer(pattern, line)) == spans(pattern.finditer(line))
        assert patterns.line_search(pattern, line) == bool(pattern.search(line))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_fast_patterns_match_as_the_plain_ones(text: str) -> None:
    assert dating.sentences(text) == PLAIN[0][0].split(text)
    for plain, fast in PLAIN[1:]:
        assert spans(fast.finditer(text)) == spans(plain.finditer(text))  # type: ignore[union-attr]
    up = text.upper()
    assert markings.RE_CONTROL_WORDS.findall(up) == PLAIN_CONTROL_WORDS.findall(up)
    line = text.replace("\n", " ")
    plain_sig, fast_sig = (
        PLAIN_GLUED_SIGNATURE.search(line),
        patterns.RE_GLUED_SIGNATURE.search(line),
    )
    assert (fast_sig is None) == (plain_sig is None)
    if plain_sig and fast_sig:  # the fast one opens with the mark, one before the blanks
        assert (fast_sig.start() + 1, fast_sig.group(1)) == (plain_sig.start(), plain_sig.group(1))


@pytest.mark.parametrize(
    ("line", "is_marker"),
    [
        ("PAGE 02 STATE 123456 011234Z", True),
        ("BRASILIA 00001378 001.2 OF 003", True),
        ("THE MINISTRY OF FOREIGN AFFAIRS", False),
        ("", False),
    ],
)
def test_page_marker_is_the_pattern_on_lines_that_can_be_one(line: str, is_marker: bool) -> None:
    assert patterns.page_marker(line) is is_marker
    assert bool(patterns.RE_PAGE_MARKER.match(line)) is is_marker


def test_result_types_stay_frozen_dataclasses_with_their_defaults() -> None:
    cable = Cable(reference_id="09STATE1")
    assert cable.warnings == () and cable.body == "" and cable.paragraphs == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cable.reference_id = "x"  # type: ignore[misc]
    assert dataclasses.replace(cable, body="b") == Cable(reference_id="09STATE1", body="b")
    assert Paragraph(1, "C", "t") == Paragraph(number=1, marking="C", text="t")
    assert hash(Paragraph(1, None, "t")) == hash(Paragraph(1, None, "t"))
    assert [f.name for f in dataclasses.fields(Paragraph)] == ["number", "marking", "text"]


@settings(max_examples=3000)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*" \t\n\x0b\x0c\x1c\x1f\x85\xa0\u2000\u2028\u3000", "A", "/", "1", "é"]
        )
    )
)
def test_already_clean_only_for_what_clean_keeps(s: str) -> None:
    """header.read_addressee takes a line as it is when already_clean says so: clean must give
    that very line back (every Unicode blank is tried, not only the space)."""
    if patterns.already_clean(s):
        assert patterns.clean(s) == s


@given(texts)
def test_already_clean_says_so_for_clean_text(t: str) -> None:
    """...and the test is worth its cost: text clean gives back is found clean when printable."""
    c = patterns.clean(t)
    assert patterns.already_clean(c) == c.isprintable()


PLAIN_PARA = re.compile(
    r"^\s*(?:-\s*)?(?P<pil>¶|&para;)?\s*(?P<num>\d{1,5})\s*\.(?!\d)\s*"
    r"(?:\(\s*(?P<mark>[^()\n]{1,40}?)\s*\))?\s*(?P<rest>.*)$"
)
para_lines = st.lists(
    st.sampled_from(
        ["¶", "&para;", "-", " ", "\t", "\xa0", "1", "12", "2.4", ".", "(", ")", "C", "S//NF",
         "(C)", "text", "\u0660", "\u2028", "é"]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(para_lines)
def test_numbered_line_read_as_the_pattern_with_its_rest_read_it(line: str) -> None:
    """RE_PARA leaves the line's text after the number and mark to the match's end: the same
    groups and the same text as the pattern that ran `(?P<rest>.*)$` over it."""
    fast, plain = patterns.RE_PARA.match(line), PLAIN_PARA.match(line)
    assert (fast is None) == (plain is None)
    if fast and plain:
        assert fast.group("pil", "num", "mark") == plain.group("pil", "num", "mark")
        assert line[fast.end() :] == plain.group("rest")


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["corrected", "CORRECTED", "CorRected", "C O R R E C T E D", "c o r r e c t e d",
             "CORRECTE", "COPY", " copy", "ſ", "\u212a", "ﬅ", "¶", "’", "\ud800", " ", "\n", "D"]
        ),
        max_size=6,
    ).map("".join)
)  # fmt: skip
def test_corrected_copy_seen_in_any_case_of_its_ascii_letters(text: str) -> None:
    """The banner stage's CORRECTED test (Latin-1 bytes upper-cased) finds what the test on ASCII
    bytes (every other character a `?`) found."""
    lines = ["C O N F I D E N T I A L PARIS 001234", *text.split("\n")]
    head = lines[1:61]
    plain = any(
        form in "\n".join(head).encode("ascii", "replace").upper()
        for form in (b"CORRECTED", b"C O R R E C T E D")
    ) and any("CORRECTEDCO" in banner.collapsed(s) for s in head)
    assert banner.read_banner(lines, 1).corrected == plain


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["&", "&amp;", "&#8217;", "&#x2019;", "#", ";", "amp", "a", " "]),
                max_size=8).map("".join))  # fmt: skip
def test_html_reference_found_where_the_search_found_one(text: str) -> None:
    assert text_stage._has_html_ref(text) == bool(text_stage.RE_HTML_REF.search(text))


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["S E C R E T", "CONFIDENTIAL", "SECTION 01 OF 02", " ", ">", "/", "#", "PARIS",
             "001234", "09", "STATE", "ſ", "ß", "-", "'", "RUEHC"]
        ),
        max_size=8,
    ).map("".join)
)  # fmt: skip
def test_a_real_banner_in_ascii_holds_no_slash_or_hash(line: str) -> None:
    """header._header_start skips is_real_banner for an ASCII line with a `/` or `#` (an
    addressee's, a DE line's): no such line is one."""
    if line.isascii() and ("/" in line or "#" in line):
        assert not patterns.is_real_banner(line)


def test_blanks_are_every_character_str_isspace_takes() -> None:
    """patterns.BLANKS, which the paragraphs stage's first-character gate is built on, lists
    every blank strip() and lstrip() take, no more."""
    assert set(patterns.BLANKS) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


@settings(max_examples=1000, deadline=None)
@given(para_lines)
def test_special_line_gate_takes_what_lstrip_takes(line: str) -> None:
    """The paragraphs stage calls lstrip only on a line that opens with a blank or a character
    a paragraph or marker opens with: it picks the lines the plain test picked."""
    plain = line.lstrip()[:1] in patterns.PARA_FIRST
    assert (line[:1] in patterns.PARA_GATE and line.lstrip()[:1] in patterns.PARA_FIRST) == plain


@settings(max_examples=1000, deadline=None)
@given(para_lines)
def test_dash_gate_passes_every_line_the_pattern_reads(line: str) -> None:
    """After a `-`, RE_PARA reads only a blank, `¶`, `&` or a digit: a dash line the paragraphs
    stage does not try is one the pattern does not match."""
    st_ = "-" + line.strip()
    second = st_[1:2]
    if not (second in "¶&" or second.isspace() or second.isdecimal()):
        assert patterns.RE_PARA.match(st_) is None


PLAIN_BLANKS = re.compile(r"\s+")


def plain_marking_lines(text: str) -> list[markings.LineMarking]:
    """marking_lines as it was: each run of blanks folded by a regex."""
    out = []
    first = markings.RE_FIRST_MARKING_LINE.match(text)
    found = [first, *markings.RE_MARKING_LINE.finditer(text)] if first else []
    for m in found or markings.RE_MARKING_LINE.finditer(text):
        level = markings._LEVEL_WORDS[
            PLAIN_BLANKS.sub("", m.group("level"))
            .replace("TOPSECRET", "TOP SECRET")
            .replace("LIMITEDOFFICIALUSE", "LIMITED OFFICIAL USE")
        ]
        rest = PLAIN_BLANKS.sub(" ", m.group("rest")).strip()
        controls = [
            markings._CONTROL_NAMES.get(c, c)
            for c in markings.RE_CONTROL_WORDS.findall(rest.upper())
        ]
        left = markings.RE_CONTROL_WORDS.sub(" ", rest.upper()).replace("/", " ")
        left = PLAIN_BLANKS.sub(" ", left).strip(" .,")
        if left and not markings.RE_REST_OK.match(left):
            continue
        if "LIMITED" in m.group("level"):
            controls.append("LOU")
        out.append(
            markings.LineMarking(
                level, tuple(dict.fromkeys(c for c in controls if not c.startswith("REL")))
            )
        )
    return out


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["S E C R E T", "CONFIDENTIAL", "TOP SECRET", "T O P  S E C R E T", "UNCLASSIFIED",
             "LIMITED OFFICIAL USE", "//NOFORN", "/NF", " SIPDIS", "REL TO USA, GBR", "FOUO",
             "SECTION 01 OF 02", "PAGE 02", " PARIS 001234", " ", "  ", "\t", "\xa0", "\u2003",
             "\n", ">", ".", ",", "/", "text", "ſ", "ß"]
        ),
        max_size=10,
    ).map("".join)
)  # fmt: skip
def test_marking_lines_read_as_with_a_regex_for_the_blanks(text: str) -> None:
    """marking_lines folds blanks with str.split: what it reads is what the regex fold read."""
    assert markings.marking_lines(text) == plain_marking_lines(text)
