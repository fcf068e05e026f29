"""A new view's first page is drawn from the rows its worker read with the ids: the console's
UI thread does not wait on the cache (a database server's round trips, on PostgreSQL) before it
can show a search's or a filter's first matches."""

from __future__ import annotations

from pathlib import Path

import pytest

import triage.tui.screens.list as list_screen
from triage.tui.widgets import cable_list
from triage.tui.widgets.cable_list import CableList

from .test_console import list_lines, make_app, settle


@pytest.mark.parametrize(
    ("page", "first_rows"), [(4, 8), (cable_list.PAGE, list_screen.FIRST_ROWS)]
)
async def test_a_new_views_first_page_comes_with_its_ids(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: int, first_rows: int
) -> None:
    # (4, 8): the first rows are shown before the whole list, which then keeps the page read
    # with them; as shipped the samples are fewer than FIRST_ROWS: the whole list comes at once
    monkeypatch.setattr(list_screen, "FIRST_ROWS", first_rows)
    monkeypatch.setattr(list_screen, "PAGE", page)
    monkeypatch.setattr(cable_list, "PAGE", page)
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        read_on_ui: list[list[int]] = []
        fetch = lst._fetch

        def counted(ids: list[int]):  # type: ignore[no-untyped-def]
            read_on_ui.append(ids)
            return fetch(ids)

        lst._fetch = counted
        await pilot.press("slash", *"embassy", "enter")
        await settle(pilot)
        shown = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(lst.ids) > 8 and len(shown) == len(lst.ids)  # (all on screen)
        first_page = {int(i) for i in lst.ids[:page]}
        assert not [ids for ids in read_on_ui if first_page & set(ids)]
        # the rows are those the list reads for itself
        lst.invalidate()
        await pilot.pause()
        assert [ln for ln in list_lines(app)[1:] if ln.strip()] == shown
        assert read_on_ui
