"""The first page of a search: walked in index order, or collected whole; the same cables."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import triage.store.views as views
from triage.store import connect
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths
from triage.store.search import SearchError, to_fts5
from triage.store.views import Context, Filter, View, view_ids

from .conftest import sample_copies

SEARCHES = [
    "the",
    "minister",
    "government post",
    '"the government"',
    "gov*",
    "the NOT minister",
    "zzzz",
]


@pytest.fixture
def conn(tmp_path: Path):  # type: ignore[no-untyped-def]
    c = connect(tmp_path / "c.db")
    ingest(c, sample_copies(5), parser_process=False)
    return c


@pytest.mark.parametrize("sort", ["precedence", "dtg", "classification", "subject"])
@pytest.mark.parametrize("search", SEARCHES)
def test_the_first_page_of_a_search_is_the_top_of_the_whole_list(
    conn, search: str, sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    ctx = Context(login="kwalker")
    view = View(tab="All", search=search, sort=sort)
    whole = list(view_ids(conn, view, ctx))
    walked = list(view_ids(conn, view, ctx, limit=7))
    monkeypatch.setattr(views, "PROBE_BUDGET_S", 0.0)  # always give the walk up
    collected = list(view_ids(conn, view, ctx, limit=7))
    assert walked == collected == whole[:7]
    if search != "zzzz":
        assert whole


def test_a_common_word_is_walked_not_collected(conn) -> None:  # type: ignore[no-untyped-def]
    view = View(tab="All", search="the")
    first = views._first_matches(conn, view, Context(login="kwalker"), 7)
    assert first is not None and len(first) == 7


def test_a_bad_search_still_says_what_is_wrong(conn) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(views.FilterError, match="cannot be read"):
        view_ids(conn, View(tab="All", search='"unclosed'), Context(login="k"), limit=7)


VIEWS = [
    View(),
    View(tab="New"),
    View(tab="Mine"),
    View(tab="All", filters=(Filter("status", "ASSIGNED"),)),
    View(tab="All", filters=(Filter("status", "AWAITING REPLY"),)),
    View(tab="All", filters=(Filter("tag", "PREL"), Filter("classification", ">=SECRET"))),
    View(tab="All", filters=(Filter("precedence", ">=IMMEDIATE"),), search="government"),
    View(tab="All", sort="dtg", reverse=True),
]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v.tab}-{v.filters}-{v.search}-{v.sort}")
def test_the_first_page_of_any_view_is_the_top_of_the_whole_list(
    conn, view: View, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    conn.execute(
        "UPDATE workflow SET status = 'ASSIGNED', officer = 'kwalker' WHERE cable_id % 3 = 0"
    )
    ctx = Context(login="kwalker")
    whole = list(view_ids(conn, view, ctx))
    walked = list(view_ids(conn, view, ctx, limit=9))
    monkeypatch.setattr(views, "PROBE_BUDGET_S", 0.0)
    collected = list(view_ids(conn, view, ctx, limit=9))
    assert walked == collected == whole[:9]


@pytest.mark.parametrize("search", [None, "the", "gov*"])
def test_a_view_no_longer_wanted_stops_its_queries(conn, search: str | None) -> None:  # type: ignore[no-untyped-def]
    """A console that has moved on to another view stops the last one's queries: they end with
    Cancelled, not with wrong counts, an empty list or a 'search cannot be read' message."""
    ctx = Context(login="kwalker")
    view = View(tab="All", search=search, sort="subject")
    asked = []

    def stop() -> bool:
        asked.append(1)
        return True

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(views, "STOP_CHECK_STEPS", 1)
    try:
        for run in (
            lambda: view_ids(conn, view, ctx, stop=stop),
            lambda: view_ids(conn, replace(view, sort="dtg"), ctx, limit=7, stop=stop),
            lambda: views.tab_counts(conn, view, ctx, ["All"], stop=stop),
            lambda: views.max_level(conn, view, ctx, stop=stop),
        ):
            with pytest.raises(views.Cancelled):
                run()
    finally:
        monkeypatch.undo()
    assert asked
    # the same connection answers the next view in full
    assert len(view_ids(conn, view, ctx, stop=lambda: False)) == len(view_ids(conn, view, ctx))
    assert views.tab_counts(conn, view, ctx, ["All"], stop=lambda: False)["All"] > 0


PREFIX_SEARCHES = [
    "go*",
    "govern*",
    "subject:go*",
    "go* NOT minister",
    "go* AND (minist* OR zzz*)",
    '"the gov"*',
    "the go*",
    "gov*",
]


@pytest.mark.parametrize("search", PREFIX_SEARCHES)
def test_a_prefix_search_finds_what_fts5_finds(
    conn, search: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Written out as the words it stands for, a prefix finds exactly what FTS5's own prefix
    matching finds, in every place a prefix can stand."""
    ctx = Context(login="kwalker")
    view = View(tab="All", search=search)
    ours = list(view_ids(conn, view, ctx))
    counts = views.tab_counts(conn, view, ctx, ["All", "Inbox"])
    monkeypatch.setattr(views, "expand_prefixes", lambda c, s: to_fts5(s))
    assert ours == list(view_ids(conn, view, ctx))
    assert counts == views.tab_counts(conn, view, ctx, ["All", "Inbox"])


