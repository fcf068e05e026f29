"""The Overview's figures and `triage report`, checked against counts computed from the hand-made
fixture (tests/overview_fixture.py) with plain Python under a fixed clock."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.overview_fixture import (
    NOW,
    RANK,
    SPECS,
    D,
    H,
    M,
    ack_late,
    build,
    nearest_rank,
    needs_ack,
    overdue,
)
from triage.store import connect
from triage.store.report import Figures, handover, overview, parse_since
from triage.store.views import Context, Filter, FilterError, View, parse_filters, view_ids

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture
def day(target: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture's cables on each backend."""
    return build(target, monkeypatch)


def ctx() -> Context:
    return Context(login="kwalker", now=NOW)


def refs(conn: sqlite3.Connection, view: View) -> set[str]:
    ids = list(view_ids(conn, view, ctx()))
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {
        r[0] for r in conn.execute(f"SELECT reference_id FROM cables WHERE id IN ({marks})", ids)
    }


@pytest.fixture
def fig(day: Path) -> Figures:
    conn = connect(day)
    return overview(conn, ctx())


def test_arrivals_per_hour_and_day_split_by_precedence(day: Path, fig: Figures) -> None:
    this_hour = NOW.replace(minute=0, second=0, microsecond=0)
    assert len(fig.hours) == 24 and fig.hours[-1].start == this_hour
    assert fig.hours[0].start == this_hour - 23 * H
    for b in fig.hours:
        for prec, rank in RANK.items():
            want = sum(
                1 for s in SPECS if s.precedence == prec and b.start <= s.arrived < b.start + H
            )
            assert b.counts.get(rank, 0) == want, (b.key, prec)
    today = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    assert len(fig.days) == 30 and fig.days[-1].start == today
    in_30_days = [s for s in SPECS if s.arrived >= today - 29 * D]
    assert sum(b.total for b in fig.days) == len(in_30_days) == len(SPECS) - 1  # not 116
    for b in fig.days:
        want = sum(1 for s in SPECS if b.start <= s.arrived < b.start + D)
        assert b.total == want, b.key
    # EMERGENCY and no-precedence rows are left out when nothing of theirs arrived
    assert fig.ranks == [1, 2, 3, 4, 5]


def test_every_bucket_opens_exactly_its_cables(day: Path, fig: Figures) -> None:
    conn = connect(day)
    for b in fig.hours + fig.days:
        for rank in [None, *fig.ranks]:
            want = {
                s.ref
                for s in SPECS
                if b.start <= s.arrived < b.end and (rank is None or RANK[s.precedence] == rank)
            }
            assert refs(conn, b.view(rank)) == want, (b.key, rank)


def test_open_by_status_and_officer(day: Path, fig: Figures) -> None:
    conn = connect(day)
    open_specs = [s for s in SPECS if not s.closed]
    for status in ("NEW", "ASSIGNED", "IN PROGRESS", "AWAITING REPLY"):
        want = {s.ref for s in open_specs if s.status == status}
        assert fig.open_by_status[status] == len(want)
        assert refs(conn, Figures.status_view(status)) == want
    assert fig.open_total == len(open_specs)
    officers = {s.officer for s in open_specs}
    assert {o.officer for o in fig.officers} == officers
    assert fig.officers[0].officer is None  # the unassigned first
    for o in fig.officers:
        mine = [s for s in open_specs if s.officer == o.officer]
        assert o.open == len(mine)
        assert o.overdue == sum(1 for s in mine if overdue(s))
        oldest = min(mine, key=lambda s: s.arrived)
        assert o.oldest_ref == oldest.ref
        assert refs(conn, o.view()) == {s.ref for s in mine}
        assert refs(conn, o.overdue_view()) == {s.ref for s in mine if overdue(s)}
        first = view_ids(conn, o.oldest_view(), ctx())[0]
        assert (
            conn.execute("SELECT reference_id FROM cables WHERE id = ?", (first,)).fetchone()[0]
            == oldest.ref
        )


