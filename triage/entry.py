"""The `triage` command's entry point (the installed script's): the console is started here
without importing click; every subcommand, `--help`, and whatever else is typed goes to the
click group in cli.py.

An officer types `triage` (perhaps with `--db` and `--overview`) far more often than anything
else, and click with the command line's own module cost ~30-50 ms of the console's first
screen (measured with `python -X importtime`), time a person waits on every start. The
console's arguments are read here only when they are plainly the console's; anything else,
even a form click would read the same way (`--db` given twice, a value that starts with `-`),
is left to click, so usage errors, `--help` and shell completion are click's, word for word.
A start that fails is handed to the click group (cli.console_failed), which says it and
exits as it does when it starts the console itself.
"""

from __future__ import annotations

import os
import stat
import sys


def console_options(args: list[str]) -> tuple[str | None, bool] | None:
    """(--db's value or None, --overview) when `args` are only the console's own options, each
    once, with a value click takes as it is; None otherwise (click reads them)."""
    db: str | None = None
    overview = False
    seen: set[str] = set()
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--overview":
            name = arg
            overview = True
        elif arg == "--db" and rest:
            name, db = arg, rest.pop(0)
        elif arg.startswith("--db="):
            name, db = "--db", arg[len("--db=") :]
        else:
            return None  # a subcommand, --help, an unknown option, a missing value, ...
        if name in seen:
            return None
        seen.add(name)
    if db is not None and not _plain_path(db):
        return None
    return db, overview


def _plain_path(value: str) -> bool:
    """A --db value click's Path(dir_okay=False) takes as it is: not empty, not an option,
    and not an existing folder or a file this login cannot read (click says those)."""
    if not value or value.startswith("-"):
        return False
    try:
        st = os.stat(value)
    except OSError:
        return True  # (not there yet: a new cache, or a database server's URL)
    except ValueError:  # (a NUL byte)
        return False
    return not stat.S_ISDIR(st.st_mode) and os.access(value, os.R_OK)


def _completing() -> bool:
    """A shell asks click for completions (`_TRIAGE_COMPLETE=...`)."""
    return any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ)


def main() -> None:
    options = console_options(sys.argv[1:])
    if options is None or _completing():
        from .cli import main as cli_main

        cli_main()
        return
    db, overview = options
    try:
        from .start import console

        console(db, overview=overview)
    except SystemExit:
        raise
    except BaseException as exc:
        from .cli import console_failed

        console_failed(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
