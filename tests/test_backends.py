"""The store on both backends: a SQLite file and a PostgreSQL database on a real server (the
private cluster of tests/pgserver.py). Each test with the `target` or `db` fixture runs once on
each; the others compare the two or test what only PostgreSQL has (roles, the audit's database
role, LISTEN/NOTIFY, migrate between them)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import main
from triage.config import current_login
from triage.store import connect
from triage.store import workflow as wf
from triage.store.api import DbUrl, as_target
from triage.store.ingest import Item, ingest, raw_bytes
from triage.store.inputs import iter_paths
from triage.store.postgres.schema import SCHEMA_VERSION as PG_SCHEMA_VERSION
from triage.store.views import (
    Context,
    Filter,
    FilterError,
    View,
    counts_and_level,
    max_level,
    parse_filters,
    tab_counts,
    view_ids,
)

from .conftest import N_SAMPLES
from .pgserver import Server
from .test_faults import ROOT, TRIAGE, WRITER, count_files

BACKENDS = ("sqlite", "postgresql")


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input)


def refs(conn: sqlite3.Connection, ids: object) -> list[str]:
    out = []
    for cid in ids:  # type: ignore[attr-defined]
        out.append(
            conn.execute("SELECT reference_id FROM cables WHERE id = ?", (cid,)).fetchone()[0]
        )
    return out


# -- the same behaviour on each backend ----------------------------------------------------------


def test_every_sample_round_trips_byte_for_byte_through_the_shell(
    target: Path, samples: Path
) -> None:
    r = run("ingest", "--db", str(target), str(samples))
    assert r.exit_code == 0, r.output
    assert f"added {N_SAMPLES}" in r.output
    conn = connect(target)
    for f in sorted(samples.glob("*.txt")):
        ref = conn.execute(
            "SELECT c.reference_id FROM cables c JOIN cable_versions v ON v.cable_id = c.id "
            "WHERE v.source = ?",
            (str(f),),
        ).fetchone()[0]
        out = run("raw", "--db", str(target), ref)
        assert out.exit_code == 0
        assert out.stdout_bytes == f.read_bytes(), f.name


def test_a_corrected_copy_is_a_new_version_and_keeps_the_workflow(target: Path) -> None:
    conn = connect(target)
    first = b"FM AMEMBASSY PARIS\nTO SECSTATE WASHDC\nSUBJECT: TALKS\n\n1. FIRST TEXT\n"
    second = first.replace(b"FIRST", b"SECOND")
    meta = {"reference_id": "26PARIS77"}
    assert ingest(conn, [Item("a.txt", first, meta=meta)]).added == 1
    cid = wf.find_cable(conn, "26PARIS77")
    wf.assign(conn, cid, "kwalker", "me")
    assert ingest(conn, [Item("a.txt", first, meta=meta)]).unchanged == 1
    assert ingest(conn, [Item("b.txt", second, meta=meta)]).updated == 1
    assert raw_bytes(conn, "26PARIS77") == second
    assert raw_bytes(conn, "26PARIS77", 1) == first
    st = wf.state(conn, cid)
    assert (st.officer, st.status) == ("kwalker", "ASSIGNED")
    ctx = Context(login="me")
    assert refs(conn, view_ids(conn, View(tab="All", search="second"), ctx)) == ["26PARIS77"]
    assert list(view_ids(conn, View(tab="All", search="first"), ctx)) == []


def test_rejects_are_reported_and_kept(target: Path, tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    r = run("ingest", "--db", str(target), str(tmp_path / "bin.txt"), str(tmp_path / "nope.txt"))
    assert r.exit_code == 1
    assert "nope.txt: rejected: no such file" in r.stderr
    conn = connect(target)
    kept = conn.execute("SELECT path, reason FROM rejects ORDER BY id").fetchall()
    assert [Path(p).name for p, _ in kept] == ["bin.txt", "nope.txt"]


def test_text_with_nothing_of_a_cable_in_it_is_a_reject_on_both(
    target: Path, tmp_path: Path
) -> None:
    """The same reading of a batch's inputs on both backends (store.ingest.ready_inputs):
    PostgreSQL's writer stored such text as an UNKNOWN cable while SQLite's rejected it."""
    (tmp_path / "README.md").write_bytes(b"# notes\n\nCall the desk about the visit.\n")
    r = run("ingest", "--db", str(target), str(tmp_path / "README.md"))
    assert r.exit_code == 1
    assert "README.md: rejected: no cable in it" in r.stderr
    conn = connect(target)
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == 0
    assert [Path(p).name for (p,) in conn.execute("SELECT path FROM rejects")] == ["README.md"]


def test_a_mail_or_a_markdown_page_dropped_in_is_a_reject_on_both(
    target: Path, tmp_path: Path
) -> None:
    """A mail's `Subject:` line made it a NEW cable in every Inbox (and the list's banner
    `+ UNMARKED`); a README quoting cable lines was stored with 92 tags. Both are named and
    rejected; a cable cut down to its subject is still stored."""
    (tmp_path / "lunch.eml").write_bytes(
        b"From: Jane Roe <jroe@example.org>\nTo: desk@example.org\nSubject: lunch order\n\n"
        b"Pizza at noon?\n"
    )
    (tmp_path / "NOTES.md").write_bytes(
        b"# Desk notes\n\nHow a cable starts:\n\n```\nTAGS: PREL PGOV\nSUBJECT: TALKS\n```\n"
        b"\n## Later\n\nMore.\n"
    )
    (tmp_path / "cut.txt").write_bytes(b"SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED.\n")
    r = run("ingest", "--db", str(target), str(tmp_path))
    assert "lunch.eml: rejected: a mail message (From:, Subject: headers), not a cable" in (
        r.stderr
    )
    assert "NOTES.md: rejected: a Markdown document, not a cable" in r.stderr
    conn = connect(target)
    assert [s for (s,) in conn.execute("SELECT subject FROM cables")] == ["TALKS RESUME"]


def test_the_audit_log_refuses_update_and_delete(target: Path) -> None:
    conn = connect(target)
    conn.execute("INSERT INTO audit (at, who, field) VALUES ('t', 'me', 'status')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit SET who = 'you'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit")
    assert conn.execute("SELECT who FROM audit").fetchall() == [("me",)]


def test_reindex_from_the_shell_gives_search_back_its_words(db: Path) -> None:
    conn = connect(db)
    ctx = Context(login="me")
    before = list(view_ids(conn, View(tab="All", search="embassy"), ctx))
    assert before
    r = run("reindex", "--db", str(db))
    assert r.exit_code == 0, r.output
    assert f"search index rebuilt for {N_SAMPLES} cables" in r.output
    assert list(view_ids(conn, View(tab="All", search="embassy"), ctx)) == before


def test_a_search_that_cannot_be_read_says_so(db: Path) -> None:
    conn = connect(db)
    with pytest.raises(FilterError, match="cannot be read"):
        view_ids(conn, View(tab="All", search='"unclosed'), Context(login="me"))


def test_a_change_by_another_connection_moves_the_data_version(db: Path) -> None:
    """What the console watches for live updates (on PostgreSQL: LISTEN/NOTIFY)."""
    watcher, writer = connect(db), connect(db)
    before = watcher.execute("PRAGMA data_version").fetchone()[0]
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    wf.assign(writer, wf.find_cable(writer, "26STATE104233"), "kwalker", "me")
    if isinstance(db, DbUrl):
        assert watcher.wait_for_change(5)  # type: ignore[attr-defined]
    assert watcher.execute("PRAGMA data_version").fetchone()[0] != before


def test_watch_ingests_what_arrives_in_the_drop_folder(
    target: Path, tmp_path: Path, samples: Path
) -> None:
    import signal

    drop = tmp_path / "drop"
    drop.mkdir()
    proc = subprocess.Popen(
        [
            *TRIAGE,
            "watch",
            "--db",
            getattr(target, "url", str(target)),
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
        assert proc.stdout.readline().strip() == "ingested 26STATE104233"
        assert raw_bytes(connect(target), "26STATE104233") == data
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    assert "stopped" in out and "Traceback" not in err


# -- both backends answer the same ---------------------------------------------------------------

SEARCHES = [
    "embassy",
    '"prime minister"',
    "gov*",
    "emb* AND paris",
    "paris OR london",
    "embassy NOT visa",
    "(paris OR london) AND emb*",
    "{subject tags}:prel",
    "subject:cargo",
    "tags:pgov",
    "embassy -body:paris",
    "embassy -visa",
    "embassy AND NOT visa",
    "NEAR(embassy paris, 40)",
    "reference_id:26state104233",
    "minist*",
    "évacuation",
]


@pytest.fixture
def both(
    tmp_path: Path, pg_url: str, samples: Path
) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    a = connect(tmp_path / "c.db")
    b = connect(as_target(pg_url))
    for c in (a, b):
        ingest(c, iter_paths([str(samples)]), parser_process=False)
    for c in (a, b):
        cid = wf.find_cable(c, "26STATE104233")
        wf.assign(c, cid, "kwalker", "me")
        wf.set_due(c, wf.find_cable(c, "26JCS911"), "2026-11-01T10:00:00Z", "me")
    return a, b


def test_searches_find_the_same_cables_on_both(both) -> None:  # type: ignore[no-untyped-def]
    a, b = both
    ctx = Context(login="kwalker")
    found = 0
    for q in SEARCHES:
        got_a = refs(a, view_ids(a, View(tab="All", search=q), ctx))
        got_b = refs(b, view_ids(b, View(tab="All", search=q), ctx))
        assert got_b == got_a, q
        found += bool(got_a)
    assert found >= 10  # the searches do find cables


def test_views_filters_and_sorts_agree_on_both(both) -> None:  # type: ignore[no-untyped-def]
    a, b = both
    ctx = Context(login="kwalker", office_ris=["PARIS"], office_names=["AMEMBASSY PARIS"])
    tabs = ["Inbox", "New", "Mine", "Overdue", "Due", "All"]
    assert tab_counts(a, View(), ctx, tabs) == tab_counts(b, View(), ctx, tabs)
    for sort in ["precedence", "dtg", "received", "reference", "origin", "subject", "due"]:
        for reverse in (False, True):
            v = View(tab="All", sort=sort, reverse=reverse)
            assert refs(b, view_ids(b, v, ctx)) == refs(a, view_ids(a, v, ctx)), sort
    for f in [
        Filter("precedence", ">=IMMED"),
        Filter("classification", "S//NF"),
        Filter("tag", "PREL"),
        Filter("origin", "paris"),
        Filter("officer", "me"),
        Filter("addressed", "action"),
        Filter("since", "2026-11-01"),
    ]:
        v = View(tab="All", filters=(f,))
        got = refs(a, view_ids(a, v, ctx))
        assert refs(b, view_ids(b, v, ctx)) == got, f


def test_a_views_counts_and_banner_level_read_in_one_pass_agree_with_each_tabs_own(both) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL reads a view's tab counts and its banner's level from one pass over its
    matches; SQLite asks each tab on its own. Both give what tab_counts and max_level give."""
    a, b = both
    ctx = Context(
        login="kwalker",
        custom_tabs={"Prel": [Filter("tag", "PREL")], "Emb": [Filter("search", "embassy")]},
    )
    tabs = ["Inbox", "New", "Mine", "Overdue", "Due", "All", "Prel"]
    views_asked = [
        View(),
        View(tab="Mine"),
        View(tab="Overdue", search="embassy"),
        View(tab="Prel", search="paris OR london"),
        View(search='"prime minister"', filters=(Filter("precedence", ">=IMMED"),)),
        View(filters=(Filter("classification", "U"),)),  # the FOUO/SBU control, not NOFORN
        View(filters=(Filter("classification", "C"),)),
        View(search="nosuchwordanywhere"),  # no cable: no level
    ]
    levels = set()
    for v in views_asked:
        expected = (tab_counts(a, v, ctx, tabs), max_level(a, v, ctx))
        assert counts_and_level(a, v, ctx, tabs) == expected, v
        assert counts_and_level(b, v, ctx, tabs) == expected, v
        assert (tab_counts(b, v, ctx, tabs), max_level(b, v, ctx)) == expected, v
        levels.add((expected[1].level, expected[1].control))
    # the views do reach every case: no cable, unclassified with and without its control,
    # classified with and without NOFORN
    assert (-1, False) in levels and len(levels) >= 4, levels


