"""The incoming-traffic drop folder: ingest files once their size has settled."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .ingest import Item, Summary, ingest
from .inputs import CacheFiles, _file_items, cache_files, walk_folder


def _candidates(folder: Path, skip: CacheFiles) -> dict[Path, tuple[int, int]]:
    """What the drop folder holds but dot-files, *.tmp and the cache's own files (a cache kept
    in its drop folder is not traffic, and is never opened), each with its size and time as
    lstat sees them (a link is judged as itself, never by what it points to). Links, FIFOs and
    devices are here too: ingest rejects each once, by name, without following or opening it."""
    out: dict[Path, tuple[int, int]] = {}
    for p, st, _problem in walk_folder(folder):
        if p.name.endswith(".tmp") or skip.holds(p, st):
            continue
        out[p] = (st.st_size, st.st_mtime_ns) if st is not None else (-1, 0)
    return out


def _folder_problem(folder: Path, p: Path) -> str:
    for q, _st, problem in walk_folder(folder):
        if q == p and problem:
            return problem
    return "folder not read"


class Watcher:
    """Polls a folder; a file is read when two polls in a row see the same size and mtime.
    Files are never moved or deleted; a file that changes later is read again."""

    def __init__(self, conn: sqlite3.Connection, folder: Path, interval: float = 0.5) -> None:
        self.conn = conn
        self.folder = folder
        self.interval = interval
        self._last: dict[Path, tuple[int, int]] = {}
        self._done: dict[Path, tuple[int, int]] = {}
        self._skip = cache_files(conn)

    def poll(
        self,
        on_reject: Callable[[str, str], None] | None = None,
        on_note: Callable[[str, str], None] | None = None,
    ) -> Summary | None:
        now = _candidates(self.folder, self._skip)
        ready = [
            p for p, sig in now.items() if self._last.get(p) == sig and self._done.get(p) != sig
        ]
        self._last = now
        if not ready:
            return None
        items: list[Item] = []
        for p in sorted(ready):
            if now[p][0] == -1:  # a sub-folder that could not be read, or a loop
                items.append(Item(str(p), None, _folder_problem(self.folder, p)))
            else:
                items.extend(_file_items(p, self._skip))
        summary = ingest(self.conn, items, on_reject=on_reject, on_note=on_note)
        # read only once stored: a poll the database failed under (a server restart, the
        # write lock held too long) leaves its files to the next one, which reads them again
        for p in ready:
            self._done[p] = now[p]
        return summary

    def run(
        self,
        report: Callable[[Summary], None],
        on_reject: Callable[[str, str], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        on_note: Callable[[str, str], None] | None = None,
    ) -> None:
        while not stop():
            summary = self.poll(on_reject, on_note)
            if summary is not None:
                report(summary)
            time.sleep(self.interval)
