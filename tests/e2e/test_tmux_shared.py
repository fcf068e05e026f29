"""The installed `triage` console in a real terminal (tmux) while other `triage` commands run
and exit beside it on the same cache: new traffic keeps arriving on its screen, the officer's
own change reaches other processes, it holds no deleted file of the cache, and the cache stays
whole. Then the cache is replaced under it: it says NOT LIVE at once and reopens on r."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..conftest import N_SAMPLES
from ..shared.procs import flash_cable, fresh_status, integrity
from .terminal import Tmux, own_home, require

TRIAGE = str(Path(sys.executable).with_name("triage"))
SAMPLES = Path(__file__).resolve().parents[2] / "sample_cables"


def _pane_pid(t: Tmux) -> int:
    return int(t._tmux("display-message", "-p", "-t", t.name, "#{pane_pid}").strip())


def _deleted(pid: int, db: Path) -> list[str]:
    out = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(db)) and target.endswith("(deleted)"):
            out.append(target)
    return out


def test_the_console_in_a_terminal_stays_live_beside_other_commands(tmp_path: Path) -> None:
    require("tmux")
    env = own_home(tmp_path)
    db = tmp_path / "cache.db"
    run_env = {**os.environ, **env}

    def cli(*args: str) -> None:
        res = subprocess.run(
            [TRIAGE, args[0], "--db", str(db), *args[1:]],
            env=run_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert res.returncode == 0, res.stderr

    cli("ingest", str(SAMPLES))
    with Tmux(100, 30, env) as t:
        t.run(f"{TRIAGE} --db {db}")
        t.wait_for(f"Inbox {N_SAMPLES}")
        pid = _pane_pid(t)
        for n, args in enumerate(
            [
                ("assign", "25ANKARA348", "jsmith"),
                ("raw", "26ROME1301"),
                ("export", "-o", str(tmp_path / "x.csv")),
                ("status", "26ROME1301", "DONE"),
            ]
        ):
            cli(*args)
            assert _deleted(pid, db) == [], f"after {args[0]}"
            f = tmp_path / f"a{n}.txt"
            f.write_text(flash_cable(610000 + n, n), encoding="utf-8")
            cli("ingest", "-q", str(f))
            t.keys("g")
            t.wait_for(f"26STATE{610000 + n}", timeout=2.0)
        # the officer's own change, seen by a fresh process at once
        cli("assign", "26STATE610003", "jsmith")  # (IN PROGRESS is an officer's status)
        t.keys("g", "j")
        t.wait_for("> FLASH S//NF   26STATE610003")
        t.wait_for("jsmith")
        t.keys("3")
        t.wait_for("status set to")
        assert fresh_status(db, "26STATE610003")[1] == "IN PROGRESS"
        assert integrity(db) == "ok"
        # the cache rebuilt under the console (its three files removed, a new one made, as
        # `triage demo --rebuild` does): said at once, and r reopens the new file
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        t.wait_for("NOT LIVE", timeout=5)
        t.wait_for("deleted")
        subprocess.run(
            [TRIAGE, "ingest", "--db", str(db), str(SAMPLES / "01_flash_hijack.txt")],
            env=run_env,
            capture_output=True,
            check=True,
        )
        t.keys("r")
        t.wait_for("Inbox 1 ", timeout=10)
        t.keys("q")
        t.wait_for_exit()
