"""Stage paragraphs: numbered, portion-marked paragraphs and the signature, from body lines."""

from __future__ import annotations

import pytest

from triage.cable.paragraphs import Paragraphs, normalise_marking, read_paragraphs


def _outline(got: Paragraphs) -> list[tuple[int | None, str | None]]:
    return [(p.number, p.marking) for p in got.paragraphs]


@pytest.mark.parametrize(
    ("body", "outline", "signature", "warns"),
    [
        ("¶1. (C) One.\n\n¶2. (S/NF) Two.\n\nJONES", [(1, "C"), (2, "S//NF")], "JONES", ()),
        # text before the first paragraph is one without a number
        (
            "SUMMARY\n\n1. (U) One.\n\n2. Two.\n\nROE",
            [(None, None), (1, "U"), (2, None)],
            "ROE",
            (),
        ),
        # a number garbled in transit, repaired with a warning
        ("- 11. (C) One.\n\n- 12. (C) Two.\n", [(1, "C"), (2, "C")], None, ("garbled",)),
        # page markers and a dash line between paragraphs are not text
        (
            "¶1. (C) One\nVALDORIA 00001234 002 OF 003\ngoes on.\n-\n¶2. (C) Two.\n\nHALE",
            [(1, "C"), (2, "C")],
            "HALE",
            (),
        ),
        # a year after a wrapped sentence is not a paragraph
        ("¶1. (C) The talks began in\n¶2010. They went on.\n\nHALE", [(1, "C")], "HALE", ()),
        ("¶1. (U) Done. END TEXT. HOLLAND##", [(1, "U")], "HOLLAND", ()),
    ],
)
def test_read_paragraphs(
    body: str,
    outline: list[tuple[int | None, str | None]],
    signature: str | None,
    warns: tuple[str, ...],
) -> None:
    got = read_paragraphs(body.split("\n"))
    assert _outline(got) == outline
    assert got.signature == signature
    assert [any(w in x for x in got.warnings) for w in warns] == [True] * len(warns)
    assert len(got.warnings) == len(warns)


def test_the_page_marker_is_not_in_the_text() -> None:
    got = read_paragraphs(["¶1. (C) One", "VALDORIA 00001234 002 OF 003", "goes on."])
    assert got.paragraphs[0].text == "One\ngoes on."


@pytest.mark.parametrize(
    ("raw", "mark"),
    [
        ("S/NF", "S//NF"),
        ("c", "C"),
        ("SBU", "SBU"),
        ("S/Rel to Ukraine", "S//REL TO UKRAINE"),
        ("C NOFORN", "C//NF"),
        ("see below", None),
    ],
)
def test_normalise_marking(raw: str, mark: str | None) -> None:
    assert normalise_marking(raw) == mark
