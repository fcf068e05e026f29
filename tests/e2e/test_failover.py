"""Failover as the README's "Several hosts" section sets it up: a streaming replica, and a
multi-host connection string with target_session_attrs=read-write. The primary stops for good
and the replica is promoted: a console open on the string (a process of its own) says the
server is unreachable, then reconnects by itself to the promoted replica and is live there;
the commands find it with the same string; every change made before the failover is there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from triage.store.api import as_target

from ..conftest import N_SAMPLES
from ..pgserver import ADMIN, Server
from ..shared.procs import SAMPLES, Console, env_for, fresh_status, triage


@pytest.fixture
def pair() -> Iterator[tuple[Server, Server]]:
    primary, standby = Server(), Server()
    try:
        primary.init()
        standby.standby_of(primary)
        yield primary, standby
    finally:
        standby.close()
        primary.close()


def replayed(primary: Server) -> None:
    """Wait until the replica has replayed everything the primary has written (asked of the
    primary's pg_stat_replication, each answer a round trip; bounded)."""
    with psycopg.connect(primary.dsn(), autocommit=True) as c:
        for _ in range(600):
            row = c.execute(
                "SELECT replay_lsn >= pg_current_wal_lsn() FROM pg_stat_replication"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)  # polling the server's own progress figure, with a deadline
    raise AssertionError("the replica did not catch up within 30 s")


def test_the_console_follows_a_failover_to_the_promoted_replica(
    pair: tuple[Server, Server], tmp_path: Path
) -> None:
    primary, standby = pair
    with psycopg.connect(primary.dsn(), autocommit=True) as c:
        c.execute("CREATE DATABASE triage")
    url = (
        f"host={primary.sock},{standby.sock} user={ADMIN} dbname=triage "
        "target_session_attrs=read-write"
    )
    db = as_target(url)
    env = env_for(tmp_path / "cli")
    triage(db, "init", env=env)
    triage(db, "ingest", str(SAMPLES), env=env)
    triage(db, "assign", "26ROME1301", "kwalker", env=env)
    console = Console(db, tmp_path / "home", login="jsmith")
    try:
        console.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        replayed(primary)
        primary.stop("immediate")
        console.wait_for("Database server unreachable", timeout=10)
        standby.promote()
        # the same string finds the promoted replica, which holds every change made before
        assert fresh_status(db, "26ROME1301") == ("kwalker", "ASSIGNED")
        triage(db, "assign", "26PARIS1877", "mlopez", env=env)
        # the console reconnected by itself and is live there (LISTEN on the new primary)
        console.wait_for("mlopez", timeout=20)
        assert "NOT LIVE" not in console.screen()
        triage(db, "assign", "26BERLIN705", "abrown", env=env)
        console.wait_for("abrown", timeout=5)
        assert console.close().get("quarantined") is False
    finally:
        console.kill()
