"""What an error met on the cache means to the person who ran the command."""

from __future__ import annotations

import re

# a PostgreSQL server that went away or cannot be reached (libpq's and the server's words)
_SERVER_GONE = (
    "terminating connection",
    "has not answered",  # a server that stopped answering (postgres.watch_for_silence)
    "server closed the connection",
    "connection refused",
    "could not connect",
    "connection is lost",
    "the connection is closed",
    "consuming input failed",
    "no connection to the server",
    "connection timeout",
    "timeout expired",
    "the database system is",  # starting up, shutting down, in recovery mode
    "could not translate host name",
    "no such file or directory",  # a Unix socket that is not there: the server is down
)


# how many connections a console holds on a database server at most: the change feed's, the UI
# thread's, and a pool of three its workers share (store/cache.py). The first-page helper holds
# one more for a moment as the console starts.
CONSOLE_CONNECTIONS = 5

# the server's refusals of a connection for want of a slot (a role's or database's CONNECTION
# LIMIT, max_connections): a refusal that passes when other sessions end
_NO_SLOT = re.compile(
    r"(too many connections for (?:role|database) \S+|sorry, too many clients already"
    r"|remaining connection slots are reserved[^\n;]*)",
    re.I,
)


def no_slot(exc: BaseException | str) -> str | None:
    """The server's words when it refused a connection for want of a slot, or None."""
    m = _NO_SLOT.search(str(exc))
    return m.group(1).replace('"', "") if m else None


def no_slot_words(refusal: str) -> str:
    """What a refusal for want of a slot means, and what to do about it."""
    return (
        f"the server refused a connection: {refusal}; each console uses up to "
        f"{CONSOLE_CONNECTIONS} connections (each command 1), against the role's CONNECTION "
        "LIMIT and the server's max_connections: close a console, or ask the database's "
        "administrator to raise the limit (see the README's PostgreSQL section)"
    )


def _gone(low: str) -> bool:
    return any(w in low for w in _SERVER_GONE)


def _busy(low: str) -> bool:
    return "locked" in low or "busy" in low


def server_gone(exc: BaseException | str) -> bool:
    """Is this a database server that went away (worth trying again), not a refusal?"""
    return _gone(str(exc).lower())


def passing(exc: BaseException) -> bool:
    """Worth waiting out and trying again: a server gone (restarting, failing over) or the
    write lock held too long by another process."""
    low = str(exc).lower()
    return _gone(low) or _busy(low)


RUN_AGAIN_SERVER = "run the command again when it answers"
RUN_AGAIN_LOCK = "run the command again"


def retried(line: str, pause: float, who: str = "watch") -> str:
    """explain()'s line for a command that tries again by itself (`triage watch`): what it
    does, in place of telling the user to run it again."""
    waits = f"{who} tries again in {pause:.0f} s by itself"
    for todo, then in ((RUN_AGAIN_SERVER, " and goes on when it answers"), (RUN_AGAIN_LOCK, "")):
        if line.endswith(todo):
            return line[: -len(todo)] + waits + then
    return f"{line}; {waits}"


def server_todo(why: str) -> str | None:
    """What to do about a database server's error, when triage knows (None: it does not)."""
    low = why.lower()
    if no_slot(why):
        return None  # (said by no_slot_words, in place of the server's words)
    if _gone(low):
        return f"the database server is down, restarting or unreachable; {RUN_AGAIN_SERVER}"
    if "permission denied" in low or "must be owner" in low:
        return (
            "your database role may not do this (officers change the workflow, the ingest role "
            "adds and reindexes cables, the owner runs init); see the README's several-hosts "
            "section"
        )
    if "password authentication failed" in low or "no password supplied" in low:
        return "check the user and password (or ~/.pgpass) that the connection string names"
    if "database" in low and "does not exist" in low:
        return "create it first (createdb), then run `triage init` as its owner"
    if "role" in low and "does not exist" in low:
        return "the database has no such login role; ask its administrator for one"
    return None


def _explain_server(target: str, why: str) -> str:
    from .dsn import display

    shown = display(target)
    if why.startswith(shown + ": "):  # the driver's errors name the database already
        why = why[len(shown) + 2 :]
    todo = server_todo(why) or "if it happens again, the server's log says more"
    return f"{shown}: {why}; {todo}"


def explain(path: object, exc: BaseException) -> str:
    """One line for a database error met on the cache at `path`: what happened, what to do."""
    why = str(exc) or type(exc).__name__
    from .dsn import is_postgres

    if is_postgres(path):
        return _explain_server(str(path), why)
    low = why.lower()
    if "full" in low:
        todo = "free some space on the disk that holds it, then run the command again"
    elif _busy(low):
        todo = f"another process held the cache's write lock too long; {RUN_AGAIN_LOCK}"
    elif "readonly" in low or "read-only" in low or "permission" in low:
        todo = "you cannot write to it or its folder; ask its owner for write access"
    elif "unable to open" in low:
        todo = "check that the path is right and that you may read and write it and its folder"
    elif "not a database" in low:
        todo = "it is not a triage cache; give --db the cache's path"
    elif "malformed" in low or "corrupt" in low:
        todo = (
            f"the file is damaged; `sqlite3 {path} 'PRAGMA integrity_check'` shows where; restore "
            "it from a backup, or build a new cache with `triage ingest` (`triage reindex` "
            "repairs a damaged search index only)"
        )
    elif "disk i/o" in low or "i/o error" in low:
        todo = (
            "the disk or file system reported an error (a full disk can show so too); check "
            "its free space and the system log, then run the command again"
        )
    else:
        todo = f"if it happens again, `sqlite3 {path} 'PRAGMA integrity_check'` checks the cache"
    return f"{path}: {why}; {todo}"
