"""Property: whatever arguments a command is given and whatever the config file holds, what
reaches the user is a result or one clear line, never a Python traceback (issue 13).

Every command of the CLI but those that open the console (`triage`, `demo`) or run until
interrupted (`watch` on a folder that exists) is driven through click's CliRunner, on one
cache holding the sample cables, with arguments drawn from each command's own options and
from values that have broken triage before (huge numbers, calendar ends, comparison runs,
control characters). The config file is drawn from its real keys with values of any TOML type.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.cli import INTERNAL_ERROR, main
from triage.store import connect
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths

from .conftest import SAMPLES

EXPECTED_EXITS = {0, 1, 2}  # done; a message (CliError, rejects); a usage error
SKIPPED = {"demo"}  # opens the console

REFS = ["26STATE104233", "26PARIS1877", "26paris1877", "NOSUCH1", ""]
HOSTILE = [
    "",
    "-",
    "--",
    "0",
    "-1",
    "99999999999999999999",
    "9" * 5000,
    "+9999999d",
    "+999999999999w",
    "+0m",
    "9999-12-31",
    "9999-12-31 23:59",
    "0001-01-01 00:00",
    "10000-01-01",
    "2026-02-30",
    "today 24:00",
    "fri 23:59",
    ">>=FLASH",
    "=>IMMED",
    ">=",
    "<",
    "FLASH",
    "flash",
    "NIACT",
    "status:NEW",
    "IN PROGRESS",
    "7",
    "nan",
    "inf",
    "me",
    "none",
    "/dev/null",  # (not "/" or ".": ingest would read the whole tree)
    "/nonexistent/x.txt",
    "x" * 300,
    "\x1b]0;owned\x07",
    "[bold]x[/",
    "a\x00b",
    "é\u202e\ufeff",
    "line\nbreak",
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(REFS),
    st.text(max_size=30),
    st.integers().map(str),
    st.dates().map(str),
)


def command_args(name: str, cmd: click.Command) -> st.SearchStrategy[list[str]]:
    """Arguments for one command: its options (with values), its arguments, in any mix."""
    opts: list[st.SearchStrategy[list[str]]] = []
    for p in cmd.params:
        if isinstance(p, click.Option) and p.name not in ("db_opt", "help"):
            flag = p.opts[-1]
            if p.is_flag:
                opts.append(st.just([flag]))
            else:
                opts.append(VALUES.map(lambda v, f=flag: [f, v]))
    positional = st.lists(st.one_of(st.sampled_from(REFS), VALUES), max_size=4)
    chosen = st.lists(st.one_of(*opts), max_size=3) if opts else st.just([])
    return st.tuples(chosen, positional).map(
        lambda t: [name, *[x for group in t[0] for x in group], *t[1]]
    )


COMMANDS = {n: c for n, c in main.commands.items() if n not in SKIPPED}
INVOCATIONS = st.one_of(*(command_args(n, c) for n, c in sorted(COMMANDS.items())))


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("prop") / "cache.db"
    conn = connect(path)
    ingest(conn, iter_paths([str(SAMPLES)]))
    conn.close()
    return path


def invoke(args: list[str], db: Path, config_text: str | None, stdin: str) -> None:
    # in a folder of its own: `export -o VALUE` writes there, `ingest .` reads only it
    with tempfile.TemporaryDirectory() as home, contextlib.chdir(home):
        env = {"XDG_CONFIG_HOME": home, "TZ": "Asia/Tokyo"}
        if config_text is not None:
            (Path(home) / "triage").mkdir()
            (Path(home) / "triage" / "config.toml").write_text(config_text)
        if args[0] == "watch":  # a folder that exists would be watched until interrupted
            args = [a for a in args if not os.path.exists(a) or a.startswith("-")]
        takes_db = any(p.name == "db_opt" for p in main.commands[args[0]].params)
        db_args = ["--db", str(db)] if takes_db else []
        result = CliRunner().invoke(main, [args[0], *db_args, *args[1:]], input=stdin, env=env)
    shown = (
        f"{[a if len(a) < 80 else a[:60] + '...' for a in args]!r}\n{config_text}\n{result.output}"
    )
    assert "Traceback" not in result.output, shown
    assert result.exit_code in EXPECTED_EXITS, shown
    assert result.exit_code != INTERNAL_ERROR, shown
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), f"{shown}\n{result.exception!r}"


# a good value for each argument, so that a sweep reaches the argument it puts a bad one in
GOOD = {
    "ref": ["26PARIS1877"],
    "officer": ["kwalker"],
    "status": ["NEW"],
    "when": ["+2d"],
    "text": ["a note"],
    "files": [str(SAMPLES / "04_immediate_paris.txt")],
    "paths": ["-"],
    "folder": ["/nonexistent-folder"],
    # migrate: a source that is not there (a hostile destination is then never opened, and a
    # hostile source is refused before one is made)
    "source": ["/nonexistent-source.db"],
    "destination": ["copy.db"],
}


def test_every_argument_of_every_command_with_each_hostile_value(shared_db: Path) -> None:
    """The sweep: each command, each of its options and arguments in turn given each value
    of HOSTILE, the others good."""
    for name, cmd in sorted(COMMANDS.items()):
        positional = [p for p in cmd.params if isinstance(p, click.Argument)]
        options = [
            p
            for p in cmd.params
            if isinstance(p, click.Option) and p.name not in ("db_opt", "help") and not p.is_flag
        ]
        base = [v for p in positional for v in GOOD[str(p.name)]]
        for value in HOSTILE:
            for k in range(len(positional)):
                args = [v for q in positional[:k] for v in GOOD[str(q.name)]]
                args += [value, *[v for q in positional[k + 1 :] for v in GOOD[str(q.name)]]]
                invoke(
                    [name, "--", *args] if value.startswith("-") else [name, *args],
                    shared_db,
                    None,
                    "",
                )
            for opt in options:
                invoke([name, opt.opts[-1], value, *base], shared_db, None, "")


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(args=INVOCATIONS, stdin=st.sampled_from(["", "a note", "\xff\x00", "x" * 10_000]))
def test_no_command_argument_ends_in_a_traceback(
    shared_db: Path, args: list[str], stdin: str
) -> None:
    invoke(args, shared_db, None, stdin)


# -- the config file -----------------------------------------------------------------------------


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if v == v and v not in (float("inf"), float("-inf")) else "nan"
    if isinstance(v, str):
        return '"' + v.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(x)}' for k, x in v.items()) + " }"
    raise TypeError(v)


SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(HOSTILE[:25]),
    st.dates(),
)
ANY = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["a", "name", "filter", "officer", "tags", "FLASH"]), inner, max_size=3
        ),
    ),
    max_leaves=6,
)
SUBKEYS = {
    "office": ["routing_indicators", "addresses", "x"],
    "objectives": ["FLASH", "NIACT_IMMEDIATE", "ROUTINE", "flash", "EMERGENCY", "NOPE"],
    "keymap": ["list.down", "cable.back", "app.quit", "no.such"],
    "view": ["name", "filter", "x"],
    "route": ["officer", "tags", "origin", "subject", "tag"],
}


@st.composite
def config_files(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for key in draw(
        st.lists(
            st.sampled_from(["db", "group", "officers", "FLASH", "x"]), max_size=3, unique=True
        )
    ):
        lines.append(f'"{key}" = {toml_value(draw(ANY))}')
    for table in draw(st.lists(st.sampled_from(sorted(SUBKEYS)), max_size=3, unique=True)):
        array = table in ("view", "route") and draw(st.booleans())
        for _ in range(draw(st.integers(1, 2)) if array else 1):
            lines.append(f"[[{table}]]" if array else f"[{table}]")
            for sub in draw(st.lists(st.sampled_from(SUBKEYS[table]), max_size=3, unique=True)):
                value = draw(st.one_of(ANY, st.sampled_from(HOSTILE), st.just(["PTER"])))
                lines.append(f'"{sub}" = {toml_value(value)}')
    if draw(st.integers(0, 9)) == 0:  # a broken file now and then
        lines.insert(
            draw(st.integers(0, len(lines))), draw(st.sampled_from(["[", "x =", "= 1", "[[a]"]))
        )
    return "\n".join(lines) + "\n"


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    config_text=config_files(),
    args=st.sampled_from(
        [
            ["export"],
            ["export", "--view", "Inbox"],
            ["assign", "26STATE104233", "kwalker"],
            ["due", "26PARIS1877", "+2d"],
            ["raw", "26PARIS1877"],
            ["ingest", "-"],
        ]
    ),
)
def test_no_config_value_ends_in_a_traceback(
    shared_db: Path, config_text: str, args: list[str]
) -> None:
    invoke(args, shared_db, config_text, "")
