"""The filter words as the product prints them: a precedence as the CSV, the split view and the
report write it, and `action`/`info` with no office configured said, not a quietly empty list."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Label

from triage.cable.model import Precedence
from triage.store import connect
from triage.store.views import (
    Context,
    Filter,
    FilterError,
    View,
    parse_filters,
    view_ids,
)
from triage.tui.screens.dialogs import PromptScreen
from triage.tui.widgets.cable_list import CableList

from .test_console import list_lines, make_app, settle


def refs(conn: object, view: View, ctx: Context | None = None) -> set[str]:
    ids = list(view_ids(conn, view, ctx or Context(login="tester")))  # type: ignore[arg-type]
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {
        r[0]
        for r in conn.execute(  # type: ignore[attr-defined]
            f"SELECT reference_id FROM cables WHERE id IN ({marks})", ids
        )
    }


def forms(p: Precedence) -> list[str]:
    """Every way the product prints a precedence, and the same with hyphens or underscores."""
    return [p.value, p.value.lower(), p.value.replace(" ", "-"), p.value.replace(" ", "_"), p.badge]


@pytest.mark.parametrize("p", list(Precedence), ids=lambda p: p.name)
def test_a_precedence_as_printed_is_a_filter(db: Path, p: Precedence) -> None:
    """`prec:"NIACT IMMEDIATE"` (the CSV's precedence column) was refused as unknown while
    `prec:NIACT` and `prec:IMMEDIATE` were taken."""
    conn = connect(db)
    want = refs(conn, View(tab="All", filters=(Filter("precedence", p.badge),)))
    higher = refs(conn, View(tab="All", filters=(Filter("precedence", ">=" + p.badge),)))
    if p is Precedence.NIACT_IMMEDIATE:
        assert want == {"26STATE98412"}
    for form in forms(p):
        assert parse_filters(f'prec:"{form}"') == [Filter("precedence", form)]
        assert refs(conn, View(tab="All", filters=(Filter("precedence", form),))) == want, form
        (f,) = parse_filters(f'prec:">={form}"')
        assert refs(conn, View(tab="All", filters=(f,))) == higher, form


def test_a_precedence_of_two_words_typed_bare_says_to_quote_it() -> None:
    with pytest.raises(FilterError, match=r'type prec:"NIACT IMMEDIATE" \(or prec:NIACT-IMMEDIATE'):
        parse_filters("prec:NIACT IMMEDIATE")
    with pytest.raises(FilterError, match=r'type class:"TOP SECRET"'):
        parse_filters("class:TOP SECRET")
    with pytest.raises(FilterError, match="NIACT IMMEDIATE, IMMEDIATE"):
        parse_filters("prec:NIACTX")


def test_export_takes_a_precedence_as_its_csv_prints_it(db: Path) -> None:
    import triage.cli as cli

    for form in ("NIACT IMMEDIATE", "niact-immediate", "NIACT_IMMEDIATE", "NIACT"):
        res = CliRunner().invoke(cli.main, ["export", "--db", str(db), "--precedence", form])
        assert res.exit_code == 0, res.output
        rows = [ln for ln in res.stdout.splitlines()[1:] if ln.startswith('"')]
        assert len(rows) == 1 and '"26STATE98412","' in rows[0], res.output
        assert '"NIACT IMMEDIATE"' in rows[0]
    res = CliRunner().invoke(
        cli.main, ["export", "--db", str(db), "--precedence", ">=NIACT IMMEDIATE"]
    )
    assert res.exit_code == 0 and "exported 4 rows" in res.output, res.output
    res = CliRunner().invoke(cli.main, ["export", "--db", str(db), "--precedence", "urgent"])
    assert res.exit_code != 0
    assert (
        "--precedence: unknown precedence 'urgent'" in res.output and "Traceback" not in res.output
    )


# -- action and info without an [office] -----------------------------------------------------

OFFICE_SAID = "routing indicators and addresses are not configured"


def test_action_without_an_office_says_where_to_set_it(db: Path) -> None:
    conn = connect(db)
    for word in ("action", "info"):
        with pytest.raises(FilterError, match=OFFICE_SAID) as got:
            view_ids(conn, View(filters=(Filter("addressed", word),)), Context(login="tester"))
        assert str(got.value).startswith(f"{word}: ") and "[office]" in str(got.value)
    # with an office it reads as before
    ctx = Context(login="tester", office_ris=["RUEHFR"])
    view_ids(conn, View(filters=(Filter("addressed", "action"),)), ctx)
    # a saved view of `action` counted beside another tab is no error (counted as none)
    ctx = Context(login="tester", custom_tabs={"To act": [Filter("addressed", "action")]})
    assert view_ids(conn, View(tab="Inbox"), ctx)
    with pytest.raises(FilterError, match=OFFICE_SAID):
        view_ids(conn, View(tab="To act"), ctx)


def test_export_of_a_view_of_action_without_an_office_says_so(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.cli as cli

    config = tmp_path / "xdg" / "triage" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        '[[view]]\nname = "To act"\nfilter = "action"\n\n'
        '[[view]]\nname = "Ghost"\nfilter = "thread:26NOWHERE1"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    res = CliRunner().invoke(cli.main, ["export", "--db", str(db), "--view", "To act"])
    assert res.exit_code == 1, res.output
    assert res.stdout == ""  # no CSV header before the message
    assert f"--view To act: action: the office's {OFFICE_SAID}" in res.output
    assert f"under [office] in {config}" in res.output
    # a saved view's thread: naming no cable was said as "not a file name: it holds a NUL byte"
    res = CliRunner().invoke(cli.main, ["export", "--db", str(db), "--view", "Ghost"])
    assert res.exit_code == 1 and res.stdout == "", res.output
    assert "--view Ghost: thread:26NOWHERE1: no cable in the cache is named" in res.output
    assert "NUL" not in res.output


async def test_the_filter_box_says_action_needs_an_office(db: Path) -> None:
    """`f` then `action` showed an empty list, "No cable in Inbox matches this filter"."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(CableList).ids)
        await pilot.press("f", *"action", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one(Input).value == "action"
        said = str(app.screen.query_one("#prompt-error", Label).content)
        assert OFFICE_SAID in said and "[office]" in said, said
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == shown
    app = make_app(db, office_ris=["RUEHFR"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"action", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)


async def test_a_saved_views_tab_that_cannot_be_read_shows_no_other_tabs_rows(db: Path) -> None:
    """fix17: a saved view whose filter cannot be read (a thread: naming no cable) said so in a
    toast, and the Inbox's rows stayed on screen under the tab's name."""
    app = make_app(db, views=[{"name": "Ghost", "filter": "thread:26NOWHERE1"}])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        assert len(lst.ids) > 0
        app.screen.select_tab("Ghost")  # type: ignore[attr-defined]
        await settle(pilot)
        assert len(lst.ids) == 0
        shown = "\n".join(list_lines(app))
        assert "Ghost cannot be read: thread:26NOWHERE1" in shown, shown


def test_a_classification_as_the_export_prints_it_is_a_filter(db: Path) -> None:
    """fix17: `class:"TOP SECRET//NOFORN//NODIS"`, the export's highest-classification line,
    matched nothing: the whole tail after the level was looked for as one word."""
    conn = connect(db)
    nodis = refs(conn, View(tab="All", filters=(Filter("classification", "TS//NODIS"),)))
    assert "26STATE50112" in nodis
    typed = parse_filters('class:"TOP SECRET//NODIS"') + parse_filters("class:>=S//NF//SIPDIS")
    assert refs(conn, View(tab="All", filters=(typed[0],))) == nodis
    both = refs(conn, View(tab="All", filters=(typed[1],)))
    assert "26STATE104233" in both  # SECRET//NOFORN, SIPDIS
    assert both == refs(
        conn,
        View(
            tab="All",
            filters=(Filter("classification", ">=S//NF"), Filter("classification", ">=S//SIPDIS")),
        ),
    )
