"""A NUL in a note (a pasted binary, `printf 'a\\0b'`) on both backends: PostgreSQL text cannot
hold NUL and stores its symbol (U+2400), and the audit log's hash once covered the NUL the user
typed, not the symbol stored, so on PostgreSQL the chain broke at that row and every console
showed a tamper alarm nobody could clear; `triage migrate` then carried the broken row to
SQLite too. A note is now stored, hashed and shown the same on both."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from triage.cli import main
from triage.store import connect
from triage.store import workflow as wf
from triage.store.audit import GENESIS, append, row_hash
from triage.store.clock import utcnow

BACKENDS = ("sqlite", "postgresql")

REF = "26PARIS1877"


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def test_a_note_with_a_nul_keeps_the_audit_chain_whole(db: Path) -> None:
    assert run("audit", "--verify", "--db", str(db)).exit_code == 0
    r = run("note", "--db", str(db), REF, "-", input=b"line one\x00two")
    assert r.exit_code == 0, r.output
    r = run("audit", "--verify", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "audit log OK" in r.output and "broken" not in r.output
    # the note reads back as it was stored, the same on both backends
    conn = connect(db)
    assert wf.state(conn, wf.find_cable(conn, REF)).note == "line one\u2400two"
    # setting the same note again is no change (the NUL typed is the symbol stored)
    r = run("note", "--db", str(db), REF, "-", input=b"line one\x00two")
    assert r.exit_code == 0, r.output
    rows = conn.execute("SELECT count(*) FROM audit WHERE field = 'note'").fetchone()[0]
    assert rows == 1


def test_a_note_with_a_nul_migrates_and_verifies_both_ways(
    tmp_path: Path, db: Path, backend: str, pg_url: str
) -> None:
    run("note", "--db", str(db), REF, "-", input=b"a\x00b")
    other = pg_url if backend == "sqlite" else str(tmp_path / "copy.db")
    r = run("migrate", str(db), other)
    assert r.exit_code == 0, r.output
    assert "hash chain holds at the destination" in r.output
    r = run("audit", "--verify", "--db", other)
    assert r.exit_code == 0, r.output
    back = tmp_path / "back.db"
    r = run("migrate", other, str(back))
    assert r.exit_code == 0, r.output
    assert run("audit", "--verify", "--db", str(back)).exit_code == 0


def test_a_row_hashed_over_a_nul_by_an_earlier_triage_still_verifies(
    db: Path, tmp_path: Path, backend: str, pg_url: str
) -> None:
    """The databases the fault already broke: the row's hash covers the NUL, the server (or a
    migrate to PostgreSQL and back) stored the symbol: no false alarm."""
    conn = connect(db)
    cid = wf.find_cable(conn, REF)
    conn.execute("BEGIN IMMEDIATE")
    head = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    last, prev = head or (0, GENESIS)
    values = (utcnow(), "jsmith", cid, REF, "note", None, "old\x00note")
    # as the earlier triage wrote it: hashed over the NUL, written as is (PostgreSQL: the
    # symbol; SQLite: the NUL)
    conn.execute(
        "INSERT INTO audit (id, at, who, cable_id, reference_id, field, old, new, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (last + 1, *values, row_hash(last + 1, values, prev)),
    )
    append(conn, [(utcnow(), "jsmith", cid, REF, "note", "old\x00note", "")])
    conn.execute("COMMIT")
    conn.close()
    r = run("audit", "--verify", "--db", str(db))
    assert r.exit_code == 0, r.output
    # carried to the other backend, and back
    other = pg_url if backend == "sqlite" else str(tmp_path / "copy.db")
    r = run("migrate", str(db), other)
    assert r.exit_code == 0, r.output
    assert run("audit", "--verify", "--db", other).exit_code == 0
