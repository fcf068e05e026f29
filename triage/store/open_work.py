"""Schema 8: the Overview's and the report's figures read from indexes alone.

The open-work figures (open cables by status, officer and precedence, each officer's oldest,
the unassigned past their objective) used to join every open cable's `workflow` row to its
`cables` row for its precedence and arrival: at 250,000 cables a random read of a wide row per
open cable. Each workflow row now carries a copy of its cable's `prec_rank` and `received_at`,
and `workflow_open (status, officer, prec_rank, received_at)` answers those figures from the
index; `cables_arrivals (received_at, prec_rank)` does the same for the arrival charts.

The copies are kept by triggers, so every writer keeps them right without knowing of them (an
older triage still running on the cache while a newer one migrates it, `triage migrate`, a
hand-made UPDATE): a workflow row inserted without them gets them from its cable, and a cable
whose precedence or arrival changes (a new version, a bench reshaping the day) passes the change
on. Ingest writes them itself in its INSERT (cheaper than the trigger's second write).

The migration is one pass over `workflow` and one over `cables` (a few seconds at 250,000 cables,
inside the migration's write transaction: readers go on reading, writers wait for it).
"""

from __future__ import annotations

import sqlite3

# (deferrable: a bulk load builds them once at its end, as it does the list's sort indexes)
INDEXES = {
    "cables_arrivals": "CREATE INDEX IF NOT EXISTS cables_arrivals ON cables (received_at, prec_rank)",
    "workflow_open": "CREATE INDEX IF NOT EXISTS workflow_open ON workflow "
    "(status, officer, prec_rank, received_at)",
}

TRIGGERS = [
    """
    CREATE TRIGGER IF NOT EXISTS workflow_copy_arrival AFTER INSERT ON workflow
    WHEN NEW.received_at IS NULL OR NEW.prec_rank IS NULL
    BEGIN
        UPDATE workflow SET (prec_rank, received_at) =
            (SELECT c.prec_rank, c.received_at FROM cables c WHERE c.id = NEW.cable_id)
        WHERE cable_id = NEW.cable_id;
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS cables_pass_arrival AFTER UPDATE OF prec_rank, received_at
    ON cables
    WHEN OLD.prec_rank IS NOT NEW.prec_rank OR OLD.received_at IS NOT NEW.received_at
    BEGIN
        UPDATE workflow SET prec_rank = NEW.prec_rank, received_at = NEW.received_at
        WHERE cable_id = NEW.id;
    END
    """,
]


def migrate(conn: sqlite3.Connection) -> None:
    """Inside the migration's write transaction (a cache stamped older by hand, as tests do,
    may have the columns already)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(workflow)")}
    for column, kind in (("prec_rank", "INTEGER"), ("received_at", "TEXT")):
        if column not in have:
            conn.execute(f"ALTER TABLE workflow ADD COLUMN {column} {kind}")
    conn.execute(
        "UPDATE workflow SET (prec_rank, received_at) = "
        "(SELECT c.prec_rank, c.received_at FROM cables c WHERE c.id = workflow.cable_id)"
    )
    for sql in [*INDEXES.values(), *TRIGGERS]:
        conn.execute(sql)
