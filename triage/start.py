"""The console's start, without click: what `triage` (no subcommand) does before the console
runs, shared by the click group (cli.py) and the `triage` command's own entry point
(entry.py), which starts the console without importing click at all.

A start that cannot go on raises `Refused`, whose message cli.py prints as its one line
`triage: ...` (exit status 1), as for every command.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import Config, ConfigError, load_config, resolve_db_path
from .visible import os_name

NUL_IN_NAME = "not a file name: it holds a NUL byte"


class Refused(Exception):
    """The start cannot go on; the message says why, naming the file or the database."""


def checked_config() -> Config:
    """The config file, checked: a value of the wrong type or a view's filter that cannot be read
    stops the command with a line naming the file and the key."""
    from .store.views import FilterError, custom_views

    try:
        cfg = load_config()
        custom_views(cfg.views)
    except ConfigError as exc:
        raise Refused(f"config file {exc}") from exc
    except FilterError as exc:
        raise Refused(f"config file {cfg.path}: {exc}") from exc
    return cfg


def cache_path(cli_value: str | None, cfg: Config) -> Path:
    path = resolve_db_path(cli_value, cfg)
    if "\x00" in str(path):
        raise Refused(f"{path}: {NUL_IN_NAME}")
    shown = os_name(str(path))
    if shown != str(path):
        # SQLite names its files in UTF-8: it made the cache, then could not read its own name
        raise Refused(f"{shown}: a cache's path must be UTF-8 text (the bytes shown as \\x..)")
    return path


def new_cache_file(path: Path) -> bool:
    """Whether `path` names a cache file not made yet; refused when its folder is not there
    either. A new cache is made in a folder that is there: a mistyped --db (or $TRIAGE_DB, or
    config `db`) would make folders and a cache nobody else looks in. Only triage's own
    default place is made."""
    from .config import default_db_path
    from .store.dsn import is_postgres

    if is_postgres(path) or os.path.lexists(path):
        return False
    if path != default_db_path() and not path.parent.is_dir():
        raise Refused(
            f"{path}: no folder {path.parent}; check the path, or make the folder first "
            f"(mkdir -p {path.parent})"
        )
    return True


def console(db_path: str | None, path: Path | None = None, overview: bool = False) -> None:
    """Open the console on the cache named by `db_path` (--db), $TRIAGE_DB, the config or the
    default place, or on `path`; return when it is left."""
    from .tui.system import pause_gc, resume_gc

    pause_gc()  # until the first list is drawn (the console's imports make no garbage)
    try:
        _start_console(db_path, path, overview)
    finally:
        # (when the console never drew its list: the process may go on, as under tests)
        resume_gc(freeze=False)


def _start_console(db_path: str | None, path: Path | None, overview: bool) -> None:
    from .store import StoreError
    from .store.first_page import start_console

    cfg = checked_config()
    if path is None:
        path = cache_path(db_path, cfg)
    new_cache_file(path)  # (refuses a missing folder: the console would make a cache in it)
    # the cache is checked (on a database server, by a helper process that reads the first
    # page while this one imports the console: store/first_page.py)
    try:
        starting = start_console(path, cfg)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    from .tui.app import run_console
    from .tui.keymap import check_keymap

    try:
        conn, page = starting.result()
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    try:
        check_keymap(cfg)
    except ConfigError as exc:
        if conn is not None:
            conn.close()
        if page is not None and page.rest is not None:
            page.rest.close()  # (the helper: not wanted)
        raise Refused(f"config file {exc}") from exc
    run_console(path, cfg, overview=overview, conn=conn, first_page=page)
