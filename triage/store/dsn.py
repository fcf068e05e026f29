"""Which --db names a PostgreSQL database, and how to show its connection string: no imports
beyond `re`, so that anything in the store (the messages in trouble.py too) can ask."""

from __future__ import annotations

import re

_CONNINFO_KEYWORD = re.compile(r"^\s*[a-z_]+\s*=", re.I)


def is_postgres(target: object) -> bool:
    """Does this --db / $TRIAGE_DB / config `db` name a PostgreSQL database (a URL or a libpq
    keyword=value string) rather than a cache file?"""
    s = str(target)
    return s.startswith(("postgresql://", "postgres://")) or bool(_CONNINFO_KEYWORD.match(s))


def display(target: str) -> str:
    """The connection string as it may be shown: without its password."""
    s = re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1:***@", str(target))
    return re.sub(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", s)


_URL = re.compile(r"^(postgres(?:ql)?://)([^/?#]*)(.*)$", re.S)
_USER_OR_PASSWORD = re.compile(r"\b(?:user|password)\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)\s*")


def with_user(target: str, user: str) -> str:
    """The connection string connecting as `user` instead (without the other role's password):
    what another role, the database's owner, types to reach the same database."""
    from urllib.parse import quote

    url = _URL.match(target)
    if url:
        scheme, netloc, rest = url.groups()
        return f"{scheme}{quote(user, safe='')}@{netloc.rpartition('@')[2]}{rest}"
    quoted = (
        user
        if re.fullmatch(r"[A-Za-z0-9_.-]+", user)
        else "'" + user.replace("\\", "\\\\").replace("'", "\\'") + "'"
    )
    return f"user={quoted} " + _USER_OR_PASSWORD.sub("", target).strip()
