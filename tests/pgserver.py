"""A private, throwaway PostgreSQL server for the tests: `initdb` + `pg_ctl` from the Debian
`postgresql` package, on a Unix socket in a temporary folder (no TCP port, nothing shared with
any other server on the machine). `initdb` refuses to run as root, so under root (CI) the
cluster belongs to the `postgres` user the Debian package creates.

Each test that asks for a database gets a new one (CREATE DATABASE from the cluster's template),
so tests do not see each other's cables.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

ADMIN = "triage_admin"
PASSWORD_ROLE = "triage_pw"


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    if which:
        return Path(which).resolve().parent
    raise RuntimeError(
        "the PostgreSQL tests need the server programs (initdb, pg_ctl): "
        "apt-get install postgresql (.ci/run does this)"
    )


def _major(path: str) -> int:
    try:
        return int(Path(path).parent.parent.name)
    except ValueError:
        return 0


class Server:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="triage-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.log = self.root / "server.log"
        self.user: str | None = None
        if os.getuid() == 0:
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chmod(self.root, 0o755)
            for p in (self.root, self.sock):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        self._names = itertools.count(1)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True)

    def init(self) -> None:
        if self.user and os.stat("/dev/null").st_mode & 0o006 != 0o006:
            raise RuntimeError(
                "/dev/null is not writable by other users (mode "
                f"{os.stat('/dev/null').st_mode & 0o777:o}): something on this machine changed "
                "it, and initdb cannot run as the postgres user; chmod 666 /dev/null"
            )
        self._run(
            "initdb", "-D", str(self.data), "-U", ADMIN, "-A", "trust", "--no-sync",
            "-E", "UTF8", "--locale=C",
        )  # fmt: skip
        # every role logs in without a password (trust, on a socket only this machine's root
        # and the cluster's owner can reach) except PASSWORD_ROLE, which must give one: the
        # tests of ~/.pgpass use it
        hba = self.data / "pg_hba.conf"
        hba.write_text(f"local all {PASSWORD_ROLE} scram-sha-256\n" + hba.read_text())
        self.start()

    def start(self) -> None:
        opts = (
            f"-k {self.sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w", "start")

    def standby_of(self, primary: Server) -> None:
        """Make this (not yet initialised) server a streaming replica of `primary`: a base
        backup of it that follows its WAL (pg_basebackup -R), then started."""
        self._run(
            "pg_basebackup", "-D", str(self.data), "-h", str(primary.sock), "-U", ADMIN,
            "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        self.start()

    def promote(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "promote")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def dsn(self, dbname: str = "postgres", user: str = ADMIN) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.sock}"

    def new_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.dsn(), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def close(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
