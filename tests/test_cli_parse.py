"""`triage parse` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from triage.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cables"


def test_parse_json_lines_in_order_with_bad_files(tmp_path: Path) -> None:
    a = SAMPLES / "01_flash_hijack.txt"
    b = SAMPLES / "04_immediate_paris.txt"
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    missing = tmp_path / "nope.txt"
    result = CliRunner().invoke(
        main, ["parse", "--json", str(a), str(missing), str(tmp_path), str(png), str(b)]
    )
    assert result.exit_code != 0
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["file"] for x in lines] == [str(a), str(b)]
    assert lines[0]["precedence"] == "FLASH"
    assert f"{missing}: no such file" in result.stderr
    assert f"{tmp_path}: is a folder" in result.stderr
    assert f"{png}: binary data (PNG image)" in result.stderr


def test_parse_readable() -> None:
    result = CliRunner().invoke(main, ["parse", str(SAMPLES / "03_niact_evacuation.txt")])
    assert result.exit_code == 0
    assert "NIACT IMMEDIATE" in result.stdout
    assert "Secretary of State" in result.stdout
