"""The audit log's guards on PostgreSQL: the triggers that refuse UPDATE, DELETE and TRUNCATE
(postgres/schema.py), checked and mended the way store/audit.py does SQLite's. The hash chain
itself is the same on both backends (store/audit.py)."""

from __future__ import annotations

import sqlite3

from .schema import AUDIT_TRIGGERS


def trigger_problems(conn: sqlite3.Connection) -> dict[str, str]:
    """Which trigger is missing, or disabled ('altered'): name -> 'missing' | 'altered'."""
    have = {
        str(name): str(enabled)
        for name, enabled in conn.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit'::regclass "
            "AND NOT tgisinternal"
        ).fetchall()
    }
    out: dict[str, str] = {}
    for name in AUDIT_TRIGGERS:
        if name not in have:
            out[name] = "missing"
        elif have[name] == "D":
            out[name] = "altered"
    return out


def ensure_triggers(conn: sqlite3.Connection) -> dict[str, str]:
    """Make a missing or disabled trigger again (only the tables' owner can)."""
    from ..txn import write

    problems = trigger_problems(conn)
    if not problems:
        return {}
    with write(conn):
        problems = trigger_problems(conn)
        for name in problems:
            conn.execute(f"DROP TRIGGER IF EXISTS {name} ON audit")
            conn.execute(AUDIT_TRIGGERS[name])
    return problems


SCHEMA_STAMP = (
    "SELECT coalesce(sum(oid::int8 * CASE tgenabled WHEN 'D' THEN 2 ELSE 1 END), 0) "
    "FROM pg_trigger WHERE tgrelid = 'audit'::regclass"
)
