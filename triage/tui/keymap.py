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
