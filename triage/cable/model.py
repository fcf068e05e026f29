"""The cable as triage understands it: frozen dataclasses and the enums the console sorts on."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from typing import Any, TypeVar

_T = TypeVar("_T")


def fast_init(cls: type[_T]) -> type[_T]:
    """A frozen dataclass whose __init__ fills the instance's __dict__ directly.

    The __init__ `@dataclass(frozen=True)` writes calls object.__setattr__ once a field (it
    must get past the class's own __setattr__, which refuses), about ten times the cost of a
    store into the instance's dict; the parser builds some 150 fields a cable. The class stays
    what it was: frozen (assignment still raises FrozenInstanceError), the same fields in the
    same order with the same defaults, eq, hash, repr and `dataclasses.replace` unchanged.
    """
    params: list[str] = []
    body: list[str] = []
    env: dict[str, Any] = {"_MISSING": MISSING}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default is not MISSING:
            env[f"_dflt_{f.name}"] = f.default
            params.append(f"{f.name}=_dflt_{f.name}")
        elif f.default_factory is not MISSING:
            env[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING:\n        {f.name} = _factory_{f.name}()\n")
        else:
            params.append(f.name)
        body.append(f"    d[{f.name!r}] = {f.name}\n")
    src = f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n" + "".join(body)
    exec(src, env)  # noqa: S102 - code made here from the class's own field names
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    # a class compiled by mypyc (bench/parse_mypyc.py) is built in C: it keeps its own __init__
    with contextlib.suppress(AttributeError, TypeError):
        cls.__init__ = init  # type: ignore[method-assign]
    return cls


class Precedence(StrEnum):
    """Precedences, highest first. `rank` orders them for sorting (0 = most urgent)."""

    EMERGENCY = "EMERGENCY"
    FLASH = "FLASH"
    NIACT_IMMEDIATE = "NIACT IMMEDIATE"
    IMMEDIATE = "IMMEDIATE"
    PRIORITY = "PRIORITY"
    ROUTINE = "ROUTINE"

    @property
    def rank(self) -> int:
        return list(Precedence).index(self)

    @property
    def badge(self) -> str:
        return PRECEDENCE_BADGES[self]


PRECEDENCE_BADGES = {
    Precedence.EMERGENCY: "EMERG",
    Precedence.FLASH: "FLASH",
    Precedence.NIACT_IMMEDIATE: "NIACT",
    Precedence.IMMEDIATE: "IMMED",
    Precedence.PRIORITY: "PRIOR",
    Precedence.ROUTINE: "ROUTN",
}

PROSIGNS = {
    "Y": Precedence.EMERGENCY,
    "Z": Precedence.FLASH,
    "O": Precedence.IMMEDIATE,
    "P": Precedence.PRIORITY,
    "R": Precedence.ROUTINE,
}


class Level(StrEnum):
    """Classification levels, lowest first."""

    UNCLASSIFIED = "UNCLASSIFIED"
    CONFIDENTIAL = "CONFIDENTIAL"
    SECRET = "SECRET"
    TOP_SECRET = "TOP SECRET"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Status(StrEnum):
    """Follow-up status of a cable, in the order a desk officer moves it."""

    NEW = "NEW"
    ASSIGNED = "ASSIGNED"
    IN_PROGRESS = "IN PROGRESS"
    AWAITING_REPLY = "AWAITING REPLY"
    DONE = "DONE"
    NO_ACTION = "NO ACTION"

    @property
    def closed(self) -> bool:
        return self.value in CLOSED_STATUSES


# -- domain rules more than one layer needs, defined once ---------------------------------------
# (the SQL builders in store/views.py and store/workflow.py and the console's screens all read
# these; none of them spells a rule out again)

CLOSED_STATUSES: tuple[str, ...] = ("DONE", "NO ACTION")
"""A cable in one of these statuses needs nothing more: never overdue, never waiting for an
acknowledgement."""

ACK_MAX_RANK = 2
"""FLASH and NIACT IMMEDIATE (and EMERGENCY above them) are acknowledged by the officer who
reads them: the precedence ranks up to this one."""

DEFAULT_OBJECTIVE_MIN = 360
"""A precedence's handling objective when the config names none (ROUTINE's six hours)."""


def is_closed(status: str | None) -> bool:
    return (status or "NEW") in CLOSED_STATUSES


def is_acknowledged_precedence(prec_rank: int) -> bool:
    """Whether cables of this precedence are acknowledged at all."""
    return prec_rank <= ACK_MAX_RANK


def needs_ack(prec_rank: int, ack_by: str | None, status: str | None) -> bool:
    """A FLASH or NIACT IMMEDIATE nobody has acknowledged yet, and not closed."""
    return is_acknowledged_precedence(prec_rank) and not ack_by and not is_closed(status)


def handling_objective(precedence: str | None, objectives_min: Mapping[str, int]) -> dt.timedelta:
    """How long a cable of this precedence may wait for an officer; a cable without precedence
    (or with one the config does not name) waits as ROUTINE does."""
    minutes = objectives_min.get(precedence or "ROUTINE")
    if minutes is None:
        minutes = objectives_min.get("ROUTINE", DEFAULT_OBJECTIVE_MIN)
    return dt.timedelta(minutes=minutes)


def handling_deadline(
    received_at: dt.datetime, precedence: str | None, objectives_min: Mapping[str, int]
) -> dt.datetime:
    """When a cable of this precedence must have an officer: arrival + its handling objective."""
    return received_at + handling_objective(precedence, objectives_min)


def is_overdue(
    *,
    status: str | None,
    officer: str | None,
    due_at: str | None,
    received_at: str,
    precedence: str | None,
    objectives_min: Mapping[str, int],
    now: dt.datetime,
) -> bool:
    """Not closed and past its due date, or still unassigned past its handling objective.
    Times are the cache's ISO UTC strings (`2026-11-27T21:04:00Z`)."""
    if is_closed(status):
        return False
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S")
    if due_at and due_at < stamp:
        return True
    if officer:
        return False
    try:
        arrived = dt.datetime.strptime(received_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return False
    return handling_deadline(arrived, precedence, objectives_min) < now


NO_PRECEDENCE_RANK = len(Precedence)  # a cable without precedence sorts after ROUTINE


def precedence_rank(precedence: str | None) -> int:
    """0 for EMERGENCY ... 5 for ROUTINE; after them for none or an unknown word."""
    try:
        return Precedence(precedence).rank if precedence else NO_PRECEDENCE_RANK
    except ValueError:
        return NO_PRECEDENCE_RANK


def level_rank(level: str | None) -> int:
    """0 UNCLASSIFIED ... 3 TOP SECRET; unknown reads as unclassified."""
    try:
        return Level(level).rank if level else 0
    except ValueError:
        return 0


def marking_rank(marking: str | None) -> int | None:
    """The level rank of a portion mark (`S//NF` -> 2, `SBU` -> 0), None when it names none."""
    if not marking:
        return None
    return {"U": 0, "SBU": 0, "C": 1, "S": 2, "TS": 3}.get(marking.split("//")[0])


# dissemination controls a portion mark abbreviates (`S//NF`), as banners and captions spell them
MARK_CONTROLS = {"NF": "NOFORN", "NOFORN": "NOFORN", "FOUO": "FOUO", "SBU": "SBU", "LOU": "LOU"}


def marking_controls(marking: str | None) -> tuple[str, ...]:
    """The dissemination controls a portion mark carries (`S//NF` -> NOFORN, `SBU` -> SBU)."""
    if not marking:
        return ()
    parts = marking.split("//")
    found = [MARK_CONTROLS[p] for p in parts[1:] if p in MARK_CONTROLS]
    if parts[0] in ("SBU", "FOUO", "LOU"):
        found.insert(0, parts[0])
    return tuple(dict.fromkeys(found))


def classification_of(level: str | None, caveats: list[str] | tuple[str, ...]) -> str | None:
    """The whole marking in words: `SECRET//NOFORN`, `UNCLASSIFIED//FOR OFFICIAL USE ONLY`."""
    if level is None:
        return None
    if "NOFORN" in caveats and level != "UNCLASSIFIED":
        return f"{level}//NOFORN"
    if level == "UNCLASSIFIED" and ("SBU" in caveats or "FOUO" in caveats or "LOU" in caveats):
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    return level


def level_word(rank: int) -> str | None:
    levels = list(Level)
    return levels[rank].value if 0 <= rank < len(levels) else None


def classification_badge(level: str | None, caveats: list[str] | tuple[str, ...]) -> str:
    """The short badge for the list (`U`, `U//FOUO`, `C`, `C//NF`, `S//NF`, `TS`)."""
    short = {
        "UNCLASSIFIED": "U",
        "CONFIDENTIAL": "C",
        "SECRET": "S",
        "TOP SECRET": "TS",
    }.get(level or "", "?")
    cav = set(caveats)
    if short == "U" and ("FOUO" in cav or "SBU" in cav):
        return "U//FOUO"
    if "NOFORN" in cav and short != "U":
        return short + "//NF"
    return short


@fast_init
@dataclass(frozen=True)
class Addressee:
    ri: str | None
    name: str
    precedence: str | None
    niact: bool
    mcn: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "ri": self.ri,
            "name": self.name,
            "precedence": self.precedence,
            "niact": self.niact,
            "mcn": self.mcn,
        }


