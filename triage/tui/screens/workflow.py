"""Workflow keys shared by the list and the split view: assign, status, due, note, acknowledge,
and the bulk forms over tagged cables. Writes run in a thread worker; conflicts come back as a
notice naming who changed the cable and when."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from textual import work
from textual.binding import Binding
from textual.notifications import Notification, Notify

from ...cable.model import CLOSED_STATUSES
from ...store import workflow as wf
from ...store.schema import StoreError
from ...store.views import load_cable
from ..messages import ChangesApplied, Outcome, Unsure
from ..safe import visible
from ..text import header_text
from .base import TriageScreen


@dataclass
class Target:
    cable_id: int
    row_version: int | None
    reference_id: str


class Unchanged(Exception):
    """A key that had nothing to change on this cable; the message says why."""


WORKFLOW_BINDINGS = [
    Binding("a", "assign", "Assign", id="workflow.assign"),
    Binding("A", "unassign", "Unassign", show=False, id="workflow.unassign"),
    Binding("s", "status", "Status", id="workflow.status"),
    Binding("1", "status_to(1)", "NEW", show=False, id="workflow.status_new"),
    Binding("2", "status_to(2)", "ASSIGNED", show=False, id="workflow.status_assigned"),
    Binding("3", "status_to(3)", "IN PROGRESS", show=False, id="workflow.status_in_progress"),
    Binding("4", "status_to(4)", "AWAITING REPLY", show=False, id="workflow.status_awaiting"),
    Binding("5", "status_to(5)", "DONE", show=False, id="workflow.status_done"),
    Binding("6", "status_to(6)", "NO ACTION", show=False, id="workflow.status_no_action"),
    Binding("d", "due", "Due", show=False, id="workflow.due"),
    Binding("c", "note", "Note", show=False, id="workflow.note"),
    Binding("K", "acknowledge", "Ack", show=False, id="workflow.ack"),
    Binding("y", "accept_suggestion", "Take suggestion", show=False, id="workflow.accept"),
    Binding("u", "undo", "Undo", show=False, id="workflow.undo"),
    Binding("ctrl+r", "redo", "Redo", show=False, id="workflow.redo"),
    Binding("Y", "copy", "Copy", show=False, id="workflow.copy"),
]


class WorkflowActions(TriageScreen):
    """The base of the list and the split view. Subclasses say which cables a key acts on."""

    def targets(self) -> list[Target]:  # pragma: no cover - overridden
        return []

    def bulk(self) -> bool:
        return False

    def bulk_noun(self) -> str:
        return "tagged cables"

    def which(self, targets: list[Target]) -> str:
        """What a prompt acts on: the cable's reference, or how many cables."""
        if len(targets) == 1:
            ref = visible(targets[0].reference_id, one_line=True)
            return ref if not self.bulk() else f"the tagged cable {ref}"
        return f"{len(targets):,} {self.bulk_noun()}"

    def refresh_after_change(self) -> None:  # pragma: no cover - overridden
        pass

    def suggestion(self) -> tuple[str | None, str | None]:
        """The officer to suggest, and why when it is not a routing rule (a cited cable's officer)."""
        return None, None

    def suggested_officer(self) -> str | None:
        return self.suggestion()[0]

    # the keys

    def _confirm_then(
        self, what: str, run: Callable[[], None], targets: list[Target] | None = None
    ) -> None:
        """Run the change, after asking first when it is for several tagged cables. `targets`:
        the cables as they were when the officer chose (else the ones under the cursor now)."""
        from .dialogs import ConfirmScreen

        if targets is None:
            targets = self.targets()
        if not targets:
            return
        under = self.cursor_target()
        if self._asks_first(targets):
            # (one tagged cable away from the cursor too: a status key changed it, not the
            # row the officer was looking at, and asked nothing)
            which = (
                f"{len(targets):,} {self.bulk_noun()}"
                if len(targets) > 1
                else f"the tagged cable {visible(targets[0].reference_id, one_line=True)}"
                + (
                    f" (not {visible(under.reference_id, one_line=True)} under the cursor)"
                    if under is not None
                    else ""
                )
            )
            # `Assign {which} to kwalker`, or `Set status DONE` for {which}
            question = (
                what.replace("{which}", which, 1) if "{which}" in what else f"{what} for {which}"
            )
            self.app.push_screen(
                # enter is no, as on every question: only y says yes (the new-officer question
                # just before took enter as no, this one took it as yes)
                ConfirmScreen(f"{question}?", default=False),
                lambda ok: run() if ok else None,
            )
        else:
            run()

    def _asks_first(self, targets: list[Target]) -> bool:
        """Whether `_confirm_then` puts a question before changing these cables: several
        tagged cables, or one tagged cable away from the cursor."""
        if not self.bulk() or not targets:
            return False
        under = self.cursor_target()
        return len(targets) > 1 or under is None or under.cable_id != targets[0].cable_id

    @staticmethod
    def _as_read(
        targets: list[Target], states: list[wf.State], mine: str | None = None
    ) -> list[Target]:
        """The cables at the versions a question was built from: what the question showed
        the officer (a colleague's assignment it counted) and they answered yes to is not
        refused as a change made behind their back; only one made after it was read is.
        `mine`: only cables held by this login or by nobody (a question that did not say
        whose they are); the others, and those not read, keep the version they had."""
        now = {
            st.cable_id: st.row_version
            for st in states
            if mine is None or st.officer in (None, mine)
        }
        return [
            Target(t.cable_id, now.get(t.cable_id, t.row_version), t.reference_id) for t in targets
        ]

    def _apply_as_asked(
        self,
        targets: list[Target],
        label: str,
        change: Callable[[sqlite3.Connection, Target, str, str], object],
        ask_again: Callable[[Target, wf.State], None],
    ) -> None:
        """Apply a change chosen in a dialog to the cables as they were when it opened (their
        versions then): a change someone else made while the officer chose is not overwritten.
        One cable: the dialog is put again, saying what the other officer did (`ask_again`
        with the cable's version now); several: each such cable is named as not changed."""
        if len(targets) == 1 and not self.bulk():
            t = targets[0]
            self._save_versioned(
                label,
                t,
                change,
                lambda theirs: ask_again(
                    Target(t.cable_id, theirs.row_version, t.reference_id), theirs
                ),
            )
        else:
            self._apply(label, targets, change)

    def action_assign(self) -> None:
        targets = self.targets()
        if targets:
            self._ask_officer(targets, f"Assign {self.which(targets)}")

    def _ask_officer(self, targets: list[Target], title: str, picked: str | None = None) -> None:
        app = self.tapp
        if app.cache.remote:
            # read off the UI thread: a server that stops answering held every key for
            # seconds as the box opened, before the NOT LIVE box came
            self.notify("reading the officers from the server…", markup=False, timeout=2)
            self._read_officers(targets, title, picked)
            return
        try:
            officers = wf.known_officers(app.cache.conn(), app.config.officers)
        except (sqlite3.Error, StoreError):
            officers = list(app.config.officers)
        self._pick_officer(targets, title, picked, officers)

    @work(thread=True, exclusive=True, group="officers", exit_on_error=False)
    def _read_officers(self, targets: list[Target], title: str, picked: str | None) -> None:
        app = self.tapp
        try:
            with app.cache.borrow() as conn:
                officers = wf.known_officers(conn, app.config.officers)
        except (sqlite3.Error, StoreError):
            if app.cache.lost:
                return  # (the NOT LIVE box says why; no box opens over it)
            officers = list(app.config.officers)
        self.app.call_from_thread(self._pick_officer, targets, title, picked, officers, True)

    def _pick_officer(
        self,
        targets: list[Target],
        title: str,
        picked: str | None,
        officers: list[str],
        late: bool = False,
    ) -> None:
        from .dialogs import OfficerPicker

        app = self.tapp
        if late and app.screen is not self:
            return  # (read off the UI thread: the officer has gone elsewhere meanwhile)
        chose: list[str] = []  # the officer picked, put in the box again after a conflict

        def ask_again(t: Target, theirs: wf.State) -> None:
            self._ask_officer(
                [t],
                f"Assign {visible(t.reference_id, one_line=True)}: {self._who_when(theirs)} "
                f"(officer {visible(theirs.officer or 'none', one_line=True)}, "
                f"{theirs.status}); enter assigns yours, esc keeps theirs",
                chose[-1] if chose else None,
            )

        def run(officer: str) -> None:
            states = self._states_now(targets) if self.bulk() else []
            held = sum(1 for st in states if st.officer and st.officer not in (app.login, officer))
            # y answers the question as read now: a colleague's cable it counts is given
            # away as asked (the versions of when the cables were tagged refused it)
            asked = self._as_read(targets, states) if self._asks_first(targets) else targets
            # (tagged cables of colleagues were given away with no word of them: asked as a
            # single cable's a asks)
            also = (
                f" ({held:,} held by {'a colleague, who is' if held == 1 else 'colleagues, who are'}"
                " told)"
                if held
                else ""
            )
            self._confirm_then(
                "Assign {which} to " + visible(officer, one_line=True) + also,
                lambda: self._apply_as_asked(
                    asked,
                    f"assigned to {visible(officer, one_line=True)}",
                    lambda c, t, who, b: wf.assign(c, t.cable_id, officer, who, t.row_version, b),
                    ask_again,
                ),
                targets,
            )

        def chosen(officer: str | None) -> None:
            if not officer:
                return
            chose.append(officer)
            held = self._colleagues_cable(targets)
            if (
                held is None
                or held.officer == officer
                or (held.row_version or 0) != (targets[0].row_version or 0)
            ):
                # (changed since the row was shown: the conflict names who changed it, and
                # asks again)
                run(officer)
                return
            # a colleague's cable given to someone else: asked, as A (unassign) asks, since
            # the colleague loses it (they are told)
            from .dialogs import ConfirmScreen

            self.app.push_screen(
                ConfirmScreen(
                    f"{visible(held.reference_id, one_line=True)} is "
                    f"{visible(held.officer or '', one_line=True)}'s, {held.status}: give it to "
                    f"{visible(officer, one_line=True)}? They are told.",
                    default=False,
                ),
                lambda ok: run(officer) if ok else None,
            )

        app.push_screen(OfficerPicker(title, officers, picked or self.suggested_officer()), chosen)

    def _states_now(self, targets: list[Target]) -> list[wf.State]:
        """The workflow of the first 500 of these cables as it is now, for a question put
        before a change ([] when it cannot be read: the change itself will say what is wrong)."""
        try:
            conn = self.tapp.cache.conn()
            return [wf.state(conn, t.cable_id) for t in targets[:500]]
        except (sqlite3.Error, StoreError, wf.WorkflowError):
            return []

    def _colleagues_cable(self, targets: list[Target]) -> wf.State | None:
        """The state of the one cable a key acts on when a colleague holds it (not for tagged
        cables: the bulk question names how many)."""
        if len(targets) != 1 or self.bulk():
            return None
        try:
            st = wf.state(self.tapp.cache.conn(), targets[0].cable_id)
        except (sqlite3.Error, StoreError, wf.WorkflowError):
            return None  # (the change itself will say what is wrong)
        if st.officer and st.officer != self.tapp.login:
            return st
        return None

    def action_unassign(self) -> None:
        def unassign(c: sqlite3.Connection, t: Target, who: str, b: str) -> object:
            if wf.state(c, t.cable_id).officer is None:
                raise Unchanged(f"{t.reference_id} is not assigned; nothing to remove")
            return wf.unassign(c, t.cable_id, who, t.row_version, b)

        targets = self.targets()
        # a colleague's cable is theirs to give up: A (one shift from a) took it with one
        # key, and they were not told
        st = self._colleagues_cable(targets)
        if st is not None:
            from .dialogs import ConfirmScreen

            officer = visible(st.officer, one_line=True)
            back = " (back to NEW)" if st.status in wf.OWNED_STATUSES else ""

            def answered(ok: bool | None) -> None:
                if ok:
                    self._apply("assignment removed", targets, unassign)

            self.app.push_screen(
                ConfirmScreen(
                    f"{visible(st.reference_id, one_line=True)} is {officer}'s, "
                    f"{st.status}: take it from them{back}? They are told.",
                    default=False,
                ),
                answered,
            )
            return
        self._confirm_then(
            "Remove the assignment", lambda: self.apply("assignment removed", unassign)
        )

    def action_status(self) -> None:
        targets = self.targets()
        if targets:
            self._ask_status(targets, f"Status of {self.which(targets)} (1-6)")

    def _ask_status(self, targets: list[Target], title: str, current: str | None = None) -> None:
        """The box opens on the status the cable has (the cables have, when they share one),
        marked `(now)`: enter on it changes nothing. It opened on NEW, and s then enter set an
        assigned cable back to NEW. With several statuses among tagged cables nothing is
        highlighted, and enter on nothing is no."""
        from .dialogs import PickScreen

        asked = targets
        if current is None:
            states = self._states_now(targets)
            now = {st.status for st in states}
            current = now.pop() if len(now) == 1 and len(targets) <= 500 else None
            if current is not None and self._asks_first(targets):
                # the box shows their status now: a colleague's status it showed is not
                # refused as a change behind the officer's back (whose the cables are it does
                # not say: a cable a colleague holds keeps the version it was tagged at)
                asked = self._as_read(targets, states, mine=self.tapp.login)
        # NEW on a held cable is refused (NEW is a cable nobody holds): the box says how instead
        held = current in wf.OWNED_STATUSES
        choices = [
            (
                s,
                f"{k + 1}  {s}"
                + ("  (now)" if s == current else "")
                + ("  (remove the officer: A)" if s == "NEW" and held else ""),
            )
            for k, s in enumerate(wf.STATUSES)
        ]

        def chosen(status: str | None) -> None:
            if status and status == current:
                self.notify(f"status unchanged: {status}", markup=False, timeout=3)
            elif status:
                self._set_status(status, asked)

        self.app.push_screen(
            PickScreen(
                title if current else f"{title} (enter: no change)",
                choices,
                current,
                enter_is_no=current is None,
            ),
            chosen,
        )

    def action_status_to(self, n: int) -> None:
        self._set_status(wf.STATUSES[n - 1], self.targets())

    def _set_status(self, status: str, targets: list[Target]) -> None:
        if not targets:
            return
        if status in CLOSED_STATUSES and self._ask_before_closing_unacknowledged(status, targets):
            return

        def ask_again(t: Target, theirs: wf.State) -> None:
            self._ask_status(
                [t],
                f"Status of {visible(t.reference_id, one_line=True)}: {self._who_when(theirs)} "
                f"to {theirs.status}; pick yours, esc keeps theirs",
                theirs.status,
            )

        self._confirm_then(
            f"Set status {status}",
            lambda: self._apply_as_asked(
                targets,
                f"status set to {status}",
                lambda c, t, who, b: _status_unless_had(c, t, status, who, b),
                ask_again,
            ),
            targets,
        )

    def _ask_before_closing_unacknowledged(self, status: str, targets: list[Target]) -> bool:
        """Closing a FLASH or NIACT IMMEDIATE nobody acknowledged takes it out of every list
        that chases acknowledgment: ask first, offering to acknowledge it on the way. True when
        the question was put (the answer does the rest)."""
        from .dialogs import PickScreen

        try:
            pending = wf.unacknowledged(self.tapp.cache.conn(), [t.cable_id for t in targets])
        except (sqlite3.Error, StoreError):
            return False  # the write itself will say what is wrong with the cache
        if not pending:
            return False
        ids = {cid for cid, _, _ in pending}
        if len(pending) == 1 and len(targets) == 1:
            _, ref, prec = pending[0]
            title = f"{visible(ref, one_line=True)} is {prec} and not acknowledged"
        else:
            which = self.which(targets)
            some = (
                f"All {which}"
                if len(pending) == len(targets)
                else f"{len(pending):,} of the {which}"
            )
            title = f"{some} are EMERGENCY, FLASH or NIACT IMMEDIATE and not acknowledged"
        choices = [
            ("ack", f"Acknowledge, then set {status}"),
            ("close", f"Set {status} without acknowledging"),
        ]

        def ack_then_close(c: sqlite3.Connection, t: Target, who: str, b: str) -> object:
            version = t.row_version
            if t.cable_id in ids:
                try:
                    version = wf.acknowledge(c, t.cable_id, who, version, b).row_version
                except wf.CommitUnknown as exc:  # (whether acknowledged is found out later)
                    exc.what += f" (NOT set to {status} yet: set it once this is known)"
                    raise
                except wf.WorkflowError as exc:
                    # acknowledged (or changed) by someone else meanwhile: the close is not
                    # made on a cable changed under the officer, and the message says so
                    raise wf.WorkflowError(
                        f"{exc}; it was NOT set to {status} (look at it, then set it again)"
                    ) from exc
            return wf.set_status(c, t.cable_id, status, who, version, b)

        def chosen(key: str | None) -> None:
            if key == "ack":
                self._apply(f"acknowledged and set to {status}", targets, ack_then_close)
            elif key == "close":
                self._apply(
                    f"status set to {status}",
                    targets,
                    lambda c, t, who, b: wf.set_status(
                        c, t.cable_id, status, who, t.row_version, b
                    ),
                )

        self.app.push_screen(
            PickScreen(f"{title} (enter: no change)", choices, enter_is_no=True),
            chosen,
        )
        return True

    def action_due(self) -> None:
        # the cables and their versions as the officer sees them now: a due date someone else
        # sets while the prompt is open is not overwritten silently
        targets = self.targets()
        if not targets:
            return
        now = ""
        if len(targets) == 1:
            # the due date there is, to change (it opened empty, and enter on it cleared it)
            try:
                due = wf.state(self.tapp.cache.conn(), targets[0].cable_id).due_at
            except (sqlite3.Error, StoreError, wf.WorkflowError) as exc:
                self.notify(f"cannot read the due date: {exc}", severity="error", markup=False)
                return
            now = local_due(due) if due else ""
        title = (
            f"Due of {visible(targets[0].reference_id, one_line=True)} (suspense)"
            if len(targets) == 1
            else f"Due of {len(targets):,} cables (suspense)"
        )
        self._ask_due(targets, title, now, now)

    def _ask_due(self, targets: list[Target], title: str, typed: str, was: str = "") -> None:
        """`was`: the due date the cable has, as the box shows it; enter on it, or on an empty
        box, changes nothing (`none` clears)."""
        from .dialogs import PromptScreen

        warned: list[str] = []

        def unchanged(text: str) -> bool:
            return not text.strip() or text.strip() == was

        def check(text: str) -> str | None:
            """A time that cannot be read keeps the dialog open with what was typed; one in
            the past is named once (enter again keeps it)."""
            try:
                at = wf.parse_when(text)
            except wf.WorkflowError as exc:
                return str(exc)
            if unchanged(text):
                return None  # nothing changes
            if wf.is_past(at) and text not in warned:
                warned.append(text)
                return f"{at} is in the past; enter again to set it anyway, or type another time"
            return None

        def chosen(text: str | None) -> None:
            if text is None:
                return
            if unchanged(text):
                self.notify(
                    "due date unchanged (none clears it)" if was else "no due date set",
                    markup=False,
                    timeout=3,
                )
                return
            try:
                at = wf.parse_when(text)
            except wf.WorkflowError as exc:  # (checked in the dialog)
                self.notify(str(exc), severity="error", markup=False)
                return

            def change(c: sqlite3.Connection, t: Target, who: str, b: str) -> object:
                return wf.set_due(c, t.cable_id, at, who, t.row_version, b)

            label = f"due {at or 'cleared'}"
            if len(targets) == 1 and not self.bulk():
                t = targets[0]
                self._save_versioned(
                    label,
                    t,
                    change,
                    lambda theirs: self._ask_due(
                        [Target(t.cable_id, theirs.row_version, t.reference_id)],
                        f"Due of {visible(t.reference_id, one_line=True)}: "
                        f"{self._who_when(theirs)} to "
                        # (in local time, as the box reads it: the UTC time without its Z
                        # read as local beside the Z time before it)
                        f"{local_due(theirs.due_at) + ' local time' if theirs.due_at else 'none'}; "
                        "enter sets yours, esc keeps theirs",
                        text,
                    ),
                )
            else:

                def run() -> None:
                    self._apply(label, targets, change)

                self._confirm_then(f"Set due {at or 'none'}", run, targets)

        self.app.push_screen(
            PromptScreen(
                title,
                typed,
                "today 17:00, tomorrow, +2d, +4h, fri, 2026-12-01 09:00 (local time), none clears",
                check=check,
            ),
            chosen,
        )

    def action_note(self) -> None:
        targets = self.targets()
        if len(targets) != 1:
            if targets:
                self.notify("a note is written for one cable at a time", markup=False)
            return
        t = targets[0]
        try:
            st = wf.state(self.tapp.cache.conn(), t.cable_id)
        except (sqlite3.Error, StoreError, wf.WorkflowError) as exc:
            self.notify(f"cannot read the note: {exc}", severity="error", markup=False)
            return
        self._edit_note(t, f"Note on {visible(t.reference_id, one_line=True)}", st.note, st)

    def _edit_note(self, t: Target, title: str, text: str, st: wf.State) -> None:
        """The note as read now, saved only over that same version: a note someone else saved
        while this one was being written is never overwritten silently."""
        from ..widgets.note_area import shown
        from .dialogs import NoteEditor

        version = st.row_version
        held = (st.note or "").replace("\r\n", "\n").replace("\r", "\n")
        as_shown = shown(held)

        def saved(new: str | None) -> None:
            if new is not None and new == as_shown:
                # nothing typed: no new version, no audit line, and a note that held control
                # characters keeps them (saving would store the symbols the editor showed)
                self.notify("note unchanged", markup=False, timeout=3)
            elif new is not None and (why := wf.note_too_long(new)):
                # not saved, and not lost: the editor again, with what was typed
                self.notify(f"note not saved: {why}", severity="error", markup=False)
                self._edit_note(t, title, new, st)
            elif new is not None:
                self._save_versioned(
                    "note saved"
                    + (
                        " (its control characters as the symbols shown, ␛ for ESC)"
                        if as_shown != held
                        else ""
                    ),
                    Target(t.cable_id, version, t.reference_id),
                    lambda c, tt, who, b: wf.set_note(c, tt.cable_id, new, who, tt.row_version, b),
                    lambda theirs: self._edit_note(
                        t,
                        f"{visible(t.reference_id, one_line=True)}: {self._who_when(theirs)} "
                        f"while you wrote. Their note: {visible(theirs.note or '(empty)', one_line=True)[:300]}"
                        " -- yours is below: ctrl+s saves it in place of theirs, esc keeps theirs",
                        new,
                        theirs,
                    ),
                    lambda why: self._edit_note(
                        t,
                        f"{visible(t.reference_id, one_line=True)}: your note was NOT saved "
                        f"({visible(why, one_line=True)[:200]}); it is below: ctrl+s tries again "
                        "once the cache answers, esc throws it away",
                        new,
                        st,
                    ),
                )

        self.app.push_screen(NoteEditor(title, text), saved)

    @staticmethod
    def _who_when(st: wf.State) -> str:
        when = (st.changed_at or "?")[:16].replace("T", " ")
        return f"{visible(st.changed_by or 'someone', one_line=True)} changed it at {when}Z"

    @contextmanager
    def _saying_lock_waits(self, conn: sqlite3.Connection) -> Iterator[Callable[[str], None]]:
        """On a database server, a change held up by another session's lock (a psql session
        holding the cable's row FOR UPDATE) says so after LOCK_NOTICE_S, naming that session,
        as the command line does; and when it gives up, names it too (`gave up after 30 s
        waiting for another session holding 26ROME1301's row (pid 6149, role postgres,
        psql)`). It sat 30 s without a sign and then named no one. Yields a function that
        names the cable being changed (for the words)."""
        pg: Any = conn
        if getattr(conn, "backend", "") != "postgresql":
            yield lambda _ref: None
            return

        shown: list[Notification] = []

        def report(wait: Any) -> None:  # (the lock watch's thread)
            # (withdrawn when the change ends: it said "waiting" for its 30 s after the lock
            # was let go and the change had been saved)
            toast = Notification(
                pg.waiting_line(wait), "Waiting", "warning", timeout=30, markup=False
            )
            shown.append(toast)
            self.app.post_message(Notify(toast))

        def subject(ref: str) -> None:
            pg.lock_subject = ref

        pg.on_lock_wait(report)
        try:
            yield subject
        finally:
            # (never raising over the change's own outcome: a CommitUnknown must reach the
            # worker, which looks the change up, or the change was said neither saved nor not)
            with suppress(Exception):
                pg.on_lock_wait(None)
            pg.lock_subject = None
            for toast in shown:
                with suppress(RuntimeError):  # (the console has quit meanwhile)
                    self.app.call_from_thread(self.app._unnotify, toast)

    def _save_versioned(
        self,
        label: str,
        target: Target,
        change: Callable[[sqlite3.Connection, Target, str, str], object],
        on_conflict: Callable[[wf.State], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        self._run_versioned(label, target, change, on_conflict, on_failure)

    @work(thread=True, group="write", exit_on_error=False)
    def _run_versioned(
        self,
        label: str,
        target: Target,
        change: Callable[[sqlite3.Connection, Target, str, str], object],
        on_conflict: Callable[[wf.State], None],
        on_failure: Callable[[str], None] | None = None,
    ) -> None:
        app = self.tapp
        outcome = Outcome(label)
        try:
            with app.cache.borrow() as conn, self._saying_lock_waits(conn) as subject:
                subject(target.reference_id)
                change(conn, target, app.login, wf.new_batch(app.undo_scope))
            outcome.done.append(target.reference_id)
        except wf.CommitUnknown as exc:
            # (neither saved nor NOT SAVED until it is looked up: typed again, it was made twice)
            outcome.unsure.append(Unsure(exc, on_failure))
        except Unchanged as exc:
            outcome.unchanged.append(str(exc))
        except wf.Conflict as exc:
            if exc.current is not None:
                current = exc.current
                self.app.call_from_thread(self.refresh_after_change)  # (their change shown)
                self.app.call_from_thread(on_conflict, current)
                self.app.call_from_thread(
                    self.notify,
                    f"{visible(target.reference_id, one_line=True)}: {self._who_when(current)}; "
                    "nothing was overwritten",
                    title="Changed by someone else",
                    severity="warning",
                    markup=False,
                    timeout=10,
                )
                return
            outcome.conflicts.append(str(exc))
        except wf.WorkflowError as exc:
            outcome.errors.append(str(exc))
        except (sqlite3.Error, StoreError) as exc:
            outcome.errors.append(f"{target.reference_id}: not saved: {exc}")
            if on_failure is not None:
                # (the server went as it was saved: what was typed is put back, not lost)
                self.app.call_from_thread(on_failure, str(exc))
        except Exception as exc:  # (a worker that dies says nothing: the change said neither)
            outcome.errors.append(_internal(target.reference_id, exc))
        self.post_message(ChangesApplied(outcome))

    def action_acknowledge(self) -> None:
        self.apply(
            "acknowledged",
            lambda c, t, who, b: wf.acknowledge(c, t.cable_id, who, t.row_version, b),
        )

    def action_accept_suggestion(self) -> None:
        officer, why = self.suggestion()
        if not officer:
            self.notify("no routing rule suggests an officer for this cable", markup=False)
            return
        self.apply(
            f"assigned to {visible(officer, one_line=True)}"
            + (f" ({visible(why, one_line=True)})" if why else ""),
            lambda c, t, who, b: wf.assign(c, t.cable_id, officer, who, t.row_version, b),
        )

    # copying

    def cursor_target(self) -> Target | None:
        """The one cable under the cursor (tags aside)."""
        targets = self.targets()
        return targets[0] if len(targets) == 1 else None

    def action_copy(self) -> None:
        """Y: copy the reference id, or the cable's header and text, to the clipboard."""
        from .dialogs import PickScreen

        t = self.cursor_target()
        if t is None:
            return
        choices = [
            ("ref", "1  reference id"),
            ("all", "2  header and text"),
            ("text", "3  text as received"),
        ]

        def chosen(what: str | None) -> None:
            if what == "ref":
                self.tapp.copy_text(t.reference_id, t.reference_id, None)
            elif what in ("all", "text"):
                try:
                    d = load_cable(self.tapp.cache.conn(), t.cable_id)
                except (sqlite3.Error, StoreError) as exc:
                    self.notify(f"cannot read the cable: {exc}", severity="error", markup=False)
                    return
                if d is None:
                    return
                if what == "text":
                    text = d.body
                else:
                    console = Console(width=100, color_system=None)
                    office = set(self.tapp.config.office_ris) | set(self.tapp.config.office_names)
                    text = header_text(d, 100, console, office).plain + "\n" + d.body
                noun = "text" if what == "text" else "header and text"
                self.tapp.copy_text(
                    text, f"the {noun} of {d.reference_id}", f"triage-copy-{d.reference_id}.txt"
                )

        self.app.push_screen(
            PickScreen(f"Copy {visible(t.reference_id, one_line=True)} (1-3)", choices), chosen
        )

    def action_undo(self) -> None:
        self._undo(redo=False)

    def action_redo(self) -> None:
        self._undo(redo=True)

    @work(thread=True, group="write", exit_on_error=False)
    def _undo(self, redo: bool) -> None:
        app = self.tapp
        word = "redone" if redo else "undone"
        outcome = Outcome(word)
        try:
            with app.cache.borrow() as conn, self._saying_lock_waits(conn):
                undone = (wf.redo_last if redo else wf.undo_last)(conn, app.login, app.undo_scope)
        except wf.CommitUnknown as exc:
            if exc.batch is not None:
                outcome.unsure.append(Unsure(exc))
            else:  # (only its refusals were being noted: nothing it changed is in doubt)
                outcome.errors.append(f"not {word}: {exc}")
        except (sqlite3.Error, StoreError, wf.WorkflowError) as exc:
            outcome.errors.append(f"not {word}: {exc}")
        except Exception as exc:  # (a worker that dies says nothing)
            outcome.errors.append(_internal(f"the {'redo' if redo else 'undo'}", exc))
        else:
            if undone is None:
                outcome.unchanged.append(
                    "nothing to redo: no undo made in this console stands"
                    if redo
                    else "nothing to undo: no change made in this console stands"
                )
            else:
                outcome.label = f"{word} ({undone.label})" if undone.label else word
                outcome.done, outcome.conflicts = undone.done, undone.conflicts
        self.post_message(ChangesApplied(outcome))

    # applying

    def apply(
        self, label: str, change: Callable[[sqlite3.Connection, Target, str, str], object]
    ) -> None:
        targets = self.targets()
        if targets:
            self._apply(label, targets, change)

    @work(thread=True, group="write", exit_on_error=False)
    def _apply(
        self,
        label: str,
        targets: list[Target],
        change: Callable[[sqlite3.Connection, Target, str, str], object],
    ) -> None:
        app = self.tapp
        outcome = Outcome(label)
        batch = wf.new_batch(app.undo_scope)  # one key press, one batch: `u` undoes it whole
        try:
            with app.cache.borrow() as conn, self._saying_lock_waits(conn) as subject:
                for t in targets:
                    try:
                        subject(t.reference_id)
                        change(conn, t, app.login, batch)
                        outcome.done.append(t.reference_id)
                    except Unchanged as exc:
                        outcome.unchanged.append(str(exc))
                    except wf.Conflict as exc:
                        outcome.conflicts.append(str(exc))
                        now = exc.current.row_version if exc.current else t.row_version
                        outcome.kept[t.cable_id] = now or 0
                    except wf.WorkflowError as exc:
                        outcome.errors.append(str(exc))
                        outcome.kept[t.cable_id] = t.row_version or 0
                    except wf.CommitUnknown as exc:
                        outcome.unsure.append(Unsure(exc))
                        outcome.kept[t.cable_id] = t.row_version or 0
                    except sqlite3.Error as exc:
                        outcome.errors.append(f"{t.reference_id}: not saved: {exc}")
                        outcome.kept[t.cable_id] = t.row_version or 0
        except (sqlite3.Error, StoreError) as exc:
            outcome.errors.append(f"not saved: {exc}")
            for t in targets:
                if t.reference_id not in outcome.done:
                    outcome.kept.setdefault(t.cable_id, t.row_version or 0)
        except Exception as exc:  # (a worker that dies says nothing)
            rest = [t for t in targets if t.reference_id not in outcome.done]
            outcome.errors.append(_internal(rest[0].reference_id if rest else "the change", exc))
            for t in rest:
                outcome.kept.setdefault(t.cable_id, t.row_version or 0)
        self.post_message(ChangesApplied(outcome))

    def on_changes_applied(self, msg: ChangesApplied) -> None:
        o = msg.outcome
        # tagged cables: one toast for each kind, not one for each cable (40 refusals were 40
        # toasts), the cables not changed staying tagged to look at and try again
        kept = " (still tagged)" if self.bulk() and o.kept else ""
        for texts, title, severity, timeout in (
            (o.conflicts, "Changed by someone else", "warning", 10),
            (o.errors, "", "error", 8),
        ):
            if not texts:
                continue
            if len(texts) <= 2:
                shown = [text + kept for text in texts]
            else:
                shown = [
                    f"{len(texts)} cables not changed{kept}: {texts[0]}; and {len(texts) - 1} more"
                ]
            for text in shown:
                self.notify(
                    text,
                    title=title,
                    severity=severity,  # type: ignore[arg-type]
                    markup=False,
                    timeout=timeout,
                )
        self.kept_tagged = dict(o.kept)
        note = getattr(self.app, "note_not_saved", None)
        if o.errors and note is not None:
            note([t for t in o.errors if "not saved" in t])
        unsure = getattr(self.app, "note_unsure", None)
        if o.unsure and unsure is not None:
            unsure(o.unsure)
        if o.unchanged:
            more = f" (and {len(o.unchanged) - 1} more)" if len(o.unchanged) > 1 else ""
            self.notify(o.unchanged[0] + more, markup=False, timeout=4)
        if o.done:
            what = o.done[0] if len(o.done) == 1 else f"{len(o.done)} cables"
            self.notify(f"{what}: {o.label}", markup=False, timeout=4)
        self.refresh_after_change()


def _status_unless_had(
    conn: sqlite3.Connection, t: Target, status: str, who: str, batch: str
) -> object:
    """A status key on a cable that has that status already changes nothing, and says so: the
    toast said `status set`, and a bulk change counted it among the cables changed."""
    if wf.state(conn, t.cable_id).status == status:
        raise Unchanged(f"{t.reference_id} is {status} already")
    return wf.set_status(conn, t.cable_id, status, who, t.row_version, batch)


def local_due(due_at: str) -> str:
    """A stored due time (UTC) as the due box reads it back: the host's local time, to the
    minute (`2026-12-04 17:00`)."""
    import datetime as dt

    try:
        at = dt.datetime.fromisoformat(due_at.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def _internal(what: str, exc: BaseException) -> str:
    """A change's worker met an error triage does not expect: said, never swallowed (a worker
    that dies is silent), and not called "not saved", which it may have been."""
    return (
        f"{visible(what, one_line=True)}: may not have been saved: an internal error "
        f"({type(exc).__name__}: {visible(str(exc), one_line=True)}); look at the cable "
        "before making the change again"
    )
