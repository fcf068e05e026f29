"""Where the cache file lives, checked before SQLite opens it, and watched while it is open.

SQLite's "How To Corrupt An SQLite Database File" (section 2) lists what breaks its locking
between processes. What this module guards against, and how, without ever opening the cache
file or its -wal/-shm itself (closing any descriptor of a file drops every POSIX lock the
process holds on it, SQLite's included):

- a link: the path is resolved (`realpath`) before SQLite sees it, so every process names the
  same file and finds the same -wal and -shm beside it; a file with more than one hard link is
  refused, since each name would get a journal of its own;
- a network filesystem (NFS, SMB, sshfs, ...), whose locks SQLite cannot trust: refused;
- a -wal or -shm this login cannot write (another officer's umask): refused with what to do;
- a file deleted or replaced while open: found by `os.stat` (device and inode against those
  at open) and by the process's own descriptors pointing at deleted files (Linux `/proc`).
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError

# filesystem types whose locking SQLite cannot rely on (their names in /proc/self/mountinfo)
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.s3fs",
        "fuse.rclone",
        "fuse.gcsfuse",
    }
)

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Identity:
    """Which file a path named when the cache was opened."""

    device: int
    inode: int


def resolve(path: Path | str) -> Path:
    """The cache's real path: one name for every process, whatever link the user gave."""
    return Path(os.path.realpath(os.fspath(path)))


def identity(path: Path) -> Identity:
    st = os.stat(path)
    return Identity(st.st_dev, st.st_ino)


def _unescape_mount(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and len(field[i + 1 : i + 4]) == 3 and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def filesystem_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the filesystem holding `path` (from /proc/self/mountinfo), or None."""
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as fh:
                mountinfo = fh.read()
        except OSError:
            return None
    target = os.fspath(path)
    best, best_type = -1, None
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5:
            continue
        mount_point = _unescape_mount(fields[4])
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= best:
            kind = right.split()
            best, best_type = len(mount_point), (kind[0] if kind else None)
    return best_type


def check_place(path: Path, *, mountinfo: str | None = None) -> None:
    """Raise StoreError when the cache at `path` (already resolved) cannot be shared safely."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise StoreError(f"{path}: is not a regular file, so it cannot be a cache")
        if st.st_nlink > 1:
            raise StoreError(
                f"{path}: the cache file has {st.st_nlink} names (hard links); SQLite keeps a "
                f"journal beside each name, so two names can corrupt it. Keep one name and "
                f"remove the others (find / -xdev -samefile {path})"
            )
    fs = filesystem_type(path if st is not None else path.parent, mountinfo)
    if fs in NETWORK_FILESYSTEMS:
        raise StoreError(
            f"{path}: the cache is on a network filesystem ({fs}), where SQLite's locks cannot "
            "be trusted and a shared cache gets corrupted. Put it on a local disk of the host "
            "the officers log into, or use a PostgreSQL server for several hosts"
        )
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        try:
            sst = os.stat(side)
        except FileNotFoundError:
            continue
        if not os.access(side, os.R_OK | os.W_OK):
            owner = _owner(sst.st_uid)
            raise StoreError(
                f"{side}: this login cannot write it (mode {stat.S_IMODE(sst.st_mode):04o}, "
                f'owner {owner}), and every officer needs to. Set `group = "..."` in the '
                "config for the desk's group, and have its owner run "
                f"`chmod 660 {side}` (see README: sharing a cache)"
            )


def file_kind(mode: int) -> str:
    """What a name holds that is not a regular file, in words (for refusals that name it)."""
    for test, word in (
        (stat.S_ISLNK, "a symbolic link (not followed)"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return word
    return "not a regular file"


def _owner(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        return str(uid)


DELETED = " (deleted)"


def cache_descriptors(path: Path) -> dict[int, str]:
    """This process's descriptors open on the cache, its -wal or -shm, by number, with what
    they point to (Linux `/proc`; a deleted file's name ends in ' (deleted)')."""
    if not sys.platform.startswith("linux"):
        return {}
    names = {os.fspath(path) + s for s in ("", *SIDE_FILES)}
    found: dict[int, str] = {}
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return {}
    for fd in fds:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        name = target[: -len(DELETED)] if target.endswith(DELETED) else target
        if name in names:
            found[int(fd)] = target
    return found


def deleted_descriptors(path: Path, ignore: frozenset[int] = frozenset()) -> list[str]:
    """The cache files this process holds open that were deleted: the sign that its locks
    were lost and another process removed the files under it. `ignore`: descriptors of
    connections set aside after a loss."""
    return sorted(
        {
            t[: -len(DELETED)]
            for fd, t in cache_descriptors(path).items()
            if t.endswith(DELETED) and fd not in ignore
        }
    )


def lost_because(
    path: Path, opened: Identity | None, ignore: frozenset[int] = frozenset()
) -> str | None:
    """Why a cache opened as `opened` can no longer be trusted, or None while it can."""
    try:
        now = identity(path)
    except FileNotFoundError:
        return f"{path}: the cache file is no longer there (moved, renamed or deleted)"
    except OSError as exc:
        return f"{path}: the cache file cannot be read ({exc.strerror or exc})"
    if opened is not None and now != opened:
        return f"{path}: the cache file has been replaced by another file"
    gone = deleted_descriptors(path, ignore)
    if gone:
        return (
            f"{gone[0]}: deleted while this console had it open (its locks were lost, so "
            "changes made here might not reach other officers)"
        )
    return None
