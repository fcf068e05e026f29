"""References read as links: one rule per row (cable-format.md §4.17), each a way cables write
a cited cable, and what a user gets from `triage parse --json`."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.cable import parse_cable, references
from triage.cable.references import cable_ids, read_references, station_code

# text, citing year, citing station, ids
IDS = [
    # a year before the station, two or four digits, or none (the citing cable's year)
    ("08 STATE 061194", 2009, "STATE", ("08STATE61194",)),
    ("2008 STATE 61194", 2009, "STATE", ("08STATE61194",)),
    ("STATE 98412", 2026, "PARIS", ("26STATE98412",)),
    ("10SHENYANG 003", 2010, "SHENYANG", ("10SHENYANG3",)),
    # a year after the serial
    ("LIMA 355 (07)", 2008, "LIMA", ("07LIMA355",)),
    ("BRASILIA 709 (2008)", 2009, "SAO PAULO", ("08BRASILIA709",)),
    # several in one entry
    ("BERLIN 1337, BERLIN 1340, BERLIN 1167", 2009, "BERLIN",
     ("09BERLIN1337", "09BERLIN1340", "09BERLIN1167")),
    ("ROME 1301 AND 1311", 2009, "ROME", ("09ROME1301", "09ROME1311")),
    ("MADRID 12; 06 MADRID 455", 2007, "MADRID", ("07MADRID12", "06MADRID455")),
    ("07 ALGIERS 1807 AND 08 ALGIERS 0075", 2008, "ALGIERS", ("07ALGIERS1807", "08ALGIERS75")),
    ("STATE 1234, 5678 (NOTAL)", 2009, "PARIS", ("09STATE1234", "09STATE5678")),
    # stations with spaces, without, in any case; short forms
    ("Sao Paulo 00228", 2009, "BRASILIA", ("09SAOPAULO228",)),
    ("SAOPAULO 31", 2009, "SAO PAULO", ("09SAOPAULO31",)),
    ("RIO DE JANEIRO 214", 2009, "BRASILIA", ("09RIODEJANEIRO214",)),
    ("08 RIO DE JAN 138", 2009, "RIO DE JANEIRO", ("08RIODEJANEIRO138",)),
    ("a) RIO 346", 2009, "RIO DE JANEIRO", ("09RIODEJANEIRO346",)),
    ("london 4212", 2005, "LONDON", ("05LONDON4212",)),
    ("SECSTATE 82698", 2008, "OSLO", ("08STATE82698",)),
    ("SECSTATE WASHDC 1234", 2008, "OSLO", ("08STATE1234",)),
    ("05 CASA 1220", 2008, "CASABLANCA", ("05CASABLANCA1220",)),
    ("USUN 6028", 1975, "LIBREVILLE", ("75USUNNEWYORK6028",)),
    ("EMBASSY VIENNA 1450", 2009, "UNVIE VIENNA", ("09VIENNA1450",)),
    ("ASHGABAT687", 2009, "STATE", ("09ASHGABAT687",)),
    ("MEXICO CITY 12", 2009, "STATE", ("09MEXICO12",)),
    # leading zeros, annotations
    ("06 TBILISI 0619", 2007, "TBILISI", ("06TBILISI619",)),
    ("ANKARA 1561 (EXDIS)", 2009, "ISTANBUL", ("09ANKARA1561",)),
    # the citing cable's own station is known even when the table lacks it
    ("NEWPOST 12", 2009, "NEWPOST", ("09NEWPOST12",)),
    # no cable: e-mails, manuals, reports, telcons, page markers, airgrams
    ("GUHA-CARTER E-MAIL (07SEP07)", 2007, "BERN", ()),
    ("7 FAM 180", 2009, "STATE", ()),
    ("9 FAM 42.1 N4, PN2-5, and PN7", 2009, "STATE", ()),
    ("IIR 6 844 0101 10 (COLD START)", 2010, "NEW DELHI", ()),
    ("LONDON DAILY - 30 APRIL 2009", 2009, "LONDON", ()),
    ("CARNIE-QUANRUD E-MAIL DATED 10.01.2009", 2009, "PRAGUE", ()),
    ("OCTOBER 12 DVC (WITH DOS DOD AND EMBASSY LISBON)", 2006, "LISBON", ()),
    ("TEHRAN'S A-077 OF MAY 15, 1972: TEHRAN 3312", 1972, "TEHRAN", ("72TEHRAN3312",)),
    ("STATE CA-3400 NOV 2, 1966", 1966, "BUENOS AIRES", ()),
    ("BRASILIA 1159 BRASILIA 00001378 001.2 OF 003", 2008, "BRASILIA", ("08BRASILIA1159",)),
    # impossible: a year before 1900 or after 2099, later than the citing cable, serial 0,
    # a serial of eight digits
    ("1066 STATE 5", 2009, "PARIS", ()),
    ("2150 STATE 5", 2009, "PARIS", ()),
    ("2012 STATE 5", 2009, "PARIS", ()),
    ("STATE 0", 2009, "PARIS", ()),
    ("STATE 123456789", 2009, "PARIS", ()),
    # no year written and none known
    ("STATE 98412", None, "PARIS", ()),
]  # fmt: skip


@pytest.mark.parametrize(("text", "year", "station", "ids"), IDS, ids=[r[0] for r in IDS])
def test_cable_ids(text: str, year: int | None, station: str, ids: tuple[str, ...]) -> None:
    assert cable_ids(text, year, station) == ids


LETTERS = [
    ("A. 25 PARIS 1500 B. STATE 98412", [("A", "25 PARIS 1500"), ("B", "STATE 98412")]),
    ("(A) BERLIN 702 (B) 2025 BERLIN 1999", [("A", "BERLIN 702"), ("B", "2025 BERLIN 1999")]),
    ("A) ROME 1301 ¶B) STATE 31877", [("A", "ROME 1301"), ("B", "STATE 31877")]),
    ("a. 07 state 75839 b. State 15220", [("A", "07 state 75839"), ("B", "State 15220")]),
    ("a) RIO 346, b) RIO 329", [("A", "RIO 346,"), ("B", "RIO 329")]),
    ("A LONDON 2768 B PARIS 12", [("A", "LONDON 2768"), ("B", "PARIS 12")]),
    ("A. SECSTATE 90063 B KUALA LUMPUR 739", [("A", "SECSTATE 90063"), ("B", "KUALA LUMPUR 739")]),
    ("A. 06 KUWAIT 4637 B. KUWAIT 79 c. KUWAIT 90",
     [("A", "06 KUWAIT 4637"), ("B", "KUWAIT 79"), ("C", "KUWAIT 90")]),
    ("A. A) 04 STATE 274965", [("A", "04 STATE 274965")]),
    ("PARIS 1877", [(None, "PARIS 1877")]),
    ("HOLT-IVERSEN E-MAIL 02/20/26", [(None, "HOLT-IVERSEN E-MAIL 02/20/26")]),
    ("", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "entries"), LETTERS, ids=[r[0] or "empty" for r in LETTERS])
def test_letters(text: str, entries: list[tuple[str | None, str]]) -> None:
    assert [(r.letter, r.text) for r in read_references(text)] == entries


@pytest.mark.parametrize(
    ("written", "code"),
    [("SECSTATE", "STATE"), ("Sao Paulo", "SAOPAULO"), ("usun", "USUNNEWYORK"), ("ROME", "ROME")],
)
def test_station_code(written: str, code: str) -> None:
    assert station_code(written) == code


def _cable(ref_block: str, dtg: str = "091200Z MAR 09", banner: str = "BERLIN 001360") -> str:
    return (
        f"R {dtg}\nFM AMEMBASSY BERLIN\nTO SECSTATE WASHDC 1234\n\n"
        f"C O N F I D E N T I A L {banner}\n\nE.O. 12958: DECL: 03/09/2019\nTAGS: PREL GM\n"
        f"SUBJECT: TALKS ON THE BUDGET\n\n{ref_block}\n\n"
        "Classified By: Ambassador Daniel Okafor for reasons 1.4 (b) and (d).\n\n"
        "1. (C) The talks went on.\n\nOKAFOR\n"
    )


def test_a_cable_s_references_carry_the_ids_they_name() -> None:
    c = parse_cable(_cable("REF: Berlin 1337, Berlin 1340, Berlin 1167"))
    assert c.reference_id == "09BERLIN1360"
    assert c.to_json()["references"] == [
        {
            "letter": None,
            "text": "Berlin 1337, Berlin 1340, Berlin 1167",
            "cable_ids": ["09BERLIN1337", "09BERLIN1340", "09BERLIN1167"],
        }
    ]


def test_ref_with_no_colon_and_a_bare_letter() -> None:
    c = parse_cable(_cable("REF A LONDON 2768\n    B 08 STATE 15220"))
    assert [(r.letter, r.cable_ids) for r in c.references] == [
        ("A", ("09LONDON2768",)),
        ("B", ("08STATE15220",)),
    ]


def test_a_reference_that_is_no_cable_keeps_its_text() -> None:
    c = parse_cable(_cable("REF: A. 7 FAM 180 B. SMITH-JONES TELCON 03/02/09"))
    assert [(r.letter, r.text, r.cable_ids) for r in c.references] == [
        ("A", "7 FAM 180", ()),
        ("B", "SMITH-JONES TELCON 03/02/09", ()),
    ]


# what the table's pattern reads, written every way the walk must read as the pattern does
WALK_PIECES = [
    "STATE", "state", "Sao Paulo", "SAOPAULO", "SAO  PAULO", "RIO", "RIO DE JANEIRO", "RIO DE JAN",
    "Rio de\tJaneiro", "SECSTATE", "SECSTATE WASHDC", "USUN", "USUN NEW YORK", "EMBASSY ",
    "AMEMBASSY ", "AMCONSUL ", "AMCONSULATE GENERAL ", "AM CONSUL ", "CONSULATE ", "USMISSION ",
    "USMISSION GENEVA", "GENEVA", "GENERAL", "LONDON", "london", "ROME", "ROMERO", "KUALA LUMPUR",
    "08", "2008", "07", "123", "0061194", "00", "0", "12345678", "(07)", "(2007)", " ", "\t",
    "\n", "\x1c", ",", ";", "&", " AND ", "and", ".", "-", "/", "'", "A.", "(C)", "REF",
    "001.2 OF 003", "LIMA 355 (07)", "10SHENYANG 003", "USEU", "HCMC", "MEXICO CITY",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(WALK_PIECES), min_size=1, max_size=12).map("".join))
def test_the_station_walk_finds_what_the_table_pattern_finds(text: str) -> None:
    """The walk over the station table (no 2,700-character regex compiled per process) finds
    each cable where the table's pattern does, with the same year, station, serials."""
    want = [references.Found.of(m) for m in references._table().finditer(text)]
    got = references._walk(text.upper())

    def read(found: list[references.Found]) -> list[tuple[object, ...]]:
        return [
            (f.start, f.year, f.station.upper(), f.serial, f.more.upper(), f.after) for f in found
        ]

    assert read(got) == read(want)


