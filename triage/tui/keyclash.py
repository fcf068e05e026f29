"""A [keymap] entry that gives a key another binding on the same screen answers: left out and
named (checked by the app as it starts; keymap.py checks ids and key names before it)."""

from __future__ import annotations

from textual.binding import Binding
from textual.keys import _character_to_key


def _canonical(key: str) -> str:
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def _keys(keys: str) -> list[str]:
    return [_canonical(k) for k in keys.split(",") if k.strip()]


def _scopes(app: type) -> list[list[Binding]]:
    """The bindings that answer keys at the same time: a screen's (its classes'), the widgets'
    it holds, and the app's. Each dialog is a scope of its own."""
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
        for klass in (*group, app):
            for base in klass.__mro__:
                for b in vars(base).get("BINDINGS", []):
                    if isinstance(b, Binding) and b.id and b.id not in found:
                        found[b.id] = b
        scopes.append(list(found.values()))
    return scopes


def keymap_clashes(keymap: dict[str, str], app: type) -> tuple[dict[str, str], list[str]]:
    """The keymap without its entries that give a key another binding answers on the same
    screen (`"list.search" = "j"`: j still moved down, and / no longer searched), and a line
    for each entry left out naming both bindings. A key two bindings shared before the keymap
    (a tree's j over the split view's) is no clash; a swap (`j` and `/` exchanged) is none."""
    if not keymap:
        return keymap, []
    scopes = _scopes(app)
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
