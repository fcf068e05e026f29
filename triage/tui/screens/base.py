"""What every full screen of the console shares: the app's handle and the palette's commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:  # the app imports the screens; the screens only name its type
    from ..app import TriageApp


class TriageScreen(Screen[None]):
    @property
    def tapp(self) -> TriageApp:
        return cast("TriageApp", self.app)

    def commands(self) -> Iterable[SystemCommand]:
        """The command palette's entries for this screen (only what fits it)."""
        return ()

    def cache_changed(self) -> None:
        """Another process committed to the cache: read again what this screen shows."""

    def cache_reopened(self) -> None:
        """The cache was reopened after a loss: read everything again, whatever was under way."""
        self.cache_changed()

    def on_screen_resume(self) -> None:
        """A screen is shown again (one above it closed): what waited under it catches up."""
        for s in self.app.screen_stack:
            if isinstance(s, TriageScreen):
                s.uncovered()
        closed = getattr(self.app, "dialog_closed", None)
        if closed is not None:
            closed()  # (toasts kept while a dialog was open)

    def uncovered(self) -> None:
        """The screen may be in sight again: read what changed while it was covered."""

    def presence_changed(self) -> None:
        """Other consoles came, went, or opened another cable (`app.present`)."""
