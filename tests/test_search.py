"""The search language as officers type it: parsed once into a tree, rendered for FTS5."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.store import connect
from triage.store.ingest import Item, ingest
from triage.store.search import And, Not, Or, SearchError, Term, parse, render_fts5, to_fts5
from triage.store.views import Context, FilterError, View, view_ids


@pytest.mark.parametrize(
    ("typed", "tree"),
    [
        ("walk-in", Term("walk-in")),
        ("S/CT", Term("S/CT")),
        ("O'Brien", Term("O'Brien")),
        ("U.S. policy", And((Term("U.S."), Term("policy")))),
        ('"harbor talks"', Term("harbor talks", phrase=True)),
        ("govern*", Term("govern", prefix=True)),
        ('"the gov"*', Term("the gov", prefix=True, phrase=True)),
        ("subject:port*", Term("port", prefix=True, column="subject")),
        ('subject: "a b"', Term("a b", phrase=True, column="subject")),
        ("a OR b c", Or((Term("a"), And((Term("b"), Term("c")))))),
        ("a AND (b OR c)", And((Term("a"), Or((Term("b"), Term("c")))))),
        ("a NOT b", Not(Term("a"), Term("b"))),
        ("and or not", And((Term("and"), Term("or"), Term("not")))),
        ("S/CT:x", Term("S/CT:x")),  # no column name: a word
        # `-word` leaves a word out, as web searches read it; a hyphen inside a word does not
        ("iran -syria", Not(Term("iran"), Term("syria"))),
        ('iran -"a b"', Not(Term("iran"), Term("a b", phrase=True))),
        ("x-ray -y", Not(Term("x-ray"), Term("y"))),
        ("a - b", And((Term("a"), Term("b")))),
        ("iran AND NOT syria", Not(Term("iran"), Term("syria"))),
    ],
)
def test_parse(typed: str, tree: object) -> None:
    assert parse(typed) == tree


@pytest.mark.parametrize(
    ("typed", "fts5"),
    [
        ("walk-in", '"walk-in"'),
        ('say "no"""', '("say" AND "no""")'),
        ("a NOT (b OR c)", '("a" NOT ("b" OR "c"))'),
        ("subject:port*", 'subject : "port"*'),
    ],
)
def test_render_fts5(typed: str, fts5: str) -> None:
    assert to_fts5(typed) == fts5


def test_a_prefix_is_written_out_by_the_callback() -> None:
    tree = parse("gov* NOT x")
    assert render_fts5(tree, lambda p: ["govern", "governor"] if p == "gov" else None) == (
        '(("govern" OR "governor") NOT "x")'
    )


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        (
            "AND",
            'AND joins two searches (a AND b); to find the word, type it in lower case or in quotes: "and"',
        ),
        ("OR x", "OR joins two searches"),
        ("NOT x", "NOT (or -word) needs a search before it: type 'word NOT other'"),
        ("-iran", "NOT (or -word) needs a search before it"),
        ("a AND", "AND needs a search after it"),
        ("a OR OR b", "OR needs a search after it, not OR"),
        ("(a OR b", "a ( is not closed"),
        ("a)", "a ) closes no ("),
        ('"unclosed', 'a " is not closed; type "a phrase" with a quote at each end'),
        ("*", "no word in it"),
        ("", "nothing to search for"),
    ],
)
def test_what_cannot_be_read_says_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(SearchError) as err:
        parse(typed)
    assert f"search {typed!r} cannot be read: " in str(err.value)
    assert says in str(err.value)


