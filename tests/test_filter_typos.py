"""A typo in a filter is said, not shown as an empty list: `class:S//NOFRN` read as "no such
traffic" where `class:BANANA` was refused, and `since:` after `until:` was quietly empty."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label

from triage.cable.patterns import CAVEAT_WORDS
from triage.cable.rollup import CAPTIONS
from triage.store.filter_words import CLASS_CONTROLS
from triage.tui.screens.dialogs import PromptScreen
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle


def test_every_stored_control_and_caption_is_a_class_word() -> None:
    # (so the check refuses no control a cable in the cache can carry)
    assert {*CAVEAT_WORDS, *CAPTIONS, "FOUO", "SBU", "LOU"} <= set(CLASS_CONTROLS.values())


async def _typed(pilot, app, text: str) -> str:  # type: ignore[no-untyped-def]
    """The filter box's message for `text`, the box still open with it."""
    await pilot.press("f", *text, "enter")
    await settle(pilot)
    assert isinstance(app.screen, PromptScreen), text
    assert app.screen.query_one(Input).value == text
    said = str(app.screen.query_one("#prompt-error", Label).content)
    await pilot.press("escape")
    await settle(pilot)
    return said


async def test_an_unknown_control_or_caption_is_said_in_the_filter_box(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(CableList).ids)
        said = await _typed(pilot, app, "class:S//NOFRN")
        assert "unknown control 'NOFRN' in class:S//NOFRN (did you mean NOFORN?)" in said, said
        assert "NF (NOFORN)" in said and "NODIS, EXDIS, LIMDIS, STADIS" in said
        said = await _typed(pilot, app, "class:S//XX")
        assert "unknown control 'XX'" in said and "NODIS" in said, said
        # the known ones still filter
        await pilot.press("f", *"class:TS//NODIS", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        assert 0 < len(app.screen.query_one(CableList).ids) < shown


async def test_a_backwards_day_range_is_said_in_the_filter_box(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(CableList).ids)
        said = await _typed(pilot, app, "since:2026-11-30 until:2026-11-01")
        assert "since:2026-11-30 is after until:2026-11-01: the range is backwards" in said
        assert "type since:2026-11-01 until:2026-11-30" in said, said
        # the until: added to a list already filtered since: a later day
        await pilot.press("f", *"since:2026-11-30", "enter")
        await settle(pilot)
        said = await _typed(pilot, app, "until:2026-11-01")
        assert "since:2026-11-30 is after until:2026-11-01" in said, said
        await pilot.press("escape")  # (the since: filter off)
        await settle(pilot)
        assert len(app.screen.query_one(CableList).ids) == shown
