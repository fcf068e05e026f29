"""Stage: bytes and text as they came, to the lines the other stages read.

Decoding (UTF-8, else cp1252, else Latin-1), telling binary data from a cable, and undoing
what copies did to the text: NUL bytes, a byte-order mark, HTML character references, CRLF
twice converted, web-copy backslashes at line ends, line breaks all doubled.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from .model import fast_init


@fast_init
@dataclass(frozen=True)
class Text:
    """The normalised text, its lines, and what normalising it had to say."""

    text: str
    lines: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: UTF-8 (BOM dropped), else cp1252, else Latin-1; a warning when not UTF-8."""
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        warnings.append(f"not valid UTF-8 (byte {exc.start}); read as cp1252")
    try:
        return data.decode("cp1252"), warnings
    except UnicodeDecodeError:
        return data.decode("latin-1"), warnings


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_LETTER_BYTES = bytes(range(65, 91)) + bytes(range(97, 123))


def looks_binary(data: bytes) -> str | None:
    """Why these bytes hold no cable at all, or None when they may hold one."""
    if not data.strip():
        return "empty file"
    head = data[:8192]
    for magic, kind in (
        (b"\x89PNG", "PNG image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x1f\x8b", "gzip archive"),
        (b"\x7fELF", "executable"),
        (b"GIF8", "GIF image"),
        (b"\xff\xd8\xff", "JPEG image"),
    ):
        if head.startswith(magic):
            return f"binary data ({kind}), not a cable"
    bad = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if bad > max(8, len(head) // 10):
        return "binary data, not a cable"
    letters = len(head) - len(head.translate(None, _LETTER_BYTES))
    if letters == 0:
        return "no text: not a cable"
    return None


RE_HTML_REF = re.compile(
    r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|lt|gt|quot|apos|nbsp|rsquo|lsquo|rdquo|ldquo"
    r"|ndash|mdash|hellip);"
)


def _has_html_ref(text: str) -> bool:
    """RE_HTML_REF.search(text), tried only at each `&`: the pattern opens with one, but the
    regex engine, given no literal prefix longer than a character, tries it at every position
    of the text (a cable often holds an `R&D` or a `Q&A` and no reference)."""
    k = text.find("&")
    while k >= 0:
        if RE_HTML_REF.match(text, k):
            return True
        k = text.find("&", k + 1)
    return False


def _html_char(m: re.Match[str]) -> str:
    """The character an HTML reference stands for; a control character stays written as the
    reference (no escape sequence is made out of text)."""
    ch = html.unescape(m.group(0))
    if not ch or any(unicodedata.category(c) == "Cc" for c in ch):
        return m.group(0)
    return ch


def _double_spaced(lines: list[str]) -> bool:
    """Every line followed by a blank one (a copy whose line breaks were all doubled): almost
    no two lines with text stand together, where a cable's wrapped paragraphs are full of them."""
    together = 0
    for a, b in zip(lines[:80], lines[1:80], strict=False):  # most cables answer at once
        if a.strip() and b.strip():
            together += 1
            if together > 2:
                return False
    filled = [bool(ln.strip()) for ln in lines]
    n = sum(filled)
    if n < 12:
        return False
    together = sum(1 for a, b in zip(filled, filled[1:], strict=False) if a and b)
    return together <= n // 50


RE_LINE_END_BACKSLASH = re.compile(r"[ \t]*\\[ \t]*$")


def _without_line_end_backslashes(lines: list[str], text: str) -> tuple[list[str], str]:
    """A web copy that ends its lines with a backslash (a shell-style continuation): without them, so
    no backslash joins a TAGS, SUBJECT or addressee line. Only when most lines carry one."""
    filled = [ln for ln in lines if ln.strip()]
    ends = sum(1 for ln in filled if ln.rstrip().endswith("\\"))
    if ends < 3 or ends * 3 < len(filled):
        return lines, text
    lines = [RE_LINE_END_BACKSLASH.sub("", ln) for ln in lines]
    return lines, "\n".join(lines)


def _single_spaced(lines: list[str]) -> list[str]:
    """Halve the line breaks: k blank lines between two lines were (k - 1) / 2 before."""
    out: list[str] = []
    blanks = 0
    for ln in lines:
        if ln.strip():
            out.extend([""] * ((blanks - 1) // 2 if blanks else 0))
            out.append(ln)
            blanks = 0
        else:
            blanks += 1
    return out


def normalise(text: str) -> Text:
    """The text the stages read; never raises."""
    warnings: list[str] = []
    if "\x00" in text:
        warnings.append("NUL bytes in the text were ignored")
        text = text.replace("\x00", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    if _has_html_ref(text):
        # copies taken from web pages keep `&#8217;` and `&amp;` for what the cable said
        text = RE_HTML_REF.sub(_html_char, text)
        warnings.append("HTML character references (&#8217;, &amp;) read as characters")
    # `\r\r\n` is what a second CRLF conversion leaves: one line break, not two
    if "\r" in text:  # one scan for the text that has none (most): each replace copies it
        text = text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    # `\\` first: one fast scan, where each two-character test scans the whole text
    if "\\" in text and ("\\\n" in text or "\\ \n" in text):
        lines, text = _without_line_end_backslashes(lines, text)
    if _double_spaced(lines):
        lines = _single_spaced(lines)
        text = "\n".join(lines)
        warnings.append("the text was double-spaced; read with its line breaks halved")
    return Text(text, tuple(lines), tuple(warnings))
