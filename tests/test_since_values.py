"""What `report --since`, `audit --since/--until` and `export --since/--dated-since` say of a
time that is none (`2026-13-45`), one that reaches before the year 1 (`99999999h`) and one still
to come: the option, the value and what is wrong, exit 2 as a usage error, no traceback. They
gave a hint of the forms taken (`say when like 8h, 2d`: 99999999h is like 8h), an internal
filter's words (`received:>=1-01-01T00:00: wants ...`), and answered a start still to come three
ways: refused (report), an empty log, exit 0 (audit), an empty CSV (export --dated-since)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf

from .conftest import N_SAMPLES

SINCE_OPTIONS = [
    ("report", "--since"),
    ("audit", "--since"),
    ("audit", "--until"),
    ("export", "--since"),
    ("export", "--dated-since"),
]
STARTS = [o for o in SINCE_OPTIONS if o[1] != "--until"]
LONG = "9" * 5000 + "d"


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The host's zone UTC: report reads `2026-11-28` as local time."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def run(db: Path, command: str, option: str, value: str) -> Result:
    return CliRunner().invoke(main, [command, "--db", str(db), option, value])


@pytest.mark.parametrize(("command", "option"), SINCE_OPTIONS)
@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2026-13-45", "there is no month 13"),
        ("2026-02-30", "February 2026 has no day 30 (it has 28)"),
        ("0000-01-01", "there is no year 0"),
        ("2026-11-28 25:00", "there is no hour 25 (00 to 23)"),
        ("99999999h", "99,999,999 hours ago reaches before the year 1"),
        ("-99999999d", "99,999,999 days ago reaches before the year 1"),
        ("200000w", "200,000 weeks ago reaches before the year 1"),
    ],
)
def test_a_time_there_is_not_is_named_with_what_is_wrong(
    db: Path, command: str, option: str, value: str, why: str
) -> None:
    r = run(db, command, option, value)
    assert r.exit_code == 2, r.output
    assert r.stderr == f"triage: {option} {value!r}: {why}\n"
    assert r.stdout == ""


@pytest.mark.parametrize(("command", "option"), SINCE_OPTIONS)
def test_a_value_pasted_by_mistake_is_named_by_its_start(
    db: Path, command: str, option: str
) -> None:
    r = run(db, command, option, LONG)
    assert r.exit_code == 2, r.output
    assert r.stderr == (
        f"triage: {option} {LONG[:30]!r}...: a 5,000-digit number of days ago reaches before "
        "the year 1\n"
    )


@pytest.mark.parametrize(
    ("command", "option", "shown"),
    [
        ("report", "--since", "2099-01-01 00:00"),
        ("audit", "--since", "2099-01-01 UTC"),
        ("export", "--since", "2099-01-01 00:00"),
        ("export", "--dated-since", "2099-01-01 (today is {today} UTC)"),
    ],
)
def test_a_start_still_to_come_is_refused_alike_everywhere(
    db: Path, command: str, option: str, shown: str
) -> None:
    """One answer to a future start: refused, saying so (an empty report, log or CSV read as a
    quiet shift, not as a mistyped year)."""
    import datetime as dt

    today = dt.datetime.now(dt.UTC).date().isoformat()
    r = run(db, command, option, "2099-01-01")
    assert r.exit_code == 2, r.output
    assert r.stderr == (
        f"triage: {option} '2099-01-01': {shown.format(today=today)} is still to come: nothing "
        "can be that new yet\n"
    )
    assert r.stdout == ""
    r = run(db, command, option, "+5h")
    assert r.exit_code == 2, r.output
    assert r.stderr == (
        f"triage: {option} '+5h': 5 hours from now is still to come: nothing can be that new yet\n"
    )


def test_an_end_still_to_come_is_the_log_as_it_is(db: Path) -> None:
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26STATE104233"), "jsmith", "kwalker")
    conn.close()
    everything = CliRunner().invoke(main, ["audit", "--db", str(db)])
    r = run(db, "audit", "--until", "2099-01-01")
    assert r.exit_code == 0, r.output
    assert "26STATE104233  officer  - -> jsmith" in r.stdout
    assert r.stdout == everything.stdout
    r = run(db, "audit", "--until", "+5h")  # (it said `wants a UTC date like ...`)
    assert r.exit_code == 0, r.output
    assert r.stdout == everything.stdout


@pytest.mark.parametrize(("command", "option"), STARTS)
def test_the_first_day_there_is_starts_everything(db: Path, command: str, option: str) -> None:
    """`export --since 0001-01-01` said `--view All: received:>=1-01-01T00:00: wants 24h, ...`
    (`%Y` wrote the year 1 as `1`)."""
    r = run(db, command, option, "0001-01-01")
    assert r.exit_code == 0, r.output
    if command == "export":
        assert len(list(csv.reader(io.StringIO(r.stdout)))) == N_SAMPLES + 1  # + the header
