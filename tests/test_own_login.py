"""One's own login is a known officer, before one's first assignment: assigning oneself asks
nothing, in the console's picker and in the shell, even where the config lists the officers."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Label

from triage.cli import main
from triage.login import current_login
from triage.store import connect
from triage.store import workflow as wf
from triage.tui.screens.dialogs import ConfirmScreen, OfficerPicker

from .test_console import make_app, settle


def officer_of(db: Path, ref: str) -> str | None:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref)).officer
    finally:
        conn.close()


async def test_assigning_oneself_in_the_picker_asks_nothing(db: Path) -> None:
    app = make_app(db, officers=["kwalker"])  # the login is "tester", on no list yet
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OfficerPicker)
        await pilot.press(*"tester", "enter")
        await settle(pilot)
        shown = [str(w.content) for w in app.screen.query(Label)]
        assert not isinstance(app.screen, (ConfirmScreen, OfficerPicker)), shown
        assert officer_of(db, "26JCS911") == "tester"
        # a name nobody has is still a question
        await pilot.press("j", "a")
        await pilot.pause()
        await pilot.press(*"newbie", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "new officer 'newbie'" in str(app.screen.query_one(Label).content)


def test_assigning_oneself_in_the_shell_asks_nothing(db: Path, tmp_path: Path) -> None:
    me = current_login()
    r = CliRunner().invoke(main, ["assign", "--db", str(db), "26PARIS1877", me])
    assert r.exit_code == 0 and f"officer {me}" in r.output, r.output
    assert "new officer" not in r.stderr, r.stderr
    conf = tmp_path / "xdg-config" / "triage"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text('officers = ["kwalker", "jroe"]\n')
    for typed in (me, "me"):
        r = CliRunner().invoke(main, ["assign", "--db", str(db), "26ROME1301", typed])
        assert r.exit_code == 0 and f"officer {me}" in r.output, (typed, r.output)
        assert "not a known officer" not in r.output + r.stderr
    r = CliRunner().invoke(main, ["assign", "--db", str(db), "26ROME1301", "mlopez"])
    assert r.exit_code == 1 and "(the config lists kwalker, jroe)" in r.output
