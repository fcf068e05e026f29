"""The inputs an ingest reads: cable files, folders, standard input (`-`) and cablegate CSV
exports, each as an `Item` (its bytes, or why it has none). Never the cache's own files (see
CacheFiles), never through a link or into a FIFO; nothing here touches the database."""

from __future__ import annotations

import csv
import errno
import io
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..visible import os_name
from .place import file_kind


@dataclass
class Item:
    """One input: its name (path, `-`, or `file.csv:row N`) and bytes, or why it has none."""

    source: str
    data: bytes | None
    problem: str | None = None
    meta: dict[str, str] | None = None
    # a delivery made again on purpose (`ingest --again`): an earlier version's text is made
    # current even from the input it was last stored from
    again: bool = False

    def __post_init__(self) -> None:
        # a file named in bytes that are not UTF-8 (`05\xe9t\xe9.txt`): stored and said so
        self.source = os_name(self.source)


def is_cablegate_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


# The most a cable file (or `-`) may hold. The largest real cable we know is ~66 KB and a long
# one runs to a few hundred; 32 MiB leaves a hostile 10 MB cable to be stored (and shown, bounded)
# while a link to /dev/zero or a stray disk image is refused with a message instead of filling
# memory. A cablegate CSV is streamed, so the file has no limit; each of its rows has this one.
MAX_CABLE_BYTES = 32 * 1024 * 1024


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _too_big(size: int | None = None) -> str:
    what = f"is {_mib(size)}" if size is not None else "holds more"
    return f"{what}; a cable file is at most {_mib(MAX_CABLE_BYTES)} (not read)"


class NotRegular(Exception):
    """A name that is not a regular file, or cannot be opened; the message says which."""


