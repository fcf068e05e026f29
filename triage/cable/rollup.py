"""The marking of several cables shown or written together (a list's banner, an export, a
report, the split view with its Thread tab): the highest level among them, with NOFORN when any
classified one carries it, or FOUO when all are unclassified and any carries FOUO (or SBU, LOU).
A page is marked as classification guides mark a document from its portions: never lower or
less restrictive than anything on it. A cable whose level could not be read (badge `?`) is
counted apart: no level can be vouched for it."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Level, level_word, marking_controls, marking_rank

_U_CONTROLS = {"FOUO", "SBU", "LOU"}
# State's distribution captions: who may see a cable beyond its level. They travel with the
# classification on paper, after its controls (`TOP SECRET//NOFORN//NODIS`)
CAPTIONS = ("NODIS", "EXDIS", "LIMDIS", "STADIS")


def captions_of(caveats: object) -> list[str]:
    """The distribution captions among a cable's caveats (space-separated)."""
    words = str(caveats or "").upper().split()
    return [c for c in CAPTIONS if c in words]


def with_captions(marking: str, caveats: object) -> str:
    """A cable's marking (its badge `TS`, `S//NF`, or its classification in words) with its
    distribution captions after it, as paper carries them: `TS//NODIS`, `SECRET//EXDIS`."""
    have = set(marking.upper().split("//"))
    return marking + "".join(f"//{c}" for c in captions_of(caveats) if c not in have)


@dataclass
class Rollup:
    level: int = -1  # -1: no cable of a known level yet
    noforn: bool = False
    fouo: bool = False
    unmarked: int = 0  # cables whose level could not be read
    captions: frozenset[str] = frozenset()  # NODIS, EXDIS... on any cable (add_captions)

    def add_captions(self, caveats: object) -> None:
        found = captions_of(caveats)
        if found:
            self.captions = self.captions | frozenset(found)

    def add(self, level: int | None, noforn: bool = False, fouo: bool = False) -> None:
        if level is None or level < 0:
            self.unmarked += 1
            return
        self.level = max(self.level, level)
        self.noforn = self.noforn or (level > 0 and noforn)
        self.fouo = self.fouo or (level == 0 and fouo)

    def merge(self, other: Rollup) -> None:
        """Take in what another roll-up holds (the cables a Thread tab shows, say)."""
        self.level = max(self.level, other.level)
        self.noforn = self.noforn or other.noforn
        self.fouo = self.fouo or other.fouo
        self.unmarked += other.unmarked
        self.captions = self.captions | other.captions

    def add_marking(self, marking: str | None) -> None:
        """A badge (`S//NF`, `U//FOUO`, `?`: read as model reads portion marks) or a written
        marking (`SECRET//NOFORN`, `UNCLASSIFIED//FOR OFFICIAL USE ONLY`: the classification
        column)."""
        head, _, tail = (marking or "").partition("//")
        level = marking_rank(marking)
        if level is None and head.strip().upper() in set(Level):
            level = Level(head.strip().upper()).rank
        controls = set(marking_controls(marking))
        if "FOR OFFICIAL USE ONLY" in tail.upper():
            controls.add("FOUO")
        self.add(level, noforn="NOFORN" in controls, fouo=bool(controls & _U_CONTROLS))

    @property
    def control(self) -> bool:
        """The banner names a control beside the level (NOFORN, or FOUO over UNCLASSIFIED)."""
        return self.noforn if self.level > 0 else self.fouo

    def words(self) -> str | None:
        """`SECRET//NOFORN`, `UNCLASSIFIED//FOUO`; None when no level is known."""
        if self.level < 0:
            return None
        word = level_word(self.level) or "UNCLASSIFIED"
        if self.control:
            word += "//NOFORN" if self.level > 0 else "//FOUO"
        return word + "".join(f"//{c}" for c in CAPTIONS if c in self.captions)

    def said(self) -> str:
        """For a message: `SECRET//NOFORN`, `SECRET//NOFORN (2 without a readable
        classification)`, `none`."""
        words = self.words()
        if not self.unmarked:
            return words or "none"
        n = self.unmarked
        odd = f"{n:,} without a readable classification"
        return f"{words} ({odd})" if words else f"unknown ({odd})"
