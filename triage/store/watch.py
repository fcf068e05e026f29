"""The incoming-traffic drop folder: ingest files once their size has settled."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .ingest import Item, Summary, _file_items, ingest


def _candidates(folder: Path) -> dict[Path, tuple[int, int]]:
    out: dict[Path, tuple[int, int]] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or name.endswith(".tmp"):
                continue
            p = Path(root) / name
            try:
                st = p.stat()
            except OSError:
                continue
            out[p] = (st.st_size, st.st_mtime_ns)
    return out


class Watcher:
    """Polls a folder; a file is read when two polls in a row see the same size and mtime.
    Files are never moved or deleted; a file that changes later is read again."""

    def __init__(self, conn: sqlite3.Connection, folder: Path, interval: float = 0.5) -> None:
        self.conn = conn
        self.folder = folder
        self.interval = interval
        self._last: dict[Path, tuple[int, int]] = {}
        self._done: dict[Path, tuple[int, int]] = {}

    def poll(self, on_reject: Callable[[str, str], None] | None = None) -> Summary | None:
        now = _candidates(self.folder)
        ready = [
            p for p, sig in now.items() if self._last.get(p) == sig and self._done.get(p) != sig
        ]
        self._last = now
        if not ready:
            return None
        items: list[Item] = []
        for p in sorted(ready):
            items.extend(_file_items(p))
            self._done[p] = now[p]
        return ingest(self.conn, items, on_reject=on_reject)

    def run(
        self,
        report: Callable[[Summary], None],
        on_reject: Callable[[str, str], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> None:
        while not stop():
            summary = self.poll(on_reject)
            if summary is not None:
                report(summary)
            time.sleep(self.interval)