def test_overdue_against_the_objectives(day: Path, fig: Figures) -> None:
    conn = connect(day)
    by_rank = {r.rank: r for r in fig.overdue}
    for prec, rank in RANK.items():
        mine = [s for s in SPECS if s.precedence == prec and not s.closed]
        assert by_rank[rank].open == len(mine)
        assert by_rank[rank].overdue == sum(1 for s in mine if overdue(s)), prec
        assert refs(conn, by_rank[rank].view()) == {s.ref for s in mine if overdue(s)}
    # 120 arrived exactly its objective ago: not yet overdue; 109 (45 min) is
    assert "26STATE120" not in refs(conn, by_rank[3].view())
    assert "26STATE109" in refs(conn, by_rank[3].view())
    assert fig.overdue_total == sum(1 for s in SPECS if overdue(s))


def test_time_to_acknowledge_flash_and_niact(day: Path, fig: Figures) -> None:
    conn = connect(day)
    assert {(a.rank, a.window) for a in fig.ack} == {(1, "24h"), (1, "7d"), (2, "24h"), (2, "7d")}
    for a in fig.ack:
        span = 24 * H if a.window == "24h" else 7 * D
        prec = "FLASH" if a.rank == 1 else "NIACT IMMEDIATE"
        mine = [s for s in SPECS if s.precedence == prec and s.arrived >= NOW - span]
        times = [s.ack_after.total_seconds() for s in mine if s.ack_after is not None]
        assert a.arrived == len(mine), (prec, a.window)
        assert a.acked == len(times)
        assert a.unacked == len(mine) - len(times)
        assert a.median_s == (statistics.median(times) if times else None)
        assert a.p90_s == (nearest_rank(times, 90) if times else None)
        assert a.worst_s == (max(times) if times else None)
        assert a.late == sum(1 for s in mine if ack_late(s)), (prec, a.window)
        assert refs(conn, a.view()) == {s.ref for s in mine}
        assert refs(conn, a.view("late")) == {s.ref for s in mine if ack_late(s)}
        assert refs(conn, a.view("no")) == {s.ref for s in mine if s.ack_after is None}
        assert refs(conn, a.view("yes")) == {s.ref for s in mine if s.ack_after is not None}
    flash_7d = next(a for a in fig.ack if a.rank == 1 and a.window == "7d")
    assert flash_7d.median_s == 540.0  # 4, 9 and 15 minutes; 10 days ago is outside
    unacked_open = {s.ref for s in SPECS if needs_ack(s) and s.ack_after is None and not s.closed}
    assert fig.unacked_open == len(unacked_open)
    assert refs(conn, Figures.unacked_view()) == unacked_open


def test_filters_for_the_overview_read_and_refuse(day: Path) -> None:
    assert parse_filters("received:24h ack:late overdue prec:none") == [
        Filter("received", "24h"),
        Filter("ack", "late"),
        Filter("overdue", "yes"),
        Filter("precedence", "none"),
    ]
    for bad, says in (
        ("received:yesterday", "received:yesterday"),
        ("received:2026-13-01", "no such day"),
        ("ack:maybe", "yes, no, late"),
    ):
        with pytest.raises(FilterError, match=says):
            parse_filters(bad)
    conn = connect(day)
    last_6h = refs(conn, View(tab="All", filters=(Filter("received", "6h"),)))
    assert last_6h == {s.ref for s in SPECS if s.arrived >= NOW - 6 * H}
    before = refs(conn, View(tab="All", filters=(Filter("received", "<2026-11-28T12"),)))
    assert before == {s.ref for s in SPECS if s.arrived < NOW.replace(minute=0)}
    after = refs(conn, View(tab="All", filters=(Filter("received", ">2026-11-28T11"),)))
    assert after == {s.ref for s in SPECS if s.arrived >= NOW.replace(minute=0)}
    assert refs(conn, View(tab="All", filters=(Filter("overdue", "yes"),))) == {
        s.ref for s in SPECS if overdue(s)
    }
    assert refs(conn, View(tab="All", filters=(Filter("precedence", "none"),))) == set()


