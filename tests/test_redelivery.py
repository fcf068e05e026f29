"""A cable delivered again: the newest delivery is the current text. The same text as the
current version is "unchanged"; the text of an earlier version, no longer current (a corrected
copy taken back, a file written in place in two steps whose cut first half was stored), is made
current again as a new version, counted as updated and said so, on each backend."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

from triage.store import connect

from .shared.procs import SAMPLES, TRIAGE, arg, env_for, triage

BACKENDS = ("sqlite", "postgresql")
HANG = 120  # a watch that has not said what it did by then has hung
TOKYO = SAMPLES / "06_routine_tokyo.txt"
REF = "26TOKYO2291"


def _holder_told(db: Path, login: str) -> list[tuple[str, int]]:
    """The "New version" notices the console gives the officer holding the cable."""
    from triage.store.presence import assigned_to

    conn = connect(db)
    try:
        return [(a.reference_id, a.version or 0) for a in assigned_to(conn, login, 0) if a.version]
    finally:
        conn.close()


def _found(db: Path, words: str) -> int:
    from triage.store.views import Context, View, view_ids

    conn = connect(db)
    try:
        return len(list(view_ids(conn, View(tab="All", search=words), Context(login="me"))))
    finally:
        conn.close()


def test_an_earlier_text_delivered_again_is_current_again(target: Path, tmp_path: Path) -> None:
    env = env_for(tmp_path / "home")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(TOKYO.read_text().replace("SUBJECT: ", "SUBJECT: ZZTOP ", 1))
    b.write_bytes(TOKYO.read_bytes())
    assert "added 1," in triage(target, "ingest", str(TOKYO), env=env).stdout
    triage(target, "assign", REF, "kwalker", "--new", env=env)

    first = triage(target, "ingest", str(a), env=env)
    assert "added 0, updated 1, unchanged 0, rejected 0" in first.stdout
    assert f"{REF} was already in the cache with other text; this is now version 2" in first.stderr

    # version 1's text again: it was "unchanged 1", and version 2 (ZZTOP) stayed current
    again = triage(target, "ingest", str(b), env=env)
    assert "added 0, updated 1, unchanged 0, rejected 0" in again.stdout, again.stderr
    assert (
        f"triage: {b}: {REF} came again with the text of its version 1: that text is current "
        f"again, as version 3 (it replaces version 2; each text: triage raw --version N {REF})"
    ) in again.stderr
    raw = subprocess.run(
        [TRIAGE, "raw", "--db", arg(target), REF], capture_output=True, env=env, check=True
    )
    assert raw.stdout == b.read_bytes()
    assert b"ZZTOP" not in raw.stdout
    # every text kept, in the order delivered
    for version, f in ((1, TOKYO), (2, a), (3, b)):
        got = subprocess.run(
            [TRIAGE, "raw", "--db", arg(target), "--version", str(version), REF],
            capture_output=True,
            env=env,
            check=True,
        )
        assert got.stdout == f.read_bytes(), version
    # as any new version: in the audit log (the cable's history) and told to its holder
    audit = triage(target, "audit", "--cable", REF, env=env).stdout
    assert "version  2 -> 3" in audit, audit
    assert _holder_told(target, "kwalker") == [(REF, 2), (REF, 3)]
    # the search finds the current text, not the one it replaced
    assert _found(target, "zztop") == 0
    assert _found(target, "battery") == 1

    # the current text once more is unchanged, as before
    same = triage(target, "ingest", str(b), env=env)
    assert "added 0, updated 0, unchanged 1, rejected 0" in same.stdout


def test_watch_puts_the_whole_text_over_a_cut_one_written_in_place(
    target: Path, tmp_path: Path
) -> None:
    """scp and cp write a file in place, in steps: a watch that stored the cut first part as
    version 2 takes the whole text, when it lands (the same as version 1), as the current one."""
    env = env_for(tmp_path / "home")
    drop = tmp_path / "drop"
    drop.mkdir()
    whole = TOKYO.read_bytes()
    triage(target, "ingest", str(TOKYO), env=env)
    proc = subprocess.Popen(
        [TRIAGE, "watch", "--db", arg(target), "--interval", "0.1", str(drop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    watchdog = threading.Timer(HANG, proc.kill)  # never a hang: the lines end, and it fails
    watchdog.start()
    try:
        assert "watching" in proc.stdout.readline()
        landing = drop / "tokyo.txt"
        landing.write_bytes(whole[:263])  # the first write of two, and the poll sees it settle
        assert proc.stdout.readline() == f"ingested {REF}\n"
        assert proc.stdout.readline() == "added 0, updated 1, unchanged 0, rejected 0\n"
        with landing.open("r+b") as f:  # the rest, written in place
            f.seek(263)
            f.write(whole[263:])
        # the whole text was "unchanged 1", and the cut one stayed current
        first = proc.stdout.readline()
        assert first == f"ingested {REF}\n", first
        assert proc.stdout.readline() == "added 0, updated 1, unchanged 0, rejected 0\n"
        os.kill(proc.pid, signal.SIGINT)
        rest, err = proc.communicate(timeout=HANG)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "stopped (ctrl+c): since it started, added 0, updated 2, unchanged 0" in rest, rest
    assert f"{REF} came again with the text of its version 1: that text is current again" in err
    assert "Traceback" not in err
    raw = subprocess.run(
        [TRIAGE, "raw", "--db", arg(target), REF], capture_output=True, env=env, check=True
    )
    assert raw.stdout == whole


def test_the_same_folder_ingested_again_makes_no_new_version(target: Path, tmp_path: Path) -> None:
    """A folder holding a cable's original and its corrected copy, ingested again: both inputs
    are as they were when last stored, so nothing is delivered anew and the corrected copy (the
    last stored) stays current; each run made two new versions before."""
    env = env_for(tmp_path / "home")
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "1-original.txt").write_bytes(TOKYO.read_bytes())
    (folder / "2-corrected.txt").write_text(
        TOKYO.read_text().replace("SUBJECT: ", "SUBJECT: CORRECTED ", 1)
    )
    first = triage(target, "ingest", str(folder), env=env)
    assert "added 1, updated 1, unchanged 0, rejected 0" in first.stdout, first.stderr
    for _ in range(2):
        again = triage(target, "ingest", str(folder), env=env)
        assert "added 0, updated 0, unchanged 2, rejected 0" in again.stdout, again.stderr
    raw = triage(target, "raw", REF, env=env).stdout
    assert "SUBJECT: CORRECTED " in raw
    conn = connect(target)
    try:
        versions = conn.execute(
            "SELECT count(*) FROM cable_versions v JOIN cables c ON c.id = v.cable_id "
            "WHERE c.reference_id = ?",
            (REF,),
        ).fetchone()[0]
    finally:
        conn.close()
    assert versions == 2


def test_an_input_read_again_unchanged_says_which_text_stays_and_again_makes_it_current(
    target: Path, tmp_path: Path
) -> None:
    """The original file ingested again after its correction: unchanged (it is as it was when
    stored), but never silently, for its text is not the current one; `--again` takes it as
    delivered anew and makes it current."""
    env = env_for(tmp_path / "home")
    original = tmp_path / "original.txt"
    original.write_bytes(TOKYO.read_bytes())
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(TOKYO.read_text().replace("SUBJECT: ", "SUBJECT: CORRECTED ", 1))
    triage(target, "ingest", str(original), env=env)
    triage(target, "ingest", str(corrected), env=env)

    same = triage(target, "ingest", str(original), env=env)
    assert "added 0, updated 0, unchanged 1, rejected 0" in same.stdout
    assert (
        f"{original}: {REF}: this input is as it was when stored as version 1; version 2, "
        "another input's text, stays current (to make this text current again: triage ingest "
        f"--again {original})"
    ) in " ".join(same.stderr.split()), same.stderr
    assert "SUBJECT: CORRECTED " in triage(target, "raw", REF, env=env).stdout

    again = triage(target, "ingest", "--again", str(original), env=env)
    assert "added 0, updated 1, unchanged 0, rejected 0" in again.stdout, again.stderr
    assert f"{REF} came again with the text of its version 1" in again.stderr
    assert "SUBJECT: CORRECTED " not in triage(target, "raw", REF, env=env).stdout
