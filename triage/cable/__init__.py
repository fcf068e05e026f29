"""The cable format: text in, a Cable out. Pure: no I/O, no SQLite, no Textual."""

from .model import Addressee, Cable, Level, Paragraph, Precedence, Reference, Status
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