def test_a_prefix_is_written_out_as_its_words_unless_the_index_has_it(conn) -> None:  # type: ignore[no-untyped-def]
    assert views.prefix_lengths(conn) == {3}
    assert (
        views.expand_prefixes(conn, "govern*")
        == '("governing" OR "government" OR "governments" OR "governor" OR "governors")'
    )
    assert views.expand_prefixes(conn, "gov*") == '"gov"*'  # the three-letter prefix index
    assert views.expand_prefixes(conn, '"go"* x') == '("go"* AND "x")'  # a phrase's is FTS5's


def test_a_short_prefix_of_too_many_words_is_refused_with_a_reason(
    conn, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(views, "PREFIX_WORDS_MAX", 2)
    with pytest.raises(views.FilterError, match="give at least three letters"):
        view_ids(conn, View(tab="All", search="go*"), Context(login="k"))
    # a longer prefix of many words is left to FTS5: still found
    assert list(view_ids(conn, View(tab="All", search="govern*"), Context(login="k")))


def test_a_prefix_finds_a_word_that_arrived_after_the_last_search(conn, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = Context(login="k")
    view = View(tab="All", search="govern*")
    before = len(view_ids(conn, view, ctx))
    other = connect(tmp_path / "c.db")  # another officer's ingest, then this connection's own
    for c, n in ((other, 1), (conn, 2)):
        new = tmp_path / f"new{n}.txt"
        new.write_text(
            f"O 011200Z JAN 26\nFM AMEMBASSY VALDORIA\nTO SECSTATE WASHDC IMMEDIATE {n}\n"
            f"C O N F I D E N T I A L VALDORIA 00077{n}\n\nSUBJECT: GOVERNANCEWATCH{n}\n\n"
            "1. (C) Nothing else.\n"
        )
        ingest(c, iter_paths([str(new)]), parser_process=False)
        assert len(view_ids(conn, view, ctx)) == before + n


# pieces of the search language, with which FTS5 agrees when the whole reads (PLAIN), and
# anything else people type
PLAIN = [
    "go*",
    "gov*",
    "govern*",
    "minist*",
    "the",
    "minister",
    '"the gov"*',
    ")",
    "(",
    "subject:go*",
    "AND",
    "OR",
    "NOT",
    "zz*",
]
FTS_PIECES = st.sampled_from(
    PLAIN
    + [
        "g*",
        '"a',
        "NEAR(",
        "^",
        "+",
        "subject:",
        "{subject tags}:",
        "-body:",
        "*",
        "near(",
        "go *",
        "-subject: go*",
        '""',
        "{body}:",
        "NEAR(go*",
        ":",
        '"',
        "ä*",
        "go*go",
        ",",
        "walk-in",
        "S/CT",
        "O'Brien",
        "U.S.",
        "NEAR(go* minister, 3)",
    ]
)


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(FTS_PIECES, min_size=1, max_size=6))
def test_any_search_means_the_same_written_out(conn, pieces: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Whatever is typed, the search answers or says why it cannot (FilterError, nothing
    else), and writing its prefixes out never changes what a search of the plain language
    finds (FTS5 reading its prefixes natively)."""
    search = " ".join(pieces)
    ctx = Context(login="k")
    view = View(tab="All", search=search)
    try:
        ours: list[int] | str = list(view_ids(conn, view, ctx))
    except views.FilterError as exc:
        ours = "refused: " + str(exc)
    real = views.expand_prefixes

    # the same search with its prefixes left to FTS5 (`go*` read natively, not written out).
    # (Not the typed text handed to FTS5 as it is: FTS5 binds side-by-side words tighter than
    # NOT, `a NOT b c` being `a NOT (b c)`, where triage's NOT leaves out the one word or
    # group after it, as search engines do, on both backends.)
    def natively(_conn: object, typed: str) -> str:
        try:
            return to_fts5(typed, lambda _prefix: None)
        except SearchError as exc:
            raise views.FilterError(str(exc)) from exc

    views.expand_prefixes = natively  # type: ignore[assignment]
    try:
        native: list[int] | str = list(view_ids(conn, view, ctx))
    except views.FilterError as exc:
        native = "refused: " + str(exc)
    finally:
        views.expand_prefixes = real  # type: ignore[assignment]
    if isinstance(ours, str) and "give at least three letters" in ours:
        return  # a one- or two-letter prefix of too many words is refused by design
    if all(p in PLAIN for p in pieces) and isinstance(native, list):
        assert ours == native, search
