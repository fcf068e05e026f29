"""The overall marking: the highest level and every control the banner lines, captions and
portion marks carry, shown whole in the console, its filters and its export notice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from triage.cable import parse_cable
from triage.cable.markings import LineMarking, marking_lines, roll_up
from triage.store import connect
from triage.store.ingest import Item, ingest

HEAD = (
    "VZCZCXRO0001\nPP RUEHAA\nDE RUEHC #0077/01 3221739\nZNY SSSSS ZZH\n"
    "P 181729Z NOV 26\nFM SECSTATE WASHDC\nTO ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE\n"
)


def _secret_caption_cable(serial: str = "000077") -> str:
    return (
        HEAD + f"S E C R E T SECTION 01 OF 02 STATE {serial}\n\nSECRET//NOFORN\n\n"
        "E.O. 12958: DECL: 11/17/2036\nTAGS: ASEC PREL\n\n"
        "SUBJECT: HANDLING VISITORS WHO ASK FOR PROTECTION\n\n"
        "¶1. (S/NF) The guidance below replaces earlier guidance.\n\n"
        "¶2. (U) Questions go to the desk.\n\n"
        "S E C R E T SECTION 02 OF 02 STATE 000077\n\n"
        "¶3. (S/NF) Posts keep the log.\n\nCLINTON\n"
    )


FOUO = (
    "R 020304Z JAN 26\nFM AMEMBASSY OSLO\nTO SECSTATE WASHDC 0101\n\n"
    "U N C L A S S I F I E D OSLO 000461\n\nE.O. 12958: N/A\nTAGS: SENV NO\n"
    "SUBJECT: FISHERIES TALKS\n\n¶1. (SBU) The delegation asked for support.\n\n"
    "¶2. (U) Nothing more.\n\nSMITH\n"
)


@pytest.mark.parametrize(
    ("text", "level", "caveats", "classification", "warns"),
    [
        # a caption under a plain banner
        (_secret_caption_cable(), "SECRET", {"NOFORN"}, "SECRET//NOFORN", True),
        # SBU portions under an UNCLASSIFIED banner
        (FOUO, "UNCLASSIFIED", {"SBU"}, "UNCLASSIFIED//FOR OFFICIAL USE ONLY", True),
        # a banner that says it all: no warning
        (
            HEAD + "S E C R E T NOFORN STATE 000078\n\nSUBJECT: X\n\n¶1. (S/NF) Y.\n",
            "SECRET",
            {"NOFORN"},
            "SECRET//NOFORN",
            False,
        ),
        # a page-break banner above the first: the level rises
        (
            HEAD + "C O N F I D E N T I A L STATE 000079\n\nSUBJECT: X\n\n¶1. (C) Y.\n\n"
            "S E C R E T SECTION 02 OF 02 STATE 000079\n\n¶2. (C) Z.\n",
            "SECRET",
            set(),
            "SECRET",
            True,
        ),
        # the subject is a portion: `(S/NF)` there under a CONFIDENTIAL banner
        (
            HEAD + "C O N F I D E N T I A L STATE 000080\n\nSUBJECT: (S/NF) X\n\n¶1. (C) Y.\n",
            "SECRET",
            {"NOFORN"},
            "SECRET//NOFORN",
            True,
        ),
        # ... but a `(U)` subject alone, under no banner, does not make a cable unclassified
        (
            HEAD.replace("ZNY SSSSS ZZH\n", "")
            + "STATE 000081\n\nSUBJECT: (U) X\n\nClassified By: J. Roe.\n\nY.\n",
            None,
            set(),
            None,
            False,
        ),
    ],
)
def test_the_marking_rolls_up(
    text: str, level: str | None, caveats: set[str], classification: str | None, warns: bool
) -> None:
    c = parse_cable(text)
    assert c.level == level
    assert caveats <= set(c.caveats)
    assert c.classification == classification
    assert any("first banner reads" in w for w in c.warnings) == warns


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("SECRET//NOFORN", LineMarking("SECRET", ("NOFORN",))),
        ("S E C R E T SECTION 02 OF 11 STATE 119085", LineMarking("SECRET", ())),
        ("C O N F I D E N T I A L PAGE 02 ANKARA 01234 151200Z", LineMarking("CONFIDENTIAL", ())),
        ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", LineMarking("UNCLASSIFIED", ("FOUO",))),
        ("CONFIDENTIAL NOFORN SIPDIS", LineMarking("CONFIDENTIAL", ("NOFORN", "SIPDIS"))),
        ("SECRET talks went on all night", None),
        ("Secretary Clinton arrived", None),
    ],
)
def test_marking_lines(line: str, found: LineMarking | None) -> None:
    got = marking_lines("text before\n" + line + "\ntext after")
    assert got == ([found] if found else [])


def test_roll_up_never_lowers_the_banner() -> None:
    m = roll_up("SECRET", ["NOFORN"], [LineMarking("CONFIDENTIAL", ())], ["U", "C"])
    assert (m.level, m.classification, m.warnings) == ("SECRET", "SECRET//NOFORN", ())


@pytest.fixture
def marked_db(tmp_path: Path) -> Path:
    path = tmp_path / "m.db"
    conn = connect(path)
    ingest(conn, [Item("s.txt", _secret_caption_cable().encode()), Item("u.txt", FOUO.encode())])
    conn.close()
    return path


async def test_console_filter_banner_and_export_use_the_rolled_up_marking(
    marked_db: Path, tmp_path: Path
) -> None:
    from .test_console import list_lines, make_app, settle, static_text
    from .test_console_workflow import messages

    app = make_app(marked_db)
    async with app.run_test(size=(120, 30)) as pilot:
        from triage.tui.app import CableScreen
        from triage.tui.widgets.bars import Banner

        await settle(pilot)
        await pilot.press("f", *"class:S//NF", "enter")
        await settle(pilot)
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 1 and "S//NF" in rows[0] and "26STATE77" in rows[0]
        assert "S E C R E T // N O F O R N" in str(
            app.screen.query_one("#banner-top", Banner).content
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        assert "SECRET//NOFORN" in static_text(app, "#header")
        assert "first banner reads SECRET" in static_text(app, "#header")
        await pilot.press("escape")
        await settle(pilot)
        out = tmp_path / "out.csv"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+u", *str(out), "enter")
        await settle(pilot)
        assert any("highest classification SECRET//NOFORN" in m for m in messages(app))


async def test_a_fouo_cable_shows_its_whole_banner(marked_db: Path) -> None:
    from .test_console import list_lines, make_app, settle

    app = make_app(marked_db)
    async with app.run_test(size=(120, 30)) as pilot:
        from triage.tui.widgets.bars import Banner

        await settle(pilot)
        await pilot.press("f", *"class:U", "enter")
        await settle(pilot)
        assert "U//FOUO" in list_lines(app)[1]
        banner = str(app.screen.query_one("#banner-top", Banner).content)
        assert banner.strip() == "U N C L A S S I F I E D // F O U O"
        await pilot.press("enter")
        await settle(pilot)
        banner = str(app.screen.query_one("#banner-top", Banner).content)
        assert banner.strip() == "U N C L A S S I F I E D // F O U O"


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # one banner, every paragraph and the closing signature: the sections were joined
        (
            _secret_caption_cable().replace("S E C R E T SECTION 02 OF 02 STATE 000077\n\n", ""),
            "1-2 of 2",
        ),
        # a later section's banner in the text
        (_secret_caption_cable().replace("\n\nCLINTON\n", "\n"), "1-2 of 2"),
        # the first section alone, cut before the signature
        (
            HEAD + "S E C R E T SECTION 01 OF 03 STATE 000080\n\nSUBJECT: X\n\n"
            "¶1. (S) The first part.\n",
            "1 of 3",
        ),
        # a page-break marker naming the section
        (
            HEAD + "S E C R E T SECTION 01 OF 03 STATE 000081\n\nSUBJECT: X\n\n"
            "¶1. (S) The first part.\n\nSTATE 00000081 002 OF 003\n\n¶2. (S) More.\n",
            "1-2 of 3",
        ),
    ],
)
def test_sections_are_counted_from_what_the_text_holds(text: str, section: str) -> None:
    assert parse_cable(text).section == section


async def test_the_split_view_names_a_partial_extract_and_the_sections_held(
    tmp_path: Path,
) -> None:
    from .test_console import make_app, settle, static_text

    path = tmp_path / "p.db"
    conn = connect(path)
    partial = (
        "This record is a partial extract of the original cable. The full text of the original "
        "cable is not available.\n\nC O N F I D E N T I A L SECTION 01 OF 04 VALDORIA 000348\n\n"
        "E.O. 12958: DECL: 01/22/2016\nTAGS: PREL\nSUBJECT: THE CABINET MEETS\n\n"
        "¶1. (C) The cabinet met.\n"
    )
    whole = _secret_caption_cable().replace("S E C R E T SECTION 02 OF 02 STATE 000077\n\n", "")
    ingest(conn, [Item("p.txt", partial.encode()), Item("w.txt", whole.encode())])
    conn.close()
    app = make_app(path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"cabinet", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        header = re.sub(r" *\n +", " ", static_text(app, "#header"))
        assert "partial extract: the full text was not released" in header
        assert "1 of 4 (2-4 not in this text)" in header
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("slash", "ctrl+u", *"guidance", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        header = re.sub(r" *\n +", " ", static_text(app, "#header"))
        assert "1-2 of 2 (the whole cable)" in header
        assert "partial extract" not in header
