"""Parser rules on cables written in the tests, and the never-raises property."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.cable import decode, looks_binary, parse_bytes, parse_cable
from triage.cable.parse import normalise_marking, origin_from_fm

from .conftest import SAMPLES

HEADER = """VZCZCXYZ0042 OO RUEHWEB
DE RUEHFR #1234/01 3202023
ZNY CCCCC ZZH
O 162023Z NOV 26
FM AMEMBASSY PARIS
TO RUEHC/SECSTATE WASHDC IMMEDIATE 3128
INFO RUEHLO/AMEMBASSY LONDON PRIORITY 0634
"""


def test_full_header() -> None:
    c = parse_cable(
        HEADER + "\nC O N F I D E N T I A L PARIS 001234\n\nSIPDIS\n\n"
        "E.O. 12958: DECL: 11/16/2036\nTAGS: PREL FR\nSUBJECT: A TEST\n\n"
        "¶1. (C) Hello there.\n\nMARSH\n"
    )
    assert c.reference_id == "26PARIS1234"
    assert c.transmission_id == "VZCZCXYZ0042"
    assert c.precedence == "IMMEDIATE"
    assert c.info_precedence == "PRIORITY"
    assert c.dtg == "2026-11-16T20:23:00Z"
    assert c.classification == "CONFIDENTIAL"
    assert c.origin == "Embassy Paris"
    assert c.to[0].ri == "RUEHC" and c.to[0].mcn == "3128"
    assert c.declassify_on == "2036-11-16"
    assert c.paragraphs[0].marking == "C"
    assert c.signature == "MARSH"


def test_niact_on_action_addressee_makes_niact_immediate() -> None:
    text = HEADER.replace("SECSTATE WASHDC IMMEDIATE", "SECSTATE WASHDC NIACT IMMEDIATE")
    c = parse_cable(text + "\nS E C R E T PARIS 001234\n\n¶1. (S) Go.\n")
    assert c.precedence == "NIACT IMMEDIATE"
    assert c.to[0].niact


def test_banner_contradicting_security_line_warns() -> None:
    c = parse_cable(HEADER + "\nS E C R E T PARIS 001234\n\n¶1. (S) Go.\n")
    assert c.level == "SECRET"
    assert any("security line says CONFIDENTIAL" in w for w in c.warnings)


def test_impossible_dtg_is_a_warning() -> None:
    c = parse_cable(
        "O 322023Z NOV 26\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC\n\nUNCLAS PARIS 000001\n"
    )
    assert c.dtg is None
    assert c.dtg_raw == "O 322023Z NOV 26"
    assert any("impossible date-time group" in w for w in c.warnings)


def test_garbled_paragraph_numbers_are_repaired() -> None:
    body = "\n\nC O N F I D E N T I A L PARIS 001234\n\nSUBJECT: X\n\n- 11. (C) One.\n- ¶2. (C) Two.\n- 13. (C) Three.\n"
    c = parse_cable(HEADER + body)
    assert [p.number for p in c.paragraphs] == [1, 2, 3]
    assert any("11->1" in w and "13->3" in w for w in c.warnings)


def test_a_year_run_on_to_a_pilcrow_line_is_not_a_paragraph() -> None:
    """Web copies put a pilcrow before every line that starts with a number and a full stop,
    so a sentence wrapped before its year seems to open paragraph 2027 (or 24, for a day)."""
    body = (
        "\n\nUNCLAS PARIS 001234\n\nSUBJECT: X\n\n"
        "¶1. The next review conference will be held in\n¶2027. Delegates agreed on the venue.\n\n"
        "¶2. The working group met on July\n¶24. It agreed on a text.\n\n"
        "¶3. Three.\n\n¶5. Five, after a paragraph that is missing.\n"
    )
    c = parse_cable(HEADER + body)
    assert [p.number for p in c.paragraphs] == [1, 2, 3, 5]
    assert c.paragraphs[0].text.endswith("will be held in\n2027. Delegates agreed on the venue.")
    assert c.paragraphs[1].text.endswith("met on July\n24. It agreed on a text.")
    assert not any("follows paragraph" in w for w in c.warnings)
    # a day after a month's name; and, where every paragraph is portion-marked, an unmarked one
    body = (
        "\n\nC O N F I D E N T I A L PARIS 001234\n\nSUBJECT: X\n\n"
        "¶1. (C) Talks on a coalition agreement began on October\n¶5. The party's strategist "
        "told us so.\n\n¶2. (C) The package would cost the budget about\n¶9. billion euros.\n\n"
        "¶3. (C) Three.\n"
    )
    c = parse_cable(HEADER + body)
    assert [(p.number, p.marking) for p in c.paragraphs] == [(1, "C"), (2, "C"), (3, "C")]
    assert "began on October\n5. The party's" in c.paragraphs[0].text


def test_classified_by_in_the_text_when_the_header_has_none() -> None:
    in_paragraph = (
        "\n\nS E C R E T STATE 004410\n\nSUBJECT: X\n\n"
        "¶1. (SBU) This message is NIACT.\n\n"
        "¶2. (U) Classified by Acting DAS Nora Albrecht, Reasons 1.4\n(b) and (d).\n"
        "¶3. (U) This is an action request.\n"
    )
    c = parse_cable(HEADER + in_paragraph)
    assert (c.classified_by, c.reasons) == ("Acting DAS Nora Albrecht", "1.4 (b) and (d)")
    assert [p.number for p in c.paragraphs] == [1, 2, 3]  # the text is left as it is
    before_paragraphs = (
        "\n\nC O N F I D E N T I A L PARIS 001234\n\nSUBJECT: X\n"
        "Classified By: A/DCM Ruth Pell for reasons 1.4 (B) and (D).\n-------\nSUMMARY\n"
        "-------\n¶1. (C) One.\n"
    )
    c = parse_cable(HEADER + before_paragraphs)
    assert (c.classified_by, c.reasons) == ("A/DCM Ruth Pell", "1.4 (B) and (D)")


def test_short_message_numbers_after_posts_and_precedences() -> None:
    c = parse_cable(
        "R 041125Z MAR 75\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC 475\n"
        "INFO AMCONSUL MARSEILLE PRIORITY 012\nRUEHRO/AMEMBASSY ROME 165\nCTF 151\n"
        "BT\nC O N F I D E N T I A L PARIS 2069\n\nSUBJECT: X\n\n1. (C) One.\n"
    )
    assert [(a.name, a.precedence, a.mcn) for a in c.to] == [("SECSTATE WASHDC", None, "475")]
    assert [(a.ri, a.name, a.precedence, a.mcn) for a in c.info] == [
        (None, "AMCONSUL MARSEILLE", "PRIORITY", "012"),
        ("RUEHRO", "AMEMBASSY ROME", None, "165"),
        (None, "CTF 151", None, None),  # a task force's number is its name
    ]


def test_a_reference_letter_written_twice_is_read_once() -> None:
    """Web copies number the REF list again before the cable's own letters: `A. A) ...`."""
    c = parse_cable(
        HEADER + "\n\nC O N F I D E N T I A L PARIS 001234\n\nSUBJECT: X\n"
        "REF: A. A) 25 STATE 274965\n¶B. (B) PARIS 156\n¶C. 2007 AND PREVIOUS\n\n¶1. (C) One.\n"
    )
    assert [(r.letter, r.text) for r in c.references] == [
        ("A", "25 STATE 274965"),
        ("B", "PARIS 156"),
        ("C", "2007 AND PREVIOUS"),
    ]


