"""Cable text made safe to show: never parsed as markup, control characters made visible.

Every string that came from a cable goes through `visible()` and into `rich.text.Text` (or
`Content`) as plain text; styles are applied as spans, never by pasting text into markup.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

from ..cable.model import level_word

# C0 controls (but tab and newline), DEL, C1 controls, and the bidirectional overrides that can
# make text read differently from what it is
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _show(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ␁ ... ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(s: str | None, *, one_line: bool = False) -> str:
    """The text with control characters shown as symbols (ESC as ␛), so that nothing in a cable
    can move the cursor, change colours or retitle the terminal."""
    if not s:
        return ""
    if one_line:
        s = s.replace("\t", " ").replace("\n", " ")
    return _CONTROL.sub(_show, s)


def plain(s: str | None, style: Style | str | None = None, *, one_line: bool = False) -> Text:
    return Text(visible(s, one_line=one_line), style=style or "", end="")


PREC_STYLES = {
    "EMERG": Style(bold=True, color="bright_white", bgcolor="red", reverse=False),
    "FLASH": Style(bold=True, color="bright_white", bgcolor="red"),
    "NIACT": Style(bold=True, color="bright_white", bgcolor="magenta"),
    "IMMED": Style(color="yellow", bold=True),
    "PRIOR": Style(color="cyan"),
    "ROUTN": Style(),
}

LEVEL_COLOURS = {0: "#00a651", 1: "#0033a0", 2: "#c8102e", 3: "#ff8c00"}
LEVEL_TEXT_COLOURS = {0: "#2ecc71", 1: "#5b8def", 2: "#ff4d4d", 3: "#ff8c00"}


def class_style(level_rank: int) -> Style:
    return Style(color=LEVEL_TEXT_COLOURS.get(level_rank, "white"), bold=level_rank >= 2)


def banner_text(level_rank: int, noforn: bool) -> str:
    """`S E C R E T // N O F O R N`: the level always in words."""
    if level_rank < 0:
        return "NO CABLES IN VIEW"
    word = level_word(level_rank) or "UNCLASSIFIED"
    spaced = "  ".join(" ".join(w) for w in word.split())
    if noforn and level_rank > 0:
        spaced += " // N O F O R N"
    return spaced
