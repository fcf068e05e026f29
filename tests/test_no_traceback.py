"""Bad input ends in one line that names it and says what to do: never a Python traceback,
never a silent exit 0 (issue 13, "No traceback, ever")."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from triage.cli import INTERNAL_ERROR, main
from triage.config import Config
from triage.store import connect
from triage.store import workflow as wf
from triage.store.ingest import ingest, reindex
from triage.tui.app import TriageApp

from .test_console import settle

TRIAGE = [sys.executable, "-m", "triage.cli"]


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, env=env)


def one_clear_line(res: Result, *names: str) -> str:
    """The run failed (not 0, not an internal error) with a message naming each of `names`."""
    out = res.output
    assert res.exit_code not in (0, INTERNAL_ERROR), out
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in out
    for name in names:
        assert name in out, out
    return out


def config(tmp_path: Path, text: str) -> Path:
    p = Path(os.environ["XDG_CONFIG_HOME"]) / "triage" / "config.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


REF = "26STATE104233"  # 01_flash_hijack.txt


# -- dates, numbers, filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "when",
    ["+9999999d", "+999999999999w", "+99999999999999999999m", "+" + "9" * 5000 + "h", "9999-12-31"],
)
def test_due_far_away_is_refused(db: Path, when: str) -> None:
    out = one_clear_line(run("due", "--db", str(db), REF, when), "too far")
    assert when[:20] in out


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize("when", ["9999-12-31 23:59", "0001-01-01 00:00"])
def test_due_at_the_ends_of_the_calendar_in_any_zone(
    db: Path, tz: str, when: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", tz)
    import time

    time.tzset()
    try:
        one_clear_line(run("due", "--db", str(db), REF, when), when)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_due_within_a_century_is_still_taken() -> None:
    now = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
    assert wf.parse_when("+5200w", now) is not None  # 99.7 years
    with pytest.raises(wf.WorkflowError, match="too far"):
        wf.parse_when("+5300w", now)


def test_raw_version_beyond_any_is_refused(db: Path) -> None:
    one_clear_line(
        run("raw", "--db", str(db), "--version", "99999999999999999999", REF), "--version"
    )


def test_raw_of_a_version_a_held_cable_does_not_have_says_which_it_has(db: Path) -> None:
    out = one_clear_line(run("raw", "--db", str(db), "--version", "2", REF), REF)
    assert "has no version 2" in out and "it has one version (1)" in out
    assert "no cable" not in out  # it used to say the cable was not held at all


@pytest.mark.parametrize("prec", [">>=FLASH", "=>FLASH", "<<ROUTINE", ">=", "FL\nASH"])
def test_precedence_filter_that_cannot_be_read(db: Path, prec: str) -> None:
    one_clear_line(run("export", "--db", str(db), "--precedence", prec), "unknown precedence")


def test_view_until_the_last_day_there_is(db: Path, tmp_path: Path) -> None:
    config(tmp_path, '[[view]]\nname = "Ever"\nfilter = "until:9999-12-31"\n')
    res = run("export", "--db", str(db), "--view", "Ever")
    assert res.exit_code == 0, res.output
    conn = sqlite3.connect(db)
    dated = conn.execute("SELECT count(*) FROM cables WHERE dtg IS NOT NULL").fetchone()[0]
    assert f"exported {dated} rows" in res.output


# -- the config file ---------------------------------------------------------------------------

BAD_CONFIGS = [
    ("FLASH = 10", "unknown key FLASH"),  # a handling objective outside [objectives]
    ('[objectives]\nFLASH = "ten"', "objectives.FLASH"),
    ("[objectives]\nFLASH = 100000000000000000000", "objectives.FLASH"),
    ("[objectives]\nFLASH = -5", "objectives.FLASH"),
    ("[objectives]\nFLASH = true", "objectives.FLASH"),
    ("[objectives]\nFLSH = 10", "objectives.FLSH"),
    ("db = 5", "db should be"),
    ("group = []", "group should be"),
    ('officers = "kwalker"', "officers should be"),
    ("officers = [1, 2]", "officers should be"),
    ('office = "paris"', "office should be"),
    ("[office]\nrouting_indicators = 3", "office.routing_indicators"),
    ("[office]\naddresses = [{ a = 1 }]", "office.addresses"),
    ('[office]\nris = ["RUEHFR"]', "unknown key office.ris"),
    ('keymap = ["j"]', "keymap should be"),
    ('[keymap]\n"list.down" = 3', "keymap.list.down"),
    ('[keymap]\n"list.down" = ""', "keymap.list.down"),
    ('view = "Terror"', "view should be"),
    ("[[view]]\nname = 3", "view #1: name"),
    ('[[view]]\nname = "T"\nfilter = 3', "view 'T': filter"),
    ('[[view]]\nname = "T"\nfilter = "prec:>>=FLASH"', "view 'T'"),
    ('[[view]]\nname = "T"\nfilter = "colour:red"', "view 'T'"),
    ('[[view]]\nfilter = "tag:PREL"', "view #1 has no name"),
    ('[[route]]\nofficer = "a"\nsubject = "(("', "route #1: subject"),
    ('[[route]]\nofficer = "a"\norigin = "[z-a]"', "route #1: origin"),
    ("[[route]]\nofficer = 5", "route #1: officer"),
    ('[[route]]\nofficer = "a"\ntags = "PTER"', "route #1: tags"),
    ('[[route]]\nofficer = "a"\ntag = ["PTER"]', "unknown key route #1: tag"),
    ("route = 1", "route should be"),
    ("x = [", "config file"),  # broken TOML
    ("a = 1\na = 2", "config file"),
    ("[" * 5000, "config file"),
]


@pytest.mark.parametrize(("text", "names"), BAD_CONFIGS, ids=[c[0][:30] for c in BAD_CONFIGS])
@pytest.mark.parametrize("command", ["export", "assign", "console"])
def test_config_value_of_the_wrong_type(
    db: Path, tmp_path: Path, text: str, names: str, command: str
) -> None:
    path = config(tmp_path, text)
    args = {
        "export": ["export", "--db", str(db)],
        "assign": ["assign", "--db", str(db), REF, "kwalker"],
        "console": ["--db", str(db)],  # refused before the console starts
    }[command]
    one_clear_line(run(*args), str(path), names)


BAD_KEYMAPS = [
    ('[keymap]\n"list.dwon" = "j"', "no binding has the id 'list.dwon' (did you mean list.down?)"),
    (
        '[keymap]\n"list.down" = "ctrl+zz+q"',
        "keymap.list.down: 'ctrl+zz+q': 'zz' is not a modifier",
    ),
    ('[keymap]\n"list.down" = "j,foo"', "keymap.list.down: 'foo': 'foo' is no key name"),
]


@pytest.mark.parametrize(("text", "names"), BAD_KEYMAPS, ids=[c[0][9:30] for c in BAD_KEYMAPS])
def test_a_keymap_typo_stops_the_console_naming_it(
    db: Path, tmp_path: Path, text: str, names: str
) -> None:
    """The console's keys are known only to the console: a binding id or key name it does not
    know is refused before it starts (before, the entry was ignored and the key did nothing)."""
    path = config(tmp_path, text)
    one_clear_line(run("--db", str(db)), str(path), names)


def test_a_good_keymap_passes_the_check(tmp_path: Path) -> None:
    from triage.config import Config
    from triage.tui.keymap import check_keymap

    check_keymap(Config(path=tmp_path / "c.toml", keymap={"list.down": "j,down,ctrl+n"}))


def test_a_keymap_may_rebind_the_screens_loaded_when_first_used() -> None:
    """The split view, the Overview, the thread tree and the dialogs are imported when first
    opened, after the console's first screen; their binding ids are known all the same (in a
    process of its own: here other tests have loaded them already)."""
    code = (
        "from triage.config import Config; from triage.tui.keymap import check_keymap; "
        "check_keymap(Config(keymap={'cable.history': 'H', 'overview.refresh': 'R', "
        "'thread.down': 'J', 'confirm.yes': 'Y', 'list.down': 'j'}))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_config_file_that_is_not_utf8(db: Path, tmp_path: Path) -> None:
    p = config(tmp_path, "")
    p.write_bytes(b'officers = ["\xff"]\n')
    one_clear_line(run("export", "--db", str(db)), str(p), "utf-8")


def test_a_good_config_still_works(db: Path, tmp_path: Path) -> None:
    config(
        tmp_path,
        'db = "x.db"\ngroup = "desk"\nofficers = ["kwalker"]\n[office]\nrouting_indicators = '
        '["RUEHFR"]\naddresses = ["AMEMBASSY PARIS"]\n[objectives]\nFLASH = 5\nniact_immediate '
        '= 20\n[keymap]\n"list.down" = "j,down"\n[[view]]\nname = "T"\nfilter = "tag:PTER '
        'prec:>=IMMED"\n[[route]]\ntags = ["PTER"]\nofficer = "ct-desk"\nsubject = "VESSEL"\n',
    )
    res = run("export", "--db", str(db), "--view", "T")
    assert res.exit_code == 0, res.output
    assert REF in res.output


async def test_console_says_a_view_filter_cannot_be_read(db: Path) -> None:
    """Given a config that did not pass the CLI's check: the console names the view it left
    out instead of ignoring it, and a route pattern that is no regex does not stop it."""
    cfg = Config(
        views=[{"name": "Bad", "filter": "prec:>>=FLASH"}, {"name": "Good", "filter": "tag:PTER"}],
        routes=[{"officer": "x", "subject": "(("}],
    )
    app = TriageApp(db, cfg, login="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("view 'Bad'" in m and ">>=FLASH" in m for m in said), said
        assert "Good" in app.tabs and "Bad" not in app.tabs
        await pilot.press("enter")  # the route's suggestion is asked for
        await pilot.pause()
        assert app.is_running


async def test_console_filter_that_cannot_be_read_is_said(db: Path) -> None:
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.press(*"prec:>>=FLASH", "enter")
        await settle(pilot)
        # said in the filter box, which keeps what was typed (issue 15)
        from textual.widgets import Input, Label

        from triage.tui.screens.dialogs import PromptScreen

        assert isinstance(app.screen, PromptScreen)
        said = str(app.screen.query_one("#prompt-error", Label).content)
        assert "unknown precedence '>>=FLASH'" in said, said
        assert app.screen.query_one(Input).value == "prec:>>=FLASH"
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.view.filters  # type: ignore[attr-defined]


# -- the cache file ----------------------------------------------------------------------------


def test_negative_schema_number(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    plain = sqlite3.connect(path)
    plain.execute("PRAGMA user_version = -1")
    plain.close()
    for args in (["export"], ["raw", REF], ["reindex"], ["assign", REF, "x"], ["ingest", "-"]):
        one_clear_line(run(args[0], "--db", str(path), *args[1:], stdin=""), str(path), "schema")


def corrupt(db: Path, table: str) -> None:
    """Overwrite the pages of `table` while no connection is open (a byte write, as a failing
    disk would)."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = [
        r[0]
        for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pageno > 1", (table,))
    ]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    fd = os.open(db, os.O_RDWR)
    try:
        for page in pages:
            os.pwrite(fd, b"\xde\xad\xbe\xef" * (size // 8), (page - 1) * size + 8)
    finally:
        os.close(fd)


@pytest.mark.parametrize(
    ("table", "args"),
    [
        ("cable_versions", ["raw", REF]),
        ("cable_versions", ["reindex"]),
        ("cables", ["export"]),
        ("cables", ["raw", REF]),
    ],
)
def test_corrupted_page(db: Path, table: str, args: list[str]) -> None:
    corrupt(db, table)
    res = subprocess.run(
        [*TRIAGE, args[0], "--db", str(db), *args[1:]], capture_output=True, text=True
    )
    assert res.returncode not in (0, INTERNAL_ERROR), res.stderr
    assert "Traceback" not in res.stderr
    line = res.stderr.strip().splitlines()[-1]
    assert str(db) in line and "malformed" in line and "integrity_check" in line


def full_at_once(conn: sqlite3.Connection) -> None:
    """SQLITE_FULL at the next page the file needs (as a full disk would give)."""
    n = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {n}")


def test_full_disk_is_reported_as_such_not_as_a_failed_rollback(db: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, REF)
    full_at_once(conn)
    with pytest.raises(sqlite3.OperationalError, match="full"):
        wf.set_note(conn, cid, "y" * wf.NOTE_MAX_CHARS, "tester")  # (the most a note holds)
    assert not conn.in_transaction
    assert wf.assign(conn, cid, "kwalker", "tester").officer == "kwalker"  # it goes on
    assert wf.state(conn, cid).note == ""


def test_full_disk_during_ingest_and_reindex(db: Path, samples: Path) -> None:
    conn = connect(db)
    full_at_once(conn)
    big = [str(p) for p in samples.glob("*.txt")]
    with pytest.raises(sqlite3.OperationalError, match="full"):
        from triage.store.ingest import Item

        ingest(
            conn,
            iter(
                [
                    Item(f"big{k}", b"SUBJECT: BIG\n\n" + (b"x " * 200_000) + str(k).encode())
                    for k in range(5)
                ]
            ),
        )
    assert not conn.in_transaction
    with pytest.raises(sqlite3.OperationalError, match="full"):
        reindex(conn)
    assert not conn.in_transaction
    assert big and conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_everything_else_is_one_line_not_a_traceback(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's last net: an error nobody foresaw is one line and exit 70, not a traceback."""

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr("triage.store.export.write_csv", broken)
    res = run("export", "--db", str(db))
    assert res.exit_code == INTERNAL_ERROR
    assert "Traceback" not in res.output
    assert "internal error (RuntimeError: something nobody foresaw)" in res.output


@pytest.mark.parametrize("command", [["export"], ["raw", REF], ["report"]])
def test_a_reader_that_leaves_the_pipe_ends_the_command_quietly(
    db: Path, command: list[str]
) -> None:
    """`triage export | head -1`: the reader is gone before triage writes (its end of the pipe is
    closed first, so the write fails every time): no message, the shell's status for SIGPIPE,
    as cat and grep leave. It used to print `Error: Broken pipe` and exit 1."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*TRIAGE, *command, "--db", str(db)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


def test_a_file_named_with_a_newline_is_named_on_one_line(tmp_path: Path) -> None:
    """A dropped file's name can hold a newline: the message shows it as ␊, on one line, so the
    officer can find the file (it split the message in two, and the name read as two)."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "bin\nnl.txt").write_bytes(b"\x00\x01\x02\x03 binary")
    (folder / "tab\tname.txt").write_bytes(b"")
    done = subprocess.run(
        [*TRIAGE, "ingest", "--db", str(tmp_path / "c.db"), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stderr.splitlines()
    assert any(f"{folder}/bin\u240anl.txt: " in line for line in lines), done.stderr
    assert any(f"{folder}/tab\u2409name.txt: " in line for line in lines), done.stderr
    assert all(line.startswith("triage: ") for line in lines), done.stderr


def test_a_csv_that_is_no_cablegate_export_is_named_as_such(tmp_path: Path) -> None:
    """`a,b` / `1,2` was reported as a broken quote with records run together."""
    csv_file = tmp_path / "x.csv"
    csv_file.write_text("a,b\n1,2\n")
    res = run("ingest", "--db", str(tmp_path / "c.db"), str(csv_file))
    assert f"{csv_file}: rejected: not a cablegate CSV export: its first row has 2 fields" in (
        res.output
    )
    assert "quote" not in res.output and "rejected 1" in res.output