def test_markings_normalised() -> None:
    assert normalise_marking("S/NF") == "S//NF"
    assert normalise_marking("c") == "C"
    assert normalise_marking("C NF") == "C//NF"
    assert normalise_marking("SBU") == "SBU"
    assert normalise_marking("Iran") is None


def test_origins() -> None:
    assert origin_from_fm("SECSTATE WASHDC") == "Secretary of State"
    assert origin_from_fm("AMCONSUL RIO DE JANEIRO") == "Consulate Rio De Janeiro"
    assert origin_from_fm("USMISSION USNATO") == "Mission USNATO"


def test_decode_falls_back_to_cp1252_with_warning() -> None:
    text, warnings = decode("caf\u00e9 \u2019".encode("cp1252"))
    assert text == "caf\u00e9 \u2019"
    assert warnings and "cp1252" in warnings[0]
    c = parse_bytes(b"\xef\xbb\xbfUNCLAS PARIS 000001\n\n\xe9t\xe9\n")
    assert c.level == "UNCLASSIFIED"
    assert any("cp1252" in w for w in c.warnings)


def test_binary_detection() -> None:
    assert looks_binary(b"") == "empty file"
    assert "PNG" in (looks_binary(b"\x89PNG\r\n\x1a\n" + bytes(range(256))) or "")
    assert looks_binary(b"UNCLAS PARIS 000001\n\x00\x00 text\n") is None


