"""Copying to the clipboard through the terminal (OSC 52), over ssh too, and saying so when
the terminal will not take it. No Textual here."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from ..private_file import write_private
from ..visible import visible

# terminals cap what one OSC 52 sequence may carry (xterm: 100,000 bytes of base64 by default)
OSC52_MAX_BYTES = 74_000  # of text: ~99,000 of base64


def refusal(env: Mapping[str, str], size: int) -> str | None:
    """Why this terminal will not take an OSC 52 copy of `size` bytes, or None when it should.
    (No terminal answers whether it took one: these are the cases known to drop it.)"""
    term = env.get("TERM", "")
    if term in ("linux", "dumb", "vt100", "vt220"):
        return f"this terminal (TERM={term}) does not take clipboard copies (OSC 52)"
    if size > OSC52_MAX_BYTES:
        return f"{size:,} bytes is more than terminals take in one clipboard copy"
    if env.get("TMUX"):
        mode = _tmux_clipboard()
        if mode in ("off", "external"):
            return (
                f"tmux drops clipboard copies from programs (set-clipboard {mode}); "
                "`tmux set -g set-clipboard on` lets them through"
            )
    return None


def _tmux_clipboard() -> str | None:
    try:
        out = subprocess.run(
            ["tmux", "show-options", "-gv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def save_fallback(text: str, name: str) -> str:
    """The text in a private file in the home folder, for when the clipboard will not take it;
    its control characters shown as symbols (ESC as ␛), as on screen, so that `cat` of the file
    cannot set the clipboard or retitle the terminal (`triage raw` gives the bytes)."""
    path = os.path.join(os.path.expanduser("~"), name)
    write_private(path, visible(text))
    return path


SAVED_SAFE = "control characters as symbols (␛), safe to print; `triage raw` gives the bytes"
