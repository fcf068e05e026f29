"""Who is at work: the operating system's login of this process (never an environment
variable). A leaf module: the config, the store and the console all ask it."""

from __future__ import annotations

import os
import pwd


def current_login() -> str:
    """Who did it: the operating system's login of this process, never an environment variable."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"
