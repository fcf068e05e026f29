"""State's distribution captions (NODIS, EXDIS, LIMDIS, STADIS) travel with a classification,
after its controls (`TOP SECRET//NOFORN//NODIS`): the report's rows and marking, the thread's
marking and nodes, and the console's banners (the list's, the split view's, with the Thread tab
open) carry them. In the sample cables 26JCS911 and 26STATE50112 are TOP SECRET NODIS,
26ANKARA3388 SECRET EXDIS."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from triage.cable.rollup import Rollup
from triage.cli import main
from triage.config import current_login
from triage.store import connect
from triage.store.views import Context, View, counts_and_level, max_level, parse_filters

from .test_console import make_app, settle

BACKENDS = ("sqlite", "postgresql")


def run(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def rows_of(report: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """Each listed cable's classification, by reference."""
    out: dict[str, str] = {}
    h = report["handover"]
    sections = [h["arrived"], h["not_acknowledged"], h["closed_unacknowledged"]]
    sections += h["open_per_officer"]
    for sec in sections:
        for c in sec["cables"]:
            out[c["reference_id"]] = c["classification"]
    return out


# -- 1: the report ------------------------------------------------------------------------------


def test_the_json_report_names_each_cables_caption_and_marks_itself_with_them(db: Path) -> None:
    """A NODIS cable's row read `TS`, as if anyone cleared for TOP SECRET might see it."""
    report = json.loads(run("report", "--db", str(db), "--format", "json"))
    assert report["highest_classification_listed"] == "TOP SECRET//NOFORN//NODIS//EXDIS"
    rows = rows_of(report)
    assert rows["26JCS911"] == "TS//NODIS"
    assert rows["26STATE50112"] == "TS//NODIS"
    assert rows["26ANKARA3388"] == "S//EXDIS"
    assert rows["26ANKARA3401"] == "TS//NF"  # no caption: the badge as ever


def test_the_text_and_markdown_reports_rows_show_the_caption(db: Path) -> None:
    """The text rows' CLASS column widens to the widest marking listed (every row aligned);
    without a caption among the rows it keeps its 7 cells."""
    text = run("report", "--db", str(db))
    assert "TOP SECRET//NOFORN//NODIS//EXDIS" in text.splitlines()[0]
    lines = {ln.split()[2]: ln for ln in text.splitlines() if ln.startswith("  EMERG ")}
    assert lines["26JCS911"].startswith("  EMERG TS//NODIS 26JCS911 ")
    row = next(ln for ln in text.splitlines() if " 26ANKARA3388 " in ln)
    assert row.startswith("  IMMED S//EXDIS  26ANKARA3388 ")
    row = next(ln for ln in text.splitlines() if " 26ANKARA3401 " in ln)
    assert row.startswith("  FLASH TS//NF    26ANKARA3401 ")
    assert all(len(ln) <= 80 for ln in text.splitlines())
    md = run("report", "--db", str(db), "--format", "markdown")
    assert "| EMERG | TS//NODIS | 26JCS911 |" in md


def test_a_report_with_no_caption_keeps_its_class_column(db: Path) -> None:
    """(the captioned cables' workflow rows taken away: the report lists none of them)"""
    conn = connect(db)
    conn.execute(
        "DELETE FROM workflow WHERE cable_id IN (SELECT id FROM cables WHERE caveats LIKE ? "
        "OR caveats LIKE ?)",
        ("%NODIS%", "%EXDIS%"),
    )
    conn.commit()
    conn.close()
    text = run("report", "--db", str(db))
    assert text.splitlines()[0].strip() == "TOP SECRET//NOFORN"
    row = next(ln for ln in text.splitlines() if " 26ANKARA3401 " in ln)
    assert row.startswith("  FLASH TS//NF  26ANKARA3401 ")


# -- 2: the thread ------------------------------------------------------------------------------


def test_the_thread_of_a_nodis_cable_is_marked_nodis(db: Path) -> None:
    """`triage thread 26STATE50112` read TOP SECRET top and bottom, and so did its JSON."""
    lines = run("thread", "--db", str(db), "26STATE50112").splitlines()
    assert lines[0].strip() == lines[-1].strip() == "TOP SECRET//NODIS"
    assert "IMMED  TS//NODIS  26STATE50112  MESSAGE FOR THE FOREIGN SECRETARY" in "\n".join(lines)
    data = json.loads(run("thread", "--db", str(db), "--json", "26STATE50112"))
    assert data["classification"] == "TOP SECRET//NODIS"
    assert [n["classification"] for n in data["nodes"]] == ["TS//NODIS"]


# -- 3: the list's banner -----------------------------------------------------------------------


