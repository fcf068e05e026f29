"""Neighbours on a shared host (issue 13): exports never follow a planted link or write into a
device or FIFO, and are recorded before they exist; ingest and watch read regular files only;
the audit log is hash-chained, checked by `triage audit --verify`, and its triggers come back.

Commands run as real processes where it matters (a FIFO that blocks, a read-only cache, many
writers at once); a command that hangs fails its test by its timeout."""

from __future__ import annotations

import csv
import io
import os
import select
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from triage.store import connect
from triage.store import workflow as wf
from triage.store.export import COLUMNS, safe_cell

from .conftest import N_SAMPLES

TRIAGE = [sys.executable, "-m", "triage.cli"]
HANG = 60  # seconds after which a command is taken to hang (a FIFO opened for reading)


def triage(*args: str, timeout: float = HANG, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TRIAGE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,  # type: ignore[call-overload]
    )


def audit_rows(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return [tuple(r) for r in conn.execute("SELECT id, who, field, new FROM audit ORDER BY id")]
    finally:
        conn.close()


def exports_recorded(db: Path) -> list[str]:
    return [str(r[3]) for r in audit_rows(db) if r[2] == "export"]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- export: a planted link is replaced, never followed; nothing but a regular file is written --

NOBODY = 65534


def _planted(link: Path) -> None:
    """The link as a neighbour would plant it: theirs, not ours (a link of our own, or root's,
    is followed: see the tests after these)."""
    try:
        os.lchown(link, NOBODY, NOBODY)
    except PermissionError:
        pytest.skip("a link owned by another login needs root to make (CI runs as root)")


def test_export_replaces_a_planted_link_and_leaves_its_target_alone(
    db: Path, tmp_path: Path
) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n")
    victim.chmod(0o644)
    out = desk / "morning.csv"
    out.symlink_to(victim)
    _planted(out)
    r = triage("export", "--db", str(db), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "export PATH=/usr/bin\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert not out.is_symlink() and out.is_file()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert rows[0] == COLUMNS and len(rows) == N_SAMPLES + 1
    assert leftovers(desk) == []
    assert exports_recorded(db) == [
        f"{N_SAMPLES} rows to {out} (highest TOP SECRET//NOFORN//NODIS//EXDIS)"
    ]


def test_export_through_a_link_of_our_own_writes_the_file_it_names(
    db: Path, tmp_path: Path
) -> None:
    """`~/meeting.csv -> ~/shared/meeting.csv`, made by the officer: the export lands in the
    file the link names, and the link stays a link (it was replaced by a file of its own)."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "meeting.csv"
    target.write_text("old\n")
    link = tmp_path / "meeting.csv"
    link.symlink_to(target)
    dangling = tmp_path / "new.csv"
    dangling.symlink_to(shared / "new.csv")
    for name, lands in ((link, target), (dangling, shared / "new.csv")):
        r = triage("export", "--db", str(db), "-o", str(name))
        assert r.returncode == 0, r.stderr
        assert name.is_symlink()
        rows = list(csv.reader(lands.open(newline="", encoding="utf-8")))
        assert rows[0] == COLUMNS and len(rows) == N_SAMPLES + 1
    assert leftovers(tmp_path) == [] and leftovers(shared) == []
    assert exports_recorded(db) == [
        f"{N_SAMPLES} rows to {target} (highest TOP SECRET//NOFORN//NODIS//EXDIS)",
        f"{N_SAMPLES} rows to {shared / 'new.csv'} (highest TOP SECRET//NOFORN//NODIS//EXDIS)",
    ]


@pytest.mark.parametrize("command", ["export", "report"])
def test_a_link_of_our_own_to_a_pipe_or_device_is_refused_and_kept(
    db: Path, tmp_path: Path, command: str
) -> None:
    """As root, `-o` through a link to standard output replaced the link with a file (the
    machine's own /dev/stdout became a file of TOP SECRET rows)."""
    for to in ("/proc/self/fd/1", "/dev/null"):
        link = tmp_path / "out.csv"
        link.symlink_to(to)
        r = triage(command, "--db", str(db), "-o", str(link))
        assert r.returncode != 0
        assert f"{link}: a symbolic link to a" in r.stderr and "nothing written" in r.stderr
        assert "name a file, or - for standard output" in r.stderr
        assert link.is_symlink() and os.readlink(link) == to
        link.unlink()
    assert exports_recorded(db) == []


@pytest.mark.parametrize("command", ["export", "report"])
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_the_names_of_standard_output_write_to_it(
    db: Path, command: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process, with every way to write a file made to fail the test: run as a process and
    broken, this test would replace the machine's /dev/stdout."""
    from click.testing import CliRunner

    import triage.store.export as export
    from triage.cli import main

    def no_file(*_a: object, **_k: object) -> None:
        raise AssertionError(f"{name} was taken for a file")

    monkeypatch.setattr(export, "export_file", no_file)
    monkeypatch.setattr(export, "publish_text", no_file)
    r = CliRunner().invoke(main, [command, "--db", str(db), "-o", name])
    assert r.exit_code == 0, r.output
    if command == "export":
        assert r.stdout.startswith('"reference_id",')
        assert "to standard output" in r.stderr
    else:
        assert "Handover" in r.stdout or "TOP SECRET" in r.stdout, r.stdout[:300]


def test_export_over_a_regular_file_replaces_it_whole_and_private(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "morning.csv"
    out.write_text("x" * 100_000)
    out.chmod(0o666)
    other_name = tmp_path / "hardlink.csv"
    os.link(out, other_name)  # another name for the same file keeps its old contents
    r = triage("export", "--db", str(db), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith('"reference_id",')
    assert other_name.read_text() == "x" * 100_000


def _device(path: Path) -> None:
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a null device of our own
    except PermissionError:
        pytest.skip("making a device node needs root (CI runs as root)")


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_export_refuses_what_is_not_a_regular_file(db: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "morning.csv"
    word = {"fifo": "a FIFO", "folder": "a folder", "device": "a character device"}[kind]
    if kind == "fifo":
        os.mkfifo(out, 0o644)
    elif kind == "folder":
        out.mkdir(mode=0o755)
    else:
        _device(out)
    mode = stat.S_IMODE(out.lstat().st_mode)
    r = triage("export", "--db", str(db), "-o", str(out))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(out) in lines[0] and f"is {word}" in lines[0], r.stderr
    assert "nothing written" in lines[0]
    assert stat.S_IMODE(out.lstat().st_mode) == mode  # a device's mode is not touched
    assert leftovers(tmp_path) == []
    assert exports_recorded(db) == []


def test_csv_formula_cells_are_neutralised_behind_blanks_fullwidth_and_separators() -> None:
    for cell in [
        "=1+1",
        " =1+1",
        "\u00a0=1+1",
        "\u3000+1",
        "\u200b@SUM(A1)",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20x",
        "\t=1",
        "  -2",
    ]:
        assert safe_cell(cell).startswith("'"), cell
        if "\t" not in cell:
            assert safe_cell(cell)[1:] == cell
    assert safe_cell("\r=1") == "\u240d=1"  # a control character is shown, not kept
    assert safe_cell("x;=1+1") == "x;'=1+1"
    assert safe_cell("a; @cmd") == "a; '@cmd"
    assert safe_cell("a\t\uff1d1") == "a\t'\uff1d1"
    assert safe_cell("call back; see note") == "call back; see note"
    assert safe_cell("26PARIS1877") == "26PARIS1877"
    assert safe_cell("") == "" and safe_cell(None) == ""


def test_every_cell_is_quoted_and_formulas_read_back_neutralised(db: Path, tmp_path: Path) -> None:
    conn = connect(db)
    cid = wf.find_cable(conn, "26PARIS1877")
    wf.set_note(conn, cid, "x;=1+1", "me")
    cid2 = wf.find_cable(conn, "26ROME1301")
    wf.set_note(conn, cid2, "\u00a0=HYPERLINK(1)", "me")
    wf.assign(conn, cid2, "\uff1dcmd", "me")
    conn.close()
    r = triage("export", "--db", str(db), "-o", "-")
    assert r.returncode == 0, r.stderr
    for line in r.stdout.splitlines():
        if line:
            assert line.startswith('"') and line.endswith('"'), line
    rows = {
        row[0]: dict(zip(COLUMNS, row, strict=True)) for row in csv.reader(io.StringIO(r.stdout))
    }
    assert rows["26PARIS1877"]["note"] == "x;'=1+1"
    assert rows["26ROME1301"]["note"] == "'\u00a0=HYPERLINK(1)"
    assert rows["26ROME1301"]["action_officer"] == "'\uff1dcmd"


async def test_console_export_replaces_a_planted_link(db: Path, tmp_path: Path) -> None:
    from .test_console import make_app, settle
    from .test_console_workflow import messages

    victim = tmp_path / "victim.txt"
    victim.write_text("private\n")
    out = tmp_path / "out.csv"
    out.symlink_to(victim)
    _planted(out)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    app = make_app(db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *str(out), "enter")
        await settle(pilot)
        assert victim.read_text() == "private\n"
        assert not out.is_symlink()
        assert len(list(csv.reader(out.open(newline="", encoding="utf-8")))) == N_SAMPLES + 1
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u", *str(fifo), "enter")
        await settle(pilot)
        assert any(str(fifo) in m and "is a FIFO" in m for m in messages(app)), messages(app)
    assert len(exports_recorded(db)) == 1


# -- export from a cache this login cannot write --------------------------------------------------


def as_reader(cmd: list[str]) -> list[str]:
    """Run as a login that cannot write what its mode forbids: root would write anyway, so as
    root the command runs without the capabilities that let root ignore file modes."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]


@pytest.fixture
def read_only_db(db: Path) -> Iterator[Path]:
    db.chmod(0o444)
    yield db
    db.chmod(0o600)


@pytest.mark.parametrize("output", ["file", "-"])
def test_export_from_a_read_only_cache_writes_nothing_unrecorded(
    read_only_db: Path, tmp_path: Path, output: str
) -> None:
    out = tmp_path / "out" / "morning.csv"
    out.parent.mkdir()
    target = str(out) if output == "file" else "-"
    r = subprocess.run(
        as_reader([*TRIAGE, "export", "--db", str(read_only_db), "-o", target]),
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "cannot be recorded in the audit log" in lines[0] and str(read_only_db) in lines[0]
    assert "nothing was written" in lines[0]
    assert r.stdout == ""
    assert list(out.parent.iterdir()) == []
    assert exports_recorded(read_only_db) == []


# -- ingest and watch: regular files only -----------------------------------------------------------


@pytest.fixture
def drop(tmp_path: Path, samples: Path) -> Path:
    """A drop folder a neighbour has been at: a cable, and beside it a link to someone's private
    file, a FIFO, a link to /dev/zero, a link to a folder, and a link back to the folder."""
    private = tmp_path / "private"
    private.mkdir()
    secret = private / "their.txt"
    secret.write_bytes((samples / "04_immediate_paris.txt").read_bytes())
    d = tmp_path / "drop"
    d.mkdir()
    (d / "ok.txt").write_bytes((samples / "01_flash_hijack.txt").read_bytes())
    (d / "link.txt").symlink_to(secret)
    os.mkfifo(d / "pipe.txt")
    (d / "zero.txt").symlink_to("/dev/zero")
    (d / "folder-link").symlink_to(private)
    (d / "loop").symlink_to(d)
    return d


NEIGHBOURS = {
    "link.txt": "is a symbolic link (not followed)",
    "pipe.txt": "is a FIFO",
    "zero.txt": "is a symbolic link (not followed)",
    "folder-link": "is a symbolic link (not followed)",
    "loop": "is a symbolic link (not followed)",
}


def rejects(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return {Path(p).name: r for p, r in conn.execute("SELECT path, reason FROM rejects")}
    finally:
        conn.close()


def refs(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT reference_id FROM cables")}
    finally:
        conn.close()


def test_ingest_of_a_folder_takes_regular_files_only_and_goes_on(
    drop: Path, tmp_path: Path
) -> None:
    db = tmp_path / "c.db"
    r = triage("ingest", "--db", str(db), str(drop))
    assert r.returncode == 1
    assert "added 1, updated 0, unchanged 0, rejected 5" in r.stdout
    assert "Traceback" not in r.stderr
    for name, why in NEIGHBOURS.items():
        line = next(ln for ln in r.stderr.splitlines() if f"{drop / name}: rejected" in ln)
        assert why in line, line
    assert refs(db) == {"26STATE104233"}  # not the neighbour's private cable
    got = rejects(db)
    assert {k: v.split(";")[0] for k, v in got.items()} == {
        k: v.split(";")[0] for k, v in NEIGHBOURS.items()
    }


@pytest.mark.parametrize("name", ["link.txt", "pipe.txt", "zero.txt"])
def test_ingest_of_a_named_link_or_fifo_is_rejected_without_blocking(
    drop: Path, tmp_path: Path, name: str
) -> None:
    db = tmp_path / "c.db"
    r = triage("ingest", "--db", str(db), str(drop / name), str(drop / "ok.txt"))
    assert r.returncode == 1, r.stderr
    assert f"{drop / name}: rejected: {NEIGHBOURS[name]}" in r.stderr
    assert "added 1" in r.stdout and refs(db) == {"26STATE104233"}


def test_ingest_refuses_a_file_over_the_size_limit_with_a_message(tmp_path: Path) -> None:
    from triage.store.inputs import MAX_CABLE_BYTES

    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_CABLE_BYTES + 1)  # sparse: nothing is written to the disk
    db = tmp_path / "c.db"
    r = triage("ingest", "--db", str(db), str(big))
    assert r.returncode == 1
    assert f"{big}: rejected: is 32 MiB; a cable file is at most 32 MiB (not read)" in r.stderr
    assert "rejected 1" in r.stdout


def test_ingest_from_stdin_is_size_limited(tmp_path: Path) -> None:
    from triage.store.inputs import MAX_CABLE_BYTES

    db = tmp_path / "c.db"
    r = subprocess.run(
        [*TRIAGE, "ingest", "--db", str(db), "-"],
        capture_output=True,
        timeout=HANG,
        input=b"A" * (MAX_CABLE_BYTES + 10),
    )
    assert r.returncode == 1
    assert b"-: rejected: holds more; a cable file is at most 32 MiB" in r.stderr


def _read_until(fd: int, want: list[str], deadline: float) -> str:
    """What the process wrote to this pipe until every wanted piece was seen (or the deadline,
    or its end). Read from the descriptor itself: select() knows nothing of a Python buffer."""
    seen = b""
    while any(w.encode() not in seen for w in want) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        seen += chunk
    return seen.decode()


def test_watch_rejects_links_fifos_and_devices_once_and_goes_on(drop: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    proc = subprocess.Popen(
        [*TRIAGE, "watch", "--db", str(db), "--interval", "0.1", str(drop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        want = [f"{drop / name}: rejected: {why}" for name, why in NEIGHBOURS.items()]
        seen = _read_until(proc.stderr.fileno(), want, time.monotonic() + HANG)
        for w in want:
            assert w in seen, seen
        assert proc.poll() is None  # still watching
        # and it goes on: a cable dropped afterwards is stored
        later = drop / "later.txt"
        later.write_bytes((drop / "ok.txt").read_bytes().replace(b"104233", b"104299"))
        out = _read_until(proc.stdout.fileno(), ["26STATE104299"], time.monotonic() + HANG)
        assert "ingested 26STATE104299" in out
    finally:
        proc.send_signal(signal.SIGINT)
        _rest_out, rest = proc.communicate(timeout=HANG)
    rest_err = rest.decode()
    assert "Traceback" not in rest_err
    for name in NEIGHBOURS:  # each reported once, not at every look
        assert (seen + rest_err).count(f"{drop / name}: rejected") == 1
    assert refs(db) == {"26STATE104233", "26STATE104299"}
    assert set(rejects(db)) == set(NEIGHBOURS)


# -- the audit log: a hash chain, checked; its triggers put back --------------------------------------


def tamper(db: Path, *sql: str) -> None:
    conn = sqlite3.connect(db)
    for s in sql:
        conn.execute(s)
    conn.commit()
    conn.close()


@pytest.fixture
def worked(db: Path) -> Path:
    """The sample cache after a few changes by two officers."""
    conn = connect(db)
    paris = wf.find_cable(conn, "26PARIS1877")
    wf.assign(conn, paris, "kwalker", "alice")  # rows 1, 2
    wf.set_note(conn, paris, "call the desk", "bob")  # row 3
    wf.set_status(conn, wf.find_cable(conn, "26ROME1301"), "DONE", "bob")  # row 4
    conn.close()
    return db


def test_audit_verify_says_ok_in_one_line(worked: Path) -> None:
    r = triage("audit", "--db", str(worked), "--verify")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1 and "audit log OK: 4 rows chained" in lines[0]


@pytest.mark.parametrize(
    ("sql", "row", "why"),
    [
        (
            ["DROP TRIGGER audit_no_update", "UPDATE audit SET who = 'mallory' WHERE id = 2"],
            "row 2",
            "its hash does not match",
        ),
        (
            ["DROP TRIGGER audit_no_update", "UPDATE audit SET new = 'nothing' WHERE id = 3"],
            "row 3",
            "its hash does not match",
        ),
        (
            ["DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 2"],
            "row 3",
            "row 2 before it is gone",
        ),
        (
            [
                "INSERT INTO audit (at, who, field, new) VALUES ('2026-01-01', 'mallory', 'note', 'x')"
            ],
            "row 5",
            "it has no hash",
        ),
    ],
)
def test_audit_verify_names_the_first_broken_row(
    worked: Path, sql: list[str], row: str, why: str
) -> None:
    tamper(worked, *sql)
    r = triage("audit", "--db", str(worked), "--verify")
    assert r.returncode == 1
    first = r.stderr.strip().splitlines()[0]
    assert f"chain is broken at {row} (" in first and why in first, r.stderr


@pytest.mark.parametrize("trigger", ["audit_no_update", "audit_no_delete"])
def test_audit_verify_checks_the_triggers(worked: Path, trigger: str) -> None:
    tamper(worked, f"DROP TRIGGER {trigger}")
    r = triage("audit", "--db", str(worked), "--verify")
    assert r.returncode == 1
    assert f"trigger {trigger} is missing" in r.stderr
    # a trigger put back with another body does not count
    tamper(worked, f"CREATE TRIGGER {trigger} BEFORE DELETE ON audit BEGIN SELECT 1; END")
    r = triage("audit", "--db", str(worked), "--verify")
    assert r.returncode == 1
    assert f"trigger {trigger} is altered" in r.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["assign", "26PARIS1877", "jsmith"],
        ["note", "26PARIS1877", "later"],
        ["export", "-o", "-"],
        ["reindex"],
        ["ingest", "SAMPLE"],
    ],
)
def test_every_writing_command_puts_the_triggers_back_and_says_so(
    worked: Path, samples: Path, command: list[str]
) -> None:
    tamper(worked, "DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete")
    args = [str(samples / "01_flash_hijack.txt") if a == "SAMPLE" else a for a in command]
    r = triage(command[0], "--db", str(worked), *args[1:])
    assert r.returncode == 0, r.stderr
    said = [ln for ln in r.stderr.splitlines() if "made again" in ln]
    assert len(said) == 1, r.stderr
    assert "trigger audit_no_update was missing (dropped outside triage)" in said[0]
    assert "trigger audit_no_delete was missing (dropped outside triage)" in said[0]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        tamper(worked, "DELETE FROM audit")
    assert triage("audit", "--db", str(worked), "--verify").returncode == 0


def test_read_only_commands_do_not_write(worked: Path) -> None:
    tamper(worked, "DROP TRIGGER audit_no_update")
    r = triage("raw", "--db", str(worked), "26PARIS1877")
    assert r.returncode == 0 and "made again" not in r.stderr
    assert triage("audit", "--db", str(worked), "--verify").returncode == 1


def test_audit_shows_the_log_filtered(worked: Path) -> None:
    r = triage("audit", "--db", str(worked))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 4
    assert "alice  26PARIS1877  officer  - -> kwalker" in lines[0]
    assert "bob  26ROME1301  status  NEW -> DONE" in lines[3]
    r = triage("audit", "--db", str(worked), "--cable", "26paris1877", "--officer", "bob")
    assert [ln.split()[0] for ln in r.stdout.strip().splitlines()] == ["3"]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    r = triage("audit", "--db", str(worked), "--since", today, "--until", today)
    assert len(r.stdout.strip().splitlines()) == 4
    r = triage("audit", "--db", str(worked), "--until", "2020-01-01")
    assert r.stdout == "" and "no audit rows match" in r.stderr
    # the words `triage report --since` reads are read here too
    r = triage("audit", "--db", str(worked), "--since", "1h")
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 4, r.stderr
    r = triage("audit", "--db", str(worked), "--until", "2d")
    assert r.stdout == "" and "no audit rows match" in r.stderr
    r = triage("audit", "--db", str(worked), "--since", "last tuesday")
    assert r.returncode != 0 and "--since: wants a UTC date" in r.stderr and "8h, 2d" in r.stderr


def test_a_cache_from_before_the_chain_has_its_rows_chained(tmp_path: Path) -> None:
    from triage.store.audit import verify

    path = tmp_path / "old.db"
    conn = connect(path)
    # what schema 3 looked like: the audit log without hashes, rows already written
    conn.execute("ALTER TABLE audit DROP COLUMN hash")
    for k in range(5):
        conn.execute(
            "INSERT INTO audit (at, who, field, new) VALUES (?, 'kwalker', 'note', ?)",
            (f"2026-11-0{k + 1}T10:00:00.000000Z", f"n{k}"),
        )
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    conn = connect(path)
    v = verify(conn)
    assert v.ok and v.rows == 5
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET who = 'x'")


WRITER = """
import sys
from triage.store import connect
from triage.store import workflow as wf
db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
conn = connect(db)
refs = ["26PARIS1877", "26ROME1301", "26STATE104233"]
for k in range(n):
    cid = wf.find_cable(conn, refs[k % 3])
    wf.set_note(conn, cid, f"{who} {k}", who)
print("done", flush=True)
"""


def test_audit_appends_from_many_processes_stay_one_chain(worked: Path, tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(worked), f"officer{k}", "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    cli = [triage("assign", "--db", str(worked), "26PARIS1877", f"cli{k}") for k in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=HANG * 3)
        assert p.returncode == 0 and out.strip() == "done", err
    assert all(r.returncode == 0 for r in cli)
    r = triage("audit", "--db", str(worked), "--verify")
    assert r.returncode == 0, r.stderr
    assert "audit log OK: 167 rows chained" in r.stdout  # 4 + 4 x 40 + 3


# -- the console warns while the chain is broken ------------------------------------------------------


async def test_console_warns_at_start_and_after_a_live_change(worked: Path, tmp_path: Path) -> None:
    from .test_console import make_app, settle
    from .test_console_workflow import messages

    app = make_app(worked)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert not any("audit log" in m for m in messages(app))
        # someone rewrites history with sqlite3 while the console is open
        tamper(
            worked, "DROP TRIGGER audit_no_update", "UPDATE audit SET who = 'mallory' WHERE id = 1"
        )
        app.check_for_changes()
        await settle(pilot)
        warned = [m for m in messages(app) if "chain is broken at row 1" in m]
        assert warned and "triage audit --verify" in warned[0]
    app = make_app(worked)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        shown = messages(app)
        assert any("trigger audit_no_update was missing" in m and "made again" in m for m in shown)
        assert any("chain is broken at row 1" in m for m in shown)


def test_a_noted_head_shows_a_log_cut_short_or_rewritten_whole(worked: Path) -> None:
    from triage.store.audit import GENESIS, TRIGGERS, row_hash

    r = triage("audit", "--db", str(worked), "--verify")
    head = r.stdout.strip().split("head ")[1]
    assert head.startswith("4:") and len(head) == 2 + 64
    r = triage("audit", "--db", str(worked), "--verify", "--anchor", head)
    assert r.returncode == 0 and "holds row 4 as noted" in r.stdout
    # someone who knows how the chain is made rewrites all of it consistently: the chain alone
    # holds, the head noted earlier does not
    conn = sqlite3.connect(worked)
    conn.execute("DROP TRIGGER audit_no_update")
    prev = GENESIS
    for rid, *values in conn.execute(
        "SELECT id, at, who, cable_id, reference_id, field, old, new FROM audit ORDER BY id"
    ).fetchall():
        if rid == 3:
            values[1] = "mallory"
        prev = row_hash(rid, values, prev)
        conn.execute("UPDATE audit SET who = ?, hash = ? WHERE id = ?", (values[1], prev, rid))
    conn.execute(TRIGGERS["audit_no_update"])
    conn.commit()
    conn.close()
    assert triage("audit", "--db", str(worked), "--verify").returncode == 0
    r = triage("audit", "--db", str(worked), "--verify", "--anchor", head)
    assert r.returncode == 1
    assert "row 4 no longer has the hash noted earlier" in r.stderr
    # and the newest rows cut off the end
    tamper(worked, "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 4")
    r = triage("audit", "--db", str(worked), "--verify", "--anchor", head)
    assert r.returncode == 1 and "row 4 noted earlier is gone" in r.stderr
