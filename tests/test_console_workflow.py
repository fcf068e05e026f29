"""The workflow keys in the console, single and bulk, with conflicts and the export notice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Static

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.app import CableScreen, ListScreen, TriageApp
from triage.tui.screens.dialogs import ConfirmScreen, NoteEditor, OfficerPicker, PickScreen
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES
from .test_console import list_lines, make_app, settle, shown_lines, static_text

BACKENDS = ("sqlite", "postgresql")


def state(db: Path, ref: str) -> wf.State:
    conn = connect(db)
    return wf.state(conn, wf.find_cable(conn, ref))


def messages(app: TriageApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_assign_with_type_ahead_then_status_digits_due_note_ack(db: Path) -> None:
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # 26STATE104233, FLASH
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press("k", "w", "enter")  # a unique prefix picks kwalker
        await settle(pilot)
        st = state(db, "26STATE104233")
        assert (st.officer, st.status) == ("kwalker", "ASSIGNED")
        assert "kwalker" in list_lines(app)[2]
        await pilot.press("3")
        await settle(pilot)
        assert state(db, "26STATE104233").status == "IN PROGRESS"
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        title = str(app.screen.query_one(Label).content)
        assert title == "Status of 26STATE104233 (1-6)"  # says which cable it will change
        await pilot.press("4")
        await settle(pilot)
        assert state(db, "26STATE104233").status == "AWAITING REPLY"
        await pilot.press("d", *"+2d", "enter")
        await settle(pilot)
        assert state(db, "26STATE104233").due_at
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"line one", "enter", *"line two", "ctrl+s")
        await settle(pilot)
        assert state(db, "26STATE104233").note == "line one\nline two"
        # at 140 columns the ACK column says it, and STATUS keeps the status
        assert "ack?" in list_lines(app)[2] and "ACK?" not in list_lines(app)[2]
        await pilot.press("K")
        await settle(pilot)
        st = state(db, "26STATE104233")
        assert st.ack_by == "tester"
        assert "ack?" not in list_lines(app)[2].lower()
        assert "tester" in list_lines(app)[2]  # who acknowledged, in the list
        await pilot.press("A")  # kwalker's: asked first
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert state(db, "26STATE104233").officer is None


async def test_a_note_being_typed_is_not_lost_to_esc_or_ctrl_c(db: Path) -> None:
    """esc over a typed note asked nothing and threw it away; ctrl+c quit the console with
    it. Both now ask first; n goes back to the text as typed."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"called the RSO")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("ctrl+s")
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        assert state(db, ref).note == "called the RSO"
        # nothing typed: esc closes at once, and ctrl+c on the list quits at once
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (NoteEditor, ConfirmScreen))
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize(("width", "status_says"), [(160, "NEW"), (100, "ACK?")])
async def test_an_unacknowledged_flash_says_so_once(db: Path, width: int, status_says: str) -> None:
    """In the ACK column where the list has one; in STATUS where it is too narrow for it."""
    app = make_app(db)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot)
        row = list_lines(app)[2]  # 26STATE104233, FLASH, NEW, not acknowledged
        assert "26STATE104233" in row
        assert status_says in row
        assert row.lower().count("ack?") == 1


async def test_new_name_can_be_typed(db: Path) -> None:
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        choices = app.screen.query_one(OptionList)
        assert choices.display and choices.option_count == 1  # kwalker, to pick
        await pilot.press(*"newbie")
        await pilot.pause()
        assert not choices.display  # no empty box under a name nobody has yet
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # a new officer, said before made
        await pilot.press("y")
        await settle(pilot)
        assert state(db, "26JCS911").officer == "newbie"


async def test_me_is_yourself_in_the_officer_picker_and_the_shell(db: Path) -> None:
    """`me` made a new officer called "me" (after a question whose default was yes), though
    `officer:me` filters for yourself: it is now yourself, in the console and the shell."""
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"me", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, (ConfirmScreen, OfficerPicker))
        assert state(db, "26JCS911").officer == "tester"
    from click.testing import CliRunner

    from triage.cli import main
    from triage.config import current_login

    r = CliRunner().invoke(main, ["assign", "--db", str(db), "26PARIS1877", "me"])
    assert r.exit_code == 0 and f"officer {current_login()}," in r.output


