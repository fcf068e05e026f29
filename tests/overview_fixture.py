"""A hand-made day of traffic for the Overview and the report: cables written here, each with a
known arrival, officer, status, due time and acknowledgement, stored through the real ingest
and workflow code under a fixed clock. The tests compute what each figure should be from
SPECS with plain Python, apart from the code under test."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

NOW = dt.datetime(2026, 11, 28, 12, 30, 0, tzinfo=dt.UTC)

PROSIGN = {"FLASH": "Z", "NIACT IMMEDIATE": "O", "IMMEDIATE": "O", "PRIORITY": "P", "ROUTINE": "R"}
BADGE = {"FLASH": "FLASH", "NIACT IMMEDIATE": "NIACT", "IMMEDIATE": "IMMED", "PRIORITY": "PRIOR"}
BADGE["ROUTINE"] = "ROUTN"
RANK = {"FLASH": 1, "NIACT IMMEDIATE": 2, "IMMEDIATE": 3, "PRIORITY": 4, "ROUTINE": 5}
OBJECTIVE_MIN = {"FLASH": 10, "NIACT IMMEDIATE": 30, "IMMEDIATE": 30, "PRIORITY": 180}
OBJECTIVE_MIN["ROUTINE"] = 360


@dataclass(frozen=True)
class Spec:
    n: int
    precedence: str
    ago: dt.timedelta  # arrival, before NOW
    officer: str | None = None
    status: str = "NEW"
    ack_after: dt.timedelta | None = None  # acknowledged this long after arrival
    due_in: dt.timedelta | None = None  # due this long after NOW (negative: past)
    subject: str | None = None

    @property
    def ref(self) -> str:
        return f"26STATE{self.n}"

    @property
    def arrived(self) -> dt.datetime:
        return NOW - self.ago

    @property
    def closed(self) -> bool:
        return self.status in ("DONE", "NO ACTION")


M, H, D = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)

SPECS = [
    Spec(101, "FLASH", 5 * M),
    Spec(102, "FLASH", 25 * M),
    Spec(103, "FLASH", 3 * H, "kwalker", "ASSIGNED", ack_after=240 * dt.timedelta(seconds=1)),
    Spec(104, "FLASH", 30 * H, "jsmith", "IN PROGRESS", ack_after=15 * M),
    Spec(105, "FLASH", 10 * D, "kwalker", "DONE", ack_after=2 * M),
    Spec(106, "NIACT IMMEDIATE", 50 * M, ack_after=20 * M),
    Spec(107, "NIACT IMMEDIATE", 2 * D, "kwalker", "AWAITING REPLY", ack_after=40 * M),
    Spec(108, "NIACT IMMEDIATE", 20 * M),
    Spec(109, "IMMEDIATE", 45 * M),
    Spec(110, "IMMEDIATE", 10 * M),
    Spec(111, "PRIORITY", 4 * H),
    Spec(112, "PRIORITY", 2 * H, "jsmith", "ASSIGNED", due_in=-1 * H),
    Spec(113, "ROUTINE", 7 * H),
    Spec(114, "ROUTINE", 5 * H),
    Spec(115, "ROUTINE", 20 * D, "kwalker", "DONE"),
    Spec(116, "ROUTINE", 40 * D),
    Spec(117, "PRIORITY", 26 * H, "jsmith", "NO ACTION"),
    Spec(118, "ROUTINE", 1 * H, "kwalker", "IN PROGRESS", due_in=3 * H),
    Spec(119, "FLASH", 6 * D, ack_after=None),
    Spec(120, "IMMEDIATE", 30 * M),  # on its objective to the microsecond: not yet overdue
    Spec(121, "NIACT IMMEDIATE", 5 * D, "mlopez", "ASSIGNED", ack_after=10 * M),
    Spec(122, "FLASH", 23 * H + 59 * M, "mlopez", "IN PROGRESS", ack_after=9 * M),
    Spec(123, "ROUTINE", 29 * D + 12 * H, "mlopez", "ASSIGNED"),
    Spec(
        124,
        "PRIORITY",
        8 * H,
        "[b]x[/b]",
        "ASSIGNED",
        subject="TALKS \x1b]0;owned\x07 [link](http://x) | <b>",
    ),
]
# reassigned an hour before NOW: kwalker -> jsmith (cable 112 was kwalker's first)
REASSIGNED = (112, "kwalker", NOW - 3 * H, "jsmith", NOW - 1 * H)


def cable_text(s: Spec) -> bytes:
    p = PROSIGN[s.precedence]
    subject = s.subject or f"FIXTURE CABLE {s.n} {s.precedence}"
    return (
        f"VZCZCXYZ{s.n:04d}\n{p}{p} RUEHWEB\n\nDE RUEHC #{s.n} 3321200\nZNY CCCCC ZZH\n"
        f"{p} 281200Z NOV 26\nFM SECSTATE WASHDC\n"
        f"TO RUEHFR/AMEMBASSY PARIS {s.precedence} {s.n}\n\n"
        f"C O N F I D E N T I A L STATE {s.n}\n\nSIPDIS\n\nE.O. 13526: DECL: 11/28/2036\n"
        f"TAGS: PREL FR\nSUBJECT: {subject}\n\n"
        f"1. (C) Fixture paragraph for cable {s.n}.\n\n2. (C) End of cable {s.n}.\n"
    ).encode()


class Clock:
    def __init__(self) -> None:
        self.t = NOW

    def __call__(self) -> str:
        return self.t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build(path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Store SPECS in a new cache at `path`, each change at its own time."""
    import triage.store.ingest as ingest_mod
    import triage.store.workflow as wf
    from triage.store import connect
    from triage.store.ingest import Item, ingest

    clock = Clock()
    monkeypatch.setattr(ingest_mod, "utcnow", clock)
    if "://" in getattr(path, "url", ""):  # PostgreSQL's batch ingest reads the clock itself
        import triage.store.postgres.ingest as pg_ingest

        monkeypatch.setattr(pg_ingest, "utcnow", clock)
    monkeypatch.setattr(wf, "utcnow", clock)
    conn = connect(path)
    for s in sorted(SPECS, key=lambda s: s.arrived):
        clock.t = s.arrived
        ingest(conn, [Item(f"{s.ref}.txt", cable_text(s))], parser_process=False)
    ids = {s.n: wf.find_cable(conn, s.ref) for s in SPECS}
    for s in SPECS:
        row = conn.execute(
            "SELECT prec_rank, received_at FROM cables WHERE id = ?", (ids[s.n],)
        ).fetchone()
        assert row[0] == RANK[s.precedence], f"fixture {s.ref} read as rank {row[0]}"
        cid = ids[s.n]
        if s.ack_after is not None:
            clock.t = s.arrived + s.ack_after
            wf.acknowledge(conn, cid, "kwalker")
        if s.officer:
            if s.n == REASSIGNED[0]:
                clock.t = REASSIGNED[2]
                wf.assign(conn, cid, REASSIGNED[1], "chief")
                clock.t = REASSIGNED[4]
                wf.assign(conn, cid, REASSIGNED[3], "chief")
            else:
                clock.t = s.arrived + 1 * M
                wf.assign(conn, cid, s.officer, "chief")
        if s.status not in ("NEW", "ASSIGNED"):
            clock.t = s.arrived + 2 * M
            wf.set_status(conn, cid, s.status, s.officer or "chief")
        if s.due_in is not None:
            clock.t = s.arrived + 3 * M
            due = (NOW + s.due_in).strftime("%Y-%m-%dT%H:%M:%SZ")
            wf.set_due(conn, cid, due, "chief")
    conn.close()
    monkeypatch.undo()
    return path


# -- the figures, computed from SPECS -----------------------------------------------------------


def overdue(s: Spec) -> bool:
    """The list's rule: open, and unassigned past the objective or past its due time."""
    if s.closed:
        return False
    if s.due_in is not None and NOW + s.due_in < NOW:
        return True
    return s.officer is None and s.arrived < NOW - OBJECTIVE_MIN[s.precedence] * M


def needs_ack(s: Spec) -> bool:
    return s.precedence in ("FLASH", "NIACT IMMEDIATE")


def ack_late(s: Spec) -> bool:
    obj = OBJECTIVE_MIN[s.precedence] * M
    if s.ack_after is not None:
        return s.ack_after > obj
    return s.arrived < NOW - obj


def nearest_rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    k = -(-p * len(ordered) // 100)  # ceil
    return ordered[k - 1]
