"""The cache: round trips, idempotence, corrected copies, CSV, stdin, watch, rejects, modes."""

from __future__ import annotations

import csv
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import main
from triage.config import resolve_db_path
from triage.store import SCHEMA_VERSION, StoreError, connect
from triage.store.ingest import Item, ingest, raw_bytes
from triage.store.inputs import iter_paths
from triage.store.watch import Watcher

from .conftest import N_SAMPLES, sample_copies


def test_every_sample_round_trips_byte_for_byte(tmp_path: Path, samples: Path) -> None:
    conn = connect(tmp_path / "c.db")
    summary = ingest(conn, iter_paths([str(samples)]))
    files = sorted(samples.glob("*.txt"))
    assert summary.added == len(files) and summary.rejected == 0
    for f in files:
        ref = conn.execute(
            "SELECT reference_id FROM cables WHERE source = ?", (str(f),)
        ).fetchone()[0]
        assert raw_bytes(conn, ref) == f.read_bytes()


def test_ingest_is_idempotent(tmp_path: Path, samples: Path) -> None:
    conn = connect(tmp_path / "c.db")
    ingest(conn, iter_paths([str(samples)]))
    again = ingest(conn, iter_paths([str(samples)]))
    n = len(list(samples.glob("*.txt")))
    assert (again.added, again.updated, again.unchanged) == (0, 0, n)
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == n
    assert conn.execute("SELECT count(*) FROM cables_fts").fetchone()[0] == n


def test_corrected_copy_updates_and_keeps_triage_state(tmp_path: Path, samples: Path) -> None:
    conn = connect(tmp_path / "c.db")
    original = (samples / "04_immediate_paris.txt").read_bytes()
    ingest(conn, [Item("a.txt", original)])
    conn.execute(
        "UPDATE workflow SET officer = 'kwalker', status = 'IN PROGRESS', note = 'draft reply'"
    )
    corrected = original.replace(b"\n\nSIPDIS", b"\n\nC O R R E C T E D C O PY (TEXT)\n\nSIPDIS", 1)
    assert b"Post recommends" in corrected
    corrected = corrected.replace(b"Post recommends", b"Embassy recommends")
    s = ingest(conn, [Item("b.txt", corrected)])
    assert s.updated == 1
    ref = "26PARIS1877"
    assert raw_bytes(conn, ref) == corrected
    assert raw_bytes(conn, ref, version=1) == original
    row = conn.execute(
        "SELECT c.corrected, c.version, w.officer, w.status, w.note FROM cables c "
        "JOIN workflow w ON w.cable_id = c.id WHERE reference_id = ?",
        (ref,),
    ).fetchone()
    assert row == (1, 2, "kwalker", "IN PROGRESS", "draft reply")

    # the search index follows the new text and forgets the old
    def hits(q: str) -> int:
        sql = "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH ?"
        return int(conn.execute(sql, (q,)).fetchone()[0])

    assert hits('"embassy recommends"') == 1
    assert hits('"post recommends"') == 0
    # the current text again is unchanged; the old text again is current again, a new version
    assert ingest(conn, [Item("b.txt", corrected)]).unchanged == 1
    # (the same input, as it was when stored, is no new delivery: `ingest --again` makes it one)
    assert ingest(conn, [Item("a.txt", original)]).unchanged == 1
    assert raw_bytes(conn, ref) == corrected
    assert ingest(conn, [Item("a.txt", original, again=True)]).updated == 1
    assert raw_bytes(conn, ref) == original
    assert hits('"post recommends"') == 1
    assert hits('"embassy recommends"') == 0


def _write_cablegate_csv(path: Path, samples: Path, broken_row: int | None = None) -> list[str]:
    refs = []
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for k, f in enumerate(sorted(samples.glob("*.txt"))[:10], start=1):
            text = f.read_text(encoding="utf-8")
            header, _, body = text.partition("\n\n")
            from triage.cable import parse_cable

            ref = parse_cable(text).reference_id
            refs.append(ref)
            w.writerow([k, "11/27/2026 12:00", ref, "Embassy Test", "SECRET", "", header, body])
    if broken_row is not None:
        lines = path.read_text(encoding="utf-8").split("\n")
        starts = [i for i, ln in enumerate(lines) if ln.startswith(f'"{broken_row}","')]
        lines[starts[0]] = lines[starts[0]].replace('"11/27/2026 12:00"', '"11/27/2026 12:00')
        path.write_text("\n".join(lines), encoding="utf-8")
    return refs


