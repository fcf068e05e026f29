"""A PostgreSQL database where `triage init` was never run: only init (or migrate) makes the
tables, because it grants the officers' and the ingest roles their rights with them. An ingest by
the owner made them silently without those grants (officers were then told to ask for a GRANT
they had); an officer's report told the officer to run init as themselves, and their console
said their role had no rights."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from triage.cli import main

from .pgserver import Server

_NAMES = itertools.count()


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def said(output: str) -> str:
    return " ".join(output.split())


@pytest.fixture
def fresh(pg_server: Server) -> Iterator[tuple[str, str, str]]:
    """(owner's URL, officer's URL, owner's role) of a new database owned by a login role of
    its own, as the README sets one up, with no triage tables in it."""
    n = os.getpid()
    owner, officer = f"nc_owner{n}", f"nc_kwalker{n}"
    with psycopg.connect(pg_server.dsn(), autocommit=True) as c:
        for role in ("triage_officer", "triage_ingest"):
            c.execute(
                f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        for role, extra in ((owner, "CREATEROLE"), (officer, "")):
            c.execute(
                f"DO $$ BEGIN CREATE ROLE {role} LOGIN {extra}; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        c.execute(f"GRANT triage_officer TO {officer}")
        name = f"nc{n}_{next(_NAMES)}"
        c.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
    yield pg_server.dsn(name, user=owner), pg_server.dsn(name, user=officer), owner


def _tables(url: str) -> int:
    with psycopg.connect(url) as c:
        got = c.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchone()
    return int(got[0]) if got else -1


NO_CACHE = "this database has no triage cache yet: the owner runs `triage init --db"


def test_an_owners_ingest_into_a_database_never_initialised_is_refused(
    fresh: tuple[str, str, str], samples: Path, tmp_path: Path
) -> None:
    owner_url, officer_url, _owner = fresh
    r = run("ingest", "--db", owner_url, str(samples / "01_flash_hijack.txt"))
    assert r.exit_code == 1, r.output
    assert f"{NO_CACHE} {owner_url}` first" in said(r.output), r.output
    assert "added" not in r.output
    assert _tables(owner_url) == 0  # nothing created
    drop = tmp_path / "drop"
    drop.mkdir()
    r = run("watch", "--db", owner_url, str(drop))
    assert r.exit_code == 1, r.output
    assert NO_CACHE in said(r.output), r.output
    assert _tables(owner_url) == 0
    # init, then the same ingest: the officer reads what it stored
    assert run("init", "--db", owner_url).exit_code == 0
    r = run("ingest", "--db", owner_url, str(samples / "01_flash_hijack.txt"))
    assert r.exit_code == 0 and "added 1" in r.output, r.output
    r = run("report", "--db", officer_url)
    assert r.exit_code == 0, r.output
    assert "GRANT" not in r.output


def test_an_officer_on_a_database_never_initialised_is_told_the_owner_runs_init(
    fresh: tuple[str, str, str],
) -> None:
    _owner_url, officer_url, owner = fresh
    officer = officer_url.split("://", 1)[1].split("@", 1)[0]
    owners_string = officer_url.replace(f"{officer}@", f"{owner}@")
    want = f"{NO_CACHE} {owners_string}` first (as the database's owner, {owner}, not as {officer})"
    for args in (("report",), ()):  # a command, and the console
        r = run(*args, "--db", officer_url)
        assert r.exit_code == 1, r.output
        assert want in said(r.output), r.output
        assert f"--db {officer_url}" not in r.output
        assert "has no rights to triage here" not in r.output
        assert "Traceback" not in r.output
    assert _tables(officer_url) == 0
