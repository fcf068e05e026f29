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
