from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .pgserver import Server

if TYPE_CHECKING:
    from triage.store.ingest import Item

SAMPLES = Path(__file__).resolve().parent.parent / "sample_cables"
# how many sample cables there are (tests that count a whole view say it from this)
N_SAMPLES = len(list(SAMPLES.glob("*.txt")))


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


def sample_copies(copies: int) -> list[Item]:
    """The samples `copies` times over, each copy under its own reference id (`26COPY<k><n>`):
    more items than one parser chunk, so ingest hands them to its parser process."""
    from triage.store.ingest import Item

    files = sorted(SAMPLES.glob("*.txt"))
    return [
        Item(f"{f.name}#{k}", f.read_bytes(), meta={"reference_id": f"26COPY{k}{n:03d}"})
        for k in range(copies)
        for n, f in enumerate(files)
    ]


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A private PostgreSQL cluster for the whole test session (see tests/pgserver.py)."""
    server = Server()
    try:
        server.init()
    except Exception:
        server.close()
        raise
    yield server
    server.close()


@pytest.fixture
def pg_url(pg_server: Server) -> str:
    """A new, empty PostgreSQL database on the private cluster, as a postgresql:// URL."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One store of each backend: a new SQLite cache file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "cache.db")
    return str(request.getfixturevalue("pg_url"))
