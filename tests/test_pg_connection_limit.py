"""A console on PostgreSQL whose role may hold few connections (CONNECTION LIMIT, or a server
near max_connections). Its workers each opened a connection of their own, the server refused
those past the limit (`FATAL: too many connections for role "jsmith"`), and the workers failed
in silence: NO CABLES IN VIEW, `Inbox …  New …` for good, no reason given. The workers now
share a bounded pool and wait for one another; a console that cannot get even that says why
and tries again by itself."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import psycopg
from click.testing import CliRunner

from triage.cli import main
from triage.store import connect
from triage.store.api import as_target
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths
from triage.tui.screens.cache_lost import CacheLostScreen

from .conftest import N_SAMPLES
from .test_console import make_app, settle, static_text

_names = itertools.count(1)


def officer_db(pg_url: str, samples: Path, limit: int) -> tuple[str, Path]:
    """An initialised database with the samples, and an officer role allowed `limit`
    connections: (the role, the URL the officer gives --db)."""
    assert CliRunner().invoke(main, ["init", "--db", pg_url]).exit_code == 0
    conn = connect(as_target(pg_url))
    ingest(conn, iter_paths([str(samples)]))
    conn.close()
    role = f"officer{os.getpid()}_{next(_names)}"
    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT {limit} IN ROLE triage_officer")
    return role, as_target(pg_url.replace("triage_admin@", f"{role}@"))


async def test_a_role_allowed_two_connections_still_gets_its_whole_list(
    pg_url: str, samples: Path
) -> None:
    _role, url = officer_db(pg_url, samples, limit=2)
    app = make_app(url)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert not isinstance(app.screen, CacheLostScreen), app.screen
        tabs = static_text(app, "#tabs")
        assert f"Inbox {N_SAMPLES}" in tabs and f"All {N_SAMPLES}" in tabs, tabs
        assert "NO CABLES IN VIEW" not in static_text(app, "#banner-top")


async def test_a_refused_connection_is_said_and_the_console_comes_back(
    pg_url: str, samples: Path
) -> None:
    role, url = officer_db(pg_url, samples, limit=1)
    app = make_app(url)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CacheLostScreen), app.screen
        title = str(app.screen.query_one("#lost-title").render())
        assert "refused a connection" in title, title
        why = str(app.screen.query_one("#lost-why").render())
        assert f"too many connections for role {role}" in why, why
        assert "each console uses up to 5 connections" in why, why
        with psycopg.connect(pg_url, autocommit=True) as c:
            c.execute(f"ALTER ROLE {role} CONNECTION LIMIT 5")
        await pilot.press("r")  # (as the console's own retry at the next poll)
        for _ in range(50):
            await settle(pilot)
            if not isinstance(app.screen, CacheLostScreen):
                break
            await pilot.pause(0.1)
        assert not isinstance(app.screen, CacheLostScreen)
        await settle(pilot)
        tabs = static_text(app, "#tabs")
        assert f"Inbox {N_SAMPLES}" in tabs, tabs
