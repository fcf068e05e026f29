"""`triage watch` stopped (ctrl+c to its process group, a supervisor's SIGTERM) while it stores
a drop folder's traffic: what it then says it did is what the cache holds, and every file it
did not store is named, so the next watch is known to have it to do."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from triage.store import connect
from triage.store.inputs import iter_paths

from .shared.procs import SAMPLES, TRIAGE, arg, drop_file, env_for, flash_cable

BACKENDS = ("sqlite", "postgresql")
HANG = 120  # a watch that has not said what it did by then has hung
NOT_A_CABLE = "Hello team,\nthe minutes of Tuesday's meeting are attached.\n"
DAMAGED = "SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED ON {n}\n"  # no banner, no reference


def _fill(drop: Path, n: int) -> dict[str, str]:
    """n files, written then renamed as a feed writes them: cables, every 10th no cable at all
    (rejected), every 10th another a damaged cable (stored with warnings). Name -> kind."""
    kinds = {}
    for k in range(n):
        name = f"f{k:05d}.txt"
        if k % 10 == 3:
            drop_file(drop, name, NOT_A_CABLE + str(k))
            kinds[name] = "reject"
        elif k % 10 == 5:
            drop_file(drop, name, DAMAGED.format(n=k))
            kinds[name] = "damaged"
        else:
            drop_file(drop, name, flash_cable(300000 + k))
            kinds[name] = "cable"
    return kinds


def _held(db: Path) -> tuple[set[str], set[str]]:
    """The files the cache holds as cables, and as rejects."""
    conn = connect(db)
    try:
        stored = {Path(r[0]).name for r in conn.execute("SELECT source FROM cables")}
        rejected = {Path(r[0]).name for r in conn.execute("SELECT path FROM rejects")}
    finally:
        conn.close()
    return stored, rejected


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl+c", "SIGTERM"])
def test_a_stopped_watch_says_what_the_cache_holds_and_names_what_it_left(
    target: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    kinds = _fill(drop, 1200)  # six batches: the stop comes while one is being stored
    env = env_for(tmp_path / "home")
    errors = tmp_path / "stderr"  # a file: the named files outgrow a pipe's buffer
    with errors.open("w") as err_file:
        proc = subprocess.Popen(
            [TRIAGE, "watch", "--db", arg(target), "--interval", "0.1", str(drop)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=err_file,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's job has
        )
    assert proc.stdout is not None
    watchdog = threading.Timer(HANG, proc.kill)  # never a hang: the lines end, and it fails
    watchdog.start()
    try:
        lines = [proc.stdout.readline()]
        assert "watching" in lines[0]
        # the first batch committed (its cables said), the next ones on their way
        lines.append(proc.stdout.readline())
        assert lines[-1].startswith("ingested ")
        os.killpg(proc.pid, sig)  # ctrl+c reaches the whole group; a supervisor's SIGTERM too
        lines.extend(proc.stdout)
        proc.wait(timeout=HANG)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out, err = "".join(lines), errors.read_text()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    how = "ctrl+c" if sig == signal.SIGINT else "SIGTERM"
    last = out.strip().splitlines()[-1]
    m = re.fullmatch(
        rf"stopped \({re.escape(how)}\): since it started, added (\d+), updated 0, unchanged 0, "
        rf"rejected (\d+)(?:; left in {re.escape(str(drop))} for the next watch: (.*) "
        r"\(named above\))?",
        last,
    )
    assert m, last
    added, rejected = int(m[1]), int(m[2])
    stored, refused = _held(target)
    # the counts are the cache's, and so are the lines that said so as it went
    assert added == len(stored) and rejected == len(refused)
    assert out.count("\ningested ") == added
    assert err.count(": rejected: ") == rejected
    said_damaged = {Path(s).name for s in re.findall(r"triage: (\S+): UNKNOWN-\S+ stored", err)}
    assert said_damaged == {n for n in stored if kinds[n] == "damaged"}
    # every file is stored, refused, or named as left for the next watch
    left = set(re.findall(r"triage: \S+/(f\d+\.txt): picked up, not stored", err))
    waiting = set(re.findall(r"triage: \S+/(f\d+\.txt): not read yet", err))
    assert stored | refused | left | waiting == set(kinds)
    assert not (stored & refused) and not ((stored | refused) & (left | waiting))
    assert {n for n in stored if kinds[n] == "reject"} == set()
    assert {n for n in refused if kinds[n] != "reject"} == set()
    if left or waiting:
        parts = m[3].split(", ")
        assert (f"{len(left):,} picked up and not stored" in parts) == bool(left)
        assert (f"{len(waiting):,} not read yet" in parts) == bool(waiting)
    assert left, "the stop came after the whole drop was stored: nothing mid-batch was tested"


def test_a_stop_during_a_commit_waits_until_the_batch_is_counted(tmp_path: Path) -> None:
    """The one moment a stop could make the counts lie: after a batch's COMMIT, before it is
    counted. A signal then is taken once the batch is counted, and the next one never starts."""
    from triage.store.ingest import Committed, ingest
    from triage.store.stopping import Stopped, stop_on_signals

    conn = connect(tmp_path / "c.db")
    seen: list[Committed] = []

    def committed(batch: Committed) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # the supervisor stops it right now
        seen.append(batch)  # ... and the count is still made

    with stop_on_signals(), pytest.raises(Stopped) as stop:
        ingest(conn, iter_paths([str(SAMPLES)]), on_commit=committed, batch=5)
    assert stop.value.name == "SIGTERM" and not stop.value.during_commit
    assert len(seen) == 1 and len(seen[0].sources) == 5
    held = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    assert held == seen[0].summary.added == 5
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    conn.close()
