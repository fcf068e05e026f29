"""The incoming-traffic drop folder: ingest files once their size has settled."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..visible import os_name
from .ingest import Committed, Item, Summary, ingest
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


@dataclass(slots=True)
class NotStored:
    """A file a stop (or a failure) cut off: picked up, not in the cache (or, of a CSV export,
    stored up to a row and not after it)."""

    path: Path
    rows_stored: int = 0  # a CSV export's rows stored before the stop
    unknown: bool = False  # stopped during its batch's COMMIT: whether it is stored is unknown


class Watcher:
    """Polls a folder; a file is read when two polls in a row see the same size and mtime.
    Files are never moved or deleted; a file that changes later is read again.

    What it stores is counted as each batch commits (`totals`), so a stop at any moment counts
    exactly what the cache holds; a file picked up whose batch did not commit is in
    `not_stored` until a later poll stores it."""

    def __init__(self, conn: sqlite3.Connection, folder: Path, interval: float = 0.5) -> None:
        self.conn = conn
        self.folder = folder
        self.interval = interval
        self._last: dict[Path, tuple[int, int]] = {}
        self._done: dict[Path, tuple[int, int]] = {}
        self._skip = cache_files(conn)
        self.totals = Summary()
        self.not_stored: list[NotStored] = []

    def poll(
        self,
        on_reject: Callable[[str, str], None] | None = None,
        on_note: Callable[[str, str], None] | None = None,
        on_stored: Callable[[str], None] | None = None,
    ) -> Summary | None:
        """Store what has settled. `on_reject`, `on_note` and `on_stored` speak of a batch once
        it is committed: what a stop or a lost server rolls back is never said stored or
        rejected (it is in `not_stored`, and read again)."""
        now = _candidates(self.folder, self._skip)
        ready = [
            p for p, sig in now.items() if self._last.get(p) == sig and self._done.get(p) != sig
        ]
        self._last = now
        self.not_stored = []
        if not ready:
            return None
        picked = sorted(ready)
        where = {os_name(str(p)): k for k, p in enumerate(picked)}
        reached = [-1, 0, False]  # the last path a commit held, its rows stored, whole?
        said: list[tuple[Callable[[str, str], None] | None, str, str]] = []

        def committed(batch: Committed) -> None:
            for source in batch.sources:
                k, row = _path_of(source, where)
                if k is None:
                    continue
                if k != reached[0]:
                    reached[:] = [k, 0, False]
                reached[1] += row
                reached[2] = not row
            for speak, source, message in said:
                if speak is not None:
                    speak(source, message)
            said.clear()
            if on_stored is not None:
                for ref in batch.summary.stored:
                    on_stored(ref)
            self.totals.add(batch.summary)

        try:
            items: list[Item] = []
            for p in picked:
                if now[p][0] == -1:  # a sub-folder that could not be read, or a loop
                    items.append(Item(str(p), None, _folder_problem(self.folder, p)))
                else:
                    items.extend(_file_items(p, self._skip))
            summary = ingest(
                self.conn,
                items,
                on_reject=lambda s, r: said.append((on_reject, s, r)),
                on_note=lambda s, m: said.append((on_note, s, m)),
                on_commit=committed,
            )
        except BaseException as exc:
            # what committed is read; the rest is left to the next poll, which reads it again
            # (a server restarting, the write lock held too long), or named by the stop
            last, rows, whole = reached
            upto = last + 1 if whole else last
            for p in picked[: max(upto, 0)]:
                self._done[p] = now[p]
            unknown = bool(getattr(exc, "during_commit", False))
            self.not_stored = [
                NotStored(p, rows if k == last else 0, unknown)
                for k, p in enumerate(picked[max(upto, 0) :], start=max(upto, 0))
            ]
            raise
        for p in ready:
            self._done[p] = now[p]
        return summary

    def waiting(self) -> list[Path]:
        """What the folder holds that was not read yet (still arriving, or not settled): a
        stopped watch names it, and the next one reads it."""
        cut = {n.path for n in self.not_stored}
        return sorted(
            p
            for p, sig in _candidates(self.folder, self._skip).items()
            if self._done.get(p) != sig and p not in cut
        )

    def run(
        self,
        report: Callable[[Summary], None],
        on_reject: Callable[[str, str], None] | None = None,
        stop: Callable[[], bool] = lambda: False,
        on_note: Callable[[str, str], None] | None = None,
        on_stored: Callable[[str], None] | None = None,
    ) -> None:
        while not stop():
            summary = self.poll(on_reject, on_note, on_stored)
            if summary is not None:
                report(summary)
            time.sleep(self.interval)


def _path_of(source: str, where: dict[str, int]) -> tuple[int | None, int]:
    """Which picked path an input came from (its index), and 1 for a CSV export's row."""
    if source in where:
        return where[source], 0
    name, sep, _row = source.rpartition(":row ")
    if sep and name in where:
        return where[name], 1
    return None, 0
