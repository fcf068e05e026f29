"""Stage header: FL1-FL5, FM/TO/INFO/XMT and the precedences, from a cable's first lines."""

from __future__ import annotations

import pytest

from triage.cable.header import Header, _addressee_parts, read_addressee, read_header
from triage.cable.patterns import RE_ADDRESSEE, clean

FULL = """VZCZCXYZ0001 OO RUEHWEB
DE RUEHVL #0042/01 3311200
ZNY SSSSS ZZH
O R 271200Z NOV 26
FM AMEMBASSY VALDORIA
TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001
INFO RUEHLO/AMEMBASSY LONDON PRIORITY 0002
RUEHFR/AMEMBASSY PARIS 0003
BT
S E C R E T VALDORIA 000042"""


def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n"))


def test_a_full_header() -> None:
    got = read_header(_lines(FULL))
    assert isinstance(got, Header)
    assert got.transmission_id == "VZCZCXYZ0001"
    assert got.de_serial == "0042"
    assert (got.security_line, got.security_level) == ("ZNY SSSSS ZZH", "SECRET")
    assert got.dtg is not None and got.dtg.dtg == "2026-11-27T12:00:00Z"
    assert got.from_ == "AMEMBASSY VALDORIA"
    assert [(a.ri, a.name, a.precedence, a.mcn) for a in got.to] == [
        ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "0001")
    ]
    assert [a.name for a in got.info] == ["AMEMBASSY LONDON", "AMEMBASSY PARIS"]
    assert (got.precedence, got.info_precedence) == ("IMMEDIATE", "ROUTINE")
    assert got.body_start == 9  # the banner's line
    assert got.warnings == ()


@pytest.mark.parametrize(
    ("text", "field", "value", "warns"),
    [
        # the prosigns give the precedences
        ("Z 271200Z NOV 26\nFM AMEMBASSY X\nTO SECSTATE WASHDC", "precedence", "FLASH", ()),
        # no prosigns: the addressees' highest precedence
        (
            "271200Z NOV 26\nFM AMEMBASSY X\nTO AMEMBASSY A ROUTINE\nAMEMBASSY B PRIORITY",
            "precedence",
            "PRIORITY",
            (),
        ),
        # NIACT to an action addressee
        (
            "O 271200Z NOV 26\nFM AMEMBASSY X\nTO SECSTATE WASHDC NIACT IMMEDIATE",
            "precedence",
            "NIACT IMMEDIATE",
            (),
        ),
        # an impossible DTG keeps its text and its year, with a warning
        ("P 311200Z FEB 26\nFM AMEMBASSY X", "dtg", (None, 2026), ("impossible",)),
        # a partial-extract notice, and a release-date line where there is no DTG
        (
            "This record is a partial extract of the original cable.\n"
            "Friday, 27 November 2026, 12:00\nC O N F I D E N T I A L VALDORIA 000042",
            "partial",
            True,
            (),
        ),
        # `TO` alone on its line, a page break before the first address
        (
            "R 271200Z NOV 26\nFM AMEMBASSY X\nTO\nCONFIDENTIAL PAGE 02 VALDORIA 00042 271200Z\n"
            "RUEHC/SECSTATE WASHDC 0001\n\nC O N F I D E N T I A L VALDORIA 000042",
            "to",
            ("SECSTATE WASHDC",),
            (),
        ),
        # an old teletype block before the message: the header starts at its DTG and FM
        (
            "PAGE 01 VALDORIA 00042 271200Z\nACTION EUR-00\nINFO LOG-00 SS-00\n"
            "R 271200Z NOV 26\nFM AMEMBASSY VALDORIA\nTO SECSTATE WASHDC 0001",
            "from_",
            "AMEMBASSY VALDORIA",
            (),
        ),
    ],
)
def test_read_header(text: str, field: str, value: object, warns: tuple[str, ...]) -> None:
    got = read_header(_lines(text))
    if field == "dtg":
        assert got.dtg is not None and (got.dtg.dtg, got.dtg.year) == value
    elif field == "to":
        assert tuple(a.name for a in got.to) == value
    elif field == "partial":
        assert got.partial is value
        assert got.released is not None and got.released.isoformat() == "2026-11-27T12:00:00+00:00"
    else:
        assert getattr(got, field) == value
    assert len(got.warnings) == len(warns)
    for w, want in zip(got.warnings, warns, strict=True):
        assert want in w


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        ("RUEHC/SECSTATE WASHDC IMMEDIATE 0001", ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "0001")),
        ("AMEMBASSY LONDON", (None, "AMEMBASSY LONDON", None, None)),
        ("ZEN/AMCONSUL HILLTOWN PRIORITY", (None, "AMCONSUL HILLTOWN", "PRIORITY", None)),
        ("RUEHXX/CTF 151", ("RUEHXX", "CTF 151", None, None)),  # a number that is the name's
        ("SECSTATE WASHDC 475", (None, "SECSTATE WASHDC", None, "475")),  # a post's number
        (
            "RUEHC/SECSTATE WASHDC PRIORITY 12 - 34",
            ("RUEHC", "SECSTATE WASHDC", "PRIORITY", "12-34"),
        ),
        ("PRIORITY", (None, "PRIORITY", None, None)),  # a name, however it reads
    ],
)
def test_read_addressee(line: str, parts: tuple[object, ...]) -> None:
    a = read_addressee(line)
    assert a is not None
    assert (a.ri, a.name, a.precedence, a.mcn) == parts


@pytest.mark.parametrize(
    "line",
    [
        "RUEHC/SECSTATE WASHDC IMMEDIATE 0001",
        "RUEHC/ SECSTATE NIACT IMMEDIATE 12 -34",
        "AMEMBASSY X NIACT",
        "X PRIORITY NIACT 12",
        "12 - 34",
        "AB/ROUTINE",
        "ABCDEFGHI/NAME 1234-",
        "NAME 12345",
        "NAME ٣٤",
    ],
)
def test_addressee_parts_read_as_the_pattern_reads(line: str) -> None:
    """The right-to-left reading gives what RE_ADDRESSEE (the rule, kept as a pattern) gives."""
    s = clean(line)
    m = RE_ADDRESSEE.match(s)
    assert m is not None
    assert _addressee_parts(s) == (
        m.group("ri"),
        m.group("name"),
        m.group("niact"),
        m.group("prec"),
        m.group("mcn"),
    )


def test_addressee_lines_that_come_again_are_read_once_and_long_ones_not_kept() -> None:
    """Traffic repeats its routing lines: a line read before gives the same (frozen) Addressee;
    a line past CACHED_LINE_CHARS is read each time, so a cache never keeps a hostile cable's
    huge line alive."""
    from triage.cable import header, pseudo_header
    from triage.cable.patterns import CACHED_LINE_CHARS

    line = "RUEAIIA/CIA WASHINGTON DC// PRIORITY"
    assert read_addressee(line) is read_addressee(line)
    long_line = "RUEHC/SECSTATE WASHDC " + "X" * CACHED_LINE_CHARS
    kept = header._read_addressee_kept.cache_info().currsize
    got = read_addressee(long_line)
    assert got is not None and got.name.startswith("SECSTATE WASHDC X")
    assert header._read_addressee_kept.cache_info().currsize == kept
    kept = pseudo_header._split_keywords_kept.cache_info().currsize
    assert pseudo_header.split_keywords("TAGS: PREL " + "A" * CACHED_LINE_CHARS)[0][0] == "tags"
    assert pseudo_header._split_keywords_kept.cache_info().currsize == kept
