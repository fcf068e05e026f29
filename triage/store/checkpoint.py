"""WAL checkpoints on a thread of their own while ingest writes.

SQLite checkpoints in the connection that commits: once the write-ahead log holds 1,000 pages,
the COMMIT also copies them into the database file and waits for the disk (fsync). Ingest
commits a batch every few hundred milliseconds, so nearly every COMMIT checkpointed, and on a
disk that others are also using the writer waited there a fifth of its time (10,000 real
cables: COMMIT 7-8 s of wall for 2 s of CPU). While ingest runs, its connection leaves the log
alone (`wal_autocheckpoint = 0`) and this thread, with a connection of its own, copies what each
batch wrote (a PASSIVE checkpoint: it never waits for, nor blocks, readers or the writer) while
the writer goes on with the next batch.

The log starts again from its beginning only when a write begins after a checkpoint has copied
all of it; so when it has grown past LIMIT_FRAMES, the writer waits for the checkpoint of its
last batch before it begins the next (a short wait, once every few dozen batches), and the log
stays bounded as SQLite's own checkpoints keep it. A killed ingest leaves a log that the next
connection to the cache checkpoints, as always.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import suppress

# ~32 MB of 4 KB pages: the log's size at which the writer lets the checkpointer catch up
LIMIT_FRAMES = 8192


class Checkpointer:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.autocheckpoint = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        row = next((r for r in conn.execute("PRAGMA database_list") if r[1] == "main"), None)
        self.path = row[2] if row else ""
        self.own: sqlite3.Connection | None = None
        self.cond = threading.Condition()
        self.wanted = 0  # checkpoints asked for
        self.done = 0  # of those, the last one finished
        self.frames = 0  # the log's size when the last checkpoint ran
        self.closing = False
        self.thread: threading.Thread | None = None

    def start(self) -> bool:
        """Take over the connection's checkpoints (False: an in-memory database, or no second
        connection could be opened; SQLite's own checkpoints then go on)."""
        if not self.path or self.thread is not None:
            return self.thread is not None
        try:
            self.own = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return False
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        self.thread = threading.Thread(target=self._run, name="triage-checkpoint", daemon=True)
        self.thread.start()
        return True

    def _run(self) -> None:
        assert self.own is not None
        while True:
            with self.cond:
                while self.wanted == self.done and not self.closing:
                    self.cond.wait()
                if self.closing:
                    return
                target = self.wanted
            frames = 0
            with suppress(sqlite3.Error):  # (a full disk: the writer meets it and says so)
                row = self.own.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                frames = int(row[1]) if row else 0
            with self.cond:
                self.done = target
                self.frames = frames
                self.cond.notify_all()

    def committed(self) -> None:
        """After each COMMIT: copy what it wrote; if the log has grown long, wait until that
        is done, so that the next write starts it again from its beginning."""
        if self.thread is None:
            return
        with self.cond:
            self.wanted += 1
            self.cond.notify_all()
            if self.frames > LIMIT_FRAMES:
                target = self.wanted
                while self.done < target:
                    self.cond.wait()

    def close(self) -> None:
        """Stop the thread and give the connection its checkpoints back (the next COMMIT of a
        log past its limit checkpoints, as before)."""
        if self.thread is None:
            return
        with self.cond:
            self.closing = True
            self.cond.notify_all()
        self.thread.join()
        self.thread = None
        if self.own is not None:
            self.own.close()
            self.own = None
        with suppress(sqlite3.Error):
            self.conn.execute(f"PRAGMA wal_autocheckpoint = {self.autocheckpoint}")
