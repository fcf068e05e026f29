"""The screen that stands over everything once the cache can no longer be trusted: the list
behind it is no longer live, nothing more is read or written, and the officer chooses to
reopen the cache (the file at the path now) or to quit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...visible import visible


class CacheLostScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    CacheLostScreen { align: center middle; }
    CacheLostScreen > Vertical {
        width: 90%; max-width: 100; height: auto; border: heavy $error; padding: 0 1;
        background: $surface;
    }
    CacheLostScreen #lost-title { text-style: bold; color: $error; }
    CacheLostScreen #lost-retry { color: $warning; }
    CacheLostScreen #lost-unsaved { color: $error; }
    """
    BINDINGS = [
        Binding("r", "reopen", "Reopen the cache", id="lost.reopen"),
        Binding("q", "quit_console", "Quit", id="lost.quit"),
    ]

    def __init__(
        self,
        why: str,
        not_saved: list[str] | None = None,
        server: bool = False,
        unsure: list[str] | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.why = why
        self.not_saved: list[str] = list(not_saved or [])
        # changes whose connection was lost as they were saved: checked when the server answers
        self.unsure: list[str] = list(unsure or [])
        self.server = server  # a database server gone (it comes back), not a file replaced

    def compose(self) -> ComposeResult:
        title = self.title_text or (
            "NOT LIVE: the database server does not answer"
            if self.server
            else "NOT LIVE: the cache can no longer be trusted"
        )
        with Vertical():
            yield Label(Text(title), id="lost-title")
            yield Static(Text(visible(self.why)), id="lost-why")
            yield Static(
                Text(
                    "What is behind this box is how the cache looked before; nothing more is "
                    "read or written here. Changes already saved are safe."
                )
            )
            yield Static(self._not_saved_text(), id="lost-unsaved")
            yield Static(Text(""), id="lost-retry")
            keys = "r  try now      q  quit" if self.server else "r  reopen the cache      q  quit"
            yield Label(Text(keys, style="bold"))

    def _not_saved_text(self) -> Text:
        lines = [f"NOT SAVED: {visible(t)}" for t in self.not_saved[-5:]]
        lines += [
            f"MAY NOT HAVE BEEN SAVED: {visible(t)} (do not type it again yet: checked when "
            "the server answers, and you are told)"
            for t in self.unsure[-5:]
        ]
        return Text("\n".join(lines), style="bold")

    def note_not_saved(self, texts: list[str]) -> None:
        """A change that failed as the cache was lost: said here, where the officer is looking
        (a toast under this box is easily missed); type it again once the cache is back."""
        self.not_saved += texts
        self._show_not_saved()

    def _show_not_saved(self) -> None:
        for shown in self.query("#lost-unsaved"):  # (none yet: pushed, not yet composed)
            if isinstance(shown, Static):
                shown.update(self._not_saved_text())

    def note_unsure(self, texts: list[str]) -> None:
        """A change whose connection was lost as it was saved: neither saved nor NOT SAVED is
        said until the server answers and it is looked up."""
        self.unsure += texts
        self._show_not_saved()

    def still_failing(self, why: str) -> None:
        """What the last attempt to reconnect was told (a refusal is not a silence)."""
        text = Text(f"Still cannot connect: {visible(why)}")
        retry = self.query("#lost-retry")
        if retry:
            retry.first(Static).update(text)

    def action_reopen(self) -> None:
        if self.server:
            # off the UI thread: an attempt on a server that does not answer waits out its
            # connect_timeout, and the keys (q) must still work meanwhile
            try_now = getattr(self.app, "try_server_now", None)
            if try_now is not None:
                try_now()
                self.query_one("#lost-retry", Static).update(Text("Trying to connect…"))
                return
        reopen = getattr(self.app, "reopen_cache", None)
        if reopen is None:
            return
        error = reopen()
        if error:
            self.query_one("#lost-retry", Static).update(
                Text(f"Still cannot open it: {visible(error)}")
            )
        else:
            self.dismiss(None)

    def action_quit_console(self) -> None:
        self.app.exit()
