"""What the split view may ask of the list it was opened from, and nothing more: the split
view steps through the list's cables without reaching into the list screen's widgets."""

from __future__ import annotations

from typing import Protocol


class Navigator(Protocol):
    def count(self) -> int:
        """How many cables the list holds."""
        ...

    def cable_at(self, index: int) -> int | None:
        """The id of the cable at `index`, None past either end."""
        ...

    def index_of(self, cable_id: int) -> int | None:
        """Where the cable is in the list now, None when it has left it (closed, filtered)."""
        ...

    def move_to(self, index: int) -> None:
        """Put the list's cursor on `index` (so `q` comes back to the cable last read)."""
        ...

    def view_name(self) -> str:
        """The list's view (tab), for `3 of 54 in Inbox`."""
        ...

    def changed(self) -> None:
        """The split view changed a cable: the list reads its view again."""
        ...

    def opened(self, cable_id: int) -> None:
        """The officer opened this cable: it is no longer unseen by them."""
        ...
