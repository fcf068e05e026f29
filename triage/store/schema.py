"""The cache's tables, indexes, FTS5 index and migrations keyed on PRAGMA user_version.

FTS5 uses detail=full: phrase and NEAR queries need token positions, and the console's `/`
offers phrases (detail=column would index faster but could not answer "a phrase"). The index
is contentless: the text is stored once, as the original bytes of every version in
`cable_versions`; the current text is those bytes decoded, and an update deletes the old
entry from the index with the values it was indexed with. Paragraphs are read from the text
when a cable is opened.

Since schema 3 the FTS index also indexes every word's first three letters (`prefix='3'`): a
prefix search such as `gra*` then reads one list from the index instead of merging the lists of
every word that starts so in memory (100 MB at 250,000 cables; ~30% more FTS work at ingest).
A cache that already held cables when it reached schema 3 keeps its index as it was (rebuilding
it means re-indexing every text); searches work the same on both, see views.prefix_lengths.
"""

from __future__ import annotations

import grp
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import StoreError
from .levels import UNKNOWN_LEVEL
from .open_work import INDEXES as OPEN_WORK_INDEXES
from .place import check_place, resolve

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["StoreError", "connect"]

SCHEMA_VERSION = 9
# how long a writer waits for another's write lock before it gives up with "database is locked"
BUSY_TIMEOUT_MS = 30000


FTS_WITH_PREFIXES = """
    CREATE VIRTUAL TABLE cables_fts USING fts5 (
        reference_id, subject, tags, body, content='', detail=full, prefix='3'
    )
"""


def _prefix_index_when_empty(conn: sqlite3.Connection) -> None:
    """Schema 3: a new (empty) cache gets the FTS index with its three-letter prefix index."""
    if conn.execute("SELECT 1 FROM cables LIMIT 1").fetchone() is None:
        conn.execute("DROP TABLE cables_fts")
        conn.execute(FTS_WITH_PREFIXES)


def _chain_audit(conn: sqlite3.Connection) -> None:
    """Schema 4: the audit log made tamper-evident, each row hashed with the one before it
    (see audit.py); the rows already there are chained as they stand."""
    from .audit import chain_existing

    columns = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    if "hash" not in columns:
        conn.execute("ALTER TABLE audit ADD COLUMN hash TEXT")
    chain_existing(conn)


def _create_links(conn: sqlite3.Connection) -> None:
    from .threads import create_links

    create_links(conn)


