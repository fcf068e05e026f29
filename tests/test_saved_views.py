"""Saved views (`[[view]]` in the config, `W` in the console) read as the search and the filters
they were saved from: in the console's tab and in `triage export --view`, on both backends.
One view that cannot be read says so in its own tab and leaves the others alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from textual.pilot import Pilot

from triage.cli import main
from triage.config import load_config, user_config_path
from triage.store import connect
from triage.store.views import Context, View, parse_filters, view_ids
from triage.tui.app import ListScreen, TriageApp
from triage.tui.widgets.cable_list import CableList

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
