"""What a sixth fresh-eyes tester (eyes18) found on the command line: a repeated --officer or
--precedence kept only the last, so the morning's CSV was silently short; --ack --no-ack closed
a FLASH unacknowledged; `due REF ''` cleared a due date; refs typed with a space worked in
thread but not in raw or audit; refusals read as notes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, [args[0], "--db", str(db), *args[1:]])


def refs_of(output: str) -> set[str]:
    return {row["reference_id"] for row in csv.DictReader(io.StringIO(output))}


def state_of(db: Path, ref: str) -> wf.State:
    conn = connect(db)
    try:
        return wf.state(conn, wf.find_cable(conn, ref))
    finally:
        conn.close()


def test_a_repeated_officer_or_precedence_means_either(db: Path) -> None:
    assert run(db, "assign", "26JCS911", "jsmith", "--new").exit_code == 0
    assert run(db, "assign", "26STATE104233", "kwalker", "--new").exit_code == 0
    r = run(db, "export", "--officer", "jsmith", "--officer", "kwalker")
    assert r.exit_code == 0, r.output
    assert refs_of(r.stdout) == {"26JCS911", "26STATE104233"}, r.stdout
    r = run(db, "export", "--precedence", "FLASH", "--precedence", "EMERGENCY")
    flash = run(db, "export", "--precedence", "FLASH")
    emergency = run(db, "export", "--precedence", "EMERGENCY")
    assert refs_of(r.stdout) == refs_of(flash.stdout) | refs_of(emergency.stdout)
    assert len(refs_of(r.stdout)) >= 3, r.stdout


def test_ack_and_no_ack_together_are_refused(db: Path) -> None:
    r = run(db, "status", "26STATE104233", "DONE", "--ack", "--no-ack")
    assert r.exit_code == 1
    assert "--ack and --no-ack ask for opposite things" in r.output, r.output
    st = state_of(db, "26STATE104233")
    assert (st.status, st.ack_by) == ("NEW", None)


def test_an_empty_due_time_is_refused_not_a_clearing(db: Path) -> None:
    assert run(db, "due", "26STATE104233", "+2d").exit_code == 0
    for empty in ("", "   "):
        r = run(db, "due", "26STATE104233", empty)
        assert r.exit_code == 1 and "no due time given" in r.output, r.output
    assert state_of(db, "26STATE104233").due_at is not None
    assert run(db, "due", "26STATE104233", "none").exit_code == 0
    assert state_of(db, "26STATE104233").due_at is None


def test_a_refused_note_is_not_labelled_as_a_note(db: Path) -> None:
    r = run(db, "note", "26PARIS1877", "x" * 10_001)
    assert r.exit_code == 1
    assert "triage: 26PARIS1877: the note was not saved: a note holds at most" in r.output
    assert "triage: note:" not in r.output


def test_a_reference_with_a_space_or_no_year_is_taken_by_raw_and_audit(db: Path) -> None:
    r = run(db, "raw", "PARIS 1877")
    assert r.exit_code == 0 and r.stdout.startswith("VZCZC"), r.output
    assert run(db, "assign", "paris 1877", "jsmith", "--new").exit_code == 0
    r = run(db, "audit", "--cable", "PARIS 1877")
    assert r.exit_code == 0 and "26PARIS1877  officer" in r.stdout, r.output
    assert run(db, "raw", "PARIS 999999").exit_code == 1


def test_closed_unacknowledged_since_another_day_names_the_day(db: Path) -> None:
    r = run(db, "status", "26STATE104233", "NO ACTION", "--no-ack")
    assert r.exit_code == 0, r.output
    r = run(db, "report", "--since", "2d")
    assert r.exit_code == 0, r.output
    heading = next(ln for ln in r.stdout.splitlines() if "Closed unacknowledged since" in ln)
    # `since 11-28 20:22Z`, not `since 20:22Z` (read as minutes ago)
    assert heading.split("since ", 1)[1][:5].count("-") == 1, heading


def test_audit_until_a_minute_takes_in_that_minute_and_a_range_backwards_is_said(
    db: Path,
) -> None:
    assert run(db, "assign", "26PARIS1877", "jsmith", "--new").exit_code == 0
    last = run(db, "audit").stdout.strip().splitlines()[-1].split()
    minute = f"{last[1]}T{last[2]}"  # `2026-11-30T20:22Z`, as the log prints it
    r = run(db, "audit", "--since", minute, "--until", minute)
    assert r.exit_code == 0 and "26PARIS1877  status  NEW -> ASSIGNED" in r.stdout, r.output
    r = run(db, "audit", "--since", "2026-11-30", "--until", "2026-11-29")
    assert r.exit_code == 1 and "is not before --until" in r.output, r.output


def test_audit_until_the_last_minute_there_is(db: Path) -> None:
    """The minute taken in went past the last time a date can hold: an internal error."""
    r = run(db, "audit", "--until", "9999-12-31 23:59")
    assert r.exit_code == 0 and "internal error" not in r.output, r.output