@fast_init
@dataclass(frozen=True)
class Reference:
    letter: str | None
    text: str
    # the cablegate ids the text names (`08 STATE 061194` -> 08STATE61194); none for an
    # e-mail, a telcon or a manual
    cable_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"letter": self.letter, "text": self.text, "cable_ids": list(self.cable_ids)}


@fast_init
@dataclass(frozen=True)
class Paragraph:
    number: int | None
    marking: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "marking": self.marking, "text": self.text}


@fast_init
@dataclass(frozen=True)
class Cable:
    """Everything the parser read from one cable. Absent fields are None or empty."""

    reference_id: str | None = None
    transmission_id: str | None = None
    precedence: str | None = None
    info_precedence: str | None = None
    dtg: str | None = None
    dtg_raw: str | None = None
    dtg_estimated: bool = False
    classification: str | None = None
    level: str | None = None
    caveats: tuple[str, ...] = ()
    from_: str | None = None
    origin: str | None = None
    to: tuple[Addressee, ...] = ()
    info: tuple[Addressee, ...] = ()
    station: str | None = None
    station_serial: str | None = None
    security_line: str | None = None
    tags: tuple[str, ...] = ()
    subject: str | None = None
    references: tuple[Reference, ...] = ()
    classified_by: str | None = None
    classified_by_name: str | None = None
    reasons: str | None = None
    declassify: str | None = None
    declassify_on: str | None = None
    partial: bool = False
    corrected: bool = False
    section: str | None = None
    signature: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    body: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def classification_badge(self) -> str:
        return classification_badge(self.level, self.caveats)

    def to_json(self) -> dict[str, Any]:
        return {
            "reference_id": self.reference_id,
            "transmission_id": self.transmission_id,
            "precedence": self.precedence,
            "info_precedence": self.info_precedence,
            "dtg": self.dtg,
            "dtg_raw": self.dtg_raw,
            "dtg_estimated": self.dtg_estimated,
            "classification": self.classification,
            "level": self.level,
            "caveats": list(self.caveats),
            "from": self.from_,
            "origin": self.origin,
            "to": [a.to_json() for a in self.to],
            "info": [a.to_json() for a in self.info],
            "security_line": self.security_line,
            "tags": list(self.tags),
            "subject": self.subject,
            "references": [r.to_json() for r in self.references],
            "classified_by": self.classified_by,
            "classified_by_name": self.classified_by_name,
            "reasons": self.reasons,
            "declassify": self.declassify,
            "declassify_on": self.declassify_on,
            "partial": self.partial,
            "corrected": self.corrected,
            "section": self.section,
            "signature": self.signature,
            "paragraphs": [p.to_json() for p in self.paragraphs],
            "warnings": list(self.warnings),
        }
