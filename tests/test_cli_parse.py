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


def test_parse_readable_shows_the_paragraph_outline_and_what_kind_of_copy() -> None:
    result = CliRunner().invoke(
        main,
        [
            "parse",
            str(SAMPLES / "29_garbled_numbers.txt"),
            str(SAMPLES / "16_partial_extract.txt"),
            str(SAMPLES / "35_marks_variants.txt"),
        ],
    )
    assert result.exit_code == 0
    out = result.stdout
    # numbers as repaired, marks as normalised
    assert "  Paragraphs     3: 1 C, 2 C, 3 C\n" in out
    assert "  Paragraphs     5: 1 S//NF, 2 S//REL UK, 3 C, 4 SBU, 5 U\n" in out
    assert "  Copy           partial extract\n" in out
    assert out.count("  Copy ") == 1  # only the extract says what kind of copy it is
    assert "  Transmission   VZCZCXYZ0030\n" in out


HOSTILE = (
    "UNCLAS PARIS 000001\n\nTAGS: PREL\nSUBJECT: HELLO \x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07 WORLD\n\n"
    "¶1. (U) Text \x1b[31mred\n\nMARSH\n"
)


def test_parse_readable_shows_escape_sequences_instead_of_sending_them(tmp_path: Path) -> None:
    """A subject that would retitle the terminal or write its clipboard (OSC 0, OSC 52), and a
    file named with an escape: the readable output and the error line show them as symbols."""
    src = tmp_path / "hostile.txt"
    src.write_text(HOSTILE)
    missing = tmp_path / "\x1b[2Jgone.txt"
    result = CliRunner().invoke(main, ["parse", str(src), str(missing)])
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "  Subject        HELLO ␛]0;pwned␇ ␛]52;c;ZXZpbA==␇ WORLD\n" in result.stdout
    assert "\x1b" not in result.stderr
    assert "␛[2Jgone.txt: no such file" in result.stderr
    # the JSON keeps the text as it is (escaped by JSON itself, so still inert on a terminal)
    result = CliRunner().invoke(main, ["parse", "--json", str(src)])
    assert "\x1b" not in result.stdout
    assert json.loads(result.stdout)["subject"].startswith("HELLO \x1b]0;pwned\x07")
