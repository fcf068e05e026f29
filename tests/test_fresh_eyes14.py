"""What a fourth fresh-eyes tester (eyes14) found in a shift of three officers on one cache:
the status box's enter reset a cable to NEW; an officer's statuses were taken on cables nobody
held; A took a colleague's cable with one key and nobody was told; a status key changed one
tagged cable away from the cursor without a word."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf
from triage.tui.app import TriageApp
from triage.tui.screens.dialogs import ConfirmScreen, PickScreen
from triage.tui.widgets.cable_list import CableList

from .test_console import make_app, settle
from .test_fresh_eyes11 import line_of, messages, put_cursor_on


def state_of(db: Path, ref: str) -> wf.State:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref))
    finally:
        conn.close()


def change(db: Path, fn: str, ref: str, *args: str) -> None:
    conn = connect(db)
    try:
        getattr(wf, fn)(conn, wf.find_cable(conn, ref), *args)
    finally:
        conn.close()


async def fresh(pilot, app: TriageApp) -> None:  # type: ignore[no-untyped-def]
    app.check_for_changes()
    await settle(pilot)


# -- 1: the status box opens on the status the cable has ---------------------------------------


async def test_s_then_enter_changes_nothing(db: Path) -> None:
    """The box opened with NEW highlighted: `s` then enter (a double tap, a changed mind) set an
    assigned cable back to NEW."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE104233")
        change(db, "assign", "26STATE104233", "kwalker", "other")
        await fresh(pilot, app)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        labels = [str(app.screen._choices[k][1]) for k in range(len(app.screen._choices))]
        assert "2  ASSIGNED  (now)" in labels, labels
        # (NEW is refused on a held cable: the box says what to do instead; eyes19)
        assert "1  NEW  (remove the officer: A)" in labels, labels
        await pilot.press("enter")
        await settle(pilot)
        st = state_of(db, "26STATE104233")
        assert (st.officer, st.status) == ("kwalker", "ASSIGNED")
        assert "status unchanged: ASSIGNED" in messages(app)
        # and picking another still sets it
        await pilot.press("s", "3")
        await settle(pilot)
        assert state_of(db, "26STATE104233").status == "IN PROGRESS"


async def test_tagged_cables_of_several_statuses_open_the_box_on_nothing(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        first = lst.row_at(0).reference_id  # type: ignore[union-attr]
        change(db, "assign", first, "kwalker", "other")
        await fresh(pilot, app)
        await pilot.press("space", "space")  # two tagged: ASSIGNED and NEW
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen) and "enter: no change" in app.screen._title
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, PickScreen)
        assert state_of(db, first).status == "ASSIGNED"


# -- 3: an officer's statuses need an officer ---------------------------------------------------


async def test_an_officers_status_on_a_cable_nobody_holds_is_refused_in_the_console(
    db: Path,
) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26BRASILIA1542")
        await pilot.press("3")
        await settle(pilot)
        assert any(
            "26BRASILIA1542 has no officer" in m and "assign it first" in m for m in messages(app)
        ), messages(app)
        st = state_of(db, "26BRASILIA1542")
        assert (st.officer, st.status) == (None, "NEW")
        assert "NEW" in line_of(app, "26BRASILIA1542")


def test_removing_the_officer_of_a_cable_in_progress_takes_it_back_to_new(db: Path) -> None:
    """Unassigning an IN PROGRESS cable left `officer -, status IN PROGRESS`: the New tab then
    listed it with PROG in its STATUS, and the report's counts and the tabs' disagreed."""
    change(db, "assign", "26BRASILIA1542", "kwalker", "other")
    change(db, "set_status", "26BRASILIA1542", "AWAITING REPLY", "other")
    r = CliRunner().invoke(main, ["unassign", "--db", str(db), "26BRASILIA1542"])
    assert r.exit_code == 0, r.output
    assert "officer - (was kwalker's), status NEW" in r.output, r.output
    # closed cables stay closed
    change(db, "assign", "26BRASILIA1542", "kwalker", "other")
    change(db, "set_status", "26BRASILIA1542", "DONE", "other")
    change(db, "unassign", "26BRASILIA1542", "other")
    assert state_of(db, "26BRASILIA1542").status == "DONE"


