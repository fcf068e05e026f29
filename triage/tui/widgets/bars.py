"""The one-line bars around a screen: the classification banner and the key hints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ...cable.rollup import Rollup
from ..safe import LEVEL_COLOURS, banner_text

KEY_NAMES = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}


class KeyHints(Static):
    """One line of key hints, like mutt's: the screen's shown bindings with the keys the user's
    keymap gives them (a Footer of one widget per key costs the first screen ~60 ms)."""

    DEFAULT_CSS = """
    KeyHints { height: 1; padding: 0 1; background: $panel; }
    """

    def __init__(
        self, bindings: list[Binding], keymap: dict[str, str], *, id: str | None = None
    ) -> None:
        super().__init__(markup=False, id=id)
        self._keymap = keymap
        self._hints: list[tuple[str, str, bool]] = []
        self._shown: list[Binding] = []
        self.set_bindings(bindings)

    def set_bindings(self, bindings: list[Binding]) -> None:
        """Hint these (a screen's other mode: a find's n, N and esc). A key an earlier hint
        shows is not shown again for a later one: esc ends a find, `q Back`."""
        if bindings == self._shown:
            return
        self._shown = bindings
        self._hints = []
        taken: set[str] = set()
        for b in bindings:
            if not b.show:
                continue
            keys = [k.strip() for k in self._keymap.get(b.id or "", b.key).split(",")]
            key = next((k for k in keys if k not in taken), keys[0])
            taken.add(key)
            self._hints.append((KEY_NAMES.get(key, key), b.description, b.id in PINNED))
        self._fit(self.content_region.width if self.is_mounted else 0)

    def on_resize(self) -> None:
        self._fit(self.content_region.width)

    def _fit(self, width: int) -> None:
        """Whole hints only, as many as the line holds (in order of need), help and quit always
        (at 80 columns they were the ones to go, and a new user is lost without them), then the
        palette's key when it still fits: a hint cut in half (`space`, no word) says nothing."""
        t = Text(end="", no_wrap=True, overflow="ellipsis")
        used = sum(len(k) + len(w) + 3 for k, w, pinned in self._hints if pinned)
        full = False
        for key, what, pinned in self._hints:
            if not pinned:
                full = full or bool(width and used + len(key) + 1 + len(what) > width)
                if full:
                    continue
                used += len(key) + len(what) + 3
            t.append(key, style="bold")
            t.append(f" {what}  ")
        if not width or t.cell_len + len("ctrl+p palette") <= width:
            t.append("ctrl+p", style="bold")
            t.append(" palette")
        self.update(t)


class Banner(Static):
    """The classification banner: the level always in words, colour only adds to it."""

    DEFAULT_CSS = """
    Banner { width: 100%; height: 1; content-align: center middle; text-style: bold; }
    """

    _shown: tuple[int, bool, bool, frozenset[str]] | None = None

    def show_level(
        self,
        level_rank: int,
        noforn: bool,
        unmarked: bool = False,
        captions: Iterable[str] = (),
    ) -> None:
        colour = LEVEL_COLOURS.get(level_rank, "#808080")
        self.styles.background = colour
        self.styles.color = "black" if level_rank in (0, 3) else "white"
        self._shown = (level_rank, noforn, unmarked, frozenset(captions))
        self._draw()

    def show_marking(self, marking: Rollup) -> None:
        """A roll-up's marking (cable/rollup.py): level, control, captions, unmarked cables."""
        self.show_level(marking.level, marking.control, bool(marking.unmarked), marking.captions)

    def _draw(self) -> None:
        if self._shown is None:
            return
        level_rank, noforn, unmarked, captions = self._shown
        text = banner_text(level_rank, noforn, unmarked, captions, self.size.width)
        self.update(Text(text, style=Style(reverse=self.app.no_color)))

    def on_resize(self) -> None:
        # (a marking with captions is spaced out where it fits, written close where it does not)
        self._draw()


# the hints a line keeps whatever its width: how to get help, and how to leave
PINNED = {"app.help", "cable.help", "list.quit", "cable.back", "help.close"}

HINT_ORDER = [
    "list.open",
    "cable.back",
    "workflow.assign",
    "workflow.status",
    "list.search",
    "cable.next",
    "cable.prev",
    "list.filter",
    "list.export",
    "list.overview",
    "app.help",
    "cable.help",
    "list.quit",
    "cable.raw",
    "cable.history",
    "cable.find",
    "list.tag",
    "list.sort",
]


# the split view while a find is shown (n, N and esc are the find's)
FIND_HINT_ORDER = [
    "cable.match_next",
    "cable.find_previous",
    "cable.end_find",
    "cable.find",
    "cable.back",
    "workflow.assign",
    "workflow.status",
    "cable.prev",
    "cable.help",
    "cable.raw",
    "cable.history",
]


def hint_bindings(screen: type[Screen[None]], order: list[str] | None = None) -> list[Binding]:
    """The bindings worth a hint, in the order a desk officer needs them."""
    found: dict[str, Binding] = {}
    for klass in screen.__mro__:
        for b in getattr(klass, "BINDINGS", []):
            if isinstance(b, Binding) and b.id and b.id not in found:
                found[b.id] = b
    return [replace(found[i], show=True) for i in order or HINT_ORDER if i in found]


class TabBar(Static):
    """The views with their counts; a click on one selects it."""

    class Clicked(Message):
        def __init__(self, tab: str) -> None:
            self.tab = tab
            super().__init__()

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.spans: list[tuple[int, int, str]] = []

    def show(self, text: Text, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        x = event.x - self.styles.padding.left
        for start, end, tab in self.spans:
            if start <= x < end:
                event.stop()
                self.post_message(self.Clicked(tab))
                return
