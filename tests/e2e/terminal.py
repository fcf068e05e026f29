"""A tmux session a test can type into and read, as a person at a terminal would."""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest


def require(tool: str) -> None:
    """In CI the tool must be there (.ci/run installs it); elsewhere say what is missing."""
    if shutil.which(tool):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed; .ci/run installs it")
    pytest.skip(f"{tool} is not installed on this machine (CI installs it)")


def own_home(tmp_path: Path, term: str = "xterm-256color") -> dict[str, str]:
    """A terminal's environment with a home of its own under tmp_path (HOME and the XDG
    folders), so that no real config or data of the machine's is read."""
    return {
        "TERM": term,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }


class Tmux:
    def __init__(self, width: int, height: int, env: dict[str, str]) -> None:
        self.name = f"triage-test-{uuid.uuid4().hex[:8]}"
        self.width, self.height = width, height
        self.env = env
        self.socket = f"/tmp/{self.name}.sock"

    def _tmux(self, *args: str, check: bool = True) -> str:
        res = subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=False
        )
        if check and res.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {res.stderr}")
        return res.stdout

    def __enter__(self) -> Tmux:
        env_prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        # a plain shell that exits when the command does; `exec env ...` sets TERM for the app
        self._tmux(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            f"env {env_prefix} sh",
        )
        self._tmux("set-option", "-t", self.name, "remain-on-exit", "on")
        return self

    def __exit__(self, *exc: object) -> None:
        self._tmux("kill-server", check=False)
        with contextlib.suppress(OSError):
            os.unlink(self.socket)

    def run(self, command: str) -> None:
        self.type(f"exec {command}")
        self.keys("Enter")

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def keys(self, *keys: str) -> None:
        for k in keys:
            self._tmux("send-keys", "-t", self.name, k)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name)

    def title(self) -> str:
        return self._tmux("display-message", "-p", "-t", self.name, "#{pane_title}").strip()

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """Poll the screen until `text` shows (what a user waits for), or fail showing it."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; the screen:\n{screen}")

    def wait_for_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} still on the screen after {timeout}s:\n{screen}")

    def wait_for_exit(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead = self._tmux(
                "display-message", "-p", "-t", self.name, "#{pane_dead}", check=False
            ).strip()
            if dead == "1":
                return
            time.sleep(0.05)
        raise AssertionError("triage did not exit:\n" + self.screen())
