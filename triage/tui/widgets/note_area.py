"""The note editor's text area: a note's control characters shown as symbols, never sent.

A note can come from anyone with the command line (`triage note REF $'\\e]2;...\\a'`) or from a
paste, and Textual's TextArea draws what it holds as it is: an escape sequence in a note
retitled the terminal of whoever opened the editor, and a colour sequence shifted its border.
Everywhere else a note is shown (the split view, `audit`, the export) it reads `␛]2;…␇`; here
too, from what the note held and from every edit (typing, a paste). A note saved from the editor
keeps the symbols: what the officer saw is what is stored.
"""

from __future__ import annotations

from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from ...visible import visible


def shown(text: str) -> str:
    """Text as the editor holds it: line ends made newlines, other controls symbols."""
    return visible(text.replace("\r\n", "\n").replace("\r", "\n"))


class NoteArea(TextArea):
    def __init__(self, text: str = "", **kw: object) -> None:
        super().__init__(shown(text), **kw)  # type: ignore[arg-type]

    def edit(self, edit: Edit) -> EditResult:
        edit.text = shown(edit.text)
        return super().edit(edit)