def test_crlf_and_lone_cr() -> None:
    text = HEADER + "\nUNCLAS PARIS 001234\n\nSUBJECT: LINE ENDS\n\n¶1. (U) Fine.\n"
    for eol in ("\r\n", "\r"):
        c = parse_cable(text.replace("\n", eol))
        assert c.subject == "LINE ENDS"
        assert c.reference_id == "26PARIS1234"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    c = parse_cable(text)
    assert not any(w.startswith("parser error") for w in c.warnings)


FRAGMENTS = [
    "VZCZCXYZ0001 OO RUEHWEB",
    "DE RUEHC #0001/01 0010000",
    "ZNY SSSSS ZZH",
    "O R 010000Z JAN 26",
    "Z 999999Z XXX 99",
    "FM AMEMBASSY PARIS",
    "TO ZEN/AMEMBASSY ROME NIACT IMMEDIATE 0001-0004",
    "INFO PAGE 02 STATE 000001 010000Z",
    "XMT AMCONSUL LYON",
    "S E C R E T SECTION 01 OF 02 STATE 000001",
    "SIPDIS",
    "NOFORN",
    "E.O. 12958: DECL: 13/45/2031",
    "TAGS: PREL, (A, B",
    "SUBJECT: [/b] [@click=app.quit]",
    "REF: A. B. C.",
    "Classified By: Classified By:",
    "¶1. (S/NF) x",
    "- 11. (C) y",
    "-",
    "12.",
    "(",
    "",
    "This record is a partial extract of the original cable.",
    "PARIS 00000001 002 OF 002",
    "\x1b[31m",
    "\x00",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=20), max_size=40))
def test_never_raises_on_mutated_cables(parts: list[str]) -> None:
    c = parse_cable("\n".join(parts))
    assert not any(w.startswith("parser error") for w in c.warnings)


@pytest.mark.parametrize(
    "modules",
    [
        "triage.cable, triage.cable.parse",
        # the data layer and the command line (parse, ingest, export... start without the UI)
        "triage.store, triage.store.ingest, triage.store.views, triage.store.workflow, "
        "triage.store.export, triage.store.watch, triage.visible, triage.cli",
    ],
)
def test_layers_below_the_console_do_not_import_textual(modules: str) -> None:
    code = f"import sys, {modules}; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_paragraph_marked_above_the_banner_raises_the_marking_and_warns() -> None:
    c = parse_cable(
        HEADER + "\nC O N F I D E N T I A L PARIS 001234\n\nSUBJECT: X\n\n"
        "¶1. (C) Fine.\n\n¶2. (S//NF) Higher than the banner.\n"
    )
    assert c.classification == "SECRET//NOFORN"
    assert c.level == "SECRET" and "NOFORN" in c.caveats
    assert any(
        "first banner reads CONFIDENTIAL" in w and "make it SECRET//NOFORN" in w for w in c.warnings
    )


PARTIAL = (
    "This record is a partial extract of the original cable. The full text of the original "
    "cable is not available.\n"
    "S E C R E T SECTION 01 OF 02 VALDORIA 004417\n\nSIPDIS\n\n"
    "E.O. {order}: DECL: {decl}\nTAGS: PREL PGOV\nSUBJECT: THE CABINET AFTER THE FLOODS\n"
    "{ref}\n¶1. (S) The cabinet met on Tuesday.\n"
)


def test_a_partial_extract_is_dated_ten_years_before_declassification() -> None:
    c = parse_cable(PARTIAL.format(order="12958", decl="03/09/2016", ref=""))
    assert (c.dtg, c.dtg_estimated, c.reference_id) == (
        "2006-03-09T00:00:00Z",
        True,
        "06VALDORIA4417",
    )
    assert "estimated as 10 years before declassification" in " ".join(c.warnings)


