"""The search language officers type, parsed once into a small tree, rendered per backend.

    words              all of them (`harbor talks`)
    "a phrase"         the words in that order
    prefix*            every word that starts so (`govern*`)
    a AND b, a OR b    both, either (AND binds tighter; side by side means AND)
    a NOT b, a -b      a without b (`a AND NOT b` too)
    ( ... )            grouping
    subject:word       in one column (reference_id, subject, tags, body)

A word is what the officer typed between spaces: `walk-in`, `S/CT`, `O'Brien`, `U.S.` are
searched as the phrase the index holds them as (`walk in`, `s ct`), never as operators or
column names. Lower-case `and`, `or`, `not` are words. A query the language cannot read raises
SearchError with a message that says what to type instead.

`render_fts5` writes the tree as an SQLite FTS5 query; a PostgreSQL renderer (tsquery) can be
added beside it on the same tree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .filter_words import ADDRESSED as FILTER_ADDRESSED
from .filter_words import ALIASES as FILTER_ALIASES
from .filter_words import KEYS as FILTER_KEYS

COLUMNS = ("reference_id", "subject", "tags", "body")
OPERATORS = ("AND", "OR", "NOT")


class SearchError(ValueError):
    """A search that cannot be read; the message says why and what to type."""


@dataclass(frozen=True)
class Term:
    """A word or a phrase (`phrase` when it was quoted), a prefix when it ended with `*`."""

    text: str
    prefix: bool = False
    phrase: bool = False
    column: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    keep: Node
    drop: Node


Node = Term | And | Or | Not

# tokens: a quoted phrase (its closing quote and a `*` after it optional), a bracket, or a run
# of other characters
RE_TOKEN = re.compile(r'"(?P<body>(?:[^"]|"")*)(?P<close>")?(?P<star>\*)?|[()]|[^\s()"]+')
RE_COLUMN = re.compile(r"^(" + "|".join(COLUMNS) + r"):(.+)$", re.I)
# the list's filters (and their short names), which officers copy from the filter bar into a
# search: said to be filters rather than searched for as words no cable holds (`tags:` is a
# search column as well as a filter's other name: a column here)
FILTER_WORDS = (FILTER_KEYS | FILTER_ALIASES.keys() | FILTER_ADDRESSED) - set(COLUMNS)
RE_FILTER_WORD = re.compile(r"^([a-z][a-z_-]*):\S", re.I)
# `name:word` with a name of letters only: a column prefix, or a mistyped one (`S/CT`, a time
# `10:30`, a URL `http://...` are none)
RE_UNKNOWN_COLUMN = re.compile(r"^([a-z]+):[^\W_]", re.I)
# a cablegate reference without its year (`STATE120001`, `PARIS2002`): a station's letters,
# then the serial
RE_REF_NO_YEAR = re.compile(r"^([a-z]{3,})(\d{1,7})$", re.I)


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _tokens(query: str) -> list[tuple[str, str | Term]]:
    """(kind, value): "op" and the operator, "(" or ")", "term" and its Term."""
    out: list[tuple[str, str | Term]] = []
    column: str | None = None
    minus_at = -1  # where a `-` glued to the phrase after it ended (`-"a phrase"`)
    for m in RE_TOKEN.finditer(query):
        tok = m.group(0)
        if column is None and tok.startswith("-") and len(tok) > 1 and tok[1].isalnum():
            out.append(("op", "NOT"))  # `-word` leaves the word out, as search engines read it
            tok = tok[1:]
        elif tok == "-" and query[m.end() : m.end() + 1] == '"':
            minus_at = m.end()
            continue
        if m.start() == minus_at:
            out.append(("op", "NOT"))
        if m.group("body") is not None or tok == '"':
            if m.group("close") is None:
                raise SearchError(
                    f'search {query!r} cannot be read: a " is not closed; type "a phrase" '
                    "with a quote at each end"
                )
            body = m.group("body").replace('""', '"')
            out.append(("term", Term(body, bool(m.group("star")), True, column)))
            column = None
            continue
        if tok in OPERATORS:
            out.append(("op", tok))
        elif tok in "()":
            out.append((tok, tok))
        else:
            mf = RE_FILTER_WORD.match(tok) if column is None else None
            typed = tok
            if mf is None and column is None and tok.endswith(":"):
                # `status:"NO ACTION"`, `cites:"STATE 17263"`: the filter's quoted value is the
                # next token (searched as a phrase, it matched nothing, and nothing said why)
                mq = re.match(r'"[^"]*"?', query[m.end() :])
                if mq and mq.group(0):
                    mf = re.match(r"^([a-z][a-z_-]*):$", tok, re.I)
                    typed = tok + mq.group(0)
            if mf and mf.group(1).lower() in FILTER_WORDS:
                raise SearchError(
                    f"search {query!r}: {mf.group(1)}: is a filter, not a search word; press f "
                    f"and type {typed} there (searches take the columns "
                    + ", ".join(f"{c}:" for c in COLUMNS)
                    + ")"
                )
            mu = RE_UNKNOWN_COLUMN.match(tok) if column is None else None
            if mu is None and typed != tok:
                mq = re.match(r"^([a-z]+):$", tok, re.I)
                if mq and mq.group(1).lower() not in COLUMNS:
                    raise SearchError(
                        f"search {query!r}: {mq.group(1)}: is not a column to search by; "
                        "searches take the columns " + ", ".join(f"{c}:" for c in COLUMNS)
                    )
            if mu and mu.group(1).lower() not in COLUMNS:
                raise SearchError(
                    f"search {query!r}: {mu.group(1)}: is not a column to search by; searches "
                    "take the columns "
                    + ", ".join(f"{c}:" for c in COLUMNS)
                    + f' (to find the text as written, put it in quotes: "{tok}")'
                )
            mc = RE_COLUMN.match(tok) if column is None else None
            col = column
            if mc:
                col, tok = mc.group(1).lower(), mc.group(2)
            elif column is None and tok.lower().rstrip(":") in COLUMNS and tok.endswith(":"):
                column = tok.lower().rstrip(":")  # `subject: "a phrase"`
                continue
            prefix = tok.endswith("*") and _has_word(tok)
            out.append(("term", Term(tok.rstrip("*") if prefix else tok, prefix, False, col)))
        column = None
    # `a AND NOT b` is `a NOT b`
    return [
        t
        for i, t in enumerate(out)
        if not (t == ("op", "AND") and out[i + 1 : i + 2] == [("op", "NOT")])
    ]


def _leading_not_last(toks: list[tuple[str, str | Term]]) -> list[tuple[str, str | Term]]:
    """`-france export` is `export -france`: words side by side are all wanted, in any order
    (it was refused: NOT needs a search before it). Only for a plain run of words: with OR or
    brackets the order says what goes with what."""
    if any(k in ("(", ")") or (k == "op" and t != "NOT") for k, t in toks):
        return toks
    drops: list[tuple[str, str | Term]] = []
    k = 0
    while k + 1 < len(toks) and toks[k] == ("op", "NOT") and toks[k + 1][0] == "term":
        drops += toks[k : k + 2]
        k += 2
    rest = toks[k:]
    if not drops or not rest or rest[0][0] != "term":
        return toks
    return rest + drops


def parse(query: str) -> Node:
    """The tree of a typed search; SearchError says what cannot be read and what to type."""
    toks = _leading_not_last(_tokens(query))
    pos = 0

    def peek() -> tuple[str, str | Term] | None:
        return toks[pos] if pos < len(toks) else None

    def fail(why: str) -> SearchError:
        return SearchError(f"search {query!r} cannot be read: {why}")

    def operand(after: str | None) -> Node:
        nonlocal pos
        tok = peek()
        if tok is None:
            if after:
                raise fail(f"{after} needs a search after it (a {after} b)")
            raise fail("nothing to search for")
        kind, text = tok
        if kind == "(":
            pos += 1
            inner = or_expr()
            if peek() is None or peek()[0] != ")":  # type: ignore[index]
                raise fail("a ( is not closed; type (a OR b) c, or leave the brackets out")
            pos += 1
            return inner
        if kind == ")":
            raise fail("a ) closes no (; type (a OR b) c, or leave the brackets out")
        if kind == "op":
            if after is None and pos == 0:
                if text == "NOT":
                    raise fail(
                        "NOT (or -word) needs a search before it: type 'word NOT other' or 'word -other'"
                    )
                raise fail(
                    f"{text} joins two searches (a {text} b); to find the word, "
                    f'type it in lower case or in quotes: "{str(text).lower()}"'
                )
            raise fail(f"{after or text} needs a search after it, not {text}")
        pos += 1
        assert isinstance(text, Term)
        return text

    def not_expr(after: str | None) -> Node:
        nonlocal pos
        node = operand(after)
        while (tok := peek()) is not None and tok == ("op", "NOT"):
            pos += 1
            node = Not(node, operand("NOT"))
        return node

    def and_expr(after: str | None) -> Node:
        nonlocal pos
        items = [not_expr(after)]
        while (tok := peek()) is not None and tok[0] != ")" and tok != ("op", "OR"):
            joiner = None
            if tok == ("op", "AND"):
                pos += 1
                joiner = "AND"
            elif tok[0] == "op":  # NOT at the start of a juxtaposed search: `a (NOT b)`
                raise fail(
                    "NOT (or -word) needs a search before it: type 'word NOT other' or 'word -other'"
                )
            items.append(not_expr(joiner))
        return items[0] if len(items) == 1 else And(tuple(items))

    def or_expr() -> Node:
        nonlocal pos
        items = [and_expr(None)]
        while peek() == ("op", "OR"):
            pos += 1
            items.append(and_expr("OR"))
        return items[0] if len(items) == 1 else Or(tuple(items))

    if not toks:
        raise fail("nothing to search for")
    tree = or_expr()
    if pos < len(toks):
        raise fail("a ) closes no (; type (a OR b) c, or leave the brackets out")
    pruned = _without_empty(tree)
    if pruned is None:
        raise fail('no word in it; type a word, "a phrase" or prefix*')
    return _with_references(pruned)


def reference_years(station: str, serial: str) -> list[str]:
    """The reference ids a reference typed without its year (`STATE`, `120001`) may be: the
    cablegate form, two digits of the year before the station (`09STATE120001`)."""
    return [f"{y:02d}{station.upper()}{int(serial)}" for y in range(100)]


def _with_references(node: Node) -> Node:
    """`STATE120001` (a reference without its year, as officers write it) is searched as typed,
    as the phrase `STATE 120001` (how a cable's text carries it) and as the reference id of
    any year (`26STATE120001`: one word in the index, which the word alone never finds);
    `reference_id:STATE120001` as the reference id of any year. Each is a lookup of the index,
    no scan."""
    if isinstance(node, Term):
        m = RE_REF_NO_YEAR.match(node.text)
        if node.phrase or node.prefix or not m or node.column not in (None, "reference_id"):
            return node
        refs = tuple(Term(r, column="reference_id") for r in reference_years(*m.groups()))
        if node.column == "reference_id":
            return Or(refs)
        return Or((node, Term(f"{m.group(1)} {m.group(2)}", phrase=True), *refs))
    if isinstance(node, Not):
        return Not(_with_references(node.keep), _with_references(node.drop))
    if isinstance(node, And):
        joined: list[Node] = []
        k = 0
        while k < len(node.items):
            pair = node.items[k : k + 2]
            spaced = _spaced_reference(*pair) if len(pair) == 2 else None
            joined.append(spaced if spaced is not None else _with_references(node.items[k]))
            k += 2 if spaced is not None else 1
        return joined[0] if len(joined) == 1 else And(tuple(joined))
    return Or(tuple(_with_references(i) for i in node.items))


RE_STATION_WORD = re.compile(r"^[a-z]{3,}$", re.I)
RE_SERIAL_WORD = re.compile(r"^\d{1,7}$")


def _spaced_reference(station: Node, serial: Node) -> Node | None:
    """`STATE 17263`, a reference as REF lines and officers write it (the station, then the
    serial without its leading zeros, no year): the two words as typed, or the phrase with
    the serial as typed or as a cable's text carries it (`STATE 017263`), or the reference id
    of any year (`10STATE17263`). None when the two words are not a station and a serial."""
    plain = all(
        isinstance(t, Term) and not t.phrase and not t.prefix and t.column is None
        for t in (station, serial)
    )
    if not plain or not isinstance(station, Term) or not isinstance(serial, Term):
        return None
    if not RE_STATION_WORD.match(station.text) or not RE_SERIAL_WORD.match(serial.text):
        return None
    phrases = dict.fromkeys(
        (f"{station.text} {serial.text}", f"{station.text} {int(serial.text):06d}")
    )
    refs = tuple(Term(r, column="reference_id") for r in reference_years(station.text, serial.text))
    return Or((And((station, serial)), *(Term(p, phrase=True) for p in phrases), *refs))


def _without_empty(node: Node) -> Node | None:
    """The tree without terms that hold no word (`*`, `""`, `-`): they match nothing."""
    if isinstance(node, Term):
        return node if _has_word(node.text) else None
    if isinstance(node, Not):
        keep = _without_empty(node.keep)
        drop = _without_empty(node.drop)
        if keep is None:
            return None
        return keep if drop is None else Not(keep, drop)
    kept = [n for n in (_without_empty(i) for i in node.items) if n is not None]
    if not kept:
        return None
    if len(kept) == 1:
        return kept[0]
    return And(tuple(kept)) if isinstance(node, And) else Or(tuple(kept))


# -- FTS5 ---------------------------------------------------------------------------------------

PrefixWords = Callable[[str], list[str] | None]


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def render_fts5(node: Node, prefix_words: PrefixWords | None = None) -> str:
    """The tree as an FTS5 MATCH expression. Every term is a quoted string, so FTS5's own
    tokenizer reads `walk-in` as the phrase `walk in` and nothing typed is taken for syntax.
    `prefix_words(prefix)` may write a one-word prefix out as the words it stands for."""
    if isinstance(node, Term):
        col = f"{node.column} : " if node.column else ""
        if node.prefix and prefix_words is not None and not node.phrase:
            words = prefix_words(node.text.lower())
            if words:
                return col + "(" + " OR ".join(_quoted(w) for w in words) + ")"
        return col + _quoted(node.text) + ("*" if node.prefix else "")
    if isinstance(node, Not):
        return (
            f"({render_fts5(node.keep, prefix_words)} NOT {render_fts5(node.drop, prefix_words)})"
        )
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(render_fts5(i, prefix_words) for i in node.items) + ")"


def to_fts5(query: str, prefix_words: PrefixWords | None = None) -> str:
    return render_fts5(parse(query), prefix_words)
