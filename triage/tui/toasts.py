"""How urgent arrivals are told in toasts.

One commit with 500 FLASH cables was three toasts and one with the count; `triage watch`
commits file by file, and at a toast a commit the rack grew up the screen. At 80 columns a toast
is 40 cells wide and five or six lines high: four of them covered an open dialog's choices and
the key line. So each toast names what one commit brought (`8 FLASH cables arrived: ...`), at
most MOST are in sight at once, and what arrives while they are (or while a dialog is open:
`hold`) is gathered and told in one toast when there is room, as a pager's one status line
tells the latest (mutt, k9s, lazygit: one message, never a stack).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class UrgentToasts(Generic[T]):
    def __init__(self, most: int, lasts: float, clock: Callable[[], float] = time.monotonic):
        self.most = most
        self.lasts = lasts  # each toast's timeout: how long it stays in sight
        self._clock = clock
        self._shown: deque[float] = deque()  # when each toast in sight was posted
        self.pending: list[T] = []  # arrivals not told yet

    def _in_sight(self, now: float) -> None:
        while self._shown and now - self._shown[0] >= self.lasts:
            self._shown.popleft()

    def take(self, arrived: list[T], hold: bool = False) -> list[T]:
        """The arrivals one toast tells now (with any gathered before them), or [] when they
        wait: MOST toasts are in sight, or `hold` (a dialog is open: toasts would cover it)."""
        now = self._clock()
        self._in_sight(now)
        self.pending.extend(arrived)
        if hold or not self.pending or len(self._shown) >= self.most:
            return []
        told, self.pending = self.pending, []
        self._shown.append(now)
        return told

    def due(self) -> float | None:
        """Seconds until a toast in sight leaves, when arrivals wait for the room (None: none
        wait, or they wait for a dialog to close instead)."""
        now = self._clock()
        self._in_sight(now)
        if not self.pending or len(self._shown) < self.most:
            return None
        return max(0.0, self._shown[0] + self.lasts - now)

    def flush(self, hold: bool = False) -> list[T]:
        """What gathered, to tell now that there may be room (or [])."""
        return self.take([], hold)
