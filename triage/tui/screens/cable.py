"""The split view of one cable: its header (or its history) beside its paragraphs (or its
raw text), the triage line, and the keys to step through the list it was opened from.

Text layout is in text.py; this screen holds the state (which cable, raw or not, the find)
and draws it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from ...cable.rollup import Rollup
from ...store import presence
from ...store import workflow as wf
from ...store.schema import StoreError
from ...store.threads import held_references, thread_suggestion
from ...store.views import CableDetail, load_cable
from .. import bounds
from ..navigator import Navigator
from ..safe import visible
from ..text import body_text, header_text, history_text, title_text, triage_line
from ..widgets.bars import FIND_HINT_ORDER, Banner, KeyHints, hint_bindings
from ..widgets.lazy_text import LazyText
from ..widgets.thread_tree import ThreadTree
from .dialogs import PickScreen, PromptScreen
from .workflow import WORKFLOW_BINDINGS, Target, WorkflowActions


class CableScreen(WorkflowActions):
    BINDINGS = [
        *WORKFLOW_BINDINGS,
        Binding("h", "toggle_history", "History", id="cable.history"),
        # while a find has matches, n and N move between them and esc ends the find, as in less
        # and vi (checked first: check_action passes them over when no find is shown, and the
        # key goes to the binding after)
        Binding(
            "escape",
            "end_find",
            "End find",
            id="cable.end_find",
            tooltip="End the find (while finding)",
        ),
        Binding(
            "n",
            "find_next",
            "Next match",
            id="cable.match_next",
            tooltip="Next match (while finding)",
        ),
        Binding("escape,q", "back", "Back", id="cable.back", tooltip="Back to the list"),
        Binding("n", "step(1)", "Next", id="cable.next", tooltip="Next cable (no find open)"),
        Binding("p", "step(-1)", "Prev", id="cable.prev", tooltip="Previous cable in the list"),
        Binding("v", "toggle_raw", "Raw", id="cable.raw"),
        Binding("slash", "find", "Find", id="cable.find"),
        Binding(
            "ctrl+g",
            "find_next",
            "Find next",
            show=False,
            id="cable.find_next",
            tooltip="Next match (while finding, as n)",
        ),
        # ctrl+shift+g (a browser's) reaches few terminals apart from ctrl+g; N is less's and vi's
        Binding(
            "N",
            "find_previous",
            "Prev match",
            id="cable.find_previous",
            tooltip="Previous match (while finding)",
        ),
        Binding("r", "open_reference", "Open ref", id="cable.open_ref"),
        Binding("t", "toggle_thread", "Thread", id="cable.thread"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="cable.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="cable.up"),
        Binding("pagedown,space", "scroll_page(1)", "Page down", show=False, id="cable.page_down"),
        Binding("pageup,b", "scroll_page(-1)", "Page up", show=False, id="cable.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="cable.top"),
        Binding("G,end", "scroll_end", "End", show=False, id="cable.end"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="cable.next_pane"),
        Binding("shift+tab", "app.focus_previous", "Prev pane", show=False, id="cable.prev_pane"),
        Binding("question_mark", "help", "Help", id="cable.help"),
    ]

    # what the panes show; the watchers redraw
    raw: var[bool] = var(False, init=False)
    show_history: var[bool] = var(False, init=False)

    def __init__(
        self,
        nav: Navigator | None,
        index: int,
        cable_id: int | None = None,
        thread: bool = False,
    ) -> None:
        super().__init__()
        self.show_thread = thread
        self.nav = nav
        self.index = index
        self.cable_id = cable_id
        self.detail: CableDetail | None = None
        self.find_text: str | None = None
        self.find_hits: list[int] = []
        self.find_pos = -1
        self._drawn_width = -1
        # on a server: the thread's suggestion read with the cable (cable id, suggestion)
        self._hint: tuple[int, tuple[str, str] | None] | None = None

    def compose(self) -> ComposeResult:
        yield Banner(id="banner-top")
        yield Static(id="title", markup=False)
        yield Static(id="triage-line", markup=False)
        with Horizontal(id="panes"):
            with VerticalScroll(id="header-pane"):
                yield Static(id="header", markup=False)
            with VerticalScroll(id="body-pane"):
                yield LazyText(id="body")
            yield ThreadTree(self.tapp.cache, id="thread-pane")
        yield KeyHints(hint_bindings(type(self)), self.tapp.config.keymap)
        yield Banner(id="banner-bottom")

    def on_mount(self) -> None:
        self._apply_width(self.size.width or self.app.size.width)
        # (at once, as load() gives the Thread tab the focus: a deferred focus() came after it)
        self.set_focus(self.query_one("#body-pane", VerticalScroll))
        self.load()

    def on_screen_suspend(self) -> None:
        self.tapp.set_reading(None)

    def on_screen_resume(self) -> None:
        if self.cable_id is not None and self.is_mounted:
            self.tapp.set_reading(self.cable_id)
        # the terminal may have been resized while the list was shown: this kept screen's
        # text was wrapped for the old width (and was cut, words lost, at a narrower one)
        self._apply_width(self.app.size.width)

    def presence_changed(self) -> None:
        d = self.detail
        # (a presence read can land while the screen is still being put up or taken down)
        if d is not None and self.is_mounted and self.query("#triage-line"):
            self._draw_triage_line(d, (self.size.width or self.app.size.width) - 2)

    def _draw_triage_line(self, d: CableDetail, room: int) -> None:
        officer, why = self.suggestion()
        self.query_one("#triage-line", Static).update(
            triage_line(d, officer, room, why, self.tapp.others_on(d.id))
        )

    @work(thread=True, group="seen", exit_on_error=False)
    def _mark_seen(self, cable_id: int) -> None:
        """Opened by this officer: no longer bold in their list (a short write of its own)."""
        try:
            with self.tapp.cache.borrow() as conn:
                presence.mark_seen(conn, self.tapp.login, cable_id)
        except (sqlite3.Error, StoreError):
            pass  # only the bold in the list is lost; the next opening tries again

    def on_descendant_focus(self) -> None:
        self._draw_title()

    def _pane(self) -> VerticalScroll:
        """The pane the scrolling keys move: the focused one (tab switches), else the body."""
        focused = self.focused
        if isinstance(focused, VerticalScroll) and focused.id in ("header-pane", "body-pane"):
            return focused
        return self.query_one("#body-pane", VerticalScroll)

    def reopen(self, index: int, thread: bool = False) -> None:
        """Show another cable in this (kept) split view."""
        self.index = index
        self.show_thread = thread
        self.cable_id = None
        # (set without their watchers: load() below draws the new cable once)
        self.set_reactive(CableScreen.raw, False)
        self.set_reactive(CableScreen.show_history, False)
        self._clear_find()
        # each cable opened from the list starts as the first did: in its text (or its Thread
        # tab, below), whichever pane the last one was left in
        self.set_focus(self.query_one("#body-pane", VerticalScroll))
        self.load()

    def on_resize(self) -> None:
        self._apply_width(self.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < 120, "stacked")
        if self.detail is not None and width != self._drawn_width:
            self.call_after_refresh(self.draw)

    def _pane_width(self, selector: str) -> int:
        pane = self.query_one(selector, VerticalScroll)
        # the widths the CSS above gives: the header pane 56 wide with its border and padding
        # beside the body, both full below
        total = self.app.size.width
        beside = 53 if selector == "#header-pane" else total - 58
        laid_out = total - 2 if total < 120 else beside
        w = pane.content_region.width or pane.size.width
        # not laid out yet (the first cable opened), or laid out for a wider terminal than
        # now (this kept screen resized behind the list is laid out again only once shown):
        # never wider than the CSS's width, or lines are cut at the edge
        w = min(w, laid_out) if w else laid_out
        return max(10, w - 3)

    def load(self) -> None:
        if self.nav is not None:
            cid = self.nav.cable_at(self.index)
            if cid is not None:
                self.cable_id = cid
        if self.cable_id is None:
            return
        if self.tapp.cache.remote:
            # read off the UI thread: a server that stops answering held the keys (esc, q)
            # for seconds before the NOT LIVE box came; meanwhile the title says so
            self.query_one("#title", Static).update(Text("reading the cable from the server…"))
            self._read_cable(self.cable_id)
            return
        try:
            detail = load_cable(self.tapp.cache.conn(), self.cable_id, bounds.READ_BYTES)
        except (sqlite3.Error, StoreError) as exc:
            self.tapp.report_cache_error(exc)
            return
        self._loaded(self.cable_id, detail)

    @work(thread=True, exclusive=True, group="cable-read", exit_on_error=False)
    def _read_cable(self, cable_id: int) -> None:
        """The cable and its thread's suggestion, read on a server (see load)."""
        hint: tuple[int, tuple[str, str] | None] | None = None
        try:
            with self.tapp.cache.borrow() as conn:
                detail = load_cable(conn, cable_id, bounds.READ_BYTES)
                if (
                    detail is not None
                    and not detail.state.officer
                    and self.tapp.config.route_by_thread
                ):
                    hint = (cable_id, thread_suggestion(conn, cable_id))
        except (sqlite3.Error, StoreError) as exc:
            self.app.call_from_thread(self.tapp.report_cache_error, exc)
            return
        self.app.call_from_thread(self._loaded, cable_id, detail, hint, True)

    def _loaded(
        self,
        cable_id: int,
        detail: CableDetail | None,
        hint: tuple[int, tuple[str, str] | None] | None = None,
        late: bool = False,
    ) -> None:
        if cable_id != self.cable_id or (late and not self.is_mounted):
            return  # (read late: another cable was asked for since, or the screen was left)
        self.detail = detail
        self._hint = hint
        self.find_hits, self.find_pos = [], -1
        self.tapp.set_reading(self.cable_id)
        self._mark_seen(self.cable_id)
        if self.nav is not None:
            self.nav.opened(self.cable_id)
        self.draw()
        self._show_thread()
        self.query_one("#body-pane", VerticalScroll).scroll_home(animate=False)
        self.query_one("#header-pane", VerticalScroll).scroll_home(animate=False)

    def draw(self) -> None:
        d = self.detail
        if d is None:
            return
        self._draw_banner()
        self._draw_triage_line(d, self._draw_title())
        self.query_one("#header", Static).update(
            self._history_text(d) if self.show_history else self._header_text(d)
        )
        if not self.show_thread:  # (hidden behind the Thread tab: drawn when it comes back)
            body, self.find_hits = body_text(
                d,
                self._pane_width("#body-pane"),
                self.app.console,
                raw=self.raw,
                find=self.find_text,
            )
            body.no_wrap = True  # wrapped here already, with hanging indents
            self.query_one("#body", LazyText).update(body)
        self._drawn_width = self.size.width
        self._find_changed()

    def _draw_title(self) -> int:
        """The title line; returns the room it had (the triage line has the same)."""
        room = (self.size.width or self.app.size.width) - 2  # the title's padding
        d = self.detail
        if d is None:
            return room
        where = found = ""
        if self.nav is not None:
            if self._place():
                where = f"   {self.index + 1:,} of {self.nav.count():,} in {self.nav.view_name()}"
            else:
                where = f"   no longer in {self.nav.view_name()} ({self.nav.count():,})"
        if self.find_text and self.find_hits:
            # where the find stands (ctrl+g moves on; with one match it says so, not nothing)
            at = max(0, self.find_pos) + 1
            found = f"   found {at:,} of {len(self.find_hits):,}"
        focused = self.focused
        self.query_one("#title", Static).update(
            title_text(
                d,
                left="History" if self.show_history else "Header",
                right="Thread" if self.show_thread else "Raw" if self.raw else "Paragraphs",
                where=where,
                found=found,
                room=room,
                focus="left" if focused is not None and focused.id == "header-pane" else "right",
            )
        )
        return room

    def _header_text(self, d: CableDetail) -> Text:
        config = self.tapp.config
        office = set(config.office_ris) | set(config.office_names)
        return header_text(
            d,
            self._pane_width("#header-pane"),
            self.app.console,
            office,
            compact=self.has_class("stacked"),
        )

    # workflow hooks

    def targets(self) -> list[Target]:
        d = self.detail
        if d is None:
            return []
        return [Target(d.id, d.state.row_version, d.reference_id)]

    def suggestion(self) -> tuple[str | None, str | None]:
        """A cited cable's officer first (one thread query), else the routing rules."""
        d = self.detail
        if d is None or d.state.officer:
            return None, None
        if self.tapp.config.route_by_thread:
            if self._hint is not None and self._hint[0] == d.id:
                by_thread = self._hint[1]  # (read with the cable, off the UI thread)
            else:
                try:
                    by_thread = thread_suggestion(self.tapp.cache.conn(), d.id)
                except (sqlite3.Error, StoreError):
                    by_thread = None
            if by_thread:
                return by_thread
        if not self.tapp.config.routes:
            return None, None
        return wf.suggest_officer(self.tapp.config.routes, list(d.tags), d.origin, d.subject), None

    def refresh_after_change(self) -> None:
        self.cache_changed()
        if self.nav is not None:
            self.nav.changed()

    def action_toggle_history(self) -> None:
        self.show_history = not self.show_history

    def _history_text(self, d: CableDetail) -> Text:
        try:
            rows = wf.history(self.tapp.cache.conn(), d.id)
        except (sqlite3.Error, StoreError) as exc:
            return Text(f"could not read the history: {exc}")
        return history_text(d.received_at, rows, self._pane_width("#header-pane"), self.app.console)

    # actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def _place(self) -> bool:
        """Find the open cable in the list as it is now (a change may have moved it, or taken
        it out of the view); True when it is still there. When it has left, `index` is the
        place it left, which the cable after it now holds."""
        if self.nav is None or self.cable_id is None:
            return True
        if self.nav.cable_at(self.index) == self.cable_id:
            return True  # (the usual case, without a search through the list)
        at = self.nav.index_of(self.cable_id)
        if at is None:
            self.index = max(0, min(self.index, self.nav.count()))
            return False
        self.index = at
        return True

    def list_changed(self) -> None:
        """The list read its view again: redraw where this cable stands in it."""
        if self.is_mounted:
            self._draw_title()

    def action_step(self, step: int) -> None:
        if self.nav is None or not self.nav.count():
            self.notify("no more cables in this view", markup=False, timeout=2)
            return
        in_view = self._place()
        # a cable that left the view: the one now in its place is the next, before it the prev
        new = self.index + step if in_view or step < 0 else self.index
        if not 0 <= new < self.nav.count():
            self.notify("no more cables in this view", markup=False, timeout=2)
            return
        self.index = new
        self.nav.move_to(new)
        self._clear_find()  # a find is in one cable (its prompt says so)
        self.load()

    def action_toggle_raw(self) -> None:
        if self.show_thread:  # the raw text in place of the thread
            self.show_thread = False
            self._show_thread()
        self.raw = not self.raw  # (the watcher draws)

    def watch_raw(self) -> None:
        if self.is_mounted:
            self.draw()

    def watch_show_history(self) -> None:
        if self.is_mounted:
            self.draw()

    def action_toggle_thread(self) -> None:
        self.show_thread = not self.show_thread
        if self.show_thread:
            # a find is in the text: it ends when the text is put away (its n, N and esc would
            # move a pane no longer shown), as it does when another cable is opened
            self._clear_find()
        self._show_thread()
        self.draw()

    def _show_thread(self) -> None:
        """The Thread tab in the paragraphs' place (t again, or v, brings them back).

        The focus stays on the side it was: the tab takes it when it opens (its keys move its
        cursor), and the text takes it back from the tab when the tab closes; a user who had
        moved to the header pane stays there. (Nothing focused would not do: the next dialog
        or screen closed gives the focus to the first pane, the header.)"""
        self.set_class(self.show_thread, "thread")
        pane = self.query_one(ThreadTree)
        if self.show_thread and self.cable_id is not None:
            pane.show(self.cable_id)
            self.set_focus(pane)
        elif pane.has_focus or self.focused is None:
            self.set_focus(self.query_one("#body-pane", VerticalScroll))

    def _draw_banner(self) -> None:
        """The cable's own marking; with the Thread tab open, the highest of it and of every
        cable whose subject the tab shows (a screen is marked for the most classified thing on
        it), NOFORN or FOUO carried as on the list's banner."""
        d = self.detail
        if d is None:
            return
        marking = Rollup()
        # (no level could be read: none is vouched for; banner_control is NOFORN over a
        # classified level, FOUO over UNCLASSIFIED, as add() reads each)
        readable = bool((d.classification or "").strip("?/ "))
        marking.add(d.level_rank if readable else None, d.banner_control, d.banner_control)
        # (its distribution captions: a TOP SECRET NODIS cable's banner read TOP SECRET while
        # its header said NODIS)
        marking.add_captions(" ".join(d.caveats))
        if self.show_thread:
            marking.merge(self.query_one(ThreadTree).marking())
        for b in self.query(Banner):
            b.show_marking(marking)

    def on_thread_tree_marking_changed(self, msg: ThreadTree.MarkingChanged) -> None:
        msg.stop()
        self._draw_banner()

    def on_thread_tree_open_cable(self, msg: ThreadTree.OpenCable) -> None:
        self.app.push_screen(CableScreen(None, 0, msg.cable_id))

    def action_find(self) -> None:
        def done(value: str | None) -> None:
            if value is None:
                return
            if value and self.show_thread:
                # a find is in the text: `/` on the Thread tab brings the text back to find in,
                # when the text holds it (a failed find closed the tab, and found nothing)
                if (
                    self.detail is not None
                    and not body_text(
                        self.detail,
                        self._pane_width("#body-pane"),
                        self.app.console,
                        raw=self.raw,
                        find=value,
                    )[1]
                ):
                    self.notify(f"not found: {visible(value, one_line=True)}", markup=False)
                    return
                self.show_thread = False
                self._show_thread()
            self.find_text = value or None
            # (the last find's matches, until the text is searched again: a find that failed
            # left the title at the last one's `found 1 of 1`)
            self.find_hits, self.find_pos = [], -1
            self.draw()
            if self.find_text and not self.find_hits:
                self.notify(f"not found: {visible(value, one_line=True)}", markup=False)
            self.action_find_next()

        self.app.push_screen(PromptScreen("Find in this cable", self.find_text or ""), done)

    def finding(self) -> bool:
        """A find with matches is shown: n and N move between them, esc ends it."""
        return bool(self.find_text and self.find_hits) and not self.show_thread

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # (find_next by n passed over: n is the next cable; ctrl+g says nothing)
        return action not in ("end_find", "find_next") or self.finding()

    def _find_changed(self) -> None:
        """The key hints for a find shown or ended."""
        if self.is_mounted:
            self.query_one(KeyHints).set_bindings(
                hint_bindings(type(self), FIND_HINT_ORDER if self.finding() else None)
            )

    def action_end_find(self) -> None:
        self._clear_find()
        self.draw()

    def _clear_find(self) -> None:
        """No find (the caller draws: the marks go, the key line is the usual one again)."""
        self.find_text = None
        self.find_hits, self.find_pos = [], -1

    def action_find_next(self, step: int = 1) -> None:
        if not self.find_hits:
            return
        if self.find_pos < 0 and step < 0:
            self.find_pos = 0  # before the first: the previous is the last
        self.find_pos = (self.find_pos + step) % len(self.find_hits)
        line = self.find_hits[self.find_pos]
        pane = self.query_one("#body-pane", VerticalScroll)
        pane.scroll_to(y=max(0, line - 2), animate=False)
        self._draw_title()

    def action_find_previous(self) -> None:
        self.action_find_next(-1)

    def action_open_reference(self) -> None:
        d = self.detail
        if d is None or not d.references:
            self.notify("this cable cites no references", markup=False)
            return
        try:
            held = held_references(self.tapp.cache.conn(), d.id)
        except (sqlite3.Error, StoreError) as exc:
            self.tapp.report_cache_error(exc)
            return
        found = [
            (str(cid), visible(f"{letter or '-'}. {ref}  {text}", one_line=True))
            for cid, letter, ref, text in held
        ]
        if not found:
            self.notify("none of the referenced cables is in the cache", markup=False)
            return

        def done(key: str | None) -> None:
            if key:
                self.app.push_screen(CableScreen(None, 0, int(key)))

        if len(found) == 1:
            done(found[0][0])
        else:
            self.app.push_screen(PickScreen("Open reference", found), done)

    def action_scroll(self, n: int) -> None:
        self._pane().scroll_relative(y=n, animate=False)

    def action_scroll_page(self, n: int) -> None:
        pane = self._pane()
        pane.scroll_relative(y=n * max(1, pane.size.height - 1), animate=False)

    def action_scroll_home(self) -> None:
        self._pane().scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self._pane().scroll_end(animate=False)

    def action_help(self) -> None:
        self.tapp.show_help()

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Toggle raw text", "Show the cable as received", self.action_toggle_raw)
        yield SystemCommand("Open a reference", "Open a cited cable", self.action_open_reference)
        yield SystemCommand(
            "Thread", "What this cable cites and what cites it", self.action_toggle_thread
        )

    def cache_changed(self) -> None:
        # the open cable does not move; its triage fields may have changed
        if self.cable_id is not None:
            try:
                self.detail = (
                    load_cable(self.tapp.cache.conn(), self.cable_id, bounds.READ_BYTES)
                    or self.detail
                )
            except (sqlite3.Error, StoreError):
                return
            self.draw()
            if self.show_thread:
                self.query_one(ThreadTree).reload()
