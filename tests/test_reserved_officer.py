"""`none`, `nobody` and `-` are what filters read as nobody (`officer:none` lists the cables
nobody holds): `assign` refuses them as an officer's name, in the shell and in the console's
box, saying how to unassign; an officer so named before (an older triage made one) is never
shown as if officer:none listed their cables."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Label

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf
from triage.tui.screens.dialogs import OfficerPicker

from .test_console import make_app, settle


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def officer_of(db: Path, ref: str) -> str | None:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref)).officer
    finally:
        conn.close()


def test_assign_refuses_the_words_filters_read_as_nobody(db: Path) -> None:
    for word in ("none", "Nobody", "-"):
        r = run("assign", "--db", str(db), "26ROME1301", word)
        assert r.exit_code == 1, (word, r.output)
        assert f"{word} cannot be an officer's name: officer:{word} means nobody" in r.output
        assert "nothing assigned" in r.output
        assert "To remove the officer, run triage unassign 26ROME1301" in r.output
        assert "new officer" not in r.output
    assert officer_of(db, "26ROME1301") is None
    r = run("export", "--db", str(db), "--officer", "none")
    assert "note:" not in r.stderr  # (no officer called none was made)
    # `mine`, as filters read it, is oneself (it was made an officer called "mine")
    r = run("assign", "--db", str(db), "26ROME1301", "mine")
    assert r.exit_code == 0 and "officer mine" not in r.output, r.output
    assert officer_of(db, "26ROME1301") not in (None, "mine")


async def test_the_console_box_refuses_none_and_says_how_to_unassign(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press(*"none", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OfficerPicker)  # no "new officer 'none'?" question
        # said in the box: a toast waits under a dialog until it closes, and so said nothing
        error = app.screen.query_one("#officer-error", Label)
        said = str(error.render())
        assert error.display and error.region.height > 0, said
        assert "none cannot be an officer's name" in said and "A (unassign)" in said, said
        await pilot.press("backspace")
        await settle(pilot)
        assert not error.display  # typing again clears it
    assert officer_of(db, "26JCS911") is None


def _officer_named_none(db: Path) -> None:
    """26ROME1301 given to an officer called `none`, as an older triage did."""
    conn = connect(db)
    cid = wf.find_cable(conn, "26ROME1301")
    with conn:
        conn.execute(
            "UPDATE workflow SET officer = 'none', status = 'ASSIGNED' WHERE cable_id = ?", (cid,)
        )
    conn.close()


def test_an_officer_called_none_from_before_is_not_shown_as_the_unassigned(db: Path) -> None:
    _officer_named_none(db)
    text = run("report", "--db", str(db)).output
    part = text[text.index("Open per officer") :]
    mine = part[part.index("  none (1 open)") : part.index("(not assigned)")]
    assert "26ROME1301" in mine
    assert "officer:none" in mine and "Inbox: officer:none" not in mine, mine
    assert "no list holds these apart: officer:none lists the cables" in " ".join(mine.split())
    assert "Inbox: officer:none" in part[part.index("(not assigned)") :]
    md = run("report", "--db", str(db), "--format", "markdown").output
    assert "Inbox: officer:none" in md and md.count("officer:none") == 2
    data = json.loads(run("report", "--db", str(db), "--format", "json").output)
    lists = {o["officer"]: o["list"] for o in data["handover"]["open_per_officer"]}
    assert lists["none"] is None and lists[None] == "Inbox: officer:none"
    loads = {o["officer"]: o for o in data["officers"]}
    assert loads["none"]["list"] is None and "officer:none lists" in loads["none"]["unlisted"]
    # the filter says the officer called none is not among what it lists
    r = run("export", "--db", str(db), "--officer", "none")
    assert r.exit_code == 0 and "26ROME1301" not in r.stdout
    assert "the 1 cable of the officer named 'none'" in r.stderr
    assert "is not among them" in r.stderr


def test_the_overview_opens_no_unassigned_list_for_an_officer_called_none(db: Path) -> None:
    """Enter on its figures opened `Inbox: officer:none`: the cables nobody holds."""
    from triage.store.report import overview
    from triage.store.views import Context
    from triage.tui.screens.overview import officer_lines

    _officer_named_none(db)
    conn = connect(db)
    lines = officer_lines(overview(conn, Context(login="tester")), 100)
    conn.close()
    rows = {line.cells[0].text.plain.strip(): line for line in lines[1:]}
    assert "26ROME1301" in "".join(c.text.plain for c in rows["none"].cells)
    assert not any(c.selectable for c in rows["none"].cells)
    opens = [c.view for c in rows["(not assigned)"].cells if c.selectable]
    assert opens and all(v is not None and v.filters[0].value == "none" for v in opens)