def test_the_handover(day: Path) -> None:
    conn = connect(day)
    since = NOW - 2 * H
    h = handover(conn, ctx(), since, NOW, limit=3)
    arrived = [s for s in SPECS if s.arrived >= since]
    assert h.arrived.total == len(arrived)
    assert len(h.arrived.cables) == 3
    # most urgent first
    assert [c.reference_id for c in h.arrived.cables][:2] == ["26STATE101", "26STATE102"]
    assert refs(conn, h.arrived.view) == {s.ref for s in arrived}
    per = {name: sec for name, sec in h.per_officer}
    for name in {s.officer for s in SPECS if not s.closed}:
        mine = [s for s in SPECS if s.officer == name and not s.closed]
        assert per[name].total == len(mine)
    assert [c.reference_id for c in per["jsmith"].cables][0] == "26STATE112"  # due first
    assert per["jsmith"].cables[0].overdue
    unacked = {s.ref for s in SPECS if needs_ack(s) and s.ack_after is None and not s.closed}
    assert h.unacknowledged.total == len(unacked)
    assert [(c.reference_id, c.old, c.new) for c in h.changed_hands] == [
        ("26STATE112", "kwalker", "jsmith"),
        ("26STATE118", None, "kwalker"),
    ]
    # a FLASH closed without acknowledgement in the window is listed apart, marked closed with
    # its status: "Not acknowledged" counts the open ones, as the summary and its Inbox do (the
    # closed one was listed among them, and the section's count was the summary's plus one)
    recent = next(
        s
        for s in SPECS
        if needs_ack(s) and s.ack_after is None and not s.closed and s.arrived >= since
    )
    from triage.store import workflow as wf

    wf.set_status(conn, wf.find_cable(conn, recent.ref), "DONE", "kwalker")
    h = handover(conn, ctx(), since, NOW, limit=None)
    fig = overview(conn, ctx())
    still_open = unacked - {recent.ref}
    assert h.unacknowledged.total == fig.unacked_open == len(still_open)
    assert {c.reference_id for c in h.unacknowledged.cables} == still_open
    assert refs(conn, h.unacknowledged.view) == still_open
    closed = h.closed_unacknowledged
    assert closed.total == 1 and [(c.reference_id, c.status) for c in closed.cables] == [
        (recent.ref, "DONE")
    ]
    assert refs(conn, closed.view) == {recent.ref}
    assert closed.title == f"Closed unacknowledged since {since:%H:%M}Z"


def test_the_report_lists_a_flash_closed_unacknowledged_apart(day: Path, frozen: None) -> None:
    """Text, markdown and JSON: the "Not acknowledged" section holds what the summary counts
    and its Inbox list holds; a FLASH closed unacknowledged since the start is listed under
    a section of its own, with its status and the list that holds it."""
    import triage.cli as cli

    conn = connect(day)
    since = NOW - 2 * H
    recent = next(
        s
        for s in SPECS
        if needs_ack(s) and s.ack_after is None and not s.closed and s.arrived >= since
    )
    res = CliRunner().invoke(
        cli.main, ["status", "--db", str(day), recent.ref, "no action", "--no-ack"]
    )
    assert res.exit_code == 0, res.output
    still_open = {s.ref for s in SPECS if needs_ack(s) and s.ack_after is None and not s.closed} - {
        recent.ref
    }
    assert refs(conn, Figures.unacked_view()) == still_open

    lines = run_report(day, "--since", "2h").splitlines()
    assert max(len(line) for line in lines) <= 80
    summary = next(ln for ln in lines if ln.strip().startswith("Not acknowledged "))
    assert summary.split()[2] == str(len(still_open)), summary
    assert any(ln.split()[:3] == ["Closed", "unacknowledged", "1"] for ln in lines), lines
    start = lines.index(f"Not acknowledged ({len(still_open)})")
    end = lines.index("", start)
    section = lines[start:end]
    assert not any(recent.ref in ln for ln in section), section
    assert section[-1] == "  (in the console: Inbox: ack:no)"
    start = lines.index(f"Closed unacknowledged since {since:%H:%M}Z (1)")
    closed = lines[start : lines.index("", start)]
    row = next(ln for ln in closed if recent.ref in ln)
    assert " NO ACT " in row, row
    assert closed[-2:] == [
        "  (in the console:",
        f'   All: ack:no received:>={since:%Y-%m-%dT%H:%M} status:DONE status:"NO ACTION")',
    ]

    out = run_report(day, "--since", "2h", "--format", "markdown")
    part = out[out.index(f"### Not acknowledged ({len(still_open)})") :]
    part = part[: part.index("###", 4)]
    assert recent.ref not in part and "In the console: Inbox: ack:no" in part
    part = out[out.index(f"### Closed unacknowledged since {since:%H:%M}Z (1)") :]
    part = part[: part.index("###", 4)]
    assert f"| {recent.ref} |" in part and "| NO ACTION |" in part
    assert "In the console: All: ack:no" in part
    assert f"| Not acknowledged | {len(still_open)} |" in out

    data = json.loads(run_report(day, "--since", "2h", "--format", "json"))
    shift = data["handover"]
    assert shift["not_acknowledged"]["total"] == data["unacknowledged_open"] == len(still_open)
    assert {c["reference_id"] for c in shift["not_acknowledged"]["cables"]} == still_open
    assert shift["not_acknowledged"]["list"] == "Inbox: ack:no"
    got = shift["closed_unacknowledged"]
    assert got["total"] == 1
    assert [(c["reference_id"], c["status"]) for c in got["cables"]] == [(recent.ref, "NO ACTION")]
    assert got["list"].startswith("All: ack:no received:>=")


