"""Where things are and who the user is: the cache path, the config file, the login."""

from __future__ import annotations

import os
import pwd
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

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
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{p}: {exc}") from exc
        return _from_dict(p, data)
    return Config()


def _from_dict(path: Path, data: dict[str, Any]) -> Config:
    cfg = Config(path=path)
    cfg.db = data.get("db")
    cfg.group = data.get("group")
    cfg.officers = [str(o) for o in data.get("officers", [])]
    office = data.get("office", {})
    cfg.office_ris = [str(r).upper() for r in office.get("routing_indicators", [])]
    cfg.office_names = [str(r).upper() for r in office.get("addresses", [])]
    for k, v in data.get("objectives", {}).items():
        cfg.objectives_min[str(k).upper().replace("_", " ")] = int(v)
    cfg.keymap = {str(k): str(v) for k, v in data.get("keymap", {}).items()}
    cfg.views = list(data.get("view", []))
    cfg.routes = list(data.get("route", []))
    return cfg


def default_db_path() -> Path:
    return Path(user_data_dir("triage", appauthor=False)) / "triage.db"


def demo_db_path() -> Path:
    return Path(user_data_dir("triage", appauthor=False)) / "demo.db"


def resolve_db_path(cli_value: str | None, cfg: Config | None = None) -> Path:
    """--db, else $TRIAGE_DB, else the config file's `db`, else the user data dir."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("TRIAGE_DB")
    if env:
        return Path(env).expanduser()
    cfg = cfg if cfg is not None else load_config()
    if cfg.db:
        return Path(cfg.db).expanduser()
    return default_db_path()


def current_login() -> str:
    """Who did it: the operating system's login of this process, never an environment variable."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"
