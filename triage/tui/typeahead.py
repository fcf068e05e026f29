"""Keys typed ahead of a box that is opening go into it, in order (as vim and mutt keep
typeahead).

Over a slow ssh link keys arrive bunched: `fprec:FLASH` and enter in one read. Textual sends
every key on to the focused widget as it is read, and a screen's bindings answer it only when it
comes back up to the app; so by the time `f` has opened the filter box, the keys behind it have
gone to the list, and come back to an app whose screen is now the box: nothing there takes them,
and they were lost (as were keys read after the box was pushed but before its input had the
focus). Here the app keeps them instead:

- a key that comes back from a screen that a box (`Modal`) has since covered is the box's;
- a key read while the box on top is still opening (pushed, its input not yet focused) is held;

and once the box is ready (resumed and drawn, its input focused) the held keys are sent to it in
the order they were typed, each as if read then: enter submits, esc cancels.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen

    from .screens.dialogs import Modal

# rounds a marker makes behind a held key before the next key goes (see answered)
LAPS = 2

# keys sent on and not yet back (the ones a widget keeps never come back: the oldest are let go)
SENT_KEPT = 256


def opening(screen: object) -> bool:
    """A box pushed whose input is not focused yet (see dialogs.Modal)."""
    return bool(getattr(screen, "typeahead_opening", False))


def is_box(screen: object) -> bool:
    return hasattr(screen, "typeahead_opening")


def busy(screen: object) -> bool:
    """A screen reading what its keys act on (the list reading a new view after a search or a
    filter): keys wait for it, as they wait for a box that is opening. Sent on, `a` typed behind
    a search's enter assigned the cable under the old list's cursor, which the new list did not
    show (and `K` acknowledged it)."""
    return bool(getattr(screen, "typeahead_busy", False))


# keys that go on while a screen is busy: a way out is never held behind a slow read
NEVER_HELD = {"escape", "ctrl+c", "ctrl+q"}


class TypedAhead(Message):
    """Sent to the widget a held key went to, right behind it: back at the app (the way the key
    went, after it), the key has been answered, its binding too, and the next one can go. A
    character goes into an input where it is read, a binding (backspace, enter) only once the
    key is back at the app: sent together, `ab`, backspace, `c` gave `ab`."""

    def __init__(self, target: DOMNode, laps: int = 0) -> None:
        super().__init__()
        self.target = target
        self.laps = laps


class TypeAhead:
    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._sent: deque[tuple[events.Key, Screen[object]]] = deque(maxlen=SENT_KEPT)
        self.held: list[events.Key] = []
        self._in_flight: TypedAhead | None = None

    def _holding(self) -> bool:
        # while a box is up every key goes one at a time, each after the one before it has
        # been answered: a key typed behind the enter that closes the box then reaches the
        # screen under it (sent on at once, it went into the closing box: `ame`, enter, `j`
        # assigned and lost the j, and a `4` behind it too)
        return (
            bool(self.held)
            or self._in_flight is not None
            or opening(self.app.screen)
            or is_box(self.app.screen)
            or busy(self.app.screen)
        )

    async def arrived(self, event: events.Key) -> bool:
        """A key just read (not yet sent on). True: held, behind keys typed before it that
        are still on their way to a box (or for a box that is opening)."""
        if self._holding() and not (
            event.key in NEVER_HELD and busy(self.app.screen) and not self.held
        ):
            self.held.append(event)
            await self.pump()
            return True
        self._sent.append((event, self.app.screen))
        return False

    async def came_back(self, event: events.Key) -> bool:
        """A key back at the app from the screen it was sent to. True: a box has covered that
        screen meanwhile, and the key is the box's (held until it is ready)."""
        found = next((k for k, (sent, _) in enumerate(self._sent) if sent is event), None)
        if found is None:
            return False
        screen = self._sent[found][1]
        del self._sent[found]
        now = self.app.screen
        if now is screen or not is_box(now):
            return False
        stack = self.app.screen_stack
        if screen not in stack or stack.index(screen) > stack.index(now):
            return False  # (the box it was sent to has closed: the screen under it answers)
        self.held.append(event)
        await self.pump()
        return True

    def ready(self, screen: Modal[Any]) -> None:
        """The box is up with its input focused: it gets the held keys (in the app's own
        turn, so no key read meanwhile overtakes them)."""

        async def go() -> None:
            screen.typeahead_opening = False
            await self.pump()

        self.app.call_later(go)

    async def answered(self, marker: TypedAhead) -> None:
        """A held key has been answered: the next one goes. Not at the marker's first return:
        what the key made its widget post (an input's Submitted, which closes the box) is still
        behind it, and the next key would go into a box about to close (`ame`, enter, `j`
        lost the j). Sent round again, the marker comes back behind those messages."""
        if marker is not self._in_flight:
            return
        if marker.laps < LAPS and marker.target.is_attached:
            again = TypedAhead(marker.target, marker.laps + 1)
            self._in_flight = again
            marker.target.post_message(again)
            return
        self._in_flight = None
        await self.pump()

    async def unstick(self) -> None:
        """A box closed: a marker sent into it may have gone with it."""
        if self._in_flight is not None and not self._in_flight.target.is_attached:
            self._in_flight = None
        await self.pump()

    async def pump(self) -> None:
        """The oldest held key, as if read now, then a marker behind it."""
        from textual.app import App

        if (
            self._in_flight is not None
            or opening(self.app.screen)
            or busy(self.app.screen)
            or not self.held
        ):
            return
        self.held.sort(key=lambda e: e.time)
        event = self.held.pop(0)
        again = events.Key(event.key, event.character)
        again.time = event.time
        await App.on_event(self.app, again)  # (not held again: it is the held key going)
        target = self.app.focused or self.app.screen
        self._in_flight = TypedAhead(target)
        target.post_message(self._in_flight)
