"""`triage ingest` of many files stopped with ctrl+c, in a real process: what it then says it
read, stored and did not store is what the cache holds. It said "after 3,035 inputs ... every
input read is stored" of a run that had stored 3,000: the inputs are read in its parser
process, and the list of what was read was kept there, never reaching the process that speaks."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from pathlib import Path

from triage.store import connect

from .shared.procs import SAMPLES, TRIAGE, arg, env_for, flash_cable, triage

BACKENDS = ("sqlite", "postgresql")
HANG = 120  # an ingest that has not stopped by then has hung
FILES = 1000  # five batches of 200, far more than the parser process's first chunk
DAMAGED_AT = 610  # a cable stored with warnings, said as its batch (the fourth) is stored


def _fill(folder: Path) -> list[str]:
    names = []
    for k in range(FILES):
        name = f"f{k:05d}.txt"
        if k == DAMAGED_AT:
            (folder / name).write_bytes((SAMPLES / "29_garbled_numbers.txt").read_bytes())
        else:
            (folder / name).write_text(flash_cable(500000 + k), encoding="utf-8")
        names.append(name)
    return names


def _stored(db: Path) -> set[str]:
    conn = connect(db)
    try:
        return {Path(r[0]).name for r in conn.execute("SELECT source FROM cable_versions")}
    finally:
        conn.close()


def test_ctrl_c_names_what_was_read_and_not_stored(
    target: Path, tmp_path: Path, backend: str
) -> None:
    drop = tmp_path / "in"
    drop.mkdir()
    names = _fill(drop)
    env = env_for(tmp_path / "home")
    triage(target, "init", env=env)
    proc = subprocess.Popen(
        [TRIAGE, "ingest", "--db", arg(target), str(drop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    watchdog = threading.Timer(HANG, proc.kill)  # never a hang: the lines end, and it fails
    watchdog.start()
    try:
        said = []
        for line in proc.stderr:  # the fourth batch is being stored: ctrl+c now
            said.append(line)
            if "stored with warnings" in line:
                proc.send_signal(signal.SIGINT)
                break
        out, rest = proc.communicate(timeout=HANG)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = "".join(said) + rest
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    m = re.search(
        r"ingest stopped \(ctrl\+c\) after ([\d,]+) inputs?: .*?: every batch committed is "
        r"kept; (.*?); run the same ingest again",
        err,
    )
    assert m, err
    read = int(m[1].replace(",", ""))
    not_stored = re.findall(r"triage: \S+/(f\d+\.txt): read, not stored", err)
    stored = _stored(target)
    # what it says it read is what it stored and what it names as not stored, nothing else
    assert not stored & set(not_stored)
    assert stored | set(not_stored) == set(names[:read]), (read, len(stored), len(not_stored))
    # the cache's share of this run, on the line a whole run ends with
    assert f"added {len(stored)}, updated 0, unchanged 0, rejected 0" in out, out
    left = m[2]
    if not_stored:
        assert left.startswith(f"{len(not_stored):,} inputs read and not stored (named above)")
    else:
        assert left.startswith("every input read is stored")
    assert left.endswith(f", and the rest of {drop} not reached (none of it stored)") == (
        read < FILES
    )
    if backend == "sqlite":
        # the writer is in the batch it said the note of: it was rolled back, and named
        assert not_stored, "the stop came between batches: nothing mid-batch was tested"

    # and the same ingest again goes on: what was stored is unchanged, the rest added
    again = triage(target, "ingest", str(drop), env=env)
    assert (
        f"added {FILES - len(stored)}, updated 0, unchanged {len(stored)}, rejected 0"
        in again.stdout
    )
