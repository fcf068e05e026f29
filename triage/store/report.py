"""The shape of the day: arrivals, open work, overdue and acknowledgement times, and the shift's
handover. Computed here, once, for the console's Overview and for `triage report`; no Textual.

Every figure carries its way in: the list View (tab, the same filters a user types, a sort)
that holds exactly the cables it counts, so the console opens it and the report prints it.

Times are UTC. Arrival is `received_at` (when the cache received the cable, the time the
handling objectives run from, as in the list); the last 24 hours are 24 hourly buckets ending
with the current hour, the last 30 days 30 daily buckets ending today. The acknowledgement
windows (24 h, 7 days) start on a whole minute, so their `received:>=` filter is exact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import sqlite3
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..cable.model import (
    ACK_MAX_RANK,
    NO_PRECEDENCE_RANK,
    Precedence,
    handling_objective,
    is_acknowledged_precedence,
)
from ..cable.model import CLOSED_STATUSES as CLOSED
from ..config import DEFAULT_OBJECTIVES_MIN
from .filter_words import OFFICER_ME, OFFICER_NOBODY
from .since import SinceError as SinceError  # (report --since reads them: the CLI's import)
from .since import parse_since as parse_since
from .views import (
    ACK_SECONDS_SQL,
    SORTS,
    STATUSES,
    Context,
    Filter,
    View,
    overdue_sql,
)

# the precedences the charts split arrivals by, in rank order: (label, rank, filter value)
PREC_ROWS: list[tuple[str, int, str]] = [
    ("EMERG", 0, "EMERG"),
    ("FLASH", 1, "FLASH"),
    ("NIACT", 2, "NIACT"),
    ("IMMED", 3, "IMMED"),
    ("PRIOR", 4, "PRIOR"),
    ("ROUTN", 5, "ROUTN"),
    ("none", NO_PRECEDENCE_RANK, "none"),
]
# shown even when nothing of theirs arrived (EMERGENCY and no precedence are rare)
USUAL_RANKS = (1, 2, 3, 4, 5)
# acknowledged: EMERGENCY, FLASH, NIACT IMMEDIATE (the model's rule)
ACK_RANKS = tuple(p.rank for p in Precedence if is_acknowledged_precedence(p.rank))
ACK_WINDOWS = (("24h", dt.timedelta(hours=24)), ("7d", dt.timedelta(days=7)))
OPEN_STATUSES = [s for s in STATUSES if s not in CLOSED]


def iso(t: dt.datetime) -> str:
    """As the cache stores times (clock.utcnow)."""
    # (isoformat, not strftime: `%Y` leaves years before 1000 unpadded on glibc)
    return t.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_iso(s: str) -> dt.datetime:
    return dt.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)


def zulu_minute(t: dt.datetime) -> str:
    """`19:03Z`."""
    return t.astimezone(dt.UTC).strftime("%H:%MZ")


def prec_label(rank: int) -> str:
    for label, r, _ in PREC_ROWS:
        if r == rank:
            return label
    return "none"


def prec_filter(rank: int) -> Filter:
    for _, r, value in PREC_ROWS:
        if r == rank:
            return Filter("precedence", value)
    return Filter("precedence", "none")


def objective_min(ctx: Context, rank: int) -> int:
    """The handling objective of a precedence rank, in minutes (the model's rule)."""
    name = list(Precedence)[rank].value if rank < len(Precedence) else None
    objectives = {**DEFAULT_OBJECTIVES_MIN, **ctx.objectives_min}
    return int(handling_objective(name, objectives).total_seconds() // 60)


def unlisted_officer(name: str | None) -> str | None:
    """Why no list holds an officer's cables apart when the officer's name is a word filters
    read otherwise (`none`, `nobody`, `-`: nobody; `me`, `mine`: the one reading), assigned
    before such names were refused: said in place of a list that would hold other cables.
    None for any other officer, and for the cables nobody holds (None)."""
    if name is None or name.lower() not in OFFICER_NOBODY | OFFICER_ME:
        return None
    means = "the cables nobody holds" if name.lower() in OFFICER_NOBODY else "your own cables"
    return f"no list holds these apart: officer:{name} lists {means}; give them to an officer"


def view_text(view: View) -> str:
    """How a way in reads: `All: received:2026-11-28T14 prec:FLASH` (what the list shows)."""
    parts = [view.tab + ":"]
    for f in view.filters:
        v = f.value
        parts.append(
            f'{f.key}:"{v}"' if " " in v else f"{f.key}:{v}" if f.key != "overdue" else "overdue"
        )
    if view.sort != "precedence" or view.reverse:
        # the sort by the word the list's sort bar uses (`received` sorts by arrival)
        label = SORTS[view.sort][1] if view.sort in SORTS else view.sort
        parts.append(f"(sort {label}{' reversed' if view.reverse else ''})")
    return " ".join(parts)


# -- the overview's figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: dt.datetime
    end: dt.datetime
    key: str  # the received: filter value: 2026-11-28T14 (an hour) or 2026-11-28 (a day)
    counts: dict[int, int]  # prec rank -> cables

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def view(self, rank: int | None = None) -> View:
        filters = [Filter("received", self.key)]
        if rank is not None:
            filters.append(prec_filter(rank))
        return View(tab="All", filters=tuple(filters), sort="received")


@dataclass(frozen=True)
class OfficerLoad:
    officer: str | None  # None: not assigned
    open: int
    overdue: int
    oldest_id: int | None = None
    oldest_ref: str | None = None
    oldest_received: str | None = None

    def _who(self) -> Filter:
        return Filter("officer", self.officer if self.officer is not None else "none")

    @property
    def unlisted(self) -> str | None:
        """Why no list holds this officer's cables (see unlisted_officer); None when one does."""
        return unlisted_officer(self.officer)

    def view(self) -> View:
        return View(tab="Inbox", filters=(self._who(),))

    def overdue_view(self) -> View:
        return View(tab="Overdue", filters=(self._who(),))

    def oldest_view(self) -> View:
        """The officer's open cables, oldest arrival first."""
        return View(tab="Inbox", filters=(self._who(),), sort="received", reverse=True)


@dataclass(frozen=True)
class OverdueRow:
    rank: int
    objective_min: int
    open: int
    overdue: int

    def view(self) -> View:
        return View(tab="Overdue", filters=(prec_filter(self.rank),))


@dataclass(frozen=True)
class AckStats:
    """Time to acknowledge the cables of one precedence that arrived in one window."""

    rank: int
    window: str  # 24h, 7d
    since: dt.datetime
    objective_min: int
    arrived: int
    acked: int
    median_s: float | None
    p90_s: float | None
    worst_s: float | None
    late: int  # acknowledged after the objective, or not acknowledged and past it
    unacked: int

    def _base(self) -> tuple[Filter, ...]:
        return (
            prec_filter(self.rank),
            Filter("received", ">=" + self.since.strftime("%Y-%m-%dT%H:%M")),
        )

    def view(self, ack: str | None = None) -> View:
        more = (Filter("ack", ack),) if ack else ()
        return View(tab="All", filters=self._base() + more, sort="received")


@dataclass(frozen=True)
class Figures:
    now: dt.datetime
    hours: list[Bucket]
    days: list[Bucket]
    ranks: list[int]  # precedence rows the charts show
    open_by_status: dict[str, int]
    officers: list[OfficerLoad]
    overdue: list[OverdueRow]
    ack: list[AckStats]
    unacked_open: int
    total: int
    # what the arrivals were counted from, for a live update that counts only what is new (see
    # overview's `previous`): the window, the highest cable and version ids, the hours' counts
    basis: tuple[str, str, int, int] = ("", "", 0, 0)
    per_hour: dict[str, dict[int, int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def open_total(self) -> int:
        return sum(self.open_by_status.values())

    @property
    def overdue_total(self) -> int:
        return sum(r.overdue for r in self.overdue)

    @staticmethod
    def status_view(status: str) -> View:
        return View(tab="Inbox", filters=(Filter("status", status),))

    @staticmethod
    def overdue_all_view() -> View:
        return View(tab="Overdue")

    @staticmethod
    def unacked_view() -> View:
        return View(tab="Inbox", filters=(Filter("ack", "no"),))


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least p% of them at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _hour_start(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _arrivals(
    conn: sqlite3.Connection, window: tuple[str, str], previous: Figures | None
) -> tuple[dict[str, dict[int, int]], int, tuple[str, str, int, int]]:
    """Arrivals per hour over the window, the cables held, and what they were counted from.

    With the `previous` figures of the same window, only what is new is read: nothing when no
    cable or version came since (an officer's change touches no arrival), the new cables'
    own rows when only new cables came (each adds to one hour). A new version of a held cable
    (its precedence may have changed) or another window counts them all again, from the
    `cables_arrivals` index. On SQLite only: ids there are given in commit order."""
    top_cable, top_version = conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM cables), "
        "(SELECT coalesce(max(id), 0) FROM cable_versions)"
    ).fetchone()
    basis = (window[0], window[1], int(top_cable), int(top_version))
    if (
        previous is not None
        and previous.basis[:2] == window
        and getattr(conn, "backend", "sqlite") == "sqlite"
    ):
        _, _, was_cable, was_version = previous.basis
        if (was_cable, was_version) == basis[2:]:
            return previous.per_hour, previous.total, basis
        corrected = conn.execute(
            "SELECT 1 FROM cable_versions WHERE id > ? AND version > 1 LIMIT 1", (was_version,)
        ).fetchone()
        if corrected is None and top_cable >= was_cable:
            per_hour = {h: dict(c) for h, c in previous.per_hour.items()}
            new = 0
            for received, rank in conn.execute(
                "SELECT received_at, prec_rank FROM cables WHERE id > ? AND id <= ?",
                (was_cable, top_cable),
            ):
                new += 1
                if window[0] <= received < window[1]:
                    counts = per_hour.setdefault(received[:13], {})
                    counts[int(rank)] = counts.get(int(rank), 0) + 1
            return per_hour, previous.total + new, basis
    per_hour = {}
    for hour, rank, n in conn.execute(
        "SELECT substr(received_at, 1, 13), prec_rank, count(*) FROM cables "
        "WHERE received_at >= ? AND received_at < ? GROUP BY 1, 2",
        window,
    ):
        per_hour.setdefault(hour, {})[int(rank)] = int(n)
    total = int(conn.execute("SELECT count(*) FROM cables").fetchone()[0])
    return per_hour, total, basis


def overview(
    conn: sqlite3.Connection,
    ctx: Context,
    now: dt.datetime | None = None,
    previous: Figures | None = None,
) -> Figures:
    """Every figure of the Overview. `previous`: the figures this replaces (a live update),
    whose arrivals are taken over where nothing they count can have changed (see _arrivals)."""
    now = (now or ctx.clock()).astimezone(dt.UTC)
    with _snapshot(conn):
        return _overview(conn, ctx, now, previous)


@contextlib.contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """On SQLite, every figure read from one snapshot (a read transaction): the ids the
    arrivals were counted up to are those of the counts."""
    if getattr(conn, "backend", "sqlite") != "sqlite" or conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def _overview(
    conn: sqlite3.Connection, ctx: Context, now: dt.datetime, previous: Figures | None
) -> Figures:
    this_hour = _hour_start(now)
    today = dt.datetime(now.year, now.month, now.day, tzinfo=dt.UTC)
    first_day = today - dt.timedelta(days=29)
    end = this_hour + dt.timedelta(hours=1)

    # arrivals per hour over the 30 days; the days are sums of their hours
    per_hour, total, basis = _arrivals(conn, (iso(first_day), iso(end)), previous)
    hours = []
    for k in range(23, -1, -1):
        start = this_hour - dt.timedelta(hours=k)
        key = start.strftime("%Y-%m-%dT%H")
        hours.append(Bucket(start, start + dt.timedelta(hours=1), key, per_hour.get(key, {})))
    per_day: dict[str, dict[int, int]] = {}
    for hour, counts in per_hour.items():
        day = per_day.setdefault(hour[:10], {})
        for rank, n in counts.items():
            day[rank] = day.get(rank, 0) + n
    days = []
    for k in range(29, -1, -1):
        start = today - dt.timedelta(days=k)
        key = start.strftime("%Y-%m-%d")
        days.append(Bucket(start, start + dt.timedelta(days=1), key, per_day.get(key, {})))
    seen = {r for b in days for r, n in b.counts.items() if n}
    ranks = [r for _, r, _ in PREC_ROWS if r in USUAL_RANKS or r in seen]

    by_status, loads, overdue_rows, unacked_open = open_work(conn, ctx, now)

    ack = ack_stats(conn, ctx, now)
    return Figures(
        now=now,
        hours=hours,
        days=days,
        ranks=ranks,
        open_by_status=by_status,
        officers=loads,
        overdue=overdue_rows,
        ack=ack,
        unacked_open=unacked_open,
        total=total,
        basis=basis,
        per_hour=per_hour,
    )


def open_work(
    conn: sqlite3.Connection, ctx: Context, now: dt.datetime
) -> tuple[dict[str, int], list[OfficerLoad], list[OverdueRow], int]:
    """Open cables by status, by officer (with each one's overdue and oldest) and by precedence
    (with the overdue), and the open FLASH and NIACT not acknowledged.

    The work grows with the open cables, not the cache, and reads no cable row: one pass over
    the open cables' entries in `workflow_open (status, officer, prec_rank, received_at)`
    (schema 8: each workflow row carries its cable's precedence and arrival), grouped in the
    index's own order. Overdue (the list's rule: unassigned past the objective, or past the due
    time) is then worked out from two small sets read through indexes: the cables due before
    now, and per precedence the unassigned that arrived within its objective (the only
    unassigned that are not overdue yet)."""
    closed = ", ".join(f"'{s}'" for s in CLOSED)
    opened = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    ranks = [r for _, r, _ in PREC_ROWS]
    by_status = dict.fromkeys(OPEN_STATUSES, 0)
    # officer -> [open, oldest arrival, {rank: open}, [(status, rank) groups holding the oldest]]
    per_officer: dict[str | None, list[Any]] = {}
    for status, officer, rank, n, first in conn.execute(
        f"SELECT status, officer, prec_rank, count(*), min(received_at) FROM workflow "
        f"WHERE status IN ({opened}) GROUP BY status, officer, prec_rank"
    ):
        n = int(n)
        by_status[str(status)] = by_status.get(str(status), 0) + n
        rank = int(rank) if rank is not None else NO_PRECEDENCE_RANK
        mine = per_officer.setdefault(officer, [0, None, {}, []])
        mine[0] += n
        mine[2][rank] = mine[2].get(rank, 0) + n
        if first is not None and (mine[1] is None or first < mine[1]):
            mine[1], mine[3] = first, [(status, rank)]
        elif first is not None and first == mine[1]:
            mine[3].append((status, rank))
    open_by_rank = {r: sum(v[2].get(r, 0) for v in per_officer.values()) for r in ranks}
    unassigned = per_officer.get(None, [0, None, {}, []])[2]
    cut = {r: iso(now - dt.timedelta(minutes=objective_min(ctx, r))) for r in ranks}
    # unassigned and past the objective: all the unassigned but those that arrived since
    overdue_by_rank = {}
    for r in ranks:
        late = unassigned.get(r, 0)
        if late:
            late -= int(
                conn.execute(
                    f"SELECT count(*) FROM workflow WHERE status IN ({opened}) "
                    f"AND officer IS NULL AND prec_rank = ? AND received_at >= ?",
                    (r, cut[r]),
                ).fetchone()[0]
            )
        overdue_by_rank[r] = late
    late_by_officer: dict[str | None, int] = {None: sum(overdue_by_rank.values())}
    # past the due time, and not already counted as unassigned past the objective
    for rank, officer, received in conn.execute(
        f"SELECT prec_rank, officer, received_at FROM workflow "
        f"WHERE due_at < ? AND status NOT IN ({closed})",
        (iso(now),),
    ):
        rank = int(rank) if rank is not None else NO_PRECEDENCE_RANK
        if officer is None and received < cut.get(rank, cut[NO_PRECEDENCE_RANK]):
            continue
        overdue_by_rank[rank] = overdue_by_rank.get(rank, 0) + 1
        late_by_officer[officer] = late_by_officer.get(officer, 0) + 1
    loads = []
    for officer, (n, first, _, groups) in per_officer.items():
        oldest: int | None = None
        for status, rank in groups:  # the group(s) whose first arrival is the officer's oldest
            got = conn.execute(
                "SELECT min(cable_id) FROM workflow WHERE status = ? AND officer IS ? "
                "AND prec_rank = ? AND received_at = ?",
                (status, officer, rank, first),
            ).fetchone()[0]
            if got is not None and (oldest is None or int(got) < oldest):
                oldest = int(got)
        ref = (
            conn.execute("SELECT reference_id FROM cables WHERE id = ?", (oldest,)).fetchone()
            if oldest is not None
            else None
        )
        loads.append(
            OfficerLoad(
                officer,
                n,
                late_by_officer.get(officer, 0),
                oldest if ref else None,
                str(ref[0]) if ref else None,
                first,
            )
        )
    # the unassigned first, then by open cables (most first), then by name
    loads.sort(key=lambda o: (o.officer is not None, -o.open, o.officer or ""))
    overdue_rows = [
        OverdueRow(r, objective_min(ctx, r), open_by_rank.get(r, 0), overdue_by_rank.get(r, 0))
        for r in ranks
        if r in USUAL_RANKS or open_by_rank.get(r)
    ]
    # the open FLASH and NIACT not acknowledged, officer by officer: each a seek in
    # workflow_open to the officer's urgent cables (one query over every open cable would read
    # all their rows for `ack_at`)
    unacked = 0
    for officer, (_, _, by_rank, _) in per_officer.items():
        if not any(by_rank.get(r) for r in ranks if r <= ACK_MAX_RANK):
            continue
        who, args = ("officer IS NULL", []) if officer is None else ("officer = ?", [officer])
        unacked += int(
            conn.execute(
                f"SELECT count(*) FROM workflow WHERE status IN ({opened}) AND {who} "
                f"AND prec_rank <= {ACK_MAX_RANK} AND ack_at IS NULL",
                args,
            ).fetchone()[0]
        )
    return by_status, loads, overdue_rows, unacked


def ack_stats(conn: sqlite3.Connection, ctx: Context, now: dt.datetime) -> list[AckStats]:
    minute = now.replace(second=0, microsecond=0)
    starts = {name: minute - span for name, span in ACK_WINDOWS}
    earliest = min(starts.values())
    rows = conn.execute(
        f"SELECT c.prec_rank, c.received_at, {ACK_SECONDS_SQL} FROM cables c "
        f"JOIN workflow w ON w.cable_id = c.id "
        f"WHERE c.received_at >= ? AND c.prec_rank <= {ACK_MAX_RANK}",
        (iso(earliest),),
    ).fetchall()
    present = {int(r[0]) for r in rows}
    out = []
    for rank in ACK_RANKS:
        if rank == 0 and 0 not in present:
            continue  # EMERGENCY only when there is any
        obj = objective_min(ctx, rank)
        cutoff = iso(now - dt.timedelta(minutes=obj))
        for name, _span in ACK_WINDOWS:
            since = iso(starts[name])
            mine = [r for r in rows if r[0] == rank and r[1] >= since]
            times = [float(r[2]) for r in mine if r[2] is not None]
            late = sum(1 for t in times if t > obj * 60) + sum(
                1 for r in mine if r[2] is None and r[1] < cutoff
            )
            out.append(
                AckStats(
                    rank=rank,
                    window=name,
                    since=starts[name],
                    objective_min=obj,
                    arrived=len(mine),
                    acked=len(times),
                    median_s=statistics.median(times) if times else None,
                    p90_s=percentile(times, 90),
                    worst_s=max(times) if times else None,
                    late=late,
                    unacked=len(mine) - len(times),
                )
            )
    return out


# -- the shift handover ------------------------------------------------------------------------


@dataclass(frozen=True)
class CableLine:
    id: int
    reference_id: str
    rank: int
    badge: str  # classification badge
    subject: str
    officer: str | None
    status: str
    due_at: str | None
    received_at: str
    ack_by: str | None
    ack_at: str | None
    overdue: bool
    caveats: str = ""  # (its distribution captions, NODIS..., go into the report's marking)

    @property
    def precedence(self) -> str:
        return prec_label(self.rank)


@dataclass(frozen=True)
class HandOff:
    """An officer's cable changing hands (from the audit log)."""

    at: str
    reference_id: str
    old: str | None
    new: str | None
    who: str


@dataclass
class Section:
    """A list of cables, the first `limit` of `total`, and the list view that holds them all."""

    title: str
    view: View
    total: int = 0
    cables: list[CableLine] = field(default_factory=list)
    # said in place of the view when no list holds these cables apart (unlisted_officer)
    unlisted: str | None = None


@dataclass
class Handover:
    since: dt.datetime
    now: dt.datetime
    arrived: Section
    per_officer: list[tuple[str | None, Section]]
    # the open EMERGENCY, FLASH and NIACT nobody acknowledged: the summary's count, and what
    # the Inbox's `ack:no` holds
    unacknowledged: Section
    # those closed unacknowledged since `since` (the time-to-acknowledge table's "not yet"
    # counts them; a supervisor must find them), apart: no Inbox holds them
    closed_unacknowledged: Section
    # the first `limit` officer changes since `since`, of `changed_hands_total`
    changed_hands: list[HandOff]
    changed_hands_total: int
    arrived_by_rank: dict[int, int] = field(default_factory=dict)


LINE_COLUMNS = (
    "c.id, c.reference_id, c.prec_rank, coalesce(c.badge, '?'), coalesce(c.subject, ''), "
    "w.officer, w.status, w.due_at, c.received_at, w.ack_by, w.ack_at, c.caveats"
)


def _lines(
    conn: sqlite3.Connection,
    ctx: Context,
    now: dt.datetime,
    where: str,
    params: list[object],
    order: str,
    limit: int | None,
    table: str = "workflow",
) -> tuple[int, list[CableLine]]:
    """The section's count and its first `limit` lines. `where` and `order` name the columns
    of one table, `workflow w` (which carries each cable's precedence and arrival, schema 8)
    or `cables c`: the count and the choice of lines read that table's indexes alone, and only
    the lines listed are joined to the rest of their cable (at 250,000 cables a section may
    hold 20,000 open cables, of which the text report lists 50)."""
    od_sql, od_params = overdue_sql(ctx, now)
    source, key = ("workflow w", "w.cable_id") if table == "workflow" else ("cables c", "c.id")
    total = int(conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0])
    pick = f"SELECT {key} AS id FROM {source} WHERE {where} ORDER BY {order}"
    if limit is not None:
        pick += f" LIMIT {int(limit)}"
    sql = (
        f"WITH pick AS ({pick}) SELECT {LINE_COLUMNS}, {od_sql} FROM pick "
        f"JOIN cables c ON c.id = pick.id JOIN workflow w ON w.cable_id = pick.id ORDER BY {order}"
    )
    lines = [
        CableLine(*r[:11], overdue=bool(r[12]), caveats=str(r[11] or ""))  # type: ignore[misc]
        for r in conn.execute(sql, [*params, *od_params])
    ]
    return total, lines


def handover(
    conn: sqlite3.Connection,
    ctx: Context,
    since: dt.datetime,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> Handover:
    """What arrived since `since`, what is open per officer with due times, what is not
    acknowledged, and what changed hands (the audit log's officer changes) since then. Each
    list holds its first `limit` cables (all when None) and says how many there are."""
    now = (now or ctx.clock()).astimezone(dt.UTC)
    since = since.astimezone(dt.UTC)
    # IN the open statuses rather than NOT IN the closed (the same: statuses are checked when
    # set): the index by status and officer finds an officer's open cables without reading
    # the others
    opened = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
    minute = since.replace(second=0, microsecond=0)
    stamp = minute.replace(tzinfo=None).isoformat(timespec="minutes")
    arrived = Section(
        "Arrived",
        View(tab="All", filters=(Filter("received", ">=" + stamp),), sort="received"),
    )
    arrived.total, arrived.cables = _lines(
        conn,
        ctx,
        now,
        "c.received_at >= ?",
        [iso(minute)],
        "c.prec_rank, c.received_at DESC, c.id DESC",
        limit,
        table="cables",
    )
    per_officer: list[tuple[str | None, Section]] = []
    names = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT officer FROM workflow WHERE status IN ({opened}) "
            "AND officer IS NOT NULL ORDER BY officer"
        )
    ]
    for name in names:
        sec = Section(
            name,
            View(tab="Inbox", filters=(Filter("officer", name),), sort="due"),
            unlisted=unlisted_officer(name),
        )
        sec.total, sec.cables = _lines(
            conn,
            ctx,
            now,
            f"w.status IN ({opened}) AND w.officer = ?",
            [name],
            "w.due_at IS NULL, w.due_at, w.prec_rank, w.received_at, w.cable_id",
            limit,
        )
        per_officer.append((name, sec))
    unassigned = Section("(not assigned)", View(tab="Inbox", filters=(Filter("officer", "none"),)))
    unassigned.total, unassigned.cables = _lines(
        conn,
        ctx,
        now,
        f"w.status IN ({opened}) AND w.officer IS NULL",
        [],
        "w.prec_rank, w.received_at, w.cable_id",
        limit,
    )
    if unassigned.total:
        per_officer.append((None, unassigned))
    unacked = Section("Not acknowledged", Figures.unacked_view())
    unacked.total, unacked.cables = _lines(
        conn,
        ctx,
        now,
        f"w.prec_rank <= {ACK_MAX_RANK} AND w.ack_at IS NULL AND w.status IN ({opened})",
        [],
        "w.prec_rank, w.received_at, w.cable_id",
        limit,
    )
    closed = ", ".join(f"'{s}'" for s in CLOSED)
    closed_unacked = Section(
        # (the day too when it is not today's: `since 20:22Z` read as minutes ago)
        "Closed unacknowledged since "
        + (
            zulu_minute(minute)
            if minute.astimezone(dt.UTC).date() == now.astimezone(dt.UTC).date()
            else minute.astimezone(dt.UTC).strftime("%m-%d %H:%MZ")
        ),
        View(
            tab="All",
            filters=(
                Filter("ack", "no"),
                Filter("received", ">=" + stamp),
                *(Filter("status", s) for s in CLOSED),
            ),
        ),
    )
    closed_unacked.total, closed_unacked.cables = _lines(
        conn,
        ctx,
        now,
        f"w.prec_rank <= {ACK_MAX_RANK} AND w.ack_at IS NULL AND w.status IN ({closed}) "
        "AND w.received_at >= ?",
        [iso(minute)],
        "w.prec_rank, w.received_at, w.cable_id",
        limit,
    )
    (hands_n,) = conn.execute(
        "SELECT count(*) FROM audit WHERE field = 'officer' AND at >= ?", (iso(minute),)
    ).fetchone()
    hands = [
        HandOff(str(at), str(ref or "?"), old, new, str(who))
        for at, ref, old, new, who in conn.execute(
            "SELECT at, reference_id, old, new, who FROM audit "
            "WHERE field = 'officer' AND at >= ? ORDER BY id"
            + (f" LIMIT {int(limit)}" if limit is not None else ""),
            (iso(minute),),
        )
    ]
    # counted here rather than grouped in SQL: SQLite would walk the precedence index to group
    # without sorting, reading every cable's arrival (2 s at 250,000) instead of the few since
    by_rank: dict[int, int] = {}
    for (rank,) in conn.execute(
        "SELECT prec_rank FROM cables WHERE received_at >= ?", (iso(minute),)
    ):
        by_rank[int(rank)] = by_rank.get(int(rank), 0) + 1
    by_rank = dict(sorted(by_rank.items()))
    return Handover(
        minute,
        now,
        arrived,
        per_officer,
        unacked,
        closed_unacked,
        hands,
        int(hands_n),
        by_rank,
    )
