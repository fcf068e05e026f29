"""Ingest's WAL checkpoints run on a thread of their own (store/checkpoint.py): the log stays
bounded while a load goes on, readers read every committed batch, and the connection gets its
own checkpoints back when the ingest ends, however it ends."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import triage.store.checkpoint as checkpoint
from triage.store import connect
from triage.store.ingest import Item, ingest

from .conftest import sample_copies


def _checkpointer_running() -> bool:
    return any(t.name == "triage-checkpoint" and t.is_alive() for t in threading.enumerate())


def test_a_long_load_checkpoints_on_its_own_thread_and_keeps_the_log_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "LIMIT_FRAMES", 40)
    db = tmp_path / "c.db"
    conn = connect(db)
    reader = sqlite3.connect(db)
    items = sample_copies(8)
    seen: list[tuple[bool, int, int, int]] = []

    def progress(n: int) -> None:
        autocheckpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        wal = os.stat(f"{db}-wal").st_size
        held = reader.execute("SELECT count(*) FROM cables").fetchone()[0]
        seen.append((_checkpointer_running(), autocheckpoint, wal, held))

    summary = ingest(conn, items, batch=20, bulk_after=10**9, on_progress=progress)
    assert summary.added == len(items)
    assert any(running and auto == 0 for running, auto, _wal, _held in seen)
    # the log starts again from its beginning: its file all but stops growing (without the writer
    # waiting for the checkpointer past the limit, it would hold the whole load, larger than
    # the database; a reader reading at the moment can put a restart off by a batch or two)
    wals = [wal for *_x, wal, _held in seen]
    assert len(wals) >= 16
    assert wals[-1] - wals[len(wals) // 2] < wals[0]  # less than one batch in ten
    assert max(wals) < os.stat(db).st_size
    # each batch is visible to a reader once committed
    assert [held for *_x, held in seen][-2] >= len(items) - 2 * 20
    assert not _checkpointer_running()
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert reader.execute("SELECT count(*) FROM cables").fetchone()[0] == len(items)


def test_an_ingest_that_fails_gives_the_connection_its_checkpoints_back(tmp_path: Path) -> None:
    items = sample_copies(8)

    def feed() -> Iterator[Item]:
        yield from items[:300]
        raise OSError("the disk holding the inputs went away")

    conn = connect(tmp_path / "c.db")
    with pytest.raises(OSError, match="went away"):
        ingest(conn, feed(), batch=20)
    assert not _checkpointer_running()
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    stored = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    assert 0 < stored <= 300
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the same ingest completes it
    assert ingest(conn, items).added == len(items) - stored
