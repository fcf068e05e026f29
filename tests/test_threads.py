"""Threads in the cache: links resolved on arrival, kept by a corrected copy, rebuilt by
reindex and by the schema migration; the list's thread filters; the bounded tree on bad input
(self-citation, cycles, a chain 10,000 long, 1,000 references, impossible years); related
cables; and `triage thread`."""

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
from triage.store.inputs import iter_paths
from triage.store.views import Context, View, parse_filters, view_ids

BACKENDS = ("sqlite", "postgresql")


def cable(
    serial: int, refs: str = "", day: int = 10, station: str = "PARIS", yy: int = 26
) -> bytes:
    """A small cable of ours: `yyPARISserial`, dated the `day`th of March, with a REF block."""
    ref_block = f"{refs}\n\n" if refs else ""
    return (
        f"R {day % 28 + 1:02d}1200Z MAR {yy:02d}\nFM AMEMBASSY {station}\nTO SECSTATE WASHDC 0001\n\n"
        f"C O N F I D E N T I A L {station} {serial:06d}\n\nE.O. 12958: DECL: 03/10/2036\n"
        f"TAGS: PREL FR\nSUBJECT: TALKS NUMBER {serial}\n\n{ref_block}"
        "1. (C) The talks went on.\n\nMARSH\n"
    ).encode()


def ids_of(conn: sqlite3.Connection, refs: list[str]) -> dict[str, int]:
    marks = ", ".join("?" for _ in refs)
    return dict(
        conn.execute(f"SELECT reference_id, id FROM cables WHERE reference_id IN ({marks})", refs)
    )


def links(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        "SELECT s.reference_id, l.letter, l.cited_ref, c.reference_id FROM cable_links l "
        "JOIN cables s ON s.id = l.cable_id LEFT JOIN cables c ON c.id = l.cited_id "
        "ORDER BY s.reference_id, l.seq"
    ).fetchall()


def test_a_link_resolves_when_the_cited_cable_arrives(target: Path) -> None:
    conn = connect(target)
    ingest(conn, [Item("b", cable(2, "REF: A. PARIS 1 B. 25 PARIS 7 C. 7 FAM 180"))])
    assert links(conn) == [
        ("26PARIS2", "A", "26PARIS1", None),
        ("26PARIS2", "B", "25PARIS7", None),
    ]
    ingest(conn, [Item("a", cable(1))])  # the cited cable arrives later
    assert links(conn)[0] == ("26PARIS2", "A", "26PARIS1", "26PARIS1")
    assert links(conn)[1][3] is None


def test_a_cable_dropped_in_a_watched_folder_resolves_the_links_to_it(
    tmp_path: Path, target: Path
) -> None:
    from triage.store.watch import Watcher

    drop = tmp_path / "drop"
    drop.mkdir()
    conn = connect(target)
    ingest(conn, [Item("b", cable(2, "REF: PARIS 1"))])
    w = Watcher(conn, drop)
    (drop / "one.txt").write_bytes(cable(1))
    assert w.poll() is None  # first sight; stored once it has stopped growing
    s = w.poll()
    assert s is not None and s.added == 1
    assert links(conn) == [("26PARIS2", None, "26PARIS1", "26PARIS1")]


def test_a_corrected_copy_keeps_the_links_to_it_and_replaces_its_own(target: Path) -> None:
    conn = connect(target)
    ingest(conn, [Item("a", cable(1)), Item("b", cable(2, "REF: PARIS 1")), Item("c", cable(3))])
    corrected = cable(1, "REF: PARIS 3").replace(b"talks went on", b"talks went on at length")
    assert ingest(conn, [Item("a2", corrected)]).updated == 1
    assert links(conn) == [
        ("26PARIS1", None, "26PARIS3", "26PARIS3"),
        ("26PARIS2", None, "26PARIS1", "26PARIS1"),
    ]


def test_reindex_rebuilds_the_links(target: Path, samples: Path) -> None:
    conn = connect(target)
    ingest(conn, iter_paths([str(samples)]))
    before = links(conn)
    assert len(before) >= 14
    conn.execute("DELETE FROM cable_links")
    reindex(conn)
    assert links(conn) == before


