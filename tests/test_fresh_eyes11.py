"""What a fresh-eyes tester tripped on (round 11), each as a user sees or gets it."""

from __future__ import annotations

from pathlib import Path

from triage.tui.app import CableScreen, ListScreen, TriageApp
from triage.tui.screens.dialogs import PromptScreen
from triage.tui.widgets.bars import KeyHints
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle

BACKENDS = ("sqlite",)


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


def hints(app: TriageApp) -> str:
    return str(app.screen.query_one(KeyHints).content)


# -- A: a keymap entry that takes another binding's key ----------------------------------------


async def test_a_keymap_entry_taking_another_bindings_key_is_refused_and_named(db: Path) -> None:
    """`"list.search" = "j"`: the footer said "j Search" while j still moved down and / no
    longer searched. The entry is left out, both bindings are named, the rest applies."""
    app = make_app(db, keymap={"list.search": "j", "list.filter": "x"}, path=Path("c.toml"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        said = " ".join(messages(app))
        assert "keymap.list.search" in said and "list.down" in said and "c.toml" in said
        assert "j Search" not in hints(app) and "/ Search" in hints(app)
        await pilot.press("j")
        assert app.screen.query_one(CableList).cursor == 1
        await pilot.press("slash")
        assert isinstance(app.screen, PromptScreen) and app.screen._title == ListScreen.SEARCH_TITLE
        await pilot.press("escape")
        await pilot.press("x")  # the rest of the keymap is applied
        assert isinstance(app.screen, PromptScreen) and "ilter" in app.screen._title


async def test_a_clash_on_the_split_view_keeps_n_for_the_next_cable(db: Path) -> None:
    app = make_app(db, keymap={"cable.find_next": "ctrl+g,n"})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert any("keymap.cable.find_next" in m and "cable.next" in m for m in messages(app)), (
            messages(app)
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        first = app.screen.cable_id
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.cable_id != first


async def test_a_keymap_swapping_two_keys_is_no_clash(db: Path) -> None:
    app = make_app(db, keymap={"list.search": "j", "list.down": "slash"})
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert not any("keymap" in m for m in messages(app)), messages(app)
        await pilot.press("slash")
        assert app.screen.query_one(CableList).cursor == 1
        assert "j Search" in hints(app)
