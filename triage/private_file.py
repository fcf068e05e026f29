"""One way to write a file only its owner reads (the config, a clipboard fallback, a screenshot)."""

from __future__ import annotations

import contextlib
import os


def write_private(path: str | os.PathLike[str], text: str) -> None:
    """`text` in a file only its owner reads (mode 0600): written beside it under a hidden name,
    then renamed into place, so a reader sees the old file or the new one, never half of one. A
    link at the name is replaced, never followed; the temporary file is created new (O_EXCL), so
    a link planted at its name is refused rather than written through."""
    path = os.fspath(path)
    head, name = os.path.split(path)
    tmp = os.path.join(head, f".{name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        # left by a process with this pid that died mid-write: ours to replace
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
