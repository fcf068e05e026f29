"""bench/run.py runs end to end on 1,000 cables. Only that it runs: times belong in bench/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_at_1000(tmp_path: Path) -> None:
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "1000",
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert any(line.strip().startswith("1,000 |") for line in lines)
    assert "ingest/s" in res.stdout and "floor x" in res.stdout
    assert "overview ms" in res.stdout and "report s" in res.stdout


def test_bench_real_text_mode_builds_new_serials_and_compares_with_the_floor(
    tmp_path: Path,
) -> None:
    """The real-text mode on the project's own sample cables (the bench reads the shared
    corpus at run time; a test never does): every row stored as a new cable."""
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--sizes",
            "300",
            "--real-only",
            "--corpus",
            str(ROOT / "sample_cables"),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    row = next(ln for ln in res.stdout.splitlines() if ln.strip().startswith("300 |"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[2] == "300"  # stored: 300 new cables, none an update of another
    assert float(cells[6]) > 0  # floor x
    assert not list(tmp_path.glob("real-*.csv"))  # the built CSV is not left behind


def test_bench_measures_a_cache_built_before(tmp_path: Path) -> None:
    """`--measure DB`: the console and export columns on a cache that is already built (how
    the 250,000-cable PostgreSQL table is taken), nothing synthesised or ingested."""
    from triage.store import connect
    from triage.store.ingest import ingest
    from triage.store.inputs import iter_paths

    db = tmp_path / "built.db"
    conn = connect(db)
    ingest(conn, iter_paths([str(ROOT / "sample_cables")]), parser_process=False)
    held = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    conn.close()
    res = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--measure", str(db)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    row = next(ln for ln in res.stdout.splitlines() if ln.strip().startswith(f"{held:,} |"))
    assert len(row.split("|")) == 14 and "export s" in res.stdout
    assert not list(tmp_path.glob("*.csv"))
