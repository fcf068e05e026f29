"""The marking of cables shown or written together (cable/rollup.py): the highest level, with
NOFORN when any classified cable carries it; a cable without a readable level counted apart.
The list's banner, the export's message and the report's head follow it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cable.rollup import Rollup
from triage.cli import main
from triage.config import current_login
from triage.store import connect
from triage.store import workflow as wf
from triage.store.ingest import Item, ingest
from triage.store.views import Context, View, max_level, parse_filters

BACKENDS = ("sqlite", "postgresql")


@pytest.mark.parametrize(
    ("markings", "words", "said"),
    [
        (["TS", "C//NF"], "TOP SECRET//NOFORN", "TOP SECRET//NOFORN"),
        (["TS", "S", "U//FOUO"], "TOP SECRET", "TOP SECRET"),
        (["U", "U//FOUO"], "UNCLASSIFIED//FOUO", "UNCLASSIFIED//FOUO"),
        # as the classification column writes it (the export reads that column)
        (
            ["UNCLASSIFIED//FOR OFFICIAL USE ONLY", "UNCLASSIFIED"],
            "UNCLASSIFIED//FOUO",
            "UNCLASSIFIED//FOUO",
        ),
        (["SECRET//NOFORN", "CONFIDENTIAL"], "SECRET//NOFORN", "SECRET//NOFORN"),
        (["C", "?"], "CONFIDENTIAL", "CONFIDENTIAL (1 without a readable classification)"),
        (["?", "?//NF"], None, "unknown (2 without a readable classification)"),
        ([], None, "none"),
    ],
)
def test_rollup(markings: list[str], words: str | None, said: str) -> None:
    r = Rollup()
    for m in markings:
        r.add_marking(m)
    assert r.words() == words
    assert r.said() == said


def _flash_view(db: Path) -> View:
    """FLASH and EMERGENCY cables still open: 26JCS911 (TS) and 26STATE104233 (S//NF) once
    26ANKARA3401 (TS//NF) is closed."""
    conn = connect(db)
    wf.set_status(conn, wf.find_cable(conn, "26ANKARA3401"), "DONE", "lead")
    conn.close()
    return View(tab="Inbox", filters=parse_filters("prec:>=FLASH"))


def test_a_secret_noforn_under_a_top_secret_makes_the_view_top_secret_noforn(db: Path) -> None:
    """The banner used NOFORN only when a cable at the top level carried it."""
    view = _flash_view(db)
    conn = connect(db)
    marking = max_level(conn, view, Context(login=current_login()))
    # (26JCS911 is NODIS: the view's marking carries its caption)
    assert marking == Rollup(3, noforn=True, captions=frozenset({"NODIS"}))


def test_export_and_report_say_the_rolled_up_marking(db: Path, tmp_path: Path) -> None:
    _flash_view(db)
    out = tmp_path / "flash.csv"
    r = CliRunner().invoke(
        main,
        ["export", "--db", str(db), "--view", "Inbox", "--precedence", ">=FLASH", "-o", str(out)],
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(out.read_text())))[1:]
    assert sorted(row[0] for row in rows) == ["26JCS911", "26STATE104233"]
    assert "highest classification TOP SECRET//NOFORN" in r.output + r.stderr


def test_a_cable_without_a_readable_level_is_said_apart(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(conn, [Item("cut.txt", b"SUBJECT: CALL THE DESK\n\n1. ABOUT THE VISIT\n")])
    r = CliRunner().invoke(main, ["export", "--db", str(db), "-o", str(tmp_path / "x.csv")])
    assert r.exit_code == 0, r.output
    assert "highest classification unknown (1 without a readable classification)" in (
        r.output + r.stderr
    )


async def test_the_split_view_of_a_cable_without_a_level_says_so(tmp_path: Path) -> None:
    """Its banner read UNCLASSIFIED (in green): no level can be vouched for a cable whose
    banner was not read (a SECRET cable cut off in transit looks the same)."""
    from triage.tui.app import CableScreen
    from triage.tui.widgets.bars import Banner

    from .test_console import make_app, settle

    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(conn, [Item("cut.txt", b"SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED ON\n")])
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        shown = {str(b.render()).strip() for b in app.screen.query(Banner)}
        assert shown == {"C L A S S I F I C A T I O N   U N K N O W N"}


async def test_the_lists_banner_says_a_cable_without_a_level_is_among_those_shown(
    tmp_path: Path,
) -> None:
    """The list's banner read CONFIDENTIAL over a cable whose banner was not read; it reads
    `CONFIDENTIAL + UNMARKED` until the filter leaves that cable out."""
    from triage.tui.widgets.bars import Banner

    from .test_backends import UNMARKED_CABLES
    from .test_console import make_app, settle, static_text

    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(conn, UNMARKED_CABLES)
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)

        def banners() -> set[str]:
            return {str(b.render()).strip() for b in app.screen.query(Banner)}

        assert banners() == {"C O N F I D E N T I A L  +  U N M A R K E D"}
        await pilot.press("f", *"class:>=U", "enter")
        await settle(pilot)
        assert banners() == {"C O N F I D E N T I A L"}
        assert static_text(app, "#filters").endswith(" of 2")
