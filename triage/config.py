"""Where things are and who the user is: the cache path, the config file, the login."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from .login import current_login as current_login  # (asked of the config by many)
from .private_file import write_private

DEFAULT_OBJECTIVES_MIN = {
    "EMERGENCY": 10,
    "FLASH": 10,
    "NIACT IMMEDIATE": 30,
    "IMMEDIATE": 30,
    "PRIORITY": 180,
    "ROUTINE": 360,
}


class ConfigError(Exception):
    """The config file could not be read; the message names the file and the problem."""


@dataclass
class Config:
    path: Path | None = None
    db: str | None = None
    group: str | None = None
    officers: list[str] = field(default_factory=list)
    office_ris: list[str] = field(default_factory=list)
    office_names: list[str] = field(default_factory=list)
    objectives_min: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_OBJECTIVES_MIN))
    keymap: dict[str, str] = field(default_factory=dict)
    views: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    # a new cable citing a cable an officer holds is suggested to that officer ([thread] route)
    route_by_thread: bool = True


def config_paths() -> list[Path]:
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path(xdg) / "triage" / "config.toml", Path("/etc/triage/config.toml")]


def load_config(path: Path | None = None) -> Config:
    """The first config file that exists, or the defaults."""
    candidates = [path] if path else config_paths()
    for p in candidates:
        if p is None or not p.is_file():
            continue
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, RecursionError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{p}: {exc}") from exc
        return _from_dict(p, data)
    return Config()


# the longest handling objective a config may set: a year, in minutes (a larger number is a
# typo, and a far larger one would overflow the clock arithmetic of the Overdue view)
MAX_OBJECTIVE_MIN = 366 * 24 * 60
# every key the config file may hold at its top level
TOP_KEYS = (
    "db", "group", "officers", "office", "objectives", "keymap", "view", "route", "thread"
)  # fmt: skip


def _from_dict(path: Path, data: dict[str, Any]) -> Config:
    """The config, every value checked for its type: a wrong one is a ConfigError naming the file,
    the key and what it should be, never a crash later on."""

    def bad(key: str, want: str, value: object) -> ConfigError:
        return ConfigError(f"{path}: {key} should be {want}, not {_shown(value)}")

    def text(key: str, value: object) -> str:
        if not isinstance(value, str):
            raise bad(key, "a string in quotes", value)
        return value

    def texts(key: str, value: object) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(key, 'a list of strings, like ["a", "b"]', value)
        return list(value)

    def table(key: str, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise bad(key, f"a table ([{key}] and key = value lines below it)", value)
        return value

    def tables(key: str, value: object) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise bad(key, f"tables ([[{key}]] and key = value lines below each)", value)
        return list(value)

    def known(where: str, table: dict[str, Any], keys: tuple[str, ...]) -> None:
        """A key triage does not know is a typo, or a value under the wrong [table]: say so
        rather than ignore it (`tag = ...` in a route would never match)."""
        for k in table:
            if k not in keys:
                hint = ""
                if where == "" and str(k).upper().replace("_", " ") in DEFAULT_OBJECTIVES_MIN:
                    hint = " (a handling objective goes under [objectives])"
                raise ConfigError(
                    f"{path}: unknown key {where}{k}{hint}; known here: {', '.join(keys)}"
                )

    known("", data, TOP_KEYS)
    cfg = Config(path=path)
    if "db" in data:
        cfg.db = text("db", data["db"])
    if "group" in data:
        cfg.group = text("group", data["group"])
    cfg.officers = texts("officers", data.get("officers", []))
    office = table("office", data.get("office", {}))
    known("office.", office, ("routing_indicators", "addresses"))
    ris = texts("office.routing_indicators", office.get("routing_indicators", []))
    cfg.office_ris = [r.upper() for r in ris]
    names = texts("office.addresses", office.get("addresses", []))
    cfg.office_names = [n.upper() for n in names]
    for k, v in table("objectives", data.get("objectives", {})).items():
        name = str(k).upper().replace("_", " ")
        if name not in DEFAULT_OBJECTIVES_MIN:
            raise ConfigError(
                f"{path}: objectives.{k}: no such precedence; one of "
                + ", ".join(p.replace(" ", "_") for p in DEFAULT_OBJECTIVES_MIN)
            )
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_OBJECTIVE_MIN:
            raise bad(f"objectives.{k}", f"whole minutes from 0 to {MAX_OBJECTIVE_MIN:,}", v)
        cfg.objectives_min[name] = v
    for k, v in table("keymap", data.get("keymap", {})).items():
        keys = text(f"keymap.{k}", v)
        if not [key for key in keys.split(",") if key.strip()]:
            raise bad(f"keymap.{k}", 'keys separated by commas, like "j,down"', v)
        cfg.keymap[str(k)] = keys
    cfg.views = tables("view", data.get("view", []))
    for n, view in enumerate(cfg.views, 1):
        where = f"view #{n}"
        known(f"{where}: ", view, ("name", "filter", "search"))
        name = text(f"{where}: name", view.get("name", ""))
        if not name.strip():
            raise ConfigError(f"{path}: {where} has no name")
        # the filter is read by store.views.custom_views (config knows no filters)
        text(f"view {name!r}: filter", view.get("filter", ""))
        text(f"view {name!r}: search", view.get("search", ""))  # saved from the console (W)
    cfg.routes = tables("route", data.get("route", []))
    for n, route in enumerate(cfg.routes, 1):
        where = f"route #{n}"
        known(f"{where}: ", route, ("officer", "tags", "origin", "subject"))
        text(f"{where}: officer", route.get("officer", ""))
        texts(f"{where}: tags", route.get("tags", []))
        for key in ("origin", "subject"):
            if key in route:
                _check_pattern(path, f"{where}: {key}", text(f"{where}: {key}", route[key]))
    thread = table("thread", data.get("thread", {}))
    known("thread.", thread, ("route",))
    if "route" in thread:
        if not isinstance(thread["route"], bool):
            raise bad("thread.route", "true or false", thread["route"])
        cfg.route_by_thread = thread["route"]
    return cfg


def _shown(value: object) -> str:
    """A config value as TOML would write it, cut short."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = f'"{value}"'
    elif isinstance(value, dict):
        shown = "a table"
    else:
        shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _check_pattern(path: Path, where: str, pattern: str) -> None:
    """A route's origin or subject is a regular expression: one that cannot be compiled (or
    would be slow to: a pattern is matched against every new cable) is named at start."""
    if len(pattern) > 500:
        raise ConfigError(f"{path}: {where}: the pattern is over 500 characters")
    try:
        re.compile(pattern, re.I)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ConfigError(
            f"{path}: {where}: {pattern!r} is not a regular expression ({exc}); "
            "escape special characters with a backslash"
        ) from exc


