"""A Static for long, already wrapped text that renders only the rows on screen.

Textual's Static renders its whole content to strips on every layout (and wraps it again):
half a second for a thousand lines, which is what made a long cable slow to open. The split
view's body is text the console has wrapped already (hanging indents per paragraph), so its
height is its number of lines and a row is drawn when it scrolls into view (the Line API, as
the list does). `content` is still what was given to `update`.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import VisualType
from textual.widgets import Static


class LazyText(Static):
    DEFAULT_CSS = "LazyText { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, markup=False)
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        text = content if isinstance(content, Text) else Text(str(content))
        self._lines = list(text.split("\n", allow_blank=True))
        self._strips = {}
        super().update(content, layout=layout)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        style = self.rich_style
        if not 0 <= y < len(self._lines):
            return Strip.blank(width, style)
        strip = self._strips.get(y)
        if strip is None:
            line = self._lines[y]
            # the widget's style under the line's own spans (bold leads, marking colours)
            strip = Strip(list(line.render(self.app.console))).apply_style(style)
            strip = strip.crop_extend(0, width, style)
            if len(self._strips) > 4096:  # a screenful at a time: keep the cache small
                self._strips.clear()
            self._strips[y] = strip
        return strip

    def notify_style_update(self) -> None:
        self._strips = {}
        super().notify_style_update()

    def on_resize(self) -> None:
        self._strips = {}
