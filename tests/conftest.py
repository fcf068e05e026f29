from __future__ import annotations

import os
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cables"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config or cache."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.delenv("TRIAGE_DB", raising=False)
    os.environ.pop("NO_COLOR", None)


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def db(tmp_path: Path, samples: Path) -> Path:
    """A cache holding the sample cables."""
    from triage.store import connect
    from triage.store.ingest import ingest, iter_paths

    path = tmp_path / "cache.db"
    conn = connect(path)
    ingest(conn, iter_paths([str(samples)]))
    conn.close()
    return path
