"""Searches and filters a desk officer types that found nothing and said nothing: an unknown
column prefix, a reference without its year (search, reference_id: and thread:), `tag:a,b`,
`status:IN PROGRESS`, `since:yesterday`."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import pytest

from triage.store import connect
from triage.store.ingest import Item, ingest
from triage.store.search import parse
from triage.store.views import Context, FilterError, View, parse_filters, view_ids
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle

BACKENDS = ("sqlite", "postgresql")


def refs(conn: sqlite3.Connection, view: View, ctx: Context | None = None) -> set[str]:
    ids = list(view_ids(conn, view, ctx or Context(login="kwalker")))
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {
        r[0] for r in conn.execute(f"SELECT reference_id FROM cables WHERE id IN ({marks})", ids)
    }


def search(conn: sqlite3.Connection, text: str) -> set[str]:
    return refs(conn, View(tab="All", search=text))


def filtered(conn: sqlite3.Connection, text: str, ctx: Context | None = None) -> set[str]:
    return refs(conn, View(tab="All", filters=tuple(parse_filters(text))), ctx)


@pytest.mark.parametrize("typed", ["foo:bar", "tanker ref:STATE", "Subjct:harbor"])
def test_an_unknown_column_prefix_says_which_columns_there_are(db: Path, typed: str) -> None:
    conn = connect(db)
    with pytest.raises(FilterError) as got:
        search(conn, typed)
    msg = str(got.value)
    assert "is not a column to search by" in msg, msg
    assert "reference_id:, subject:, tags:, body:" in msg, msg


@pytest.mark.parametrize("typed", ["S/CT", "10:30", "http://example.org", '"foo:bar"'])
def test_text_with_a_colon_that_is_no_column_is_searched_as_before(typed: str) -> None:
    parse(typed)  # no SearchError


def test_a_reference_without_its_year_finds_the_cable(db: Path) -> None:
    conn = connect(db)
    assert "26STATE104233" in search(conn, "STATE104233")
    assert "26PARIS2002" in search(conn, "paris2002")
    assert search(conn, "reference_id:STATE104233") == {"26STATE104233"}
    assert search(conn, "reference_id:MONTEVIDEO2481") == {"66MONTEVIDEO2481"}
    # what the spaced form finds is found too
    assert search(conn, "STATE 104233") <= search(conn, "STATE104233")


def test_a_reference_without_its_year_is_no_scan() -> None:
    """Written out as the reference of each year: index lookups, never a LIKE over the ids."""
    from triage.store.search import to_fts5

    q = to_fts5("reference_id:STATE120001")
    assert 'reference_id : "09STATE120001"' in q and 'reference_id : "26STATE120001"' in q


def test_the_thread_filter_takes_a_reference_without_its_year(db: Path) -> None:
    conn = connect(db)
    assert filtered(conn, "thread:PARIS2002") == filtered(conn, "thread:26PARIS2002")
    assert "26PARIS2002" in filtered(conn, "thread:paris2002")


def test_a_reference_of_two_years_is_said_to_be_ambiguous(db: Path, samples: Path) -> None:
    conn = connect(db)
    again = (samples / "44_thread_reply_paris.txt").read_bytes()
    ingest(conn, [Item("again", again, meta={"reference_id": "25PARIS2002"})])
    with pytest.raises(FilterError) as got:
        filtered(conn, "thread:PARIS2002")
    msg = str(got.value)
    assert "ambiguous" in msg and "25PARIS2002" in msg and "26PARIS2002" in msg, msg


def test_tags_given_with_a_comma_are_refused_saying_how() -> None:
    with pytest.raises(FilterError) as got:
        parse_filters("tag:prel,pgov")
    assert "tag:PREL tag:PGOV" in str(got.value)


def test_a_status_of_two_words_typed_without_quotes_says_to_quote_it() -> None:
    with pytest.raises(FilterError) as got:
        parse_filters("status:IN PROGRESS")
    msg = str(got.value)
    assert 'status:"in progress"' in msg and "status:in-progress" in msg, msg
    assert parse_filters("status:in-progress")[0].value == "in-progress"
    assert parse_filters('status:"in progress"')[0].value == "in progress"


def test_since_and_until_take_the_words_report_takes(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # (today and yesterday are the host's days)
    time.tzset()
    conn = connect(db)
    everything = filtered(conn, "since:1900-01-01")
    # the samples are dated in November 2026 (and a few long before)
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    ctx = Context(login="kwalker", now=now)
    assert filtered(conn, "since:yesterday", ctx) == filtered(conn, "since:2026-11-27", ctx)
    assert filtered(conn, "until:yesterday", ctx) == filtered(conn, "until:2026-11-27", ctx)
    assert filtered(conn, "since:2d", ctx) == filtered(conn, "since:2026-11-26", ctx)
    assert filtered(conn, "since:today", ctx) < everything
    with pytest.raises(FilterError) as got:
        parse_filters("since:someday")
    assert "yesterday" in str(got.value)


def test_a_saved_view_with_since_yesterday_is_read_each_time(db: Path) -> None:
    from triage.store.views import tab_counts

    conn = connect(db)
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
    ctx = Context(login="kwalker", now=now, custom_tabs={"Recent": parse_filters("since:2d")})
    n = tab_counts(conn, View(tab="All"), ctx, ["Recent"])["Recent"]
    assert n == len(filtered(conn, "since:2026-11-26", ctx)) > 0


async def test_the_console_says_a_reference_of_two_years_is_ambiguous(
    db: Path, samples: Path
) -> None:
    """The filter box comes back with what was typed and which years there are; the list
    stays as it was, its filter bar too."""
    from textual.widgets import Input, Label

    from triage.tui.screens.dialogs import PromptScreen

    from .test_console import list_lines, make_app, settle

    conn = connect(db)
    again = (samples / "44_thread_reply_paris.txt").read_bytes()
    ingest(conn, [Item("again", again, meta={"reference_id": "25PARIS2002"})])
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"thread:PARIS2002", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "thread:PARIS2002"
        error = str(app.screen.query_one("#prompt-error", Label).content)
        assert "ambiguous" in error and "25PARIS2002, 26PARIS2002" in error, error
        await pilot.press("ctrl+u", *"thread:26PARIS2002", "enter")
        await settle(pilot)
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert any("26PARIS2002" in r for r in rows) and not any("25PARIS2002" in r for r in rows)


def test_a_reference_as_ref_lines_write_it_finds_the_cable(target: Path) -> None:
    """`STATE 17263`: the station, then the serial without its leading zeros, no year."""
    from .test_threads import cable

    instruction = (
        b"R 021200Z MAR 10\nFM SECSTATE WASHDC\nTO AMEMBASSY PARIS 0001\n\n"
        b"U N C L A S S I F I E D STATE 017263\n\nTAGS: PREL FR\nSUBJECT: TALKS ON TARIFFS\n\n"
        b"1. Posts should raise the tariffs.\n\nCLINTON\n"
    )
    conn = connect(target)
    ingest(
        conn,
        [
            Item("a", instruction),  # 10STATE17263: its text has only `STATE 017263`
            Item("b", cable(2, "REF: STATE 17263", station="PARIS", yy=10)),
            Item("c", cable(3, station="PARIS", yy=10)),
        ],
    )
    for typed in ("STATE 17263", "state 17263", "STATE 017263", "10STATE17263", "STATE17263"):
        assert "10STATE17263" in search(conn, typed), typed
    assert search(conn, "STATE 17263") == {"10STATE17263", "10PARIS2"}
    # the two words as typed still find what has both, anywhere (Paris's cable cites it)
    assert search(conn, "PARIS 17263") == {"10PARIS2"}
    assert search(conn, "STATE 99999") == set()


async def test_a_reference_with_a_space_or_no_cable_in_a_thread_filter_says_so(
    target: Path,
) -> None:
    """`cites:BERLIN 1167` says to quote it or type it as one word; `thread:nonsense` that no
    held cable is named so (not an empty list that says nothing)."""
    from textual.widgets import Input, Label

    from triage.tui.screens.dialogs import PromptScreen

    from .test_console import list_lines, make_app, settle
    from .test_threads import berlin

    berlin(target).close()
    app = make_app(target)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"cites:BERLIN 1167", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        error = str(app.screen.query_one("#prompt-error", Label).content)
        assert "unknown filter '1167'" in error, error
        assert 'cites:"BERLIN 1167"' in error and "cites:BERLIN1167" in error, error
        await pilot.press("ctrl+u", *"thread:nonsense", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "thread:nonsense"
        error = str(app.screen.query_one("#prompt-error", Label).content)
        assert "no cable in the cache is named nonsense" in error, error
        # as the message says: quoted, the reference works
        await pilot.press("ctrl+u", *'cites:"BERLIN 1167"', "enter")
        await settle(pilot)
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 2 and {"09BERLIN1360", "09BERLIN1528"} == {
            w for r in rows for w in r.split() if w.startswith("09BERLIN")
        }, rows


@pytest.mark.parametrize("typed", ["BERLIN702", "berlin 702"])
async def test_a_search_of_one_reference_puts_the_cursor_on_that_cable(
    db: Path, typed: str
) -> None:
    """eyes17: `/BERLIN702` listed 26BERLIN705 (which cites BERLIN 702) first, with the cursor
    on it: an officer who searches a number and presses a acts on the wrong cable."""
    from .test_threads import cable

    conn = connect(db)
    # (26BERLIN702 is a PRIORITY sample: an IMMEDIATE citing it comes first in the list)
    citing = (
        cable(900, "REF: BERLIN 702", station="BERLIN")
        .replace(b"R ", b"O ", 1)
        .replace(b"The talks went on.", b"The talks went on, as BERLIN 702 reported.")
    )
    ingest(conn, [Item("b900", citing)])
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *typed, "enter")
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        assert len(lst.ids) >= 2  # the cable, and the one citing it
        row = lst.row_at(lst.cursor)
        assert row is not None and row.reference_id == "26BERLIN702", row


async def test_a_search_of_a_reference_the_view_does_not_hold_says_so(db: Path) -> None:
    """eyes19: `/PARIS1877` on the Inbox with 26PARIS1877 closed put the cursor on 26PARIS2001
    (which cites it), saying nothing."""
    from triage.store import workflow as wf

    conn = connect(db)
    wf.set_status(conn, wf.find_cable(conn, "26PARIS1877"), "DONE", "other")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"PARIS1877", "enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("26PARIS1877 (DONE) is not in Inbox" in m for m in said), said
        assert app.screen.query_one(CableList).cursor == 0
