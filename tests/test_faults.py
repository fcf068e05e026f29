"""Faults: ingest killed at random moments, four writers at once with an ingest running, a full
disk during ingest and during an assignment, and the cache vanishing under an open console."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from triage.config import Config
from triage.store import StoreError, connect
from triage.store.ingest import ingest
from triage.store.inputs import iter_paths
from triage.tui.app import TriageApp

from .test_console import settle

ROOT = Path(__file__).resolve().parent.parent
TRIAGE = [sys.executable, "-m", "triage.cli"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "synthesize.py"),
            "--count",
            "600",
            "--seed",
            "7",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*.txt"))


def test_sigkill_during_ingest_leaves_a_consistent_cache(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "c.db"
    rng = random.Random(20261127)
    n = count_files(corpus)
    for _run in range(20):
        proc = subprocess.Popen(
            [*TRIAGE, "ingest", "-q", "--db", str(db), str(corpus)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # the fault: a kill at a random moment of the run (not a wait for work to finish)
        try:
            proc.wait(timeout=rng.uniform(0.05, 1.5))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        if not db.exists():
            continue  # killed before the cache was created
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        conn = connect(db)  # the cache opens (a schema killed half-way was rolled back)
        # every stored cable is whole: its row, its workflow row, its bytes and its index entry
        cables = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM workflow").fetchone()[0] == cables
        assert conn.execute("SELECT count(*) FROM cable_versions").fetchone()[0] == cables
        conn.close()
    done = subprocess.run(
        [*TRIAGE, "ingest", "-q", "--db", str(db), str(corpus)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == n
    assert conn.execute("SELECT count(DISTINCT reference_id) FROM cables").fetchone()[0] == n
    assert conn.execute("SELECT count(*) FROM cable_versions").fetchone()[0] == n
    # the search index holds each cable once
    assert (
        conn.execute("SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'sipdis'").fetchone()[
            0
        ]
        == n
    )


WRITER = textwrap.dedent(
    """
    import json, random, sys, time
    from triage.store import connect
    from triage.store import workflow as wf
    db, name, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    conn = connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM cables ORDER BY id LIMIT 200")]
    rng = random.Random(name)
    accepted, conflicts, errors = [], 0, []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        cid = rng.choice(ids)
        st = wf.state(conn, cid)
        try:
            if rng.random() < 0.5:
                officer = rng.choice(["kwalker", "jsmith", "amartin", "lchen"])
                new = wf.assign(conn, cid, officer, name, st.row_version)
            else:
                status = rng.choice(wf.STATUSES)
                new = wf.set_status(conn, cid, status, name, st.row_version)
            if new.row_version != st.row_version:
                accepted.append([cid, new.row_version])
        except wf.Conflict:
            conflicts += 1
        except wf.WorkflowError as exc:
            # an officer's status on a cable nobody holds (one writer may have just taken
            # its officer away), or NEW on a cable an officer holds, is refused, as it should be
            if "has no officer" not in str(exc) and "nobody holds" not in str(exc):
                errors.append(repr(exc))
        except Exception as exc:
            errors.append(repr(exc))
    json.dump({"accepted": accepted, "conflicts": conflicts, "errors": errors}, open(out, "w"))
    """
)


def test_four_writers_and_an_ingest_lose_nothing(
    tmp_path: Path, corpus: Path, samples: Path
) -> None:
    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(conn, iter_paths([str(samples)]))
    ingest(conn, iter_paths([str(corpus / "0000")]))
    conn.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    outs = [tmp_path / f"w{k}.json" for k in range(4)]
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), str(db), f"officer{k}", "20", str(outs[k])],
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    ingester = subprocess.Popen(
        [*TRIAGE, "ingest", "-q", "--db", str(db), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        assert "locked" not in err
    _, err = ingester.communicate(timeout=300)
    assert ingester.returncode == 0, err
    assert "locked" not in err
    results = [json.loads(o.read_text()) for o in outs]
    assert all(r["errors"] == [] for r in results)
    accepted = [tuple(a) for r in results for a in r["accepted"]]
    assert len(accepted) > 100
    conn = connect(db)
    # each accepted change raised the row version by exactly one: none lost, none doubled
    per_cable: dict[int, int] = {}
    for cid, _version in accepted:
        per_cable[cid] = per_cable.get(cid, 0) + 1
    for cid, n in per_cable.items():
        version = conn.execute(
            "SELECT row_version FROM workflow WHERE cable_id = ?", (cid,)
        ).fetchone()[0]
        assert version == 1 + n
    # the versions each writer saw accepted are all different (no two accepted on the same base)
    assert len(set(accepted)) == len(accepted)
    # the audit log holds exactly the accepted changes: one change = one or two field rows
    # written in the same transaction, so count transactions by (cable, time, who)
    rows = conn.execute("SELECT cable_id, at, who FROM audit WHERE field != 'export'").fetchall()
    assert len(set(rows)) == len(accepted)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An 8 MB tmpfs: the disk really fills up (CI runs as root and may mount one)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if res.returncode != 0:
        pytest.fail(f"this test needs to mount a small tmpfs (as root): {res.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_during_ingest_and_during_a_change(small_disk: Path, corpus: Path) -> None:
    db = small_disk / "c.db"
    res = subprocess.run(
        [*TRIAGE, "ingest", "-q", "--db", str(db), str(corpus)], capture_output=True, text=True
    )
    assert res.returncode != 0
    assert "Traceback" not in res.stderr
    assert "full" in res.stderr and "what was committed is kept" in res.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    assert 0 < stored < count_files(corpus)
    ref = conn.execute("SELECT reference_id FROM cables ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    # fill what is left, then try a change
    filler = small_disk / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    note = subprocess.run(
        [*TRIAGE, "note", "--db", str(db), ref, "-"],
        input="y" * 10_000,
        capture_output=True,
        text=True,
    )
    assert note.returncode != 0
    assert "Traceback" not in note.stderr
    assert "full" in note.stderr
    filler.unlink()
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == stored
    assert (
        conn.execute(
            "SELECT note FROM workflow w JOIN cables c ON c.id = w.cable_id WHERE reference_id = ?",
            (ref,),
        ).fetchone()[0]
        == ""
    )


@pytest.mark.parametrize("fault", ["deleted", "garbage", "replaced"])
async def test_cache_vanishing_under_the_console(tmp_path: Path, samples: Path, fault: str) -> None:
    from triage.tui.screens.cache_lost import CacheLostScreen

    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(conn, iter_paths([str(samples)]))
    conn.close()
    app = TriageApp(db, Config(), login="tester")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        if fault == "deleted":
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
        elif fault == "replaced":
            other = tmp_path / "other.db"
            other.write_bytes(os.urandom(8192))
            other.rename(db)
        else:
            db.write_bytes(os.urandom(8192))
        app.check_for_changes()
        await settle(pilot)
        # said at once, over everything: the list behind is no longer live
        assert isinstance(app.screen, CacheLostScreen)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static, Label"))
        assert "NOT LIVE" in shown
        word = {"deleted": "deleted", "replaced": "replaced", "garbage": "malformed"}[fault]
        assert word in shown, shown
        # nothing more is read or written until it is reopened
        with pytest.raises(StoreError):
            app.cache.conn()
        await pilot.press("j", "enter", "a", "escape")
        assert isinstance(app.screen, CacheLostScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, CacheLostScreen)  # still no cache to reopen
        shown = " ".join(str(w.render()) for w in app.screen.query("Static, Label"))
        assert "Still cannot open it" in shown
        assert app.is_running
        await pilot.press("q")
    assert not any("Traceback" in n.message for n in app._notifications)
