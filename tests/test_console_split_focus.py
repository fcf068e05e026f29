"""Where the focus is in the split view as its tabs change (the Thread tab, the text, a cable
opened from either), and a find in the text when the Thread tab takes its place: what the title's
`▸` says, which pane the keys move, and what the key line offers (Textual's Pilot)."""

from __future__ import annotations

from pathlib import Path

from triage.tui.app import CableScreen, ListScreen
from triage.tui.widgets.bars import KeyHints
from triage.tui.widgets.lazy_text import LazyText

from .test_console import make_app, settle, static_text
from .test_console_threads import thread_tab


def title(app) -> str:  # type: ignore[no-untyped-def]
    return static_text(app, "#title")


def focused(app) -> str | None:  # type: ignore[no-untyped-def]
    f = app.screen.focused
    return None if f is None else f.id


def hints(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(KeyHints).content)


def marked(app) -> list[str]:  # type: ignore[no-untyped-def]
    """The text drawn in reverse video in the body (a find's marks)."""
    body = app.screen.query_one("#body", LazyText)
    out = []
    for y in range(len(body._lines)):
        m = "".join(s.text for s in body.render_line(y) if s.style and s.style.reverse)
        if m:
            out.append(m)
    return out


async def a_dialog_opened_and_closed(pilot) -> None:  # type: ignore[no-untyped-def]
    """`/` and esc: the find's prompt, cancelled (the screen under it is resumed, as after
    help, a workflow dialog or a cable opened over it)."""
    await pilot.press("slash")
    await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)


async def test_back_from_the_thread_tab_the_text_has_the_focus(db: Path) -> None:
    """t, a move in the tab, t again: the paragraphs are back in the tab's place and have the
    focus, and keep it through a dialog (nothing was focused, and the first dialog closed gave
    the focus to the header pane)."""
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850", "enter")
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"
        await pilot.press("t")
        await settle(pilot)
        assert "[Header|▸Thread]" in title(app) and focused(app) == "thread-pane"
        await pilot.press("j")
        await pilot.press("t")
        await settle(pilot)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"
        await a_dialog_opened_and_closed(pilot)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"
        # v in the tab's place (the raw text) does the same
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "[Header|▸Raw]" in title(app) and focused(app) == "body-pane"
        await a_dialog_opened_and_closed(pilot)
        assert "[Header|▸Raw]" in title(app) and focused(app) == "body-pane"


async def test_a_cable_opened_from_the_thread_tab_and_closed_leaves_the_focus_in_the_tab(
    db: Path,
) -> None:
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850")
        screen = app.screen
        assert "[Header|▸Thread]" in title(app)
        await pilot.press("k", "enter")  # the cited instruction
        await settle(pilot)
        assert app.screen is not screen and "26STATE110001" in title(app)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert "[Header|▸Thread]" in title(app) and focused(app) == "thread-pane"
        await pilot.press("t")
        await settle(pilot)
        await a_dialog_opened_and_closed(pilot)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"


async def test_a_cable_opened_from_the_list_after_the_thread_tab_starts_in_its_text(
    db: Path,
) -> None:
    """The split view is kept between cables: the Thread tab left open (and focused) on one
    cable, the next cable opened from the list has its paragraphs, and the focus in them."""
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850")
        assert "[Header|▸Thread]" in title(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"
        # the header pane chosen with tab on one cable: the next opened from the list starts
        # in its text as well (stepping with n and p keeps the pane)
        await pilot.press("tab")
        assert "[▸Header|Paragraphs]" in title(app)
        await pilot.press("p")
        await settle(pilot)
        assert "[▸Header|Paragraphs]" in title(app) and focused(app) == "header-pane"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "[Header|▸Paragraphs]" in title(app) and focused(app) == "body-pane"


async def test_the_header_pane_keeps_the_focus_while_the_thread_tab_comes_and_goes(
    db: Path,
) -> None:
    """The tab takes the focus when it opens (its keys move its cursor); a user who then moves
    to the header pane stays there when the text comes back."""
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850")
        await pilot.press("tab")
        assert "[▸Header|Thread]" in title(app) and focused(app) == "header-pane"
        await pilot.press("t")
        await settle(pilot)
        assert "[▸Header|Paragraphs]" in title(app) and focused(app) == "header-pane"
        await a_dialog_opened_and_closed(pilot)
        assert "[▸Header|Paragraphs]" in title(app) and focused(app) == "header-pane"


async def test_a_find_ends_when_the_thread_tab_takes_the_texts_place(db: Path) -> None:
    """n, N and esc were the find's on the Thread tab, moving the hidden text (and esc did not
    go back); the find ends there, as it does on another cable, and the key line is the usual
    one. `/` on the Thread tab brings the text back to find in."""
    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26LONDON2850", "enter")
        screen = app.screen
        await pilot.press("slash", *"the", "enter")
        await settle(pilot)
        assert "found 1 of " in title(app) and "n Next match" in hints(app)
        assert marked(app)
        await pilot.press("t")
        await settle(pilot)
        assert "[Header|▸Thread]" in title(app) and "found" not in title(app)
        assert "Next match" not in hints(app) and "End find" not in hints(app)
        assert "n Next " in hints(app) and "esc Back" in hints(app), hints(app)
        await pilot.press("t")
        await settle(pilot)
        assert "[Header|▸Paragraphs]" in title(app) and "found" not in title(app)
        assert not marked(app) and "Next match" not in hints(app)
        # `/` on the Thread tab: the text again, and the find in it
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("slash", *"the", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert "[Header|▸Paragraphs]" in title(app) and "found 1 of " in title(app)
        assert focused(app) == "body-pane" and marked(app)
        assert "n Next match" in hints(app)
        # esc cancels the prompt asked on the tab: the tab stays, with no find
        await pilot.press("t")
        await settle(pilot)
        await a_dialog_opened_and_closed(pilot)
        assert "[Header|▸Thread]" in title(app) and "found" not in title(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
