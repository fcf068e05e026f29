"""A console open on the cache while every other command of the CLI runs and exits beside
it, each in a process of its own. After each: a cable ingested by another process reaches the
console within 2 s, the console's own next change is seen by a fresh process at once, no
descriptor of the console points to a deleted file of the cache, and integrity_check is ok.

Before the fix, the first command to exit left the console on a deleted -wal: blind to new
traffic, and writing changes nobody else would see."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ..conftest import N_SAMPLES
from .procs import (
    Console,
    drop_file,
    env_for,
    flash_cable,
    fresh_status,
    integrity,
    routine_cable,
    shared_cache,
    start_watch,
    triage,
)

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def shared(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> Iterator[tuple[Path, dict[str, str], Console]]:
    db = shared_cache(tmp_path, backend, request)
    env = env_for(tmp_path / "other")
    triage(db, "ingest", str(Path(__file__).resolve().parents[2] / "sample_cables"), env=env)
    console = Console(db, tmp_path / "console-home", login="kwalker")
    try:
        console.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        yield db, env, console
    finally:
        console.kill()


def _watch_started_and_stopped(db: Path, env: dict[str, str], tmp: Path, console: Console) -> None:
    drop = tmp / "drop"
    drop.mkdir(exist_ok=True)
    proc = start_watch(db, drop, env)
    try:
        drop_file(drop, "w.txt", flash_cable(777001, 59))
        console.wait_for("26STATE777001", timeout=10)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err


def test_a_console_stays_live_and_whole_beside_every_command(
    shared: tuple[Path, dict[str, str], Console], tmp_path: Path
) -> None:
    db, env, console = shared
    cable_file = tmp_path / "one.txt"
    cable_file.write_text(flash_cable(555001, 1), encoding="utf-8")
    # more files than one parser chunk (128): ingest forks its parser process beside the console
    many = tmp_path / "many"
    many.mkdir()
    for k in range(150):
        (many / f"c{k}.txt").write_text(routine_cable(556000 + k), encoding="utf-8")

    commands: list[tuple[str, Callable[[], object]]] = [
        ("assign", lambda: triage(db, "assign", "25ANKARA348", "jsmith", env=env)),
        ("unassign", lambda: triage(db, "unassign", "25ANKARA348", env=env)),
        (
            "status",  # (IN PROGRESS is an officer's status)
            lambda: (
                triage(db, "assign", "26ROME1301", "jsmith", env=env),
                triage(db, "status", "26ROME1301", "IN PROGRESS", env=env),
            ),
        ),
        ("due", lambda: triage(db, "due", "26ROME1301", "+2d", env=env)),
        ("note", lambda: triage(db, "note", "26ROME1301", "called the desk", env=env)),
        ("ack", lambda: triage(db, "ack", "26ANKARA3401", env=env)),
        ("raw", lambda: triage(db, "raw", "26ROME1301", env=env)),
        ("export", lambda: triage(db, "export", "-o", str(tmp_path / "x.csv"), env=env)),
        ("ingest", lambda: triage(db, "ingest", str(cable_file), env=env)),
        ("ingest forking its parser", lambda: triage(db, "ingest", str(many), env=env)),
        ("parse", lambda: triage(db, "parse", str(cable_file), env=env)),
        ("reindex", lambda: triage(db, "reindex", env=env)),
        ("audit", lambda: triage(db, "audit", "--verify", env=env)),
        ("watch", lambda: _watch_started_and_stopped(db, env, tmp_path, console)),
    ]
    serial = 600000
    for n, (name, run) in enumerate(commands):
        run()
        # no descriptor of the console points at a deleted cache, -wal or -shm
        assert console.deleted_descriptors() == [], f"after {name}"
        # traffic ingested by another process reaches the console within 2 s
        serial += 1
        arrival = tmp_path / f"arrival-{serial}.txt"
        arrival.write_text(flash_cable(serial, n), encoding="utf-8")
        triage(db, "ingest", "-q", str(arrival), env=env)
        ref = f"26STATE{serial}"
        console.wait_for(ref, timeout=2.0)
        triage(db, "assign", ref, "jsmith", env=env)  # (IN PROGRESS is an officer's)
        # the console's own next change is visible to a fresh process at once
        console.keys("slash", *ref, "enter")
        console.wait_for("1 of 1", timeout=5)
        console.wait_for("jsmith", timeout=5)
        console.keys("3")
        assert fresh_status(db, ref)[1] == "IN PROGRESS", f"after {name}"
        console.keys("escape")
        console.keys("g")
        assert integrity(db) == "ok", f"after {name}"
    bye = console.close()
    assert bye.get("quarantined") is False
    assert integrity(db) == "ok"
    # every change the console made is in the cache after it quit
    for k in range(1, len(commands) + 1):
        assert fresh_status(db, f"26STATE{600000 + k}")[1] == "IN PROGRESS"
