"""The damage real traffic carries, one class per case: page breaks and web-copy backslashes
inside header lists, glued and mistyped keywords and TAGS, captions run onto the subject, and
who classified and signed a cable read as names. Every cable here is written for the test."""

from __future__ import annotations

import pytest

from triage.cable import parse_cable
from triage.cable.parse import classified_by_name
from triage.cable.patterns import TAG_CODES, split_glued_tags

HEAD = "R 151200Z MAR 26\nFM AMEMBASSY VALDORIA\nTO RUEHC/SECSTATE WASHDC 0101\n"


def cable(pseudo: str, head: str = HEAD, end: str = "\n\nJONES\n") -> str:
    return (
        head + "\nC O N F I D E N T I A L VALDORIA 001234\n\n"
        "E.O. 12958: DECL: 03/15/2036\n" + pseudo + "\n\n¶1. (C) The talks went on." + end
    )


@pytest.mark.parametrize(
    ("text", "field", "want"),
    [
        # a page break inside the TAGS and inside the subject
        (
            cable(
                "TAGS: PREL PGOV\nCONFIDENTIAL\nPAGE 02 VALDORIA 01234 151200Z\n IR KN\n"
                "SUBJECT: TALKS ON\nVALDORIA 00001234 002 OF 003\nTHE BORDER"
            ),
            "tags+subject",
            (("PREL", "PGOV", "IR", "KN"), "TALKS ON THE BORDER"),
        ),
        # web-copy backslashes at every line's end
        (
            cable("TAGS: PREL,\nPGOV\nSUBJECT: A VISIT TO THE\nPORT").replace("\n", " \\\n"),
            "tags+subject",
            (("PREL", "PGOV"), "A VISIT TO THE PORT"),
        ),
        # glued TAGS: the run as written, then the codes it glues
        (
            cable("TAGS PRELPGOVKNNPIR\nSUBJECT: IRAN"),
            "tags+subject",
            (("PRELPGOVKNNPIR", "PREL", "PGOV", "KNNP", "IR"), "IRAN"),
        ),
        (
            cable("TAGS: ECONTU, EFIN\nSUBJECT: BANKS"),
            "tags+subject",
            (("ECONTU", "EFIN", "ECON", "TU"), "BANKS"),
        ),
        # a person's tag wrapped inside its parentheses, a phrase tag kept whole
        (
            cable("TAGS: OVIP (ROE,\nJANE A.), PREL, ORGANIZED CRIME\nSUBJECT: THE VISIT"),
            "tags+subject",
            (("OVIP (ROE, JANE A.)", "PREL", "ORGANIZED CRIME"), "THE VISIT"),
        ),
        # keywords with a letter missing, doubled, swapped or cut at the start
        (cable("TAG: PREL\nSUBJET: THE ELECTION"), "tags+subject", (("PREL",), "THE ELECTION")),
        (cable("TAAGS: PREL\nSUBJCET: THE VOTE"), "tags+subject", (("PREL",), "THE VOTE")),
        (cable("AGS: SENV\nUBJECT: CLIMATE TALKS"), "tags+subject", (("SENV",), "CLIMATE TALKS")),
        # a caption and a Classified-by line run onto the subject
        (
            cable("TAGS: PREL\nSUBJECT: THE ELECTION Sensitive but unclassified"),
            "tags+subject",
            (("PREL",), "THE ELECTION"),
        ),
        (
            cable(
                "TAGS: PREL\nSUBJECT: A VISIT TO THE PORT Classified By: Acting Deputy Chief "
                "of Mission Jane Roe, reasons 1.4 (b) and (d)"
            ),
            "tags+subject",
            (("PREL",), "A VISIT TO THE PORT"),
        ),
    ],
)
def test_pseudo_header_damage(text: str, field: str, want: tuple[object, str]) -> None:
    c = parse_cable(text)
    assert (c.tags, c.subject) == want


def test_a_caption_run_onto_the_subject_is_a_caveat() -> None:
    c = parse_cable(cable("TAGS: PREL\nSUBJECT: THE ELECTION SENSITIVE BUT UNCLASSIFIED"))
    assert "SBU" in c.caveats


