"""Threads: cables linked by their references (a cable's REF is its In-Reply-To).

The cache keeps one row per cable a reference names (`cable_links`: citing cable, letter, the
cited cablegate id, the reference's text, and the cited cable when it is held). A link to a
cable not yet held resolves when that cable arrives (`store_links`, called by ingest and so by
watch); a corrected copy keeps its id, so links to it stay; `triage reindex` recomputes every
cable's links from its references with the current rules.

A thread, as a mail client threads, is everything a cable cites (and what those cite, up the
chain), and every cable that cites any of those (and the replies to those, down the chain): the
other posts' replies to the instruction a cable answers are in its thread. The list's
`thread:REF` filter (`filter_sql`) and the tree (`thread()`, the Thread tab, `triage thread`)
hold the same cables; the tree walks each way breadth-first with bounds on depth, on children
per cable and on the whole, remembers every cable it has shown (so a cable citing itself, two
citing each other or any cycle never loops) and says what it cut.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cable.references import cable_ids
from ..cable.rollup import Rollup, with_captions

LINKS_SCHEMA = [
    """
    CREATE TABLE IF NOT EXISTS cable_links (
        cable_id INTEGER NOT NULL REFERENCES cables(id),
        seq INTEGER NOT NULL,
        letter TEXT,
        cited_ref TEXT NOT NULL,
        text TEXT NOT NULL,
        cited_id INTEGER,
        PRIMARY KEY (cable_id, seq)
    ) WITHOUT ROWID
    """,
    # a cable's arrival resolves the links that name it; `cites:REF` reads the same index
    "CREATE INDEX IF NOT EXISTS cable_links_ref ON cable_links (cited_ref)",
    # what cites a held cable (the thread's replies, `citedby:`)
    "CREATE INDEX IF NOT EXISTS cable_links_cited ON cable_links (cited_id) "
    "WHERE cited_id IS NOT NULL",
]

# the Thread tab's bounds: levels each way, cables shown under one cable, cables in all
MAX_DEPTH = 6
MAX_CHILDREN = 25
MAX_NODES = 250

Link = tuple[str | None, str, str]  # (letter, cited cablegate id, the reference's text)

# cablegate keeps a year written before the station in a cable's id (`75 LIBREVILLE 1895` sent
# in 1975 is 7575LIBREVILLE1895: cable/identity.py), while a cable citing it names
# 75LIBREVILLE1895. A link names what the citation names; it resolves to the cable of that id,
# else to the cable of its doubled-year id.
RE_ONE_YEAR = re.compile(r"^(\d\d)[A-Z]+\d+$")
RE_DOUBLED_YEAR = re.compile(r"^(\d\d)\1([A-Z]+\d+)$")


def doubled_year(ref: str) -> str | None:
    """The doubled-year id a cable named `ref` by its citations may be held under
    (75LIBREVILLE1895 -> 7575LIBREVILLE1895); None for an id of another form."""
    m = RE_ONE_YEAR.match(ref)
    return f"{m.group(1)}{ref}" if m else None


def single_year(ref: str) -> str | None:
    """The id citations name a doubled-year cable by (7575LIBREVILLE1895 -> 75LIBREVILLE1895);
    None for an id of another form."""
    m = RE_DOUBLED_YEAR.match(ref)
    return ref[2:] if m else None


# a link's cited cable: the one of the id it names, else the one of its doubled-year id
CITED_ID_SQL = (
    "COALESCE((SELECT id FROM cables WHERE reference_id = ?), "
    "(SELECT id FROM cables WHERE reference_id = ?))"
)


# -- storing ---------------------------------------------------------------------------------


def links_of(references: Iterable[Any]) -> list[Link]:
    """The links a parsed cable's references make (one per cited id, in the order written)."""
    out: list[Link] = []
    for r in references:
        for cid in r.cable_ids:
            out.append((r.letter, cid, r.text))
    return out


def store_links(
    conn: sqlite3.Connection, cable_id: int, reference_id: str, links: Sequence[Link], new: bool
) -> None:
    """Inside the caller's write transaction: the cable's links (replacing what it had), each
    resolved to the cited cable if held; and, for a cable new to the cache, every link that
    named it before it arrived now resolved to it."""
    if not new:
        conn.execute("DELETE FROM cable_links WHERE cable_id = ?", (cable_id,))
    if links:
        conn.executemany(
            "INSERT INTO cable_links (cable_id, seq, letter, cited_ref, text, cited_id) "
            f"VALUES (?, ?, ?, ?, ?, {CITED_ID_SQL})",
            [
                (cable_id, k, letter, ref, text, ref, doubled_year(ref))
                for k, (letter, ref, text) in enumerate(links)
            ],
        )
    if new:
        resolve_arrivals(conn, [(cable_id, reference_id)])


