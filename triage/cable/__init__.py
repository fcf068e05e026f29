"""The cable format: text in, a Cable out. Pure: no I/O, no SQLite, no Textual.

The parser (and its compiled patterns) loads on first use, so code that only needs the model,
like the console's first screen, starts without it.
"""

from typing import TYPE_CHECKING, Any

from .model import Addressee, Cable, Level, Paragraph, Precedence, Reference, Status

if TYPE_CHECKING:
    from .parse import decode, looks_binary, parse_bytes, parse_cable

__all__ = [
    "Addressee",
    "Cable",
    "Level",
    "Paragraph",
    "Precedence",
    "Reference",
    "Status",
    "decode",
    "looks_binary",
    "parse_bytes",
    "parse_cable",
]


def __getattr__(name: str) -> Any:
    if name in ("decode", "looks_binary", "parse_bytes", "parse_cable"):
        from . import parse

        return getattr(parse, name)
    raise AttributeError(name)
