"""The dialogs: a one-line prompt, a picker, the officer picker, a note editor, a confirmation,
the help screen. One base, `Modal`, gives them one frame (styled once, in triage.tcss) and
`esc` to cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..safe import visible

T = TypeVar("T")


class Modal(ModalScreen[T]):
    """Every dialog: its contents inside one `.frame` container, centred; `cancel` dismisses
    with the dialog's 'nothing chosen' value."""

    CANCELLED: object = None

    def __init__(self) -> None:
        super().__init__()
        # keys typed behind the one that opened the box are kept for it until it is up, its
        # input focused (see triage/tui/typeahead.py)
        self.typeahead_opening = True

    def on_screen_resume(self) -> None:
        if self.typeahead_opening:
            self.call_after_refresh(self._up)

    def _up(self) -> None:
        typeahead = getattr(self.app, "typeahead", None)
        if typeahead is not None:
            typeahead.ready(self)
        else:
            self.typeahead_opening = False

    def on_unmount(self) -> None:
        typeahead = getattr(self.app, "typeahead", None)
        if typeahead is not None:
            self.app.call_later(typeahead.unstick)

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)  # type: ignore[arg-type]


class PromptScreen(Modal[str | None]):
    """Ask for one line; enter returns it, esc returns None. With `check`, a line it finds wrong
    is not returned: the dialog stays open with what was typed and says what is wrong (as
    `error` says why it was opened again)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        hint: str = "",
        *,
        check: Callable[[str], str | None] | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._hint = hint
        self._check = check
        self._error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Label(Text(self._title), markup=False)
            yield Input(value=self._value, id="prompt-input")
            yield Label(Text(self._error or "", style="bold red"), id="prompt-error", markup=False)
            if self._hint:
                yield Label(Text(self._hint, style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one("#prompt-error", Label).display = bool(self._error)

    def show_error(self, error: str) -> None:
        label = self.query_one("#prompt-error", Label)
        label.update(Text(error, style="bold red"))
        label.display = True
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        error = self._check(event.value) if self._check else None
        if error:
            self.show_error(error)
            return
        self.dismiss(event.value)


class PickScreen(Modal[str | None]):
    """Pick one of a few choices with j/k or arrows and enter; esc cancels."""

    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel", id="pick.cancel"),
        Binding("j", "down", "Down", show=False, id="pick.down"),
        Binding("k", "up", "Up", show=False, id="pick.up"),
    ]

    def __init__(
        self,
        title: str,
        choices: list[tuple[str, str]],
        current: str | None = None,
        *,
        enter_is_no: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._current = current
        # a question whose every choice acts (acknowledge a FLASH, close it): nothing is
        # highlighted until an arrow, j or k moves there, and enter on nothing is no, as on
        # every other question
        self._enter_is_no = enter_is_no

    def compose(self) -> ComposeResult:
        with Vertical(classes="frame"):
            yield Label(Text(self._title, style="bold"), markup=False)
            yield OptionList(*[Option(Text(label), id=key) for key, label in self._choices])

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        keys = [k for k, _ in self._choices]
        if self._current in keys:
            ol.highlighted = keys.index(self._current)
        elif self._enter_is_no:
            ol.highlighted = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_key(self, event: events.Key) -> None:
        if (
            event.key == "enter"
            and self._enter_is_no
            and self.query_one(OptionList).highlighted is None
        ):
            event.stop()
            self.dismiss(None)
            return
        # digits pick the nth choice directly
        if event.character and event.character.isdigit():
            n = int(event.character)
            if 1 <= n <= len(self._choices):
                event.stop()
                self.dismiss(self._choices[n - 1][0])

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()


class HelpScreen(Modal[None]):
    """Every binding of the screen below, with its id for the config's [keymap]. Its own keys
    (scrolling, esc or q to close) are on its own key line, where the list's were."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", id="help.up"),
        Binding("space,pagedown", "page(1)", "Page down", id="help.page_down"),
        Binding("b,pageup", "page(-1)", "Page up", show=False, id="help.page_up"),
        Binding("g,home", "top", "Top", id="help.top"),
        Binding("G,end", "end", "End", id="help.end"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        from ..widgets.bars import KeyHints

        title = Text()
        title.append("Keys", style="bold underline")
        title.append("   esc or q closes this help", style="bold")
        title.append(
            "   (rebind any key below by its id in the config file's [keymap])\n", style="dim"
        )
        # the keys and the ids are never wrapped (an id is what a user copies into the
        # config); on a narrow terminal the descriptions give way
        table = Table(box=None, show_header=False, pad_edge=False, expand=True)
        table.add_column("keys", style="bold", no_wrap=True)
        table.add_column("description", ratio=1)
        table.add_column("id", style="dim", no_wrap=True)
        for keys, desc, bid in self._rows:
            table.add_row(Text(keys), Text(desc), Text(bid))
        with VerticalScroll(classes="frame"):
            yield Static(Group(title, table), markup=False, id="help-body")
        keymap = getattr(getattr(self.app, "config", None), "keymap", {})
        bindings = [b for b in self.BINDINGS if isinstance(b, Binding)]
        # (in a row of its own: the help's text stays the screen's first Static)
        with Vertical(id="help-keys-row"):
            yield KeyHints(bindings, keymap, id="help-keys")

    def on_mount(self) -> None:
        """The help's key line goes over the key line of the screen under it (the list's,
        above its classification banner; the Overview's, on the last line)."""
        from ..widgets.bars import KeyHints

        stack = self.app.screen_stack
        below = stack[stack.index(self) - 1] if self in stack and stack.index(self) else None
        lines = [*below.query(KeyHints), *below.query("#ov-keys")] if below else []
        if lines and lines[0].region.height:
            bottom = max(0, self.app.size.height - 1 - lines[0].region.y)
            self.query_one("#help-keys-row").styles.margin = (0, 0, bottom, 0)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, n: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=n, animate=False)

    def action_page(self, n: int) -> None:
        frame = self.query_one(VerticalScroll)
        frame.scroll_relative(
            y=n * max(1, frame.scrollable_content_region.height - 1), animate=False
        )

    def action_top(self) -> None:
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def action_end(self) -> None:
        self.query_one(VerticalScroll).scroll_end(animate=False)


