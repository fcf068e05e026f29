"""What a fresh-eyes tester tripped on (round 14), each as a user sees or gets it."""

from __future__ import annotations

from pathlib import Path

from triage.store import connect
from triage.store.ingest import Item, ingest
from triage.tui.app import ListScreen, TriageApp
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle, static_text

BACKENDS = ("sqlite",)


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


def tagged_refs(app: TriageApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, ListScreen)
    return sorted(screen._ref_of(cid) for cid in screen.query_one(CableList).tagged)


def ref_at(app: TriageApp, index: int) -> str:
    row = app.screen.query_one(CableList).row_at(index)
    assert row is not None
    return row.reference_id


# -- 1: V starts from a cable, not from a stale row number -----------------------------------


async def test_V_after_tags_were_applied_starts_a_range_at_the_cursor(db: Path) -> None:
    """space, a status applied to the tagged cable (tags cleared), then 3 rows down and V:
    it tagged 4 cables, from the row of that earlier space. Now V starts a range there."""
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "4")
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        assert not lst.tagged
        await pilot.press("j", "j", "j", "V")
        here = ref_at(app, lst.cursor)
        assert tagged_refs(app) == [here]
        assert f"range from {here}: move and press V again" in messages(app)[-1]
        assert f"1 tagged   range from {here}: V tags to here" in static_text(app, "#filters")
        await pilot.press("j", "j", "V")  # the range is tagged, and ends
        assert len(lst.tagged) == 3
        assert "range from" not in static_text(app, "#filters")
        await pilot.press("G", "V")  # a new range, from the last row: not from row 0
        assert len(lst.tagged) == 4
        await pilot.press("escape")  # esc ends the range; its tags stay
        assert "range from" not in static_text(app, "#filters")
        assert len(lst.tagged) == 4
        await pilot.press("k", "V")  # (no range open: starts one)
        assert len(lst.tagged) == 5
        await pilot.press("U", "k", "k", "V")  # U clears the tags and the range
        assert tagged_refs(app) == [ref_at(app, lst.cursor)]


async def test_V_range_starts_from_its_cable_when_arrivals_move_it(db: Path, samples: Path) -> None:
    """The start was a row number: new cables arriving above moved it onto other cables."""
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        await pilot.press("j", "j", "j", "j", "j", "space")  # row 5 tagged: the range's start
        start = ref_at(app, 5)
        app.check_for_changes()
        await settle(pilot)
        flash = (samples / "01_flash_hijack.txt").read_bytes()
        other = connect(db)
        arrivals = [flash.replace(b"104233", b"1042%02d" % k) for k in (50, 51, 52)]
        ingest(other, [Item(f"in{k}.txt", text) for k, text in enumerate(arrivals)])
        other.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        at = next(k for k in range(len(lst.ids)) if ref_at(app, k) == start)
        assert at > 5  # the arrivals moved it down
        lst.move_to(at + 2)
        await pilot.press("V")
        assert tagged_refs(app) == sorted(ref_at(app, k) for k in range(at, at + 3))