TEXT = (
    "R 151200Z MAR 26\nFM AMEMBASSY VALDORIA\nTO RUEHC/SECSTATE WASHDC 0101\n\n"
    "C O N F I D E N T I A L VALDORIA 00{n}\n\nTAGS: PREL\nSUBJECT: {subject}\n\n"
    "¶1. (C) {body}\n\nJONES\n"
)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    conn = connect(path)
    items = [
        ("1001", "WALK-IN GUIDANCE", "A walk-in came to the gate; S/CT was told."),
        ("1002", "PORT TALKS", "O'Brien met the U.S. delegation."),
        ("1003", "WALKING TOUR", "They walk in the park in the morning, and talk."),
    ]
    ingest(
        conn,
        [Item(f"{n}.txt", TEXT.format(n=n, subject=s, body=b).encode()) for n, s, b in items],
    )
    conn.close()
    return path


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("walk-in", {"26VALDORIA1001", "26VALDORIA1003"}),  # the phrase `walk in`
        ("S/CT", {"26VALDORIA1001"}),
        ("O'Brien", {"26VALDORIA1002"}),
        ("U.S.", {"26VALDORIA1002"}),
        ("walk* NOT gate", {"26VALDORIA1003"}),
        ("walk* -gate", {"26VALDORIA1003"}),
        ("walk* AND NOT gate", {"26VALDORIA1003"}),
        ("subject:walk*", {"26VALDORIA1001", "26VALDORIA1003"}),
        ("and talk", {"26VALDORIA1003"}),
    ],
)
def test_searches_as_typed_find_what_they_say(cache: Path, typed: str, found: set[str]) -> None:
    conn = connect(cache)
    ids = view_ids(conn, View(tab="All", search=typed), Context(login="k"))
    refs = {
        conn.execute("SELECT reference_id FROM cables WHERE id = ?", (i,)).fetchone()[0]
        for i in ids
    }
    assert refs == found


def test_an_unreadable_search_is_a_filter_error_naming_what_to_type(cache: Path) -> None:
    conn = connect(cache)
    with pytest.raises(FilterError, match="AND joins two searches"):
        view_ids(conn, View(tab="All", search="AND"), Context(login="k"))


async def test_the_console_says_what_to_type_for_slash_and(cache: Path) -> None:
    from .test_console import make_app, settle

    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"AND", "enter")
        await settle(pilot)
        # the search box again, with what was typed and what to type instead
        from textual.widgets import Input, Label

        from triage.tui.screens.dialogs import PromptScreen

        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "AND"
        error = str(app.screen.query_one("#prompt-error", Label).content)
        assert "AND joins two searches" in error and '"and"' in error, error
        assert "syntax error" not in error
        await pilot.press("ctrl+u", *"walk-in", "enter")
        await settle(pilot)
        from triage.tui.widgets.cable_list import CableList

        assert len(app.screen.query_one(CableList).ids) == 2
        assert not any("no such column" in n.message for n in app._notifications)


@pytest.mark.parametrize(
    "query", ["prec:FLASH tanker", "class:S//NF", "precedence:FLASH", "tag:PREL"]
)
def test_a_filter_typed_as_a_search_says_it_is_a_filter(query: str) -> None:
    """Officers copy `precedence:FLASH` from the filter bar into the search box: it found
    nothing and said nothing. Now it says it is a filter, and where to type it."""
    with pytest.raises(SearchError) as got:
        parse(query)
    assert "is a filter, not a search word; press f" in str(got.value)


@pytest.mark.parametrize(
    ("query", "typed"),
    [
        ('status:"NO ACTION"', 'type status:"NO ACTION" there'),
        ('cites:"STATE 17263" demarche', 'type cites:"STATE 17263" there'),
    ],
)
def test_a_filter_with_a_quoted_value_typed_as_a_search_says_it_is_a_filter(
    query: str, typed: str
) -> None:
    """eyes17: `/status:"NO ACTION"` searched the phrase and said no cable matched, while
    `/status:NEW` said it is a filter."""
    with pytest.raises(SearchError) as got:
        parse(query)
    assert "is a filter, not a search word; press f" in str(got.value)
    assert typed in str(got.value)


def test_an_unknown_column_before_a_phrase_is_said() -> None:
    with pytest.raises(SearchError) as got:
        parse('subjet:"oil prices"')
    assert "subjet: is not a column to search by" in str(got.value)
    assert parse('subject:"oil prices"')  # a column before a phrase still searches


def test_search_columns_and_times_are_not_taken_for_filters() -> None:
    parse("subject:tanker tags:PREL 10:30 http://example")


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [("-france export", "export -france"), ("NOT france export", "export NOT france")],
)
def test_a_word_left_out_may_come_first(typed: str, same_as: str) -> None:
    """eyes17: `/-france export` was refused (NOT needs a search before it), though words side by
    side are all wanted, in any order."""
    assert render_fts5(parse(typed)) == render_fts5(parse(same_as))
