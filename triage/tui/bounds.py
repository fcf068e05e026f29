"""How much of a cable the split view reads and draws, whatever its size or shape.

A cable of a million lines, a million paragraphs or one 10 MB line opens as fast as a short
one: the view reads the first READ_BYTES of the stored text (`store.views.load_cable`), draws
at most SHOWN_LINES lines and SHOWN_CHARS characters of it, and says what it left out and
where the rest is (`triage raw REF` prints it all). Pure functions, tested without Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from ..cable.model import Paragraph

# of the stored text, read to open a cable (the longest real cables are under 70 KB)
READ_BYTES = 128 * 1024
# drawn in the body pane, paragraphs or raw: a few hundred screens, and well under a second
SHOWN_LINES = 3_000
SHOWN_CHARS = 150_000
# rows of the header pane's lists (TO, INFO, references, warnings)
SHOWN_ROWS = 100

T = TypeVar("T")


def cut_text(
    text: str, max_lines: int = SHOWN_LINES, max_chars: int = SHOWN_CHARS
) -> tuple[str, int, bool]:
    """The first `max_lines` lines of `text`, at most `max_chars` characters of them: (that
    text, how many lines it holds, whether anything was left out)."""
    head = text[:max_chars]
    end = -1
    for _ in range(max_lines):
        end = head.find("\n", end + 1)
        if end < 0:
            break
    if end >= 0:  # max_lines line breaks were found: stop before the last
        head = head[:end]
    cut = len(head) < len(text) and text[len(head) :].strip() != ""
    return head, lines_in(head), cut


def lines_in(text: str) -> int:
    """Lines as a reader counts them: a last line without its line break is one too."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def cut_paragraphs(
    paragraphs: Sequence[Paragraph],
    max_lines: int = SHOWN_LINES,
    max_chars: int = SHOWN_CHARS,
) -> tuple[list[Paragraph], int, bool]:
    """The paragraphs that fit in `max_lines` lines and `max_chars` characters (each counted
    with the blank line after it), the last one cut to fit: (those, the lines of text they
    hold, whether anything was left out)."""
    out: list[Paragraph] = []
    lines = chars = 0
    for k, p in enumerate(paragraphs):
        room_lines, room_chars = max_lines - lines, max_chars - chars
        if room_lines <= 0 or room_chars <= 0:
            return out, lines, True
        text, n, cut = cut_text(p.text, room_lines, room_chars)
        out.append(p if text == p.text else replace(p, text=text))
        lines += n + 1
        chars += len(text) + 1
        if cut:
            return out, lines, True
        if k + 1 < len(paragraphs) and (lines >= max_lines or chars >= max_chars):
            return out, lines, True
    return out, lines, False


def cut_rows(rows: Sequence[T], most: int = SHOWN_ROWS) -> tuple[list[T], int]:
    """The first `most` rows and how many more there are."""
    return list(rows[:most]), max(0, len(rows) - most)


def size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} KB"
    return f"{size} bytes"


def cut_notice(shown_lines: int, total_lines: int, size: int, reference_id: str) -> str:
    """What the user reads where the drawn text stops."""
    return (
        f"[showing the first {shown_lines:,} lines of {total_lines:,} ({size_label(size)}); "
        f"`triage raw {reference_id}` prints all]"
    )