def default_db_path() -> Path:
    return Path(user_data_dir("triage", appauthor=False)) / "triage.db"


def demo_db_path() -> Path:
    return Path(user_data_dir("triage", appauthor=False)) / "demo.db"


def resolve_db_path(cli_value: str | None, cfg: Config | None = None) -> Path:
    """--db, else $TRIAGE_DB, else the config file's `db`, else the user data dir."""
    from .store.api import as_target  # a postgresql:// URL stays one (see store.api.DbUrl)

    if cli_value:
        return as_target(cli_value)
    env = os.environ.get("TRIAGE_DB")
    if env:
        return as_target(env)
    cfg = cfg if cfg is not None else load_config()
    if cfg.db:
        return as_target(cfg.db)
    return default_db_path()


# -- views saved from the console ---------------------------------------------------------------


def user_config_path() -> Path:
    return config_paths()[0]


def _toml_string(value: str) -> str:
    # a JSON string is a TOML basic string (the same escapes)
    return json.dumps(value, ensure_ascii=False)


def _write_config(path: Path, text: str) -> None:
    """Checked (it must read back), then written beside and renamed into place. A config that
    is a link (`config.toml -> ~/dotfiles/triage.toml`) is written through: the file it names
    is the one replaced, from beside it, keeping its mode (the link was replaced by a new file
    and the dotfile left as it was). A file made new is the owner's alone (0600)."""
    tomllib.loads(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    write_private(target, text)
    if mode is not None and mode != 0o600:
        os.chmod(target, mode)


def _config_text(cfg: Config, target: Path) -> str:
    """The text the user's config starts from: theirs, or (the first time) the file the
    console read, so that the new file loses none of it."""
    for p in (target, cfg.path):
        if p is not None and p.is_file():
            return p.read_text(encoding="utf-8")
    return ""


def _not_saved(target: Path, what: str, exc: Exception) -> ConfigError:
    """Why the config file could not be written, in words, naming it and what to do (the
    OSError named the hidden temporary file beside it: `[Errno 13] Permission denied:
    '.../.config.toml.27163.tmp'`)."""
    where = f"config file {target}: could not {what}"
    if isinstance(exc, PermissionError):
        folder = next((d for d in target.parents if d.is_dir()), target.parent)
        return ConfigError(
            f"{where}: you may not write in the folder {folder} (permission denied). Make it "
            f"yours to write (ls -ld {folder}), or set XDG_CONFIG_HOME to a folder you can write"
        )
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return ConfigError(f"{where}: {target.parent} is on a read-only file system")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ConfigError(f"{where}: the disk (or your quota) is full; free some space")
    if isinstance(exc, OSError):
        return ConfigError(f"{where}: {exc.strerror or exc}")
    if isinstance(exc, UnicodeDecodeError):
        return ConfigError(f"{where}: the file is not UTF-8 text; mend it in an editor")
    return ConfigError(f"{where}: the file cannot be read as TOML ({exc}); mend it in an editor")


def save_view(cfg: Config, name: str, filter_text: str, search: str | None) -> Path:
    """Add (or replace) `[[view]] name` in the user's config file; returns the file. Raises
    ConfigError naming the file and the problem."""
    target = user_config_path()
    try:
        text = _remove_view_text(_config_text(cfg, target), name)
        block = f"\n[[view]]\nname = {_toml_string(name)}\n"
        if filter_text:
            block += f"filter = {_toml_string(filter_text)}\n"
        if search:
            block += f"search = {_toml_string(search)}\n"
        head = text.rstrip("\n") + "\n" if text.strip() else ""
        _write_config(target, head + (block if head else block.lstrip("\n")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _not_saved(target, "save the view", exc) from exc
    return target


def remove_view(cfg: Config, name: str) -> Path:
    target = user_config_path()
    try:
        text = _config_text(cfg, target)
        new = _remove_view_text(text, name)
        if new == text:
            raise ConfigError(f"{target}: no view {name!r} in it")
        _write_config(target, new)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _not_saved(target, "remove the view", exc) from exc
    return target


def _remove_view_text(text: str, name: str) -> str:
    """The config text without its `[[view]]` tables named `name` (the rest kept as written,
    comments included)."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    k = 0
    while k < len(lines):
        if lines[k].strip() == "[[view]]":
            end = k + 1
            while end < len(lines) and not lines[end].lstrip().startswith("["):
                end += 1
            block = "".join(lines[k:end])
            try:
                found = tomllib.loads(block).get("view", [{}])[0].get("name")
            except tomllib.TOMLDecodeError:
                found = None
            if found == name:
                while out and not out[-1].strip():
                    out.pop()  # the blank line before it goes too
                if out:
                    out.append("\n")
                k = end
                continue
        out.append(lines[k])
        k += 1
    return "".join(out)