def resolve_arrivals(conn: sqlite3.Connection, arrived: Sequence[tuple[int, str]]) -> None:
    """Inside the caller's write transaction: the links naming cables new to the cache, given
    as (cable_id, reference_id), resolved to them: those naming the id (taken from a
    doubled-year cable they had resolved to), and, for a doubled-year cable, those naming its
    single-year id that no cable resolved. An index lookup each."""
    conn.executemany(
        "UPDATE cable_links SET cited_id = ? WHERE cited_ref = ? "
        "AND (cited_id IS NULL OR cited_id != ?)",
        [(cid, ref, cid) for cid, ref in arrived],
    )
    aliases = [(cid, one) for cid, ref in arrived if (one := single_year(ref)) is not None]
    if aliases:
        conn.executemany(
            "UPDATE cable_links SET cited_id = ? WHERE cited_ref = ? AND cited_id IS NULL",
            aliases,
        )


def store_new_links(
    conn: sqlite3.Connection,
    links: Sequence[tuple[int, int, str | None, str, str, str, str | None]],
    arrived: Sequence[tuple[int, str]],
) -> None:
    """store_links for many cables new to the cache at once (ingest's batches), after their
    `cables` rows: `links` as (cable_id, seq, letter, cited ref, text, cited ref, its
    doubled-year id or None), `arrived` as (cable_id, reference_id). Each link resolves to the
    cited cable if held (one of the batch too), and every earlier link that named an arrival
    now resolves to it."""
    if links:
        conn.executemany(
            "INSERT INTO cable_links (cable_id, seq, letter, cited_ref, text, cited_id) "
            f"VALUES (?, ?, ?, ?, ?, {CITED_ID_SQL})",
            links,
        )
    resolve_arrivals(conn, arrived)


def _station_of(reference_id: str) -> str | None:
    m = re.match(r"^\d{2}(\D+)\d+$", reference_id)
    return m.group(1) if m else None


def links_from_json(references_json: str | None, dtg: str | None, reference_id: str) -> list[Link]:
    """A stored cable's links computed again from its references' text with today's rules."""
    try:
        refs = json.loads(references_json or "[]")
    except ValueError:
        return []
    year = int(dtg[:4]) if dtg and dtg[:4].isdigit() else None
    station = _station_of(reference_id)
    out: list[Link] = []
    for r in refs if isinstance(refs, list) else []:
        if not isinstance(r, dict) or not isinstance(r.get("text"), str):
            continue
        for cid in cable_ids(r["text"], year, station):
            out.append((r.get("letter"), cid, r["text"]))
    return out


def relink(conn: sqlite3.Connection, cable_ids_: Sequence[int]) -> None:
    """Inside the caller's write transaction: these cables' links computed again from their
    stored references (reindex, a batch at a time), and their references' ids with them."""
    if not cable_ids_:
        return
    marks = ", ".join("?" for _ in cable_ids_)
    rows = conn.execute(
        f"SELECT id, reference_id, dtg, references_json FROM cables WHERE id IN ({marks})",
        list(cable_ids_),
    ).fetchall()
    for cid, ref, dtg, refs_json in rows:
        links = links_from_json(refs_json, dtg, ref)
        store_links(conn, cid, ref, links, new=False)
        try:
            refs = json.loads(refs_json or "[]")
            year = int(dtg[:4]) if dtg and dtg[:4].isdigit() else None
            for r in refs:
                r["cable_ids"] = list(cable_ids(r.get("text") or "", year, _station_of(ref)))
            new_json = json.dumps(refs, ensure_ascii=False)
        except (ValueError, TypeError, AttributeError):
            continue
        if new_json != refs_json:
            conn.execute("UPDATE cables SET references_json = ? WHERE id = ?", (new_json, cid))
    # links to these cables from cables stored before the rules could read them
    conn.execute(
        f"UPDATE cable_links SET cited_id = (SELECT c.id FROM cables c WHERE c.reference_id = "
        f"cable_links.cited_ref) WHERE cited_id IS NULL AND cited_ref IN "
        f"(SELECT reference_id FROM cables WHERE id IN ({marks}))",
        list(cable_ids_),
    )
    # and to the doubled-year ones among them from links naming their single-year id
    aliases = [(cid, one) for cid, ref, _d, _r in rows if ref and (one := single_year(ref))]
    if aliases:
        conn.executemany(
            "UPDATE cable_links SET cited_id = ? WHERE cited_ref = ? AND cited_id IS NULL",
            aliases,
        )


def create_links(conn: sqlite3.Connection) -> None:
    """Schema migration: the links table, filled from the references every cable already has."""
    for sql in LINKS_SCHEMA:
        conn.execute(sql)
    cur = conn.execute("SELECT id, reference_id, dtg, references_json FROM cables")
    while True:
        chunk = cur.fetchmany(2000)
        if not chunk:
            break
        rows = []
        for cid, ref, dtg, refs_json in chunk:
            if not refs_json or refs_json == "[]":
                continue
            for k, (letter, cited, text) in enumerate(links_from_json(refs_json, dtg, ref)):
                rows.append((cid, k, letter, cited, text))
        conn.executemany(
            "INSERT OR IGNORE INTO cable_links (cable_id, seq, letter, cited_ref, text) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    conn.execute(
        "UPDATE cable_links SET cited_id = COALESCE((SELECT c.id FROM cables c "
        "WHERE c.reference_id = cable_links.cited_ref), (SELECT c.id FROM cables c "
        "WHERE c.reference_id = substr(cable_links.cited_ref, 1, 2) || cable_links.cited_ref))"
    )


