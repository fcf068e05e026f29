"""The list draws its rows as segments of its own (CableList._row_strip) rather than through a
rich Text per row: what reaches the screen must be exactly what rich rendered for the same
cells (the same text, cut and padded the same way, the same styles, split at the same
places), whatever the row holds (wide characters, control characters, long names, a
suggestion, a cited holder), the width, the cursor, tags, unread rows, NO_COLOR and 16
colours."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from triage.store.views import Row
from triage.tui import safe
from triage.tui.text import layout_columns
from triage.tui.widgets.cable_list import CableList
from triage.visible import visible

from .test_console import make_app, settle


def rich_strip(lst: CableList, row: Row, index: int, width: int) -> list[Segment]:
    """The row as the list drew it before: one rich Text of the cells, rendered."""
    cols = layout_columns(width, lst.show_addressed, lst.officer_width, lst.class_width)
    overdue = lst._overdue(row)
    ack_column = any(c.key == "ack" for c in cols)
    age_column = any(c.key == "age" for c in cols)
    t = Text(end="", no_wrap=True, overflow="ellipsis")
    for k, c in enumerate(cols):
        if k:
            t.append(" ")
        value, style = lst._cell(row, c, index, overdue, ack_column, age_column)
        cell = Text(visible(value, one_line=True), style=style or "", end="")
        cell.truncate(c.width, overflow="ellipsis", pad=True)
        t.append_text(cell)
    if row.id in lst.tagged or not row.seen:
        t.stylize(Style(bold=True))
    if index == lst.cursor:
        t.stylize(Style(reverse=True))
    segments = [Segment(s, st or Style(), c) for s, st, c in t.render(lst.app.console)]
    return list(Strip(segments).crop_extend(0, width, Style()))


def odd_rows(rows: list[Row]) -> list[Row]:
    """The sample rows, and the same rows holding what a list must cope with."""
    a, b, c = rows[0], rows[1], rows[2]
    return [
        *rows,
        replace(a, subject="北京大使馆报告：会谈取得进展，双方同意继续磋商 PART II", seen=False),
        replace(b, subject="BELL\x07 AND ESC\x1b[2J IN A SUBJECT\ttab", officer="mrodriguez-long"),
        replace(c, officer=None, suggested="jsmith", status="NEW"),
        replace(a, officer=None, cites_held=("kwalker", "26PARIS1877"), status="NEW"),
        replace(b, officer="tester", seen=False, ack_by="kwalker", ack_at="2026-11-30T10:11:00Z"),
        replace(c, subject=None, origin=None, tags="", dtg=None, dtg_raw=None, precedence=None),
        replace(a, received_at="garbled", level_rank=-1, badge=""),
        replace(b, subject="🚀" * 40, officer="名前" * 5),
    ]


@pytest.mark.parametrize("width", [200, 120, 100, 80, 60, 40])
@pytest.mark.parametrize("colours", ["truecolor", "standard", "mono"])
async def test_rows_are_drawn_as_rich_drew_them(db: Path, width: int, colours: str) -> None:
    app = make_app(db, routes=[{"officer": "jsmith", "tags": ["PTER"]}])
    async with app.run_test(size=(max(width, 60), 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        safe.set_colour_system(colours if colours != "mono" else "truecolor")
        safe.set_monochrome(colours == "mono")
        try:
            rows = [r for r in (lst.row_at(i) for i in range(len(lst.ids))) if r is not None]
            assert len(rows) == len(lst.ids)
            lst.tagged = {rows[3].id: rows[3].row_version}
            lst.open_elsewhere = {rows[4].id}
            lst.login = "tester"
            for show_addressed in (False, True):
                lst.show_addressed = show_addressed
                for index, row in enumerate(odd_rows(rows)):
                    lst.cursor = index % 7
                    cols = layout_columns(
                        width, lst.show_addressed, lst.officer_width, lst.class_width
                    )
                    extra = []
                    if row.id in lst.tagged or not row.seen:
                        extra.append(Style(bold=True))
                    if index == lst.cursor:
                        extra.append(Style(reverse=True))
                    got = list(
                        lst._row_strip(row, cols, index, extra).crop_extend(0, width, Style())
                    )
                    assert got == rich_strip(lst, row, index, width), (row, width)
        finally:
            safe.set_monochrome(False)
            safe.set_colour_system("truecolor")


async def test_the_lines_on_screen_are_the_rows_as_rich_drew_them(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        await pilot.press("j", "j", "space")
        await settle(pilot)
        for y in range(1, lst.size.height):
            row = lst.row_at(lst.top + y - 1)
            assert row is not None
            got = list(lst.render_line(y))
            assert got == rich_strip(lst, row, lst.top + y - 1, lst.size.width), y