def _audit_batches(conn: sqlite3.Connection) -> None:
    """Schema 7: each audit row names its batch and the row version it produced (a cache
    stamped older by hand, as tests do, may have them already)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(audit)")}
    for column, kind in (("batch", "TEXT"), ("row_version", "INTEGER")):
        if column not in have:
            conn.execute(f"ALTER TABLE audit ADD COLUMN {column} {kind}")


def _add_column(conn: sqlite3.Connection, table: str, column: str) -> None:
    """ALTER TABLE ... ADD COLUMN, once: a cache that has the column keeps it."""
    name = column.split()[0]
    if not any(r[1] == name for r in conn.execute(f"PRAGMA table_info({table})")):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")


def _open_work(conn: sqlite3.Connection) -> None:
    from .open_work import migrate as open_work

    open_work(conn)


Migration = str | Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, list[Migration]] = {
    1: [
        """
        CREATE TABLE cables (
            id INTEGER PRIMARY KEY,
            reference_id TEXT NOT NULL UNIQUE,
            transmission_id TEXT,
            precedence TEXT,
            prec_rank INTEGER NOT NULL DEFAULT 5,
            info_precedence TEXT,
            dtg TEXT,
            dtg_raw TEXT,
            dtg_estimated INTEGER NOT NULL DEFAULT 0,
            classification TEXT,
            level TEXT,
            level_rank INTEGER NOT NULL DEFAULT 0,
            badge TEXT,
            caveats TEXT NOT NULL DEFAULT '',
            from_line TEXT,
            origin TEXT,
            subject TEXT,
            tags TEXT NOT NULL DEFAULT '',
            security_line TEXT,
            section TEXT,
            classified_by TEXT,
            reasons TEXT,
            declassify TEXT,
            declassify_on TEXT,
            partial INTEGER NOT NULL DEFAULT 0,
            corrected INTEGER NOT NULL DEFAULT 0,
            signature TEXT,
            references_json TEXT NOT NULL DEFAULT '[]',
            warnings_json TEXT NOT NULL DEFAULT '[]',
            paragraph_count INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            sha256 TEXT NOT NULL,
            source TEXT,
            received_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX cables_prec ON cables (prec_rank, dtg DESC, id)",
        "CREATE INDEX cables_dtg ON cables (dtg DESC, id)",
        "CREATE INDEX cables_received ON cables (received_at DESC, id)",
        "CREATE INDEX cables_level ON cables (level_rank, dtg DESC)",
        """
        CREATE TABLE cable_versions (
            id INTEGER PRIMARY KEY,
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            version INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            raw BLOB NOT NULL,
            source TEXT,
            received_at TEXT NOT NULL,
            UNIQUE (cable_id, version)
        )
        """,
        "CREATE INDEX cable_versions_sha ON cable_versions (sha256)",
        """
        CREATE VIRTUAL TABLE cables_fts USING fts5 (
            reference_id, subject, tags, body, content='', detail=full
        )
        """,
        """
        CREATE TABLE cable_tags (
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (tag, cable_id)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX cable_tags_cable ON cable_tags (cable_id)",
        """
        CREATE TABLE addressees (
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            kind TEXT NOT NULL CHECK (kind IN ('to', 'info')),
            seq INTEGER NOT NULL,
            ri TEXT,
            name TEXT NOT NULL,
            precedence TEXT,
            niact INTEGER NOT NULL DEFAULT 0,
            mcn TEXT,
            PRIMARY KEY (cable_id, kind, seq)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX addressees_ri ON addressees (ri)",
        """
        CREATE TABLE paragraphs (
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            seq INTEGER NOT NULL,
            number INTEGER,
            marking TEXT,
            chars INTEGER NOT NULL,
            PRIMARY KEY (cable_id, seq)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE officers (
            login TEXT PRIMARY KEY,
            added_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE workflow (
            cable_id INTEGER PRIMARY KEY REFERENCES cables(id),
            officer TEXT,
            status TEXT NOT NULL DEFAULT 'NEW',
            due_at TEXT,
            note TEXT NOT NULL DEFAULT '',
            ack_by TEXT,
            ack_at TEXT,
            row_version INTEGER NOT NULL DEFAULT 1,
            changed_at TEXT,
            changed_by TEXT
        )
        """,
        "CREATE INDEX workflow_status ON workflow (status)",
        "CREATE INDEX workflow_officer ON workflow (officer)",
        "CREATE INDEX workflow_due ON workflow (due_at)",
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            cable_id INTEGER,
            reference_id TEXT,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT
        )
        """,
        "CREATE INDEX audit_cable ON audit (cable_id, id)",
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
        """,
        """
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
        """,
        """
        CREATE TABLE rejects (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT
        )
        """,
    ],
    # Ingest writes less: paragraph rows were never queried (a cable's paragraphs are read from
    # its text when it is opened), and these three indexes served no query (the tag filter uses
    # the (tag, cable_id) key; an update deletes its old tags by that key).
    2: [
        "DROP TABLE paragraphs",
        "DROP INDEX addressees_ri",
        "DROP INDEX cable_versions_sha",
        # tags keyed by cable (rows are appended in cable order), looked up through an index
        # by tag that a bulk load can build once at its end
        """
        CREATE TABLE cable_tags_2 (
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (cable_id, tag)
        ) WITHOUT ROWID
        """,
        "INSERT INTO cable_tags_2 (cable_id, tag) SELECT cable_id, tag FROM cable_tags",
        "DROP TABLE cable_tags",
        "ALTER TABLE cable_tags_2 RENAME TO cable_tags",
        "CREATE INDEX cable_tags_tag ON cable_tags (tag, cable_id)",
    ],
    3: [_prefix_index_when_empty],
    4: [_chain_audit],
    # reference links (threads): the table, filled from the references cables already have
    5: [_create_links],
    # The console's own state beside the shared triage fields: every change names its batch
    # (one key press, over one cable or many) and the row version it produced, so `u` undoes
    # the officer's last batch as a new change checked against that version; what each officer
    # has opened (unseen-by-me is per officer, apart from the shared status); and a heartbeat
    # row per open console (who else is working, and on which cable; no daemon: a row older
    # than a few beats is a console that is gone).
    6: [
        _audit_batches,
        "CREATE INDEX IF NOT EXISTS audit_who ON audit (who, id)",
        """
        CREATE TABLE IF NOT EXISTS seen (
            login TEXT NOT NULL,
            cable_id INTEGER NOT NULL REFERENCES cables(id),
            at TEXT NOT NULL,
            PRIMARY KEY (login, cable_id)
        ) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS presence (
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            login TEXT NOT NULL,
            started_at TEXT NOT NULL,
            beat_at TEXT NOT NULL,
            cable_id INTEGER,
            PRIMARY KEY (host, pid)
        )
        """,
    ],
    # who classified the cable, as a name (`Jane Roe`), beside `classified_by` as written
    7: [lambda conn: _add_column(conn, "cables", "classified_by_name TEXT")],
    # the Overview's figures from indexes alone (store/open_work.py)
    8: [_open_work],
    # a cable whose level could not be read ranks -1, below UNCLASSIFIED (it ranked 0, so
    # class:U and the list's banner took it for an unclassified cable)
    9: [UNKNOWN_LEVEL],
}