def test_the_walk_is_kept_to_short_ascii_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long or non-ASCII entry is read by the table's pattern (the walk's search for starts
    grows with the square of a run of words with no digit); a short ASCII one by the walk."""
    walked: list[str] = []
    walk = references._walk
    monkeypatch.setattr(references, "_walk", lambda up: walked.append(up) or walk(up))
    words = "THE MINISTER SAID " * 200 + "STATE 12345"
    assert cable_ids(words, 2009) == ("09STATE12345",)
    assert cable_ids("Embassy’s cable, STATE 12345", 2009) == ("09STATE12345",)
    assert walked == []
    assert cable_ids("Embassy cable, STATE 12345", 2009) == ("09STATE12345",)
    assert walked == ["EMBASSY CABLE, STATE 12345"]


LETTER_PIECES = ["A", "B", "C", "b", "c", "a", ".", ")", "(", " ", "  ", "\t", "1", "07", "123",
                 "STATE", "LONDON", "x", ","]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(st.sampled_from(LETTER_PIECES), max_size=14).map("".join),
    st.sampled_from("ABCabc"),
)
def test_letters_found_as_a_pattern_for_each_letter_found_them(text: str, letter: str) -> None:
    """One pattern for every letter, the letter compared after, finds what a pattern written
    for that letter found (the parser compiled one per letter in each process)."""
    plain = re.sub(rf"^\s*\(?{letter}[.)]\s+", "", text).strip()
    assert references._without_repeated_letter(letter, text) == plain
    nxt = letter.upper()
    want = re.search(
        rf"(?<=[\d),])\s+\(?(?:{nxt}|{nxt.lower()}[.)]|{nxt}[.)])\s+"
        r"(?=(?:\d{2,4}\s+)?[A-Za-z][A-Za-z ]{1,30}?\s*\d)",
        text,
    )
    got = references._next_letter(nxt, text)
    assert (got and got.span()) == (want and want.span())