# -- PostgreSQL only: the set-up, roles, the audit's database role --------------------------------


def _login_url(pg_server: Server, url: str, role: str) -> str:
    return url.replace("triage_admin@", f"{role}@")


def test_init_creates_the_schema_and_the_roles_that_guard_it(
    pg_server: Server, pg_url: str, samples: Path, tmp_path: Path
) -> None:
    r = run("init", "--db", pg_url)
    assert r.exit_code == 0, r.output
    assert f"triage schema {PG_SCHEMA_VERSION} ready" in r.output
    assert "triage_officer" in r.output and "triage_ingest" in r.output
    admin = connect(as_target(pg_url))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute(
        "DO $$ BEGIN CREATE ROLE feed LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    admin.execute("GRANT triage_ingest TO feed")
    officer_url = _login_url(pg_server, pg_url, "kwalker")
    feed_url = _login_url(pg_server, pg_url, "feed")

    # only the ingest role adds cables
    r = run("ingest", "--db", officer_url, str(samples / "01_flash_hijack.txt"))
    assert r.exit_code != 0
    assert "permission denied" in r.output
    assert r.output.count("postgresql://") == 1, r.output  # the database named once
    r = run("ingest", "--db", feed_url, str(samples))
    assert r.exit_code == 0, r.output
    # a new version that changes a cable's precedence, by the ingest role: workflow's copy of
    # it follows (a trigger of the schema's owner: the role itself may not UPDATE workflow)
    from .overview_fixture import M, Spec, cable_text

    for k, prec in enumerate(("ROUTINE", "FLASH")):
        (tmp_path / f"v{k}.txt").write_bytes(cable_text(Spec(79, prec, M)))
        r = run("ingest", "--db", feed_url, str(tmp_path / f"v{k}.txt"))
        assert r.exit_code == 0, r.output
    assert admin.execute(
        "SELECT w.prec_rank FROM workflow w JOIN cables c ON c.id = w.cable_id "
        "WHERE c.reference_id = '26STATE79'"
    ).fetchone() == (1,)
    r = run("reindex", "--db", feed_url)
    assert r.exit_code == 0, r.output
    r = run("reindex", "--db", officer_url)
    assert r.exit_code != 0 and "permission denied" in r.output
    # running it again would not help: it says whose work it is, and no SQLite advice
    assert "run triage reindex again" not in r.output, r.output
    assert "the ingest role adds and reindexes cables" in r.output
    assert "sqlite3" not in r.output and "PRAGMA" not in r.output
    # officers change the workflow; the audit names the OS login and the database role
    r = run("assign", "--db", officer_url, "26STATE104233", "kwalker")
    assert r.exit_code == 0, r.output
    rows = admin.execute("SELECT who, db_role, field FROM audit ORDER BY id").fetchall()
    assert (current_login(), "kwalker", "officer") in rows
    # the ingest role may not change the workflow
    r = run("status", "--db", feed_url, "26STATE104233", "done", "--no-ack")
    assert r.exit_code != 0 and "permission denied" in r.output
    # nobody rewrites the audit: not an officer (no grant), not the owner (the trigger)
    officer = connect(as_target(officer_url))
    for sql in ("UPDATE audit SET who = 'x'", "DELETE FROM audit", "TRUNCATE audit"):
        with pytest.raises(sqlite3.OperationalError, match="permission denied"):
            officer.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            admin.execute(sql)
    assert admin.execute("SELECT count(*) FROM audit").fetchone()[0] == len(rows)
    # an entry typed by hand cannot name another database role: the server records its own
    officer.execute(
        "INSERT INTO audit (id, at, who, field, new, db_role) SELECT max(id) + 1, "
        "'2026-01-01T00:00:00Z', 'jsmith', 'note', 'forged', 'jsmith' FROM audit"
    )
    assert admin.execute("SELECT db_role FROM audit WHERE new = 'forged'").fetchone() == (
        "kwalker",
    )
    # and `triage audit` shows the role beside the login
    r = run("audit", "--db", officer_url, "--cable", "26STATE104233")
    assert r.exit_code == 0, r.output
    assert f"{current_login()} [role kwalker]" in r.output, r.output


def test_a_role_without_triages_rights_is_told_what_to_grant(
    pg_server: Server, pg_url: str, samples: Path
) -> None:
    """The administrator's likeliest slip, a login role with CONNECT and no GRANT
    triage_officer: every command said only 'permission denied for table meta'. And the
    ingest role's console opened, then flipped between 'server unreachable' and 'reconnected'
    while each change was refused: it is refused at start, in one line."""
    from triage.config import Config
    from triage.store.errors import StoreError
    from triage.store.first_page import start_console

    assert run("init", "--db", pg_url).exit_code == 0
    admin = connect(as_target(pg_url))
    for role in ("norights", "feed"):
        admin.execute(
            f"DO $$ BEGIN CREATE ROLE {role} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    admin.execute("GRANT triage_ingest TO feed")
    dbname = pg_url.split("@/", 1)[1].split("?")[0]
    admin.execute(f'GRANT CONNECT ON DATABASE "{dbname}" TO norights')
    nobody = _login_url(pg_server, pg_url, "norights")
    for args in (("report",), ("export",), ("raw", "26STATE104233")):
        r = run(*args, "--db", nobody)
        assert r.exit_code != 0
        assert "the database role norights has no rights to triage here" in r.output, r.output
        assert "GRANT triage_officer TO norights" in r.output
    feed = as_target(_login_url(pg_server, pg_url, "feed"))
    assert run("ingest", "--db", str(feed), str(samples)).exit_code == 0
    with pytest.raises(StoreError) as got:
        start_console(feed, Config()).result()
    assert "the database role feed cannot work in the console" in str(got.value)
    assert "GRANT triage_officer TO feed" in str(got.value)
    # an officer's console starts
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    conn, _page = start_console(
        as_target(_login_url(pg_server, pg_url, "kwalker")), Config()
    ).result()
    if conn is not None:
        conn.close()
    admin.close()


def test_a_newer_schema_is_refused_with_a_reason(pg_url: str) -> None:
    conn = connect(as_target(pg_url))
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    r = run("raw", "--db", pg_url, "26X1")
    assert r.exit_code != 0
    assert "newer triage (schema 99" in r.output


def test_no_schema_yet_says_to_run_init(pg_url: str) -> None:
    r = run("raw", "--db", pg_url, "26X1")
    assert r.exit_code != 0
    assert "no triage cache yet: the owner runs `triage init --db" in r.output


def test_the_database_can_come_from_the_environment_or_the_config(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: Path
) -> None:
    assert run("init", "--db", pg_url).exit_code == 0
    monkeypatch.setenv("TRIAGE_DB", pg_url)
    r = run("ingest", str(samples / "01_flash_hijack.txt"))
    assert r.exit_code == 0, r.output
    monkeypatch.delenv("TRIAGE_DB")
    cfg = tmp_path / "xdg-config" / "triage"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text(f'db = "{pg_url}"\n')
    r = run("raw", "26STATE104233")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes == (samples / "01_flash_hijack.txt").read_bytes()


def test_a_password_in_the_url_is_never_shown() -> None:
    t = as_target("postgresql://kwalker:s3cret@db.example/triage")
    assert "s3cret" not in str(t) and "kwalker" in str(t)
    assert "s3cret" not in str(as_target("host=a,b password=s3cret dbname=triage"))
    r = run("raw", "--db", "host=/nonexistent-dir password=s3cret dbname=triage", "X")
    assert r.exit_code != 0 and "s3cret" not in r.output and "cannot connect" in r.output


def test_without_the_driver_a_postgresql_url_says_what_to_install(tmp_path: Path) -> None:
    """The plain install (no psycopg): run in a child so the import really fails."""
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from triage.cli import main\n"
        "main(['raw', '--db', 'postgresql://localhost/triage', 'X'])\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode != 0
    assert "pip install '.[postgres]'" in p.stderr
    assert "Traceback" not in p.stderr


# -- migrate between the backends ---------------------------------------------------------------


def _snapshot(conn: sqlite3.Connection) -> dict[str, object]:
    return {
        "versions": sorted(
            (r[0], r[1], bytes(r[2]))
            for r in conn.execute(
                "SELECT c.reference_id, v.version, v.raw FROM cable_versions v "
                "JOIN cables c ON c.id = v.cable_id"
            ).fetchall()
        ),
        "workflow": sorted(
            tuple(r)
            for r in conn.execute(
                "SELECT c.reference_id, w.officer, w.status, w.due_at, w.note, w.row_version "
                "FROM workflow w JOIN cables c ON c.id = w.cable_id"
            ).fetchall()
        ),
        "audit": [
            tuple(r)
            for r in conn.execute(
                "SELECT at, who, reference_id, field, old, new FROM audit ORDER BY id"
            ).fetchall()
        ],
        "rejects": [tuple(r) for r in conn.execute("SELECT path, reason FROM rejects ORDER BY id")],
        "officers": sorted(r[0] for r in conn.execute("SELECT login FROM officers")),
        "search": sorted(
            refs(conn, view_ids(conn, View(tab="All", search="emb* OR paris"), Context("me")))
        ),
    }


def test_migrate_sqlite_to_postgresql_and_back_keeps_everything(
    tmp_path: Path, pg_url: str, samples: Path
) -> None:
    src = tmp_path / "src.db"
    conn = connect(src)
    ingest(conn, iter_paths([str(samples)]), parser_process=False)
    ingest(conn, [Item("bad", None, "no such file")])
    first = b"FM AMEMBASSY PARIS\nSUBJECT: TALKS\n\n1. FIRST\n"
    ingest(conn, [Item("a", first, meta={"reference_id": "26PARIS77"})])
    ingest(conn, [Item("b", first + b"2. MORE\n", meta={"reference_id": "26PARIS77"})])
    cid = wf.find_cable(conn, "26PARIS77")
    wf.assign(conn, cid, "kwalker", "me")
    wf.set_note(conn, cid, "call back", "me")
    want = _snapshot(conn)

    r = run("migrate", str(src), pg_url)
    assert r.exit_code == 0, r.output
    n = N_SAMPLES + 1
    assert (
        f"cables {n}/{n}" in r.output and f"SHA-256 of all {n + 1} raw texts verified" in r.output
    )
    assert "hash chain holds at the destination" in r.output
    assert "granted triage_officer and triage_ingest" in r.output  # the copy's tables too
    assert run("audit", "--verify", "--db", pg_url).exit_code == 0
    assert _snapshot(connect(as_target(pg_url)))["versions"] == want["versions"]
    got = _snapshot(connect(as_target(pg_url)))
    for key in ("workflow", "audit", "rejects", "officers", "search"):
        assert got[key] == want[key], key

    back = tmp_path / "back.db"
    r = run("migrate", pg_url, str(back))
    assert r.exit_code == 0, r.output
    assert run("audit", "--verify", "--db", str(back)).exit_code == 0
    assert connect(back).execute("SELECT id, hash FROM audit ORDER BY id").fetchall() == (
        connect(src).execute("SELECT id, hash FROM audit ORDER BY id").fetchall()
    )
    again = _snapshot(connect(back))
    for key in ("versions", "workflow", "audit", "rejects", "officers", "search"):
        assert again[key] == want[key], key

    r = run("migrate", str(src), str(back))
    assert r.exit_code != 0
    assert "not empty" in r.output and "--force" in r.output
    audit_before = connect(back).execute("SELECT count(*) FROM audit").fetchone()[0]
    r = run("migrate", "--force", str(src), str(back))
    assert r.exit_code == 0, r.output
    assert run("audit", "--verify", "--db", str(back)).exit_code == 0  # appended, still chained
    assert f"{N_SAMPLES + 1} cables already in the destination were left as they were" in r.output
    # the cables kept as they were keep their own history: none of the source's is added
    assert connect(back).execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before


def test_a_stopped_migrate_goes_on_where_it_was(tmp_path: Path, pg_url: str, samples: Path) -> None:
    from triage.store.migrate import migrate

    src = connect(tmp_path / "src.db")
    ingest(src, iter_paths([str(samples)]), parser_process=False)
    dst = connect(as_target(pg_url))
    calls = []

    def stop_after_two_batches(phase: str, done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migrate(src, dst, "src", batch=10, on_progress=stop_after_two_batches)
    assert dst.execute("SELECT count(*) FROM cables").fetchone()[0] == 20
    report = migrate(src, dst, "src", batch=10)
    assert report.resumed_from is not None
    assert report.copied["cables"] == N_SAMPLES - 20
    assert report.counts["cables"] == (N_SAMPLES, N_SAMPLES)
    assert report.verified_texts == N_SAMPLES


def test_a_migrate_run_again_carries_what_officers_changed_meanwhile(
    tmp_path: Path, pg_url: str, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eyes15: stopped, then run again after an officer assigned, noted and closed cables the
    first run had copied, the migrate said "verified" over a destination without those changes
    (its own copied audit log said otherwise). A change made while it copies is caught too."""
    from triage.store import workflow as wf
    from triage.store.migrate import MigrateError, migrate

    src = connect(tmp_path / "src.db")
    ingest(src, iter_paths([str(samples)]), parser_process=False)
    dst = connect(as_target(pg_url))
    first = src.execute("SELECT reference_id FROM cables ORDER BY id LIMIT 1").fetchone()[0]
    calls = []

    def stop_after_two_batches(phase: str, done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migrate(src, dst, "src", batch=10, on_progress=stop_after_two_batches)
    cid = wf.find_cable(src, first)
    wf.assign(src, cid, "kwalker", "me")
    wf.set_note(src, cid, "changed between the runs", "me")
    migrate(src, dst, "src", batch=10)
    st = wf.state(dst, wf.find_cable(dst, first))
    assert (st.officer, st.note) == ("kwalker", "changed between the runs")

    # a change made while the copy runs, after its cable was copied, is copied too
    dst2 = connect(tmp_path / "dst2.db")
    changed: list[int] = []

    def write_during(phase: str, done: int, total: int) -> None:
        if not changed:
            changed.append(1)
            wf.set_note(src, cid, "written while migrate ran", "other")

    migrate(src, dst2, "src", batch=10, on_progress=write_during)
    assert changed and wf.state(dst2, wf.find_cable(dst2, first)).note == (
        "written while migrate ran"
    )
    # and one made after the workflow's last pass is not said "verified"
    import triage.store.migrate as mig

    real_sync = mig._sync_workflow

    def sync_then_write(*a: object, **k: object) -> int:
        n = real_sync(*a, **k)  # type: ignore[arg-type]
        wf.set_status(src, cid, "DONE", "other")
        return n

    monkeypatch.setattr(mig, "_sync_workflow", sync_then_write)
    dst3 = connect(tmp_path / "dst3.db")
    with pytest.raises(MigrateError, match=r"changed at the source while it was copied"):
        migrate(src, dst3, "src", batch=10)


def test_a_migrate_keeps_each_audit_entrys_database_role(
    pg_server: Server, pg_url: str, samples: Path, tmp_path: Path
) -> None:
    """eyes15: after a migrate, every entry read `[role triage_owner]`, the migrating role, and
    entries copied from SQLite (which records no role) claimed it too."""
    assert run("init", "--db", pg_url).exit_code == 0
    assert run("ingest", "--db", pg_url, str(samples)).exit_code == 0
    admin = connect(as_target(pg_url))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    admin.close()
    r = run("note", "--db", _login_url(pg_server, pg_url, "kwalker"), "26PARIS1877", "call")
    assert r.exit_code == 0, r.output
    other = pg_server.new_database()
    r = run("migrate", pg_url, other)
    assert r.exit_code == 0, r.output
    roles = connect(as_target(other)).execute("SELECT db_role FROM audit").fetchall()
    assert ("kwalker",) in roles, roles
    r = run("audit", "--db", other, "--cable", "26PARIS1877")
    assert "[role kwalker]" in r.output, r.output
    # from SQLite: no role, not the migrating one
    lite = tmp_path / "c.db"
    assert run("ingest", "--db", str(lite), str(samples)).exit_code == 0
    assert run("note", "--db", str(lite), "26PARIS1877", "call").exit_code == 0
    third = pg_server.new_database()
    assert run("migrate", str(lite), third).exit_code == 0
    r = run("audit", "--db", third, "--cable", "26PARIS1877")
    assert r.exit_code == 0 and "call" in r.output and "[role" not in r.output, r.output


def test_a_migrate_from_a_cache_to_itself_is_refused(tmp_path: Path, pg_url: str) -> None:
    """`migrate --force X X` read its own new rows back without end: the append-only audit log
    of the cache grew by a million rows."""
    db = tmp_path / "c.db"
    assert run("init", "--db", str(db)).exit_code == 0
    link = tmp_path / "same.db"
    link.symlink_to(db)
    for a, b in ((str(db), str(db)), (str(db), str(link)), (pg_url, pg_url)):
        if b == pg_url:
            assert run("init", "--db", pg_url).exit_code == 0
        r = run("migrate", "--force", a, b)
        assert r.exit_code != 0, r.output
        assert "the same cache" in r.output and "Traceback" not in r.output, r.output


def test_libpq_finds_the_server_by_service_and_by_a_multi_host_string(
    pg_server: Server, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: Path
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    dbname = conninfo_to_dict(pg_url)["dbname"]
    # the first host is down (no server there): libpq goes on to the next, the one that writes
    multi = (
        f"host=/nonexistent-triage-host,{pg_server.sock} user=triage_admin dbname={dbname} "
        "target_session_attrs=read-write"
    )
    assert run("init", "--db", pg_url).exit_code == 0
    r = run("ingest", "--db", multi, str(samples / "04_immediate_paris.txt"))
    assert r.exit_code == 0, r.output
    assert "added 1" in r.output
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[triage]\nhost={pg_server.sock}\nuser=triage_admin\ndbname={dbname}\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGSERVICE", "triage")
    r = run("raw", "--db", "postgresql://", "26PARIS1877")
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes == (samples / "04_immediate_paris.txt").read_bytes()
    r = run("raw", "--db", "service=triage", "26PARIS1877")
    assert r.exit_code == 0, r.output


# -- faults on PostgreSQL: the same as tests/test_faults.py's for SQLite -------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 synthetic cables (as tests/test_faults.py's)."""
    out = tmp_path_factory.mktemp("corpus")
    synth = [sys.executable, str(ROOT / "bench" / "synthesize.py"), "--count", "600"]
    subprocess.run([*synth, "--seed", "7", "--out", str(out)], check=True, capture_output=True)
    return out


def test_sigkill_during_ingest_leaves_the_database_consistent(
    pg_url: str, corpus: Path, tmp_path: Path
) -> None:
    import random
    import signal

    rng = random.Random(20261129)
    n = count_files(corpus)
    conn = connect(as_target(pg_url))
    for _run in range(8):
        proc = subprocess.Popen(
            [*TRIAGE, "ingest", "-q", "--db", pg_url, str(corpus)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=rng.uniform(0.2, 3.0))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        # every stored cable is whole: its row, workflow row, bytes and search document
        cables = conn.execute("SELECT count(*) FROM cables").fetchone()[0]
        for table in ("workflow", "cable_versions", "cables_fts"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == cables
    done = subprocess.run(
        [*TRIAGE, "ingest", "-q", "--db", pg_url, str(corpus)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert conn.execute("SELECT count(DISTINCT reference_id) FROM cables").fetchone()[0] == n
    assert conn.execute("SELECT count(*) FROM cable_versions").fetchone()[0] == n
    found = view_ids(conn, View(tab="All", search="sipdis"), Context("me"))
    assert len(found) == n


def test_four_writers_and_an_ingest_on_one_server_lose_nothing(
    pg_url: str, corpus: Path, samples: Path, tmp_path: Path
) -> None:
    conn = connect(as_target(pg_url))
    ingest(conn, iter_paths([str(samples)]))
    ingest(conn, iter_paths([str(corpus / "0000")]))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    outs = [tmp_path / f"w{k}.json" for k in range(4)]
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), pg_url, f"officer{k}", "15", str(outs[k])],
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    ingester = subprocess.Popen(
        [*TRIAGE, "ingest", "-q", "--db", pg_url, str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    _, err = ingester.communicate(timeout=300)
    assert ingester.returncode == 0, err
    results = [json.loads(o.read_text()) for o in outs]
    assert all(r["errors"] == [] for r in results)
    accepted = [tuple(a) for r in results for a in r["accepted"]]
    assert len(accepted) > 50
    per_cable: dict[int, int] = {}
    for cid, _version in accepted:
        per_cable[cid] = per_cable.get(cid, 0) + 1
    for cid, k in per_cable.items():
        version = conn.execute(
            "SELECT row_version FROM workflow WHERE cable_id = ?", (cid,)
        ).fetchone()[0]
        assert version == 1 + k
    assert len(set(accepted)) == len(accepted)
    rows = conn.execute("SELECT cable_id, at, who FROM audit WHERE field != 'export'").fetchall()
    assert len(set(rows)) == len(accepted)
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == N_SAMPLES + count_files(
        corpus
    )


def test_a_password_comes_from_pgpass_as_libpq_reads_it(
    pg_server: Server, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: Path
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from .pgserver import PASSWORD_ROLE

    admin = connect(as_target(pg_url))
    admin.execute(
        f"DO $$ BEGIN CREATE ROLE {PASSWORD_ROLE} LOGIN SUPERUSER PASSWORD 'k3pt-in-pgpass'; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    dbname = conninfo_to_dict(pg_url)["dbname"]
    url = f"postgresql://{PASSWORD_ROLE}@/{dbname}?host={pg_server.sock}"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PGPASSFILE", raising=False)
    r = run("ingest", "--db", url, str(samples / "04_immediate_paris.txt"))
    assert r.exit_code != 0
    assert "password" in r.output and "Traceback" not in r.output
    assert "(or ~/.pgpass)" in r.output  # and where libpq looks for one
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"*:*:{dbname}:{PASSWORD_ROLE}:k3pt-in-pgpass\n")
    pgpass.chmod(0o600)
    r = run("ingest", "--db", url, str(samples / "04_immediate_paris.txt"))
    assert r.exit_code == 0, r.output
    assert "added 1" in r.output and "k3pt" not in r.output


def test_a_bulk_load_on_postgresql_builds_its_indexes_once_at_the_end(
    pg_url: str, tmp_path: Path
) -> None:
    from triage.store.postgres.ingest import PG_DEFERRABLE

    from .conftest import sample_copies

    conn = connect(as_target(pg_url))
    seen: list[set[str]] = []

    def indexes() -> set[str]:
        return {
            r[0]
            for r in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            ).fetchall()
        }

    def progress(n: int) -> None:
        seen.append(indexes())

    items = sample_copies(3)
    summary = ingest(conn, items, bulk_after=40, batch=20, on_progress=progress)
    assert summary.added == len(items)
    assert any(not set(PG_DEFERRABLE) & s for s in seen)  # dropped while loading
    assert set(PG_DEFERRABLE) <= indexes()  # and built at the end
    found = view_ids(conn, View(tab="All", search="embassy"), Context("me"))
    lite = connect(tmp_path / "same.db")
    ingest(lite, sample_copies(3), parser_process=False)
    want = view_ids(lite, View(tab="All", search="embassy"), Context("me"))
    assert sorted(refs(conn, found)) == sorted(refs(lite, want)) and len(found) >= 3


def test_audit_verify_on_postgresql_sees_a_disabled_trigger_and_a_rewritten_row(
    pg_url: str, samples: Path
) -> None:
    assert run("init", "--db", pg_url).exit_code == 0
    assert run("ingest", "--db", pg_url, str(samples)).exit_code == 0
    r = run("assign", "--db", pg_url, "26STATE104233", "kwalker")
    assert r.exit_code == 0, r.output
    assert run("audit", "--verify", "--db", pg_url).exit_code == 0
    owner = connect(as_target(pg_url))
    owner.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
    owner.execute("UPDATE audit SET who = 'someone-else' WHERE field = 'officer'")
    r = run("audit", "--verify", "--db", pg_url)
    assert r.exit_code == 1
    assert "audit_no_update" in r.output
    assert "broken" in r.output or "chain" in r.output


def test_a_cable_of_more_distinct_words_than_a_tsvector_holds_is_stored_whole(
    target: Path,
) -> None:
    import random
    import string

    rng = random.Random(1)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(10)) for _ in range(200_000)]
    data = ("SUBJECT: HUGE\n\n1. ZEBRAFIRST " + " ".join(words) + "\n").encode()
    conn = connect(target)
    summary = ingest(conn, [Item("huge.txt", data, meta={"reference_id": "26HUGE1"})])
    assert summary.added == 1, summary.rejects
    assert raw_bytes(conn, "26HUGE1") == data
    found = view_ids(conn, View(tab="All", search="zebrafirst"), Context("me"))
    assert refs(conn, found) == ["26HUGE1"]


def test_workflow_rows_carry_their_cables_precedence_and_arrival(target: Path) -> None:
    """Schema 8 (PostgreSQL 4): the Overview counts open work from workflow's copies of each
    cable's precedence and arrival; a new version that changes the precedence, and an arrival
    changed by hand, reach them on each backend."""
    from .overview_fixture import M, Spec, cable_text

    conn = connect(target)
    assert ingest(conn, [Item("a.txt", cable_text(Spec(78, "ROUTINE", M)))]).added == 1
    cid = wf.find_cable(conn, "26STATE78")

    def copies() -> tuple[object, ...]:
        return tuple(
            conn.execute(
                "SELECT w.prec_rank, w.received_at, c.prec_rank, c.received_at FROM workflow w "
                "JOIN cables c ON c.id = w.cable_id WHERE c.id = ?",
                (cid,),
            ).fetchone()
        )

    rank, at, c_rank, c_at = copies()
    assert (rank, at) == (c_rank, c_at) and at
    flash = cable_text(Spec(78, "FLASH", M))
    assert ingest(conn, [Item("b.txt", flash)]).updated == 1
    rank2, at2, c_rank2, _ = copies()
    assert (rank2, at2) == (c_rank2, at) and rank2 != rank
    conn.execute("UPDATE cables SET received_at = ? WHERE id = ?", ("2026-01-02T03:04:05Z", cid))
    assert copies()[:2] == (c_rank2, "2026-01-02T03:04:05Z")


def test_the_report_reads_the_same_figures_on_each_backend(db: Path) -> None:
    assert run("ack", "--db", str(db), "26STATE104233").exit_code == 0
    r = run("report", "--db", str(db), "--since", "3650d", "--format", "json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert got["cables"] == N_SAMPLES
    assert {o["officer"]: o["open"] for o in got["officers"]} == {None: N_SAMPLES}
    flash = [a for a in got["acknowledgement"] if a["precedence"] == "FLASH"][0]
    assert flash["acknowledged"] == 1 and flash["median_seconds"] is not None


def test_init_by_an_owner_without_createrole_grants_the_roles_that_exist(
    pg_server: Server,
) -> None:
    """The tables' owner may grant on them without CREATEROLE: once an administrator has made
    the two group roles, init grants them itself, and asks nobody for anything again."""
    import psycopg

    name = "owned_by_plain_role"
    with psycopg.connect(pg_server.dsn(), autocommit=True) as c:
        c.execute(
            "DO $$ BEGIN CREATE ROLE plain_owner LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
        for role in ("triage_officer", "triage_ingest"):
            c.execute(
                f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        c.execute(f'CREATE DATABASE "{name}" OWNER plain_owner')
    url = pg_server.dsn(name, user="plain_owner")
    for _ in range(2):  # and again: still nothing asked of an administrator
        r = run("init", "--db", url)
        assert r.exit_code == 0, r.output
        assert "granted triage_officer and triage_ingest" in r.output, r.output
        assert "could not set up" not in r.output and "an administrator runs" not in r.output
    with psycopg.connect(pg_server.dsn(name), autocommit=True) as c:
        assert c.execute(
            "SELECT has_table_privilege('triage_officer', 'workflow', 'UPDATE')"
        ).fetchone() == (True,)


def test_init_by_an_officer_grants_nothing_and_says_whose_it_is(
    pg_server: Server, pg_url: str
) -> None:
    """An officer's init said "granted triage_officer and triage_ingest what each may do" and
    printed the administrator's set-up advice: PostgreSQL only warns ("no privileges were
    granted") when a role that is not the owner grants on a table it may read."""
    assert run("init", "--db", pg_url).exit_code == 0
    admin = connect(as_target(pg_url))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    owner = admin.execute("SELECT current_user").fetchone()[0]
    admin.close()
    r = run("init", "--db", _login_url(pg_server, pg_url, "kwalker"))
    assert r.exit_code == 0, r.output
    assert "schema" in r.output and "ready" in r.output
    assert "granted triage_officer" not in r.output and "CREATE ROLE" not in r.output, r.output
    assert f"granted by the tables' owner, {owner}, not by kwalker" in r.output, r.output


def test_the_ingest_role_changing_the_workflow_is_told_which_grant_it_lacks(
    pg_server: Server, pg_url: str, samples: Path
) -> None:
    """eyes15: the feed's role running `triage assign` got only "permission denied for table
    workflow", where an officer without rights is told which GRANT to ask for."""
    assert run("init", "--db", pg_url).exit_code == 0
    assert run("ingest", "--db", pg_url, str(samples)).exit_code == 0
    admin = connect(as_target(pg_url))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE feedrole LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_ingest TO feedrole")
    admin.close()
    feed = _login_url(pg_server, pg_url, "feedrole")
    for args in (("assign", "26PARIS1877", "kwalker", "--new"), ("note", "26PARIS1877", "hi")):
        r = run(args[0], "--db", feed, *args[1:])
        assert r.exit_code != 0, r.output
        assert "permission denied" in r.output and "GRANT triage_officer TO feedrole" in r.output
        assert "Traceback" not in r.output


def test_an_officer_on_an_older_schema_is_told_the_owner_upgrades_it(
    pg_server: Server, pg_url: str
) -> None:
    r = run("init", "--db", pg_url)
    assert r.exit_code == 0, r.output
    admin = connect(as_target(pg_url))
    admin.execute(
        "DO $$ BEGIN CREATE ROLE kwalker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    admin.execute("GRANT triage_officer TO kwalker")
    # the database as triage's schema 4 left it
    admin.execute("DROP TRIGGER audit_db_role ON audit")
    admin.execute("DROP FUNCTION triage_audit_role()")
    admin.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    r = run("export", "--db", _login_url(pg_server, pg_url, "kwalker"))
    assert r.exit_code != 0
    assert "has triage schema 4" in r.output and "owner upgrades it once" in r.output, r.output
    assert "Traceback" not in r.output
    r = run("init", "--db", pg_url)  # the owner
    assert r.exit_code == 0, r.output
    r = run("export", "--db", _login_url(pg_server, pg_url, "kwalker"))
    assert r.exit_code == 0, r.output


def test_init_on_a_database_not_created_says_how_to_create_it(pg_server: Server) -> None:
    r = run("init", "--db", pg_server.dsn("no_such_database"))
    assert r.exit_code != 0
    assert "does not exist" in r.output and "createdb" in r.output, r.output
    assert "Traceback" not in r.output


def test_a_view_no_longer_wanted_stops_its_query_on_the_server(pg_url: str, samples: Path) -> None:
    """On PostgreSQL a view's query that is no longer wanted (the officer moved on) is
    cancelled on the server, as SQLite's progress handler stops it: it ends with Cancelled,
    the server is not left working on it, and the connection answers the next view in full."""
    import threading
    import time

    from triage.store import views

    target = as_target(pg_url)
    conn = connect(target)
    ingest(conn, iter_paths([str(samples)]))
    ctx = Context(login="kwalker")
    conn.execute("PRAGMA busy_timeout = 10000")  # (without the cancel: an error after 10 s)
    blocker = connect(target)
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE workflow IN ACCESS EXCLUSIVE MODE")  # the view's query waits
    left = threading.Event()
    threading.Timer(0.3, left.set).start()
    started = time.monotonic()
    with pytest.raises(views.Cancelled):
        view_ids(conn, View(tab="All"), ctx, stop=left.is_set)
    assert time.monotonic() - started < 5
    running = blocker.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
        "AND pid <> pg_backend_pid() AND datname = current_database()"
    ).fetchone()[0]
    assert running == 0
    blocker.execute("ROLLBACK")
    assert len(view_ids(conn, View(tab="All"), ctx, stop=lambda: False)) == N_SAMPLES
    assert tab_counts(conn, View(), ctx, ["All"], stop=lambda: False)["All"] == N_SAMPLES


def test_the_console_reads_on_the_connection_triage_checked_the_database_with(
    pg_url: str, tmp_path: Path
) -> None:
    """`triage` connects once to check the database; on a server that connection goes on into
    the console's pool (its first view is read on it); a cache file's is closed."""
    from triage.store.cache import Cache

    target = as_target(pg_url)
    conn = connect(target)
    cache = Cache(target)
    cache.adopt(conn)
    with cache.borrow() as got:
        assert got is conn
        assert got.execute("SELECT count(*) FROM cables").fetchone()[0] == 0
    cache.close()
    assert conn.closed
    local = connect(tmp_path / "c.db")
    Cache(tmp_path / "c.db").adopt(local)
    with pytest.raises(sqlite3.ProgrammingError):
        local.execute("SELECT 1")


def test_a_whole_search_is_read_from_the_index_and_leaves_the_session_as_it_was(
    pg_url: str, samples: Path
) -> None:
    """A search's whole match set is planned with sequential scans off (the GIN index, not a
    scan that decompresses every document); the setting is the statement's alone, in a
    transaction of the connection's or one of its own, and the answers are the same."""
    target = as_target(pg_url)
    conn = connect(target)
    ingest(conn, iter_paths([str(samples)]))
    ctx = Context(login="kwalker")
    view = View(tab="All", search="minister")
    whole = list(view_ids(conn, view, ctx))
    assert whole and list(view_ids(conn, view, ctx, limit=3)) == whole[:3]
    assert not conn.in_transaction
    assert conn.raw.execute("SHOW enable_seqscan").fetchone()[0] == "on"  # type: ignore[attr-defined]
    conn.execute("BEGIN")
    assert list(view_ids(conn, view, ctx)) == whole
    assert conn.in_transaction
    assert conn.raw.execute("SHOW enable_seqscan").fetchone()[0] == "on"  # type: ignore[attr-defined]
    conn.execute("ROLLBACK")
    tag = conn.execute("SELECT tag FROM cable_tags GROUP BY tag ORDER BY count(*) DESC").fetchone()[
        0
    ]
    tagged = {r[0] for r in conn.execute("SELECT cable_id FROM cable_tags WHERE tag = ?", (tag,))}
    assert set(view_ids(conn, View(tab="All", filters=(Filter("tag", tag),)), ctx)) == tagged


CLOSE_UNDER_A_QUERY = """
import sys, threading
from triage.store import connect

url, rounds = sys.argv[1], int(sys.argv[2])
watcher = connect(url)
outcomes = set()
for n in range(rounds):
    conn = connect(url)
    reading = threading.Event()

    def read():
        try:
            # the first round waits on the server; the others read results as fast as they come
            conn.execute("SELECT pg_sleep(60)" if n == 0 else "SELECT 1").fetchone()
            reading.set()
            while True:
                conn.execute("SELECT * FROM generate_series(1, 2000)").fetchall()
        except Exception as exc:
            outcomes.add(type(exc).__name__)
        finally:
            reading.set()

    t = threading.Thread(target=read)
    t.start()
    if n == 0:  # the query is running on the server when the connection is closed under it
        pid = None
        while not pid:
            pid = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                " AND datname = current_database()"
            ).fetchone()
    else:
        reading.wait()
    conn.close()
    t.join()
    assert conn.closed
print(" ".join(sorted(outcomes)))
"""


def test_a_connection_closed_under_a_running_query_ends_it_and_the_process_goes_on(
    pg_url: str,
) -> None:
    """A console marks its database lost from the UI thread while a worker still reads a view
    on one of its connections: the worker's query ends with an error it can report, and the
    process goes on. (psycopg's close frees libpq's connection at once, under the reader: the
    process aborted in CI. MALLOC_PERTURB_ makes glibc fill freed memory, so a read of it
    crashes every time rather than now and then.)"""
    got = subprocess.run(
        [sys.executable, "-c", CLOSE_UNDER_A_QUERY, pg_url, "30"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MALLOC_PERTURB_": "165", "MALLOC_CHECK_": "3"},
    )
    assert got.returncode == 0, f"exit {got.returncode}: {got.stderr[-2000:]}"
    assert got.stdout.split() == ["OperationalError"]


UNMARKED_CABLES = [
    Item("cut.txt", b"SUBJECT: TALKS RESUME\n\n1. THE TALKS RESUMED ON MONDAY.\n"),
    Item(
        "u.txt",
        b"UNCLAS SECTION 01 OF 01 STATE 000101\n\nSUBJECT: VISA HOURS\n\n1. THE HOURS CHANGE.\n",
        meta={"reference_id": "26STATE101"},
    ),
    Item(
        "c.txt",
        b"C O N F I D E N T I A L STATE 000102\n\nSUBJECT: TALKS\n\n1. (C) THEY MET.\n",
        meta={"reference_id": "26STATE102"},
    ),
]


def test_a_cable_without_a_readable_level_is_never_taken_for_an_unclassified_one(
    target: Path,
) -> None:
    """A cable whose banner could not be read (cut off in transit: a SECRET one looks the same)
    ranked as UNCLASSIFIED: class:U and class:<=C listed it, and the list's banner over it read
    UNCLASSIFIED. It ranks below every level now, class:unmarked finds it, and the view's
    marking counts it apart."""
    conn = connect(target)
    ingest(conn, UNMARKED_CABLES)
    ctx = Context(login="kwalker")

    def refs_of(filters: str) -> list[str]:
        v = View(tab="All", filters=tuple(parse_filters(filters)), sort="reference")
        return refs(conn, view_ids(conn, v, ctx))

    assert refs_of("class:U") == ["26STATE101"]
    assert refs_of("class:<=C") == ["26STATE101", "26STATE102"]
    assert refs_of("class:>=U") == ["26STATE101", "26STATE102"]
    (unmarked,) = refs_of("class:unmarked")
    assert unmarked not in ("26STATE101", "26STATE102")
    assert refs_of("class:?") == [unmarked]
    everything = max_level(conn, View(tab="All"), ctx)
    assert (everything.level, everything.unmarked) == (1, 1)
    assert counts_and_level(conn, View(tab="All"), ctx, ["All"])[1] == everything
    only = max_level(conn, View(tab="All", filters=(Filter("classification", "unmarked"),)), ctx)
    assert (only.level, only.unmarked) == (-1, 1)
    with pytest.raises(FilterError, match="unmarked"):
        parse_filters("class:secretish")
    conn.close()


def test_an_older_cache_ranks_its_unmarked_cables_apart_when_opened(target: Path) -> None:
    """A cache written before (its unmarked cables at rank 0) is brought up to date once."""
    conn = connect(target)
    ingest(conn, UNMARKED_CABLES)
    conn.execute("UPDATE cables SET level_rank = 0 WHERE level_rank < 0")
    if str(target).startswith("postgresql"):
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    else:
        conn.execute("PRAGMA user_version = 8")
    conn.close()
    conn = connect(target)
    ranks = sorted(r[0] for r in conn.execute("SELECT level_rank FROM cables"))
    assert ranks == [-1, 0, 1]
    conn.close()


def test_two_filters_on_what_a_cable_has_one_of_mean_either(db: Path) -> None:
    """`status:NEW status:ASSIGNED` (and `export --status NEW --status ASSIGNED`, a repeatable
    option) matched no cable: a cable has one status. Two of one such key mean either; tags
    and comparisons still all apply."""
    conn = connect(db)
    from triage.store import workflow as wf

    wf.assign(conn, wf.find_cable(conn, "26PARIS1877"), "jsmith", "lead")
    wf.assign(conn, wf.find_cable(conn, "26ROME1301"), "kwalker", "lead")
    ctx = Context(login="kwalker")

    def refs_of(filters: str) -> list[str]:
        v = View(tab="All", filters=tuple(parse_filters(filters)), sort="reference")
        return refs(conn, view_ids(conn, v, ctx))

    new = refs_of("status:NEW")
    assert len(new) == N_SAMPLES - 2
    assert refs_of("status:NEW status:ASSIGNED") == sorted([*new, "26PARIS1877", "26ROME1301"])
    assert refs_of("officer:jsmith officer:kwalker") == ["26PARIS1877", "26ROME1301"]
    assert refs_of("officer:jsmith officer:kwalker status:NEW") == []
    flash, niact = refs_of("prec:FLASH"), refs_of("prec:NIACT")
    assert flash and niact and refs_of("prec:FLASH prec:NIACT") == sorted(flash + niact)
    assert refs_of("prec:>=NIACT prec:<=NIACT") == niact  # comparisons: a range, both apply
    assert refs_of("tag:PREL tag:FR") == sorted(set(refs_of("tag:PREL")) & set(refs_of("tag:FR")))
    r = run("export", "--db", str(db), "--status", "NEW", "--status", "ASSIGNED", "-o", "-")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == N_SAMPLES + 1
    conn.close()
