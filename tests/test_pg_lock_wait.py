"""On PostgreSQL, a command that waits on a lock another session holds (a cable's row held in an
open transaction, the cache's write lock) says so after a second or two, waits a bounded time
(lock_timeout: 30 s, as SQLite's busy timeout, unless the role, database or PGOPTIONS set one),
and when it gives up says so in words, exit 1, no traceback. Real processes: the command runs
as the installed `triage`, the holder is another connection to the test's private server."""

from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage.store import connect
from triage.store import workflow as wf
from triage.store.api import as_target
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths
from triage.store.postgres.dialect import WRITE_LOCK_KEY

from .shared.procs import SAMPLES, TRIAGE, env_for

REF = "26STATE104233"
HANG = 60  # a command not done by then hangs


@pytest.fixture
def cache(pg_url: str) -> Iterator[str]:
    conn = connect(as_target(pg_url))
    ingest(conn, iter_paths([str(SAMPLES)]))
    wf.assign(conn, wf.find_cable(conn, REF), "kwalker", "setup")
    conn.close()
    yield pg_url


def _holding(url: str, what: str):  # type: ignore[no-untyped-def]
    """Another session, in an open transaction, holding the cable's workflow row (FOR UPDATE,
    as a psql session or a slow writer would) or the cache's write lock."""
    import psycopg

    holder = psycopg.connect(url)
    if what == "row":
        holder.execute(
            "SELECT w.status FROM workflow w JOIN cables c ON c.id = w.cable_id "
            "WHERE c.reference_id = %s FOR UPDATE",
            (REF,),
        )
    else:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    return holder


