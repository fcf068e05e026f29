""" "More like this" on PostgreSQL: what store/threads.py asks of FTS5 (how many cables hold a
word, and the cables most alike to a handful of words), asked of the GIN-indexed tsvector.

Words are looked up without a column weight: a weight makes the GIN index's answer a
candidate that each row's tsvector must confirm (read from TOAST), which for a word in a few
thousand cables costs more than the whole rest of the query. So a word counts in any column
(it is the subject and body on SQLite; the reference and tags rarely hold such words).

The score of a cable is the sum of the inverse document frequency of the words it holds
(each word once): bm25's idf without its term-frequency and length parts, which need every
candidate's tsvector; the most distinctive words shared still come first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .search import words

if TYPE_CHECKING:
    from . import PgConnection


def _lexeme(word: str) -> str | None:
    ws = words(word)
    return f"'{ws[0]}'" if len(ws) == 1 else None


def document_frequency(conn: PgConnection, word: str, cap: int) -> int:
    """How many cables hold the word, counted up to cap (the GIN index, no tsvector read)."""
    lexeme = _lexeme(word)
    if lexeme is None:
        return 0
    row = conn.raw.execute(
        "SELECT count(*) FROM (SELECT 1 FROM cables_fts WHERE doc @@ %s::tsquery LIMIT %s) s",
        (lexeme, cap),
    ).fetchone()
    return int(row[0])


def most_alike(conn: PgConnection, terms: list[str], total: int, cap: int, limit: int) -> list[int]:
    """The cables holding the most (and the rarest) of these words, best first (each word's
    cables counted up to cap)."""
    parts: list[str] = []
    params: list[object] = []
    for term in terms:
        lexeme = _lexeme(term)
        if lexeme is None:
            continue
        parts.append("SELECT cable_id, %s::float8 AS w FROM cables_fts WHERE doc @@ %s::tsquery")
        df = max(1, document_frequency(conn, term, cap + 1))
        params += [math.log(1 + total / df), lexeme]
    if not parts:
        return []
    sql = (
        f"SELECT cable_id FROM ({' UNION ALL '.join(parts)}) m GROUP BY cable_id "
        "ORDER BY sum(w) DESC, cable_id LIMIT %s"
    )
    return [int(r[0]) for r in conn.raw.execute(sql, [*params, limit]).fetchall()]