@pytest.mark.parametrize(
    "head",
    [
        # a page break between TO and its first address
        "R 151200Z MAR 26\nFM AMEMBASSY VALDORIA\nTO\nVALDORIA 00001234 002 OF 003\n"
        "RUEHC/SECSTATE WASHDC 0101\nINFO RUEHLO/AMEMBASSY LONDON 0303\n",
        # and a classified page header between INFO and its first address
        "R 151200Z MAR 26\nFM AMEMBASSY VALDORIA\nTO RUEHC/SECSTATE WASHDC 0101\nINFO\n"
        "CONFIDENTIAL PAGE 02 VALDORIA 01234 151200Z\nRUEHLO/AMEMBASSY LONDON 0303\n",
    ],
)
def test_addressees_across_a_page_break(head: str) -> None:
    c = parse_cable(cable("TAGS: PREL\nSUBJECT: X", head=head))
    assert [a.name for a in c.to] == ["SECSTATE WASHDC"]
    assert [a.name for a in c.info] == ["AMEMBASSY LONDON"]


def test_web_copy_backslashes_leave_the_addressees() -> None:
    text = cable("TAGS: PREL\nSUBJECT: X").replace("\n", " \\\n")
    c = parse_cable(text)
    assert [a.name for a in c.to] == ["SECSTATE WASHDC"] and c.from_ == "AMEMBASSY VALDORIA"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Acting Deputy Chief of Mission Jane Roe, reasons 1.4 (b) and (d)", "Jane Roe"),
        ("POL COUNSELOR JOHN Q. DOE, JR., FOR REASONS 1.4 (B)", "JOHN Q. DOE, JR."),
        ("Ann Q. Public, Director, INR/CCS", "Ann Q. Public"),
        ("MINISTER-COUNSELOR FOR POLITICAL AFFAIRS MARY ROE", "MARY ROE"),
        ("Charge d'Affaires a.i. Sam Doe", "Sam Doe"),
        ("Amb. Carla van Doe", "Carla van Doe"),
        ("Derived from Multiple Sources", None),
        ("Ambassador", None),
    ],
)
def test_classified_by_as_a_name(written: str, name: str | None) -> None:
    assert classified_by_name(written) == name
    c = parse_cable(cable(f"TAGS: PREL\nSUBJECT: X\nClassified By: {written}"))
    assert c.classified_by_name == name
    assert c.to_json()["classified_by_name"] == name


@pytest.mark.parametrize(
    ("end", "signature"),
    [
        ("\n\nHOLLAND##\n", "HOLLAND"),
        ("\n\nMARSH.\n", "MARSH"),
        ("\n\nVAN DYKE\nNNNN\n", "VAN DYKE"),
        (" END TEXT. HOLLAND##\n", "HOLLAND"),
        ("\n\nJONES\n\nCONFIDENTIAL\n", "JONES"),
        ("\n\nJONES\n\nEnd Cable Text\n", "JONES"),
        ("\n\nPARDEW PARDEW\n", "PARDEW"),
        ("\n\nXXXXXXXXXXXX\n", None),
        # a sentence wrapped onto its last line is no signature
        (" Thanks to the\nASSISTANCE.\n", None),
    ],
)
def test_signature_as_a_name(end: str, signature: str | None) -> None:
    c = parse_cable(cable("TAGS: PREL\nSUBJECT: X", end=end))
    assert c.signature == signature


@pytest.mark.parametrize(
    ("run", "codes"),
    [
        ("PRELPGOVKNNPIR", ("PREL", "PGOV", "KNNP", "IR")),
        ("ECONTU", ("ECON", "TU")),
        ("MASSMNUC", ("MASS", "MNUC")),
        ("PREL", None),  # a code itself
        ("UNESCO", None),
        ("MOPPS", None),  # no split covers it: kept as written
    ],
)
def test_glued_tags_split_by_the_code_table(run: str, codes: tuple[str, ...] | None) -> None:
    assert split_glued_tags(run) == codes


def test_the_code_table_holds_the_families() -> None:
    assert {"PREL", "PGOV", "KNNP", "ECON", "MARR", "FR", "IR", "NATO", "XF"} <= TAG_CODES


def test_the_cache_keeps_who_classified_it_as_a_name(tmp_path: object) -> None:
    from pathlib import Path

    from triage.store import connect
    from triage.store.ingest import Item, ingest

    conn = connect(Path(str(tmp_path)) / "c.db")
    text = cable("TAGS: PREL\nSUBJECT: X\nClassified By: Acting DCM Jane Roe, reasons 1.4 (b)")
    ingest(conn, [Item("c.txt", text.encode())])
    row = conn.execute("SELECT classified_by, classified_by_name FROM cables").fetchone()
    assert row == ("Acting DCM Jane Roe", "Jane Roe")
