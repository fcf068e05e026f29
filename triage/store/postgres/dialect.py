"""The store's SQL, written once for SQLite, said the way PostgreSQL says it.

The store modules (ingest, workflow, views, export) write portable SQL with `?` placeholders and
a handful of SQLite idioms. Rather than a second copy of every query, a PostgreSQL connection
rewrites each statement once (cached) as it is executed:

- `?` -> `%s` (outside string literals), `%` -> `%%`;
- `BEGIN IMMEDIATE` -> `BEGIN` + a transaction-scoped advisory lock: one writer at a time, as on
  SQLite, so ingest's look-up-then-insert and the workflow's read-check-write need no retries;
- `INSERT OR IGNORE` -> `INSERT ... ON CONFLICT DO NOTHING`; `LIKE` -> `ILIKE` (SQLite's LIKE
  ignores ASCII case); `ASC`/`DESC` get SQLite's NULL order (NULLs sort lowest);
- `CROSS JOIN ... ON` (SQLite's "keep this join order") -> `JOIN ... ON`;
- `x IS ?` -> `x IS NOT DISTINCT FROM ?`; `julianday()` is a function in the schema;
- `sum(a = b)` (SQLite counts a comparison as 0 or 1) -> `sum(CASE WHEN a = b THEN 1 ELSE 0 END)`;
- `sqlite_master` -> the same two columns from `pg_class`;
- the full-text statements on `cables_fts` -> the `tsvector` table (see postgres/search.py);
- `INSERT INTO cables` gets `RETURNING id` (the cursor's `lastrowid`).

Statements that only make sense on SQLite (PRAGMAs) are answered by the connection itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..storable import storable

# one writer at a time: the key of the advisory lock every write transaction takes
WRITE_LOCK_KEY = 0x7472_6961_6765  # "triage"

ParamMap = Callable[[Sequence[Any]], Sequence[Any]]


@dataclass(frozen=True)
class Statement:
    sql: str
    params: ParamMap | None = None  # rewrites the parameters (the FTS statements)
    returning_id: bool = False
    begin: bool = False
    # run with sequential scans off (a whole search's match set: see translate)
    no_seqscan: bool = False


FTS_INSERT = re.compile(
    r"^\s*INSERT INTO (cables_fts\w*) \(rowid, reference_id, subject, tags, body\) "
    r"VALUES \(\?, \?, \?, \?, \?\)\s*$"
)
FTS_DELETE = re.compile(
    r"^\s*INSERT INTO (cables_fts\w*) \(\1, rowid, reference_id, subject, tags, body\) "
    r"VALUES \('delete', \?, \?, \?, \?, \?\)\s*$"
)
MATCH_IN = "c.id IN (SELECT rowid FROM cables_fts WHERE cables_fts MATCH ?)"
MATCH_EXISTS = (
    "EXISTS (SELECT 1 FROM cables_fts f WHERE f.rowid = w.cable_id AND cables_fts MATCH ?)"
)
SQLITE_MASTER = (
    "(SELECT CASE pc.relkind WHEN 'i' THEN 'index' ELSE 'table' END AS type, "
    "pc.relname::text AS name FROM pg_class pc "
    "WHERE pc.relnamespace = current_schema()::regnamespace) AS sqlite_master"
)


def _doc_params(p: Sequence[Any]) -> Sequence[Any]:
    from .search import document_parts

    return [p[0], *document_parts(p[1], p[2], p[3], p[4])]


def _id_param(p: Sequence[Any]) -> Sequence[Any]:
    return [p[0]]


@lru_cache(maxsize=512)
def translate(sql: str) -> Statement:
    s = sql.strip()
    if re.fullmatch(r"BEGIN(\s+IMMEDIATE|\s+EXCLUSIVE)?", s, re.I):
        return Statement("BEGIN", begin=bool(re.search("IMMEDIATE|EXCLUSIVE", s, re.I)))
    m = FTS_INSERT.match(s)
    if m:
        return Statement(
            f"INSERT INTO {m.group(1)} (cable_id, doc) VALUES (%s, triage_doc(%s, %s, %s, %s)) "
            "ON CONFLICT (cable_id) DO UPDATE SET doc = excluded.doc",
            params=_doc_params,
        )
    m = FTS_DELETE.match(s)
    if m:
        return Statement(f"DELETE FROM {m.group(1)} WHERE cable_id = %s", params=_id_param)
    # a whole match set is read from the GIN index: the planner, not costing the reading of
    # each row's (compressed, out-of-line) tsvector, takes a sequential scan for a word most
    # cables hold and tests every document (`government`, the whole ordered list at 250,000
    # cables: 6.8 s; with sequential scans off for the statement, the index: 1.0 s, and a rare
    # word keeps its estimate and its 2 ms plan). A row tested as the list's index is walked
    # reads its own document (MATCH_EXISTS).
    no_seqscan = MATCH_IN in s
    s = s.replace(MATCH_IN, "c.id IN (SELECT cable_id FROM cables_fts WHERE doc @@ ?::tsquery)")
    # a tag (or any cable_tags IN) as SQLite runs it: the tag's cables hashed once, tested as
    # the list's index is walked, the walk stopping at the page's end. Left to itself the
    # planner probed cable_tags for every cable walked (a tag on 2% of 250,000 cables: 35,000
    # probes, 180-880 ms) or joined and sorted the tag's cables (100-270 ms); hashed: 17 ms,
    # 73 ms for a tag no cable has (the whole index walked). (`coalesce` keeps the IN from
    # being made a join; the column is NOT NULL, so it never changes the answer.)
    s = re.sub(
        r"\bc\.id IN \(SELECT cable_id FROM cable_tags WHERE tag = \?\)",
        "coalesce(c.id IN (SELECT cable_id FROM cable_tags WHERE tag = ?), false)",
        s,
    )
    s = s.replace(
        MATCH_EXISTS,
        "EXISTS (SELECT 1 FROM cables_fts f WHERE f.cable_id = c.id AND f.doc @@ ?::tsquery)",
    )
    s = re.sub(r"\bIS NOT \?", "IS DISTINCT FROM ?", s)
    s = re.sub(r"\bIS \?", "IS NOT DISTINCT FROM ?", s)
    # SQLite sums a comparison as 0/1; PostgreSQL wants a number
    s = re.sub(
        r"\bsum\(([^()]*?(?:=|<|>|\bIS\b)[^()]*?)\)",
        r"sum(CASE WHEN \1 THEN 1 ELSE 0 END)",
        s,
        flags=re.I,
    )
    s = re.sub(r"\bCROSS JOIN (\w+ \w+ ON)\b", r"JOIN \1", s)
    s = re.sub(
        r"\bINSERT OR IGNORE INTO\b(.*)$",
        r"INSERT INTO\1 ON CONFLICT DO NOTHING",
        s,
        count=1,
        flags=re.S,
    )
    s = re.sub(r"\bsqlite_master\b", SQLITE_MASTER, s)
    s = re.sub(r"(?<!I)\bLIKE\b", "ILIKE", s)
    s = re.sub(r"\bASC\b(?!\s+NULLS)", "ASC NULLS FIRST", s)
    s = re.sub(r"\bDESC\b(?!\s+NULLS)", "DESC NULLS LAST", s)
    returning = bool(re.match(r"INSERT INTO cables \(", s)) and "RETURNING" not in s
    if returning:
        s += " RETURNING id"
    return Statement(_placeholders(s), returning_id=returning, no_seqscan=no_seqscan)


def _placeholders(sql: str) -> str:
    """`?` -> `%s` and `%` -> `%%`, leaving string literals' question marks alone."""
    out: list[str] = []
    in_str = False
    for ch in sql:
        if ch == "'":
            in_str = not in_str
            out.append(ch)
        elif ch == "%":
            out.append("%%")
        elif ch == "?" and not in_str:
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _clean(params: Sequence[Any] | None) -> Sequence[Any]:
    """PostgreSQL text cannot hold NUL: a NUL read from a cable is kept as the symbol for it
    (the raw bytes keep the real one)."""
    if not params:
        return ()
    return [storable(p) for p in params]
