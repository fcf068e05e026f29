"""The installed `triage` in a real terminal (tmux), at 80x24 and 200x50, with TERM
xterm-256color, xterm and linux, and with NO_COLOR: open the demo cache, move, search, open a
cable, assign it, export, quit. The screen text shows the badges in letters and the export holds
the assignment. Waits poll the screen for what a user would wait to see, with a deadline."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import N_SAMPLES
from .terminal import Tmux, own_home, require

TRIAGE = str(Path(sys.executable).with_name("triage"))

COMBOS = [
    (80, 24, "xterm-256color", False),
    (200, 50, "xterm-256color", False),
    (80, 24, "xterm", False),
    (200, 50, "linux", False),
    (80, 24, "linux", False),
    (200, 50, "xterm", True),
    (80, 24, "xterm-256color", True),
]


@pytest.mark.parametrize(
    ("width", "height", "term", "no_color"),
    COMBOS,
    ids=[f"{w}x{h}-{t}{'-NO_COLOR' if n else ''}" for w, h, t, n in COMBOS],
)
def test_a_desk_officers_round_trip(
    tmp_path: Path, width: int, height: int, term: str, no_color: bool
) -> None:
    require("tmux")
    env = own_home(tmp_path, term)
    if no_color:
        env["NO_COLOR"] = "1"
    out = tmp_path / "actions.csv"
    with Tmux(width, height, env) as t:
        t.run(f"{TRIAGE} demo")
        screen = t.wait_for(f"Inbox {N_SAMPLES}")
        for badge in ("EMERG", "FLASH", "NIACT", "IMMED"):
            assert badge in screen
        assert "T O P  S E C R E T" in screen
        t.keys("j", "j")
        t.wait_for(f"3 of {N_SAMPLES}")
        t.keys("/")
        t.wait_for("Search (words")
        t.type("vessel")
        t.keys("Enter")
        t.wait_for("1 of 1")
        t.keys("Enter")
        screen = t.wait_for("26STATE104233")
        assert "S//NF" in screen and "FLASH" in screen
        t.keys("a")
        t.wait_for("Assign 26STATE104233")
        t.type("kwalker")
        t.keys("Enter")
        t.wait_for("new officer 'kwalker'?")  # nobody is kwalker yet: said before made
        t.keys("y")
        t.wait_for("assigned to kwalker")
        t.keys("Escape")
        t.wait_for("sort precedence")
        t.keys("e")
        t.wait_for("as CSV to")
        t.keys("C-u")
        t.wait_for_gone("triage-actions-")  # the proposed path is cleared
        t.type(str(out))
        t.wait_for(str(out)[-30:])  # the whole path is in the prompt
        t.keys("Enter")
        t.wait_for("exported")
        t.keys("q")
        t.wait_for_exit()
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert rows[1][0] == "26STATE104233"
    assert rows[1][7] == "kwalker"
    assert rows[1][8] == "ASSIGNED"


def test_terminal_state_is_restored_and_no_escape_from_cable_text(tmp_path: Path) -> None:
    """A cable whose subject tries to retitle the terminal and clear the screen: after viewing
    it, the pane title is untouched and the text shows as symbols."""
    require("tmux")
    db = tmp_path / "c.db"
    cable = (
        "O 271200Z NOV 26\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC IMMEDIATE\n\n"
        "C O N F I D E N T I A L PARIS 000001\n\nTAGS: PREL\n"
        "SUBJECT: \x1b]2;HACKED\x07 \x1b[2J TITLE\n\n¶1. (C) Body \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\.\n"
    )
    src = tmp_path / "bad.txt"
    src.write_bytes(cable.encode())
    subprocess.run([TRIAGE, "ingest", "--db", str(db), str(src)], check=False, capture_output=True)
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    with Tmux(160, 40, env) as t:
        title_before = t.title()
        t.run(f"{TRIAGE} --db {db}")
        screen = t.wait_for("All 1")
        assert "␛]2;HACKED␇" in screen
        t.keys("Enter")
        screen = t.wait_for("Paragraphs")
        assert "␛]8;;http://x␛\\link" in screen
        assert t.title() == title_before
        t.keys("Escape")
        t.wait_for("sort precedence")
        t.keys("q")
        t.wait_for_exit()


def test_the_command_line_never_sends_a_cables_escape_sequences(tmp_path: Path) -> None:
    """`triage parse`, `raw` and `export` printing to a terminal a cable whose subject would
    retitle it and clear it: the title is untouched and the sequences show as symbols."""
    require("tmux")
    db = tmp_path / "c.db"
    src = tmp_path / "bad.txt"
    src.write_bytes(
        b"O 271200Z NOV 26\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC IMMEDIATE\n\n"
        b"C O N F I D E N T I A L PARIS 000001\n\nTAGS: PREL\n"
        b"SUBJECT: \x1b]2;HACKED\x07 \x1b[2J TITLE\n\n\xc2\xb61. (C) Body.\n"
    )
    subprocess.run([TRIAGE, "ingest", "--db", str(db), str(src)], check=True, capture_output=True)
    env = {"TERM": "xterm-256color", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "c")}
    with Tmux(160, 40, env) as t:
        title_before = t.title()
        t.run(
            f"sh -c '{TRIAGE} parse {src}; {TRIAGE} raw --db {db} 26PARIS1; "
            f"{TRIAGE} export --db {db} --view All; echo PRINTED-$((40+2)); sleep 60'"
        )
        screen = t.wait_for("PRINTED-42")  # (the typed command says 40+2)
        assert "Subject        ␛]2;HACKED␇ ␛[2J TITLE" in screen  # parse
        assert "SUBJECT: ␛]2;HACKED␇ ␛[2J TITLE" in screen  # raw
        assert ',"␛]2;HACKED␇ ␛[2J TITLE",' in screen  # export (every cell quoted)
        assert "Reference      26PARIS1" in screen  # nothing cleared the screen
        assert t.title() == title_before
