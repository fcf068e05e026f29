"""A console whose terminal goes away without a SIGHUP (started under `su`, say) exits instead
of spinning on a CPU of the shared host."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from .terminal import own_home

TRIAGE = str(Path(sys.executable).with_name("triage"))


def _read_until(fd: int, text: bytes, deadline: float) -> bytes:
    seen = b""
    while text not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{text!r} never appeared; the terminal showed {seen[-500:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_a_console_whose_terminal_hangs_up_without_sighup_exits(tmp_path: Path) -> None:
    env = {
        **os.environ,
        **own_home(tmp_path),
    }
    before = os.times()  # the CPU of children waited for so far (other tests' included)
    master, slave = os.openpty()

    def child() -> None:
        os.setsid()
        import fcntl
        import termios

        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as when no SIGHUP reaches it

    proc = subprocess.Popen(
        [TRIAGE, "demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        preexec_fn=child,
        close_fds=True,
    )
    os.close(slave)
    try:
        _read_until(master, b"Inbox", time.monotonic() + 60)
        os.close(master)  # the terminal goes away
        assert proc.wait(timeout=30) != 0
        after = os.times()
        spent = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
        assert spent < 25  # the console's own CPU: it did not spin meanwhile
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
