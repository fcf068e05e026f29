"""Action lists as CSV: UTF-8, a header row, every cell quoted, safe to open in a spreadsheet.

Rows are streamed in pages of ids, never held all at once. A text cell that a spreadsheet would
take for a formula (OWASP CSV injection) gets a `'` in front: one that starts with `=`, `+`, `-`,
`@` or their fullwidth forms `＝＋－＠`, also behind leading spaces, no-break spaces and other
blanks, or with a tab, CR or LF; and a piece after a `;` or a tab, which a spreadsheet whose list
separator is `;` (or tab) reads as a cell of its own, gets one too (`x;=1+1` -> `x;'=1+1`).

A file is written where a neighbour on a shared host may have planted a link or a FIFO: the CSV
goes to a temporary file in the same folder, which is renamed into place. A symbolic link this
login or root made is followed to the file it names, and that file is replaced, the link kept (as
an editor saves through a link); a link someone else made, perhaps planted, is replaced, never
followed. A name that is, or a link of ours that leads to, anything but a regular file (a folder,
a device, a FIFO, `/dev/stdout`) is refused: the command line takes `-`, `/dev/stdout`,
`/dev/fd/1` and `/proc/self/fd/1` as standard output (`names_stdout`) before it gets here.
The export is recorded in the audit log before the file takes its name, and only after
checking that it can be: nothing is exported unrecorded.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import os
import re
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..cable.rollup import Rollup, captions_of, with_captions
from ..visible import visible
from .place import file_kind
from .txn import rollback

if TYPE_CHECKING:
    from .views import Context, View

COLUMNS = [
    "reference_id",
    "dtg_utc",
    "precedence",
    "classification",
    "origin",
    "subject",
    "tags",
    "action_officer",
    "status",
    "due_utc",
    "acknowledged_by",
    "acknowledged_utc",
    "note",
    "last_change_utc",
    "last_change_by",
]

_COLUMNS_SQL = (
    "c.id, c.reference_id, c.dtg, c.precedence, c.classification, c.origin, c.subject, "
    "c.tags, w.officer, w.status, w.due_at, w.ack_by, w.ack_at, w.note, w.changed_at, "
    "w.changed_by, c.level_rank, c.caveats"
)

# (a NODIS row read "TOP SECRET" in the export, and the export's "highest classification"
# line left the captions out: cable/rollup.py carries them now)
_captions = captions_of


_SQL = (
    f"SELECT {_COLUMNS_SQL} FROM cables c JOIN workflow w ON w.cable_id = c.id "
    "WHERE c.id IN ({marks})"
)


@dataclass(frozen=True)
class ViewRows:
    """A whole view to export, in its list's order: read through one query as it is written
    where the connection can stream (PostgreSQL's server-side cursor), else as the view's ids
    fetched a page at a time (SQLite)."""

    view: View
    ctx: Context


FORMULA_FIRST = "=+-@\uff1d\uff0b\uff0d\uff20"  # and fullwidth ＝ ＋ － ＠
# blanks a spreadsheet skips before it sees a formula: whitespace (no-break space included,
# `str.isspace`) and the zero-width characters
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_PIECE = re.compile(rf"([;\t])([\s{_INVISIBLE}]*)(?=[{re.escape(FORMULA_FIRST)}])")


# (and the control characters and bidirectional overrides visible() shows as symbols, but NUL,
# the separator below, which is counted instead)
_RISKY = re.compile(
    rf"(?:^|\x00)[\s{_INVISIBLE}{re.escape(FORMULA_FIRST)}]|[;\t]"
    r"|[\x01-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)

_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d)(:\d\d)?(?:\.\d+)?Z")


def utc_seconds(value: str | None) -> str | None:
    """Every time in the CSV to the second, `2026-11-27T21:04:22Z`: the cache keeps changes to
    the microsecond and due times to the minute, and a spreadsheet sorts mixed forms badly."""
    if not value:
        return value
    m = _STAMP.fullmatch(value)
    if not m:
        return value
    return f"{m.group(1)}{m.group(2) or ':00'}Z"


def exported_line(rows: int, target: object, top: str | None) -> str:
    """What an export says when done, on the command line and in the console."""
    return (
        f"exported {rows:,} row{'' if rows == 1 else 's'} to {target}; "
        f"highest classification {top or 'none'}"
    )


def safe_cell(value: object) -> str:
    """A cell as a spreadsheet, and `cat` on a terminal, may meet it: control characters and
    bidirectional overrides from a cable shown as symbols (an escape sequence in a subject
    would retitle the terminal or write its clipboard when the file is printed), and a formula
    neutralised."""
    if value is None:
        return ""
    s = visible(str(value))
    if not s:
        return s
    first = s[0]
    if (
        first not in FORMULA_FIRST
        and first not in _INVISIBLE
        and not first.isspace()
        and ";" not in s
        and "\t" not in s
    ):
        return s  # most cells: nothing a spreadsheet could read as a formula (see below)
    i = 0
    while i < len(s) and (s[i].isspace() or s[i] in _INVISIBLE):
        i += 1
    lead = s[0] in "\t\r\n" or (i < len(s) and s[i] in FORMULA_FIRST)
    s = _PIECE.sub(r"\1\2'", s)
    return "'" + s if lead else s


def _row(r: Any) -> tuple[list[str], int, str | None, list[str]]:
    tags = " ".join((r[7] or "").split("|"))
    captions = _captions(r[17])
    classification = with_captions(r[4], r[17]) if captions and r[4] else r[4]
    values = [
        r[1],
        utc_seconds(r[2]),
        r[3],
        classification,
        r[5],
        r[6],
        tags,
        r[8],
        r[9],
        utc_seconds(r[10]),
        r[11],
        utc_seconds(r[12]),
        r[13],
        utc_seconds(r[14]),
        r[15],
    ]
    cells = ["" if v is None else str(v) for v in values]
    # one look at the whole row (cells joined by NUL) for anything safe_cell would change: a
    # cell that starts with a blank or a formula's first character, a `;`, a tab or a control
    # character anywhere (a NUL in a cell shows as one NUL too many)
    joined = "\x00".join(cells)
    if _RISKY.search(joined) or joined.count("\x00") != len(cells) - 1:
        cells = [safe_cell(c) for c in cells]
    return cells, int(r[16]), r[4], captions


def _rows(
    conn: sqlite3.Connection, ids: Iterable[int] | ViewRows, page: int = 500
) -> Iterator[tuple[list[str], int, str | None, list[str]]]:
    if isinstance(ids, ViewRows):
        from .views import view_ids, view_rows

        if hasattr(conn, "stream"):
            for r in view_rows(conn, ids.view, ids.ctx, _COLUMNS_SQL):
                yield _row(r)
            return
        ids = view_ids(conn, ids.view, ids.ctx)
    chunk: list[int] = []

    def flush(chunk: list[int]) -> Iterator[tuple[list[str], int, str | None, list[str]]]:
        marks = ", ".join("?" for _ in chunk)
        got = {r[0]: r for r in conn.execute(_SQL.format(marks=marks), chunk)}
        for cid in chunk:
            r = got.get(cid)
            if r is not None:
                yield _row(r)

    for cid in ids:
        chunk.append(int(cid))
        if len(chunk) >= page:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def write_csv(
    conn: sqlite3.Connection,
    ids: Iterable[int] | ViewRows,
    out: IO[str],
    shown: Callable[[str], str] | None = None,
) -> tuple[int, str | None]:
    """Write the rows; return how many and the highest marking among them, whole: the highest
    level, with NOFORN (or FOUO) when a row at that level carries it (`SECRET//NOFORN`).
    `shown` rewrites each cell (for a terminal: control characters as symbols)."""
    w = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(COLUMNS)
    n = 0
    marking = Rollup()
    for values, _level, badge, row_captions in _rows(conn, ids):
        w.writerow([shown(v) for v in values] if shown else values)
        n += 1
        marking.add_marking(badge)
        marking.add_captions(" ".join(row_captions))
    if not n:
        return n, None
    # the union of the rows' captions, as of their controls (`TOP SECRET//NOFORN//NODIS`)
    return n, marking.said()


class ExportError(Exception):
    """An export that was not made; the message names the file and why (nothing was written)."""


STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def names_stdout(output: str) -> bool:
    """`-o -` and the names of standard output a user may type for it (root replaced the
    system's /dev/stdout link with a file of TOP SECRET rows when it was taken as a file)."""
    return output in STDOUT_NAMES


def resolve_target(path: Path) -> Path:
    """The name to write for `path`: a symbolic link this login (or root) made is followed to
    the file it names; one someone else made is not. Raises ExportError when a link of ours
    leads to something that is not a regular file, or round in a loop."""
    p, followed = path, False
    trusted = {os.geteuid(), 0}
    for _ in range(40):
        try:
            st = os.lstat(p)
        except OSError:
            break
        if not stat.S_ISLNK(st.st_mode) or st.st_uid not in trusted:
            break
        p, followed = Path(os.path.join(os.path.dirname(p), os.readlink(p))), True
    else:
        raise ExportError(f"{path}: too many levels of symbolic links; nothing written")
    if followed:
        try:
            end = os.stat(path)
        except OSError:
            end = None
        if end is not None and not stat.S_ISREG(end.st_mode):
            raise ExportError(
                f"{path}: a symbolic link to {file_kind(end.st_mode)}, not a regular file; "
                "nothing written (name a file, or - for standard output)"
            )
    return p


def check_target(path: Path) -> None:
    """Refuse a name that holds something other than a regular file or a symbolic link (one
    someone else made, replaced by the rename; see resolve_target for ours)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise ExportError(f"{path}: no such folder {path.parent}; nothing written") from None
        return
    except OSError as exc:
        raise ExportError(f"{path}: {exc.strerror or exc}; nothing written") from exc
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise ExportError(
            f"{path}: is {file_kind(st.st_mode)}, not a regular file; nothing written (name a file)"
        )


def _group_id(group: str) -> int:
    """The configured group's id; OSError naming the problem when there is none."""
    import grp

    try:
        return grp.getgrnam(group).gr_gid
    except KeyError:
        raise OSError(errno.EINVAL, f"the configured group {group!r} does not exist") from None


class _Staged:
    """The export's temporary file in the target's folder (0600, or 0660 with a shared group:
    never more open than the cache), renamed into place by `publish`."""

    def __init__(self, path: Path, group: str | None) -> None:
        self.path = path
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        try:
            if group:
                # the group's, as the cache is: left to the user's own group (often `users`,
                # which every login is in) a 0660 file of TOP SECRET rows was theirs to read
                try:
                    os.fchown(fd, -1, _group_id(group))
                except PermissionError:
                    raise OSError(
                        errno.EPERM,
                        f"cannot give the file to the configured group {group!r} "
                        "(this login is not in it)",
                    ) from None
            os.fchmod(fd, 0o660 if group else 0o600)
            self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="")
        except BaseException:
            os.close(fd)
            self.tmp.unlink(missing_ok=True)
            raise

    def finish(self) -> None:
        """Everything on disk before the audit row says it was exported."""
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def publish(self) -> None:
        os.rename(self.tmp, self.path)
        mine = os.fstat(self.fh.fileno())
        try:
            there = os.lstat(self.path)
        except OSError:
            there = None
        if there is None or (there.st_dev, there.st_ino) != (mine.st_dev, mine.st_ino):
            raise OSError(0, "the file was replaced by someone else as it was put in place")

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.fh.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def publish_text(path: Path, text: str, group: str | None = None) -> None:
    """Write `text` to `path` as exports are written: a private temporary file in its folder,
    renamed into place (a report names officers and cables as an export does). Raises
    ExportError."""
    path = resolve_target(path)
    check_target(path)
    try:
        staged = _Staged(path, group)
    except OSError as exc:
        raise ExportError(f"{path}: {exc.strerror or exc}; nothing written") from exc
    try:
        staged.fh.write(text)
        staged.finish()
        staged.publish()
    except OSError as exc:
        staged.discard()
        raise ExportError(f"{path}: {exc.strerror or exc}; nothing written") from exc
    staged.fh.close()


def _cannot_record(db: str, target: str, exc: BaseException) -> ExportError:
    return ExportError(
        f"{target}: this export cannot be recorded in the audit log of {db} ({exc}); exports "
        "are recorded, so nothing was written"
    )


def export_file(
    conn: sqlite3.Connection,
    ids: Iterable[int] | ViewRows,
    path: Path,
    *,
    who: str,
    group: str | None = None,
    db: str = "the cache",
) -> tuple[int, str | None]:
    """Write the rows as CSV to `path` (see the module's note) and record the export; return the
    rows written and the highest classification level among them. Raises ExportError."""
    from .workflow import check_can_record, export_words, record_export

    path = resolve_target(path)
    check_target(path)
    target = os.path.abspath(path)
    try:
        check_can_record(conn)
    except sqlite3.Error as exc:
        raise _cannot_record(db, str(path), exc) from exc
    try:
        staged = _Staged(path, group)
    except OSError as exc:
        raise ExportError(f"{path}: {exc.strerror or exc}; nothing written") from exc
    try:
        try:
            n, top = write_csv(conn, ids, staged.fh)
            staged.finish()
        except OSError as exc:
            raise ExportError(f"{path}: {exc.strerror or exc}; nothing written") from exc
        except sqlite3.Error as exc:
            raise ExportError(
                f"{db}: the cache could not be read ({exc}); nothing written"
            ) from exc
        try:
            record_export(conn, who, target, n, top)
        except sqlite3.Error as exc:
            raise _cannot_record(db, str(path), exc) from exc
        try:
            staged.publish()
        except OSError as exc:
            why = exc.strerror or str(exc)
            with contextlib.suppress(sqlite3.Error):
                from .audit import append
                from .clock import utcnow

                conn.execute("BEGIN IMMEDIATE")
                append(
                    conn,
                    [
                        (
                            utcnow(),
                            who,
                            None,
                            None,
                            "export",
                            export_words(n, target, top),
                            f"not written: {why}",
                        )
                    ],
                )
                conn.execute("COMMIT")
            raise ExportError(f"{path}: {why}; nothing written") from exc
    except BaseException:
        rollback(conn)
        staged.discard()
        raise
    staged.fh.close()
    return n, top


def export_stream(
    conn: sqlite3.Connection,
    ids: Iterable[int] | ViewRows,
    out: IO[str],
    *,
    who: str,
    target: str = "standard output",
    shown: Callable[[str], str] | None = None,
    db: str = "the cache",
) -> tuple[int, str | None]:
    """Write the rows to an open stream (standard output) and record it: checked first that it
    can be recorded, since what was written to a pipe cannot be taken back."""
    from .workflow import check_can_record, record_export

    try:
        check_can_record(conn)
    except sqlite3.Error as exc:
        raise _cannot_record(db, target, exc) from exc
    n, top = write_csv(conn, ids, out, shown)
    out.flush()
    try:
        record_export(conn, who, target, n, top)
    except sqlite3.Error as exc:
        raise ExportError(
            f"{target}: written, but the export could not be recorded ({exc})"
        ) from exc
    return n, top