async def test_done_leaves_the_inbox(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("5")  # 26JCS911 is a FLASH nobody acknowledged: it asks
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "enter")  # acknowledge, then DONE
        await settle(pilot)
        assert f"Inbox {N_SAMPLES - 1}" in static_text(app, "#tabs")
        assert "26JCS911" not in list_lines(app)[1]


async def test_tag_bulk_status_with_one_confirmation(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space")
        lst = app.screen.query_one(CableList)
        assert len(lst.tagged) == 3 and lst.cursor == 3
        assert "3 tagged" in static_text(app, "#filters")
        await pilot.press("s", "6")
        await pilot.pause()
        # one question for all three (FLASH nobody acknowledged: it asks how)
        assert isinstance(app.screen, PickScreen)
        assert str(app.screen.query_one(Label).content) == (
            "All 3 tagged cables are EMERGENCY, FLASH or NIACT IMMEDIATE and not acknowledged"
            " (enter: no change)"
        )
        # enter on nothing picked is no, as on every question (it acknowledged the FLASH)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PickScreen)
        assert state(db, "26STATE104233").ack_by is None
        assert state(db, "26STATE104233").status != "NO ACTION"
        await pilot.press("6")  # (the status key again)
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "down", "enter")  # without acknowledging
        await settle(pilot)
        for ref in ("26JCS911", "26STATE104233", "26ANKARA3401"):
            assert state(db, ref).status == "NO ACTION"
        assert not lst.tagged


async def test_tag_range_and_clear(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space")  # tags row 0, anchor 0, cursor 1
        await pilot.press("j", "j", "j", "V")
        lst = app.screen.query_one(CableList)
        assert len(lst.tagged) == 5
        await pilot.press("U")
        assert not lst.tagged


async def test_conflict_in_the_console_names_who_and_keeps_their_change(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the other officer's change lands between two polls: this console still shows the old row
    monkeypatch.setattr(TriageApp, "check_for_changes", lambda self: None)
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        # another officer, in another ssh session, assigns the cable first
        other = connect(db)
        wf.assign(other, wf.find_cable(other, "26JCS911"), "jsmith", "bob")
        other.close()
        await pilot.press("a", *"kwalker", "enter")
        await pilot.pause()
        await pilot.press("y")  # kwalker is a new officer here: said, then made
        await settle(pilot)
        assert state(db, "26JCS911").officer == "jsmith"
        assert any("bob changed it at" in m for m in messages(app))
        # the picker is put again, saying what bob did: esc keeps it
        assert isinstance(app.screen, OfficerPicker)
        assert "(officer jsmith, ASSIGNED); enter assigns yours" in str(
            app.screen.query_one(Label).content
        )
        # eyes19: "yours" is the officer picked, in the box again (it was empty, and enter gave
        # the cable to the list's first officer)
        assert app.screen.query_one(Input).value == "kwalker"
        await pilot.press("escape")
        await settle(pilot)
        assert state(db, "26JCS911").officer == "jsmith"
        # the row shows their change
        assert "jsmith" in list_lines(app)[1]


async def test_change_by_another_console_shows_up(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        other = connect(db)
        wf.assign(other, wf.find_cable(other, "26JCS911"), "jsmith", "bob")
        other.close()
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        assert "jsmith" in list_lines(app)[1]


async def test_history_tab_in_split_view(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26JCS911")
    wf.assign(conn, cid, "kwalker", "alice")
    wf.set_status(conn, cid, "IN PROGRESS", "bob")
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "h")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        pane = app.screen.query_one("#header", Static)
        shown = [ln.rstrip() for ln in shown_lines(pane)]
        # an entry too long for the pane goes on under the change, not at column 0
        entries: list[str] = []
        for ln in shown[3:]:
            if ln.startswith(" " * 19) and entries:
                entries[-1] = entries[-1] + " " + ln.strip()
            elif ln:
                entries.append(ln)
        assert all(e.startswith("20") for e in entries), entries
        lines = [e for e in entries if "->" in e]
        assert "alice  officer  - -> kwalker" in lines[0]
        assert "alice  status  NEW -> ASSIGNED" in lines[1]
        assert "bob  status  ASSIGNED -> IN PROGRESS" in lines[2]
        # and a change from the split view lands on the open cable
        await pilot.press("h", "6")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)  # a FLASH nobody acknowledged
        await pilot.press("down", "enter")
        await settle(pilot)
        assert state(db, "26JCS911").status == "NO ACTION"
        assert "NO ACTION" in static_text(app, "#header")


async def test_export_view_tagged_only_with_notice(db: Path, tmp_path: Path) -> None:
    app = make_app(db)
    out = tmp_path / "out.csv"
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "space", "space")  # tag rows 1 and 2
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *str(out), "enter")
        await settle(pilot)
        rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
        assert [r[0] for r in rows[1:]] == ["26STATE104233", "26ANKARA3401"]
        assert any("exported 2 rows" in m and "TOP SECRET" in m for m in messages(app))