def test_a_cache_from_before_links_gets_them_when_opened(tmp_path: Path, samples: Path) -> None:
    path = tmp_path / "old.db"
    conn = connect(path)
    ingest(conn, iter_paths([str(samples)]))
    before = links(conn)
    # as schema 3 left it: no links table, references without ids
    conn.execute("DROP TABLE cable_links")
    conn.execute(
        "UPDATE cables SET references_json = json_remove(references_json, '$[0].cable_ids')"
    )
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    assert links(connect(path)) == before


def view(conn: sqlite3.Connection, text: str) -> set[str]:
    v = View(tab="All", filters=tuple(parse_filters(text)))
    got = view_ids(conn, v, Context(login="me"))
    marks = ", ".join("?" for _ in got)
    return {
        r[0]
        for r in conn.execute(f"SELECT reference_id FROM cables WHERE id IN ({marks})", list(got))
    }


def test_thread_cites_and_citedby_filters(db: Path) -> None:
    conn = connect(db)
    # what it cites, and everything that cites those: London's reply to the same instruction
    whole = {"26STATE110001", "26PARIS2010", "26LONDON2850", "26STATE111560"}
    assert view(conn, "thread:26PARIS2010") == whole
    assert view(conn, "thread:26LONDON2850") == whole | {"25LONDON2768"}
    assert view(conn, "cites:26STATE110001") == {"26PARIS2010", "26LONDON2850", "26STATE111560"}
    assert view(conn, "citedby:26london2850") == {"26STATE110001", "25LONDON2768"}
    # a cable no one holds can still be cited
    assert view(conn, "cites:25PARIS1500") == {"26PARIS2002"}
    assert view(conn, "thread:26TOKYO2310") == {"26TOKYO2310", "26TOKYO2311"}


def test_the_thread_tree_of_a_fork(db: Path) -> None:
    conn = connect(db)
    t = th.thread(conn, ids_of(conn, ["26STATE110001"])["26STATE110001"])
    assert t is not None
    text = th.plain_lines(t)
    assert text[0] == "Cites" and text[1].strip() == "no references"
    assert text[2].startswith("> ") and "26STATE110001" in text[2] and "(this cable)" in text[2]
    # the replies in DTG order, the follow-up that cites them all shown once, pointed to
    replies = [ln for ln in text[4:] if ln.startswith("  ") and not ln.startswith("    ")]
    assert [r.split()[5] for r in replies] == ["26PARIS2010", "26LONDON2850", "26STATE111560"]
    assert text[5].strip() == "26STATE111560  (shown below)  (its REF B)"


def test_a_cycle_ends_at_the_open_cable(db: Path) -> None:
    conn = connect(db)
    t = th.thread(conn, ids_of(conn, ["26TOKYO2310"])["26TOKYO2310"])
    assert t is not None
    assert th.plain_lines(t)[:3] == [
        "Cites",
        "  240600Z MAY 26  ROUTN  U  26TOKYO2311  BANK OF JAPAN POLICY BOARD OUTLOOK  -  NEW",
        "    26TOKYO2310  (this cable)",
    ]
    assert t.cut == []


def test_a_cable_citing_itself(target: Path) -> None:
    conn = connect(target)
    ingest(conn, [Item("a", cable(5, "REF: PARIS 5"))])
    t = th.thread(conn, 1)
    assert t is not None
    assert [ln.strip() for ln in th.plain_lines(t)][:2] == ["Cites", "26PARIS5  (this cable)"]
    assert th.held_citations(conn, [1]) == {}  # no suggestion from itself


def test_a_chain_ten_thousand_long_is_cut_and_says_so(target: Path) -> None:
    conn = connect(target)
    n = 10_000
    items = [
        Item(f"c{k}", cable(k, f"REF: PARIS {k - 1}" if k > 1 else "", day=k))
        for k in range(1, n + 1)
    ]
    ingest(conn, items, parser_process=False)
    mid = ids_of(conn, ["26PARIS5000"])["26PARIS5000"]
    t = th.thread(conn, mid)
    assert t is not None
    shown = [ln for ln in th.plain_lines(t) if "26PARIS" in ln]
    assert len(shown) == 1 + 2 * th.MAX_DEPTH
    assert t.cut == [
        f"cites 1 more beyond {th.MAX_DEPTH} levels, not followed",
        f"is cited by 1 more beyond {th.MAX_DEPTH} levels, not followed",
    ]
    assert "cut: cites 1 more beyond" in "\n".join(th.plain_lines(t))
    # the filter follows the whole chain
    assert len(view(conn, "thread:26PARIS5000")) == n