class OfficerPicker(Modal[str | None]):
    """Type-ahead over the known officers. Enter takes the officer typed in full, else the
    highlighted match (the best one, or the one the arrows chose); a name that matches no known
    officer is a new officer only after a confirmation."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="officer.cancel"),
        Binding("down", "down", "Down", show=False, id="officer.down"),
        Binding("up", "up", "Up", show=False, id="officer.up"),
    ]

    def __init__(self, title: str, officers: list[str], suggested: str | None = None) -> None:
        super().__init__()
        self._title = title
        self._officers = officers
        self._suggested = suggested
        self._chosen_by_arrows = False

    def compose(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        with Vertical(classes="frame"):
            yield Label(Text(self._title, style="bold"), markup=False)
            yield Input(
                value=self._suggested or "",
                placeholder="login or name",
                suggester=SuggestFromList(self._officers, case_sensitive=False),
                id="officer-input",
            )
            yield OptionList(*[Option(Text(o), id=o) for o in self._officers], id="officer-list")
            # why enter was refused, in the box (a toast waits under a dialog till it closes)
            yield Label("", id="officer-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one("#officer-error", Label).display = False
        # no empty box under the input when no known officer matches (or none is known yet)
        self.query_one(OptionList).display = bool(self._officers)

    def _matches(self, text: str) -> list[str]:
        t = text.strip().lower()
        return [o for o in self._officers if t in o.lower()] if t else list(self._officers)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#officer-error", Label).display = False
        ol = self.query_one(OptionList)
        ol.clear_options()
        matches = self._matches(event.value)
        ol.add_options([Option(Text(o), id=o) for o in matches])
        ol.display = bool(matches)
        # what enter takes: the best match, highlighted (the arrows move it)
        ol.highlighted = 0 if matches and event.value.strip() else None
        self._chosen_by_arrows = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        ol = self.query_one(OptionList)
        typed = event.value.strip()
        from ...store.filter_words import OFFICER_NOBODY

        if typed.lower() in OFFICER_NOBODY:
            # (`none` made an officer whose cables officer:none lists as nobody's)
            from ...store.workflow import reserved_officer

            why = reserved_officer(typed, "esc, then A (unassign)")
            error = self.query_one("#officer-error", Label)
            error.update(Text(visible(why, one_line=True), style="bold red"))
            error.display = True
            return
        if typed.lower() == "me" and "me" not in self._officers:
            # as `officer:me` filters: yourself, never a new officer called "me"
            self.dismiss(str(getattr(self.app, "login", typed)))
            return
        # one's own login is a known officer, before one's first assignment too
        own = str(getattr(self.app, "login", ""))
        known = {o.lower(): o for o in [*self._officers, self._suggested or "", own] if o}
        if typed.lower() in known and not self._chosen_by_arrows:
            self.dismiss(known[typed.lower()])
            return
        if not typed and not self._chosen_by_arrows:
            # enter on an empty box is no choice (the list's first officer, highlighted as
            # the list came up, was given the cable)
            self.dismiss(None)
            return
        if ol.highlighted is not None and ol.display:
            option = ol.get_option_at_index(ol.highlighted)
            self.dismiss(option.id)
            return
        if not typed:
            self.dismiss(None)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.dismiss(typed)
            else:
                self.query_one(Input).focus()

        # a name nobody has yet is a new officer: said, never made by a typo (a near miss of
        # a known name is named; enter keeps the picker open, y makes the new officer)
        from ...store.workflow import near_officers

        close = near_officers(typed, self._officers)
        why = (
            "did you mean " + " or ".join(visible(c, one_line=True) for c in close) + "?"
            if close
            else "No known officer matches what you typed."
        )
        self.app.push_screen(
            ConfirmScreen(f"new officer '{visible(typed, one_line=True)}'? {why}", default=False),
            confirmed,
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count:
            self._chosen_by_arrows = True
            ol.highlighted = (
                0 if ol.highlighted is None else min(ol.option_count - 1, ol.highlighted + 1)
            )

    def action_up(self) -> None:
        ol = self.query_one(OptionList)
        if ol.option_count and ol.highlighted is not None:
            self._chosen_by_arrows = True
            ol.highlighted = max(0, ol.highlighted - 1)


class NoteEditor(Modal[str | None]):
    """A multi-line note: ctrl+s saves, esc cancels (asking first when something was typed:
    a note is often minutes of an officer's work)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save"),
        Binding("escape", "cancel", "Cancel", id="note.cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        from ..widgets.note_area import NoteArea, shown

        self._text = shown(self._text)  # as the editor shows it (control characters as symbols)
        with Vertical(classes="frame"):
            yield Label(
                Text(self._title + "   (ctrl+s saves, esc cancels)", style="bold"), markup=False
            )
            yield NoteArea(self._text, id="note-text")

    def on_mount(self) -> None:
        from textual.widgets import TextArea

        area = self.query_one(TextArea)
        area.focus()
        # at the end: adding to a note is what an officer opens it for most
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from textual.widgets import TextArea

        self.dismiss(self.query_one(TextArea).text)

    def unsaved(self) -> bool:
        """Whether the note as typed differs from the note as it was opened."""
        from textual.widgets import TextArea

        return self.query_one(TextArea).text != self._text

    def action_cancel(self) -> None:
        if not self.unsaved():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)
            else:
                from textual.widgets import TextArea

                self.query_one(TextArea).focus()

        self.app.push_screen(
            ConfirmScreen(
                "Discard the note you typed? (n or enter goes back to it; ctrl+s saves it)",
                default=False,
            ),
            answered,
        )


class ConfirmScreen(Modal[bool]):
    """y confirms; n or esc cancels; enter gives `default` (yes, unless the question makes
    something that is hard to take back: a new officer, work thrown away)."""

    # priority: answered as the key is read. Checked after the key had gone round the
    # screen, the answer came after the keys typed behind it, which reached the question
    # (and were lost) instead of what is under it: `n` on "new officer?" and a name at once.
    BINDINGS = [
        Binding("y", "yes", "Yes", id="confirm.yes", priority=True),
        Binding("n,escape", "no", "No", id="confirm.no", priority=True),
        Binding("enter", "default", "Default", id="confirm.default", priority=True),
    ]

    def __init__(self, question: str, default: bool = True) -> None:
        super().__init__()
        self._question = question
        self._default = default

    def compose(self) -> ComposeResult:
        keys = "y / enter: yes    n / esc: no" if self._default else "y: yes    n / esc / enter: no"
        with Vertical(classes="frame"):
            yield Label(Text(self._question), markup=False)
            yield Label(Text(keys, style="dim"), markup=False)

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_default(self) -> None:
        self.dismiss(self._default)

    def action_no(self) -> None:
        self.dismiss(False)
