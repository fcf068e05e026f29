"""Schema 8 (store/open_work.py): each workflow row carries its cable's precedence and arrival,
kept by triggers, and the Overview reads its open-work figures from an index of them. An older
cache upgraded gives the same figures as one built new; every writer keeps the copies right."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from tests.overview_fixture import NOW, SPECS, build
from triage.store import connect
from triage.store.report import handover, overview
from triage.store.schema import SCHEMA_VERSION
from triage.store.views import Context


@pytest.fixture
def day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return build(tmp_path / "day.db", monkeypatch)


def ctx() -> Context:
    c = Context(login="kwalker")
    c.now = NOW
    return c


def figures(path: Path) -> dict[str, object]:
    conn = connect(path)
    try:
        fig = dataclasses.asdict(overview(conn, ctx(), NOW))
        hand = handover(conn, ctx(), NOW.replace(hour=0, minute=0), NOW)
        fig["handover"] = dataclasses.asdict(hand)
        return fig
    finally:
        conn.close()


def as_schema_7(path: Path) -> None:
    """Take schema 8's columns, indexes and triggers away and stamp the cache 7: what a cache
    written by the triage before this change holds."""
    conn = sqlite3.connect(path, isolation_level=None)
    for name in ("workflow_copy_arrival", "cables_pass_arrival"):
        conn.execute(f"DROP TRIGGER {name}")
    for name in ("cables_arrivals", "workflow_open"):
        conn.execute(f"DROP INDEX {name}")
    conn.execute("ALTER TABLE workflow DROP COLUMN prec_rank")
    conn.execute("ALTER TABLE workflow DROP COLUMN received_at")
    conn.execute("PRAGMA user_version = 7")
    conn.close()


def mismatches(conn: sqlite3.Connection) -> int:
    return int(
        conn.execute(
            "SELECT count(*) FROM workflow w JOIN cables c ON c.id = w.cable_id "
            "WHERE w.prec_rank IS NOT c.prec_rank OR w.received_at IS NOT c.received_at"
        ).fetchone()[0]
    )


def test_an_upgraded_schema_7_cache_gives_the_same_figures(day: Path, tmp_path: Path) -> None:
    expected = figures(day)
    assert expected["total"] == len(SPECS)
    as_schema_7(day)
    old = sqlite3.connect(day)
    assert "prec_rank" not in {r[1] for r in old.execute("PRAGMA table_info(workflow)")}
    old.close()
    conn = connect(day)  # migrates
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert mismatches(conn) == 0
    assert (
        conn.execute("SELECT count(*) FROM workflow WHERE received_at IS NULL").fetchone()[0] == 0
    )
    conn.close()
    assert figures(day) == expected


def test_the_open_work_is_read_from_the_index_alone(day: Path) -> None:
    conn = connect(day)
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT status, officer, prec_rank, count(*), min(received_at) "
            "FROM workflow WHERE status IN ('NEW', 'ASSIGNED') GROUP BY status, officer, prec_rank"
        )
    )
    assert "COVERING INDEX workflow_open" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT substr(received_at, 1, 13), prec_rank, count(*) "
            "FROM cables WHERE received_at >= ? AND received_at < ? GROUP BY 1, 2",
            ("2026-11-01", "2026-12-01"),
        )
    )
    assert "COVERING INDEX cables_arrivals" in plan


def test_every_writer_keeps_the_copies_right(day: Path) -> None:
    """An older triage's insert (without the copies), a new version that changes a cable's
    precedence, and a hand-made UPDATE of an arrival: the copies follow, and so do the figures."""
    conn = connect(day)
    before = overview(conn, ctx(), NOW)
    cid = conn.execute(
        "INSERT INTO cables (reference_id, prec_rank, sha256, received_at, updated_at) "
        "VALUES ('26STATE9001', 1, 'x', ?, ?)",
        ("2026-11-28T12:20:00.000000Z", "2026-11-28T12:20:00.000000Z"),
    ).lastrowid
    # as the triage before schema 8 inserts it
    conn.execute(
        "INSERT INTO workflow (cable_id, status, row_version) VALUES (?, 'NEW', 1)", (cid,)
    )
    assert conn.execute(
        "SELECT prec_rank, received_at FROM workflow WHERE cable_id = ?", (cid,)
    ).fetchone() == (1, "2026-11-28T12:20:00.000000Z")
    after = overview(conn, ctx(), NOW)
    flash = {r.rank: r for r in after.overdue}[1]
    assert flash.open == {r.rank: r for r in before.overdue}[1].open + 1
    # 10 minutes after a FLASH's arrival it is overdue unassigned: move its arrival back
    conn.execute(
        "UPDATE cables SET received_at = ? WHERE id = ?", ("2026-11-28T11:00:00.000000Z", cid)
    )
    conn.execute("UPDATE cables SET prec_rank = 4 WHERE id = ?", (cid,))
    assert mismatches(conn) == 0
    moved = overview(conn, ctx(), NOW)
    assert {r.rank: r for r in moved.overdue}[1].open == {r.rank: r for r in before.overdue}[1].open
    prior = {r.rank: r for r in moved.overdue}[4]
    assert prior.open == {r.rank: r for r in before.overdue}[4].open + 1
    # PRIORITY's objective is three hours: arrived 90 minutes ago, not overdue yet
    assert prior.overdue == {r.rank: r for r in before.overdue}[4].overdue
    conn.close()


def test_two_processes_opening_an_old_cache_migrate_it_once(day: Path) -> None:
    """Consoles started at once on a cache an upgrade reached: one migrates, the other waits
    for it (a reader open meanwhile reads on) and both see schema 8."""
    import multiprocessing as mp

    as_schema_7(day)
    reader = sqlite3.connect(day, isolation_level=None)
    reader.execute("BEGIN")
    seen = reader.execute("SELECT count(*) FROM workflow").fetchone()[0]
    ctx_ = mp.get_context("spawn")
    with ctx_.Pool(2) as pool:
        versions = pool.map(_open_and_report, [str(day), str(day)])
    assert reader.execute("SELECT count(*) FROM workflow").fetchone()[0] == seen
    reader.execute("COMMIT")
    reader.close()
    assert versions == [(SCHEMA_VERSION, 0), (SCHEMA_VERSION, 0)]


def _open_and_report(path: str) -> tuple[int, int]:
    conn = connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0]), mismatches(conn)
    finally:
        conn.close()


def _traced(conn: sqlite3.Connection) -> list[str]:
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    return seen


def test_a_live_update_counts_only_what_is_new_and_agrees_with_a_full_count(
    day: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.store.ingest as ingest_mod
    from tests.overview_fixture import M, Spec, cable_text
    from triage.store import workflow as wf
    from triage.store.ingest import Item, ingest

    conn = connect(day)
    shown = overview(conn, ctx(), NOW)
    # an officer's change: the arrivals are taken over, not counted again
    seen = _traced(conn)
    wf.assign(conn, wf.find_cable(conn, "26STATE101"), "jsmith", "chief")
    live = overview(conn, ctx(), NOW, previous=shown)
    assert not any("GROUP BY 1, 2" in sql for sql in seen)
    assert live == overview(conn, ctx(), NOW)
    assert live.hours == shown.hours and live.open_by_status != shown.open_by_status
    # new cables: each adds to its hour
    stamp = (NOW - 20 * M).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    monkeypatch.setattr(ingest_mod, "utcnow", lambda: stamp)
    ingest(
        conn,
        [Item(f"n{k}.txt", cable_text(Spec(700 + k, "FLASH", 20 * M))) for k in range(3)],
        parser_process=False,
    )
    seen.clear()
    after = overview(conn, ctx(), NOW, previous=live)
    assert not any("GROUP BY 1, 2" in sql for sql in seen)
    full = overview(conn, ctx(), NOW)
    assert after == full and after.per_hour == full.per_hour
    assert after.hours[-1].counts.get(1, 0) == live.hours[-1].counts.get(1, 0) + 3
    assert after.total == live.total + 3
    # a new version of a held cable (its precedence may change): everything counted again
    corrected = cable_text(Spec(700, "FLASH", 20 * M)).replace(b"ZZ RUEHWEB", b"PP RUEHWEB")
    corrected = corrected.replace(b"Z 281200Z", b"P 281200Z")
    assert ingest(conn, [Item("n0-v2.txt", corrected)], parser_process=False).updated == 1
    seen.clear()
    again = overview(conn, ctx(), NOW, previous=after)
    assert any("GROUP BY 1, 2" in sql for sql in seen)
    assert again == overview(conn, ctx(), NOW)
    conn.close()
