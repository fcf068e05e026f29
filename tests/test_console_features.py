"""What officers missed (issue 15): undo, assigned-to-you, copy, mouse, saved views, presence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual import events

from triage.store import connect
from triage.store import workflow as wf
from triage.tui.widgets.cable_list import CableList

from .test_console import list_lines, make_app, settle, static_text

BACKENDS = ("sqlite", "postgresql")


def state(db: Path, ref: str) -> wf.State:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref))
    finally:
        conn.close()


def messages(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


# -- undo ----------------------------------------------------------------------------------------


def test_undo_puts_the_last_change_back_as_a_new_change(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "me")
    wf.set_status(conn, cid, "DONE", "me")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and undone.done == ["26STATE104233"]
    assert "status DONE -> ASSIGNED" in undone.label
    st = wf.state(conn, cid)
    assert (st.officer, st.status) == ("kwalker", "ASSIGNED")
    # the audit log keeps both: the change and its undoing
    fields = [(f, o, n) for _at, _who, f, o, n in wf.history(conn, cid)]
    assert fields[-2:] == [("status", "ASSIGNED", "DONE"), ("status", "DONE", "ASSIGNED")]
    conn.close()


def test_an_undo_says_its_change_in_words_and_as_each_cable_was(db: Path) -> None:
    """`undone (due_at 2026-... -> -)` named the column; a bulk undo said `status NO ACTION ->
    NEW` for three cables when one went back to IN PROGRESS."""
    conn = connect(db)
    a, b = wf.find_cable(conn, "26STATE104233"), wf.find_cable(conn, "26JCS911")
    wf.set_due(conn, a, "2030-01-01T17:00:00Z", "me")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and undone.label == "due 2030-01-01 17:00Z -> -"  # as shown
    wf.assign(conn, b, "kwalker", "me")  # (IN PROGRESS is an officer's status)
    wf.set_status(conn, b, "IN PROGRESS", "me")
    batch = wf.new_batch()
    for cid in (a, b):
        wf.set_status(conn, cid, "NO ACTION", "me", batch=batch)
    undone = wf.undo_last(conn, "me")
    assert undone is not None and undone.label == "status NO ACTION -> as each was"
    assert [wf.state(conn, c).status for c in (a, b)] == ["NEW", "IN PROGRESS"]
    conn.close()


def test_undo_leaves_a_cable_someone_changed_since(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "other")  # (IN PROGRESS is an officer's status)
    wf.set_status(conn, cid, "IN PROGRESS", "me")
    wf.set_status(conn, cid, "AWAITING REPLY", "other")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and not undone.done
    assert "changed by other" in undone.conflicts[0]
    assert wf.state(conn, cid).status == "AWAITING REPLY"
    assert wf.undo_last(conn, "nobody") is None
    # the refusal is in the log, and `u` again steps past it to older changes (it used to
    # meet the same refusal for ever)
    assert tuple(wf.history(conn, cid)[-1][2:4]) == ("undo", None)
    assert wf.undo_last(conn, "me") is None  # nothing older of mine: said, not refused again
    conn.close()


def test_a_refused_undo_names_the_colleague_in_the_way_not_oneself(db: Path) -> None:
    """eyes17: kwalker assigned a cable to himself and wrote a note; jsmith set its status; u
    undid the note, and u again was refused as "changed by kwalker": his own undo of the note
    was the cable's last change, though jsmith's status is what stands in the way."""
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "kwalker")
    wf.set_note(conn, cid, "kw taking this", "kwalker")
    wf.set_status(conn, cid, "IN PROGRESS", "jsmith")
    first = wf.undo_last(conn, "kwalker")
    assert first is not None and first.done == ["26STATE104233"]  # the note
    second = wf.undo_last(conn, "kwalker")
    assert second is not None and not second.done
    assert "changed by jsmith" in second.conflicts[0], second.conflicts
    assert wf.state(conn, cid).officer == "kwalker"
    conn.close()


def test_undo_puts_a_status_back_over_a_colleagues_later_note(db: Path) -> None:
    """eyes14: a status set over a colleague's note is made and both stand, but its undo was
    refused over a note the colleague added after it: undo was stricter than the change."""
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "other")
    wf.set_status(conn, cid, "IN PROGRESS", "me")
    wf.set_note(conn, cid, "called the ministry", "other")
    undone = wf.undo_last(conn, "me")
    assert undone is not None and undone.done == ["26STATE104233"] and not undone.conflicts
    st = wf.state(conn, cid)
    assert (st.status, st.note) == ("ASSIGNED", "called the ministry")
    conn.close()


def test_u_steps_past_a_refused_undo_to_older_changes(db: Path) -> None:
    conn = connect(db)
    paris = wf.find_cable(conn, "26PARIS1877")
    flash = wf.find_cable(conn, "26STATE104233")
    wf.set_note(conn, paris, "call the DCM", "me")
    wf.assign(conn, flash, "kwalker", "other")  # (IN PROGRESS is an officer's status)
    wf.set_status(conn, flash, "IN PROGRESS", "me")
    wf.assign(conn, flash, "jsmith", "other")
    refused = wf.undo_last(conn, "me")
    assert refused is not None and not refused.done and refused.conflicts
    again = wf.undo_last(conn, "me")
    assert again is not None and again.done == ["26PARIS1877"]
    assert (wf.state(conn, paris).note or "") == ""
    assert wf.state(conn, flash).status == "IN PROGRESS"  # the other officer's cable stays
    conn.close()


def test_undo_again_steps_further_back_and_redo_takes_undos_back(db: Path) -> None:
    """`u` twice undoes the last two changes (it used to redo the first undo); redo (ctrl+r)
    takes the undos back newest first; each is a change in the audit log."""
    conn = connect(db)
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "kwalker", "me")
    wf.set_status(conn, cid, "IN PROGRESS", "me")
    wf.set_note(conn, cid, "call back", "me")

    def now() -> tuple[str | None, str, str]:
        st = wf.state(conn, cid)
        return st.officer, st.status, st.note or ""

    assert wf.redo_last(conn, "me") is None  # nothing undone yet
    steps = []
    for _ in range(3):
        undone = wf.undo_last(conn, "me")
        assert undone is not None and undone.done == ["26STATE104233"]
        steps.append(now())
    assert steps == [
        ("kwalker", "IN PROGRESS", ""),
        ("kwalker", "ASSIGNED", ""),
        (None, "NEW", ""),
    ]
    assert wf.undo_last(conn, "me") is None  # nothing of mine stands
    redone = wf.redo_last(conn, "me")
    assert redone is not None and "officer - -> kwalker" in redone.label
    assert now() == ("kwalker", "ASSIGNED", "")
    assert wf.redo_last(conn, "me") is not None and now() == ("kwalker", "IN PROGRESS", "")
    # undo after a redo takes that redo back, then steps on back
    assert wf.undo_last(conn, "me") is not None and now() == ("kwalker", "ASSIGNED", "")
    assert wf.undo_last(conn, "me") is not None and now() == (None, "NEW", "")
    assert wf.redo_last(conn, "me") is not None and now() == ("kwalker", "ASSIGNED", "")
    assert wf.redo_last(conn, "me") is not None and now() == ("kwalker", "IN PROGRESS", "")
    assert wf.redo_last(conn, "me") is not None and now() == ("kwalker", "IN PROGRESS", "call back")
    assert wf.redo_last(conn, "me") is None
    conn.close()


async def test_ctrl_r_redoes_what_u_undid(db: Path) -> None:
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        ref = app.screen.query_one(CableList).row_at(0).reference_id  # type: ignore[union-attr]
        await pilot.press("a", *"kwalker", "enter")
        await settle(pilot)
        await pilot.press("3")  # IN PROGRESS
        await settle(pilot)
        assert state(db, ref).status == "IN PROGRESS"
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert (state(db, ref).officer, state(db, ref).status) == (None, "NEW")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert (state(db, ref).officer, state(db, ref).status) == ("kwalker", "ASSIGNED")
        assert "redone (officer - -> kwalker" in " ".join(messages(app))


async def test_u_undoes_a_bulk_assign_and_says_what(db: Path) -> None:
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "space", "space")  # tag 26STATE104233 and 26ANKARA3401
        await pilot.press("a", *"kwalker", "enter")
        await pilot.pause()
        await pilot.press("y")  # confirm the bulk change
        await settle(pilot)
        assert state(db, "26STATE104233").officer == "kwalker"
        assert state(db, "26ANKARA3401").officer == "kwalker"
        await pilot.press("u")
        await settle(pilot)
        assert state(db, "26STATE104233").officer is None
        assert state(db, "26ANKARA3401").officer is None
        said = " ".join(messages(app))
        assert "2 cables: undone (officer kwalker -> -" in said
        lst = app.screen.query_one(CableList)
        row = lst.row_at(1)
        assert row is not None and row.officer is None
        assert "kwalker" not in "\n".join(list_lines(app))


async def test_u_undoes_this_consoles_changes_not_the_same_logins_from_a_shell(db: Path) -> None:
    """eyes17: kwalker's console `u` undid a note he had written from a shell (`triage note`),
    a change never made there; an editor's undo is its own."""
    app = make_app(db, officers=["kwalker"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        ref = lst.row_at(0).reference_id  # type: ignore[union-attr]
        await pilot.press("a", *"kwalker", "enter")
        await pilot.pause()
        await pilot.press("y")  # kwalker is new here
        await settle(pilot)
        assert state(db, ref).officer == "kwalker"
        # the same login, from a shell, afterwards
        conn = connect(db)
        wf.set_note(conn, wf.find_cable(conn, ref), "from the shell", app.login)
        conn.close()
        await pilot.press("u")
        await settle(pilot)
        st = state(db, ref)
        assert (st.officer, st.note) == (None, "from the shell"), (st.officer, st.note)
        await pilot.press("u")
        await settle(pilot)
        assert "nothing to undo: no change made in this console stands" in messages(app)
        assert state(db, ref).note == "from the shell"


# -- assigned to you, unseen by you ------------------------------------------------------------


def run_triage(db: Path, *args: str) -> None:
    """Another officer's command, in a process of its own."""
    subprocess.run(
        [sys.executable, "-m", "triage.cli", *args, "--db", str(db)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


async def test_a_cable_assigned_to_you_by_someone_else_is_toasted_and_marked(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        run_triage(db, "assign", "26ANKARA3401", "tester")
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        said = " ".join(messages(app))
        assert "assigned 26ANKARA3401 to you" in said
        # a bulk assignment by one officer is one toast, not one a cable
        before = len(messages(app))
        conn = connect(db)
        for ref in ("26PARIS1877", "26ROME1301", "26ROME1311"):
            wf.assign(conn, wf.find_cable(conn, ref), "tester", "lead")
        conn.close()
        assert app.feed.wait(5)
        app.check_for_changes()
        await settle(pilot)
        new = [m for m in messages(app)[before:] if "to you" in m]
        assert len(new) == 1 and "lead assigned 3 cables (" in new[0], new
        line = next(ln for ln in list_lines(app) if "26ANKARA3401" in ln)
        assert line[0] == "@", line  # marked
        lst = app.screen.query_one(CableList)
        k = next(i for i in range(len(lst.ids)) if lst.row_at(i).reference_id == "26ANKARA3401")  # type: ignore[union-attr]
        lst.move_to(k)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        line = next(ln for ln in list_lines(app) if "26ANKARA3401" in ln)
        assert line[0] in " >", line  # opened: no longer unseen by this officer


async def test_unseen_is_per_officer_and_apart_from_the_status(db: Path) -> None:
    conn = connect(db)
    from triage.store import presence

    presence.mark_seen(conn, "someone-else", wf.find_cable(conn, "26JCS911"))
    presence.mark_seen(conn, "tester", wf.find_cable(conn, "26STATE104233"))
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        rows = {lst.row_at(i).reference_id: lst.row_at(i) for i in range(3)}  # type: ignore[union-attr]
        assert rows["26STATE104233"].seen  # opened by this officer
        assert not rows["26JCS911"].seen  # opened by another: still unseen here
        assert state(db, "26JCS911").status == "NEW"


# -- who else is working --------------------------------------------------------------------------


def other_console(db: Path, login: str, ref: str | None) -> None:
    """Another officer's console: a process that writes its heartbeat (the cable it has open)
    as a console does, then is left running (its row stays fresh for a few beats)."""
    code = (
        "import sys; from triage.store import connect, presence; from triage.store import "
        "workflow as wf; c = connect(sys.argv[1]); "
        "cid = wf.find_cable(c, sys.argv[3]) if sys.argv[3] != '-' else None; "
        "presence.beat(c, sys.argv[2], cid)"
    )
    subprocess.run(
        [sys.executable, "-c", code, getattr(db, "url", str(db)), login, ref or "-"],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


async def test_a_new_version_of_a_cable_you_hold_is_told_and_in_its_history(
    db: Path, samples: Path, tmp_path: Path
) -> None:
    # a cable came again with other text: watch said "version 2", but the officer holding it
    # was not told, and its history and the audit log had nothing
    from click.testing import CliRunner

    from triage.cli import main as cli_main
    from triage.store import presence

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        run_triage(db, "assign", "26PARIS1877", "tester")
        app.check_for_changes()
        await settle(pilot)
        before = len(messages(app))
        changed = (
            (samples / "04_immediate_paris.txt")
            .read_bytes()
            .replace(b"1. (C)", b"1. (C) CORRECTED TEXT.", 1)
        )
        assert b"CORRECTED" in changed
        drop = tmp_path / "again.txt"
        drop.write_bytes(changed)
        run_triage(db, "ingest", str(drop))
        assert app.feed.wait(5)  # (PostgreSQL: its notification has arrived)
        app.check_for_changes()
        await settle(pilot)
        said = [m for m in messages(app)[before:] if "came again" in m]
        assert said and said[0].startswith("26PARIS1877, which you hold, came again"), said
    conn = connect(db)
    cid = wf.find_cable(conn, "26PARIS1877")
    assert [(f, o, n) for _at, _who, f, o, n in wf.history(conn, cid)][-1] == ("version", "1", "2")
    # someone else's cable coming again is not theirs to be told
    assert all(a.reference_id == "26PARIS1877" for a in presence.assigned_to(conn, "tester", 0))
    conn.close()
    r = CliRunner().invoke(cli_main, ["audit", "--db", str(db), "--cable", "26PARIS1877"])
    assert "version" in r.output and "1 -> 2" in r.output.replace("'", ""), r.output


async def test_other_officers_at_work_and_the_cable_they_have_open(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.check_for_changes()
        await settle(pilot)
        other_console(db, "kwalker", "26STATE104233")
        other_console(db, "jsmith", None)
        app.check_for_changes()
        await settle(pilot)
        tabs = static_text(app, "#tabs")
        assert "◆ jsmith kwalker" in tabs, tabs
        line = next(ln for ln in list_lines(app) if "26STATE104233" in ln)
        assert line[0] == "◆", line
        await pilot.press("j", "enter")
        await settle(pilot)
        assert "open by kwalker" in static_text(app, "#triage-line")
        # and this console is seen by the others: its row names the cable it has open
        conn = connect(db)
        rows = conn.execute(
            "SELECT login, cable_id FROM presence WHERE login = 'tester'"
        ).fetchall()
        assert rows == [("tester", wf.find_cable(conn, "26STATE104233"))]
        conn.close()


# -- copy -----------------------------------------------------------------------------------------


async def test_Y_copies_the_reference_or_the_header_and_text(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("TMUX", raising=False)
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "Y", "1")
        await settle(pilot)
        assert app.clipboard == "26STATE104233"
        assert any("copied 26STATE104233" in m for m in messages(app))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("Y", "2")
        await settle(pilot)
        assert "Subject     DIVERSION OF CARGO VESSEL" in app.clipboard
        assert "NORTHERN STAR" in app.clipboard.split("Subject", 1)[1]


async def test_where_the_terminal_refuses_the_copy_says_so(
    db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TERM", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "Y", "1")
        await settle(pilot)
        said = messages(app)[-1]
        assert "not copied" in said and "OSC 52" in said and "26STATE104233" in said
        await pilot.press("Y", "3")
        await settle(pilot)
        saved = tmp_path / "triage-copy-26STATE104233.txt"
        assert saved.is_file() and str(saved) in messages(app)[-1]
        assert (saved.stat().st_mode & 0o777) == 0o600


def test_tmux_that_drops_program_copies_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from triage.tui import clipboard

    monkeypatch.setattr(clipboard, "_tmux_clipboard", lambda: "external")
    why = clipboard.refusal({"TERM": "tmux-256color", "TMUX": "/tmp/x"}, 10)
    assert why and "set-clipboard on" in why
    assert clipboard.refusal({"TERM": "xterm"}, 10) is None
    assert "more than" in (clipboard.refusal({"TERM": "xterm"}, 10**6) or "")


# -- the mouse ------------------------------------------------------------------------------------


async def test_click_selects_double_click_opens_wheel_scrolls_tab_click(db: Path) -> None:
    from triage.tui.app import CableScreen, ListScreen

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        await pilot.click(CableList, offset=(30, 3))  # the third row
        assert lst.cursor == 2
        await pilot.mouse_down(CableList, offset=(30, 2))
        await pilot.click(CableList, offset=(30, 2), times=2)
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        assert app.screen.detail is not None and app.screen.detail.reference_id == "26STATE104233"
        await pilot.press("q")
        await settle(pilot)
        top = lst.top
        for _ in range(3):  # (Pilot has no wheel of its own: the events a wheel sends)
            await pilot._post_mouse_events([events.MouseScrollDown], CableList, offset=(30, 5))
            await pilot.pause()
        assert lst.top == top + 9 and lst.top <= lst.cursor
        screen = app.screen
        assert isinstance(screen, ListScreen)
        tabs = screen.query_one("#tabs")
        start = next(s for s, _e, t in tabs.spans if t == "All")  # type: ignore[attr-defined]
        await pilot.click("#tabs", offset=(start + 2, 0))
        await settle(pilot)
        assert screen.view.tab == "All"


# -- views saved from the console ----------------------------------------------------------------


async def test_save_the_search_and_filters_as_a_view_then_remove_it(db: Path) -> None:
    from triage.config import load_config, user_config_path
    from triage.tui.app import ListScreen

    cfg_path = user_config_path()
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text('# mine\nofficers = ["kwalker"]\n', encoding="utf-8")
    app = make_app(db, path=cfg_path, officers=["kwalker"])
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"cargo", "enter")
        await settle(pilot)
        await pilot.press("f", *"prec:FLASH", "enter")
        await settle(pilot)
        await pilot.press("W", *"Hijack desk", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListScreen)
        assert screen.view.tab == "Hijack desk" and not screen.view.search
        assert "Hijack desk 1" in static_text(app, "#tabs")
        saved = load_config(cfg_path)
        assert saved.officers == ["kwalker"] and "# mine" in cfg_path.read_text()
        assert saved.views == [
            {"name": "Hijack desk", "filter": "precedence:FLASH", "search": "cargo"}
        ]
        screen.remove_view("Hijack desk")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert load_config(cfg_path).views == []
        assert "Hijack desk" not in static_text(app, "#tabs")
        assert screen.view.tab == "Inbox"


def test_a_heartbeat_never_waits_behind_another_writer(
    db: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """An ingest holds the write lock for seconds: the heartbeat gives up until its next beat,
    and the change feed it shares a worker with goes on (on PostgreSQL without an ERROR in the
    server's log for every beat: administrators watch that log)."""
    from triage.store import presence

    log = request.getfixturevalue("pg_server").log if backend == "postgresql" else None
    logged = log.stat().st_size if log is not None else 0

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from triage.store import connect; c = connect(sys.argv[1]); "
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); sys.stdin.read()",
            getattr(db, "url", str(db)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        conn = connect(db)
        assert presence.beat(conn, "tester", None) is False
        assert not conn.in_transaction
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 1000  # put back
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
    assert presence.beat(conn, "tester", None) is True
    conn.close()
    if log is not None:
        with log.open("rb") as fh:
            fh.seek(logged)
            assert b"lock timeout" not in fh.read()


async def test_the_copy_saved_in_a_file_is_safe_to_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Y 3 where the terminal drops the copy: the file a cable with escape sequences goes to
    shows them as symbols (cat-ing it cannot set the clipboard or retitle the terminal), and
    the message says so."""
    from triage.store import connect
    from triage.store.ingest import Item, ingest

    monkeypatch.setenv("TERM", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    db = tmp_path / "cache.db"
    conn = connect(db)
    hostile = (
        b"R 101200Z MAR 26\nFM AMEMBASSY ROME\nTO SECSTATE WASHDC 0001\n\n"
        b"U N C L A S S I F I E D ROME 000321\n\nTAGS: PREL IT\nSUBJECT: A TITLE\n\n"
        b"1. Read \x1b]52;c;aGk=\x07 and \x1b]0;owned\x07 here.\n\nSMITH\n"
    )
    ingest(conn, [Item("hostile.txt", hostile)])
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("Y", "3")
        await settle(pilot)
        saved = tmp_path / "triage-copy-26ROME321.txt"
        text = saved.read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x07" not in text
        assert "Read ␛]52;c;aGk=␇ and ␛]0;owned␇ here." in text
        said = messages(app)[-1]
        assert str(saved) in said and "control characters as symbols" in said, said


async def test_a_colleague_in_your_own_unread_cable_shows_at_80_columns(db: Path) -> None:
    """fix26: `@` (yours, not opened yet) took the mark cell, so `◆` (a colleague has it open)
    never showed on the officer's own cables, where it matters most. Now ◆ shows there, and
    that the cable is theirs and unread still does: their name, the row bold."""
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26STATE104233"), "tester", "lead")
    wf.assign(conn, wf.find_cable(conn, "26ANKARA3401"), "tester", "lead")
    conn.close()
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        other_console(db, "kwalker", "26STATE104233")
        app.check_for_changes()
        await settle(pilot)
        lines = list_lines(app)
        line = next(ln for ln in lines if "26STATE104233" in ln)
        assert line[0] == "◆" and "tester" in line, line
        mine = next(ln for ln in lines if "26ANKARA3401" in ln)
        assert mine[0] == "@", mine  # (nobody else has it open)
        assert len(line) <= 80 and line.rstrip().endswith(("ACK?", "AS?!", "ASG?")), line
        lst = app.screen.query_one(CableList)
        row = next(
            lst.row_at(i)
            for i in range(len(lst.ids))
            if lst.row_at(i).reference_id == "26STATE104233"  # type: ignore[union-attr]
        )
        assert row is not None and not row.seen