# -- reading ---------------------------------------------------------------------------------


def normalise_ref(text: str) -> str:
    """A reference id as typed (`26 paris 1877`) as the cache keeps it (26PARIS1877)."""
    return re.sub(r"\s+", "", text).upper()


# a reference typed without its year (`PARIS2002`): a station's letters, then the serial
RE_NO_YEAR = re.compile(r"^([A-Z]{3,})0*(\d{1,7})$")


def any_year(ref: str) -> list[str]:
    """The reference ids a reference typed without its year stands for (`PARIS2002`: 00PARIS2002
    to 99PARIS2002); a reference with its year, itself."""
    m = RE_NO_YEAR.match(ref)
    if not m:
        return [ref]
    return [f"{y:02d}{m.group(1)}{int(m.group(2))}" for y in range(100)]


def held_years(conn: Any, ref: str) -> list[str]:
    """The held cables' reference ids a reference typed without its year may be, each year's
    id or its doubled-year one (an indexed lookup of each, no scan); for a reference with its
    year, the doubled-year id of a cable held under it alone (75LIBREVILLE1895 for a held
    7575LIBREVILLE1895, as a REF line names it), else []."""
    ref = normalise_ref(ref)
    if not RE_NO_YEAR.match(ref):
        doubled = doubled_year(ref)
        if doubled is None:
            return []
        got = [
            str(r[0])
            for r in conn.execute(
                "SELECT reference_id FROM cables WHERE reference_id IN (?, ?)", (ref, doubled)
            )
        ]
        return [doubled] if got == [doubled] else []
    ids = [i for one in any_year(ref) for i in (one, doubled_year(one) or one)]
    marks = ", ".join("?" for _ in ids)
    return sorted(
        str(r[0])
        for r in conn.execute(
            f"SELECT reference_id FROM cables WHERE reference_id IN ({marks})", ids
        )
    )


def filter_sql(key: str, ref: str) -> tuple[str, list[Any]]:
    """The list's `cites:REF`, `citedby:REF` and `thread:REF` filters (REF without its year:
    the reference of any year, which views.py has checked names one cable)."""
    refs = any_year(normalise_ref(ref))
    marks = ", ".join("?" for _ in refs)
    if key == "cites":
        # a doubled-year cable is cited by its single-year id (7575LIBREVILLE1895: 75LIB...)
        cited = [*refs, *(one for r in refs if (one := single_year(r)) is not None)]
        marks = ", ".join("?" for _ in cited)
        return f"c.id IN (SELECT cable_id FROM cable_links WHERE cited_ref IN ({marks}))", cited
    if key == "citedby":
        return (
            "c.id IN (SELECT l.cited_id FROM cable_links l JOIN cables s ON s.id = l.cable_id "
            f"WHERE s.reference_id IN ({marks}) AND l.cited_id IS NOT NULL)",
            refs,
        )
    # as a mail client threads: up to everything the cable cites (and they cite...), then
    # down to every cable that cites any of those (and the replies to those): the other
    # posts' replies to the same instruction are in the thread too. UNION keeps each cable
    # once, so a cycle ends.
    return (
        "c.id IN (WITH RECURSIVE "
        f"up(id) AS (SELECT id FROM cables WHERE reference_id IN ({marks}) UNION "
        "SELECT l.cited_id FROM cable_links l JOIN up ON l.cable_id = up.id "
        "WHERE l.cited_id IS NOT NULL), "
        "down(id) AS (SELECT id FROM up UNION SELECT l.cable_id FROM cable_links l "
        "JOIN down ON l.cited_id = down.id) "
        "SELECT id FROM down)",
        refs,
    )


@dataclass
class Node:
    """One line of the thread's tree: a held cable (`cable_id`) or a reference not held."""

    reference_id: str
    cable_id: int | None
    depth: int  # 0 for the open cable, 1.. away from it
    letter: str | None = None  # the letter the citing cable gives the link (either way)
    text: str | None = None  # the reference as written, for a cable not held
    fields: dict[str, Any] = field(default_factory=dict)  # dtg, prec, badge, subject, ...
    seen: str | None = None  # "this cable" / "repeat": a cycle or a cable met twice
    document: bool = False  # a reference that names no cable (an e-mail, a telcon, a manual)
    children: list[Node] = field(default_factory=list)
    citing: bool = False  # it cites the line above it (a reply); False: it is cited by it
    more: int = 0  # children not shown (MAX_CHILDREN, MAX_NODES)
    deeper: int = 0  # links past MAX_DEPTH not followed


