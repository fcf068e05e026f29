"""A long-running writer stopped by a signal (ctrl+c, a supervisor's SIGTERM) that can say
exactly what it stored.

A batch is committed and then counted: a stop raised between the two would leave a batch in
the cache that the writer never counted. While `counted_commit()` is open, a stop waits for
its end (the batch is then both stored and counted); before it opens, the stop rolls the batch
back. A second signal while one waits is obeyed at once (a COMMIT that hangs, on a server
waiting for a lost synchronous replica, must still be stoppable): the batch's fate is then
unknown, which `Stopped.during_commit` says.

Without `stop_on_signals()` (the console, `triage ingest`) nothing here changes how a signal
is handled."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNAL_NAMES: dict[int, str] = {signal.SIGINT: "ctrl+c", signal.SIGTERM: "SIGTERM"}


class Stopped(KeyboardInterrupt):
    """A stop signal arrived; a KeyboardInterrupt, so whatever cleans up after ctrl+c (a
    rollback, the parser process) does the same for SIGTERM."""

    def __init__(self, signum: int, during_commit: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.during_commit = during_commit

    @property
    def name(self) -> str:
        return SIGNAL_NAMES.get(self.signum, f"signal {self.signum}")


_held = 0
_pending: int | None = None


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    global _pending
    if _held and _pending is None:
        _pending = signum  # raised once the batch being committed is counted
        return
    raise Stopped(signum, during_commit=bool(_held))


@contextmanager
def stop_on_signals(signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """SIGINT and SIGTERM raise `Stopped` (never inside an open `counted_commit()`)."""
    global _pending
    before = {s: signal.signal(s, _on_signal) for s in signals}
    _pending = None
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        _pending = None


@contextmanager
def counted_commit() -> Iterator[None]:
    """Around a COMMIT and the counting of what it committed: a stop waits for both."""
    global _held, _pending
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if not _held and _pending is not None:
            signum, _pending = _pending, None
            raise Stopped(signum)
