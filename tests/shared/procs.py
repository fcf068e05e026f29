"""Real processes on one cache: a headless console (console_driver) and the installed
`triage` command, for the shared-cache tests."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_cables"
TRIAGE = str(Path(sys.executable).with_name("triage"))


def arg(db: Path) -> str:
    """The cache as a command line names it: a file's path, or a PostgreSQL URL (a DbUrl)."""
    return str(getattr(db, "url", db))


def shared_cache(tmp: Path, backend: str, request: Any) -> Path:
    """A new, empty cache of the test's backend: a file in a desk folder, or a database on the
    test session's private PostgreSQL server."""
    if backend == "postgresql":
        from triage.store.api import as_target

        url = request.getfixturevalue("pg_url")
        # (on a server only `triage init` makes the tables and their grants, as the README has
        # the owner do before anyone ingests)
        subprocess.run([TRIAGE, "init", "--db", url], check=True, capture_output=True)
        return as_target(url)
    (tmp / "desk").mkdir(exist_ok=True)
    return tmp / "desk" / "cache.db"


def env_for(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("TRIAGE_DB", None)
    return env


def triage(
    db: Path, *args: str, env: dict[str, str], check: bool = True, **kw: Any
) -> subprocess.CompletedProcess[str]:
    res = subprocess.run(
        [TRIAGE, *args[:1], "--db", arg(db), *args[1:]]
        if args and args[0] != "parse"
        else [TRIAGE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        **kw,
    )
    if check and res.returncode != 0:
        raise AssertionError(f"triage {' '.join(args)} exited {res.returncode}: {res.stderr}")
    return res


def start_watch(db: Path, drop: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`triage watch` on a drop folder, polling every 0.1 s, its output piped."""
    return subprocess.Popen(
        [TRIAGE, "watch", "--db", arg(db), "--interval", "0.1", str(drop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def drop_file(folder: Path, name: str, text: str) -> None:
    """A file into a drop folder as a feed writes one: written under a dot-name, then renamed."""
    (folder / f".{name}.tmp").write_text(text, encoding="utf-8")
    (folder / f".{name}.tmp").rename(folder / name)


def flash_cable(serial: int, minute: int = 0) -> str:
    """An invented FLASH cable, reference 26STATE<serial>, sent at 29 NOV 26 12:<minute>Z."""
    text = (SAMPLES / "01_flash_hijack.txt").read_text(encoding="utf-8")
    text = text.replace("104233", str(serial)).replace("#4233", f"#{serial % 10000:04d}")
    text = text.replace("271200Z NOV 26", f"2912{minute % 60:02d}Z NOV 26")
    return text.replace(
        "SUBJECT: DIVERSION OF CARGO VESSEL M/V NORTHERN STAR",
        f"SUBJECT: ARRIVAL CHECK NUMBER {serial}",
    )


def routine_cable(serial: int) -> str:
    """An invented ROUTINE cable, reference 26TOKYO<serial>."""
    text = (SAMPLES / "06_routine_tokyo.txt").read_text(encoding="utf-8")
    return text.replace("002291", f"{serial:06d}").replace("#2291", f"#{serial % 10000:04d}")


class Console:
    """A console (the real TriageApp, headless) in a process of its own."""

    def __init__(
        self, db: Path, home: Path, login: str = "officer", size: tuple[int, int] = (140, 40)
    ) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.shared.console_driver",
                "--db",
                arg(db),
                "--login",
                login,
                "--width",
                str(size[0]),
                "--height",
                str(size[1]),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env_for(home),
        )
        first = self._read()
        if not first.get("ready"):
            raise AssertionError(f"the console did not start: {first}")
        self.pid = int(first["pid"])
        self.db = db

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"the console process ended: {err[-3000:]}")
        return json.loads(line)

    def ask(self, **req: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def screen(self) -> str:
        return "\n".join(self.ask(op="screen")["lines"])

    def wait_for(self, text: str, timeout: float = 2.0) -> float:
        """Seconds until the console showed `text`; fails with the screen after `timeout`."""
        res = self.ask(op="wait", text=text, timeout=timeout)
        if not res["ok"]:
            raise AssertionError(
                f"{text!r} not shown within {timeout} s:\n" + "\n".join(res["lines"])
            )
        return float(res["after"])

    def keys(self, *keys: str) -> None:
        self.ask(op="keys", keys=list(keys))

    def deleted_descriptors(self) -> list[str]:
        """The console's descriptors that point at a deleted file of the cache."""
        out = []
        fd_dir = Path(f"/proc/{self.pid}/fd")
        for fd in fd_dir.iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith(str(self.db)) and target.endswith("(deleted)"):
                out.append(target)
        return out

    def close(self) -> dict[str, Any]:
        if self.proc.poll() is None:
            try:
                bye = self.ask(op="quit")
            except (AssertionError, OSError, ValueError):
                bye = {}
            self.proc.wait(timeout=30)
            return bye
        return {}

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def integrity(db: Path) -> str:
    """PRAGMA integrity_check, read by a process of its own; on PostgreSQL (whose pages the
    server checks itself) what triage relies on: every cable has its workflow row, its search
    document and the version it names, and every link's cited cable is held."""
    code = (
        "import sys; from triage.store import connect; c = connect(sys.argv[1]); "
        "print('; '.join(r[0] for r in c.execute('PRAGMA integrity_check')) "
        "if getattr(c, 'backend', 'sqlite') == 'sqlite' else "
        "'; '.join(f'{n} {what}' for what, n in c.execute(sys.argv[2]).fetchall() if n) or 'ok')"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, arg(db), PG_CONSISTENCY],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return res.stdout.strip()


PG_CONSISTENCY = (
    "SELECT 'cables without a workflow row', count(*) FROM cables c "
    "WHERE NOT EXISTS (SELECT 1 FROM workflow w WHERE w.cable_id = c.id) "
    "UNION ALL SELECT 'cables without a search document', count(*) FROM cables c "
    "WHERE NOT EXISTS (SELECT 1 FROM cables_fts f WHERE f.cable_id = c.id) "
    "UNION ALL SELECT 'cables without their current version', count(*) FROM cables c "
    "WHERE NOT EXISTS (SELECT 1 FROM cable_versions v WHERE v.cable_id = c.id "
    "AND v.version = c.version) "
    "UNION ALL SELECT 'links to a cable not held', count(*) FROM cable_links l "
    "WHERE l.cited_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cables c WHERE c.id = l.cited_id)"
)


def exported(db: Path, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """The action list as a fresh process exports it, by reference id."""
    res = triage(db, "export", "--view", "All", env=env)
    rows = csv.DictReader(io.StringIO(res.stdout))
    out = {}
    for row in rows:
        key = next(k for k in row if k.lower().startswith("ref"))
        out[row[key].strip().lstrip("'")] = row
    return out


def column(row: dict[str, str], name: str) -> str:
    key = next(k for k in row if k.lower() == name)
    return row[key].strip().lstrip("'")


def fresh_status(db: Path, ref: str) -> tuple[str | None, str]:
    """(officer, status) of a cable as a fresh process reads it from the cache."""
    code = (
        "import sys; from triage.store import connect; c = connect(sys.argv[1]); "
        "r=c.execute('SELECT w.officer, w.status FROM cables c LEFT JOIN workflow w "
        "ON w.cable_id=c.id WHERE c.reference_id=?',(sys.argv[2],)).fetchone(); "
        "print(repr(None if r is None else tuple(r)))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, arg(db), ref],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    import ast

    r = ast.literal_eval(res.stdout.strip())
    return (r[0], r[1] or "NEW") if r else (None, "")


__all__ = [
    "Console",
    "arg",
    "flash_cable",
    "fresh_status",
    "integrity",
    "shared_cache",
    "sqlite3",
    "triage",
]
