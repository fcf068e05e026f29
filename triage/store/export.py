"""Action lists as CSV: UTF-8, a header row, RFC 4180 quoting, safe to open in a spreadsheet.

Rows are streamed in pages of ids, never held all at once; a text cell that a spreadsheet would
take for a formula (OWASP CSV injection: `=`, `+`, `-`, `@`, tab, CR, LF first) gets a `'`.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ..cable.model import level_word

COLUMNS = [
    "reference_id",
    "dtg_utc",
    "precedence",
    "classification",
    "origin",
    "subject",
    "tags",
    "action_officer",
    "status",
    "due_utc",
    "acknowledged_by",
    "acknowledged_utc",
    "note",
    "last_change_utc",
    "last_change_by",
]

_SQL = (
    "SELECT c.id, c.reference_id, c.dtg, c.precedence, c.classification, c.origin, c.subject, "
    "c.tags, w.officer, w.status, w.due_at, w.ack_by, w.ack_at, w.note, w.changed_at, "
    "w.changed_by, c.level_rank FROM cables c JOIN workflow w ON w.cable_id = c.id "
    "WHERE c.id IN ({marks})"
)


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    s = str(value)
    if s and s[0] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return "'" + s
    return s


def _rows(
    conn: sqlite3.Connection, ids: Iterable[int], page: int = 500
) -> Iterator[tuple[list[str], int]]:
    chunk: list[int] = []

    def flush(chunk: list[int]) -> Iterator[tuple[list[str], int]]:
        marks = ", ".join("?" for _ in chunk)
        got = {r[0]: r for r in conn.execute(_SQL.format(marks=marks), chunk)}
        for cid in chunk:
            r = got.get(cid)
            if r is None:
                continue
            tags = " ".join((r[7] or "").split("|"))
            values = [
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                tags,
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14],
                r[15],
            ]
            yield [safe_cell(v) for v in values], int(r[16])

    for cid in ids:
        chunk.append(int(cid))
        if len(chunk) >= page:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def write_csv(
    conn: sqlite3.Connection,
    ids: Iterable[int],
    out: IO[str],
    shown: Callable[[str], str] | None = None,
) -> tuple[int, str | None]:
    """Write the rows; return how many and the highest classification level among them.
    `shown` rewrites each cell (for a terminal: control characters as symbols)."""
    w = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    w.writerow(COLUMNS)
    n = 0
    top = -1
    for values, level in _rows(conn, ids):
        w.writerow([shown(v) for v in values] if shown else values)
        n += 1
        top = max(top, level)
    return n, level_word(top)


def open_private(path: Path, group: str | None = None) -> IO[str]:
    """Create the export file 0600 (0660 with a shared group), never more open than the cache."""
    mode = 0o660 if group else 0o600
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
