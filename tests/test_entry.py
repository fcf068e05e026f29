"""The installed `triage` command starts the console without click (triage/entry.py) and hands
everything else to the click group: real `triage` processes run subcommands, print click's
usage errors and help, and refuse a bad start with the very line and exit status that the click
group (`python -m triage.cli`) gives, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from triage.entry import console_options

from .pgserver import Server

TRIAGE = str(Path(sys.executable).with_name("triage"))
CLICK_GROUP = [sys.executable, "-m", "triage.cli"]


def run(argv: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        **kw,  # type: ignore[call-overload]
    )


def test_the_installed_command_is_the_entry_point() -> None:
    script = Path(TRIAGE).read_text(encoding="utf-8")
    assert "from triage.entry import main" in script


@pytest.mark.parametrize(
    ("args", "want"),
    [
        ([], (None, False)),
        (["--db", "x.db"], ("x.db", False)),
        (["--db=x.db", "--overview"], ("x.db", True)),
        (["--overview", "--db", "postgresql://h/triage"], ("postgresql://h/triage", True)),
        # everything else is click's to read (and to say what is wrong with)
        (["--overview", "--overview"], None),
        (["--db", "a.db", "--db", "b.db"], None),
        (["--db"], None),
        (["--db", ""], None),
        (["--db=--overview"], None),
        (["--db", "-"], None),
        (["--help"], None),
        (["-h"], None),
        (["--ov"], None),
        (["--"], None),
        (["parse", "x.txt"], None),
        (["--db", "x.db", "ingest", "x.txt"], None),
    ],
)
def test_only_the_consoles_own_options_skip_click(
    args: list[str], want: tuple[str | None, bool] | None
) -> None:
    assert console_options(args) == want


def test_a_folder_or_an_unreadable_file_as_db_is_left_to_click(tmp_path: Path) -> None:
    assert console_options(["--db", str(tmp_path)]) is None
    unreadable = tmp_path / "locked.db"
    unreadable.write_bytes(b"")
    unreadable.chmod(0)
    readable = os.access(unreadable, os.R_OK)  # (root reads it all the same)
    assert (console_options(["--db", str(unreadable)]) is None) is not readable


def test_the_consoles_start_imports_no_click() -> None:
    code = (
        "import sys, triage.entry, triage.start, triage.store.first_page, triage.tui.app; "
        "print('click' in sys.modules)"
    )
    out = run([sys.executable, "-c", code], check=True)
    assert out.stdout.strip() == "False"


def test_subcommands_run_as_before(samples: Path) -> None:
    cable = str(samples / "01_flash_hijack.txt")
    mine = run([TRIAGE, "parse", cable])
    assert mine.returncode == 0, mine.stderr
    assert "26STATE104233" in mine.stdout
    assert mine.stdout == run([*CLICK_GROUP, "parse", cable]).stdout


def test_help_is_clicks() -> None:
    res = run([TRIAGE, "--help"])
    assert res.returncode == 0
    assert res.stdout.startswith("Usage: triage [OPTIONS] [COMMAND]")
    assert "--overview" in res.stdout and "ingest" in res.stdout


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--bogus"], "No such option '--bogus'"),
        (["--overview", "--bogus"], "No such option '--bogus'"),
        (["--db"], "Option '--db' requires an argument"),
        (["--db", "{tmp}"], "Invalid value for '--db'"),
        (["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_usage_errors_are_clicks_without_a_traceback(
    tmp_path: Path, args: list[str], error: str
) -> None:
    argv = [a.format(tmp=tmp_path) for a in args]
    res = run([TRIAGE, *argv])
    assert res.returncode == 2
    assert f"Error: {error}" in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    # word for word the click group's (which names itself as it was started)
    theirs = run([*CLICK_GROUP, *argv])
    assert res.stderr == theirs.stderr.replace("python -m triage.cli", "triage")


def _same_as_the_click_group(args: list[str], env: dict[str, str] | None = None) -> str:
    env = {**os.environ, **(env or {})}
    mine = run([TRIAGE, *args], env=env)
    theirs = run([*CLICK_GROUP, *args], env=env)
    assert (mine.returncode, mine.stderr, mine.stdout) == (
        theirs.returncode,
        theirs.stderr,
        theirs.stdout,
    )
    assert mine.returncode == 1
    assert "Traceback" not in mine.stderr
    return mine.stderr


def test_a_cache_in_a_missing_folder_is_refused_as_before(tmp_path: Path) -> None:
    said = _same_as_the_click_group(["--db", str(tmp_path / "nowhere" / "cache.db")])
    assert said.startswith("triage: ") and "no folder" in said


def test_a_bad_config_file_is_refused_as_before(tmp_path: Path) -> None:
    config = tmp_path / "xdg-config" / "triage" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('officers = "not a list"\n')
    said = _same_as_the_click_group(["--db", str(tmp_path / "cache.db")])
    assert said.startswith("triage: config file ") and str(config) in said


def test_a_missing_database_on_a_server_is_refused_as_before(pg_server: Server) -> None:
    """(said by the helper process that reads the first page: store/first_page.py)"""
    said = _same_as_the_click_group(["--db", pg_server.dsn("no_such_database")])
    assert "cannot connect" in said and "no_such_database" in said


def test_a_cache_that_is_not_one_is_refused_as_before(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is no SQLite database, whatever its name says\n" * 200)
    said = _same_as_the_click_group(["--db", str(junk)])
    assert str(junk) in said