def test_an_estimate_outside_the_cited_order_takes_the_25_year_period() -> None:
    # E.O. 12958 was superseded in 2010: a cable citing it cannot be from 2019
    c = parse_cable(PARTIAL.format(order="12958", decl="12/14/2029", ref=""))
    assert (c.dtg, c.reference_id) == ("2004-12-14T00:00:00Z", "04VALDORIA4417")
    assert "estimated as 25 years before declassification" in " ".join(c.warnings)


def test_a_reference_with_a_year_bounds_the_estimate() -> None:
    # citing a 2004 cable, it cannot be from 2003: the next period that fits is five years
    c = parse_cable(
        PARTIAL.format(
            order="12958", decl="06/01/2013", ref="REF: A. 04 STATE 12345\n     B. VALDORIA 399\n"
        )
    )
    assert c.reference_id == "08VALDORIA4417"
    assert "estimated as 5 years before declassification" in " ".join(c.warnings)


def test_a_telegram_printout_gives_its_date_sender_and_serial() -> None:
    c = parse_cable(
        "Cable\nText:\n\nCONFIDENTIAL\n\nSIPDIS\n"
        "TELEGRAM                                  March 07, 2004\n\n\n"
        "To:       No Action Addressee\n\nAction:   Unknown\n\n"
        "From:     AMEMBASSY VALDORIA (VALDORIA 812 - UNKNOWN)\n\n"
        "TAGS:     PREL, PGOV\n\nCaptions: None\n\n"
        "Subject:  FLOOD RELIEF PLEDGES\n\nRef:      None\n"
        "__________________________________\n\n"
        "1. (C) Donors pledged more than expected.\n"
    )
    assert (c.dtg, c.reference_id, c.from_, c.origin) == (
        "2004-03-07T00:00:00Z",
        "04VALDORIA812",
        "AMEMBASSY VALDORIA",
        "Embassy Valdoria",
    )
    assert c.classification == "CONFIDENTIAL" and c.subject == "FLOOD RELIEF PLEDGES"


BARE = (
    "O 130854Z AUG 26\nFM AMEMBASSY VALDORIA\nTO SECSTATE WASHDC IMMEDIATE 2981\n"
    "INFO AMEMBASSY OSTRAVEN PRIORITY\n"
)


def test_a_copied_metadata_block_gives_the_id_and_classification() -> None:
    c = parse_cable(
        ">\n8/13/2026 8:54\n26VALDORIA234\nEmbassy Valdoria\nSECRET//NOFORN\n\n"
        + BARE
        + "TAGS: PREL PGOV\nSUBJECT: PARTY CONGRESS\n\n1. (S) The congress opened.\n"
    )
    assert (c.reference_id, c.classification) == ("26VALDORIA234", "SECRET//NOFORN")
    assert any("taken from a line that lists it" in w for w in c.warnings)


def test_a_listed_id_of_another_year_is_not_taken() -> None:
    c = parse_cable("25VALDORIA234\n\n" + BARE + "TAGS: PREL\nSUBJECT: X\n\n1. (U) Text.\n")
    assert c.reference_id is None


def test_a_table_export_record_line_gives_the_id_and_classification() -> None:
    c = parse_cable(
        BARE
        + "2026-08-13 08:54:00\t26VALDORIA881\tEmbassy Valdoria\tSECRET\t26STATE1\tVZCZC\\\n"
        + "TAGS: PREL\nSUBJECT: X\n\n1. (S) Text.\n"
    )
    assert (c.reference_id, c.classification) == ("26VALDORIA881", "SECRET")


def test_a_year_before_the_station_stays_in_the_cablegate_id() -> None:
    c = parse_cable(
        "O R 181205Z NOV 75 ZFF4\nFM AMEMBASSY VALDORIA\nTO SECSTATE WASHDC IMMEDIATE 7102\n"
        "C O N F I D E N T I A L 75 VALDORIA 1895\nE.O. 11652: NGDS\n\nTAGS: PFOR UNGA\n\n"
        "SUBJ: A VOTE\n\n1. THE VOTE WAS CLOSE.\n"
    )
    assert c.reference_id == "7575VALDORIA1895" and c.level == "CONFIDENTIAL"