def test_a_thousand_references_are_bounded(target: Path) -> None:
    conn = connect(target)
    refs = "REF: " + ", ".join(f"PARIS {k}" for k in range(1, 1001))
    ingest(conn, [Item("big", cable(5000, refs))] + [Item(f"c{k}", cable(k)) for k in range(1, 41)])
    assert conn.execute("SELECT count(*) FROM cable_links").fetchone()[0] == 1000
    t = th.thread(conn, ids_of(conn, ["26PARIS5000"])["26PARIS5000"])
    assert t is not None
    assert len(t.cites) == th.MAX_CHILDREN and t.cites_more == 1000 - th.MAX_CHILDREN
    # the held ones first (in DTG order), then those not held
    assert all(n.cable_id for n in t.cites)
    assert f"… {1000 - th.MAX_CHILDREN:,} more not shown" in "\n".join(th.plain_lines(t))
    assert t.cut == [f"{1000 - th.MAX_CHILDREN:,} more cited cables not shown"]


def test_what_a_cable_cites_that_is_no_cable_keeps_its_letter_in_the_thread(
    target: Path,
) -> None:
    # the Thread tab showed A and C only: B, a telcon, was nowhere, so the letters jumped
    conn = connect(target)
    refs = "REF: A. PARIS 1\n     B. HOLT-IVERSEN TELCON 11/20/26\n     C. 7 FAM 180"
    ingest(conn, [Item("a", cable(1)), Item("b", cable(2, refs))])
    t = th.thread(conn, ids_of(conn, ["26PARIS2"])["26PARIS2"])
    assert t is not None
    shown = th.plain_lines(t)
    assert shown[1].startswith("  A. ") and "26PARIS1" in shown[1]
    assert shown[2:4] == [
        "  B. HOLT-IVERSEN TELCON 11/20/26  (names no cable)",
        "  C. 7 FAM 180  (names no cable)",
    ]
    assert th.to_json(t)["documents"] == [
        {"letter": "B", "text": "HOLT-IVERSEN TELCON 11/20/26"},
        {"letter": "C", "text": "7 FAM 180"},
    ]
    assert t.held_ids == {ids_of(conn, ["26PARIS1"])["26PARIS1"], t.root.cable_id}


def test_an_impossible_year_names_no_cable(target: Path) -> None:
    conn = connect(target)
    ingest(conn, [Item("a", cable(1, "REF: A. 1066 PARIS 5 B. 2031 PARIS 6 C. PARIS 0"))])
    assert links(conn) == []
    t = th.thread(conn, 1)
    assert t is not None and t.held_ids == {1}
    assert [(n.letter, n.text, n.cable_id) for n in t.cites] == [
        ("A", "1066 PARIS 5", None),
        ("B", "2031 PARIS 6", None),
        ("C", "PARIS 0", None),
    ]


def test_the_cable_citing_a_held_cable_is_suggested_to_its_officer(db: Path) -> None:
    conn = connect(db)
    ids = ids_of(conn, ["26STATE110001", "26PARIS2010", "26STATE111560", "25LONDON2768"])
    conn.execute(
        "UPDATE workflow SET officer = 'mrodriguez' WHERE cable_id = ?", (ids["26STATE110001"],)
    )
    conn.execute("UPDATE workflow SET officer = 'jsmith' WHERE cable_id = ?", (ids["26PARIS2010"],))
    assert th.thread_suggestion(conn, ids["26PARIS2010"]) == (
        "mrodriguez",
        "cites 26STATE110001, held by mrodriguez",
    )
    # of several held cables cited, the latest
    assert th.thread_suggestion(conn, ids["26STATE111560"]) == (
        "jsmith",
        "cites 26PARIS2010, held by jsmith",
    )
    assert th.thread_suggestion(conn, ids["25LONDON2768"]) is None


