"""What a fifth fresh-eyes tester (eyes15) found running triage on PostgreSQL as an office
would (the migrate's and the note editor's are in test_backends.py and test_note_editor.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from triage.cli import main
from triage.store import connect


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_a_url_one_slash_short_is_named_as_such(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`--db postgresql:/triage` answered "no cache here (no folder .../postgresql:)"."""
    monkeypatch.chdir(tmp_path)
    for url in ("postgresql:/triage", "postgres:triage"):
        r = run("export", "--db", url)
        assert r.exit_code != 0
        assert f"{url}: not a PostgreSQL URL" in r.output and "postgresql://" in r.output, r.output
        assert not (tmp_path / "postgresql:").exists()


def test_the_audit_says_one_row_not_1_rows(db: Path, tmp_path: Path) -> None:
    assert run("assign", "--db", str(db), "26PARIS1877", "kwalker").exit_code == 0
    r = run("export", "--db", str(db), "--officer", "kwalker", "-o", str(tmp_path / "x.csv"))
    assert r.exit_code == 0, r.output
    conn = connect(db)
    said = [n for (n,) in conn.execute("SELECT new FROM audit WHERE field = 'export'")]
    conn.close()
    assert said and said[-1].startswith("1 row to "), said


def test_a_stopped_migrate_says_how_far_it_got(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """eyes15: ctrl+c said only "migrate stopped; run the same command again", where a stopped
    ingest says how far it got."""
    import triage.store.migrate as mig

    def stopped(src, dst, name, *, force=False, on_progress=None, batch=200):  # type: ignore[no-untyped-def]
        on_progress("cables", 4_600, 15_309)
        raise KeyboardInterrupt

    monkeypatch.setattr(mig, "migrate", stopped)
    src = tmp_path / "a.db"
    assert run("init", "--db", str(src)).exit_code == 0
    r = run("migrate", str(src), str(tmp_path / "b.db"))
    assert r.exit_code != 0
    assert "migrate stopped after 4,600 of 15,309 cables; run the same command again" in (
        r.output
    ), r.output
