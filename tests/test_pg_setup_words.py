"""What `init`, `migrate` and `--help` tell the person setting up a PostgreSQL cache."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from click.testing import CliRunner

from triage.cli import main


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_db_help_says_it_takes_a_url_too() -> None:
    for args in (["--help"], ["note", "--help"], ["ingest", "--help"]):
        r = run(*args)
        assert "--db FILE|URL" in r.output and "postgresql:// URL" in r.output, r.output
        assert "The cache file." not in r.output


def test_init_names_the_database_in_its_advice(pg_url: str) -> None:
    r = run("init", "--db", pg_url)
    assert r.exit_code == 0, r.output
    with psycopg.connect(pg_url) as c:
        name = c.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    assert "<this database>" not in r.output
    assert f"REVOKE CONNECT ON DATABASE {name} FROM PUBLIC" in r.output, r.output


def test_migrate_by_an_officer_says_which_role_it_needs(
    pg_url: str, tmp_path: Path, samples: Path
) -> None:
    src = tmp_path / "src.db"
    assert run("ingest", "--db", str(src), str(samples)).exit_code == 0
    assert run("init", "--db", pg_url).exit_code == 0
    role = f"mig{os.getpid()}"
    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute(f"CREATE ROLE {role} LOGIN IN ROLE triage_officer")
        owner = c.execute("SELECT current_user").fetchone()[0]  # type: ignore[index]
    r = run("migrate", str(src), pg_url.replace("triage_admin@", f"{role}@"))
    assert r.exit_code == 1, r.output
    assert "permission denied" in r.output, r.output
    assert "run the same command again" not in r.output
    assert f"runs as the role that owns the tables (the one that ran `triage init`: {owner})" in (
        " ".join(r.output.split())
    ), r.output