async def test_routing_suggestion_accepted_with_one_key(db: Path) -> None:
    app = make_app(db, routes=[{"tags": ["MARR"], "officer": "mil-desk"}])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert "?mil-desk" in list_lines(app)[1]  # 26JCS911 has TAGS MARR
        await pilot.press("y")
        await settle(pilot)
        assert state(db, "26JCS911").officer == "mil-desk"


async def test_palette_offers_bulk_for_the_whole_view(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Assign every cable in this view" in titles
        assert "Set status for every cable in this view" in titles
        app.screen.whole_view("status")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert (
            str(app.screen.query_one(Label).content)
            == f"Status of {N_SAMPLES} cables in this view (1-6)"
        )
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)  # some are FLASH nobody acknowledged
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Inbox 0" in static_text(app, "#tabs")


async def close_the_unacknowledged_flash(pilot: Pilot, app: TriageApp) -> None:
    """DONE (`5`) on 26STATE104233, a FLASH nobody acknowledged: the question is asked."""
    await settle(pilot)
    await pilot.press("j")  # 26STATE104233, FLASH, not acknowledged
    await pilot.press("5")
    await pilot.pause()
    assert isinstance(app.screen, PickScreen)


@pytest.mark.parametrize(
    ("choice", "status", "acked"),
    [
        ("escape", "NEW", None),
        # enter on nothing picked is no, as on every question (it acknowledged the FLASH in
        # the officer's name)
        ("enter", "NEW", None),
        ("down,enter", "DONE", "tester"),
        ("down,down,enter", "DONE", None),
    ],
)
async def test_closing_an_unacknowledged_flash_asks_first(
    db: Path, choice: str, status: str, acked: str | None
) -> None:
    """`5` on a FLASH nobody acknowledged used to close it at once, taking it out of the
    Inbox and the acknowledgment figures. Now it asks: acknowledge then close, close anyway,
    or esc for nothing."""
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await close_the_unacknowledged_flash(pilot, app)
        title = str(app.screen.query_one(Label).content)
        assert title == "26STATE104233 is FLASH and not acknowledged (enter: no change)"
        await pilot.press(*choice.split(","))
        await settle(pilot)
        st = state(db, "26STATE104233")
        assert (st.status, st.ack_by) == (status, acked)
        if acked:  # one key press, one batch: u puts both back
            await pilot.press("u")
            await settle(pilot)
            st = state(db, "26STATE104233")
            assert (st.status, st.ack_by) == ("NEW", None)


async def test_closing_an_acknowledged_or_routine_cable_does_not_ask(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "K")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, ListScreen)
        assert state(db, "26STATE104233").status == "DONE"


