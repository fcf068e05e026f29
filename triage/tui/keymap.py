"""The config's [keymap] checked against the console's bindings before the console starts.

A binding id nothing has (`list.dwon`) or a key no terminal sends (`ctrl+zz+q`) would otherwise
be ignored, and the officer would never learn why the key does nothing."""

from __future__ import annotations

import difflib
import functools
import inspect
import sys

from textual.binding import Binding
from textual.keys import KEY_ALIASES, Keys, _character_to_key

from ..config import Config, ConfigError

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def binding_ids() -> set[str]:
    """Every binding id of the console's app, screens and widgets. Every module of theirs is
    loaded for it: the console imports the split view, the Overview, the dialogs and their
    widgets when they are first used, after its first screen."""
    import importlib
    import pkgutil

    from . import app, screens, widgets  # noqa: F401

    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{info.name}")
    ids: set[str] = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("triage.tui"):
            continue
        for _, klass in inspect.getmembers(module, inspect.isclass):
            for binding in vars(klass).get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


@functools.cache
def _key_names() -> frozenset[str]:
    names = {k.value for k in Keys if "+" not in k.value}
    names |= set(KEY_ALIASES)
    for code in range(33, 127):
        names.add(chr(code))
        names.add(_character_to_key(chr(code)))
    names |= {"space", "tab", "enter", "escape", "backspace", "delete", "insert"}
    return frozenset(names)


def key_problem(key: str) -> str | None:
    """Why `key` (one key, like `ctrl+d` or `question_mark`) cannot be typed, or None."""
    *mods, name = key.split("+") if key != "+" else ["+"]
    bad = [m for m in mods if m.lower() not in MODIFIERS]
    if bad:
        return f"{bad[0]!r} is not a modifier (ctrl, shift, alt, meta, super, hyper)"
    if name not in _key_names():
        return f"{name!r} is no key name (a character, or a name like enter, pageup, f5, slash)"
    return None


def check_keymap(cfg: Config) -> None:
    """ConfigError naming the file, the binding and what is wrong, for the first bad entry."""
    if not cfg.keymap:
        return
    ids = binding_ids()
    for bid, keys in cfg.keymap.items():
        if bid not in ids:
            near = difflib.get_close_matches(bid, sorted(ids), n=1)
            hint = f" (did you mean {near[0]}?)" if near else " (? in the console lists them)"
            raise ConfigError(f"{cfg.path}: keymap: no binding has the id {bid!r}{hint}")
        for key in (k.strip() for k in keys.split(",")):
            if key and (why := key_problem(key)):
                raise ConfigError(f"{cfg.path}: keymap.{bid}: {key!r}: {why}")


def _canonical(key: str) -> str:
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def _keys(keys: str) -> list[str]:
    return [_canonical(k) for k in keys.split(",") if k.strip()]


def _scopes() -> list[list[Binding]]:
    """The bindings that answer keys at the same time: a screen's (its classes'), the widgets'
    it holds, and the app's. Each dialog is a scope of its own."""
    binding_ids()  # (every module loaded)
    from .app import TriageApp
    from .screens.cable import CableScreen
    from .screens.cache_lost import CacheLostScreen
    from .screens.dialogs import Modal
    from .screens.list import ListScreen
    from .screens.overview import OverviewScreen
    from .widgets.cable_list import CableList
    from .widgets.charts import FigureGrid
    from .widgets.thread_tree import ThreadTree

    def subclasses(klass: type) -> list[type]:
        out = [klass]
        subs: list[type] = klass.__subclasses__()
        for sub in subs:
            out += subclasses(sub)
        return out

    groups: list[tuple[type, ...]] = [
        (ListScreen, CableList),
        (CableScreen, ThreadTree),
        (OverviewScreen, FigureGrid),
        (CacheLostScreen,),
        *((k,) for k in subclasses(Modal)),
    ]
    scopes = []
    for group in groups:
        found: dict[str, Binding] = {}
        for klass in (*group, TriageApp):
            for base in klass.__mro__:
                for b in vars(base).get("BINDINGS", []):
                    if isinstance(b, Binding) and b.id and b.id not in found:
                        found[b.id] = b
        scopes.append(list(found.values()))
    return scopes


def keymap_clashes(keymap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The keymap without its entries that give a key another binding answers on the same
    screen (`"list.search" = "j"`: j still moved down, and / no longer searched), and a line
    for each entry left out naming both bindings. A key two bindings shared before the keymap
    (a tree's j over the split view's) is no clash; a swap (`j` and `/` exchanged) is none."""
    if not keymap:
        return keymap, []
    scopes = _scopes()
    kept = dict(keymap)
    problems: list[str] = []
    while (clash := _first_clash(scopes, kept)) is not None:  # (each drops one entry)
        bid, other, key = clash
        shown = KEY_SHOWN.get(key, key)
        problems.append(
            f"keymap.{bid}: {shown!r} is already the key of {other}; {bid} keeps its own "
            f"keys (give {other} another key, or {bid} one nothing else on its screen has)"
        )
        del kept[bid]
    return kept, problems


KEY_SHOWN = {"question_mark": "?", "slash": "/"}


def _first_clash(
    scopes: list[list[Binding]], keymap: dict[str, str]
) -> tuple[str, str, str] | None:
    """(the keymap's binding, the other binding, the key) of the first clash, or None."""
    for bindings in scopes:
        default = {b.id or "": set(_keys(b.key)) for b in bindings}
        now = {i: set(_keys(keymap[i])) if i in keymap else keys for i, keys in default.items()}
        for bid in sorted(i for i in now if i in keymap):
            for other in sorted(now):
                if other != bid:
                    new = (now[bid] & now[other]) - (default[bid] & default[other])
                    if new:
                        return bid, other, sorted(new)[0]
    return None
