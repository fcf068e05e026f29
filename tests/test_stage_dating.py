"""Stage dating: the DTG, else what else dates a cable, each way but the DTG said in a warning
and the estimates marked as estimates."""

from __future__ import annotations

import datetime as dt

import pytest

from triage.cable.dating import Dating, read_date
from triage.cable.header import Dtg
from triage.cable.model import Paragraph, Reference

UTC = dt.UTC


def _date(
    dtg: Dtg | None = None,
    released: dt.datetime | None = None,
    lines: tuple[str, ...] = (),
    declassify_on: str | None = None,
    references: tuple[Reference, ...] = (),
    subject: str | None = None,
    paragraphs: tuple[Paragraph, ...] = (),
) -> Dating:
    text = "\n".join(lines)
    return read_date(dtg, released, lines, text, declassify_on, references, subject, paragraphs)


@pytest.mark.parametrize(
    ("kwargs", "dtg", "estimated", "warns"),
    [
        (
            {"dtg": Dtg("O 271200Z NOV 26", "2026-11-27T12:00:00Z", 2026)},
            "2026-11-27T12:00:00Z",
            False,
            (),
        ),
        # a DTG too damaged to give a date: its year only, no other source asked
        (
            {"dtg": Dtg("O 311200Z FEB 26", None, 2026), "lines": ("DATE: 2026-02-01",)},
            None,
            False,
            (),
        ),
        (
            {"released": dt.datetime(2004, 3, 12, 14, 5, tzinfo=UTC)},
            "2004-03-12T14:05:00Z",
            False,
            ("release date line",),
        ),
        (
            {"lines": ("ID: 1234", "DATE: 2007-09-11 09:44")},
            "2007-09-11T09:44:00Z",
            False,
            ("copied DATE",),
        ),
        ({"lines": ("TELEGRAM   June 03, 2003",)}, "2003-06-03T00:00:00Z", False, ("TELEGRAM",)),
        # ten years before declassification, while E.O. 12958 was in force
        (
            {"lines": ("E.O. 12958: DECL: 11/27/2016",), "declassify_on": "2016-11-27"},
            "2006-11-27T00:00:00Z",
            True,
            ("10 years before",),
        ),
        # ... unless the cable reports as past an event later than that: a shorter period
        (
            {
                "lines": ("E.O. 12958: DECL: 11/27/2016",),
                "declassify_on": "2016-11-27",
                "paragraphs": (Paragraph(1, "C", "The minister was named in July 2008."),),
            },
            "2008-11-27T00:00:00Z",
            True,
            ("8 years before",),
        ),
        # no DTG and no declassification date: a date written out in the subject
        (
            {"subject": "VISIT OF THE MINISTER, MARCH 4, 2005"},
            "2005-03-04T00:00:00Z",
            True,
            ("subject",),
        ),
        ({}, None, False, ("no date-time group",)),
    ],
)
def test_read_date(
    kwargs: dict[str, object], dtg: str | None, estimated: bool, warns: tuple[str, ...]
) -> None:
    got = _date(**kwargs)  # type: ignore[arg-type]
    assert got.dtg == dtg
    assert got.estimated is estimated
    assert len(got.warnings) == len(warns)
    for w, want in zip(got.warnings, warns, strict=True):
        assert want in w