async def test_bulk_assign_asks_in_plain_words(db: Path) -> None:
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press("k", "w", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        # it read "Assign to kwalker for 2 tagged cables?"
        assert "Assign 2 tagged cables to kwalker?" in str(app.screen.query_one(Label).content)


async def test_acknowledge_then_close_on_a_cable_acknowledged_meanwhile_says_it_was_not_closed(
    db: Path,
) -> None:
    """Another officer acknowledges the FLASH while the question is open: the close is not
    made on a cable changed under the officer, and the message says so plainly (it said only
    'already acknowledged', and the DONE was silently not made)."""
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await close_the_unacknowledged_flash(pilot, app)
        other = connect(db)
        wf.acknowledge(other, wf.find_cable(other, "26STATE104233"), "jsmith")
        await pilot.press("down", "enter")  # Acknowledge, then set DONE
        await settle(pilot)
        said = " ".join(messages(app))
        assert "already acknowledged by jsmith" in said
        assert "NOT set to DONE" in said, said
        st = state(db, "26STATE104233")
        assert (st.status, st.ack_by) == ("NEW", "jsmith")


async def test_the_overdue_count_follows_the_clock_with_nothing_written(db: Path) -> None:
    """Cables fall overdue as time passes, with no write to wake the list: the tab counts are
    read again on the clock (a console left on the Inbox showed 'Overdue 899' for minutes while
    the real figure climbed past 7,000)."""
    import datetime as dt
    import re

    app = make_app(db)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListScreen)

        def overdue() -> int:
            m = re.search(r"Overdue ([\d,]+)", static_text(app, "#tabs"))
            return int(m.group(1).replace(",", "")) if m else 0

        before = overdue()
        app.ctx.now = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)  # a year on
        screen.clock_moved()  # what the minute's timer calls
        await settle(pilot)
        assert overdue() > before


def type_ahead(app: TriageApp, *keys: str) -> None:
    """Keys as a quick typist (or a slow link) delivers them: all in the app's queue before
    any is handled (Pilot.press waits for the app to be idle after each)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_right_after_no_to_a_question_reach_what_is_under_it(db: Path) -> None:
    """`n` on "new officer?" and the right name at once: the letters reached the question
    before its answer was taken, and were lost."""
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"newbie", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        type_ahead(app, "n", *"xy")
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
        assert app.screen.query_one(Input).value == "newbiexy"


async def test_a_near_miss_of_a_known_officer_is_named_and_enter_makes_no_new_one(db: Path) -> None:
    """`kwalkr` in the picker asked "new officer? No known officer matches", with enter for
    yes: a typo became an officer in everyone's list. It names kwalker now, and enter goes
    back to the picker; only y makes the new officer."""
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"kwalkr", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query(Label).first().content)
        assert "new officer 'kwalkr'? did you mean kwalker?" in question
        assert "enter: no" in str(app.screen.query(Label).last().content)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)
        assert app.screen.query_one(Input).value == "kwalkr"  # to mend
        await pilot.press("escape")
        await settle(pilot)
        assert state(db, "26JCS911").officer is None


async def test_an_officer_filter_reads_a_name_as_assign_does(db: Path) -> None:
    # `officer:JSmith` listed nothing though `assign` takes any case; a mistyped name listed
    # nothing without a word
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "jsmith", "lead")
    conn.close()
    from .test_console_threads import filtered

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await filtered(pilot, "officer:JSmith")
        rows = [ln for ln in list_lines(app)[1:] if ln.strip()]
        assert len(rows) == 1 and "26PARIS1877" in rows[0]
        assert "officer:jsmith" in static_text(app, "#filters")
        await pilot.press("escape")
        await settle(pilot)
        await filtered(pilot, "officer:jsmth")
        assert "jsmth is not a known officer (did you mean jsmith?)" in " ".join(messages(app))


async def test_the_split_view_gives_due_and_ack_times_one_way(db: Path) -> None:
    # the line at the top said `2026-12-01 09:00Z`, the Triage section
    # `2026-12-01T09:00:00Z` and `kwalker 2026-11-30T11:54:51.960930Z`
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.set_due(conn, cid, "2026-12-01T09:00:00Z", "lead")
    wf.acknowledge(conn, cid, "kwalker")
    ack_at = wf.state(conn, cid).ack_at
    conn.close()
    assert ack_at and "." in ack_at
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        header = static_text(app, "#header")
        assert "2026-12-01 09:00Z" in header and "2026-12-01T09:00" not in header
        assert f"kwalker {ack_at[:10]} {ack_at[11:16]}Z" in header, header
        assert ack_at not in header


async def test_enter_on_an_empty_officer_box_assigns_nobody(db: Path) -> None:
    """eyes19: `a` then enter gave the cable to the list's first known officer, highlighted as
    the list came up."""
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        row = app.screen.query_one(CableList).row_at(0)
        assert row is not None
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        app.screen.query_one(Input).value = ""  # (no suggestion for this cable)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, OfficerPicker)
        assert state(db, row.reference_id).officer is None


def _assign_from_a_shell(db: Path, ref: str, officer: str) -> None:
    """Another officer's `triage assign REF OFFICER` from a shell (another connection)."""
    other = connect(db)
    try:
        wf.assign(other, wf.find_cable(other, ref), officer, officer)
    finally:
        other.close()


