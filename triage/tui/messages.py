"""Past-tense messages: posted by workers (which never touch widgets) and by widgets, handled
by the screen whose state they change."""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message

from ..cable.rollup import Rollup
from ..store.feed import Arrival
from ..store.views import Row

__all__ = ["Arrival"]  # (re-exported: the feed's type, carried by CacheChanged)
from ..store.presence import Assignment, Present
from ..store.workflow import CommitUnknown


@dataclass
class ViewData:
    generation: int
    ids: array[int]
    counts: dict[str, int]
    level: int
    noforn: bool
    officer_width: int = 10  # the longest officer name (or suggestion) it may show
    # the rows of the list's first page (ids[:PAGE]), read by the worker with the ids, so the
    # first screen of a view is drawn without a round trip to the cache on the UI thread
    first_rows: dict[int, Row] | None = None


class ViewLoaded(Message):
    """A view's ordered ids were read (`partial`: only its first screenful so far)."""

    def __init__(
        self,
        data: ViewData,
        keep_id: int | None,
        partial: bool = False,
        drawn: threading.Event | None = None,
    ) -> None:
        self.data = data
        self.keep_id = keep_id
        self.partial = partial
        # set once the screen has drawn it (the worker reads the rest of the list after that)
        self.drawn = drawn
        super().__init__()


class CountsLoaded(Message):
    """The tab counts and marking of a view; counts None when they could not be read."""

    def __init__(self, generation: int, counts: dict[str, int] | None, marking: Rollup) -> None:
        self.generation = generation
        self.counts = counts
        self.marking = marking
        super().__init__()


class ViewFailed(Message):
    def __init__(self, error: str, generation: int) -> None:
        self.error = error
        self.generation = generation
        super().__init__()


class CacheChanged(Message):
    """Another process committed to the cache; `urgent` lists the FLASH and NIACT IMMEDIATE
    (and EMERGENCY) cables that arrived with the commit, `assigned` the cables someone else
    assigned to this officer."""

    def __init__(self, urgent: list[Arrival], assigned: list[Assignment] | None = None) -> None:
        self.urgent = urgent
        self.assigned = assigned or []
        super().__init__()


class PresenceRead(Message):
    """The other consoles open on this cache, and the cable each has open."""

    def __init__(self, others: list[Present]) -> None:
        self.others = others
        super().__init__()


class ServerBack(Message):
    """The PostgreSQL server answers again after it was lost."""


class CacheLost(Message):
    def __init__(self, error: str) -> None:
        self.error = error
        super().__init__()


@dataclass
class Outcome:
    """What one workflow key did to the cables it acted on."""

    label: str
    done: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # cables not changed (a conflict, a refusal, an error): id -> the version to stay tagged at
    # (the cable's version now after a conflict, which was told: a second try applies)
    kept: dict[int, int] = field(default_factory=dict)
    # changes whose connection was lost as they were committed: saved or not, asked once the
    # server answers (neither "saved" nor "NOT SAVED" until then)
    unsure: list[Unsure] = field(default_factory=list)


@dataclass(eq=False)
class Unsure:
    """A change whose COMMIT's outcome is unknown (see workflow.CommitUnknown). `on_absent`:
    what to do when it turns out not saved (the note editor put back with the note typed)."""

    change: CommitUnknown
    on_absent: Callable[[str], None] | None = None
    told: bool = False  # the officer was told it may not have been saved

    def words(self) -> str:
        return f"{self.change.reference_id}: {self.change.what}"


class UnsureChecked(Message):
    """A change whose outcome was unknown was looked up: `saved` or not (None: not yet known,
    ask again soon)."""

    def __init__(self, unsure: Unsure, saved: bool | None) -> None:
        self.unsure = unsure
        self.saved = saved
        super().__init__()


class ChangesApplied(Message):
    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome
        super().__init__()


class CursorMoved(Message):
    """The list's cursor moved to `index`."""

    def __init__(self, index: int) -> None:
        self.index = index
        super().__init__()