def test_a_views_marking_carries_the_captions_of_its_cables(db: Path) -> None:
    """max_level (SQLite) and the combined counts (PostgreSQL) name every caption in the view,
    and none once a filter leaves those cables out."""
    conn = connect(db)
    ctx = Context(login=current_login())
    everything = View(tab="All")
    want = Rollup(3, noforn=True, captions=frozenset({"NODIS", "EXDIS"}))
    assert max_level(conn, everything, ctx) == want
    assert counts_and_level(conn, everything, ctx, ["All", "Inbox"])[1] == want
    secret = View(tab="All", filters=parse_filters("class:S"))
    assert max_level(conn, secret, ctx) == Rollup(2, noforn=True, captions=frozenset({"EXDIS"}))
    assert counts_and_level(conn, secret, ctx, ["All"])[1] == max_level(conn, secret, ctx)
    confidential = View(tab="All", filters=parse_filters("class:C"))
    assert max_level(conn, confidential, ctx).captions == frozenset()
    assert counts_and_level(conn, confidential, ctx, ["All"])[1].captions == frozenset()


def test_a_cache_made_before_the_index_of_captioned_cables_still_names_them(
    db: Path, backend: str
) -> None:
    """SQLite reads a view's captions from the index of the captioned cables, which the next
    ingest builds on an older cache; until then they are read in the scan of the view."""
    conn = connect(db)
    if backend == "sqlite":
        conn.execute("DROP INDEX cables_captioned")
    ctx = Context(login=current_login())
    want = Rollup(3, noforn=True, captions=frozenset({"NODIS", "EXDIS"}))
    assert max_level(conn, View(tab="All"), ctx) == want
    secret = View(tab="All", filters=parse_filters("class:S"))
    assert max_level(conn, secret, ctx).captions == frozenset({"EXDIS"})


async def test_the_lists_banner_names_the_captions_of_the_cables_it_shows(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)

        def banners() -> set[str]:
            return banners_of(app)

        assert banners() == {"T O P  S E C R E T // N O F O R N // N O D I S // E X D I S"}
        await filter_to(pilot, "class:S")
        assert banners() == {"S E C R E T // N O F O R N // E X D I S"}
        await filter_to(pilot, "class:C")
        assert banners() == {"C O N F I D E N T I A L // N O F O R N"}


async def filter_to(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """The list filtered to `text` alone (esc clears the filters before)."""
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("f")
    await pilot.pause()
    await pilot.press(*(ch if ch != ":" else "colon" for ch in text), "enter")
    await settle(pilot)


def banners_of(app) -> set[str]:  # type: ignore[no-untyped-def]
    from triage.tui.widgets.bars import Banner

    return {str(b.render()).strip() for b in app.screen.query(Banner)}


async def test_a_narrow_console_writes_a_long_marking_close_rather_than_cut_it(
    db: Path,
) -> None:
    """Spaced out, TOP SECRET//NOFORN//NODIS//EXDIS takes 59 cells: at 50 columns it is written
    as the report writes it, whole."""
    app = make_app(db)
    async with app.run_test(size=(50, 24)) as pilot:
        await settle(pilot)
        assert banners_of(app) == {"TOP SECRET//NOFORN//NODIS//EXDIS"}


# -- 3: the split view and its Thread tab -------------------------------------------------------


async def test_the_split_view_of_a_nodis_cable_is_marked_nodis(db: Path) -> None:
    """Its header pane said `Class. TOP SECRET  NODIS` under a banner reading TOP SECRET."""
    from triage.tui.app import CableScreen

    from .test_console_threads import thread_tab

    app = make_app(db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26JCS911", "enter")
        assert isinstance(app.screen, CableScreen)
        assert banners_of(app) == {"T O P  S E C R E T // N O D I S"}


async def test_the_thread_tabs_banner_carries_the_captions_of_what_it_shows(db: Path) -> None:
    """26ROME1301 (CONFIDENTIAL): its Thread tab shows, among the cables alike, the subjects of
    26STATE50112 (TOP SECRET NODIS) and of NOFORN cables, so the screen is marked TOP
    SECRET//NOFORN//NODIS while it is open, and the tab's line for that cable says NODIS."""
    from .test_console_threads import thread_tab, tree_text

    app = make_app(db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await thread_tab(pilot, "26ROME1301", "enter")
        assert banners_of(app) == {"C O N F I D E N T I A L"}
        await pilot.press("t")
        await settle(pilot)
        assert "TS//NODIS  26STATE50112" in tree_text(app)
        assert banners_of(app) == {"T O P  S E C R E T // N O F O R N // N O D I S"}
        await pilot.press("t")
        await settle(pilot)
        assert banners_of(app) == {"C O N F I D E N T I A L"}
