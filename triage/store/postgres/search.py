"""The console's search language on PostgreSQL: a `tsquery` over a `simple`-configuration
`tsvector` with a GIN index.

Both backends must find the same words, so the text is cut into words the way SQLite's FTS5
(unicode61 tokenizer) cuts it before PostgreSQL sees it: letters and digits are word
characters, everything else separates, case is folded and diacritics are removed. What
`to_tsvector('simple', ...)` is given is then just lower-case words separated by spaces.

Columns become weights: reference_id A, subject B, tags C, body D, so `subject:word` is
`'word':B` and a prefix `gra*` is `'gra':*` (answered by the GIN index, no scan).

The query language is FTS5's as the console offers it: words, "phrases", `prefix*`, AND, OR,
NOT (binary: `a NOT b`), brackets, column filters (`subject:word`, `{subject tags}:word`,
`-body:word`), `NEAR(a b, N)` (read here as: all of the words) and `^word` (read as the word).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

COLUMNS = ("reference_id", "subject", "tags", "body")
WEIGHTS = {"reference_id": "A", "subject": "B", "tags": "C", "body": "D"}

_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
# every combining mark is at U+0300 or above: text without such characters has none to drop
_PAST_LATIN = re.compile(r"[^\x00-\u02ff]")


def words(text: str | None) -> list[str]:
    """The words FTS5's unicode61 tokenizer would index, folded the same way. (Ingest cuts
    every cable's text here: the character-by-character pass that drops combining marks runs
    only on text that can hold one.)"""
    if not text:
        return []
    folded = unicodedata.normalize("NFKD", text.lower())
    if _PAST_LATIN.search(folded):
        folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)


def normalise(text: str | None) -> str:
    return " ".join(words(text))


# PostgreSQL refuses a tsvector over 1 MB (its distinct words, plus 2 bytes for each of up to
# 256 positions a word keeps); a body is indexed up to the word where the estimate of that
# passes this, with room for the other columns. An ordinary cable is far below it; a hostile
# multi-megabyte one of distinct words is indexed in its first part (the raw text is kept whole).
TSVECTOR_BUDGET = 900_000


def _bounded(ws: list[str]) -> list[str]:
    # at most 4 bytes a character, 8 a distinct word and 2 a position: most cables are known
    # to fit without counting
    if 4 * sum(map(len, ws)) + 10 * len(ws) <= TSVECTOR_BUDGET:
        return ws
    size = 0
    seen: dict[str, int] = {}
    for k, w in enumerate(ws):
        n = seen.get(w, 0)
        if n == 0:
            size += len(w.encode("utf-8")) + 8
        if n < 256:
            size += 2
        seen[w] = n + 1
        if size > TSVECTOR_BUDGET:
            return ws[:k]
    return ws


def document_parts(reference_id: object, subject: object, tags: object, body: object) -> list[str]:
    """The four columns as the words `triage_doc()` turns into the weighted tsvector."""
    head = [normalise(None if v is None else str(v)) for v in (reference_id, subject, tags)]
    return [*head, " ".join(_bounded(words(None if body is None else str(body))))]


class SearchSyntaxError(ValueError):
    pass


# -- the tree ------------------------------------------------------------------------------------


@dataclass
class Term:
    words: list[str]
    prefix: bool = False
    columns: frozenset[str] | None = None  # None: every column


@dataclass
class Op:
    op: str  # AND, OR, NOT (binary: left AND NOT right)
    parts: list[Node] = field(default_factory=list)


@dataclass
class Near:
    a: Term
    b: Term
    distance: int


Node = Term | Op | Near


_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<str>"(?:[^"]|"")*")|(?P<colset>-?(?:\{[^{}]*\}|\w+)\s*:)'
    r"|(?P<near>NEAR\s*\([^)]*\))|(?P<caret>\^)|(?P<plus>\+)|(?P<star>\*)|(?P<word>[\w]+)"
    r"|(?P<other>\S))",
    re.U,
)


def parse(text: str) -> Node | None:
    """The search as a tree; None for a search with no words. SearchSyntaxError when it cannot
    be read (an unclosed quote or bracket, an operator with nothing on one side)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup or "other"
        value = m.group(kind)
        if kind == "other":
            if value == '"':
                raise SearchSyntaxError("a quote is not closed")
            raise SearchSyntaxError(f"syntax error near {value!r}")
        if kind == "word" and value in ("AND", "OR", "NOT"):
            kind = value
        tokens.append((kind, value))
    p = _Parser(tokens)
    node = p.expr()
    if p.i < len(tokens):
        raise SearchSyntaxError(f"syntax error near {tokens[p.i][1]!r}")
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.t[self.i][0] if self.i < len(self.t) else None

    def expr(self) -> Node | None:
        left = self.and_()
        while self.peek() == "OR":
            self.i += 1
            right = self.and_()
            if left is None or right is None:
                raise SearchSyntaxError("OR needs something on both sides")
            left = Op("OR", [left, right])
        return left

    def and_(self) -> Node | None:
        parts: list[Node] = []
        while True:
            k = self.peek()
            if k in (None, "OR", "rp"):
                break
            if k == "AND":
                self.i += 1
                if not parts:
                    raise SearchSyntaxError("AND needs something on both sides")
                nxt = self.not_()
                if nxt is None:
                    raise SearchSyntaxError("AND needs something on both sides")
                parts.append(nxt)
                continue
            nxt = self.not_()
            if nxt is None:
                break
            parts.append(nxt)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Op("AND", parts)

    def not_(self) -> Node | None:
        left = self.primary()
        while self.peek() == "NOT":
            self.i += 1
            right = self.primary()
            if left is None or right is None:
                raise SearchSyntaxError("NOT needs something on both sides")
            left = Op("NOT", [left, right])
        return left

    def primary(self, columns: frozenset[str] | None = None) -> Node | None:
        k = self.peek()
        if k is None:
            return None
        kind, value = self.t[self.i]
        if kind == "colset":
            self.i += 1
            return self.primary(_columns(value))
        if kind == "lp":
            self.i += 1
            inner = self.expr()
            if self.peek() != "rp":
                raise SearchSyntaxError("a bracket is not closed")
            self.i += 1
            if inner is None:
                raise SearchSyntaxError("empty brackets")
            return _restrict(inner, columns) if columns is not None else inner
        if kind == "rp":
            return None
        if kind == "near":
            self.i += 1
            inner_text = value[value.index("(") + 1 : -1]
            m = re.search(r",\s*(\d+)\s*$", inner_text)
            distance = int(m.group(1)) if m else 10
            inner_text = inner_text[: m.start()] if m else inner_text
            node = parse(inner_text)
            if node is None:
                raise SearchSyntaxError("NEAR() needs words")
            node = _near(node, distance)
            return _restrict(node, columns) if columns is not None else node
        if kind == "caret":
            self.i += 1
            return self.primary(columns)
        if kind in ("word", "str"):
            return self.phrase(columns)
        if kind in ("AND", "OR", "NOT"):
            return None
        raise SearchSyntaxError(f"syntax error near {value!r}")

    def phrase(self, columns: frozenset[str] | None) -> Node:
        ws: list[str] = []
        prefix = False
        while True:
            kind, value = self.t[self.i]
            self.i += 1
            ws.extend(words(value[1:-1].replace('""', '"') if kind == "str" else value))
            prefix = False
            if self.peek() == "star":
                self.i += 1
                prefix = True
            if self.peek() == "plus":
                self.i += 1
                if self.peek() not in ("word", "str"):
                    raise SearchSyntaxError("+ needs a word after it")
                continue
            break
        return Term(ws, prefix, columns)


