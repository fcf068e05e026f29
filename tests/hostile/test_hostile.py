"""Each hostile input ingested alone and all together: no crash, no traceback, a message that
names the input and the problem, the others stored, and the console showing the text exactly as
written with control characters made visible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from triage.cli import main
from triage.config import Config
from triage.store import connect
from triage.tui.app import CableScreen, TriageApp
from triage.tui.widgets.cable_list import CableList

from ..test_console import settle, static_text
from .cases import BROKEN_ROW, CSV_ROWS, Case, broken_csv, cases

CASES = cases()
# the ingest tests run on a SQLite file and on a PostgreSQL database (tests/conftest.py)
BACKENDS = ("sqlite", "postgresql")


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def write(tmp_path: Path, case: Case) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = folder / case.name
    path.write_bytes(case.data)
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_input_alone(tmp_path: Path, case: Case, target: Path) -> None:
    path = write(tmp_path, case)
    db = target
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if case.reject:
        assert result.exit_code == 1
        assert f"{path}: rejected: {case.reject}" in result.stderr
        assert "rejected 1" in result.stdout
        return
    assert result.exit_code == 0, result.output
    assert "added 1" in result.stdout
    for w in case.warn:
        assert f"{path}: " in result.stderr and w in result.stderr
    conn = connect(db)
    ref, raw = conn.execute(
        "SELECT c.reference_id, v.raw FROM cables c JOIN cable_versions v ON v.cable_id = c.id"
    ).fetchone()
    assert bytes(raw) == case.data  # kept exactly as received
    if case.ref:
        assert ref == case.ref


def test_all_together(tmp_path: Path, target: Path, backend: str) -> None:
    for case in CASES:
        write(tmp_path, case)
    db = target
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(tmp_path / "in")])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    rejected = [c for c in CASES if c.reject]
    stored_refs = {c.ref for c in CASES if not c.reject and c.ref}
    for c in rejected:
        assert f"{c.name}: rejected: {c.reject}" in result.stderr
    conn = connect(db)
    got = {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
    assert stored_refs <= got
    m = re.search(r"added (\d+), updated (\d+), unchanged (\d+), rejected (\d+)", result.stdout)
    assert m
    added, updated, _unchanged, n_rejected = map(int, m.groups())
    assert n_rejected == len(rejected)
    assert added + updated == len(CASES) - len(rejected)
    assert updated == 1  # the two cables that share a reference id
    assert "26PARIS128 was already in the cache with other text" in result.stderr
    assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == len(rejected)
    if backend == "sqlite":
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cablegate_csv_with_broken_quote_in_row_3_of_10(tmp_path: Path, target: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_bytes(broken_csv())
    db = target
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(path)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert f"{path}:row {BROKEN_ROW}: rejected: malformed CSV record" in result.stderr
    assert f"added {CSV_ROWS - 1}, updated 0, unchanged 0, rejected 1" in result.stdout


SHOWN = [c for c in CASES if c.show]


@pytest.mark.parametrize("case", SHOWN, ids=[c.name for c in SHOWN])
async def test_console_shows_text_literally(tmp_path: Path, case: Case, target: Path) -> None:
    path = write(tmp_path, case)
    db = target
    CliRunner().invoke(main, ["ingest", "--db", str(db), str(path)])
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(220, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CableScreen)
        seen = re.sub(
            r" *\n +", " ", static_text(app, "#header") + "\n" + static_text(app, "#body")
        )
        for text in case.show:
            assert text in seen
        # and the list draws without breaking its cell
        await pilot.press("escape")
        lst = app.screen.query_one(CableList)
        line = "".join(seg.text for seg in lst.render_line(1))
        assert cell_len(line) == lst.size.width
        assert "\x1b" not in line and "\x07" not in line
        assert app.is_running


async def test_huge_cable_opens_with_a_notice(tmp_path: Path, target: Path) -> None:
    case = next(c for c in CASES if c.name == "huge-20mb.txt")
    path = write(tmp_path, case)
    db = target
    CliRunner().invoke(main, ["ingest", "--db", str(db), str(path)])
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "[showing the first " in static_text(app, "#body")
        await pilot.press("v")
        assert "`triage raw 26PARIS107` prints all]" in static_text(app, "#body")