def test_cablegate_csv_import(tmp_path: Path, samples: Path) -> None:
    path = tmp_path / "cables.csv"
    refs = _write_cablegate_csv(path, samples)
    conn = connect(tmp_path / "c.db")
    s = ingest(conn, iter_paths([str(path)]))
    assert s.added == 10 and s.rejected == 0
    got = {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
    assert got == set(refs)


def test_cablegate_csv_with_a_broken_quote_keeps_the_other_rows(
    tmp_path: Path, samples: Path
) -> None:
    path = tmp_path / "cables.csv"
    refs = _write_cablegate_csv(path, samples, broken_row=3)
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "c.db"), str(path)])
    assert result.exit_code == 1
    assert "added 9, updated 0, unchanged 0, rejected 1" in result.stdout
    assert f"{path}:row 3: rejected: malformed CSV record" in result.stderr
    conn = connect(tmp_path / "c.db")
    got = {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
    assert got == set(refs) - {refs[2]}
    assert conn.execute("SELECT path FROM rejects").fetchall() == [(f"{path}:row 3",)]


def test_a_broken_last_row_with_unquoted_ids_is_rejected_by_name_not_lost(
    tmp_path: Path, samples: Path
) -> None:
    """A CSV saved again by a spreadsheet or Python's csv module writes the id column bare.
    With a quote left open in its last row, that row was dropped with `rejected 0`."""
    import csv

    path = tmp_path / "resaved.csv"
    text = (samples / "04_immediate_paris.txt").read_text(encoding="utf-8")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        w.writerow(
            [1, "11/27/2026 12:00", "26PARIS1", "Embassy Paris", "CONFIDENTIAL", "", "", text]
        )
        fh.write('4,"12/12/1993 22:53","77BROKEN1","","","","","VZCZ\nunterminated\n')
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "c.db"), str(path)])
    assert "added 1, updated 0, unchanged 0, rejected 1" in result.stdout, result.output
    assert f"{path}:row 2: rejected: malformed CSV record" in result.stderr, result.stderr
    assert result.exit_code == 1


def test_stdin(tmp_path: Path, samples: Path) -> None:
    data = (samples / "01_flash_hijack.txt").read_bytes()
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "c.db"), "-"], input=data)
    assert result.exit_code == 0, result.output
    assert "added 1, updated 0, unchanged 0, rejected 0" in result.stdout
    out = CliRunner().invoke(main, ["raw", "--db", str(tmp_path / "c.db"), "26STATE104233"])
    assert out.stdout_bytes == data


def test_rejects_are_reported_and_kept(tmp_path: Path, samples: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    (tmp_path / "in" / "ok.txt").write_bytes((samples / "05_priority_berlin.txt").read_bytes())
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            "--db",
            str(tmp_path / "c.db"),
            str(tmp_path / "in"),
            str(tmp_path / "gone.txt"),
        ],
    )
    assert result.exit_code == 1
    assert "added 1, updated 0, unchanged 0, rejected 3" in result.stdout
    assert "empty.txt: rejected: empty file" in result.stderr
    assert "pic.png: rejected: binary data (PNG image)" in result.stderr
    assert "gone.txt: rejected: no such file" in result.stderr
    conn = connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 3


def test_damaged_cable_is_stored_with_warnings(tmp_path: Path) -> None:
    conn = connect(tmp_path / "c.db")
    s = ingest(conn, [Item("cut.txt", b"SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED ON\n")])
    assert s.added == 1
    ref, warnings = conn.execute("SELECT reference_id, warnings_json FROM cables").fetchone()
    assert ref.startswith("UNKNOWN-")
    assert "no classification banner" in warnings


def test_text_with_nothing_of_a_cable_in_it_is_rejected_by_name(tmp_path: Path) -> None:
    """A README or a page of notes in the drop folder became an UNKNOWN-... cable in every
    officer's Inbox: it is a reject now, named with why (the file stays where it was)."""
    conn = connect(tmp_path / "c.db")
    said: list[tuple[str, str]] = []
    readme = b"# triage\n\nA console for cables.\n\n1. Install it\n2. Run it\n"
    s = ingest(conn, [Item("README.md", readme)], on_reject=lambda a, b: said.append((a, b)))
    assert (s.added, s.rejected) == (0, 1)
    assert said and said[0][0] == "README.md" and said[0][1].startswith("no cable in it")
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == 0
    assert conn.execute("SELECT path FROM rejects").fetchone()[0] == "README.md"


