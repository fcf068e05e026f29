"""What an SQLite error met on the cache means to the person who ran the command."""

from __future__ import annotations


def explain(path: object, exc: BaseException) -> str:
    """One line for an SQLite error met on the cache at `path`: what happened, what to do."""
    why = str(exc) or type(exc).__name__
    low = why.lower()
    if "full" in low:
        todo = "free some space on the disk that holds it, then run the command again"
    elif "locked" in low or "busy" in low:
        todo = "another process held the cache's write lock too long; run the command again"
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