def open_regular(path: Path) -> tuple[int, int]:
    """Open a file a user named or a drop folder holds: never through a link (O_NOFOLLOW),
    never blocking on a FIFO (O_NONBLOCK), and only if it is a regular file (checked on the open
    descriptor with fstat, so it cannot be swapped between the look and the open). Returns
    (fd, size); raises NotRegular with the reason."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise NotRegular("no such file") from None
    except OSError as exc:
        raise NotRegular(exc.strerror or str(exc)) from exc
    if not stat.S_ISREG(st.st_mode):  # not even opened: opening a device can do things
        raise NotRegular(f"is {file_kind(st.st_mode)}; only regular files are read")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegular(f"is {file_kind(stat.S_IFLNK)}; only regular files are read") from exc
        raise NotRegular(exc.strerror or str(exc)) from exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise NotRegular(f"is {file_kind(st.st_mode)}; only regular files are read")
    return fd, st.st_size


def read_limited(fd: int, limit: int = MAX_CABLE_BYTES) -> bytes | None:
    """At most `limit` bytes from fd (None when there are more), closing it."""
    with os.fdopen(fd, "rb", closefd=True) as fh:
        data = fh.read(limit + 1)
    return None if len(data) > limit else data


@dataclass(frozen=True)
class CacheFiles:
    """The cache's own files (the database, its -wal, -shm and -journal), which an ingest or a
    drop folder that holds them must never open: closing any descriptor of the database file
    drops every POSIX lock the process holds on it, SQLite's included, and another process's
    write could then corrupt the cache. Told apart by name and by (device, inode), with stat
    only."""

    names: frozenset[str] = frozenset()  # resolved absolute paths
    ids: frozenset[tuple[int, int]] = frozenset()

    def holds(self, p: Path, st: os.stat_result | None = None) -> bool:
        if not self.names:
            return False
        try:
            st = st if st is not None else os.stat(p)
        except OSError:
            st = None
        if st is not None and (st.st_dev, st.st_ino) in self.ids:
            return True
        if any(n.endswith("/" + p.name) for n in self.names):  # a -wal made again since
            try:
                return str(p.resolve()) in self.names
            except OSError:
                return False
        return False


def cache_files(conn: sqlite3.Connection) -> CacheFiles:
    """The files of the SQLite database `conn` has open (none for PostgreSQL)."""
    if getattr(conn, "backend", "sqlite") != "sqlite":
        return CacheFiles()
    names: set[str] = set()
    ids: set[tuple[int, int]] = set()
    for row in conn.execute("PRAGMA database_list").fetchall():
        if not row[2]:
            continue  # an in-memory or temporary database
        base = str(Path(row[2]).resolve())
        for suffix in ("", "-wal", "-shm", "-journal"):
            names.add(base + suffix)
            try:
                st = os.stat(base + suffix)
            except OSError:
                continue
            ids.add((st.st_dev, st.st_ino))
    return CacheFiles(frozenset(names), frozenset(ids))


def iter_paths(
    paths: Iterable[str],
    skip: CacheFiles = CacheFiles(),
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """Items from files, folders (recursively, sorted) and `-` for standard input. A folder
    named here is followed even through a link (the user chose it); inside it, links, FIFOs,
    devices and sockets are rejected by name, never followed or opened. The cache's own files
    (`skip`) are passed over unopened, the database file told to `on_skip`."""
    for raw in paths:
        if raw == "-":
            data = sys.stdin.buffer.read(MAX_CABLE_BYTES + 1)
            if len(data) > MAX_CABLE_BYTES:
                yield Item("-", None, _too_big())
            else:
                yield Item("-", data)
            continue
        p = Path(raw)
        if p.is_dir():
            for child, _st, problem in walk_folder(p):
                if problem is not None:
                    yield Item(str(child), None, problem)
                else:
                    yield from _file_items(child, skip, on_skip)
            continue
        yield from _file_items(p, skip, on_skip, named=True)


def walk_folder(folder: Path) -> Iterator[tuple[Path, os.stat_result | None, str | None]]:
    """Every name under `folder` but dot-names, sorted, that is not a folder, with its lstat (or
    the problem met): real folders are walked into (each once: a bind-mount loop ends), links to
    folders are not."""
    seen: set[tuple[int, int]] = set()

    def walk(d: Path) -> Iterator[tuple[Path, os.stat_result | None, str | None]]:
        try:
            st = os.stat(d)
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield d, None, f"folder not read: {exc.strerror or exc}"
            return
        if (st.st_dev, st.st_ino) in seen:
            yield d, None, "folder loop: this folder was already read under another name"
            return
        seen.add((st.st_dev, st.st_ino))
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                lst = e.stat(follow_symlinks=False)
            except OSError as exc:
                yield Path(e.path), None, exc.strerror or str(exc)
                continue
            if stat.S_ISDIR(lst.st_mode):
                yield from walk(Path(e.path))
            else:
                yield Path(e.path), lst, None

    yield from walk(folder)


def _file_items(
    p: Path,
    skip: CacheFiles = CacheFiles(),
    on_skip: Callable[[str], None] | None = None,
    named: bool = False,
) -> Iterator[Item]:
    """The item(s) file `p` holds; none for one of the cache's own files, which `on_skip` is
    told of (in a folder, the database file only; a file named by the user, always)."""
    if skip.holds(p):
        if on_skip is not None and (named or not p.name.endswith(("-wal", "-shm", "-journal"))):
            on_skip(str(p))
        return
    if is_cablegate_csv(p):
        yield from iter_cablegate_csv(p)
        return
    try:
        fd, size = open_regular(p)
    except NotRegular as exc:
        yield Item(str(p), None, str(exc))
        return
    if size > MAX_CABLE_BYTES:
        os.close(fd)
        yield Item(str(p), None, _too_big(size))
        return
    try:
        data = read_limited(fd)
    except OSError as exc:
        yield Item(str(p), None, exc.strerror or str(exc))
        return
    if data is None:
        yield Item(str(p), None, _too_big())
        return
    yield Item(str(p), data)


CABLEGATE_COLUMNS = [
    "id",
    "date",
    "reference_id",
    "origin",
    "classification",
    "references",
    "header",
    "body",
]


def iter_cablegate_csv(path: Path) -> Iterator[Item]:
    """Rows of a cablegate `cables.csv` (no header row, quoted multi-line fields), streamed.

    A row with the wrong number of fields (a broken quote swallows the rows after it) is
    rejected with its row number; a broken quote is resynchronised at the next line that starts
    a new record, so the rows after it are still read.
    """
    csv.field_size_limit(1 << 30)
    try:
        fd, _size = open_regular(path)
    except NotRegular as exc:
        yield Item(str(path), None, str(exc))
        return
    fh = open(fd, encoding="utf-8", errors="replace", newline="", closefd=True)  # noqa: SIM115
    with fh:
        for rowno, (fields, problem) in enumerate(_csv_records(fh), start=1):
            name = f"{path}:row {rowno}"
            if problem is NOT_CABLEGATE:
                yield Item(
                    str(path),
                    None,
                    f"{NOT_CABLEGATE}: its first row has {len(fields)} field"
                    f"{'s' if len(fields) != 1 else ''} where an export's rows have 8 ("
                    + ", ".join(CABLEGATE_COLUMNS)
                    + "); nothing in it was read",
                )
                return
            if problem:
                yield Item(name, None, problem)
                continue
            if len(fields) == 8 and fields[0].strip().lower() == "id" and rowno == 1:
                continue  # a header row
            if len(fields) != 8:
                yield Item(name, None, f"expected 8 fields, found {len(fields)}")
                continue
            row = dict(zip(CABLEGATE_COLUMNS, fields, strict=True))
            text = row["header"].rstrip("\n") + "\n\n" + row["body"]
            if len(text) > MAX_CABLE_BYTES:
                yield Item(name, None, _too_big(len(text)).replace("a cable file", "a cable"))
                continue
            meta = {k: row[k] for k in CABLEGATE_COLUMNS[:6]}  # the text travels once, as data
            yield Item(name, text.encode("utf-8"), meta=meta)


NOT_CABLEGATE = "not a cablegate CSV export"


def _csv_records(fh: io.TextIOBase) -> Iterator[tuple[list[str], str | None]]:
    """Records of a cablegate CSV. The C reader does the work; at the first record it cannot
    read (a broken quote swallows what follows), reading starts again from the top splitting at
    the lines that start a record, so that record is reported and the rest are still read."""
    good = 0
    reader = csv.reader(fh, strict=True)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            break
        if not row:
            continue
        if len(row) != 8 and good == 0 and not row[0].strip().isdigit():
            yield row, NOT_CABLEGATE  # a CSV of another shape: said once, for the file
            return
        if len(row) != 8:
            break
        good += 1
        yield row, None
    fh.seek(0)
    k = -1
    for k, rec in enumerate(_csv_records_slow(iter(fh))):
        if k >= good:
            yield rec
    if k < good:  # the split found no record past the good ones: the rest is never silent
        yield [], f"malformed CSV after record {good:,} (a quote is not closed)"


def _csv_records_slow(lines: Iterator[str]) -> Iterator[tuple[list[str], str | None]]:
    import re

    # a record starts with its id, quoted as the cablegate export writes it or not (as
    # Python's csv module and spreadsheets write a number when they save it again)
    start = re.compile(r'^(?:"\d+"|\d+),"')
    buf: list[str] = []
    for line in lines:
        if buf and start.match(line):
            yield _one_record("".join(buf))
            buf = []
        buf.append(line)
    if buf:
        yield _one_record("".join(buf))


def _one_record(text: str) -> tuple[list[str], str | None]:
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        return [], f"malformed CSV record ({exc})"
    rows = [r for r in rows if r]
    if len(rows) != 1:
        return [], f"malformed CSV record (a quote is not closed: {len(rows)} records run together)"
    return rows[0], None