def test_a_year_in_the_subject_picks_the_declassification_period() -> None:
    text = PARTIAL.format(order="12958", decl="11/17/2009", ref="").replace(
        "THE CABINET AFTER THE FLOODS", "SCENESETTER FOR THE VISIT, NOVEMBER 30 - DECEMBER 1, 2004"
    )
    c = parse_cable(text)
    assert (c.dtg, c.reference_id) == ("2004-11-17T00:00:00Z", "04VALDORIA4417")


def test_an_extract_without_any_date_takes_the_first_full_date_it_gives() -> None:
    text = PARTIAL.format(order="12958", decl="N/A", ref="").replace(
        "The cabinet met on Tuesday.",
        "The judge arrives on February 28, 2005 and stays until December 1, 2005.",
    )
    c = parse_cable(text)
    assert (c.dtg, c.dtg_estimated, c.reference_id) == (
        "2005-02-28T00:00:00Z",
        True,
        "05VALDORIA4417",
    )
    # outside the cited order's years, a date says nothing about when the cable was sent
    c = parse_cable(text.replace("2005 and", "1989 and").replace("E.O. 12958", "E.O. 13526"))
    assert c.reference_id is None and "copied DATE line" not in " ".join(c.warnings)


def test_an_event_reported_as_past_rules_out_a_period_that_ends_before_it() -> None:
    # ten years before DECL would be April 2004, but the cable reports December 2004 as past:
    # the longest shorter period that fits is nine years
    text = PARTIAL.format(order="12958", decl="04/06/2014", ref="").replace(
        "The cabinet met on Tuesday.",
        "The cabinet met on Tuesday.\n\n¶2. (S) Also, in December 2004, then-Minister Arlo "
        "Venn led a delegation to the donors' meeting.",
    )
    c = parse_cable(text)
    assert (c.dtg, c.reference_id) == ("2005-04-06T00:00:00Z", "05VALDORIA4417")
    assert "estimated as 9 years before declassification" in " ".join(c.warnings)


def test_a_month_named_in_a_plan_or_forecast_is_not_evidence() -> None:
    for sentence in (
        "The minister will retire in December 2004.",
        "The cabinet expects elections in December 2004, as was agreed.",
        "He was to stay in office until December 2004.",
    ):
        text = PARTIAL.format(order="12958", decl="04/06/2014", ref="").replace(
            "The cabinet met on Tuesday.", sentence
        )
        c = parse_cable(text)
        assert (c.dtg, c.reference_id) == ("2004-04-06T00:00:00Z", "04VALDORIA4417"), sentence


def test_an_extract_with_no_date_takes_the_day_after_the_day_it_reports() -> None:
    lead = (
        "Minister Arlo Venn, who was named in July 2005 to head the flood commission, told the "
        "Ambassador December 20 that the dikes would hold."
    )
    text = PARTIAL.format(order="12958", decl="N/A", ref="").replace(
        "The cabinet met on Tuesday.", lead
    )
    c = parse_cable(text)
    assert (c.dtg, c.dtg_estimated, c.reference_id) == (
        "2005-12-21T00:00:00Z",
        True,
        "05VALDORIA4417",
    )
    assert "the latest day its first paragraph reports" in " ".join(c.warnings)
    # a day that comes before the past month named is in the next year
    c = parse_cable(text.replace("December 20", "March 3"))
    assert (c.dtg, c.reference_id) == ("2006-03-04T00:00:00Z", "06VALDORIA4417")
    # with no past month and year to place it, a bare day says nothing about the year
    c = parse_cable(text.replace("was named in July 2005", "was named last summer"))
    assert (c.dtg, c.reference_id) == (None, None)


ACP_HEAD = (
    "VZCZCXRO4410\nPP RUEHVL\nDE RUEHVL #0441/01 0451200\nZNY CCCCC ZZH\nP 141200Z FEB 26\n"
    "FM AMEMBASSY VALDORIA\nTO RUEHC/SECSTATE WASHDC PRIORITY 3301\n"
    "INFO RUEHOS/AMEMBASSY OSTRAVEN PRIORITY 0112\n"
)
META_BLOCK = (
    "ID: 310442\nORIGIN: 26VALDORIA441\nDATE: 2026-02-14 12:00:00\nSOURCE: Embassy Valdoria\n"
    "CLASSIFICATION: CONFIDENTIAL\nMISC: 26VALDORIA400\n"
    "DESTINATION: VZCZCXRO4410RUEHVL #0441/01 0451200CCCCC ZZH141200Z FEB 26AMEMBASSY VALDORIA\n"
)


