"""A PostgreSQL server that stops answering without closing its connections (its processes
stopped, as a network dropping every packet would leave it): the console in a terminal (tmux)
still answers the keys that need no server, says within seconds that the server does not
answer, names the change it could not save, quits at once when asked, and is live again by
itself once the server answers. Only the test's own server's processes are stopped (found by
its data folder's postmaster.pid and their parent), and always started again."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage.store.api import as_target

from ..conftest import N_SAMPLES
from ..pgserver import Server
from ..shared.procs import SAMPLES, TRIAGE, env_for, fresh_status, triage
from .terminal import Tmux, own_home, require


@pytest.fixture
def server() -> Iterator[Server]:
    """A server of the test's own: its processes are stopped and started again."""
    s = Server()
    try:
        s.init()
        yield s
    finally:
        s.close()


def server_pids(server: Server) -> list[int]:
    """The postmaster (first line of its postmaster.pid) and its children (by their ppid)."""
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == postmaster:
            pids.append(int(entry))
    return pids


def signal_all(pids: list[int], sig: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def test_the_console_answers_and_says_a_stalled_server_does_not_answer(
    server: Server, tmp_path: Path
) -> None:
    require("tmux")
    db = as_target(server.new_database())
    env = env_for(tmp_path / "cli")
    triage(db, "init", env=env)
    triage(db, "ingest", str(SAMPLES), env=env)
    # the list's second cable, held by this login: IN PROGRESS (3) is a change it may make
    ref = "26STATE104233"
    triage(db, "assign", ref, "me", env=env)
    stopped: list[int] = []
    with Tmux(110, 34, own_home(tmp_path / "home")) as t:
        try:
            t.run(f"{TRIAGE} --db '{db.url}'")  # type: ignore[attr-defined]
            t.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
            t.wait_for(f"1 of {N_SAMPLES}", timeout=10)
            stopped = server_pids(server)
            signal_all(stopped, signal.SIGSTOP)
            # keys that need no server answer during the stall: moving, help
            t.keys("j")
            t.wait_for(f"2 of {N_SAMPLES}", timeout=3)  # on the second cable, ref
            t.keys("3")  # IN PROGRESS: a write the server cannot take
            t.keys("j")
            t.wait_for(f"3 of {N_SAMPLES}", timeout=3)
            # within seconds, said as a server that does not answer, with the change not saved
            shown = t.wait_for("NOT LIVE: the database server does not answer", timeout=15)
            shown = t.wait_for(f"NOT SAVED: {ref}", timeout=5)
            assert "has not answered" in shown or "timeout expired" in shown, shown
            assert "Traceback" not in shown
            signal_all(stopped, signal.SIGCONT)
            stopped = []
            # live again by itself once the server answers
            t.wait_for_gone("NOT LIVE", timeout=30)
            t.wait_for("Reconnected", timeout=5)
            # the change the server never took is not there; typed again, it is saved
            assert fresh_status(db, ref)[1] == "ASSIGNED"
            t.keys("k")
            t.wait_for(f"2 of {N_SAMPLES}", timeout=5)
            t.keys("3")
            for _ in range(100):  # (the write is the console's worker's; read by another process)
                if fresh_status(db, ref)[1] == "IN PROGRESS":
                    break
                time.sleep(0.05)
            assert fresh_status(db, ref)[1] == "IN PROGRESS"
            # stalled again: quitting does not wait on the server
            stopped = server_pids(server)
            signal_all(stopped, signal.SIGSTOP)
            t.keys("j")
            t.wait_for(f"3 of {N_SAMPLES}", timeout=3)
            started = time.monotonic()
            t.keys("q")
            t.wait_for_exit(timeout=10)
            assert time.monotonic() - started < 4
        finally:
            signal_all(stopped, signal.SIGCONT)
