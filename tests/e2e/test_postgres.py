"""Two consoles on one PostgreSQL database, as two officers on two hosts would run them (each
its own HOME and config; the database named by $TRIAGE_DB): a change in one, or from an ingest
in a third process, shows in both within 2 s (LISTEN/NOTIFY); the server stopped mid-session
gives a clear message, and the consoles carry on when it is back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import N_SAMPLES
from ..pgserver import Server
from .terminal import Tmux, require

TRIAGE = str(Path(sys.executable).with_name("triage"))


def _env(home: Path, url: str) -> dict[str, str]:
    home.mkdir()
    return {
        "TERM": "xterm-256color",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local"),
        "TRIAGE_DB": url,
    }


def test_two_consoles_on_one_server_see_each_other_and_survive_a_restart(
    tmp_path: Path, pg_server: Server, samples: Path
) -> None:
    require("tmux")
    url = pg_server.new_database()
    subprocess.run([TRIAGE, "init", "--db", url], check=True, capture_output=True)
    files = sorted(samples.glob("*.txt"))
    subprocess.run(
        [TRIAGE, "ingest", "--db", url, *map(str, files[1:])], check=True, capture_output=True
    )
    with (
        Tmux(160, 40, _env(tmp_path / "a", url)) as a,
        Tmux(160, 40, _env(tmp_path / "b", url)) as b,
    ):
        for t in (a, b):
            t.run(TRIAGE)
            t.wait_for(f"Inbox {N_SAMPLES - 1}")
        # an ingest from a third process reaches both (a FLASH one: with its alert)
        subprocess.run(
            [TRIAGE, "ingest", "--db", url, str(files[0])], check=True, capture_output=True
        )
        for t in (a, b):
            t.wait_for(f"Inbox {N_SAMPLES}", timeout=2)
        # a change in one console shows in the other
        a.keys("/")
        a.wait_for("Search (words")
        a.type("vessel")
        a.keys("Enter")
        a.wait_for("1 of 1")
        a.keys("a")
        a.wait_for("Assign 26STATE104233")
        a.type("kwalker")
        a.keys("Enter")
        a.wait_for("new officer 'kwalker'?")  # nobody is kwalker yet: said before made
        a.keys("y")
        a.wait_for("assigned to kwalker")
        b.wait_for("kwalk", timeout=2)
        a.keys("Escape")  # back to the whole Inbox
        a.wait_for(f"2 of {N_SAMPLES}")  # the cursor stays on the cable

        pg_server.stop("immediate")
        for t in (a, b):
            t.wait_for("Database server unreachable", timeout=10)
        pg_server.start()
        for t in (a, b):
            t.wait_for("Reconnected", timeout=15)
        # and live again: a change from the shell after the restart reaches both
        subprocess.run(
            [TRIAGE, "status", "--db", url, "26PARIS1877", "done"], check=True, capture_output=True
        )
        for t in (a, b):
            t.wait_for(f"Inbox {N_SAMPLES - 1}", timeout=2)
        a.keys("q")
        b.keys("q")
        a.wait_for_exit()
        b.wait_for_exit()
