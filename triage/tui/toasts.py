"""How many toasts urgent arrivals may stack up at once.

One commit with 500 FLASH cables is three toasts and one with the count (app.on_cache_changed).
But `triage watch` commits file by file: a batch of 40 urgent cables arriving over a minute is 40
commits, and at one toast each the rack grew up the right of the screen over the list's STATUS
column. So the cap holds across commits too: at most MOST toasts of single arrivals in sight at
once, and at most one more that counts the rest; while that one is in sight, what arrives is
added up and counted by the next, posted as it leaves.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class UrgentToasts:
    def __init__(self, most: int, lasts: float, clock: Callable[[], float] = time.monotonic):
        self.most = most
        self.lasts = lasts  # each toast's timeout: how long it stays in sight
        self._clock = clock
        self._singles: deque[float] = deque()  # when each single toast in sight was posted
        self._count_at: float | None = None  # when the toast with the count was posted
        self.pending = 0  # arrivals to count in the next toast with a count

    def _in_sight(self, now: float) -> None:
        while self._singles and now - self._singles[0] >= self.lasts:
            self._singles.popleft()
        if self._count_at is not None and now - self._count_at >= self.lasts:
            self._count_at = None

    def take(self, arrived: int) -> tuple[int, int]:
        """Of `arrived` new urgent cables: how many get a toast each, and the number a toast
        with the count says now (0 when none is posted now: they wait for `due()`)."""
        now = self._clock()
        self._in_sight(now)
        singles = min(arrived, self.most - len(self._singles))
        self._singles.extend([now] * singles)
        self.pending += arrived - singles
        return singles, self._count_now(now)

    def _count_now(self, now: float) -> int:
        if not self.pending or self._count_at is not None:
            return 0
        count, self.pending, self._count_at = self.pending, 0, now
        return count

    def due(self) -> float | None:
        """Seconds until the toast with the count leaves sight, when arrivals wait for it."""
        if not self.pending or self._count_at is None:
            return None
        return max(0.0, self._count_at + self.lasts - self._clock())

    def flush(self) -> int:
        """The count to post now that the last toast with a count has gone (0: none)."""
        now = self._clock()
        self._in_sight(now)
        return self._count_now(now)