def test_watch_reads_a_file_written_in_two_steps_once_whole(tmp_path: Path, samples: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    conn = connect(tmp_path / "c.db")
    w = Watcher(conn, drop)
    data = (samples / "06_routine_tokyo.txt").read_bytes()
    target = drop / "incoming.txt"
    target.write_bytes(data[:200])
    assert w.poll() is None  # first sight
    with target.open("ab") as fh:
        fh.write(data[200:])
    assert w.poll() is None  # still growing
    s = w.poll()
    assert s is not None and s.added == 1
    assert w.poll() is None  # not again
    (drop / ".hidden").write_bytes(data)
    (drop / "part.tmp").write_bytes(data)
    assert w.poll() is None and w.poll() is None
    assert raw_bytes(conn, "26TOKYO2291") == data
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == 1
    assert target.exists()  # never moved or deleted


def test_a_folder_that_holds_the_cache_never_has_the_cache_opened(
    tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`triage ingest ~/cables` or a drop folder with the cache in it: the cache's files are
    passed over unopened (opening and closing the database file from Python would drop
    SQLite's locks in this process), said once on ingest, never a reject, never re-read."""
    import triage.store.ingest as ingest_mod
    from triage.store.inputs import cache_files

    folder = tmp_path / "cables"
    folder.mkdir()
    (folder / "tokyo.txt").write_bytes((samples / "06_routine_tokyo.txt").read_bytes())
    conn = connect(folder / "cache.db")
    ingest(conn, iter_paths([str(folder / "tokyo.txt")]))  # makes the -wal and -shm
    opened: list[str] = []
    real_open = os.open

    def spy(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(ingest_mod.os, "open", spy)
    skipped: list[str] = []
    s = ingest(conn, iter_paths([str(folder)], cache_files(conn), skipped.append))
    assert (s.added, s.unchanged, s.rejected) == (0, 1, 0)
    assert skipped == [str(folder / "cache.db")]
    assert not [p for p in opened if "cache.db" in p], opened
    assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0
    w = Watcher(conn, folder)
    w.poll()
    conn.execute("PRAGMA wal_checkpoint")
    w.poll()
    w.poll()
    assert not [p for p in opened if "cache.db" in p], opened
    assert conn.execute("SELECT count(*) FROM rejects").fetchone()[0] == 0


def test_an_empty_file_is_no_cache_to_read_and_a_private_one_once_ingested(
    tmp_path: Path, samples: Path
) -> None:
    """`touch c.db`, then a read-only command: it says the file is empty and leaves it as it
    was (SQLite alone would have made it a cache); an ingest makes it one, private."""
    path = tmp_path / "c.db"
    path.touch(mode=0o644)
    for args in (["report"], ["export"], ["audit"], ["raw", "26TOKYO2291"]):
        r = CliRunner().invoke(main, [*args, "--db", str(path)])
        assert r.exit_code == 1, (args, r.output)
        assert "an empty file, not a cache yet" in r.output and "triage ingest" in r.output
        assert path.stat().st_size == 0
    r = CliRunner().invoke(
        main, ["ingest", "--db", str(path), str(samples / "06_routine_tokyo.txt")]
    )
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert connect(path).execute("SELECT count(*) FROM cables").fetchone()[0] == 1


def test_a_mistyped_db_folder_is_refused_and_a_new_cache_is_said(
    tmp_path: Path, samples: Path
) -> None:
    """`ingest --db /nonexistent/dir/x.db` made the folders and a cache nobody looks in, and
    said nothing: a folder that is not there is now refused by name, and a new cache is said."""
    one = str(samples / "06_routine_tokyo.txt")
    wrong = tmp_path / "typo" / "deep" / "c.db"
    r = CliRunner().invoke(main, ["ingest", "--db", str(wrong), one])
    assert r.exit_code == 1 and f"no folder {wrong.parent}" in r.output
    assert not (tmp_path / "typo").exists()
    r = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "c.db"), one])
    assert r.exit_code == 0 and f"{tmp_path / 'c.db'}: a new cache" in r.output
    r = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "c.db"), one])
    assert r.exit_code == 0 and "a new cache" not in r.output
    # the console (no command) made the folders and an empty cache, and opened on it
    r = CliRunner().invoke(main, ["--db", str(wrong)])
    assert r.exit_code == 1 and f"no folder {wrong.parent}" in r.output
    assert not (tmp_path / "typo").exists()
    # a command that only reads said to run ingest there, which then refused the folder
    r = CliRunner().invoke(main, ["report", "--db", str(wrong)])
    assert r.exit_code == 1 and f"no folder {wrong.parent}" in r.output
    assert "triage ingest" not in r.output


