"""The two group roles on a PostgreSQL server, set up by `triage init` (and after a migrate):
created when missing and this role may create roles, then granted what each may do. What this
role cannot do itself comes back as the statements an administrator runs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .schema import INGEST_ROLE, OFFICER_ROLE, grants

ROLES = (OFFICER_ROLE, INGEST_ROLE)


@dataclass
class RolesSetUp:
    created: list[str] = field(default_factory=list)
    granted: bool = False
    # what an administrator must run (connected to this database), and why
    admin_sql: list[str] = field(default_factory=list)
    why: str | None = None
    # the tables belong to another role (an officer ran init): granting is theirs, and a
    # GRANT by this role would only warn "no privileges were granted"
    owner: str | None = None

    @property
    def then_init_again(self) -> bool:
        """The roles are the administrator's to make: granting them waits for init again."""
        return any(st.startswith("CREATE ROLE") for st in self.admin_sql)


def _exists(conn: Any, role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", (role,)).fetchone() is not None


def _run(conn: Any, statements: list[str]) -> None:
    conn.execute("BEGIN")
    try:
        for st in statements:
            conn.execute(st)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def set_up(conn: Any) -> RolesSetUp:
    """Create what is missing (when this role may), then grant (the tables' owner may, with or
    without CREATEROLE). Safe to run again: a role that exists is left as it is."""
    out = RolesSetUp()
    row = conn.execute(
        "SELECT tableowner, pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'meta'"
    ).fetchone()
    if row is not None and not row[1]:
        out.owner = row[0]
        return out
    missing = [r for r in ROLES if not _exists(conn, r)]
    for role in missing:
        try:
            _run(conn, [f"CREATE ROLE {role} NOLOGIN"])
            out.created.append(role)
        except sqlite3.Error as exc:
            if _exists(conn, role):  # made meanwhile by another init
                continue
            out.why = str(exc)
            out.admin_sql.append(f"CREATE ROLE {role} NOLOGIN")
    statements = grants(conn.execute("SELECT current_schema()").fetchone()[0])
    if out.admin_sql:  # grants name both roles: they wait for them
        return out
    try:
        _run(conn, statements)
        out.granted = True
    except sqlite3.Error as exc:
        out.why = str(exc)
        out.admin_sql = statements
    return out
