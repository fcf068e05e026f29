"""The soak: three consoles (headless, each its own process), four CLI writers looping over
overlapping cables (assign, status, note, due), a continuous ingest and one reindex, with
writers killed by SIGKILL at random. At the end: every change a writer was told succeeded is
in the cache's audit log, in the order that writer made them; nothing that failed left a
trace; no "database is locked" (and no traceback) reached anyone; every console is still live
and holds no deleted file; integrity_check is ok.

`.ci/run` runs it for TRIAGE_SOAK_SECONDS (default 20); run it longer by hand:
    TRIAGE_SOAK_SECONDS=600 pytest -m soak tests/shared/test_soak.py
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from triage.store import connect

from ..conftest import N_SAMPLES
from .procs import (
    SAMPLES,
    TRIAGE,
    Console,
    arg,
    env_for,
    flash_cable,
    integrity,
    shared_cache,
    triage,
)

pytestmark = pytest.mark.soak
BACKENDS = ("sqlite", "postgresql")

CABLES = ["26ROME1301", "26ROME1311", "26PARIS1877", "26BERLIN705", "25LONDON2801"]


@dataclass
class Op:
    writer: int
    seq: int
    kind: str
    ref: str
    token: str
    outcome: str = "running"  # ok, failed, killed
    stderr: str = ""


@dataclass
class Writer:
    n: int
    env: dict[str, str]
    db: Path
    stop: threading.Event
    rng: random.Random
    ops: list[Op] = field(default_factory=list)
    current: subprocess.Popen[str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> None:
        seq = 0
        while not self.stop.is_set():
            seq += 1
            ref = self.rng.choice(CABLES)
            kind = ("note", "assign", "due", "status")[seq % 4]
            if kind == "note":
                token = f"w{self.n}-note-{seq}"
                args = ["note", ref, token]
            elif kind == "assign":
                token = f"w{self.n}o{seq}"
                args = ["assign", ref, token]
            elif kind == "due":
                minutes = self.n * 100000 + seq
                when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(1800000000 + minutes * 60))
                token = when.replace(" ", "T") + ":00Z"
                args = ["due", ref, when]
            else:
                token = ("ASSIGNED", "IN PROGRESS", "AWAITING REPLY", "DONE")[seq // 4 % 4]
                args = ["status", ref, token]
            op = Op(self.n, seq, kind, ref, token)
            self.ops.append(op)
            with self.lock:
                self.current = subprocess.Popen(
                    [TRIAGE, args[0], "--db", arg(self.db), *args[1:]],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            _, err = self.current.communicate()
            code = self.current.returncode
            with self.lock:
                self.current = None
            op.stderr = err
            op.outcome = "ok" if code == 0 else ("killed" if code == -signal.SIGKILL else "failed")

    def kill_current(self) -> bool:
        with self.lock:
            if self.current is not None and self.current.poll() is None:
                self.current.kill()
                return True
        return False


def _ingest_loop(
    db: Path,
    env: dict[str, str],
    folder: Path,
    stop: threading.Event,
    done: list[str],
    errors: list[str],
) -> None:
    serial = 700000
    while not stop.is_set():
        batch = []
        for _ in range(3):
            serial += 1
            f = folder / f"c{serial}.txt"
            f.write_text(flash_cable(serial, serial % 60), encoding="utf-8")
            batch.append((f, f"26STATE{serial}"))
        res = subprocess.run(
            [TRIAGE, "ingest", "--db", arg(db), "-q", *(str(f) for f, _ in batch)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode == 0:
            done.extend(ref for _, ref in batch)
        else:
            errors.append(res.stderr)


def test_soak_many_officers_and_writers_on_one_cache(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    seconds = float(os.environ.get("TRIAGE_SOAK_SECONDS", "20"))
    rng = random.Random(int(os.environ.get("TRIAGE_SOAK_SEED", "13")))
    db = shared_cache(tmp_path, backend, request)
    env = env_for(tmp_path / "cli")
    env["TZ"] = "UTC"
    triage(db, "ingest", str(SAMPLES), env=env)
    consoles = [Console(db, tmp_path / f"console{k}", login=f"officer{k}") for k in range(3)]
    try:
        for c in consoles:
            c.wait_for(f"Inbox {N_SAMPLES}", timeout=60)
        stop = threading.Event()
        writers = [Writer(n, env, db, stop, random.Random(rng.random())) for n in range(4)]
        threads = [threading.Thread(target=w.run) for w in writers]
        ingested: list[str] = []
        ingest_errors: list[str] = []
        drop = tmp_path / "incoming"
        drop.mkdir()
        threads.append(
            threading.Thread(
                target=_ingest_loop, args=(db, env, drop, stop, ingested, ingest_errors)
            )
        )
        for t in threads:
            t.start()
        killed = 0
        reindex: subprocess.CompletedProcess[str] | None = None
        start = time.monotonic()

        def done_ok() -> int:
            return sum(op.outcome == "ok" for w in writers for op in list(w.ops))

        # the soak's length, and then on until the writers have made enough changes to judge
        # (under a loaded host each command starts slower): waited on, never a throughput
        while time.monotonic() - start < seconds or (
            done_ok() <= 20 and time.monotonic() - start < seconds + 600
        ):
            # a console works while all this goes on
            k = rng.randrange(3)
            consoles[k].keys("g", "j")
            if reindex is None and time.monotonic() - start > seconds / 3:
                reindex = subprocess.run(
                    [TRIAGE, "reindex", "--db", arg(db)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if rng.random() < 0.5 and writers[rng.randrange(4)].kill_current():
                killed += 1
            stop.wait(rng.uniform(0.05, 0.4))
        stop.set()
        for t in threads:
            t.join(timeout=120)

        assert reindex is not None and reindex.returncode == 0, reindex.stderr if reindex else ""
        assert not ingest_errors, ingest_errors[:3]
        ops = [op for w in writers for op in w.ops]
        outcomes = {o: sum(op.outcome == o for op in ops) for o in ("ok", "failed", "killed")}
        assert outcomes["ok"] > 20, f"the writers barely ran: {outcomes}"
        assert killed > 0
        for op in ops:
            assert "locked" not in op.stderr, op
            assert "Traceback" not in op.stderr, op
        assert "locked" not in reindex.stderr and "Traceback" not in reindex.stderr

        conn = connect(db)
        audit = conn.execute("SELECT id, field, new FROM audit ORDER BY id").fetchall()
        ids_of: dict[tuple[str, str], list[int]] = {}
        for aid, fld, new in audit:
            ids_of.setdefault((fld, str(new)), []).append(aid)
        field_of = {"note": "note", "assign": "officer", "due": "due_at"}
        for w in writers:
            last = 0
            for op in w.ops:
                if op.kind == "status":
                    continue
                seen = ids_of.get((field_of[op.kind], op.token), [])
                if op.outcome == "ok":
                    assert len(seen) == 1, f"a change reported done is not in the audit log: {op}"
                    assert seen[0] > last, f"writer {w.n}'s changes out of order at {op}"
                    last = seen[0]
                elif op.outcome == "failed":
                    assert not seen, f"a change that failed left a trace: {op}"
                else:
                    assert len(seen) <= 1
        # the workflow row of each cable is the last change the audit records for it
        for ref in CABLES:
            note, officer = conn.execute(
                "SELECT w.note, w.officer FROM workflow w JOIN cables c ON c.id = w.cable_id "
                "WHERE c.reference_id = ?",
                (ref,),
            ).fetchone()
            last_note = conn.execute(
                "SELECT new FROM audit WHERE reference_id = ? AND field = 'note' ORDER BY id DESC LIMIT 1",
                (ref,),
            ).fetchone()
            if last_note:
                assert note == last_note[0]
        held = {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
        assert set(ingested) <= held
        conn.close()
        assert integrity(db) == "ok"
        # the audit log's hash chain holds across every writer, killed ones included
        verify = triage(db, "audit", "--verify", env=env, check=False)
        assert verify.returncode == 0, verify.stdout + verify.stderr

        # every console is still live and whole
        for n, c in enumerate(consoles):
            assert c.deleted_descriptors() == []
            f = tmp_path / f"final{n}.txt"
            f.write_text(flash_cable(800000 + n, 59), encoding="utf-8")
            triage(db, "ingest", "-q", str(f), env=env)
            c.keys("g")
            c.wait_for(f"26STATE{800000 + n}", timeout=2.0)
        for c in consoles:
            assert c.close().get("quarantined") is False
    finally:
        for c in consoles:
            c.kill()