def test_related_cables_leave_out_the_thread(db: Path) -> None:
    conn = connect(db)
    ids = ids_of(conn, ["26STATE110001", "26LONDON2850"])
    t = th.thread(conn, ids["26STATE110001"])
    assert t is not None
    rows, terms = th.related(conn, ids["26STATE110001"], t.held_ids)
    assert terms and len(rows) <= th.RELATED_MAX
    assert not {r["id"] for r in rows} & t.held_ids
    # without the thread left out, its own cables are the most alike
    rows, _ = th.related(conn, ids["26STATE110001"], set())
    assert rows[0]["reference_id"] in {"26PARIS2010", "26LONDON2850", "26STATE111560"}


def test_triage_thread_prints_the_tree_and_json(db: Path) -> None:
    r = CliRunner().invoke(main, ["thread", "--db", str(db), "26 london 2850"])
    assert r.exit_code == 0, r.output
    # marked as report marks its text: the highest of the cables it names (25LONDON2768 S//NF)
    banner = "SECRET//NOFORN".center(80).rstrip()
    lines = r.output.splitlines()
    assert lines[0] == lines[-1] == banner
    assert lines[1:-1] == [
        "Cites",
        "  B. 180930Z OCT 25  PRIOR  S//NF  25LONDON2768  UK COUNTERTERRORISM STRATEGY REVIEW: "
        "MINISTERS SET PRIORITIES  -  NEW",
        "  A. 182205Z NOV 26  PRIOR  C  26STATE110001  DEMARCHE REQUEST: EXPORT CONTROLS ON "
        "FIVE-AXIS MACHINE TOOLS  -  NEW",
        "> 211105Z NOV 26  PRIOR  C  26LONDON2850  UK EXPORT CONTROL OFFICIALS ASK FOR END-USER "
        "DETAILS  -  NEW  (this cable)",
        "Cited by",
        "  231930Z NOV 26  ROUTN  C  26STATE111560  FOLLOW-UP: SHARING END-USER INFORMATION ON "
        "MACHINE TOOL CASE  -  NEW  (its REF C)",
        # the rest of the thread (what `thread:` lists): Paris's reply to the same instruction
        "Also citing what it cites",
        "  26STATE110001  (shown above)",
        "    201640Z NOV 26  PRIOR  C  26PARIS2010  FRANCE WILL REVIEW MACHINE TOOL LICENSES  -  NEW",
        "      26STATE111560  (shown above)  (its REF B)",
    ]
    r = CliRunner().invoke(main, ["thread", "--db", str(db), "--json", "26PARIS2002"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["reference_id"] == "26PARIS2002"
    assert got["classification"] == "SECRET"  # 26STATE98412, which it cites
    held = {n["reference_id"]: n["held"] for n in got["nodes"]}
    assert held == {
        "26PARIS2002": True,
        "25PARIS1500": False,
        "26STATE98412": True,
        "26PARIS1877": True,
        "26PARIS2001": True,  # it cites 26STATE98412 too: the thread filter lists it
    }
    assert {"from": "26PARIS2002", "to": "25PARIS1500", "letter": "A"} in got["links"]
    assert [n for n in got["nodes"] if n["reference_id"] == "25PARIS1500"][0][
        "text"
    ] == "25 PARIS 1500"


def test_triage_thread_names_an_unknown_cable(db: Path) -> None:
    r = CliRunner().invoke(main, ["thread", "--db", str(db), "26NOWHERE1"])
    assert r.exit_code != 0
    assert f"no cable 26NOWHERE1 in {db}" in r.output


@pytest.mark.parametrize("text", ["thread:", "cites:"])
def test_a_thread_filter_needs_a_value(text: str) -> None:
    from triage.store.views import FilterError

    with pytest.raises(FilterError, match="needs a value"):
        parse_filters(text)


def berlin(target: Path) -> sqlite3.Connection:
    """Two Berlin replies to one Berlin cable: 09BERLIN1528 cites it as its REF C, 09BERLIN1360
    as its only reference."""
    conn = connect(target)
    ingest(
        conn,
        [
            Item("a", cable(1167, day=3, station="BERLIN", yy=9)),
            Item("b", cable(1360, "REF: BERLIN 1167", day=5, station="BERLIN", yy=9)),
            Item(
                "c",
                cable(
                    1528,
                    "REF: A. BERLIN 1001 B. 7 FAM 180 C. BERLIN 1167",
                    day=8,
                    station="BERLIN",
                    yy=9,
                ),
            ),
        ],
    )
    return conn


def test_the_thread_tree_and_the_thread_filter_hold_the_same_cables(target: Path) -> None:
    conn = berlin(target)
    whole = {"09BERLIN1167", "09BERLIN1360", "09BERLIN1528"}
    for ref in sorted(whole):
        assert view(conn, f"thread:{ref}") == whole, ref
        t = th.thread(conn, ids_of(conn, [ref])[ref])
        assert t is not None
        held = {
            r[0]
            for r in conn.execute(
                f"SELECT reference_id FROM cables WHERE id IN ({', '.join('?' * len(t.held_ids))})",
                list(t.held_ids),
            )
        }
        assert held == whole, ref
        r = CliRunner().invoke(main, ["thread", "--db", str(target), "--json", ref])
        assert r.exit_code == 0, r.output
        got = json.loads(r.output)
        assert {n["reference_id"] for n in got["nodes"] if n["held"]} == whole, ref
    # the other reply to what 1528 cites is in its tree, under the cable it cites
    conn.close()
    r = CliRunner().invoke(main, ["thread", "--db", str(target), "09BERLIN1528"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()[1:-1]
    at = lines.index("Also citing what it cites")
    assert lines[at + 1] == "  09BERLIN1167  (shown above)"
    assert "09BERLIN1360" in lines[at + 2] and lines[at + 2].startswith("    ")
    assert "(its REF" not in lines[at + 2]  # its only reference has no letter


def test_a_link_keeps_its_letter_from_either_end(target: Path) -> None:
    berlin(target).close()
    link = {"from": "09BERLIN1528", "to": "09BERLIN1167", "letter": "C"}
    for ref in ("09BERLIN1528", "09BERLIN1167", "09BERLIN1360"):
        r = CliRunner().invoke(main, ["thread", "--db", str(target), "--json", ref])
        assert r.exit_code == 0, r.output
        got = json.loads(r.output)["links"]
        assert [k for k in got if k["from"] == "09BERLIN1528" and k["to"] == "09BERLIN1167"] == [
            link
        ], ref
    # and the text: asked from the cited cable, the reply says which of its references it is
    r = CliRunner().invoke(main, ["thread", "--db", str(target), "09BERLIN1167"])
    reply = [ln for ln in r.output.splitlines() if "09BERLIN1528" in ln]
    assert len(reply) == 1 and reply[0].endswith("NEW  (its REF C)"), reply


def test_the_other_replies_in_a_thread_are_bounded_and_say_what_was_cut(target: Path) -> None:
    conn = connect(target)
    ingest(
        conn,
        [Item("i", cable(1, day=1))]
        + [Item(f"r{k}", cable(k, "REF: PARIS 1", day=2 + k % 20)) for k in range(2, 42)],
    )
    ids = ids_of(conn, ["26PARIS2"])
    t = th.thread(conn, ids["26PARIS2"], max_children=5)
    assert t is not None
    assert view(conn, "thread:26PARIS2") == {f"26PARIS{k}" for k in range(1, 42)}
    text = th.plain_lines(t)
    at = text.index("Also citing what it cites")
    shown = [ln for ln in text[at + 2 :] if ln.startswith("    ") and "26PARIS" in ln]
    assert len(shown) == 5, text
    assert "    … 34 more not shown" in text[at + 2 + 5 :], text  # 40 replies: itself, 5, 34
    assert "cut: 34 more cables citing what it cites not shown" in text, text


def test_triage_thread_takes_a_reference_without_its_year(db: Path) -> None:
    """`triage thread "LONDON 2850"` said 'no cable', though `thread:` takes it and REF lines
    write it so: an officer pastes from one."""
    whole = CliRunner().invoke(main, ["thread", "--db", str(db), "26LONDON2850"]).output
    for typed in ("LONDON 2850", "london2850", "LONDON 002850"):
        r = CliRunner().invoke(main, ["thread", "--db", str(db), typed])
        assert r.exit_code == 0, (typed, r.output)
        assert r.output == whole
    r = CliRunner().invoke(main, ["thread", "--db", str(db), "LONDON 9999"])
    assert r.exit_code == 1 and "no cable LONDON 9999 in" in r.output