CAPTIONED_INDEX = "cables_captioned"
CAPTIONED = "caveats GLOB '*[OXMA]DIS*'"  # NODIS, EXDIS, LIMDIS, STADIS, not SIPDIS

# Indexes whose keys arrive in random order (dates, precedence, tags): every batch of inserts
# dirties pages all over them. A bulk load (see ingest) drops them and builds each once at its
# end, sorted, which is how databases load in bulk; `ensure_indexes` puts back any that a bulk
# load killed midway left out.
DEFERRABLE_INDEXES = {
    "cables_prec": "CREATE INDEX IF NOT EXISTS cables_prec ON cables (prec_rank, dtg DESC, id)",
    "cables_dtg": "CREATE INDEX IF NOT EXISTS cables_dtg ON cables (dtg DESC, id)",
    "cables_received": "CREATE INDEX IF NOT EXISTS cables_received ON cables (received_at DESC, id)",
    "cables_level": "CREATE INDEX IF NOT EXISTS cables_level ON cables (level_rank, dtg DESC)",
    "cable_tags_tag": "CREATE INDEX IF NOT EXISTS cable_tags_tag ON cable_tags (tag, cable_id)",
    # what cites a cable (the Thread tab's replies): not read while storing, so a bulk load
    # builds it once at its end (the index by cited reference id stays: arrivals resolve by it)
    "cable_links_cited": "CREATE INDEX IF NOT EXISTS cable_links_cited ON cable_links (cited_id) "
    "WHERE cited_id IS NOT NULL",
    # the Overview's (schema 8): not read while storing
    **OPEN_WORK_INDEXES,
    # the cables with a distribution caption (NODIS, EXDIS, LIMDIS, STADIS: few), so that the
    # list's banner finds a view's captions without reading every cable of it (views.max_level;
    # SIPDIS is the only other caveat ending in DIS). Built by the next ingest on a cache made
    # before it; until then the banner reads the captions in its scan of the view
    CAPTIONED_INDEX: "CREATE INDEX IF NOT EXISTS cables_captioned ON cables (caveats) "
    f"WHERE {CAPTIONED}",
}


def missing_indexes(conn: sqlite3.Connection) -> list[str]:
    names = list(DEFERRABLE_INDEXES)
    have = {
        r[0]
        for r in conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN "
            f"({', '.join('?' for _ in names)})",
            names,
        )
    }
    return [n for n in names if n not in have]


def drop_indexes(conn: sqlite3.Connection) -> None:
    """Inside the caller's write transaction."""
    for name in DEFERRABLE_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def ensure_indexes(conn: sqlite3.Connection) -> None:
    """Inside the caller's write transaction: build whichever deferrable index is missing."""
    for name in missing_indexes(conn):
        conn.execute(DEFERRABLE_INDEXES[name])


def _empty_file(path: Path) -> bool:
    """A zero-byte file with no write-ahead log holding pages for it."""
    try:
        if path.stat().st_size:
            return False
        return os.stat(f"{path}-wal").st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _private(path: Path, group: str | None) -> None:
    """The mode a new cache gets: 0600, or 0660 owned by the configured group (given first:
    giving a file away can clear mode bits). For a cache file just made, and for an empty file
    the user made that is about to become the cache."""
    if group:
        try:
            gid = grp.getgrnam(group).gr_gid
        except KeyError as exc:
            raise StoreError(f"{path}: the configured group {group!r} does not exist") from exc
        try:
            os.chown(path, -1, gid)
        except PermissionError as exc:
            raise StoreError(f"{path}: cannot give the cache to group {group!r}: {exc}") from exc
    try:
        os.chmod(path, 0o660 if group else 0o600)
    except PermissionError as exc:
        raise StoreError(f"{path}: cannot make the cache private ({exc.strerror})") from exc


