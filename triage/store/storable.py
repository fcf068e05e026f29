"""Text as both backends store it, the same on each.

PostgreSQL text cannot hold NUL (SQLite's can): a NUL is stored as U+2400, the symbol for it
(`␀`). Text a user enters (a note, an officer, a login, a file named in an export) is made
storable once, before it is compared, hashed into the audit log and written, on both backends:
the audit log's hash then covers the row exactly as it is stored, and a copy between backends
(`triage migrate`) holds, and hashes to, the same text. (The PostgreSQL dialect still turns any
NUL that reaches it into the symbol: cable text read from files.)
"""

from __future__ import annotations

from typing import TypeVar

NUL = "\x00"
NUL_SYMBOL = "\u2400"

T = TypeVar("T")


def storable(value: T) -> T:
    """`value` as the store holds it: a string's NULs as the symbol; anything else as it is."""
    if isinstance(value, str) and NUL in value:
        return value.replace(NUL, NUL_SYMBOL)  # type: ignore[return-value]
    return value
