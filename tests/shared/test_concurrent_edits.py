"""Two officers editing one cable from two processes: a note or a due date changed by someone
else while the console's editor was open is never overwritten silently. The console's officer
is told who changed it, sees their value, and keeps what they typed to decide with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import N_SAMPLES
from .procs import Console, arg, env_for, shared_cache, triage

BACKENDS = ("sqlite", "postgresql")


def typed(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def workflow_row(db: Path, ref: str, env: dict[str, str], columns: str) -> tuple[str, ...]:
    """The cable's workflow `columns` (SQL over `workflow w`), read by a process of its own."""
    import ast
    import subprocess
    import sys

    code = (
        "import sys; from triage.store import connect; c = connect(sys.argv[1]); "
        f"print(repr(tuple(c.execute('SELECT {columns} FROM workflow w "
        "JOIN cables c ON c.id=w.cable_id WHERE c.reference_id=?',(sys.argv[2],)).fetchone())))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, arg(db), ref],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return tuple(ast.literal_eval(out.stdout.strip()))


def workflow_of(db: Path, ref: str, env: dict[str, str]) -> tuple[str, str]:
    note, due = workflow_row(db, ref, env, "w.note, coalesce(w.due_at, \\'\\')")
    return note, due


@pytest.fixture
def desk(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> Iterator[tuple[Path, dict[str, str], Console]]:
    db = shared_cache(tmp_path, backend, request)
    env = env_for(tmp_path / "jsmith")
    triage(db, "ingest", str(Path(__file__).resolve().parents[2] / "sample_cables"), env=env)
    console = Console(db, tmp_path / "kwalker", login="kwalker")
    try:
        console.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        console.keys("slash", *"26ROME1301", "enter")
        console.wait_for("1 of 1", timeout=5)
        yield db, env, console
    finally:
        console.kill()


def test_a_note_saved_by_someone_else_meanwhile_is_shown_not_overwritten(
    desk: tuple[Path, dict[str, str], Console],
) -> None:
    db, env, console = desk
    console.keys("c")
    console.wait_for("Note on 26ROME1301")
    # another officer saves a note while this one is writing
    triage(db, "note", "26ROME1301", "theirs: called the ministry", env=env)
    console.keys(*typed("mine: draft reply"), "ctrl+s")
    console.wait_for("Their note: theirs: called the")
    screen = console.screen()
    assert "changed it at" in screen
    assert "mine: draft reply" in screen  # what this officer typed is still there
    assert workflow_of(db, "26ROME1301", env)[0] == "theirs: called the ministry"
    # deciding, having seen theirs: this officer's note goes in
    console.keys("ctrl+s")
    assert workflow_of(db, "26ROME1301", env)[0] == "mine: draft reply"


def test_a_due_date_set_by_someone_else_meanwhile_is_shown_not_overwritten(
    desk: tuple[Path, dict[str, str], Console],
) -> None:
    db, env, console = desk
    console.keys("d")
    console.wait_for("Due of 26ROME1301 (suspense)")
    triage(db, "due", "26ROME1301", "2027-01-05 09:00", env=env)
    console.keys(*typed("2027-02-01 10:00"), "enter")
    console.wait_for("to 2027-01-05 09:00 local time; enter")
    assert workflow_of(db, "26ROME1301", env)[1].startswith("2027-01-05T09:00")
    console.keys("escape")  # keeps theirs
    assert workflow_of(db, "26ROME1301", env)[1].startswith("2027-01-05T09:00")


def officer_and_status(db: Path, ref: str, env: dict[str, str]) -> str:
    return " ".join(workflow_row(db, ref, env, "coalesce(w.officer, \\'-\\'), w.status"))


def test_an_assignment_made_by_someone_else_meanwhile_is_shown_not_overwritten(
    desk: tuple[Path, dict[str, str], Console],
) -> None:
    """The picker left open while another officer assigned the cable: enter assigned it over
    theirs, with no word of it. Now the picker is put again, saying who assigned whom."""
    db, env, console = desk
    console.keys("a")
    console.wait_for("Assign 26ROME1301")
    triage(db, "assign", "26ROME1301", "jsmith", "--new", env=env)
    console.wait_for("jsmith", timeout=10)  # (the list behind the picker has their change)
    console.keys(*typed("me"), "enter")  # (herself: no "new officer?" question)
    console.wait_for("(officer jsmith, ASSIGNED); enter assigns yours", timeout=10)
    assert officer_and_status(db, "26ROME1301", env) == "jsmith ASSIGNED"
    console.keys("escape")  # keeps theirs
    assert officer_and_status(db, "26ROME1301", env) == "jsmith ASSIGNED"


def test_a_status_set_by_someone_else_meanwhile_is_shown_not_overwritten(
    desk: tuple[Path, dict[str, str], Console],
) -> None:
    db, env, console = desk
    # (held by someone: IN PROGRESS is an officer's status)
    triage(db, "assign", "26ROME1301", "jsmith", "--new", env=env)
    console.wait_for("jsmith", timeout=10)
    console.keys("s")
    console.wait_for("Status of 26ROME1301")
    triage(db, "status", "26ROME1301", "DONE", env=env)
    console.wait_for("Inbox 0", timeout=10)  # (the list behind has their change: DONE)
    console.keys("3")  # IN PROGRESS, picked after theirs
    console.wait_for("to DONE; pick yours, esc keeps theirs", timeout=10)
    assert officer_and_status(db, "26ROME1301", env).endswith(" DONE")
    console.keys("3")  # deciding, having seen theirs
    console.wait_for(" PRG ", timeout=10)
    assert officer_and_status(db, "26ROME1301", env).endswith(" IN PROGRESS")