def _start(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [TRIAGE, args[0], "--db", url, *args[1:]],
        env={**env_for(tmp_path / "home"), **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _read_until(fd: int, want: str, deadline: float) -> str:
    """What the process wrote to this pipe until `want` was seen (or the deadline, or its end)."""
    seen = b""
    while want.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
    return seen.decode()


def _state(url: str) -> wf.State:
    conn = connect(as_target(url))
    try:
        return wf.state(conn, wf.find_cable(conn, REF))
    finally:
        conn.close()


def test_a_command_behind_a_held_row_says_so_and_goes_on_when_it_is_free(
    cache: str, tmp_path: Path
) -> None:
    holder = _holding(cache, "row")
    proc = _start(tmp_path, cache, "assign", REF, "jsmith", "--new")
    assert proc.stderr is not None
    try:
        said = _read_until(proc.stderr.fileno(), "it gives up after 30 s", time.monotonic() + HANG)
        pid = holder.info.backend_pid
        assert (
            f"triage: waiting for another session holding {REF}'s row (pid {pid}, role "
        ) in said, said
        assert proc.poll() is None  # still waiting, not given up
        holder.commit()  # the other session lets go
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, said + err.decode()
    assert f"{REF}: officer jsmith (was kwalker's)" in out.decode()
    assert "Traceback" not in said + err.decode()
    assert _state(cache).officer == "jsmith"


@pytest.mark.parametrize(
    ("what", "named"),
    [("row", f"{REF}'s row"), ("write lock", "the cache's write lock")],
)
def test_a_command_that_gives_up_on_a_lock_says_so_in_words(
    cache: str, tmp_path: Path, what: str, named: str
) -> None:
    holder = _holding(cache, what)
    try:
        proc = _start(
            tmp_path,
            cache,
            "status",
            REF,
            "IN PROGRESS",
            PGOPTIONS="-c lock_timeout=3s",  # (an administrator's bound, kept)
        )
        out, err = proc.communicate(timeout=HANG)
        pid = holder.info.backend_pid
    finally:
        holder.close()
    said = err.decode()
    assert proc.returncode == 1, said
    assert "Traceback" not in said and out == b""
    lines = said.splitlines()
    waiting = f"triage: waiting for another session holding {named} (pid {pid}, role "
    assert lines[0].startswith(waiting) and lines[0].endswith("; it gives up after 3 s"), said
    assert lines[1].startswith(
        f"triage: could not change {REF}: database is locked: gave up after 3 s waiting for "
        f"another session holding {named} (pid {pid}, role "
    ), said
    assert lines[1].endswith("; nothing was changed: run the command again"), said
    assert len(lines) == 2, said
    assert _state(cache).status == "ASSIGNED"  # nothing changed


def test_a_wait_is_bounded_as_on_sqlite_unless_the_server_sets_a_bound(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's default lock_timeout (0) waits for ever: triage bounds it at SQLite's busy
    timeout, and keeps a bound the administrator set (the role, the database, PGOPTIONS)."""
    from triage.store.schema import BUSY_TIMEOUT_MS

    conn = connect(as_target(pg_url))
    try:
        got = conn.raw.execute("SHOW lock_timeout").fetchone()[0]  # type: ignore[attr-defined]
    finally:
        conn.close()
    assert got == f"{BUSY_TIMEOUT_MS // 1000}s"
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=7s")
    conn = connect(as_target(pg_url))
    got = conn.raw.execute("SHOW lock_timeout").fetchone()[0]  # type: ignore[attr-defined]
    conn.close()
    assert got == "7s"


def test_on_sqlite_a_command_behind_the_write_lock_says_so_and_goes_on(tmp_path: Path) -> None:
    """The same on SQLite: another process's write (an ingest's batch) held the cache's write
    lock, and `triage assign` sat through it in silence, as if hung."""
    import sqlite3

    db = tmp_path / "cache.db"
    conn = connect(db)
    ingest(conn, iter_paths([str(SAMPLES)]))
    conn.close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as a writer in its transaction holds it
    proc = _start(tmp_path, str(db), "assign", REF, "jsmith", "--new")
    assert proc.stderr is not None
    try:
        said = _read_until(proc.stderr.fileno(), "it gives up after 30 s", time.monotonic() + HANG)
        assert "triage: waiting for the cache's write lock: another triage is writing" in said
        assert proc.poll() is None  # still waiting
        holder.execute("COMMIT")
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, said + err.decode()
    assert f"{REF}: officer jsmith" in out.decode()


def test_commands_run_in_one_process_leave_no_connection_open(cache: str) -> None:
    """The lock watch's thread held each command's connection, so a command run in-process (as
    the tests and any wrapper run them) left it open for good: the CI's server ran out of its
    200 clients."""
    import psycopg
    from click.testing import CliRunner

    from triage.cli import main

    def open_sessions() -> int:
        with psycopg.connect(cache, autocommit=True) as c:
            row = c.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            return int(row[0]) if row else 0

    before = open_sessions()
    for n in range(12):
        r = CliRunner().invoke(main, ["note", "--db", cache, REF, f"note {n}"])
        assert r.exit_code == 0, r.output
    assert open_sessions() <= before


# a long job run with a person's bound of 2 s (BUSY_TIMEOUT_MS, where the server sets none) and
# its notice said again every second, so a wait past the bound takes seconds, not 30
SHORT_BOUND = (
    "import sys; import triage.store.schema as s; s.BUSY_TIMEOUT_MS = 2000; "
    "import triage.store.postgres as p; p.LOCK_REPEAT_S = 1.0; "
    "from triage.cli import main; main(sys.argv[1:], prog_name='triage')"
)


def _start_bounded(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
    import sys

    return subprocess.Popen(
        [sys.executable, "-c", SHORT_BOUND, args[0], "--db", url, *args[1:]],
        env={**env_for(tmp_path / "home"), **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def empty(pg_url: str) -> str:
    connect(as_target(pg_url)).close()  # the schema, no cable
    return pg_url


def test_an_ingest_behind_a_held_lock_waits_past_a_persons_bound_and_stores_all(
    empty: str, tmp_path: Path
) -> None:
    """The 30 s bound set for a person's command applied to ingest, watch and reindex too: an
    ingest of 100,000 cables stopped part-way because a session held the write lock 31 s."""
    from .conftest import N_SAMPLES

    holder = _holding(empty, "write lock")
    pid = holder.info.backend_pid
    proc = _start_bounded(tmp_path, empty, "ingest", str(SAMPLES))
    assert proc.stderr is not None
    still = "triage: still waiting for another session holding the cache's write lock"
    try:
        said = _read_until(proc.stderr.fileno(), still, time.monotonic() + HANG)
        said += _read_until(proc.stderr.fileno(), still, time.monotonic() + HANG)
        assert said.count(still) >= 2, said  # 3.5 s at least: past the 2 s bound
        assert proc.poll() is None, said  # still waiting, not given up
        holder.commit()  # the other session lets go
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
        if proc.poll() is None:
            proc.kill()
    said += err.decode()
    first = said.splitlines()[0]
    assert first.startswith(
        f"triage: waiting for another session holding the cache's write lock (pid {pid}, role "
    ), said
    assert first.endswith("; it waits until the lock is let go (ctrl+c stops it)"), said
    assert f"{still} (pid {pid}, role " in said and " s so far)" in said
    assert "gave up" not in said and "Traceback" not in said
    assert f"added {N_SAMPLES}," in out.decode(), out.decode() + said


def test_a_persons_command_keeps_its_bound_beside_the_long_jobs(cache: str, tmp_path: Path) -> None:
    holder = _holding(cache, "row")
    try:
        proc = _start_bounded(tmp_path, cache, "status", REF, "IN PROGRESS")
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
    said = err.decode()
    assert proc.returncode == 1, said
    assert "; it gives up after 2 s" in said.splitlines()[0], said
    assert f"triage: could not change {REF}: database is locked: gave up after 2 s" in said
    assert _state(cache).status == "ASSIGNED"


def test_an_ingest_that_gives_up_names_every_file_it_did_not_store(
    empty: str, tmp_path: Path
) -> None:
    """An administrator's bound (kept for a long job too) ends the ingest: it said 'what was
    committed is kept', and not which of the files it read were not. (A SHARE lock on the
    cables table, an administrator's, lets the ingest read and begin, and holds its INSERT.)"""
    import psycopg

    holder = psycopg.connect(empty)
    holder.execute("LOCK TABLE cables IN SHARE MODE")
    try:
        proc = _start_bounded(
            tmp_path, empty, "ingest", str(SAMPLES), PGOPTIONS="-c lock_timeout=2s"
        )
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
    said = err.decode()
    assert proc.returncode == 1, said
    assert "Traceback" not in said
    lines = said.splitlines()
    assert lines[0].startswith(
        "triage: waiting for another session holding a lock on the cache's cables table"
    ), said
    assert lines[0].endswith("; it gives up after 2 s"), said
    samples = sorted(str(p) for p in SAMPLES.glob("*.txt"))
    tail = ": read, not stored (its batch was not committed)"
    named = sorted(
        ln.removeprefix("triage: ").removesuffix(tail) for ln in lines if ln.endswith(tail)
    )
    assert named == samples, said
    assert lines[-1].startswith("triage: ingest stopped: "), said
    assert "database is locked: gave up after 2 s waiting for another session holding" in said
    assert lines[-1].endswith(
        f"what was committed is kept; {len(samples)} inputs read and not stored (named above)"
    ), said


def test_an_ingest_that_gives_up_before_reading_says_nothing_is_stored(
    empty: str, tmp_path: Path
) -> None:
    holder = _holding(empty, "write lock")
    try:
        proc = _start_bounded(
            tmp_path, empty, "ingest", str(SAMPLES), PGOPTIONS="-c lock_timeout=2s"
        )
        out, err = proc.communicate(timeout=HANG)
    finally:
        holder.close()
    said = err.decode()
    assert proc.returncode == 1 and "Traceback" not in said, said
    assert said.splitlines()[-1].endswith(
        f"what was committed is kept; no input of {SAMPLES} was read, none is stored"
    ), said
