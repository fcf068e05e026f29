"""A cable whose banner writes its year before the station (`75 PARIS 1895`, sent in 1975) is
held as cablegate names it, 7575PARIS1895; the cables citing it name 75PARIS1895. The citation
finds the held cable whichever of the two arrives first: the links (`r`, the Thread tab,
`triage thread`), the thread filters, and `triage raw`/`thread` given the id a REF line
names."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import main
from triage.store import connect
from triage.store import threads as th
from triage.store.ingest import Item, ingest, reindex
from triage.store.views import Context, View, parse_filters, view_ids
from triage.store.workflow import find_cable

BACKENDS = ("sqlite", "postgresql")


def cable75(station: str, serial: int, refs: str = "", year_in_banner: bool = True) -> bytes:
    """A 1975 cable of ours; its banner writes the year before the station, or not."""
    year = "75 " if year_in_banner else ""
    ref_block = f"{refs}\n\n" if refs else ""
    return (
        f"O R 1{serial % 9}1205Z NOV 75 ZFF4\nFM AMEMBASSY {station}\n"
        "TO SECSTATE WASHDC IMMEDIATE 7102\n"
        f"C O N F I D E N T I A L {year}{station} {serial:04d}\nE.O. 11652: GDS\n"
        f"TAGS: PFOR XX\nSUBJ: VOTE COUNT NUMBER {serial}\n\n{ref_block}"
        "1. THE COUNT WENT ON.\n\nMARSH\n"
    ).encode()


CITED = Item("cited", cable75("PARIS", 1895))  # held as 7575PARIS1895
# one citation with the year written, one with the citing cable's year
CITING = Item("citing", cable75("LONDON", 2210, "REF: A. 75 PARIS 1895", year_in_banner=False))
CITING_NO_YEAR = Item("bare", cable75("ROME", 3301, "REF: PARIS 1895", year_in_banner=False))


def links(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT s.reference_id, l.cited_ref, c.reference_id FROM cable_links l "
        "JOIN cables s ON s.id = l.cable_id LEFT JOIN cables c ON c.id = l.cited_id "
        "ORDER BY s.reference_id, l.seq"
    ).fetchall()


RESOLVED = [
    ("75LONDON2210", "75PARIS1895", "7575PARIS1895"),
    ("75ROME3301", "75PARIS1895", "7575PARIS1895"),
]


@pytest.mark.parametrize("order", ["cited first", "citing first", "one batch"])
def test_a_citation_finds_the_doubled_year_cable(target: Path, order: str) -> None:
    conn = connect(target)
    if order == "cited first":
        ingest(conn, [CITED])
        ingest(conn, [CITING, CITING_NO_YEAR])
    elif order == "citing first":
        ingest(conn, [CITING, CITING_NO_YEAR])
        assert [r[2] for r in links(conn)] == [None, None]
        ingest(conn, [CITED])
    else:
        ingest(conn, [CITING, CITED, CITING_NO_YEAR])
    assert links(conn) == RESOLVED
    held = th.held_references(conn, find_cable(conn, "75LONDON2210"))
    assert [(letter, ref) for _cid, letter, ref, _text in held] == [("A", "7575PARIS1895")]
    assert held[0][0] == find_cable(conn, "7575PARIS1895")
    # reindex keeps them
    conn.execute("DELETE FROM cable_links")
    reindex(conn)
    assert links(conn) == RESOLVED
    conn.close()


def test_a_cable_of_the_single_year_id_wins_over_the_doubled_one(target: Path) -> None:
    """Both held (two cables, 75PARIS1895 and 7575PARIS1895): the citation's own id is the one,
    whichever came first."""
    single = Item("single", cable75("PARIS", 1895, year_in_banner=False))
    conn = connect(target)
    ingest(conn, [CITED])
    ingest(conn, [CITING])
    ingest(conn, [single])
    assert links(conn) == [("75LONDON2210", "75PARIS1895", "75PARIS1895")]
    conn.execute("DELETE FROM cable_links")
    reindex(conn)
    assert links(conn) == [("75LONDON2210", "75PARIS1895", "75PARIS1895")]
    conn.close()


@pytest.fixture
def held75(target: Path) -> Path:
    conn = connect(target)
    ingest(conn, [CITING, CITING_NO_YEAR])
    ingest(conn, [CITED])
    conn.close()
    return target


def test_triage_thread_shows_the_doubled_year_cable(held75: Path) -> None:
    r = CliRunner().invoke(main, ["thread", "--db", str(held75), "75LONDON2210"])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[1:-1] == [
        "Cites",
        "  A. 151205Z NOV 75  IMMED  C  7575PARIS1895  VOTE COUNT NUMBER 1895  -  NEW",
        "> 151205Z NOV 75  IMMED  C  75LONDON2210  VOTE COUNT NUMBER 2210  -  NEW  (this cable)",
        "Cited by",
        "  no cable in the cache cites it",
        "Also citing what it cites",
        "  7575PARIS1895  (shown above)",
        "    171205Z NOV 75  IMMED  C  75ROME3301  VOTE COUNT NUMBER 3301  -  NEW",
    ]
    r = CliRunner().invoke(main, ["thread", "--db", str(held75), "--json", "7575PARIS1895"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert {n["reference_id"]: n["held"] for n in got["nodes"]} == {
        "7575PARIS1895": True,
        "75LONDON2210": True,
        "75ROME3301": True,
    }


@pytest.mark.parametrize("typed", ["75PARIS1895", "75 PARIS 1895", "PARIS 1895", "paris1895"])
def test_the_doubled_year_cable_is_found_by_the_id_a_citation_names(
    held75: Path, typed: str
) -> None:
    r = CliRunner().invoke(main, ["raw", "--db", str(held75), typed])
    assert r.exit_code == 0, r.output
    assert "C O N F I D E N T I A L 75 PARIS 1895" in r.output
    whole = CliRunner().invoke(main, ["thread", "--db", str(held75), "7575PARIS1895"]).output
    r = CliRunner().invoke(main, ["thread", "--db", str(held75), typed])
    assert r.exit_code == 0, r.output
    assert r.output == whole


def view(conn: sqlite3.Connection, text: str) -> set[str]:
    v = View(tab="All", filters=tuple(parse_filters(text)))
    got = view_ids(conn, v, Context(login="me"))
    marks = ", ".join("?" for _ in got)
    return {
        r[0]
        for r in conn.execute(f"SELECT reference_id FROM cables WHERE id IN ({marks})", list(got))
    }


def test_the_thread_filters_take_either_id(held75: Path) -> None:
    conn = connect(held75)
    everyone = {"7575PARIS1895", "75LONDON2210", "75ROME3301"}
    for ref in ("75PARIS1895", "7575PARIS1895", "PARIS1895"):
        assert view(conn, f"thread:{ref}") == everyone, ref
        assert view(conn, f"cites:{ref}") == {"75LONDON2210", "75ROME3301"}, ref
    assert view(conn, "citedby:75LONDON2210") == {"7575PARIS1895"}
    conn.close()


async def test_r_opens_the_doubled_year_cable_a_reference_names(held75: Path) -> None:
    from triage.tui.app import CableScreen

    from .test_console import make_app, settle, static_text

    app = make_app(held75)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"75LONDON2210", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "75LONDON2210" in static_text(app, "#title")
        await pilot.press("r")
        await settle(pilot)
        # its one held reference opens at once (it said none of them is in the cache)
        assert isinstance(app.screen, CableScreen)
        assert "7575PARIS1895" in static_text(app, "#title")