def _near(node: Node, distance: int) -> Node:
    """NEAR(a b, N) of two single words: a within N words of b, either way round; of more,
    all of them anywhere."""
    if (
        isinstance(node, Op)
        and node.op == "AND"
        and len(node.parts) == 2
        and all(isinstance(p, Term) and len(p.words) == 1 for p in node.parts)
    ):
        a, b = node.parts
        assert isinstance(a, Term) and isinstance(b, Term)
        return Near(a, b, distance)
    return node


def _columns(spec: str) -> frozenset[str]:
    spec = spec.rstrip(":").strip()
    negate = spec.startswith("-")
    spec = spec.lstrip("-")
    names = re.findall(r"\w+", spec)
    for n in names:
        if n.lower() not in COLUMNS:
            raise SearchSyntaxError(f"no such column: {n}")
    chosen = {n.lower() for n in names}
    return frozenset(c for c in COLUMNS if (c in chosen) != negate)


def _restrict(node: Node, columns: frozenset[str]) -> Node:
    if isinstance(node, Term):
        cols = columns if node.columns is None else node.columns & columns
        return Term(node.words, node.prefix, cols)
    if isinstance(node, Near):
        a, b = _restrict(node.a, columns), _restrict(node.b, columns)
        assert isinstance(a, Term) and isinstance(b, Term)
        return Near(a, b, node.distance)
    return Op(node.op, [_restrict(p, columns) for p in node.parts])


