"""Stage: the cable's overall marking, rolled up from every place the text marks it.

Classification guides give the rule: the overall marking is never lower or less restrictive
than any part. So the cable's level is the highest level, and its controls the union of the
dissemination controls, found in its banner lines (the first and the ones repeated at page
breaks), its classification caption lines (`SECRET//NOFORN` under the banner) and its
paragraphs' portion marks. Copies often took only the first banner line; when that line says
less than the rest of the text, a warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import Level, classification_of, fast_init, marking_controls, marking_rank

_LEVEL_WORDS = {
    "TOP SECRET": "TOP SECRET",
    "SECRET": "SECRET",
    "CONFIDENTIAL": "CONFIDENTIAL",
    "UNCLASSIFIED": "UNCLASSIFIED",
    "LIMITED OFFICIAL USE": "UNCLASSIFIED",
}
_RANK_LEVELS = ["UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "TOP SECRET"]
_LEVEL_RANKS = {level.value: level.rank for level in Level}  # model.level_rank, as a table


def _spaced(word: str) -> str:
    """A word as banners write it, letters together or spaced (`S E C R E T`)."""
    return " +".join(" ?".join(part) for part in word.split())


# a line that is all marking: a level (as banners space it), then controls, a SECTION count,
# the station and serial, or a page number; `\n` first so the search skips to line starts fast
RE_MARKING_LINE = re.compile(
    r"\n[ \t>]*(?P<level>"
    + "|".join(_spaced(w) for w in _LEVEL_WORDS)
    + r")(?![A-Z])(?P<rest>[^\n]*)"
)
# the same for the text's first line (where RE_MARKING_LINE was run over a copy of the text
# with a line break put before it)
RE_FIRST_MARKING_LINE = re.compile(RE_MARKING_LINE.pattern[2:])
_CONTROL_WORDS = [
    *[
        "NOFORN",
        "NOFORN",
        "NF",
        "SIPDIS",
        "EXDIS",
        "NODIS",
        "LIMDIS",
        "STADIS",
        "ROGER",
        "SPECAT",
        "FOUO",
        "SBU",
    ],
    "FOR OFFICIAL USE ONLY",
    "SENSITIVE BUT UNCLASSIFIED",
    "ORCON",
    "PROPIN",
    "REL TO [A-Z, ]+",
]
# the control words as whole words: each opens with its letter and checks the word boundary
# before it after that letter (`(?<!\w.)`), so the regex engine skips from letter to letter
# instead of trying the alternatives at every position (`\b(?:NOFORN|...)\b`, the same matches)
RE_CONTROL_WORDS = re.compile("|".join(rf"{w[0]}(?<!\w.){w[1:]}\b" for w in _CONTROL_WORDS))
RE_REST_OK = re.compile(
    r"^(?:SECTION \d+ OF \d+ ?)?(?:(?:\d{2} )?[A-Z][A-Z .'-]*? 0*\d{1,7}(?: \d{6}Z)?)?$"
    r"|^PAGE \d+\b"
)
_CONTROL_NAMES = {
    "NF": "NOFORN",
    "FOR OFFICIAL USE ONLY": "FOUO",
    "SENSITIVE BUT UNCLASSIFIED": "SBU",
}


@fast_init
@dataclass(frozen=True)
class LineMarking:
    """One whole-line marking: a banner line or a classification caption."""

    level: str
    controls: tuple[str, ...]


@fast_init
@dataclass(frozen=True)
class Markings:
    level: str | None
    caveats: tuple[str, ...]
    classification: str | None
    warnings: tuple[str, ...] = ()


def marking_lines(text: str) -> list[LineMarking]:
    """Every line of the text that is only a marking, in order."""
    out: list[LineMarking] = []
    first = RE_FIRST_MARKING_LINE.match(text)
    for m in [first, *RE_MARKING_LINE.finditer(text)] if first else RE_MARKING_LINE.finditer(text):
        written = m.group("level")  # letters and spaces only
        level = _LEVEL_WORDS[
            written.replace(" ", "")
            .replace("TOPSECRET", "TOP SECRET")
            .replace("LIMITEDOFFICIALUSE", "LIMITED OFFICIAL USE")
        ]
        # str.split's blanks are `\s+`'s: " ".join(split()) is re.sub(r"\s+", " ", ...).strip()
        # without a regex call for each run of blanks (a spaced banner has a dozen)
        rest = m.group("rest")
        if rest and not rest.isspace():
            up = " ".join(rest.split()).upper()
            controls = [_CONTROL_NAMES.get(c, c) for c in RE_CONTROL_WORDS.findall(up)]
            left = (
                RE_CONTROL_WORDS.sub(" ", up).replace("/", " ")
                if controls
                else up.replace("/", " ")
            )
            left = " ".join(left.split()).strip(" .,")
            if left and not RE_REST_OK.match(left):
                continue
        else:
            controls = []
        if "LIMITED" in written:
            controls.append("LOU")
        out.append(
            LineMarking(
                level,
                tuple(dict.fromkeys(c for c in controls if not c.startswith("REL")))
                if controls
                else (),
            )
        )
    return out


def roll_up(
    first_level: str | None,
    first_caveats: Iterable[str],
    lines: Iterable[LineMarking],
    portion_marks: Iterable[str | None],
    other_caveats: Iterable[str] = (),
) -> Markings:
    """The overall marking: the first banner's, raised to the highest level and widened to the
    union of controls that the banner and caption lines and the portion marks carry."""
    first = list(dict.fromkeys(first_caveats))
    first_class = classification_of(first_level, first)
    rank = _LEVEL_RANKS.get(first_level, 0) if first_level else -1
    caveats = list(first)
    for line in lines:
        rank = max(rank, _LEVEL_RANKS.get(line.level, 0))
        caveats.extend(line.controls)
    for mark in dict.fromkeys(portion_marks):  # each mark once: most paragraphs repeat one
        r = marking_rank(mark)
        if r is None:
            continue
        rank = max(rank, r)
        caveats.extend(marking_controls(mark))
    caveats.extend(other_caveats)
    level = _RANK_LEVELS[rank] if rank >= 0 else None
    if level != "UNCLASSIFIED":
        # FOUO and SBU are for unclassified text: a classified cable's marking drops them
        caveats = [c for c in caveats if c not in ("FOUO", "LOU") or level is None]
    caveats = list(dict.fromkeys(caveats))
    classification = classification_of(level, caveats)
    warnings: list[str] = []
    if first_class is not None and classification != first_class:
        warnings.append(
            f"the first banner reads {first_class}, but the cable's banner and caption lines "
            f"and portion marks make it {classification}"
        )
    return Markings(level, tuple(caveats), classification, tuple(warnings))