def test_a_copied_page_metadata_block_is_not_read_as_addressees() -> None:
    c = parse_cable(
        ACP_HEAD + META_BLOCK + "\nC O N F I D E N T I A L VALDORIA 000441\n\nSIPDIS\n\n"
        "E.O. 12958: DECL: 02/14/2036\nTAGS: PREL\nSUBJECT: DAM TALKS\n\n1. (C) Text.\n"
    )
    assert [a.name for a in c.info] == ["AMEMBASSY OSTRAVEN"]
    assert (c.reference_id, c.classification, c.dtg) == (
        "26VALDORIA441",
        "CONFIDENTIAL",
        "2026-02-14T12:00:00Z",
    )


def test_without_header_or_banner_the_metadata_block_gives_id_date_and_level() -> None:
    body = (
        "\nSIPDIS\n\nE.O. 12958: DECL: 02/14/2036\nTAGS: PREL\nSUBJECT: DAM TALKS\n\n1. (C) Text.\n"
    )
    c = parse_cable(
        "TO RUEHC/SECSTATE WASHDC PRIORITY 3301\nINFO RUEHOS/AMEMBASSY OSTRAVEN\n"
        + META_BLOCK
        + body
    )
    assert (c.reference_id, c.classification, c.dtg) == (
        "26VALDORIA441",
        "CONFIDENTIAL",
        "2026-02-14T12:00:00Z",
    )
    warned = " ".join(c.warnings)
    assert "copied DATE line" in warned and "copied CLASSIFICATION line" in warned
    # redacted values say nothing
    redacted = META_BLOCK.replace("26VALDORIA441", "XXXXXXXXXXXX").replace(
        "2026-02-14 12:00:00", "XXXXXXXXXXXX"
    )
    c = parse_cable("TO RUEHC/SECSTATE WASHDC PRIORITY 3301\n" + redacted + body)
    assert c.reference_id is None and "copied DATE line" not in " ".join(c.warnings)


def test_a_banner_with_the_captions_and_subject_run_onto_it() -> None:
    c = parse_cable(
        "P R 041820Z JAN 26\nFM SECSTATE WASHDC\nTO RUEHVL/AMEMBASSY VALDORIA PRIORITY 1742\n"
        "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284 SIPDIS E.O. 12958: DECL: "
        "01/04/2036 TAGS: MARR, PREL SUBJECT: Talks on the Harbor Agreement\n\n"
        "1.(U) This is an action request.\n\n2.(C) The talks begin.\n"
    )
    assert (c.reference_id, c.classification, c.section) == (
        "26STATE284",
        "CONFIDENTIAL",
        "1 of 2",
    )
    assert (c.subject, c.tags, c.declassify_on) == (
        "Talks on the Harbor Agreement",
        ("MARR", "PREL"),
        "2036-01-04",
    )
    assert "SIPDIS" in c.caveats


def test_a_lower_cased_extract_keeps_its_page_markers_and_order_years_apart() -> None:
    text = (
        "This record is a partial extract of the original cable. The full text of the original "
        "cable is not available.\n"
        "c o n f i d e n t i a l section 01 of 02 valdoria 004417\n\nsipdis\n\n"
        "E.o. 12958: decl: 12/14/2029\ntags: prel, pgov\nsubject: the cabinet after the floods\n"
        "valdoria 00004417 001.2 of 002\n\n\n1. (c) the cabinet met.\n"
    )
    c = parse_cable(text)
    assert c.subject == "the cabinet after the floods"
    # E.O. 12958 was in force 1995-2010: ten years before a 2029 DECL is out of it
    assert (c.reference_id, c.dtg) == ("04VALDORIA4417", "2004-12-14T00:00:00Z")


