"""Bytes that are not UTF-8 where the system hands triage text: file names, arguments, a note
on standard input. Python holds such a byte as a lone surrogate, which SQLite, the terminal and
the CSV writer each refuse: ingest stopped for ever on a folder holding `05\\xe9t\\xe9.txt`,
watch died on it (exit 70, and nothing dropped later was stored), and `note` ended in an
internal error. Real processes, as an officer runs them."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from triage.store import connect
from triage.store import workflow as wf

from .test_neighbours import HANG, TRIAGE, _read_until

SAMPLE = Path(__file__).resolve().parent.parent / "sample_cables" / "01_flash_hijack.txt"
LATIN1_NAME = b"05\xe9t\xe9.txt"  # `05été.txt` written by a Latin-1 system


def run(*args: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*TRIAGE, *args], capture_output=True, timeout=HANG, input=stdin, check=False
    )


def folder(tmp_path: Path) -> Path:
    drop = tmp_path / "drop"
    drop.mkdir()
    text = SAMPLE.read_bytes()
    (drop / "ok.txt").write_bytes(text)
    with open(os.path.join(os.fsencode(drop), LATIN1_NAME), "wb") as fh:
        fh.write(text.replace(b"104233", b"104901"))
    return drop


def sources(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT reference_id, source FROM cables").fetchall())
    finally:
        conn.close()


def test_ingest_stores_a_file_named_in_latin1_and_names_it(tmp_path: Path) -> None:
    drop, db = folder(tmp_path), tmp_path / "c.db"
    r = run("ingest", "--db", str(db), str(drop))
    assert r.returncode == 0, r.stderr
    assert b"added 2, updated 0, unchanged 0, rejected 0" in r.stdout
    got = sources(db)
    assert got["26STATE104901"] == f"{drop}/05\\xe9t\\xe9.txt"  # as `ls -b` writes it
    assert got["26STATE104233"] == f"{drop}/ok.txt"
    again = run("ingest", "--db", str(db), str(drop))
    assert b"unchanged 2" in again.stdout, again.stderr


def test_watch_takes_a_file_named_in_latin1_and_goes_on(tmp_path: Path) -> None:
    drop, db = folder(tmp_path), tmp_path / "c.db"
    proc = subprocess.Popen(
        [*TRIAGE, "watch", "--db", str(db), "--interval", "0.1", str(drop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        seen = _read_until(
            proc.stdout.fileno(), ["26STATE104901", "26STATE104233"], time.monotonic() + HANG
        )
        assert "ingested 26STATE104901" in seen, seen
        assert proc.poll() is None  # still watching
        (drop / "later.txt").write_bytes(SAMPLE.read_bytes().replace(b"104233", b"104299"))
        out = _read_until(proc.stdout.fileno(), ["26STATE104299"], time.monotonic() + HANG)
        assert "ingested 26STATE104299" in out
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=HANG)
    assert b"internal error" not in err and b"Traceback" not in err


def test_a_note_and_an_officer_in_latin1_bytes(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    assert run("ingest", "--db", str(db), str(SAMPLE)).returncode == 0
    # a note piped from a Latin-1 file is read as cables are: cp1252 when it is not UTF-8
    r = run("note", "--db", str(db), "26STATE104233", "-", stdin=b"caf\xe9 with the RSO")
    assert r.returncode == 0, r.stderr
    r = run("note", "--db", str(db), "--append", "26STATE104233", b"na\xefve")
    assert r.returncode == 0, r.stderr
    conn = connect(db)
    note = wf.state(conn, wf.find_cable(conn, "26STATE104233")).note
    conn.close()
    assert note == "café with the RSO\nnaïve"
    # an officer's name in such bytes is refused by name, not an internal error
    r = run("assign", "--db", str(db), "26STATE104233", b"j\xe9")
    assert r.returncode == 1
    assert b"j\\xe9: not UTF-8 text" in r.stderr and b"internal error" not in r.stderr


def test_a_cache_path_in_latin1_bytes_is_refused_before_it_is_made(tmp_path: Path) -> None:
    name = os.path.join(os.fsencode(tmp_path), b"\xe9.db")
    r = run("--db", name, "ingest", str(SAMPLE))
    assert r.returncode == 1
    assert b"\\xe9.db: a cache's path must be UTF-8 text" in r.stderr
    assert not os.path.exists(name)
