"""The workflow from the shell and in the store: assignment, status, due, notes, acks, the audit
log, conflicts between two connections, and the CSV read back cell by cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import main
from triage.config import current_login
from triage.store import connect
from triage.store import workflow as wf
from triage.store.export import COLUMNS, safe_cell

from .conftest import N_SAMPLES

# every test here runs on a SQLite file and on a PostgreSQL database (tests/conftest.py)
BACKENDS = ("sqlite", "postgresql")


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def audit(db: Path) -> list[tuple[str, str | None, str, str | None, str | None]]:
    conn = connect(db)
    return [
        tuple(r)
        for r in conn.execute("SELECT who, reference_id, field, old, new FROM audit ORDER BY id")
    ]  # type: ignore[misc]


def test_cli_commands_change_state_and_write_the_audit_log(db: Path) -> None:
    me = current_login()
    r = run("assign", "--db", str(db), "26STATE104233", "kwalker")
    assert r.exit_code == 0, r.output
    assert "officer kwalker, status ASSIGNED" in r.output
    assert run("status", "--db", str(db), "26STATE104233", "in", "progress").exit_code == 0
    assert run("due", "--db", str(db), "26STATE104233", "2026-12-01", "09:30").exit_code == 0
    noted = run("note", "--db", str(db), "26STATE104233", "Draft reply by noon")
    assert noted.exit_code == 0 and "note of 19 characters saved" in noted.output
    assert run("ack", "--db", str(db), "26STATE104233").exit_code == 0
    assert run("unassign", "--db", str(db), "26STATE104233").exit_code == 0
    rows = audit(db)
    fields = [r[2] for r in rows]
    assert fields == [
        "officer",
        "status",
        "status",
        "due_at",
        "note",
        "ack_by",
        "ack_at",
        "officer",
        "status",
    ]
    assert all(r[0] == me and r[1] == "26STATE104233" for r in rows)
    assert rows[0][3:] == (None, "kwalker")
    assert rows[1][3:] == ("NEW", "ASSIGNED")
    assert rows[2][3:] == ("ASSIGNED", "IN PROGRESS")
    # nobody holds it now: an officer's status goes with the officer, back to NEW
    assert rows[-2][3:] == ("kwalker", None) and rows[-1][3:] == ("IN PROGRESS", "NEW")


def test_an_officers_status_needs_an_officer(db: Path) -> None:
    """`triage status REF ASSIGNED` (or IN PROGRESS, AWAITING REPLY) on a cable nobody held was
    taken: the New tab (unassigned and open) then listed cables whose STATUS said PROG, and the
    report's NEW count and the tab's disagreed."""
    for status in ("assigned", "in progress", "awaiting reply"):
        r = run("status", "--db", str(db), "26BRASILIA1542", *status.split())
        assert r.exit_code != 0, r.output
        assert "26BRASILIA1542 has no officer" in r.output and "assign it first" in r.output
        assert "Traceback" not in r.output
    assert audit(db) == []
    # closing one nobody holds is an officer's everyday call
    assert run("status", "--db", str(db), "26BRASILIA1542", "no", "action").exit_code == 0
    assert run("assign", "--db", str(db), "26BRASILIA1542", "kwalker").exit_code == 0
    r = run("status", "--db", str(db), "26BRASILIA1542", "awaiting", "reply")
    assert r.exit_code == 0 and "AWAITING REPLY" in r.output, r.output


def test_cli_errors_exit_non_zero_with_a_clear_message(db: Path) -> None:
    r = run("status", "--db", str(db), "26STATE104233", "finished")
    assert r.exit_code != 0 and "unknown status 'finished'" in r.output
    r = run("assign", "--db", str(db), "99NOWHERE1", "kwalker")
    assert r.exit_code != 0 and "no cable 99NOWHERE1" in r.output
    r = run("ack", "--db", str(db), "26TOKYO2291")
    assert r.exit_code != 0 and "only EMERGENCY, FLASH and NIACT IMMEDIATE" in r.output
    r = run("due", "--db", str(db), "26STATE104233", "next", "blue", "moon")
    assert r.exit_code != 0 and "say when like" in r.output
    assert audit(db) == []


def test_closing_an_unacknowledged_flash_from_the_shell_is_a_choice(db: Path) -> None:
    """As in the console: `triage status REF done` on a FLASH nobody acknowledged changes
    nothing and says what to add; --ack acknowledges it and closes it as one change (one
    batch, as `u` undoes it), --no-ack closes it unacknowledged. A cable already acknowledged,
    or not FLASH, closes as before."""
    r = run("status", "--db", str(db), "26STATE104233", "done")
    assert r.exit_code == 1
    assert "26STATE104233 is FLASH and not acknowledged: not set to DONE" in r.output
    assert "--ack" in r.output and "--no-ack" in r.output
    assert audit(db) == []

    r = run("status", "--db", str(db), "26STATE104233", "done", "--ack")
    assert r.exit_code == 0, r.output
    assert f"status DONE, due -, ack {current_login()}" in r.output
    batches = connect(db).execute("SELECT DISTINCT batch FROM audit").fetchall()
    assert [f for _, _, f, _, _ in audit(db)] == ["ack_by", "ack_at", "status"]
    assert len(batches) == 1

    # reopened, then closed again: it is acknowledged now, so nothing is asked
    assert run("status", "--db", str(db), "26STATE104233", "new").exit_code == 0
    r = run("status", "--db", str(db), "26STATE104233", "no action")
    assert r.exit_code == 0 and "status NO ACTION" in r.output

    # a cable that is not FLASH or NIACT closes as ever; --no-ack closes without acknowledging
    assert run("status", "--db", str(db), "26PARIS1877", "done").exit_code == 0
    r = run("status", "--db", str(db), "26STATE98412", "done", "--no-ack")
    assert r.exit_code == 0 and "status DONE, due -, ack -" in r.output, r.output


def test_assigning_a_name_nobody_has_is_a_choice_when_it_may_be_a_typo(
    db: Path, tmp_path: Path
) -> None:
    """A known officer is taken in any case; a new name is said (stderr) and made; a name
    close to a known officer, or any unknown name when the config lists the officers, changes
    nothing without --new and says whom it may mean."""
    r = run("assign", "--db", str(db), "26PARIS1877", "kwalker")
    assert r.exit_code == 0 and "is a new officer" in r.stderr and "officer kwalker" in r.output
    r = run("assign", "--db", str(db), "26ROME1301", "KWalker")
    assert r.exit_code == 0 and "officer kwalker," in r.output and "new officer" not in r.stderr
    r = run("assign", "--db", str(db), "26ROME1311", "kwalkr")
    assert r.exit_code == 1
    assert "kwalkr is not a known officer (did you mean kwalker?): nothing assigned" in r.output
    assert "--new" in r.output
    r = run("assign", "--db", str(db), "26ROME1311", "kwalkr", "--new")
    assert r.exit_code == 0 and "officer kwalkr" in r.output
    # the office lists its officers: anyone else is a choice
    conf = tmp_path / "xdg-config" / "triage"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text('officers = ["kwalker", "jroe"]\n')
    r = run("assign", "--db", str(db), "26BERLIN705", "mlopez")
    assert r.exit_code == 1 and "(the config lists kwalker, jroe)" in r.output
    r = run("assign", "--db", str(db), "26BERLIN705", "jroe")
    assert r.exit_code == 0 and "officer jroe" in r.output
    officers = [f for _, ref, f, _, new in audit(db) if f == "officer"]
    assert len(officers) == 4


def test_a_note_from_the_shell_says_whose_note_it_replaced_or_appends(db: Path) -> None:
    conn = connect(db)
    wf.set_note(conn, wf.find_cable(conn, "26PARIS1877"), "Called RSO, wait for reply", "kw")
    r = run("note", "--db", str(db), "26PARIS1877", "-2 points for the DCM")
    assert r.exit_code == 0, r.output
    assert "26PARIS1877: replaced the note kw wrote (kept in the history" in r.stderr
    assert wf.state(conn, wf.find_cable(conn, "26PARIS1877")).note == "-2 points for the DCM"
    r = run("note", "--db", str(db), "26PARIS1877", "--append", "DCM agreed")
    assert r.exit_code == 0 and "replaced" not in r.stderr
    assert wf.state(conn, wf.find_cable(conn, "26PARIS1877")).note == (
        "-2 points for the DCM\nDCM agreed"
    )


def test_export_since_means_arrival_as_report_reads_it(db: Path) -> None:
    """`export --since 24h` gave 2 rows (by the cables' own dates) where `report --since 24h`
    counted 311 arrivals: --since is arrival now, in report's words; --dated-since is the
    cable's own date."""
    everything = run("export", "--db", str(db), "--since", "24h")
    assert everything.exit_code == 0, everything.output
    assert len(list(csv.reader(io.StringIO(everything.stdout)))) == N_SAMPLES + 1  # + header
    assert run("export", "--db", str(db), "--since", "today").stdout == everything.stdout
    dated = run("export", "--db", str(db), "--dated-since", "2026-11-20")
    rows = list(csv.reader(io.StringIO(dated.stdout)))[1:]
    assert 0 < len(rows) < N_SAMPLES
    assert all(r[1] >= "2026-11-20" for r in rows)
    none = run("export", "--db", str(db), "--dated-since", "2026-11-20", "--status", "DONE")
    assert none.exit_code == 0 and len(none.stdout.splitlines()) == 1  # the header alone
    assert "no cable in All matches status:DONE since:2026-11-20" in none.stderr
    bad = run("export", "--db", str(db), "--since", "blue moon")
    assert bad.exit_code != 0 and "say when like 8h, 2d" in bad.output


def test_digits_and_aliases_for_status() -> None:
    assert wf.normalise_status("5") == "DONE"
    assert wf.normalise_status("no_action") == "NO ACTION"
    assert wf.normalise_status("awaiting") == "AWAITING REPLY"


def test_two_connections_conflict_is_refused_and_names_who(db: Path) -> None:
    a = connect(db)
    b = connect(db)
    cid = wf.find_cable(a, "26PARIS1877")
    seen_by_a = wf.state(a, cid).row_version
    seen_by_b = wf.state(b, cid).row_version
    wf.assign(b, cid, "jsmith", "bob", seen_by_b)
    with pytest.raises(wf.Conflict) as exc:
        wf.assign(a, cid, "kwalker", "alice", seen_by_a)
    assert "changed by bob" in str(exc.value)
    st = wf.state(a, cid)
    assert st.officer == "jsmith"  # nothing overwritten
    fields = [r[2:] for r in audit(db)]
    assert ("officer", None, "jsmith") in fields
    assert not any(r[4] == "kwalker" for r in audit(db))
    # starting again from the fresh row works
    wf.assign(a, cid, "kwalker", "alice", st.row_version)
    assert wf.state(b, cid).officer == "kwalker"


def test_a_change_over_a_colleagues_change_to_other_fields_is_made(db: Path) -> None:
    # three cables tagged, `s 4`: one was refused ("changed by jsmith ... nothing was
    # overwritten") when jsmith had only written its note
    a = connect(db)
    b = connect(db)
    cid = wf.find_cable(a, "26PARIS1877")
    seen_by_a = wf.state(a, cid).row_version
    wf.set_note(b, cid, "called the desk", "jsmith", wf.state(b, cid).row_version)
    wf.set_due(b, cid, "2026-12-01T09:00:00Z", "jsmith", wf.state(b, cid).row_version)
    st = wf.set_status(a, cid, "DONE", "kwalker", seen_by_a)
    assert (st.status, st.note, st.due_at) == ("DONE", "called the desk", "2026-12-01T09:00:00Z")
    # their change to what this one sets still stops it, and names them
    seen_by_a = st.row_version
    wf.assign(b, cid, "jsmith", "jsmith", wf.state(b, cid).row_version)
    with pytest.raises(wf.Conflict, match="changed by jsmith"):
        wf.set_status(a, cid, "NO ACTION", "kwalker", seen_by_a)
    # and so does a change the log cannot account for
    seen_by_a = wf.state(a, cid).row_version
    b.execute("UPDATE workflow SET row_version = row_version + 1 WHERE cable_id = ?", (cid,))
    b.commit()
    with pytest.raises(wf.Conflict):
        wf.set_note(a, cid, "mine", "kwalker", seen_by_a)
    a.close()
    b.close()


def test_parse_when() -> None:
    now = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
    assert wf.parse_when("+2d", now) == "2026-11-29T10:00:00Z"
    assert wf.parse_when("+4h", now) == "2026-11-27T14:00:00Z"
    assert wf.parse_when("none", now) is None
    got = wf.parse_when("2026-12-01", now)
    assert got is not None and got.startswith("2026-12-0")
    with pytest.raises(wf.WorkflowError):
        wf.parse_when("today 25:00", now)
    with pytest.raises(wf.WorkflowError, match="'2026-02-30': no such date"):
        wf.parse_when("2026-02-30", now)


def test_routing_rules_suggest_an_officer() -> None:
    routes = [{"tags": ["PTER"], "officer": "ct-desk"}, {"origin": "Paris", "officer": "eur"}]
    assert wf.suggest_officer(routes, ["PREL", "PTER"], None, None) == "ct-desk"
    assert wf.suggest_officer(routes, ["ECON"], "Embassy Paris", None) == "eur"
    assert wf.suggest_officer(routes, ["ECON"], "Embassy Rome", None) is None


def test_export_csv_read_back_cell_by_cell(db: Path, tmp_path: Path) -> None:
    conn = connect(db)
    me = current_login()
    cid = wf.find_cable(conn, "26STATE104233")
    wf.assign(conn, cid, "=cmd|' /C calc'!A0", me)
    wf.set_note(conn, cid, '-2+3 first line\nsecond, "quoted" line', me)
    cid2 = wf.find_cable(conn, "26PARIS1877")
    wf.assign(conn, cid2, "@kwalker", me)
    out = tmp_path / "actions.csv"
    r = run("export", "--db", str(db), "--view", "All", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert (
        f"exported {N_SAMPLES} rows" in r.output and "highest classification TOP SECRET" in r.output
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == COLUMNS
    by_ref = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert len(by_ref) == N_SAMPLES
    flash = by_ref["26STATE104233"]
    assert flash["action_officer"] == "'=cmd|' /C calc'!A0"
    assert flash["note"] == '\'-2+3 first line\nsecond, "quoted" line'
    assert flash["precedence"] == "FLASH"
    assert flash["classification"] == "SECRET//NOFORN"
    assert flash["dtg_utc"] == "2026-11-27T12:00:00Z"
    assert flash["status"] == "ASSIGNED"
    assert flash["last_change_by"] == me
    assert flash["tags"] == "EWWT PTER MOPS MT IT"
    assert by_ref["26PARIS1877"]["action_officer"] == "'@kwalker"
    assert any(a[2] == "export" and f"{N_SAMPLES} rows" in (a[4] or "") for a in audit(db))


def test_export_filters_and_stdout(db: Path) -> None:
    conn = connect(db)
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "kwalker", "me")
    r = run("export", "--db", str(db), "--officer", "kwalker", "-o", "-")
    assert r.exit_code == 0
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert [row[0] for row in rows[1:]] == ["26PARIS1877"]
    # a login in another case is the officer `assign` would take it for; a mistyped one is
    # named as unknown, with the officer it is near, beside the empty export
    r = run("export", "--db", str(db), "--officer", "KWalker", "-o", "-")
    assert [row[0] for row in list(csv.reader(io.StringIO(r.stdout)))[1:]] == ["26PARIS1877"]
    assert "not a known officer" not in r.stderr
    r = run("export", "--db", str(db), "--officer", "kwalkr", "-o", "-")
    assert r.exit_code == 0 and len(list(csv.reader(io.StringIO(r.stdout)))) == 1
    assert "kwalkr is not a known officer (did you mean kwalker?)" in r.stderr
    r = run("export", "--db", str(db), "--precedence", ">=NIACT", "-o", "-")
    refs = {row[0] for row in list(csv.reader(io.StringIO(r.stdout)))[1:]}
    assert {"26STATE104233", "26STATE98412", "26JCS911"} <= refs
    assert "26PARIS1877" not in refs
    r = run("export", "--db", str(db), "--status", "bogus")
    assert r.exit_code != 0 and "unknown status" in r.output
    r = run("export", "--db", str(db), "--view", "Nope")
    assert r.exit_code != 0 and "unknown view" in r.output


def test_safe_cell() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\nx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("\rx") == "\u240dx"
    assert safe_cell("plain") == "plain"
    assert safe_cell(None) == ""


def test_raw_and_export_show_control_characters_on_a_terminal_and_keep_bytes_in_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.cli

    db = tmp_path / "c.db"
    cable = (
        b"O 271200Z NOV 26\nFM AMEMBASSY PARIS\nTO SECSTATE WASHDC IMMEDIATE\n\n"
        b"C O N F I D E N T I A L PARIS 000001\n\nTAGS: PREL\n"
        b"SUBJECT: \x1b]2;HACKED\x07 TITLE\n\n\xc2\xb61. (C) Body \x1b[2J.\n"
    )
    src = tmp_path / "bad.txt"
    src.write_bytes(cable)
    assert run("ingest", "--db", str(db), str(src)).exit_code == 0
    # piped or redirected: the exact bytes; an export's cells show control characters as
    # symbols wherever they go (a CSV file printed later on a terminal obeys what it holds)
    assert run("raw", "--db", str(db), "26PARIS1").stdout_bytes == cable
    piped = run("export", "--db", str(db), "--view", "All").stdout
    assert "\x1b" not in piped and "␛]2;HACKED␇ TITLE" in piped
    # a person at a terminal: symbols
    monkeypatch.setattr(triage.cli, "_to_terminal", lambda: True)
    r = run("raw", "--db", str(db), "26PARIS1")
    assert "\x1b" not in r.stdout and "SUBJECT: ␛]2;HACKED␇ TITLE" in r.stdout
    assert "¶1. (C) Body ␛[2J." in r.stdout
    assert "pipe or redirect for the exact bytes" in r.stderr
    r = run("export", "--db", str(db), "--view", "All")
    assert "\x1b" not in r.stdout and "␛]2;HACKED␇ TITLE" in r.stdout


def test_export_rows_come_in_the_lists_order_and_leave_no_transaction_open(db: Path) -> None:
    """The export reads the view as the list orders it (on PostgreSQL one server-side cursor,
    read as it is written; on SQLite the view's ids a page at a time): the same cables in the
    same order as the console's list, and the connection is left with no transaction open,
    also when the reading stops early."""
    from triage.store.views import Context, View, view_ids, view_rows

    conn = connect(db)
    me = current_login()
    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "kwalker", me)
    ctx = Context(login=me)
    for view in (View(tab="All"), View(tab="All", sort="subject", reverse=True), View(tab="Mine")):
        by_id = dict(conn.execute("SELECT id, reference_id FROM cables").fetchall())
        listed = [by_id[i] for i in view_ids(conn, view, ctx)]
        streamed = [r[1] for r in view_rows(conn, view, ctx, "c.id, c.reference_id")]
        assert streamed == listed
        assert not conn.in_transaction
    rows = view_rows(conn, View(tab="All"), ctx, "c.id")
    assert next(rows)
    rows.close()  # type: ignore[attr-defined]
    assert not conn.in_transaction
    r = run("export", "--db", str(db), "--view", "All", "-o", "-")
    assert [row[0] for row in list(csv.reader(io.StringIO(r.stdout)))[1:]] == [
        by_id[i] for i in view_ids(conn, View(tab="All"), ctx)
    ]


@pytest.mark.parametrize("answer", ["a", "n"])
def test_closing_an_unacknowledged_flash_on_a_terminal_asks(db: Path, answer: str) -> None:
    """On a terminal the command asks, as the console does: `a` acknowledges and closes,
    `n` changes nothing and says so."""
    import os
    import select
    import subprocess
    import sys
    import time

    master, slave = os.openpty()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("triage")), "status", "--db", str(db)]
        + ["26STATE104233", "done"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"Choice" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 4096)
        os.write(master, answer.encode() + b"\r")
        assert proc.wait(timeout=60) == (0 if answer == "a" else 1)
        while True:  # what it wrote before it exited, up to the end of the terminal (EIO)
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = seen.decode(errors="replace")
    assert "26STATE104233 is FLASH and not acknowledged" in text
    assert "a  acknowledge, then set DONE" in text
    fields = [f for _, _, f, _, _ in audit(db)]
    if answer == "a":
        assert fields == ["ack_by", "ack_at", "status"] and "status DONE" in text
    else:
        assert fields == [] and "26STATE104233 not changed" in text


def test_an_export_with_a_shared_group_is_that_groups_not_the_users(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with `group` set an export was 0660 but left to the user's own group (often `users`,
    # which every login is in): rows up to TOP SECRET readable by all
    import grp
    import os

    home = tmp_path / "home"
    (home / ".config" / "triage").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    other = next(g for g in grp.getgrall() if g.gr_gid != os.getgid())
    config = home / ".config" / "triage" / "config.toml"
    config.write_text(f'group = "{other.gr_name}"\n')
    out = tmp_path / "list.csv"
    r = run("export", "--db", str(db), "-o", str(out))
    assert r.exit_code == 0, r.output
    st = out.stat()
    assert (st.st_gid, stat.S_IMODE(st.st_mode)) == (other.gr_gid, 0o660)
    # a group that is not there: refused by name, nothing written
    config.write_text('group = "no-such-group-here"\n')
    out2 = tmp_path / "list2.csv"
    r = run("export", "--db", str(db), "-o", str(out2))
    assert r.exit_code == 1
    assert "the configured group 'no-such-group-here' does not exist; nothing written" in r.output
    assert sorted(p.name for p in tmp_path.iterdir() if "list2" in p.name) == []
