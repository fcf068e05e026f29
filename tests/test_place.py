"""Where the cache lives: links resolved, hard links, network filesystems and a -shm the
second login cannot write refused with what to do, before SQLite opens anything."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from triage.store import StoreError, connect
from triage.store.cache import Cache
from triage.store.place import check_place, filesystem_type, identity, lost_because

MOUNTINFO = """\
22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /srv/desk rw,relatime shared:20 - nfs4 filer:/desk rw,vers=4.2
41 22 0:36 / /srv/desk\\040share rw,relatime - cifs //filer/desk rw
42 40 0:37 / /srv/desk/local rw,relatime - ext4 /dev/sdb1 rw
"""


def _connect_as_nobody(db: Path) -> subprocess.CompletedProcess[str]:
    """`connect(db)` in a process running as `nobody` (a second login); prints a StoreError.
    Everything is imported before the login changes: root's Python is not nobody's to read."""
    code = (
        "import os, sys, pwd, grp, sqlite3\n"
        "import triage.store.place\n"
        "from triage.store import connect, StoreError\n"
        "os.setgid(65534); os.setuid(65534)\n"
        "try:\n connect(sys.argv[1])\nexcept StoreError as e:\n print(e)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(db)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )


def test_the_filesystem_of_a_path_is_its_longest_mount_point() -> None:
    assert filesystem_type(Path("/home/k/c.db"), MOUNTINFO) == "ext4"
    assert filesystem_type(Path("/srv/desk/c.db"), MOUNTINFO) == "nfs4"
    assert filesystem_type(Path("/srv/desk share/c.db"), MOUNTINFO) == "cifs"
    assert filesystem_type(Path("/srv/desk/local/c.db"), MOUNTINFO) == "ext4"
    assert filesystem_type(Path("/srv/desktop/c.db"), MOUNTINFO) == "ext4"


def test_a_cache_on_a_network_filesystem_is_refused(tmp_path: Path) -> None:
    info = f"22 1 0:21 / / rw - ext4 /dev/sda1 rw\n40 22 0:35 / {tmp_path} rw - nfs4 f:/x rw\n"
    with pytest.raises(StoreError, match=r"network filesystem \(nfs4\)"):
        check_place(tmp_path / "c.db", mountinfo=info)


def test_a_cache_with_two_hard_links_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    connect(db).close()
    os.link(db, tmp_path / "again.db")
    with pytest.raises(StoreError, match="2 names"):
        connect(db)


def test_a_symlink_is_resolved_so_every_process_shares_one_wal(tmp_path: Path) -> None:
    real = tmp_path / "real" / "c.db"
    real.parent.mkdir()
    connect(real).close()
    link = tmp_path / "link.db"
    link.symlink_to(real)
    conn = connect(link)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO officers VALUES ('x', 'now')")
    conn.execute("COMMIT")
    assert Path(str(real) + "-wal").exists()
    assert not Path(str(link) + "-wal").exists()
    assert Cache(link).path == real
    conn.close()


def test_a_shm_the_second_login_cannot_write_is_refused_with_what_to_do(
    request: pytest.FixtureRequest,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to act as a second login (CI runs as root)")
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="triage-desk-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    os.chmod(folder, 0o777)
    db = folder / "c.db"
    keep = connect(db)  # the first officer's console keeps -wal and -shm in place
    os.chmod(db, 0o666)
    os.chmod(str(db) + "-wal", 0o666)
    os.chmod(str(db) + "-shm", 0o600)  # made under a 077 umask, say
    res = _connect_as_nobody(db)
    keep.close()
    assert "Traceback" not in res.stderr, res.stderr
    assert f"{db}-shm: this login cannot write it (mode 0600, owner root)" in res.stdout
    assert "chmod 660" in res.stdout


def test_a_deleted_or_replaced_cache_is_found_by_stat(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    connect(db).close()
    opened = identity(db)
    assert lost_because(db, opened) is None
    other = tmp_path / "o.db"
    connect(other).close()
    other.rename(db)
    assert "replaced" in (lost_because(db, opened) or "")
    db.unlink()
    assert "deleted" in (lost_because(db, opened) or "")


def test_a_console_never_creates_a_cache_that_was_deleted(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    connect(db).close()
    cache = Cache(db)
    cache.conn()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    assert cache.check() is not None
    cache.mark_lost(cache.check() or "")
    with pytest.raises(StoreError):
        cache.reopen()
    assert not db.exists()


def test_a_cache_this_login_cannot_reach_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to act as a second login (CI runs as root)")
    db = tmp_path / "private" / "c.db"
    db.parent.mkdir()
    connect(db).close()
    os.chmod(db.parent, 0o700)
    res = _connect_as_nobody(db)
    assert "Traceback" not in res.stderr, res.stderr
    assert "this login may not reach the cache" in res.stdout


def test_a_cache_moved_over_a_live_one_is_not_reopened_with_the_old_log(tmp_path: Path) -> None:
    """`mv backup.db cache.db` under open consoles leaves the old -wal and -shm beside the new
    file; reading them as the new file's would mix two caches. Reopen says so instead."""
    from triage.store.ingest import Item, ingest

    db = tmp_path / "c.db"
    conn = connect(db)
    ingest(
        conn,
        [
            Item(
                "a.txt",
                (Path(__file__).parents[1] / "sample_cables" / "14_unclas_plain.txt").read_bytes(),
            )
        ],
    )
    conn.close()
    cache = Cache(db)
    cache.conn().execute("SELECT count(*) FROM cables").fetchone()
    other = tmp_path / "other.db"
    connect(other).close()
    other.rename(db)
    why = cache.check()
    assert why and "replaced" in why
    cache.mark_lost(why)
    assert Path(f"{db}-wal").exists()
    with pytest.raises(StoreError, match="belongs to the cache file that was replaced"):
        cache.reopen()
    assert cache.lost
