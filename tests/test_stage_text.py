"""Stage text: what copies did to a cable's text, undone, each with the warning it gives."""

from __future__ import annotations

import pytest

from triage.cable.text import Text, normalise


@pytest.mark.parametrize(
    ("raw", "lines", "warns"),
    [
        ("A\r\nB\r\r\nC\rD", ("A", "B", "C", "D"), ()),
        ("\ufeffA\x00B", ("AB",), ("NUL bytes",)),
        ("O&#8217;BRIEN &amp; CO", ("O’BRIEN & CO",), ("HTML character references",)),
        ("A&#27;[2J", ("A&#27;[2J",), ("HTML character references",)),  # no escape made
        ("FM X \\\nTO Y \\\nINFO Z \\\n \\", ("FM X", "TO Y", "INFO Z", ""), ()),
        ("a path C:\\DIR\\\nnext", ("a path C:\\DIR\\", "next"), ()),  # one: not a web copy
        (
            "\n\n".join(f"line {k}" for k in range(14)),
            tuple(f"line {k}" for k in range(14)),
            ("double-spaced",),
        ),
    ],
)
def test_normalise(raw: str, lines: tuple[str, ...], warns: tuple[str, ...]) -> None:
    got = normalise(raw)
    assert isinstance(got, Text)
    assert got.lines == lines
    assert got.text == "\n".join(lines)
    assert len(got.warnings) == len(warns)
    for w, want in zip(got.warnings, warns, strict=True):
        assert want in w