def test_report_limit_holds_for_every_section(day: Path, frozen: None) -> None:
    """`--limit N` lists N cables in every section of text and markdown, changed hands too
    (it printed every change while "Arrived" said "... and 46 more"); JSON lists them all
    unless given a limit, and says how many there are."""
    import triage.cli as cli

    for s in SPECS[:6]:
        res = CliRunner().invoke(cli.main, ["assign", "--db", str(day), s.ref, "ahall", "--new"])
        assert res.exit_code == 0, res.output
    changes = 2 + 6  # the fixture's two within 2 hours, and these
    lines = run_report(day, "--since", "2h", "--limit", "3").splitlines()
    start = lines.index(f"Changed hands ({changes})")
    section = lines[start : lines.index("", start)]
    assert len(section) == 1 + 3 + 1, section
    assert section[-1] == f"  ... and {changes - 3} more"
    for k, line in enumerate(lines):  # every section: at most 3 rows before its "more"
        if line.strip().startswith("... and"):
            rows = 0
            for above in reversed(lines[:k]):
                if not re.match(r"^ +[A-Z]{4,5} |^  \d\d-\d\d ", above):
                    break
                rows += 1
            assert rows == 3, lines[k - 5 : k + 1]

    out = run_report(day, "--since", "2h", "--limit", "3", "--format", "markdown")
    part = out[out.index(f"### Changed hands ({changes})") :]
    assert part.count("\n| ") == 1 + 3 and f"... and {changes - 3} more." in part

    data = json.loads(run_report(day, "--since", "2h", "--format", "json"))["handover"]
    assert len(data["changed_hands"]) == data["changed_hands_total"] == changes
    data = json.loads(run_report(day, "--since", "2h", "--limit", "3", "--format", "json"))
    assert len(data["handover"]["changed_hands"]) == 3
    assert data["handover"]["changed_hands_total"] == changes

    res = CliRunner().invoke(cli.main, ["report", "--db", str(day), "--limit", "-1"])
    assert res.exit_code != 0 and "--limit" in res.output and "Traceback" not in res.output


def test_since_reads_what_people_write() -> None:
    assert parse_since("8h", NOW) == NOW - 8 * H
    assert parse_since("90m", NOW) == NOW - 90 * M
    assert parse_since("2026-11-27T18:00Z", NOW) == dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
    local = dt.datetime(2026, 11, 27, 18, 0).astimezone()
    assert parse_since("yesterday 18:00", NOW.astimezone().replace(day=28)) == local.astimezone(
        dt.UTC
    )
    with pytest.raises(ValueError, match="say when like"):
        parse_since("last tuesday", NOW)


