"""On a database server `triage` forks a helper that checks the database and reads the first
list's first page (then its whole list) while the console's process imports Textual
(store/first_page.py). What it hands over is what the console would have read itself; the
database's errors are said as before; a change committed while the console starts is seen."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from triage.config import Config
from triage.store import StoreError, connect
from triage.store import first_page as fp
from triage.store.api import as_target
from triage.store.ingest import Item, ingest
from triage.store.inputs import iter_paths
from triage.store.presence import fingerprint
from triage.store.views import View, view_ids
from triage.tui.app import TriageApp
from triage.tui.system import pause_gc
from triage.tui.widgets.cable_list import CableList

from .conftest import N_SAMPLES
from .pgserver import Server
from .test_console import list_lines, settle, static_text

REAL_SPARE_CORE = fp.spare_core


@pytest.fixture(autouse=True)
def _a_spare_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine of two cores or more (a test runner may be given one)."""
    monkeypatch.setattr(fp, "spare_core", lambda: True)


@pytest.fixture
def pg_db(pg_url: str, samples: Path) -> Path:
    db = as_target(pg_url)
    conn = connect(db)
    ingest(conn, iter_paths([str(samples)]))
    conn.close()
    return db


def _gone(pid: int) -> bool:
    """The helper has ended and been reaped (no zombie left behind)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_helper_reads_what_the_console_would_have_read(pg_db: Path) -> None:
    cfg = Config(routes=[{"officer": "jsmith", "tags": ["PTER"]}])
    starting = fp.start_console(pg_db, cfg, login="tester")
    assert isinstance(starting, fp.Reader)
    conn, page = starting.result()
    assert conn is None and page is not None
    own = connect(pg_db)
    ctx = fp.console_context(cfg, "tester")
    want = view_ids(own, View(), ctx, limit=fp.FIRST_ROWS)
    assert list(page.ids) == list(want) and len(want) == N_SAMPLES
    assert page.view == View() and page.login == "tester"
    assert page.rows == fp.read_rows(own, [int(i) for i in want[: fp.PAGE]], ctx, cfg)
    assert any(r.suggested == "jsmith" for r in page.rows.values())  # (the routes applied)
    assert page.baseline == fingerprint(own)
    assert page.rest is starting
    whole = starting.whole()
    assert whole is not None
    assert list(whole[0]) == list(view_ids(own, View(), ctx))
    longest = own.execute("SELECT coalesce(max(length(officer)), 0) FROM workflow").fetchone()
    assert whole[1] == longest[0]
    own.close()
    assert _gone(starting._pid)
    assert starting.whole() is None  # (once: the console then reads for itself)


def test_the_helper_reads_the_whole_list_only_when_the_console_asks(
    pg_db: Path, samples: Path
) -> None:
    """Sorting the whole list keeps the server busy (~0.4 s at 250,000 cables, on parallel
    workers too): the helper waits for the console's first page to be drawn before it asks.
    A cable committed between the first page and the asking is in the whole list."""
    starting = fp.start_console(pg_db, Config(), login="tester")
    assert isinstance(starting, fp.Reader)
    _conn, page = starting.result()
    assert page is not None and len(page.ids) == N_SAMPLES
    other = connect(pg_db)
    flash = (samples / "01_flash_hijack.txt").read_bytes()
    ingest(other, [Item("meanwhile.txt", flash.replace(b"104233", b"104278"))])
    (new_id,) = other.execute(
        "SELECT id FROM cables WHERE reference_id = '26STATE104278'"
    ).fetchone()
    other.close()
    whole = starting.whole()
    assert whole is not None
    assert len(whole[0]) == N_SAMPLES + 1 and new_id in list(whole[0])
    assert _gone(starting._pid)


def test_a_database_error_is_said_as_the_check_in_this_process_says_it(
    pg_server: Server,
) -> None:
    missing = as_target(pg_server.dsn("no_such_database"))
    with pytest.raises(StoreError) as here:
        connect(missing, create=True)
    starting = fp.start_console(missing, Config(), login="tester")
    assert isinstance(starting, fp.Reader)
    with pytest.raises(StoreError) as there:
        starting.result()
    assert str(there.value) == str(here.value)
    assert "cannot connect" in str(there.value)
    assert _gone(starting._pid)


def test_a_helper_that_fails_for_its_own_reason_leaves_the_reading_to_the_console(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> fp.FirstPage:
        raise RuntimeError("not the database's fault")

    monkeypatch.setattr(fp, "read_first_page", broken)  # (the forked helper has it too)
    starting = fp.start_console(pg_db, Config(), login="tester")
    conn, page = starting.result()
    assert page is None
    assert conn is not None and getattr(conn, "backend", "") == "postgresql"
    assert conn.execute("SELECT count(*) FROM cables").fetchone()[0] == N_SAMPLES
    conn.close()
    assert _gone(starting._pid)  # type: ignore[union-attr]


async def test_the_console_draws_the_helpers_page(pg_db: Path) -> None:
    pause_gc()  # as `triage` does before it imports the console: until the list is drawn
    assert not gc.isenabled()
    starting = fp.start_console(pg_db, Config(), login="tester")
    _conn, page = starting.result()
    assert page is not None and page.rows
    # the helper's rows are what the first screen shows (marked, to tell them from rows the
    # console would read itself)
    first = int(page.ids[0])
    page.rows[first].subject = "READ BY THE HELPER"
    app = TriageApp(pg_db, Config(), login="tester", first_page=page)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        lst = app.screen.query_one(CableList)
        assert len(lst.ids) == N_SAMPLES
        assert int(lst.ids[0]) == first
        assert "READ BY THE HELPER" in list_lines(app)[1]
        assert f"All {N_SAMPLES}" in static_text(app, "#tabs")
        assert app.feed.started  # started once the list was drawn
        assert gc.isenabled()
    gc.unfreeze()  # (what the start made was frozen: the rest of the tests' objects too)
    assert _gone(starting._pid)  # type: ignore[union-attr]


async def test_what_was_committed_while_the_console_started_is_seen(
    pg_db: Path, samples: Path
) -> None:
    """The helper takes the change feed's baseline before it reads the page; the console's
    feed starts (LISTEN) only after its first screen. A FLASH cable ingested in between is
    announced and listed."""
    starting = fp.start_console(pg_db, Config(), login="tester")
    _conn, page = starting.result()
    assert page is not None
    other = connect(pg_db)
    flash = (samples / "01_flash_hijack.txt").read_bytes()
    ingest(other, [Item("meanwhile.txt", flash.replace(b"104233", b"104277"))])
    other.close()
    app = TriageApp(pg_db, Config(), login="tester", first_page=page)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        for _ in range(50):  # the feed's first look, then the list read again
            if f"All {N_SAMPLES + 1}" in static_text(app, "#tabs"):
                break
            await settle(pilot)
        assert f"All {N_SAMPLES + 1}" in static_text(app, "#tabs")
        assert bells
        assert any("26STATE104277" in n.message for n in app._notifications)


def test_a_helper_not_wanted_any_more_is_stopped_and_reaped(pg_db: Path) -> None:
    """A console leaving (or starting on another view) before the whole list came."""
    starting = fp.start_console(pg_db, Config(), login="tester")
    assert isinstance(starting, fp.Reader)
    _conn, page = starting.result()
    assert page is not None
    starting.close()
    assert _gone(starting._pid)
    assert starting.whole() is None
    starting.close()  # (twice is harmless)


async def test_without_a_spare_core_the_console_reads_its_first_page_itself(
    pg_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One core: no helper (it would only take turns with the console); the database is
    checked here, and that connection reads the first view."""
    monkeypatch.setattr(fp, "spare_core", lambda: False)
    starting = fp.start_console(pg_db, Config(), login="tester")
    assert not isinstance(starting, fp.Reader)
    conn, page = starting.result()
    assert page is None and conn is not None
    app = TriageApp(pg_db, Config(), login="tester", conn=conn)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        assert f"All {N_SAMPLES}" in static_text(app, "#tabs")
        assert app.feed.started


@pytest.mark.parametrize(("cores", "spare"), [(1, False), (2, True), (8, True)])
def test_a_helper_is_had_wherever_this_process_may_use_a_second_core(
    monkeypatch: pytest.MonkeyPatch, cores: int, spare: bool
) -> None:
    """(However busy the machine: measured on 2 cores at load averages 2.4 and 3-4, the helper
    was still a gain; see spare_core.)"""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    assert REAL_SPARE_CORE() is spare


def test_triage_says_the_helpers_database_error_and_collects_garbage_again(
    pg_server: Server,
) -> None:
    """`triage --db URL` on a database that is not there: the helper's error, said as before,
    and the garbage collector paused for the start is running again."""
    from click.testing import CliRunner

    from triage.cli import main

    assert gc.isenabled()
    res = CliRunner().invoke(main, ["--db", pg_server.dsn("no_such_database")])
    assert res.exit_code == 1, res.output
    assert "triage: " in res.output and "cannot connect" in res.output
    assert "no_such_database" in res.output
    assert gc.isenabled()