async def test_a_bulk_assign_goes_through_over_a_change_its_question_showed(db: Path) -> None:
    """fix26: a colleague took a tagged cable, the question said `1 held by a colleague, who is
    told`, and y was refused as `Changed by someone else ... (still tagged)`: the check used
    the version of when the cable was tagged, not the one the question was read from."""
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        refs = [lst.row_at(i).reference_id for i in (0, 1)]  # type: ignore[union-attr]
        await pilot.press("space", "space")
        _assign_from_a_shell(db, refs[0], "jsmith")
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"tester", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert (
            app.screen._question
            == "Assign 2 tagged cables to tester (1 held by a colleague, who is told)?"
        )
        await pilot.press("y")
        await settle(pilot)
        said = messages(app)
        assert not any("changed by" in m for m in said), said
        assert "2 cables: assigned to tester" in said, said
        assert [state(db, r).officer for r in refs] == ["tester", "tester"]
        assert not lst.tagged


async def test_a_bulk_assign_refuses_a_change_made_after_its_question_was_read(db: Path) -> None:
    """The question's versions are the ones checked: a colleague who takes a tagged cable
    while the question is open is not overwritten, and the cable stays tagged."""
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        refs = [lst.row_at(i).reference_id for i in (0, 1)]  # type: ignore[union-attr]
        await pilot.press("space", "space", "a")
        await settle(pilot)
        await pilot.press(*"tester", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen._question == "Assign 2 tagged cables to tester?"
        _assign_from_a_shell(db, refs[0], "jsmith")  # (after the question was read)
        await pilot.press("y")
        await settle(pilot)
        said = " ".join(messages(app))
        assert f"{refs[0]} was changed by jsmith" in said and "(still tagged)" in said, said
        assert [state(db, r).officer for r in refs] == ["jsmith", "tester"]
        assert lst.tagged


async def test_a_bulk_status_goes_through_over_a_status_its_box_showed(db: Path) -> None:
    """fix26: the status box read the tagged cables' status now (`IN PROGRESS  (now)`), and
    the change was refused over the colleague's status it had just shown. Whose the cables
    are it does not show: a cable a colleague took meanwhile is still refused, by name."""
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        refs = [lst.row_at(i).reference_id for i in (0, 1, 2)]  # type: ignore[union-attr]
        for ref in refs:
            _assign_from_a_shell(db, ref, "tester")
        other = connect(db)
        wf.set_status(other, wf.find_cable(other, refs[1]), "IN PROGRESS", "tester")
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("g", "space", "space", "space")
        assert len(lst.tagged) == 3
        # the lead moves one on; a colleague takes another
        wf.set_status(other, wf.find_cable(other, refs[0]), "IN PROGRESS", "lead")
        wf.assign(other, wf.find_cable(other, refs[2]), "jsmith", "jsmith")
        wf.set_status(other, wf.find_cable(other, refs[2]), "IN PROGRESS", "jsmith")
        other.close()
        app.check_for_changes()
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        assert "3  IN PROGRESS  (now)" in " ".join(shown_lines(app.screen.query_one(OptionList)))
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen._question == "Set status AWAITING REPLY for 3 tagged cables?"
        await pilot.press("y")
        await settle(pilot)
        said = " ".join(messages(app))
        assert [state(db, r).status for r in refs] == [
            "AWAITING REPLY",
            "AWAITING REPLY",
            "IN PROGRESS",
        ], said
        assert f"{refs[0]} was changed" not in said, said
        assert f"{refs[2]} was changed by jsmith" in said and "(still tagged)" in said, said
        assert "2 cables: status set to AWAITING REPLY" in said, said
