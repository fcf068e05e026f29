"""A cable of any size or shape opens bounded: the split view reads and draws its start and
says what it left out and where the rest is (issue 13, hostile size). Times and memory are
measured by bench/hostile_size.py, not here."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cable import parse_bytes
from triage.cable.model import Paragraph
from triage.cable.parse import BODY_LINES_READ, PARSE_CHARS_READ
from triage.cli import main
from triage.config import Config
from triage.store import connect
from triage.store.views import load_cable
from triage.tui import bounds
from triage.tui.app import CableScreen, TriageApp
from triage.tui.widgets.lazy_text import LazyText

from .test_console import settle, shown_lines

HEADER = (
    "VZCZCXYZ0001\nOO RUEHC\nDE RUEHFR #0001 3301200\nZNR UUUUU ZZH\n"
    "O 261200Z NOV 26\nFM AMEMBASSY PARIS\n"
)
TOP = "TO RUEHC/SECSTATE WASHDC IMMEDIATE 0001\n"
LEAD = "BT\nUNCLAS PARIS 000001\n\nE.O. 12958: N/A\nTAGS: PREL FR\nSUBJECT: A LARGE CABLE\n\n"


def shape(name: str, n: int) -> str:
    if name == "line":
        return HEADER + TOP + LEAD + "1. (U) " + "word " * n + "\nBT\n"
    if name == "lines":
        return HEADER + TOP + LEAD + "1. (U) start\n" + "".join(f"ln {k:07d}\n" for k in range(n))
    if name == "paragraphs":
        return HEADER + TOP + LEAD + "".join(f"{k}. (U) p{k}\n\n" for k in range(1, n + 1))
    if name == "addressees":
        to = "TO " + "".join(f"RUEHX{k % 100:02d}/AMEMBASSY X{k:07d} ROUTINE\n" for k in range(n))
        return HEADER + to + LEAD + "1. (U) Short.\nBT\n"
    raise ValueError(name)


# -- the pure functions ------------------------------------------------------------------------


def test_cut_text_stops_at_lines_or_characters() -> None:
    text = "".join(f"line {k}\n" for k in range(100))
    head, n, cut = bounds.cut_text(text, max_lines=10, max_chars=10_000)
    assert head.splitlines() == [f"line {k}" for k in range(10)] and n == 10 and cut
    head, n, cut = bounds.cut_text("x" * 1000, max_lines=10, max_chars=100)
    assert head == "x" * 100 and n == 1 and cut
    assert bounds.cut_text(text, max_lines=1000, max_chars=10_000) == (text, 100, False)
    assert bounds.cut_text("a\nb\n\n\n", max_lines=2, max_chars=100)[2] is False  # blank rest


def test_cut_paragraphs_counts_each_with_its_blank_line() -> None:
    paras = [Paragraph(k, "U", f"p{k}") for k in range(1, 1001)]
    shown, lines, cut = bounds.cut_paragraphs(paras, max_lines=100, max_chars=10_000)
    assert [p.number for p in shown] == list(range(1, 51)) and lines == 100 and cut
    one = [Paragraph(1, None, "w\n" * 5000)]
    shown, lines, cut = bounds.cut_paragraphs(one, max_lines=100, max_chars=10_000)
    assert len(shown) == 1 and shown[0].text.count("\n") == 99 and cut
    assert bounds.cut_paragraphs(paras[:3], 100, 100)[2] is False


def test_cut_rows_and_notice() -> None:
    assert bounds.cut_rows(list(range(250)), 100) == (list(range(100)), 150)
    assert bounds.cut_notice(3000, 1_000_003, 9_000_235, "26PARIS1") == (
        "[showing the first 3,000 lines of 1,000,003 (9.0 MB); `triage raw 26PARIS1` prints all]"
    )


# -- the parser ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["line", "lines", "paragraphs", "addressees"])
def test_parser_reads_structure_in_a_bounded_head_and_keeps_all_text(name: str) -> None:
    text = shape(name, 120_000)
    assert len(text) > PARSE_CHARS_READ
    cable = parse_bytes(text.encode())
    assert cable.body.rstrip().endswith(text.rstrip()[-30:])  # nothing is lost
    assert len(cable.paragraphs) <= BODY_LINES_READ // 2 + 3
    assert any("its structure was read in the first" in w for w in cable.warnings)
    assert cable.reference_id == "26PARIS1"


# -- the store ---------------------------------------------------------------------------------


def ingest_text(tmp_path: Path, text: str | bytes) -> Path:
    f = tmp_path / "big.txt"
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    db = tmp_path / "c.db"
    res = CliRunner().invoke(main, ["ingest", "--db", str(db), str(f)])
    assert "added 1" in res.output, res.output
    return db


def test_load_cable_reads_only_the_start(tmp_path: Path) -> None:
    text = shape("lines", 100_000)
    db = ingest_text(tmp_path, text)
    conn = connect(db)
    d = load_cable(conn, 1, read_limit=64 * 1024)
    assert d is not None and d.text_cut
    assert d.size == len(text.encode()) and d.total_lines == text.count("\n")
    assert len(d.body) <= 64 * 1024 and d.body.endswith("\n")
    whole = load_cable(conn, 1)
    assert whole is not None and not whole.text_cut and whole.total_lines == d.total_lines


def test_load_cable_cuts_one_long_line_between_characters(tmp_path: Path) -> None:
    text = HEADER + TOP + LEAD + "1. (U) " + "é" * 100_000
    db = ingest_text(tmp_path, text)
    d = load_cable(connect(db), 1, read_limit=10_001)
    assert d is not None and d.text_cut and d.total_lines == text.count("\n") + 1
    assert (
        d.body.endswith("é")
        and "\ufffd" not in d.body
        and "not valid UTF-8" not in " ".join(d.warnings)
    )


# -- what the user sees ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lines", "paragraphs", "line"])
async def test_huge_cable_shows_its_start_and_says_where_the_rest_is(
    tmp_path: Path, name: str
) -> None:
    text = shape(name, 150_000)
    db = ingest_text(tmp_path, text)
    total = text.count("\n")
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        body = app.screen.query_one("#body", LazyText)
        drawn = "\n".join(shown_lines(body))
        first = {"lines": "ln 0000000", "paragraphs": "p1", "line": "word word"}[name]
        assert first in drawn
        await pilot.press("G")  # to the end of what is drawn: the notice
        await pilot.pause()
        end = " ".join(" ".join(shown_lines(body)).split())
        assert f"lines of {total:,} (" in end, end
        assert "`triage raw 26PARIS1` prints all]" in end
        assert "[showing the first " in end
        await pilot.press("v")  # the raw text is cut the same way
        await pilot.pause()
        assert "`triage raw 26PARIS1` prints all]" in str(body.content)
    res = CliRunner().invoke(main, ["raw", "--db", str(db), "26PARIS1"])
    assert res.stdout_bytes == text.encode()  # and `triage raw` prints all


async def test_huge_header_lists_are_cut_with_a_count(tmp_path: Path) -> None:
    db = ingest_text(tmp_path, shape("addressees", 300))
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        header = str(app.screen.query_one("#header").content)  # type: ignore[attr-defined]
        stored = connect(db).execute("SELECT count(*) FROM addressees").fetchone()[0]
        assert stored > bounds.SHOWN_ROWS
        assert f"… and {stored - bounds.SHOWN_ROWS:,} more" in header
        assert "X0000099" in header and "X0000100 " not in header
