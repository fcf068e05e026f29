"""Text from cables and from the file system made safe to show on a terminal.

Anything that came from a cable (or names a file someone else dropped) can carry escape
sequences that move the cursor, clear the screen, retitle the terminal or write its clipboard.
`visible()` shows them as symbols instead: the console uses it for every string it draws, the
command line for every line it prints for a person to read. Pure Python, no Textual.
"""

from __future__ import annotations

import re

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


def visible_line(s: str | None) -> str:
    """One line for a message: a newline or tab inside it (a file named with one) is shown as a
    symbol (␊ ␉), so the name can be found and the message stays one line."""
    if not s:
        return ""
    return visible(s.replace("\n", "\u240a").replace("\t", "\u2409"))


def os_name(s: str) -> str:
    """A name the system gave (a file name, an argument) as text any encoder takes: a byte that
    is not UTF-8, which Python holds as a lone surrogate, written `\\xe9` as `ls -b` writes it.
    (SQLite, the terminal and the CSV writer each refused the surrogate, and ingest stopped.)"""
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return s


def cut_middle(value: str, width: int) -> str:
    """`mrodriguez` -> `mrod…uez`: names that share a prefix (and so many logins do) keep their
    ends, which tell them apart."""
    if len(value) <= width:
        return value
    if width <= 1:
        return value[:width]
    head = width // 2
    tail = width - 1 - head
    return value[:head] + "…" + (value[-tail:] if tail else "")
