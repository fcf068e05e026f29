"""Two officers over ssh, as users launch triage: sshd on 127.0.0.1 with its own host key,
config and authorised key in a temporary folder, two test users sharing one group-writable
cache. Each assigns a cable in the console; each sees the other's change within two seconds;
the audit log names the right login for each change. sshd stops when the test ends."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import N_SAMPLES
from .terminal import Tmux, require

ROOT = Path(__file__).resolve().parents[2]
USERS = ("triage-test-a", "triage-test-b")
GROUP = "triage-test"
SYSTEM_PYTHON = "/usr/bin/python3"


@dataclass
class Sshd:
    port: int
    key: Path
    work: Path
    pythonpath: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ensure_users() -> None:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        subprocess.run(["groupadd", GROUP], check=True)
    for user in USERS:
        try:
            pwd.getpwnam(user)
        except KeyError:
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", "-G", GROUP, user], check=True)
        subprocess.run(["usermod", "-a", "-G", GROUP, user], check=True)
        # a new account is locked ('!'), which sshd refuses even for keys without PAM: '*'
        # leaves it without a password but not locked
        subprocess.run(["usermod", "-p", "*", user], check=True)


def _install_for_users(target: Path) -> None:
    """triage and what it needs, where the test users can read them (root's home is closed):
    the site-packages this test runs with, and the project's package on top."""
    site = Path(sysconfig.get_paths()["purelib"])
    shutil.copytree(
        site, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    shutil.rmtree(target / "triage", ignore_errors=True)
    shutil.copytree(
        ROOT / "triage", target / "triage", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "sample_cables", target / "triage" / "sample_cables", dirs_exist_ok=True)
    for p in [target, *target.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)


@pytest.fixture(scope="module")
def sshd() -> Iterator[Sshd]:
    require("tmux")
    require("ssh")
    if not Path("/usr/sbin/sshd").exists():
        require("sshd")
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the ssh test creates users and runs sshd: it needs root")
        pytest.skip("the ssh test creates users and runs sshd: it needs root (CI has it)")
    if not Path(SYSTEM_PYTHON).exists():
        pytest.fail(f"{SYSTEM_PYTHON} is needed to run triage as the test users")
    _ensure_users()
    work = Path(tempfile.mkdtemp(prefix="triage-ssh-", dir="/tmp"))
    work.chmod(0o755)
    keys = work / "keys"
    keys.mkdir(mode=0o755)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / "host_key")], check=True
    )
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / "client_key")], check=True
    )
    pub = (work / "client_key.pub").read_text()
    for user in USERS:
        (keys / user).write_text(pub)
        (keys / user).chmod(0o644)
    port = _free_port()
    config = work / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work / 'host_key'}\nPidFile {work / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {keys}/%u\nStrictModes no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin no\n"
        f"AllowUsers {' '.join(USERS)}\nPrintMotd no\nX11Forwarding no\n"
    )
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    lib = work / "lib"
    _install_for_users(lib)
    proc = subprocess.Popen(
        ["/usr/sbin/sshd", "-D", "-e", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"sshd did not start: {proc.stderr.read() if proc.stderr else ''}"
                ) from None
            time.sleep(0.05)
    try:
        yield Sshd(port, work / "client_key", work, lib)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)


def test_two_officers_over_ssh_see_each_others_changes(sshd: Sshd) -> None:
    shared = sshd.work / "shared"
    shared.mkdir()
    gid = grp.getgrnam(GROUP).gr_gid
    os.chown(shared, 0, gid)
    shared.chmod(0o2770)
    conf = sshd.work / "config" / "triage"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text(f'group = "{GROUP}"\nofficers = ["alice-desk", "bob-desk"]\n')
    for p in (sshd.work / "config", conf, conf / "config.toml"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    db = shared / "cache.db"
    env = {**os.environ, "XDG_CONFIG_HOME": str(sshd.work / "config")}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "triage.cli",
            "ingest",
            "--db",
            str(db),
            str(ROOT / "sample_cables"),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    st = db.stat()
    assert st.st_gid == gid and (st.st_mode & 0o777) == 0o660

    def login(user: str) -> str:
        remote = (
            f"cd /tmp && env TERM=xterm-256color XDG_CONFIG_HOME={sshd.work / 'config'} "
            f"PYTHONPATH={sshd.pythonpath} {SYSTEM_PYTHON} -m triage.cli --db {db}"
        )
        return (
            f"ssh -tt -i {sshd.key} -p {sshd.port} -o StrictHostKeyChecking=no "
            f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {user}@127.0.0.1 '{remote}'"
        )

    env_t = {"TERM": "xterm-256color", "HOME": str(sshd.work)}
    with Tmux(140, 30, env_t) as a, Tmux(140, 30, env_t) as b:
        a.run(login(USERS[0]))
        b.run(login(USERS[1]))
        a.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        b.wait_for(f"Inbox {N_SAMPLES}", timeout=30)
        # officer A assigns the first cable
        a.keys("a")
        a.wait_for("Assign 26JCS911")
        a.type("alice-desk")
        a.keys("Enter")
        a.wait_for("alice-desk", timeout=10)
        b.wait_for("alice-desk", timeout=2.0)
        # officer B assigns the second
        b.keys("j", "a")
        b.wait_for("Assign 26STATE104233")
        b.type("bob-desk")
        b.keys("Enter")
        b.wait_for("bob-desk", timeout=10)
        a.wait_for("bob-desk", timeout=2.0)
        a.keys("q")
        b.keys("q")
        a.wait_for_exit(timeout=15)
        b.wait_for_exit(timeout=15)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT who, reference_id, field, new FROM audit ORDER BY id").fetchall()
    assert ("triage-test-a", "26JCS911", "officer", "alice-desk") in rows
    assert ("triage-test-b", "26STATE104233", "officer", "bob-desk") in rows
    assert {r[0] for r in rows} == set(USERS)