def test_new_cache_is_private(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    connect(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_schema_version_and_newer_cache_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer triage"):
        connect(path)


def test_older_cache_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    plain = sqlite3.connect(path)
    plain.execute("CREATE TABLE unrelated (x)")
    plain.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == 0


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a triage cache"):
        connect(path)


def test_audit_log_refuses_update_and_delete(tmp_path: Path) -> None:
    conn = connect(tmp_path / "c.db")
    conn.execute("INSERT INTO audit (at, who, field) VALUES ('t', 'me', 'status')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET who = 'you'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit")


def test_db_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg_dir = tmp_path / "xdg-config" / "triage"
    assert resolve_db_path(None).name == "triage.db"
    cfg_dir.mkdir(parents=True)
    (cfg_dir / "config.toml").write_text(f'db = "{tmp_path / "from-config.db"}"\n')
    assert resolve_db_path(None) == tmp_path / "from-config.db"
    monkeypatch.setenv("TRIAGE_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"


def test_raw_unknown_reference(tmp_path: Path) -> None:
    connect(tmp_path / "c.db")
    r = CliRunner().invoke(main, ["raw", "--db", str(tmp_path / "c.db"), "99NOWHERE1"])
    assert r.exit_code != 0
    assert "no cable 99NOWHERE1" in r.output
    r = CliRunner().invoke(main, ["raw", "--db", str(tmp_path / "c.db"), "\x1b]2;X\x07REF"])
    assert "no cable ␛]2;X␇REF" in r.output and "\x1b" not in r.output


def test_watch_command_ingests_what_arrives(tmp_path: Path, samples: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    drop = tmp_path / "drop"
    drop.mkdir()
    db = tmp_path / "c.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triage.cli",
            "watch",
            "--db",
            str(db),
            "--interval",
            "0.2",
            str(drop),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "watching" in proc.stdout.readline()
        data = (samples / "01_flash_hijack.txt").read_bytes()
        (drop / "incoming.tmp").write_bytes(data)  # a writer writes, then renames
        (drop / "incoming.tmp").rename(drop / "incoming.txt")
        (drop / "left-behind.tmp").write_bytes((samples / "04_immediate_paris.txt").read_bytes())
        line = proc.stdout.readline()  # the watcher says what it ingests
        assert line.strip() == "ingested 26STATE104233"
        deadline = time.monotonic() + 10
        while connect(db).execute("SELECT count(*) FROM cables").fetchone()[0] != 1:
            assert time.monotonic() < deadline
        assert raw_bytes(connect(db), "26STATE104233") == data
        # a damaged cable is stored with warnings, named with its file
        (drop / "cut.txt").write_bytes(b"SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED\n")
        import threading

        watchdog = threading.Timer(120, proc.kill)  # never a hang: the lines end, and it fails
        watchdog.start()
        try:
            for line in proc.stdout:
                if "ingested UNKNOWN-" in line:
                    break
            else:
                raise AssertionError("the watcher never said it ingested the damaged cable")
        finally:
            watchdog.cancel()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert "stopped" in out
    assert "Traceback" not in err
    assert f"{drop / 'cut.txt'}: UNKNOWN-" in err and "no classification banner" in err
    assert (drop / "incoming.txt").exists()


def _rows(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    cols = [
        r[1]
        for r in conn.execute("PRAGMA table_info(cables)")
        if r[1] not in ("id", "received_at", "updated_at")
    ]
    rows = conn.execute(f"SELECT {', '.join(cols)} FROM cables ORDER BY reference_id").fetchall()
    tags = conn.execute("SELECT count(*), count(DISTINCT tag) FROM cable_tags").fetchone()
    adds = conn.execute("SELECT count(*) FROM addressees").fetchone()
    hits = conn.execute(
        "SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'embassy'"
    ).fetchone()
    return [*rows, tags, adds, hits]


def test_the_parser_process_stores_what_parsing_here_stores(tmp_path: Path, samples: Path) -> None:
    items = sample_copies(4)
    here = connect(tmp_path / "here.db")
    there = connect(tmp_path / "there.db")
    a = ingest(here, items, parser_process=False)
    b = ingest(there, items)
    assert a.line() == b.line() == f"added {len(items)}, updated 0, unchanged 0, rejected 0"
    assert _rows(here) == _rows(there)


def test_a_dead_parser_process_loses_nothing(tmp_path: Path, samples: Path) -> None:
    import multiprocessing

    items = sample_copies(8)
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        if done == 200:  # the writer holds the second chunk; the parser is on the third
            for child in multiprocessing.active_children():
                child.kill()  # as the kernel's out-of-memory killer would

    conn = connect(tmp_path / "c.db")
    summary = ingest(conn, items, on_progress=progress)
    assert summary.line() == f"added {len(items)}, updated 0, unchanged 0, rejected 0"
    stored = {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
    assert stored == {it.meta["reference_id"] for it in items if it.meta}
    assert conn.execute("SELECT count(*) FROM cables_fts").fetchone()[0] == len(items)


def test_an_input_that_fails_midway_is_raised_to_the_caller(tmp_path: Path, samples: Path) -> None:
    items = sample_copies(8)

    def feed() -> Iterator[Item]:
        yield from items[:100]
        raise OSError("the disk holding the inputs went away")

    conn = connect(tmp_path / "c.db")
    with pytest.raises(OSError, match="went away"):
        ingest(conn, feed())
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] <= 100


def test_a_first_schema_cache_is_migrated_and_keeps_its_cables(
    tmp_path: Path, samples: Path
) -> None:
    from triage.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode = WAL")
    for stmt in MIGRATIONS[1]:
        old.execute(stmt)
    old.execute(
        "INSERT INTO cables (reference_id, sha256, received_at, updated_at) "
        "VALUES ('07PARIS1', 'x', 'now', 'now')"
    )
    old.execute("PRAGMA user_version = 1")
    old.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "paragraphs" not in tables and "cable_tags_cable" not in tables
    assert conn.execute("SELECT reference_id FROM cables").fetchall() == [("07PARIS1",)]
    assert ingest(conn, iter_paths([str(samples)])).rejected == 0


def _index_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}


def test_a_bulk_load_builds_its_indexes_at_the_end(tmp_path: Path, samples: Path) -> None:
    from triage.store.schema import DEFERRABLE_INDEXES

    items = sample_copies(4)
    conn = connect(tmp_path / "c.db")
    summary = ingest(conn, items, batch=20, bulk_after=40)
    assert summary.added == len(items)
    assert set(DEFERRABLE_INDEXES) <= _index_names(conn)
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT cable_id FROM cable_tags WHERE tag = 'PREL'"
        )
    )
    assert "cable_tags_tag" in plan
    hits = conn.execute("SELECT count(*) FROM cable_tags WHERE tag = 'PREL'").fetchone()[0]
    assert hits == 4 * sum(1 for f in samples.glob("*.txt") if b"PREL" in f.read_bytes())


def test_a_bulk_load_killed_midway_is_mended_by_the_next_ingest(
    tmp_path: Path, samples: Path
) -> None:
    from triage.store.schema import DEFERRABLE_INDEXES

    items = sample_copies(8)

    def feed() -> Iterator[Item]:
        yield from items[:300]
        raise KeyboardInterrupt

    conn = connect(tmp_path / "c.db")
    with pytest.raises(KeyboardInterrupt):
        ingest(conn, feed(), batch=20, bulk_after=40)
    assert not set(DEFERRABLE_INDEXES) & _index_names(conn)  # the run was cut in bulk mode
    kept = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
    assert kept == 300  # every item read before the failure was stored
    again = ingest(conn, items)
    assert again.added == len(items) - kept and again.unchanged == kept
    assert set(DEFERRABLE_INDEXES) <= _index_names(conn)


def test_a_new_cache_indexes_prefixes_and_an_older_full_one_keeps_its_index(
    tmp_path: Path, samples: Path
) -> None:
    from triage.store.views import Context, View, prefix_lengths, view_ids

    fresh = connect(tmp_path / "new.db")
    assert prefix_lengths(fresh) == {3}
    ingest(fresh, iter_paths([str(samples)]), parser_process=False)
    # a schema-2 cache holding cables: its FTS index is not rebuilt on open (that would mean
    # re-indexing every text), and prefix searches still find what they should
    path = tmp_path / "old.db"
    old = _old_style_cache(path)
    old.execute("PRAGMA user_version = 2")
    ingest(old, iter_paths([str(samples)]), parser_process=False)
    old.close()
    again = connect(path)
    assert again.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert prefix_lengths(again) == set()
    ctx = Context(login="k")
    for search in ("gov*", "go*", "govern* NOT minister"):
        view = View(tab="All", search=search)
        assert list(view_ids(again, view, ctx)) == list(view_ids(fresh, view, ctx))


def _old_style_cache(path: Path) -> sqlite3.Connection:
    """A cache whose FTS index is the one schema 1 created (no prefix index)."""
    from triage.store.schema import MIGRATIONS

    c = connect(path)
    c.execute("DROP TABLE cables_fts")
    c.execute(next(str(s) for s in MIGRATIONS[1] if "fts5" in str(s)))
    return c


def test_reindex_rebuilds_the_search_index_from_the_stored_texts(
    tmp_path: Path, samples: Path
) -> None:
    from triage.store.ingest import reindex
    from triage.store.views import Context, View, prefix_lengths, view_ids

    first = (samples / "04_immediate_paris.txt").read_text()
    second = first.replace("SUBJECT:", "SUBJECT: QUAYSIDEWORD").replace(
        "1. (", "1. (U) Now with a harbourmasterword.\n\n2. (", 1
    )
    v1, v2 = tmp_path / "v1.txt", tmp_path / "v2.txt"
    v1.write_text(first.replace("SUBJECT:", "SUBJECT: OLDONLYWORD"))
    v2.write_text(second)
    old = _old_style_cache(tmp_path / "old.db")
    fresh = connect(tmp_path / "fresh.db")
    for c in (old, fresh):
        for inputs in ([str(samples)], [str(v1)], [str(v2)]):
            ingest(c, iter_paths(inputs), parser_process=False)
    assert prefix_lengths(old) == set()
    seen = []
    assert reindex(old, lambda done, total: seen.append((done, total))) == N_SAMPLES
    assert seen[-1] == (N_SAMPLES, N_SAMPLES) and prefix_lengths(old) == {3}
    ctx = Context(login="k")
    searches = [
        "26PARIS1877",
        "quaysideword",
        "harbourmasterword",
        "oldonlyword",  # only in a text that is no longer the current version
        "PREL",
        "gra*",
        "govern* NOT minister",
        '"the government"',
    ]
    for search in searches:
        view = View(tab="All", search=search)
        assert list(view_ids(old, view, ctx)) == list(view_ids(fresh, view, ctx)), search
    assert not view_ids(old, View(tab="All", search="oldonlyword"), ctx)
    assert view_ids(old, View(tab="All", search="harbourmasterword"), ctx)
    # a later version still replaces the reindexed entry
    v3 = tmp_path / "v3.txt"
    v3.write_text(second.replace("QUAYSIDEWORD", "THIRDWORD"))
    ingest(old, iter_paths([str(v3)]), parser_process=False)
    assert not view_ids(old, View(tab="All", search="quaysideword"), ctx)
    assert view_ids(old, View(tab="All", search="thirdword"), ctx)


def test_reindex_from_the_shell_says_what_it_did(tmp_path: Path, samples: Path) -> None:
    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    result = CliRunner().invoke(main, ["reindex", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{db}: search index rebuilt for {N_SAMPLES} cables" in result.output
    missing = CliRunner().invoke(main, ["reindex", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "none.db: no cache here" in missing.output


def test_ingest_stopped_by_ctrl_c_says_what_is_kept_and_what_to_do(
    tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """click printed only "Aborted!": now the officer is told how far it got, that the
    batches committed are kept, and to run it again."""
    import triage.store.ingest as store_ingest

    db = tmp_path / "c.db"
    real = store_ingest.prepare
    calls = [0]

    def ctrl_c_at_the_twentieth(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 20:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(store_ingest, "prepare", ctrl_c_at_the_twentieth)
    stopped = CliRunner().invoke(main, ["ingest", "--db", str(db), str(samples)])
    assert stopped.exit_code == 130
    assert "Aborted" not in stopped.output
    # every sample was read (fewer than a parser chunk: read at once) into the one batch the
    # stop rolled back: each is named, and the count is what was read, not what was parsed
    assert (
        f"ingest stopped (ctrl+c) after {N_SAMPLES} inputs: {db}: every batch committed is kept; "
        f"{N_SAMPLES} inputs read and not stored (named above); run the same ingest again"
    ) in stopped.output
    assert stopped.output.count(": read, not stored (its batch was not committed)") == N_SAMPLES
    assert "run the same ingest again to go on" in stopped.output
    monkeypatch.setattr(store_ingest, "prepare", real)
    again = CliRunner().invoke(main, ["ingest", "--db", str(db), str(samples)])
    assert again.exit_code == 0, again.output
    assert connect(db).execute("SELECT count(*) FROM cables").fetchone()[0] == N_SAMPLES


def test_reindex_stopped_from_the_shell_says_so_and_goes_on_when_run_again(
    tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.store.ingest as store_ingest

    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    monkeypatch.setattr(store_ingest, "REINDEX_BATCH", 10)
    index_row = store_ingest._index_row
    calls = [0]

    def ctrl_c_in_the_third_batch(*args):  # type: ignore[no-untyped-def]
        calls[0] += 1
        if calls[0] == 25:
            raise KeyboardInterrupt
        return index_row(*args)

    monkeypatch.setattr(store_ingest, "_index_row", ctrl_c_in_the_third_batch)
    stopped = CliRunner().invoke(main, ["reindex", "--db", str(db)])
    assert stopped.exit_code != 0
    assert f"{db}: reindex stopped at 20 of {N_SAMPLES} cables" in stopped.output
    assert "run triage reindex again to go on" in stopped.output
    monkeypatch.setattr(store_ingest, "_index_row", index_row)
    again = CliRunner().invoke(main, ["reindex", "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert f"{db}: going on from an earlier reindex (20 cables done)" in again.output
    assert f"{db}: search index rebuilt for {N_SAMPLES} cables" in again.output


def test_reindex_stopped_while_freeing_the_old_index_finishes_without_rebuilding(
    tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.store.ingest as store_ingest

    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    drop = store_ingest._drop_in_steps

    def ctrl_c(*args):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(store_ingest, "_drop_in_steps", ctrl_c)
    stopped = CliRunner().invoke(main, ["reindex", "--db", str(db)])
    assert stopped.exit_code != 0
    assert "while freeing the old index's space; searches already use the new index" in (
        stopped.output
    )
    monkeypatch.setattr(store_ingest, "_drop_in_steps", drop)
    monkeypatch.setattr(store_ingest, "_index_row", ctrl_c)  # no cable is indexed again
    again = CliRunner().invoke(main, ["reindex", "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "freeing the space of the index an earlier reindex replaced" in again.output
    tables = {r[0] for r in connect(db).execute("SELECT name FROM sqlite_master")}
    assert not any(t.startswith("cables_fts_old") for t in tables)


def test_an_ingest_that_cannot_get_the_write_lock_says_which_cache_and_why(
    tmp_path: Path, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.store.schema as schema

    db = tmp_path / "c.db"
    connect(db).close()
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(samples)])
    finally:
        holder.execute("ROLLBACK")
    assert result.exit_code != 0
    assert f"ingest stopped: {db}: database is locked" in result.output
    assert "write lock" in result.output and "what was committed is kept" in result.output


def _fts_averages(c: sqlite3.Connection) -> bytes:
    """FTS5's averages record: rows and tokens as counted at each insert and delete, so a cable
    indexed twice, or an old version not taken out, makes it differ from a fresh cache's."""
    return bytes(c.execute("SELECT block FROM cables_fts_data WHERE id = 1").fetchone()[0])


def _searches_agree(a: sqlite3.Connection, b: sqlite3.Connection, searches: list[str]) -> None:
    from triage.store.views import Context, View, view_ids

    ctx = Context(login="k")
    for search in searches:
        view = View(tab="All", search=search)
        assert list(view_ids(a, view, ctx)) == list(view_ids(b, view, ctx)), search


def test_reindex_is_online_writers_go_on_between_its_batches(tmp_path: Path, samples: Path) -> None:
    """Between two of its batches, another process assigns a cable, stores a corrected copy of a
    cable the new index already holds, and a new cable, each without waiting for a lock; after
    the swap the index answers as a cache built from scratch with the same cables."""
    from triage.store import workflow as wf
    from triage.store.ingest import reindex

    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    paris = (samples / "04_immediate_paris.txt").read_text()  # cable id 4: copied early
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(paris.replace("SUBJECT:", "SUBJECT: CORRECTEDWORD"))
    newcomer = tmp_path / "new.txt"
    newcomer.write_text(
        paris.replace("PARIS 001877", "PARIS 001999").replace("SUBJECT:", "SUBJECT: NEWCOMERWORD")
    )
    other = sqlite3.connect(db, isolation_level=None, timeout=0)  # no waiting for the lock
    builder = connect(db)
    calls: list[int] = []

    def between_batches(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            wf.assign(other, wf.find_cable(other, "26JCS911"), "kwalker", "k")
            ingest(other, iter_paths([str(corrected), str(newcomer)]), parser_process=False)

    assert reindex(builder, between_batches, batch=10) == N_SAMPLES + 1
    assert calls[:2] == [10, 20] and len(calls) == 5
    fresh = connect(tmp_path / "fresh.db")
    ingest(fresh, iter_paths([str(samples), str(corrected), str(newcomer)]), parser_process=False)
    searches = ["correctedword", "newcomerword", "26PARIS1877", "sahel", "gra*", "PREL", "mon*"]
    _searches_agree(builder, fresh, searches)
    assert _fts_averages(builder) == _fts_averages(fresh)
    from triage.store.views import Context, View, view_ids

    ctx = Context(login="k")
    assert list(view_ids(builder, View(tab="All", search="correctedword"), ctx))
    tables = {r[0] for r in builder.execute("SELECT name FROM sqlite_master")}
    assert not {t for t in tables if t.startswith(("cables_fts_old", "cables_fts_next"))}
    assert "reindex_progress" not in tables


def test_two_reindexes_at_once_share_the_work_instead_of_doubling_it(
    tmp_path: Path, samples: Path
) -> None:
    """A second `triage reindex` started while the first is between batches goes on from where
    the first got and finishes; the first then stops, and no cable is indexed twice."""
    from triage.store.ingest import reindex

    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    first, second = connect(db), connect(db)
    seconds: list[int] = []

    def run_the_second_once(done: int, total: int) -> None:
        if not seconds:
            seconds.append(reindex(second, batch=10))

    assert reindex(first, run_the_second_once, batch=10) == N_SAMPLES
    assert seconds == [N_SAMPLES]
    fresh = connect(tmp_path / "fresh.db")
    ingest(fresh, iter_paths([str(samples)]), parser_process=False)
    _searches_agree(first, fresh, ["sahel", "26PARIS1877", "gov*", "PREL", "the"])

    assert _fts_averages(first) == _fts_averages(fresh)  # each cable indexed once


def test_a_stopped_reindex_leaves_search_working_and_resumes(tmp_path: Path, samples: Path) -> None:
    from triage.store.ingest import reindex
    from triage.store.views import Context, View, prefix_lengths, view_ids

    db = tmp_path / "c.db"
    ingest(_old_style_cache(db), iter_paths([str(samples)]), parser_process=False)
    conn = connect(db)

    def stop_after_two(done: int, total: int) -> None:
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reindex(conn, stop_after_two, batch=10)
    # the old index still answers, and an ingest still works (and reaches the half-built one)
    ctx = Context(login="k")
    assert len(view_ids(conn, View(tab="All", search="sahel"), ctx)) == 3  # PARIS 1877, 2001, 2002
    paris = (samples / "04_immediate_paris.txt").read_text()
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(paris.replace("SUBJECT:", "SUBJECT: LATEWORD"))
    ingest(conn, iter_paths([str(corrected)]), parser_process=False)
    seen: list[int] = []
    assert reindex(conn, lambda done, total: seen.append(done), batch=10) == N_SAMPLES
    assert seen[0] == 30  # it went on from where it stopped
    assert prefix_lengths(conn) == {3}
    fresh = connect(tmp_path / "fresh.db")
    ingest(fresh, iter_paths([str(samples), str(corrected)]), parser_process=False)
    _searches_agree(conn, fresh, ["lateword", "sahel", "26PARIS1877", "gov*", "sahel NOT PREL"])
    assert _fts_averages(conn) == _fts_averages(fresh)