NO_BLANKS = (
    "Wednesday, 11 February 2026, 09:30\nC O N F I D E N T I A L VALDORIA 000218\nSIPDIS\n"
    "E.O. 12958: DECL: 02/11/2036\nTAGS: PREL, PGOV\nSUBJECT: THE DAM TALKS RESUME AFTER A\n"
    "LONG PAUSE\n{after}\n1. (C) The talks resumed.\n"
)


@pytest.mark.parametrize(
    "after",
    [
        "Summary\n-------",
        "SENSITIVE BUT UNCLASSIFIED.",
        "This cable is sensitive, but unclassified. Please protect accordingly.",
        "STATE FOR EUR/CE; NSC FOR J. DOE",
        "SUMMARY: The talks resumed after a year.",
        "Media highlights: the papers led with the dam and little else.",
    ],
)
def test_a_copy_without_blank_lines_keeps_what_follows_out_of_the_subject(after: str) -> None:
    """Newspaper-edited copies lose their blank lines: the subject's continuation still joins
    it, the lines after it do not."""
    c = parse_cable(NO_BLANKS.format(after=after))
    assert c.subject == "THE DAM TALKS RESUME AFTER A LONG PAUSE"


def test_a_subject_wrapped_before_a_passing_word_keeps_it() -> None:
    c = parse_cable(
        NO_BLANKS.format(after="").replace(
            "THE DAM TALKS RESUME AFTER A\nLONG PAUSE", "VISIT OF THE SECRETARY OF\nSTATE FOR WATER"
        )
    )
    assert c.subject == "VISIT OF THE SECRETARY OF STATE FOR WATER"


def test_a_printout_label_after_the_tags_is_not_a_tag() -> None:
    c = parse_cable(NO_BLANKS.format(after="").replace("PGOV\n", "PGOV\nCaptions: None\n"))
    assert c.tags == ("PREL", "PGOV")


def _same_but_warnings(a: dict[str, object], b: dict[str, object]) -> bool:
    return {k: v for k, v in a.items() if k != "warnings"} == {
        k: v for k, v in b.items() if k != "warnings"
    }


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_a_double_spaced_or_twice_converted_copy_reads_as_the_original(name: str) -> None:
    """Line breaks doubled by a copy (every line followed by a blank one) or by a second CRLF
    conversion (`\\r\\r\\n`) are read as the single breaks they were."""
    data = (SAMPLES / name).read_bytes()
    original = parse_bytes(data).to_json()
    doubled = parse_bytes(data.replace(b"\n", b"\n\n"))
    assert _same_but_warnings(doubled.to_json(), original)
    assert "the text was double-spaced" in " ".join(doubled.warnings)
    assert _same_but_warnings(parse_bytes(data.replace(b"\n", b"\r\r\n")).to_json(), original)


def test_html_character_references_from_a_web_copy_are_read_as_characters() -> None:
    c = parse_cable(
        BARE + "C O N F I D E N T I A L VALDORIA 000077\n\n"
        "SUBJECT: THE MINISTER&#8217;S VISIT &amp; TALKS&#27;[31m\n\n1. (C) It&#x2019;s on.\n"
    )
    # an escape character is not made out of text: its reference stays as written
    assert c.subject == "THE MINISTER\u2019S VISIT & TALKS&#27;[31m"
    assert c.paragraphs[0].text == "It\u2019s on."
    assert "HTML character references" in " ".join(c.warnings)


def test_a_copy_without_the_partial_extract_line_is_dated_as_an_extract_would_be() -> None:
    text = PARTIAL.format(order="12958", decl="N/A", ref="").replace(
        "The cabinet met on Tuesday.",
        "The judge arrives on February 28, 2005 and stays until December 1, 2005.",
    )
    headless = text.split("\n", 1)[1]  # the copy lost cablegate's first line
    c = parse_cable(headless)
    assert not c.partial
    assert (c.dtg, c.dtg_estimated, c.reference_id) == (
        "2005-02-28T00:00:00Z",
        True,
        "05VALDORIA4417",
    )


def test_a_lower_case_subject_still_runs_on_to_its_next_line() -> None:
    c = parse_cable(
        NO_BLANKS.format(after="").replace(
            "THE DAM TALKS RESUME AFTER A\nLONG PAUSE", "the dam talks resume after a\nlong pause"
        )
    )
    assert c.subject == "the dam talks resume after a long pause"
