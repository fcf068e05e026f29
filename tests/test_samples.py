"""Every sample cable parses to what its author wrote into it, field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triage.cable import parse_bytes

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cables"
ROWS = [
    json.loads(line)
    for line in (Path(__file__).resolve().parent / "sample_expected.jsonl").read_text().splitlines()
]

SIMPLE_FIELDS = [
    "reference_id",
    "precedence",
    "info_precedence",
    "dtg",
    "dtg_raw",
    "classification",
    "level",
    "origin",
    "tags",
    "subject",
    "partial",
    "corrected",
    "signature",
    "transmission_id",
    "references",
]


def test_there_are_at_least_forty_samples() -> None:
    assert len(ROWS) >= 40
    assert len(list(SAMPLES.glob("*.txt"))) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
@pytest.mark.parametrize("field", SIMPLE_FIELDS)
def test_sample_field(row: dict, field: str) -> None:
    got = parse_bytes((SAMPLES / row["file"]).read_bytes()).to_json()
    assert got[field] == row[field], f"{row['file']}: {field}"


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_sample_paragraphs_addressees_caveats(row: dict) -> None:
    cable = parse_bytes((SAMPLES / row["file"]).read_bytes())
    got = [{"number": p.number, "marking": p.marking} for p in cable.paragraphs]
    assert got == row["paragraphs"]
    assert all(p.text for p in cable.paragraphs)
    assert len(cable.to) == row["to_count"]
    assert len(cable.info) == row["info_count"]
    for c in row["caveats_include"]:
        assert c in cable.caveats
    assert any("garbled" in w for w in cable.warnings) == row["repaired"]
    assert not any(w.startswith("parser error") for w in cable.warnings)


def test_the_samples_are_what_make_samples_writes() -> None:
    """A sample edited by hand (or a generator edited without writing the samples) would leave
    its expected row stating something the cable does not: regenerate with make_samples."""
    from tests.make_samples import SPECS, build

    for k, spec in enumerate(SPECS):
        spec = {"csn": k + 2, **spec}
        text, expected = build(spec)
        name = f"{k + 1:02d}_{spec['name']}.txt"
        assert (SAMPLES / name).read_text(encoding="utf-8") == text, name
        assert ROWS[k] == {"file": name, **expected}, name