def test_since_in_the_future_is_refused_not_read_as_a_quiet_shift() -> None:
    # `--since 2027-01-01` made a report of nothing "since ... (-2722641s)"
    with pytest.raises(ValueError, match=r"00Z': 2027-01-01 00:00Z is still to come"):
        parse_since("2027-01-01T00:00Z", NOW)
    assert parse_since("2026-11-28T00:00Z", NOW) < NOW


# -- the command --------------------------------------------------------------------------------


def run_report(day: Path, *args: str, now: dt.datetime = NOW) -> str:
    import triage.cli as cli

    result = CliRunner().invoke(cli.main, ["report", "--db", str(day), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`triage report` reads the time once; here it is NOW."""

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return NOW if tz else NOW.replace(tzinfo=None)

    monkeypatch.setattr(dt, "datetime", Frozen)


def test_report_text_fits_80_columns_and_shows_the_figures(day: Path, frozen: None) -> None:
    out = run_report(day, "--since", "2h")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "\x1b" not in out and "\x07" not in out
    assert "␛]0;owned␇" in out  # the hostile subject, shown
    assert lines[0].strip() == "CONFIDENTIAL" and lines[-1].strip() == "CONFIDENTIAL"
    assert "TRIAGE REPORT  2026-11-28 12:30Z" in out
    arrived = sum(1 for s in SPECS if s.arrived >= NOW - 2 * H)
    assert f"Arrived ({arrived})" in out
    overdue_n = sum(1 for s in SPECS if overdue(s))
    assert any(line.split()[:2] == ["Overdue", str(overdue_n)] for line in lines)
    assert "26STATE112         kwalker -> jsmith  by chief" in out
    # the FLASH row of the acknowledgement table over 7 days: 6 arrived, 3 acked, median 9m
    assert any(line.split()[:6] == ["FLASH", "7d", "6", "3", "9m00s", "15m"] for line in lines)


def test_report_text_due_column_lines_up(day: Path, frozen: None) -> None:
    """`no due date` is a character shorter than `11-30 03:33Z`: the status after it stood a
    column to the left on those lines."""
    lines = run_report(day, "--since", "2h").splitlines()
    start = lines.index("Open per officer, with due times")
    rows = [ln for ln in lines[start:] if re.match(r"^    [A-Z]{5} ", ln)]
    assert any("no due date" in r for r in rows) and any(re.search(r"\d\dZ", r) for r in rows)
    statuses = {
        m.start(1) for r in rows if (m := re.search(r"[Z!e ] (NEW|ASSIGNED|IN PROG|AWAITING)", r))
    }
    assert len(statuses) == 1, rows


def test_report_markdown_is_tables_and_cable_text_stays_text(day: Path, frozen: None) -> None:
    out = run_report(day, "--format", "markdown", "--since", "12h")
    assert out.startswith("**CONFIDENTIAL**")
    assert "## Time to acknowledge (from arrival)" in out
    assert "| precedence | window | arrived |" in out
    assert "\x1b" not in out
    # the subject's link, pipe and tag are escaped, not a link, a cell or HTML
    assert "\\[link\\]\\(http://x\\)" in out
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert "\\|" in out
    assert "[b]x[/b]" not in out and "\\[b\\]x\\[/b\\]" in out


def test_report_json_lists_everything_with_its_way_in(day: Path, frozen: None) -> None:
    out = run_report(day, "--format", "json", "--since", "7d")
    assert out.isascii()
    data = json.loads(out)
    assert data["overdue_total"] == sum(1 for s in SPECS if overdue(s))
    assert data["handover"]["arrived"]["total"] == sum(1 for s in SPECS if s.arrived >= NOW - 7 * D)
    assert len(data["handover"]["arrived"]["cables"]) == data["handover"]["arrived"]["total"]
    subjects = {c["subject"] for c in data["handover"]["arrived"]["cables"]}
    assert "TALKS \x1b]0;owned\x07 [link](http://x) | <b>" in subjects
    flash_24h = next(
        a for a in data["acknowledgement"] if a["precedence"] == "FLASH" and a["window"] == "24h"
    )
    assert flash_24h["list"] == "All: precedence:FLASH received:>=2026-11-27T12:30 (sort arrival)"
    assert flash_24h["arrived"] == sum(
        1 for s in SPECS if s.precedence == "FLASH" and s.arrived >= NOW - 24 * H
    )


def test_report_to_a_file_and_bad_input(day: Path, tmp_path: Path, frozen: None) -> None:
    import triage.cli as cli

    target = tmp_path / "shift.md"
    res = CliRunner().invoke(
        cli.main, ["report", "--db", str(day), "--format", "markdown", "-o", str(target)]
    )
    assert res.exit_code == 0, res.output
    assert target.read_text().startswith("**CONFIDENTIAL**")
    assert os.stat(target).st_mode & 0o077 == 0
    res = CliRunner().invoke(cli.main, ["report", "--db", str(day), "--since", "soon"])
    assert res.exit_code != 0 and "--since 'soon'" in res.output
    res = CliRunner().invoke(cli.main, ["report", "--db", str(tmp_path / "none.db")])
    assert res.exit_code != 0 and "no cache here" in res.output


def test_report_json_written_in_pieces_is_the_whole_report(day: Path) -> None:
    """The JSON is written as it is encoded (each listed cable one line): what a tool reads
    back is exactly the report's data, every section's cables in their order."""
    from triage.store.report_render import iter_json, report_data

    conn = connect(day)
    fig = overview(conn, ctx(), NOW)
    shift = handover(conn, ctx(), NOW - 7 * D, NOW)
    pieces = list(iter_json(fig, shift, "day.db"))
    assert len(pieces) > 2  # written a section at a time
    text = "".join(pieces)
    assert text.isascii()
    assert json.loads(text) == json.loads(json.dumps(report_data(fig, shift, "day.db")))
    listed = [c["reference_id"] for c in json.loads(text)["handover"]["arrived"]["cables"]]
    assert listed == [c.reference_id for c in shift.arrived.cables] and len(listed) > 5
    assert sum(
        1 for line in text.splitlines() if line.lstrip().startswith('{"reference_id"')
    ) == sum(
        len(sec.cables)
        for sec in [shift.arrived, shift.unacknowledged] + [s for _, s in shift.per_officer]
    )


def test_the_text_reports_officer_column_tells_names_sharing_a_prefix_apart(db: Path) -> None:
    """fix25: the Arrived and Not acknowledged rows gave OFFICER 8 cells, so triage-test-a and
    triage-test-b both read `triage-…`, and the README's own mrodriguez was cut."""
    from triage.cli import main

    for ref, who in (
        ("26JCS911", "triage-test-a"),
        ("26STATE104233", "triage-test-b"),
        ("26ANKARA3401", "mrodriguez"),
        ("26STATE98412", "triage-test-officer-b2"),
    ):
        r = CliRunner().invoke(main, ["assign", "--db", str(db), ref, who, "--new"])
        assert r.exit_code == 0, r.output
    text = CliRunner().invoke(main, ["report", "--db", str(db)]).output
    for title in ("Arrived", "Not acknowledged"):
        part = text[text.index(f"\n{title} (") :]
        part = part[: part.index("\n\n")]
        # (a row has its arrival's `MM-DD HH:MMZ`: `11-` matched only in November)
        rows = {
            line.split()[2]: line
            for line in part.splitlines()[1:]
            if re.search(r" \d\d-\d\d \d\d:\d\dZ ", line)
        }
        assert " triage-test-a " in rows["26JCS911"], part
        assert " triage-test-b " in rows["26STATE104233"], part
        assert " mrodriguez " in rows["26ANKARA3401"], part
        # longer than the column's 14 cells: cut in the middle, its end kept
        assert " triage-…cer-b2 " in rows["26STATE98412"], part
        assert all(len(line) <= 80 for line in part.splitlines())
        # the subjects start in one column
        ours = [rows[r] for r in ("26JCS911", "26STATE104233", "26ANKARA3401", "26STATE98412")]
        assert len({line.index(line.split()[6]) for line in ours}) == 1, part
    # the OPEN BY OFFICER table's 16 cells keep the name's end too
    table = text[text.index("OPEN BY OFFICER") :]
    assert "  triage-t…icer-b2 " in table[: table.index("\n\n")], table
