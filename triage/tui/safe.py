"""Cable text made safe to show: never parsed as markup, control characters made visible
(`triage.visible`).

Every string that came from a cable goes through `visible()` and into `rich.text.Text` (or
`Content`) as plain text; styles are applied as spans, never by pasting text into markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text

from ..cable.model import level_word
from ..cable.rollup import CAPTIONS
from ..visible import visible


def plain(s: str | None, style: Style | str | None = None, *, one_line: bool = False) -> Text:
    return Text(visible(s, one_line=one_line), style=style or "", end="")


PREC_STYLES = {
    "EMERG": Style(bold=True, color="bright_white", bgcolor="red", reverse=False),
    "FLASH": Style(bold=True, color="bright_white", bgcolor="red"),
    "NIACT": Style(bold=True, color="bright_white", bgcolor="magenta"),
    "IMMED": Style(color="yellow", bold=True),
    "PRIOR": Style(color="cyan"),
    "ROUTN": Style(),
}

# the levels' conventional colours: UNCLASSIFIED green, CONFIDENTIAL blue, SECRET red, TOP
# SECRET orange (banner backgrounds; text on the terminal's background)
LEVEL_COLOURS = {0: "#00a651", 1: "#0033a0", 2: "#c8102e", 3: "#ff8c00"}
LEVEL_TEXT_COLOURS = {0: "#2ecc71", 1: "#5b8def", 2: "#ff4d4d", 3: "#ff8c00"}
_TRUE_LEVEL_COLOURS = (dict(LEVEL_COLOURS), dict(LEVEL_TEXT_COLOURS))
# a 16-colour terminal has no orange: the nearest colour to it is red, and TOP SECRET read as
# SECRET. There TOP SECRET is yellow, which no other level uses.
_ANSI_LEVEL_COLOURS = (
    {0: "green", 1: "blue", 2: "red", 3: "yellow"},
    {0: "bright_green", 1: "bright_blue", 2: "bright_red", 3: "bright_yellow"},
)


def set_colour_system(system: str | None) -> None:
    """The levels' colours for the terminal's colour system (`standard` and `windows` have 16
    colours); the dicts are changed in place, so that every module's import of them follows."""
    banner, text = _ANSI_LEVEL_COLOURS if system in ("standard", "windows") else _TRUE_LEVEL_COLOURS
    LEVEL_COLOURS.clear()
    LEVEL_COLOURS.update(banner)
    LEVEL_TEXT_COLOURS.clear()
    LEVEL_TEXT_COLOURS.update(text)


# NO_COLOR: Textual turns colours into greys, and red on a dark terminal into a grey hardly
# seen; under it an alarm (ACK?, overdue) is bold reverse video instead (the app sets this)
_mono = False


def set_monochrome(on: bool) -> None:
    global _mono
    _mono = on


def monochrome() -> bool:
    return _mono


def alarm_style(*, reverse: bool = True) -> Style:
    """What must not be missed: an unacknowledged FLASH, an overdue cable. `reverse=False` where
    reverse video already means the selection (the Overview's figures): then bold alone."""
    if not _mono:
        return Style(bold=True, color="red")
    return Style(bold=True, reverse=reverse)


def class_style(level_rank: int) -> Style:
    return Style(color=LEVEL_TEXT_COLOURS.get(level_rank, "white"), bold=level_rank >= 2)


def banner_text(
    level_rank: int,
    control: bool,
    unmarked: bool = False,
    captions: Iterable[str] = (),
    width: int = 0,
) -> str:
    """The whole marking, the level always in words: `S E C R E T // N O F O R N`,
    `U N C L A S S I F I E D // F O U O`. `control`: the level carries NOFORN (classified)
    or FOUO (unclassified). `captions`: State's distribution captions after the controls, as
    paper carries them (`T O P  S E C R E T // N O F O R N // N O D I S`). `unmarked`: a
    cable shown has no readable classification (then no level is vouched for it:
    `CLASSIFICATION UNKNOWN`, or the highest known level `+ UNMARKED`). Wider than `width`
    (when given), the letters are not spaced out (`TOP SECRET//NOFORN//NODIS//EXDIS`): the
    whole marking is shown rather than cut."""
    if level_rank < 0 and not unmarked:
        return "NO CABLES IN VIEW"
    shown = [c for c in CAPTIONS if c in set(captions)]
    if level_rank < 0:
        parts = ["CLASSIFICATION UNKNOWN", *shown]
    else:
        parts = [level_word(level_rank) or "UNCLASSIFIED"]
        if control:
            parts.append("NOFORN" if level_rank > 0 else "FOUO")
        parts += shown
    spaced = " // ".join(_spaced(p) for p in parts)
    if unmarked and level_rank >= 0:
        spaced += "  +  U N M A R K E D"
    if not width or len(spaced) <= width:
        return spaced
    return "//".join(parts) + (" + UNMARKED" if unmarked and level_rank >= 0 else "")


def _spaced(words: str) -> str:
    # `TOP SECRET` -> `T O P  S E C R E T`; the unknown level's words three apart, as ever
    gap = "   " if words == "CLASSIFICATION UNKNOWN" else "  "
    return gap.join(" ".join(w) for w in words.split())