# -- PostgreSQL's tsquery -------------------------------------------------------------------------

NOTHING = "'\u2400'"  # a lexeme no document holds (the normaliser never keeps U+2400)


def to_tsquery(node: Node | None) -> str:
    """The tree as tsquery text (for `%s::tsquery`): lexemes are normalised words, so no quoting
    beyond the single quotes is needed."""
    if node is None:
        return NOTHING
    if isinstance(node, Term):
        if not node.words:
            return NOTHING
        weights = "" if node.columns is None else "".join(WEIGHTS[c] for c in node.columns)
        if node.columns is not None and not weights:
            return NOTHING
        lexemes = []
        for k, w in enumerate(node.words):
            star = "*" if node.prefix and k == len(node.words) - 1 else ""
            mark = f":{star}{weights}" if (star or weights) else ""
            lexemes.append(f"'{w}'{mark}")
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
    if isinstance(node, Near):
        a, b = to_tsquery(node.a), to_tsquery(node.b)
        gaps = [f"{a} <{k}> {b} | {b} <{k}> {a}" for k in range(1, node.distance + 2)]
        return "(" + " | ".join(gaps) + ")"
    parts = [to_tsquery(p) for p in node.parts]
    if node.op == "NOT":
        return f"({parts[0]} & !{parts[1]})"
    joiner = " & " if node.op == "AND" else " | "
    return "(" + joiner.join(parts) + ")"


def render(text: str) -> str:
    return to_tsquery(parse(text))


def render_tree(node: object) -> str:
    """The search language's one tree (`store.search`, which SQLite renders to FTS5) as tsquery
    text, so that both backends answer the same query with the same cables."""
    from ..search import And, Not, Or, Term

    if isinstance(node, Term):
        ws = words(node.text)
        if not ws:
            return NOTHING
        weights = WEIGHTS.get(node.column or "", "")
        lexemes = []
        for k, w in enumerate(ws):
            star = "*" if node.prefix and k == len(ws) - 1 else ""
            mark = f":{star}{weights}" if (star or weights) else ""
            lexemes.append(f"'{w}'{mark}")
        return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
    if isinstance(node, Not):
        return f"({render_tree(node.keep)} & !{render_tree(node.drop)})"
    if isinstance(node, And | Or):
        joiner = " & " if isinstance(node, And) else " | "
        return "(" + joiner.join(render_tree(i) for i in node.items) + ")"
    return NOTHING


def render_query(text: str) -> str:
    """A search as the officer typed it, as tsquery text (raises store.search.SearchError)."""
    from ..search import parse as parse_search

    return render_tree(parse_search(text))
