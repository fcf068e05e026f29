"""Saved views (`[[view]]` in the config, `W` in the console) read as the search and the filters
they were saved from: in the console's tab and in `triage export --view`, on both backends.
One view that cannot be read says so in its own tab and leaves the others alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from triage.cli import main
from triage.config import load_config, user_config_path
from triage.store import connect
from triage.store import workflow as wf
from triage.store.views import Context, View, parse_filters, view_ids
from triage.tui.app import ListScreen, TriageApp
from triage.tui.widgets.bars import Banner
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES
from .test_console import list_lines, settle, static_text

BACKENDS = ("sqlite", "postgresql")

# searches officers saved (each finds cables among the samples when typed): a phrase, a
# prefix, words the index holds as phrases (`U.S.`, `follow-up`), a word left out, a column,
# brackets and operators, a reference as REF lines write it
SEARCHES = [
    '"cargo vessel"',
    "min*",
    "U.S.",
    "follow-up",
    "embassy -paris",
    "subject:vessel",
    "(vessel OR evacuation) AND embassy",
    "STATE 98412",
    "govern* -paris",
]


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_views(views: list[tuple[str, str, str]]) -> Path:
    """The user's config file holding these (name, filter, search) views."""
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks = []
    for name, filt, search in views:
        block = f"[[view]]\nname = {_toml(name)}\n"
        if filt:
            block += f"filter = {_toml(filt)}\n"
        if search:
            block += f"search = {_toml(search)}\n"
        blocks.append(block)
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def exported(db: Path, *args: str) -> list[str]:
    """The reference ids `triage export` writes (its exit status checked)."""
    r = CliRunner().invoke(main, ["export", "--db", str(db), *args, "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    return sorted(row["reference_id"] for row in rows)


def typed(db: Path, search: str | None = None, filters: str = "") -> list[str]:
    """The reference ids the All tab lists for a search and filters typed in the console."""
    conn = connect(db)
    try:
        view = View(
            tab="All", search=search, filters=tuple(parse_filters(filters) if filters else ())
        )
        ids = list(view_ids(conn, view, Context(login="tester")))
        return (
            sorted(
                r[0]
                for r in conn.execute(
                    f"SELECT reference_id FROM cables WHERE id IN ({', '.join('?' for _ in ids)})",
                    ids,
                )
            )
            if ids
            else []
        )
    finally:
        conn.close()


def test_export_of_a_saved_search_lists_what_the_typed_search_lists(db: Path) -> None:
    """`search = "\\"cargo vessel\\""` went to the full-text index as written: a syntax error
    in tsquery on PostgreSQL; `min*` found nothing there (239 typed); on SQLite `U.S.` and
    `follow-up` failed with a hint at a damaged cache."""
    write_views([(f"v{k}", "", s) for k, s in enumerate(SEARCHES)])
    for k, search in enumerate(SEARCHES):
        want = typed(db, search)
        assert want, search  # (the samples hold it: the comparison means something)
        assert exported(db, "--view", f"v{k}") == want, search


def test_a_saved_view_with_a_search_and_filters_exports_as_typed(db: Path) -> None:
    write_views([("desk", "prec:FLASH", "cargo OR evacuation")])
    want = typed(db, "cargo OR evacuation", "prec:FLASH")
    assert want and exported(db, "--view", "desk") == want


async def test_a_search_saved_with_W_lists_in_its_tab_what_it_listed_typed(db: Path) -> None:
    """`/"cargo vessel"` listed 1 cable; `W cargo` then showed `cargo cannot be read: cache:
    syntax error in tsquery` (PostgreSQL), and after a restart too."""
    cfg_path = user_config_path()
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text("", encoding="utf-8")
    for search, name in (('"cargo vessel"', "cargo"), ("min*", "min"), ("U.S.", "us")):
        want = len(typed(db, search))
        app = TriageApp(db, load_config(cfg_path), login="tester")
        async with app.run_test(size=(160, 30)) as pilot:
            await settle(pilot)
            await pilot.press("slash", *search, "enter")
            await settle(pilot)
            await pilot.press("tab", "tab", "tab", "tab", "tab")  # to All: every cable
            await settle(pilot)
            assert app.screen.view.tab == "All"  # type: ignore[attr-defined]
            assert len(app.screen.query_one(CableList).ids) == want
            await pilot.press("W", *name, "enter")
            await settle(pilot)
            await _shows_view(pilot, name, want)
        assert {"name": name, "search": search} in load_config(cfg_path).views
    # started again, from the config file
    app = TriageApp(db, load_config(cfg_path), login="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        for search, name in (('"cargo vessel"', "cargo"), ("min*", "min"), ("U.S.", "us")):
            app.screen.select_tab(name)  # type: ignore[attr-defined]
            await settle(pilot)
            await _shows_view(pilot, name, len(typed(db, search)))


async def _shows_view(pilot: Pilot, name: str, want: int) -> None:
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, ListScreen) and screen.view.tab == name
    shown = "\n".join(list_lines(app))  # type: ignore[arg-type]
    assert "cannot be read" not in shown, shown
    assert len(screen.query_one(CableList).ids) == want
    assert f"{name} {want}" in static_text(app, "#tabs")  # type: ignore[arg-type]


# -- a view that cannot be read ------------------------------------------------------------------


def tab_label(app: TriageApp, name: str) -> str:
    """A tab's label in the tab bar (`Inbox 48`)."""
    import re

    bar = static_text(app, "#tabs")
    m = re.search(rf"(?<!\S){re.escape(name)} (\S+)", bar)
    assert m, bar
    return m.group(0)


async def _the_other_tabs_are_whole(pilot: Pilot, broken: str) -> None:
    """Inbox listed with its rows, counts and marking; the broken view's tab claims no count."""
    app = pilot.app
    assert isinstance(app, TriageApp)
    screen = app.screen
    assert isinstance(screen, ListScreen) and screen.view.tab == "Inbox"
    assert len(screen.query_one(CableList).ids) == N_SAMPLES
    assert "cannot be read" not in "\n".join(list_lines(app))
    for tab, n in (("Inbox", N_SAMPLES), ("New", N_SAMPLES), ("All", N_SAMPLES), ("cargo", 1)):
        assert tab_label(app, tab) == f"{tab} {n}", static_text(app, "#tabs")
    assert tab_label(app, broken) == f"{broken} ?", static_text(app, "#tabs")
    banner = str(screen.query_one("#banner-top", Banner).content)
    assert "NO CABLES IN VIEW" not in banner and "S E C R E T" in banner, banner
    assert not screen.query_one("#empty").display  # (not "The cache is empty")


async def test_a_view_whose_search_cannot_be_read_leaves_the_other_tabs_alone(db: Path) -> None:
    """After a saved view that could not be read, Inbox said NO CABLES IN VIEW, every tab 0 and
    "The cache is empty" above its rows, after a restart too, until the view was removed from
    the config. Now that view's own tab says why, and only there."""
    write_views([("cargo", "", '"cargo vessel"'), ("broken", "", "-embassy")])
    for _start in range(2):  # (and started again)
        app = TriageApp(db, load_config(user_config_path()), login="tester")
        async with app.run_test(size=(160, 30)) as pilot:
            await settle(pilot)
            await _the_other_tabs_are_whole(pilot, "broken")
            app.screen.select_tab("broken")  # type: ignore[attr-defined]
            await settle(pilot)
            shown = "\n".join(list_lines(app))
            assert "broken cannot be read: search '-embassy' cannot be read: NOT" in shown, shown
            assert tab_label(app, "All") == f"All {N_SAMPLES}"
            app.screen.select_tab("Inbox")  # type: ignore[attr-defined]
            await settle(pilot)
            await _the_other_tabs_are_whole(pilot, "broken")


async def test_a_view_the_server_refuses_leaves_the_other_tabs_counts_alone(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL every tab's count is read in one statement: a view whose query the server
    refused zeroed them all (and the banner: NO CABLES IN VIEW, "The cache is empty"). Here a
    filter is made to write SQL no cache can run, as a view the server cannot read would."""
    from triage.store import views

    real = views._filter_sql

    def refused(f: views.Filter, ctx: views.Context) -> tuple[str, list[object]]:
        if f.key == "tag" and f.value.upper() == "BROKEN":
            return "c.no_such_column = ?", [1]
        return real(f, ctx)

    monkeypatch.setattr(views, "_filter_sql", refused)
    write_views([("cargo", "", '"cargo vessel"'), ("refused", "tag:BROKEN", "")])
    app = TriageApp(db, load_config(user_config_path()), login="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await _the_other_tabs_are_whole(pilot, "refused")
        app.screen.select_tab("refused")  # type: ignore[attr-defined]
        await settle(pilot)
        assert "refused cannot be read" in "\n".join(list_lines(app))
        app.screen.select_tab("Inbox")  # type: ignore[attr-defined]
        await settle(pilot)
        await _the_other_tabs_are_whole(pilot, "refused")


# -- two values of one field ---------------------------------------------------------------------


def test_a_saved_view_of_two_values_of_one_field_exports_either(db: Path) -> None:
    """`origin:paris origin:rome` in a view exported 0 rows (both at once), where typed it
    lists the cables from either."""
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "jsmith", "lead")
    conn.close()
    views = [
        ("places", "origin:paris origin:rome", ""),
        ("twostat", "status:NEW status:ASSIGNED", ""),
        ("flashes", "prec:FLASH prec:NIACT", "embassy"),
    ]
    write_views(views)
    for name, filters, search in views:
        want = typed(db, search or None, filters)
        assert want, name
        assert exported(db, "--view", name) == want, name
    assert len(typed(db, None, "status:NEW status:ASSIGNED")) == N_SAMPLES


async def test_a_filter_of_two_statuses_saved_with_W_lists_either(db: Path) -> None:
    """`f status:NEW status:ASSIGNED` listed 311; `W twostat` then showed `twostat 0`."""
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "jsmith", "lead")
    conn.close()
    cfg_path = user_config_path()
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text("", encoding="utf-8")
    app = TriageApp(db, load_config(cfg_path), login="tester")
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"status:NEW status:ASSIGNED", "enter")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == N_SAMPLES
        await pilot.press("W", *"twostat", "enter")
        await settle(pilot)
        assert app.screen.view.tab == "twostat"  # type: ignore[attr-defined]
        assert len(app.screen.query_one(CableList).ids) == N_SAMPLES
        assert tab_label(app, "twostat") == f"twostat {N_SAMPLES}"
        await pilot.press("f", *"origin:paris origin:rome", "enter")
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == len(
            typed(db, None, "origin:paris origin:rome")
        )
