"""Small modal screens: a one-line prompt, a picker, the help screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line; enter returns it, esc returns None."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 80%; max-width: 100; height: auto; border: round $accent; padding: 0 1;
        background: $surface;
    }
    PromptScreen Label { width: 100%; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), markup=False)
            yield Input(value=self._value, id="prompt-input")
            if self._hint:
                yield Label(Text(self._hint, style="dim"), markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickScreen(ModalScreen[str | None]):
    """Pick one of a few choices with j/k or arrows and enter; esc cancels."""

    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    PickScreen > Vertical {
        width: 60; height: auto; max-height: 80%; border: round $accent; background: $surface;
    }
    PickScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", id="pick.cancel"),
        Binding("j", "down", "Down", show=False, id="pick.down"),
        Binding("k", "up", "Up", show=False, id="pick.up"),
    ]

    def __init__(
        self, title: str, choices: list[tuple[str, str]], current: str | None = None
    ) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"), markup=False)
            yield OptionList(*[Option(Text(label), id=key) for key, label in self._choices])

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        keys = [k for k, _ in self._choices]
        if self._current in keys:
            ol.highlighted = keys.index(self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every binding of the screen below, with its id for the config's [keymap]."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%; border: round $accent; background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        t = Text()
        t.append("Keys", style="bold underline")
        t.append("   (rebind any of them by id in the config file's [keymap])\n\n", style="dim")
        for keys, desc, bid in self._rows:
            t.append(f"{keys:<22}", style="bold")
            t.append(f"{desc:<40}")
            t.append(f"{bid}\n", style="dim")
        with VerticalScroll():
            yield Static(t, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, n: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=n, animate=False)