def test_new_on_a_cable_an_officer_holds_is_refused(db: Path) -> None:
    """eyes16: `triage status X NEW` on kwalker's cable kept kwalker and set NEW, so the New
    tab listed a held cable and `report` counted it as nobody's."""
    change(db, "assign", "26BRASILIA1542", "kwalker", "other")
    r = CliRunner().invoke(main, ["status", "--db", str(db), "26BRASILIA1542", "NEW"])
    assert r.exit_code != 0, r.output
    assert "is kwalker's, and NEW is a cable nobody holds" in r.output, r.output
    assert "Traceback" not in r.output
    st = state_of(db, "26BRASILIA1542")
    assert (st.officer, st.status) == ("kwalker", "ASSIGNED")


async def test_key_1_on_an_assigned_cable_is_refused_in_the_console(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26BRASILIA1542")
        change(db, "assign", "26BRASILIA1542", "kwalker", "other")
        await fresh(pilot, app)
        await pilot.press("1")
        await settle(pilot)
        assert any("NEW is a cable nobody holds" in m for m in messages(app)), messages(app)
        st = state_of(db, "26BRASILIA1542")
        assert (st.officer, st.status) == ("kwalker", "ASSIGNED")


# -- 4: A on a colleague's cable asks, and the colleague is told --------------------------------


async def test_A_on_a_colleagues_cable_asks_first(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE104233")
        change(db, "assign", "26STATE104233", "kwalker", "other")
        change(db, "set_status", "26STATE104233", "IN PROGRESS", "kwalker")
        await fresh(pilot, app)
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "kwalker's, IN PROGRESS: take it from them (back to NEW)?" in (app.screen._question)
        await pilot.press("enter")  # enter is no
        await settle(pilot)
        assert state_of(db, "26STATE104233").officer == "kwalker"
        await pilot.press("A", "y")
        await settle(pilot)
        st = state_of(db, "26STATE104233")
        assert (st.officer, st.status) == (None, "NEW")
        # one's own cable: no question
        change(db, "assign", "26STATE104233", "tester", "tester")
        await fresh(pilot, app)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert state_of(db, "26STATE104233").officer is None


async def test_a_giving_a_colleagues_cable_to_another_asks_first(db: Path) -> None:
    """eyes16: A asked before taking a colleague's cable, but a (assign to someone else) took it
    with the picker's enter and no word of whose it was."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE104233")
        change(db, "assign", "26STATE104233", "kwalker", "other")
        change(db, "set_status", "26STATE104233", "IN PROGRESS", "kwalker")
        await fresh(pilot, app)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"me", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "kwalker's, IN PROGRESS: give it to tester?" in app.screen._question
        await pilot.press("enter")  # enter is no
        await settle(pilot)
        assert state_of(db, "26STATE104233").officer == "kwalker"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"me", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert state_of(db, "26STATE104233").officer == "tester"
        # one's own cable given away: no question (as A)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"kwalker", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert state_of(db, "26STATE104233").officer == "kwalker"


async def test_the_officer_a_cable_is_taken_from_is_told(db: Path) -> None:
    """kwalker's console: a colleague's A (or an assignment to someone else) took a cable of
    hers, and only her Mine count dropped."""
    app = TriageApp(db, make_app(db).config, login="kwalker")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        change(db, "assign", "26STATE104233", "kwalker", "other")
        change(db, "assign", "26PARIS1877", "kwalker", "other")
        await fresh(pilot, app)
        assert any("assigned" in m and "to you" in m for m in messages(app)), messages(app)
        change(db, "assign", "26STATE104233", "jsmith", "mrodriguez")
        change(db, "unassign", "26PARIS1877", "eyes")
        await fresh(pilot, app)
        said = messages(app)
        assert "mrodriguez took 26STATE104233 (now jsmith's) from you" in said, said
        # (unassigned: nobody holds it now, and "took" said someone had it; eyes17)
        assert "eyes removed you from 26PARIS1877 (now nobody's)" in said, said
        # her own change says nothing to her
        before = len(messages(app))
        change(db, "assign", "26JCS911", "kwalker", "kwalker")
        change(db, "unassign", "26JCS911", "kwalker")
        await fresh(pilot, app)
        assert not any("took" in m for m in messages(app)[before:])


# -- 5: one tagged cable away from the cursor ---------------------------------------------------


async def test_a_key_for_one_tagged_cable_away_from_the_cursor_asks_which(db: Path) -> None:
    """space tags a cable and moves on: a status key then changed the tagged one, not the row
    under the cursor, and asked nothing (it asks for two or more)."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        await pilot.press("G", "k")  # (routine traffic at the end: closing asks nothing more)
        await settle(pilot)
        tagged = lst.row_at(lst.cursor).reference_id  # type: ignore[union-attr]
        under = lst.row_at(lst.cursor + 1).reference_id  # type: ignore[union-attr]
        await pilot.press("space")  # tags it, the cursor on the next
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        q = app.screen._question
        assert f"the tagged cable {tagged} (not {under} under the cursor)" in q, q
        await pilot.press("n")
        await settle(pilot)
        assert state_of(db, tagged).status == "NEW" and state_of(db, under).status == "NEW"
        await pilot.press("6", "y")
        await settle(pilot)
        assert state_of(db, tagged).status == "NO ACTION"
        assert state_of(db, under).status == "NEW"


# -- 7: NODIS and EXDIS on paper ------------------------------------------------------------------


def test_the_export_carries_nodis_and_exdis_with_the_classification(db: Path) -> None:
    """26STATE50112 is TOP SECRET NODIS and 26ANKARA3388 SECRET EXDIS: the CSV printed for the
    morning meeting said TOP SECRET and SECRET, and its highest-classification line left them
    out."""
    import csv
    import io

    r = CliRunner().invoke(main, ["export", "--db", str(db), "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = {row["reference_id"]: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert rows["26STATE50112"]["classification"] == "TOP SECRET//NODIS"
    assert rows["26ANKARA3388"]["classification"] == "SECRET//EXDIS"
    assert rows["26PARIS1877"]["classification"] == "CONFIDENTIAL"
    assert "highest classification TOP SECRET//NOFORN//NODIS//EXDIS" in r.stderr, r.stderr
    # a view without them says nothing of them
    r = CliRunner().invoke(main, ["export", "--db", str(db), "--precedence", "PRIORITY"])
    assert r.exit_code == 0 and "NODIS" not in r.stderr and "EXDIS" not in r.stderr, r.stderr


def test_the_report_is_marked_with_nodis_and_exdis_as_the_export_is(db: Path) -> None:
    """eyes16: the export's line said TOP SECRET//NOFORN//NODIS//EXDIS and the report of the
    same cables was marked TOP SECRET//NOFORN, top and bottom."""
    r = CliRunner().invoke(main, ["report", "--db", str(db), "--since", "3000d"])
    assert r.exit_code == 0, r.output
    lines = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
    assert lines[0] == "TOP SECRET//NOFORN//NODIS//EXDIS", lines[:2]
    assert lines[-1] == "TOP SECRET//NOFORN//NODIS//EXDIS", lines[-2:]


# -- 10: the status at 80 columns ----------------------------------------------------------------


async def test_at_80_columns_a_status_shows_beside_its_alarm(db: Path) -> None:
    """STATUS is 4 cells at 80 columns: `ACK?` or `LATE` hid the status of a held FLASH or NIACT
    (eyes13, eyes14). A NEW one still says ACK?; any other says its three letters and a mark."""
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE98412")  # NIACT IMMEDIATE, NEW, not acknowledged
        assert line_of(app, "26STATE98412").rstrip().endswith("ACK?")
        change(db, "assign", "26STATE98412", "kwalker", "other")
        await fresh(pilot, app)
        assert line_of(app, "26STATE98412").rstrip().endswith("ASG?"), line_of(app, "26STATE98412")
        change(db, "set_status", "26STATE98412", "IN PROGRESS", "kwalker")
        await fresh(pilot, app)
        assert line_of(app, "26STATE98412").rstrip().endswith("PRG?")
        await pilot.press("K")
        await settle(pilot)
        assert line_of(app, "26STATE98412").rstrip().endswith("PRG")


# -- eyes16: a change to tagged cables that some refuse ------------------------------------------


async def test_refused_tagged_cables_are_one_toast_and_stay_tagged(db: Path) -> None:
    """Setting IN PROGRESS on four tagged cables, three of them nobody's, gave one toast for each
    refusal and cleared every tag, so the three to assign first were lost from sight."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        refs = [lst.row_at(k).reference_id for k in range(4)]  # type: ignore[union-attr]
        change(db, "assign", refs[0], "kwalker", "other")
        await fresh(pilot, app)
        await pilot.press("space", "space", "space", "space")
        await settle(pilot)
        assert len(lst.tagged) == 4
        before = len(app._notifications)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        new = messages(app)[before:]
        refusals = [m for m in new if "has no officer" in m]
        assert len(refusals) == 1, new
        assert "3 cables not changed (still tagged)" in refusals[0], refusals
        assert state_of(db, refs[0]).status == "IN PROGRESS"
        conn = connect(db)
        try:
            ids = {wf.find_cable(conn, ref) for ref in refs[1:]}
        finally:
            conn.close()
        assert set(lst.tagged) == ids


async def test_the_filter_bar_shows_filters_as_they_are_typed(db: Path) -> None:
    """eyes16: the bar read `status:NO ACTION` for `status:"NO ACTION"`, which typed back into the
    filter box is two words (and an unknown filter); `action` read `addressed:action`."""
    from .test_console import static_text

    app = make_app(db, office_ris=["RUEHFR"])  # (action needs the office's routing)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *'status:"no action" action', "enter")
        await settle(pilot)
        bar = static_text(app, "#filters")
        assert 'status:"no action"' in bar.lower(), bar
        assert "addressed" not in bar, bar


async def test_e_on_an_empty_view_says_why_and_writes_nothing(db: Path) -> None:
    """eyes16: e on a view a filter left empty asked for a file name and wrote a file of no rows,
    its toast naming no view."""
    from triage.tui.screens.dialogs import PromptScreen

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f", *"tag:ZZZZ", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, PromptScreen)
        said = messages(app)[-1]
        assert said.startswith("nothing to export: No cable in Inbox matches this filter"), said


async def test_a_status_key_on_a_cable_at_that_status_says_so(db: Path) -> None:
    """eyes19: `3` on a cable already IN PROGRESS toasted `status set to IN PROGRESS` (no audit
    row), and a bulk `2` counted a cable already ASSIGNED among the cables changed."""
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, "26STATE104233")
        change(db, "assign", "26STATE104233", "kwalker", "other")
        change(db, "set_status", "26STATE104233", "IN PROGRESS", "other")
        await fresh(pilot, app)
        await pilot.press("3")
        await settle(pilot)
        said = messages(app)
        assert "26STATE104233 is IN PROGRESS already" in said, said
        assert not any("status set to" in m for m in said), said


async def test_a_bulk_assign_says_how_many_are_colleagues_cables(db: Path) -> None:
    """eyes19: tagged cables, one of them a colleague's, were asked only `Assign 2 tagged
    cables to root?`; a single cable's a asks whose it is."""
    app = make_app(db, officers=["kwalker", "jsmith"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        first = lst.row_at(0).reference_id  # type: ignore[union-attr]
        change(db, "assign", first, "jsmith", "other")
        await fresh(pilot, app)
        await pilot.press("space", "space", "a")
        await settle(pilot)
        await pilot.press(*"kwalker", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "(1 held by a colleague, who is told)?" in app.screen._question
