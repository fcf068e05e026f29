"""The installed `triage` (no subcommand) opens the console in a real terminal, now that it
starts it without click (triage/entry.py): on a cache file and on a database server (where a
helper process reads the first page), on the list and on the Overview."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..conftest import N_SAMPLES
from .terminal import Tmux, own_home, require

TRIAGE = str(Path(sys.executable).with_name("triage"))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
def test_the_installed_command_opens_the_console(db: Path, tmp_path: Path) -> None:
    require("tmux")
    env = own_home(tmp_path)
    with Tmux(120, 30, env) as t:
        t.run(f"{TRIAGE} --db '{db}'")
        screen = t.wait_for(f"All {N_SAMPLES}", timeout=60)
        assert "26STATE104233" in screen
        t.keys("q")
        t.wait_for_exit()


def test_the_installed_command_opens_the_overview(db: Path, tmp_path: Path) -> None:
    require("tmux")
    env = own_home(tmp_path)
    with Tmux(120, 30, env) as t:
        t.run(f"{TRIAGE} --overview --db={db}")
        t.wait_for("Overview", timeout=60)
        t.wait_for(f"{N_SAMPLES} cables")
        t.keys("Escape")
        t.wait_for(f"All {N_SAMPLES}")
        t.keys("q")
        t.wait_for_exit()