def _create_file(path: Path, group: str | None) -> None:
    """Create the cache file 0600, or 0660 owned by the configured group, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = 0o660 if group else 0o600
    old_umask = os.umask(0o007 if group else 0o077)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
        os.close(fd)
    except FileExistsError:
        return
    finally:
        os.umask(old_umask)
    _private(path, group)


def connect(
    path: Path | str, *, group: str | None = None, create: bool = True
) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the cache; WAL, busy timeout, autocommit mode.

    Writes use explicit short `BEGIN IMMEDIATE` transactions (see `write`). (A PostgreSQL
    database is opened by api.open_store, which `triage.store.connect` is.)
    """
    p = Path(path)
    if str(path) != ":memory:":
        # one name for every process (a link resolved), checked before SQLite opens it
        p = resolve(p)
        try:
            if p.is_dir():
                raise StoreError(f"{p}: is a folder, not a cache file")
            if p.exists() and not p.is_file():
                raise StoreError(
                    f"{p}: is not a regular file (a device?); give --db the cache's path"
                )
            if not p.exists():
                head = str(path).split(":", 1)[0].lower() if ":" in str(path) else ""
                if head in ("postgresql", "postgres"):
                    # `postgresql:/triage`: one slash short of a URL, read as a file name
                    raise StoreError(
                        f"{path}: not a PostgreSQL URL (one is written "
                        "postgresql://USER@HOST/DATABASE, two slashes) nor a cache file"
                    )
                if not create and not p.parent.is_dir():
                    raise StoreError(f"{p}: no cache here (no folder {p.parent}); check the path")
                if not create:
                    raise StoreError(
                        f"{p}: no cache here; run `triage ingest --db {p} FILES` first"
                    )
                check_place(p)
                _create_file(p, group)
            elif _empty_file(p):
                # SQLite takes an empty file for an empty database: a command that only
                # reads must not turn a stray `touch`ed file into a cache; one that creates
                # makes it a cache as private as one it created itself
                if not create:
                    raise StoreError(
                        f"{p}: an empty file, not a cache yet; run `triage ingest --db {p} "
                        "FILES` to make it one"
                    )
                check_place(p)
                _private(p, group)
            check_place(p)
            if group:
                # SQLite creates the -wal and -shm under this process's umask: with a shared
                # cache the desk's group must be able to write them too (0660, not 0640)
                old_mask = os.umask(0)
                os.umask((old_mask & ~0o070) | 0o007)
        except PermissionError as exc:
            raise StoreError(
                f"{p}: this login may not reach the cache ({exc.strerror}); every officer needs "
                "read and write on it and on its folder (see README: sharing a cache)"
            ) from exc
        except OSError as exc:
            raise StoreError(f"{p}: cannot open the cache ({exc.strerror or exc})") from exc
    try:
        conn = sqlite3.connect(
            str(p) if str(path) != ":memory:" else ":memory:",
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if mode.lower() != "wal" and str(path) != ":memory:":
            raise StoreError(f"{p}: could not switch the cache to WAL mode ({mode})")
        migrate(conn, p)
    except sqlite3.DatabaseError as exc:
        from .trouble import explain  # a full disk, a lock, a damaged or foreign file

        raise StoreError(explain(p, exc)) from exc
    return conn


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current < 0:
        raise StoreError(
            f"{path}: not a triage cache (its schema number is {current}; triage writes 1 to "
            f"{SCHEMA_VERSION}); give --db the cache's path"
        )
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: this cache was written by a newer triage (schema {current}; this triage "
            f"knows up to {SCHEMA_VERSION}); upgrade triage to open it"
        )
    if current == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for step in MIGRATIONS.get(version, ()):
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        from .txn import rollback

        rollback(conn)
        raise


def database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """The cache through sqlite-utils, for the paths where its convenience beats raw SQL (imported
    on first use: the console starts without it)."""
    import sqlite_utils

    return sqlite_utils.Database(conn)
