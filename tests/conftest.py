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
    # the colours of a truecolour terminal whatever TERM the suite runs under (a 16-colour
    # terminal gets another palette: tests/test_console_defects.py sets that one itself)
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test module that sets `BACKENDS = ("sqlite", "postgresql")` runs each test that uses the
    `backend` fixture (the `db` fixture does) once on each backend."""
    backends = getattr(metafunc.module, "BACKENDS", None)
    if backends and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db(tmp_path: Path, samples: Path, backend: str, request: pytest.FixtureRequest) -> Path:
    """A cache holding the sample cables: a SQLite file, or (in a module with BACKENDS, once
    each) a new PostgreSQL database, as the --db value triage keeps it (store.api.DbUrl)."""
    from triage.store import connect
    from triage.store.api import as_target
    from triage.store.ingest import ingest
    from triage.store.inputs import iter_paths

    if backend == "postgresql":
        path = as_target(request.getfixturevalue("pg_url"))
    else:
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


@pytest.fixture
def target(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Path:
    """An empty cache of the test's backend, as the --db value triage keeps it: a cache file
    not made yet (any command that may make one does), or a database `triage init` set up (on a
    server only init makes the tables: tests/test_pg_no_cache_yet.py)."""
    from triage.store import connect
    from triage.store.api import as_target

    if backend == "postgresql":
        url = as_target(request.getfixturevalue("pg_url"))
        connect(url).close()
        return url
    return tmp_path / "cache.db"