@dataclass
class Thread:
    root: Node
    cites: list[Node]  # what the open cable cites, each with what it cites
    cited_by: list[Node]  # what cites it, each with its replies
    cut: list[str]  # what the bounds left out, said in words
    held_ids: set[int]  # every held cable shown (related cables leave them out)
    count: int = 0
    cites_more: int = 0  # the open cable's own citations not shown
    cited_by_more: int = 0
    # the rest of the thread: for each cable it cites (up the chain), shown as a pointer, the
    # other cables that cite that one, each with its replies
    others: list[Node] = field(default_factory=list)


NODE_COLUMNS = (
    "c.id, c.reference_id, c.dtg, c.dtg_raw, c.precedence, c.badge, c.level_rank, c.subject, "
    "c.origin, w.officer, w.status, c.caveats"
)


def _fields(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = list(ids)
    out: dict[int, dict[str, Any]] = {}
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        marks = ", ".join("?" for _ in part)
        for r in conn.execute(
            f"SELECT {NODE_COLUMNS} FROM cables c JOIN workflow w ON w.cable_id = c.id "
            f"WHERE c.id IN ({marks})",
            part,
        ):
            out[int(r[0])] = {
                "reference_id": r[1],
                "dtg": r[2],
                "dtg_raw": r[3],
                "precedence": r[4],
                "badge": r[5],
                "level_rank": r[6],
                "subject": r[7],
                "origin": r[8],
                "officer": r[9],
                "status": r[10],
                # (its distribution captions, NODIS..., go into the thread's marking: a TOP
                # SECRET//NODIS thread was marked TOP SECRET)
                "caveats": r[11] or "",
            }
    return out


def _order_key(n: Node) -> tuple[int, str, str]:
    # held cables in DTG order, then the references not held in the order written
    return (0, n.fields.get("dtg") or "", n.reference_id) if n.cable_id else (1, "", "")


def thread(
    conn: sqlite3.Connection,
    cable_id: int,
    max_depth: int = MAX_DEPTH,
    max_children: int = MAX_CHILDREN,
    max_nodes: int = MAX_NODES,
) -> Thread | None:
    """The open cable's thread, bounded; None when the cable is not in the cache."""
    root_fields = _fields(conn, [cable_id]).get(cable_id)
    if root_fields is None:
        return None
    root = Node(root_fields["reference_id"], cable_id, 0, fields=root_fields)
    shown: set[int] = {cable_id}
    budget = [max_nodes - 1]
    cut: list[str] = []
    cites, cites_more = _walk(conn, root, "up", max_depth, max_children, budget, shown, cut)
    # what the cable cites that is no cable stays in its place among its lettered references
    # (`B. HOLT-IVERSEN E-MAIL`): without it the letters shown jump from A to C
    for doc in _documents(conn, cable_id):
        if len(cites) >= max_children:
            cites_more += 1
        else:
            cites.append(doc)
    cited_by, cited_more = _walk(conn, root, "down", max_depth, max_children, budget, shown, cut)
    others = _others(conn, root, cites, max_depth, max_children, budget, shown, cut)
    count = max_nodes - 1 - budget[0]
    return Thread(root, cites, cited_by, cut, shown, count, cites_more, cited_more, others)


def _others(
    conn: sqlite3.Connection,
    root: Node,
    cites: list[Node],
    max_depth: int,
    max_children: int,
    budget: list[int],
    shown: set[int],
    cut: list[str],
) -> list[Node]:
    """The rest of the thread (what `thread:` lists): for each held cable the open cable cites,
    nearest first, the cables citing it that are not shown yet, with their replies. Each is a
    pointer to the cited cable (shown above) holding them as children. One walk from all of
    them, a query a level."""
    ancestors: list[Node] = []
    level = [n for n in cites if n.cable_id is not None and n.seen is None]
    while level:
        ancestors.extend(level)
        level = [k for n in level for k in n.children if k.cable_id is not None and k.seen is None]
    stubs = [Node(a.reference_id, a.cable_id, 1, None, None, {}) for a in ancestors]
    if stubs and budget[0] > 0:
        # (_walk's own cut lines are not kept: what this walk left out is said below, in its
        # own words, from what the nodes hold)
        _walk(conn, root, "down", max_depth, max_children, budget, shown, [], roots=stubs)
    out: list[Node] = []
    missed = 0
    for stub in stubs:
        # the cables already in the tree (the open cable, what it cites) are not repeated here
        fresh = [k for k in stub.children if k.seen is None]
        missed += stub.more
        if fresh:
            stub.children = fresh
            stub.seen = "repeat"  # "shown above", where it is cited
            out.append(stub)
    deeper = _deeper_below(stubs)
    if missed:
        cut.append(f"{missed:,} more cables citing what it cites not shown")
    if deeper:
        cut.append(f"their replies: {deeper:,} more beyond {max_depth} levels, not followed")
    return out


def _deeper_below(nodes: list[Node]) -> int:
    """The links past the depth bound under these nodes (what _walk counts as it stops)."""
    return sum(n.deeper + _deeper_below(n.children) for n in nodes)


def _documents(conn: sqlite3.Connection, cable_id: int) -> list[Node]:
    """The open cable's references that name no cable, as written, in the order written."""
    row = conn.execute("SELECT references_json FROM cables WHERE id = ?", (cable_id,)).fetchone()
    try:
        refs = json.loads(row[0] or "[]") if row else []
    except ValueError:
        return []
    out: list[Node] = []
    for r in refs if isinstance(refs, list) else []:
        if isinstance(r, dict) and isinstance(r.get("text"), str) and not r.get("cable_ids"):
            letter = r.get("letter") if isinstance(r.get("letter"), str) else None
            out.append(Node("", None, 1, letter, r["text"], document=True))
    return out


def _links(
    conn: sqlite3.Connection, ids: list[int], direction: str, cap: int
) -> tuple[dict[int, list[tuple]], dict[int, int]]:
    """For each cable, its first `cap` links in the order shown (held cables by DTG, then the
    references not held as written): (letter, cited or citing ref, text, the other cable's id
    or None); and how many links it has in all. A cable cited ten thousand times costs one
    index range, not ten thousand rows in Python."""
    out: dict[int, list[tuple]] = {i: [] for i in ids}
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    for k in range(0, len(ids), 500):
        part = ids[k : k + 500]
        marks = ", ".join("?" for _ in part)
        if direction == "up":
            inner = (
                f"SELECT l.cable_id AS owner, l.letter, "
                # (a held cable by its own id: a doubled-year one's citation names another)
                f"COALESCE(c.reference_id, l.cited_ref) AS ref, l.text, "
                f"l.cited_id AS other, ROW_NUMBER() OVER (PARTITION BY l.cable_id "
                f"ORDER BY l.cited_id IS NULL, c.dtg, l.seq) AS rn, "
                f"COUNT(*) OVER (PARTITION BY l.cable_id) AS total "
                f"FROM cable_links l LEFT JOIN cables c ON c.id = l.cited_id "
                f"WHERE l.cable_id IN ({marks})"
            )
        else:
            inner = (
                f"SELECT l.cited_id AS owner, l.letter, c.reference_id AS ref, l.text, "
                f"l.cable_id AS other, ROW_NUMBER() OVER (PARTITION BY l.cited_id "
                f"ORDER BY c.dtg, l.cable_id) AS rn, "
                f"COUNT(*) OVER (PARTITION BY l.cited_id) AS total "
                f"FROM cable_links l JOIN cables c ON c.id = l.cable_id "
                f"WHERE l.cited_id IN ({marks})"
            )
        sql = (
            f"SELECT owner, letter, ref, text, other, total FROM ({inner}) AS ranked "
            f"WHERE rn <= ? ORDER BY owner, rn"
        )
        for owner, letter, ref, text, other, total in conn.execute(sql, [*part, cap]):
            out[int(owner)].append((letter, ref, text, other))
            totals[int(owner)] = int(total)
    return out, totals


def _walk(
    conn: sqlite3.Connection,
    root: Node,
    direction: str,
    max_depth: int,
    max_children: int,
    budget: list[int],
    shown: set[int],
    cut: list[str],
    roots: list[Node] | None = None,
) -> tuple[list[Node], int]:
    """Breadth first from the root, one level per query; returns the root's children in this
    direction and how many of them were not shown. With `roots`, from all of those at once
    (each keeps its children and what it left out); the root is then the open cable."""
    verb = "cites" if direction == "up" else "is cited by"
    frontier: list[Node] = [root] if roots is None else list(roots)
    depth = 0
    deeper_total = 0
    over_total = 0
    while frontier:
        ids = [n.cable_id for n in frontier if n.cable_id is not None and n.seen is None]
        links, totals = _links(conn, ids, direction, max_children + 5)
        if depth >= max_depth:
            for n in frontier:
                if n.cable_id in totals:
                    n.deeper = totals[n.cable_id]
                    deeper_total += n.deeper
            break
        depth += 1
        new_ids = {
            other
            for rows in links.values()
            for (_, _, _, other) in rows
            if other is not None and other not in shown
        }
        fields = _fields(conn, new_ids)
        next_frontier: list[Node] = []
        for n in frontier:
            if n.cable_id is None or n.seen is not None:
                continue
            kids: list[Node] = []
            seen_here: set[tuple[str, int | None]] = set()
            for letter, ref, text, other in links.get(n.cable_id, []):
                key = (ref, other)
                if key in seen_here:  # one reference naming the same cable twice
                    continue
                seen_here.add(key)
                down = direction == "down"
                if roots is not None and depth == 1 and other is not None and other in shown:
                    continue  # (the rest of a thread: what the tree shows already is not here)
                if other is not None and other in shown:
                    note = "this cable" if other == root.cable_id else "repeat"
                    kids.append(Node(ref, other, depth, letter, None, {}, seen=note, citing=down))
                elif other is not None and other in fields:
                    kids.append(Node(ref, other, depth, letter, None, fields[other], citing=down))
                elif other is None and direction == "up":
                    kids.append(Node(ref, None, depth, letter, text))
            kids.sort(key=_order_key)
            n.more = totals.get(n.cable_id, 0) - len(links.get(n.cable_id, []))
            keep: list[Node] = []
            for kid in kids:
                if len(keep) >= max_children or budget[0] <= 0:
                    n.more += 1
                    continue
                keep.append(kid)
                budget[0] -= 1
                if kid.cable_id is not None and kid.seen is None:
                    shown.add(kid.cable_id)
                    next_frontier.append(kid)
            over_total += n.more
            n.children = keep
        frontier = next_frontier
    if roots is not None:
        top, more = [], 0
    else:
        top, more = root.children, root.more
        root.children, root.more = [], 0  # the caller keeps the two directions apart
    if over_total:
        cut.append(
            f"{over_total:,} more {'cited' if direction == 'up' else 'citing'} cables not shown"
        )
    if deeper_total:
        cut.append(f"{verb} {deeper_total:,} more beyond {max_depth} levels, not followed")
    return top, more


def held_citations(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """For each cable that cites a held cable assigned to an officer: (officer, the cited
    cable's id), the latest such cable by DTG."""
    out: dict[int, tuple[str, str]] = {}
    if not ids:
        return out
    marks = ", ".join("?" for _ in ids)
    # each cited cable's officer looked up by its key: joined, PostgreSQL hashed every assigned
    # workflow row (36,000 at 250,000 cables: 30-60 ms for a page's 95 links, on the way to
    # every view's first screen) where 95 index probes take under a millisecond
    rows = conn.execute(
        "SELECT cable_id, officer, reference_id, dtg FROM ("
        "SELECT l.cable_id, l.seq, c.reference_id, c.dtg, "
        "(SELECT w.officer FROM workflow w WHERE w.cable_id = l.cited_id) AS officer "
        "FROM cable_links l JOIN cables c ON c.id = l.cited_id "
        f"WHERE l.cable_id IN ({marks}) AND l.cited_id IS NOT NULL AND l.cited_id != l.cable_id"
        ") AS t WHERE officer IS NOT NULL ORDER BY cable_id, dtg DESC, seq",
        list(ids),
    ).fetchall()
    for cid, officer, ref, _dtg in rows:
        out.setdefault(int(cid), (str(officer), str(ref)))
    return out


def thread_suggestion(conn: sqlite3.Connection, cable_id: int) -> tuple[str, str] | None:
    """(officer, reason) when the cable cites a cable an officer holds."""
    got = held_citations(conn, [cable_id]).get(cable_id)
    if got is None:
        return None
    officer, ref = got
    return officer, f"cites {ref}, held by {officer}"


# -- related cables --------------------------------------------------------------------------

RELATED_MAX = 10
# a term in more than 2% of the cables (and at least 1,000) says little about any one of them;
# counting a term's cables stops there, which bounds the cost of each count
COMMON_SHARE = 50
COMMON_MIN = 1000
CANDIDATE_TERMS = 30
QUERY_TERMS = 10
_STOP_WORDS = """
    about above after again against also although among another because been before being
    below between both cable cables could does doing down during each embassy further have
    having here into itself just more most must other over post same should since some such
    than that their them then there these they this those through under until upon very
    were what when where which while will with would your from department state para
    comment summary reftel refs classified reasons decl tags subject sipdis noforn
    confidential secret unclassified sensitive said told also week year years today
"""
_STOP = frozenset(_STOP_WORDS.split())


def distinctive_terms(conn: sqlite3.Connection, text: str) -> list[str]:
    """The cable's most distinctive words: frequent in it, rare in the cache (tf x idf, the
    document frequency counted in the search index, up to 2% of the cables)."""
    words = re.findall(r"[^\W\d_][^\W_]{3,}", text.lower())
    tf = Counter(w for w in words if w not in _STOP and len(w) <= 30)
    if not tf:
        return []
    candidates = [w for w, _ in tf.most_common(CANDIDATE_TERMS)]
    total = max(1, int(conn.execute("SELECT max(id) FROM cables").fetchone()[0] or 1))
    cap = max(COMMON_MIN, total // COMMON_SHARE)
    scored: list[tuple[float, str]] = []
    for w in candidates:
        df = _document_frequency(conn, w, cap + 1)
        if df <= 1 or df > cap:
            continue  # only this cable has it (a typo, a name) or nearly every cable does
        scored.append((tf[w] * math.log(total / df), w))
    scored.sort(reverse=True)
    return [w for _, w in scored[:QUERY_TERMS]]


def _document_frequency(conn: sqlite3.Connection, word: str, cap: int) -> int:
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres.related import document_frequency

        return document_frequency(conn, word, cap)  # type: ignore[arg-type]
    return int(
        conn.execute(
            "SELECT count(*) FROM (SELECT rowid FROM cables_fts WHERE cables_fts MATCH ? LIMIT ?)",
            (f'{{subject body}}: "{word}"', cap),
        ).fetchone()[0]
    )


def _most_alike(conn: sqlite3.Connection, terms: list[str], limit: int) -> list[int]:
    if getattr(conn, "backend", "sqlite") == "postgresql":
        from .postgres.related import most_alike

        total = max(1, int(conn.execute("SELECT max(id) FROM cables").fetchone()[0] or 1))
        cap = max(COMMON_MIN, total // COMMON_SHARE)
        return most_alike(conn, terms, total, cap, limit)  # type: ignore[arg-type]
    query = "{subject body}: (" + " OR ".join(f'"{t}"' for t in terms) + ")"
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT rowid FROM cables_fts WHERE cables_fts MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
    ]


def related(
    conn: sqlite3.Connection, cable_id: int, exclude: set[int], limit: int = RELATED_MAX
) -> tuple[list[dict[str, Any]], list[str]]:
    """More like this: the cables whose text is most alike (FTS5 bm25 over the open cable's
    distinctive terms; on PostgreSQL see postgres/related.py), leaving out the cable and its thread. Returns rows and the terms."""
    from ..cable.parse import decode

    row = conn.execute(
        "SELECT c.subject, v.raw FROM cables c JOIN cable_versions v ON v.cable_id = c.id "
        "AND v.version = c.version WHERE c.id = ?",
        (cable_id,),
    ).fetchone()
    if row is None:
        return [], []
    text = f"{row[0] or ''}\n{decode(bytes(row[1]))[0]}"
    terms = distinctive_terms(conn, text)
    if not terms:
        return [], []
    skip = exclude | {cable_id}
    ids = [i for i in _most_alike(conn, terms, limit + len(skip)) if i not in skip][:limit]
    fields = _fields(conn, ids)
    return [dict(fields[i], id=i) for i in ids if i in fields], terms


# -- the tree as lines (the console's Thread tab and `triage thread`) ------------------------


@dataclass
class Line:
    """One line of the thread as shown: a heading, a cable (held or not), or what was cut."""

    kind: str  # "heading", "node", "current", "more", "cut"
    depth: int
    node: Node | None = None
    text: str = ""


def lines(t: Thread) -> list[Line]:
    """The thread top to bottom: what the cable cites (each with what it cites, indented), the
    cable itself, what cites it (each with its replies), then what the bounds cut."""
    out: list[Line] = []

    def walk(nodes: list[Node], more: int, depth: int) -> None:
        for n in nodes:
            out.append(Line("node", depth, n))
            walk(n.children, n.more, depth + 1)
            if n.deeper:
                out.append(Line("more", depth + 1, None, f"… {n.deeper:,} more, deeper"))
        if more:
            out.append(Line("more", depth, None, f"… {more:,} more not shown"))

    out.append(Line("heading", 0, None, "Cites"))
    if t.cites or t.cites_more:
        walk(t.cites, t.cites_more, 1)
    else:
        out.append(Line("more", 1, None, "no references"))
    out.append(Line("current", 0, t.root))
    out.append(Line("heading", 0, None, "Cited by"))
    if t.cited_by or t.cited_by_more:
        walk(t.cited_by, t.cited_by_more, 1)
    else:
        out.append(Line("more", 1, None, "no cable in the cache cites it"))
    if t.others:
        # the rest of the thread: the other cables citing what it cites (`thread:` lists them)
        out.append(Line("heading", 0, None, OTHERS_HEADING))
        walk(t.others, 0, 1)
    for c in t.cut:
        out.append(Line("cut", 0, None, f"cut: {c}"))
    # a cable met twice (a fork that joins again, a cycle) is shown once; its other places
    # say where
    first: dict[int, int] = {}
    for k, ln in enumerate(out):
        if ln.node is not None and ln.node.cable_id is not None and ln.node.seen is None:
            first.setdefault(ln.node.cable_id, k)
    for k, ln in enumerate(out):
        n = ln.node
        if n is not None and n.seen in ("repeat", "shown above", "shown below"):
            at = first.get(n.cable_id or -1, -1)
            n.seen = "shown above" if at < k else "shown below"
    return out


OTHERS_HEADING = "Also citing what it cites"


def as_ref(n: Node) -> str:
    """The letter a reply gives the cable above it (`its REF C`); '' for none or on what is
    cited (there the letter leads the line)."""
    return f"(its REF {n.letter})" if n.citing and n.letter else ""


def marking(t: Thread) -> Rollup:
    """The highest classification among the cables the thread shows (the open cable's with
    them), NOFORN carried: what a page of it is marked."""
    out = Rollup()

    def walk(nodes: list[Node]) -> None:
        for n in nodes:
            if n.cable_id is not None and n.seen is None:
                out.add_marking(n.fields.get("badge") or "?")
                out.add_captions(n.fields.get("caveats"))
            walk(n.children)

    out.add_marking(t.root.fields.get("badge") or "?")
    out.add_captions(t.root.fields.get("caveats"))
    walk(t.cites)
    walk(t.cited_by)
    walk(t.others)
    return out


def to_json(t: Thread) -> dict[str, Any]:
    """The thread as nodes (each cable once) and links (citing -> cited, with the letter)."""
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []

    def node_json(n: Node, current: bool = False) -> None:
        if n.reference_id in nodes:
            return
        f = n.fields
        nodes[n.reference_id] = {
            "reference_id": n.reference_id,
            "held": n.cable_id is not None,
            "current": current,
            "dtg": f.get("dtg"),
            "precedence": f.get("precedence"),
            "classification": node_class(f) if n.cable_id is not None else None,
            "subject": f.get("subject"),
            "officer": f.get("officer"),
            "status": f.get("status"),
            **({} if n.cable_id is not None else {"text": n.text}),
        }

    documents: list[dict[str, Any]] = []

    def walk(parent: Node, kids: list[Node], up: bool) -> None:
        for n in kids:
            if n.document:
                documents.append({"letter": n.letter, "text": n.text})
                continue
            if n.seen is None:
                node_json(n)
            citing, cited = (parent, n) if up else (n, parent)
            links.append(
                {"from": citing.reference_id, "to": cited.reference_id, "letter": n.letter}
            )
            walk(n, n.children, up)

    node_json(t.root, current=True)
    walk(t.root, t.cites, True)
    walk(t.root, t.cited_by, False)
    for stub in t.others:
        walk(stub, stub.children, False)
    return {
        "reference_id": t.root.reference_id,
        "classification": marking(t).said(),  # the highest of the cables it names
        "nodes": list(nodes.values()),
        "links": links,
        "documents": documents,  # what it cites that is no cable, as written
        "cut": t.cut,
    }


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def short_dtg(f: dict[str, Any]) -> str:
    """`161200Z NOV 26` from the stored ISO date, as the list shows it."""
    d = f.get("dtg") or ""
    if len(d) >= 16 and d[:4].isdigit():
        try:
            return f"{d[8:10]}{d[11:13]}{d[14:16]}Z {_MONTHS[int(d[5:7]) - 1]} {d[2:4]}"
        except (ValueError, IndexError):
            pass
    return "-" * 14


PREC_SHORT = {
    "FLASH": "FLASH",
    "EMERGENCY": "EMERG",
    "NIACT IMMEDIATE": "NIACT",
    "IMMEDIATE": "IMMED",
    "PRIORITY": "PRIOR",
    "ROUTINE": "ROUTN",
}


def node_class(f: dict[str, Any]) -> str:
    """A held cable's badge with its distribution captions (`TS//NODIS`)."""
    return with_captions(f.get("badge") or "?", f.get("caveats"))


def node_words(n: Node) -> list[str]:
    """A held cable's line as its parts: DTG, precedence, classification, reference, subject,
    officer, status; a reference not held as its letter, id and text."""
    f = n.fields
    tail = [as_ref(n)] if as_ref(n) else []
    if n.seen:
        return [n.reference_id, f"({n.seen})", *tail]
    if n.document:
        letter = f"{n.letter}. " if n.letter else ""
        return [f"{letter}{n.text or ''}", "(names no cable)"]
    if n.cable_id is None:
        letter = f"{n.letter}. " if n.letter else ""
        return [f"{letter}{n.reference_id}", "not held:", n.text or ""]
    return [
        f"{n.letter}. {short_dtg(f)}" if n.letter and not n.citing else short_dtg(f),
        PREC_SHORT.get(f.get("precedence") or "", "-----"),
        node_class(f),
        n.reference_id,
        f.get("subject") or "(no subject)",
        f.get("officer") or "-",
        f.get("status") or "NEW",
        *tail,
    ]


def plain_lines(t: Thread) -> list[str]:
    """The thread as indented text lines (`triage thread`)."""
    out = []
    for ln in lines(t):
        pad = "  " * ln.depth
        if ln.kind == "node" and ln.node is not None:
            out.append(pad + "  ".join(node_words(ln.node)))
        elif ln.kind == "current" and ln.node is not None:
            out.append("> " + "  ".join(node_words(ln.node)) + "  (this cable)")
        elif ln.kind == "heading":
            out.append(ln.text)
        else:
            out.append(pad + ln.text)
    return out


def mark_thread_holders(conn: sqlite3.Connection, rows: dict[int, Any], route: bool) -> None:
    """The list's rows that cite a cable an officer holds get `cites_held`; with thread
    routing on, an unassigned NEW one is suggested to that officer ahead of the TAGS rules."""
    try:
        held = held_citations(conn, [cid for cid, r in rows.items() if not r.officer])
    except sqlite3.Error:
        return
    for cid, got in held.items():
        r = rows[cid]
        r.cites_held = got
        if route and r.status == "NEW":
            r.suggested = got[0]


def held_references(
    conn: sqlite3.Connection, cable_id: int
) -> list[tuple[int, str | None, str, str]]:
    """The held cables a cable cites, in the order written: (id, letter, reference id, text)."""
    return [
        (int(r[0]), r[1], str(r[2]), str(r[3]))
        for r in conn.execute(
            "SELECT l.cited_id, l.letter, c.reference_id, l.text FROM cable_links l "
            "JOIN cables c ON c.id = l.cited_id "
            "WHERE l.cable_id = ? AND l.cited_id != l.cable_id ORDER BY l.seq",
            (cable_id,),
        )
    ]
