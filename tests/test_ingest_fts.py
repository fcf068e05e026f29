"""Ingest and the FTS5 index: a batch's entries are written once, as one piece of the index,
not merged over and over (the cost of ingest and of every search that probes the index)."""

from __future__ import annotations

from pathlib import Path

from triage.store import connect
from triage.store.ingest import ingest

from .conftest import N_SAMPLES, sample_copies


def _varint(buf: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at `at`: (value, next offset)."""
    value = 0
    for k in range(8):
        b = buf[at + k]
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, at + k + 1
    return (value << 8) | buf[at + 8], at + 9


def fts_pages(conn) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(leaf pages FTS5 has written over the index's life, leaf pages it holds now). The first
    is the write counter in FTS5's structure record (record 10 of `cables_fts_data`: a 4-byte
    cookie, then the number of levels, of segments and of pages written)."""
    block = bytes(conn.execute("SELECT block FROM cables_fts_data WHERE id = 10").fetchone()[0])
    _levels, at = _varint(block, 4)
    _segments, at = _varint(block, at)
    written, _ = _varint(block, at)
    held = conn.execute("SELECT count(*) FROM cables_fts_data WHERE id > 10").fetchone()[0]
    return written, held


def test_a_batch_of_cables_goes_into_the_index_once(tmp_path: Path) -> None:
    items = sample_copies(9)  # three write batches, through the parser process
    conn = connect(tmp_path / "cache.db")
    summary = ingest(conn, items)
    assert summary.added == 9 * N_SAMPLES
    written, held = fts_pages(conn)
    # each cable's entries flushed on their own would be merged again and again (seen: 2x the
    # pages written at 600 cables, 4 levels of segments against 2)
    assert written <= held * 1.3, (written, held)
    # and the index answers for every cable
    hits = conn.execute(
        "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'reference_id:\"26COPY8\"*'"
    ).fetchone()[0]
    assert hits == N_SAMPLES
    conn.execute("INSERT INTO cables_fts (cables_fts, rank) VALUES ('integrity-check', 0)")


def test_a_cable_changed_twice_in_one_batch_is_found_by_its_last_text_only(
    tmp_path: Path, samples: Path
) -> None:
    from triage.store.ingest import Item

    text = (samples / "04_immediate_paris.txt").read_bytes()
    meta = {"reference_id": "26TWICE1"}
    items = [
        Item("a", text.replace(b"Stockholm.", b"Stockholm. QUAGGAWORD"), meta=meta),
        Item("b", text.replace(b"Stockholm.", b"Stockholm. OKAPIWORD"), meta=meta),
        Item("c", text.replace(b"Stockholm.", b"Stockholm. NARWHALWORD"), meta=meta),
    ]
    assert all(b"WORD" in it.data for it in items if it.data)
    conn = connect(tmp_path / "cache.db")
    summary = ingest(conn, items)
    assert (summary.added, summary.updated) == (1, 2)

    def found(word: str) -> int:
        return conn.execute(
            "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH ?", (word,)
        ).fetchone()[0]

    assert (found("quaggaword"), found("okapiword"), found("narwhalword")) == (0, 0, 1)
    assert found("paris") == 1
    conn.execute("INSERT INTO cables_fts (cables_fts, rank) VALUES ('integrity-check', 0)")


def test_migrate_puts_a_batch_into_the_index_once(tmp_path: Path) -> None:
    from triage.store.migrate import migrate

    src = connect(tmp_path / "src.db")
    ingest(src, sample_copies(9))
    dst = connect(tmp_path / "dst.db")
    migrate(src, dst, "src.db")
    written, held = fts_pages(dst)
    assert written <= held * 1.3, (written, held)  # (one cable's entries at a time: 2x)
    hits = dst.execute(
        "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'reference_id:\"26COPY8\"*'"
    ).fetchone()[0]
    assert hits == N_SAMPLES
