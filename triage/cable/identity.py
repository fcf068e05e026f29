"""Stage: who sent the cable and its cablegate reference id. The id is the year's last two
digits, the station without spaces and the serial without leading zeros (`09STATE119085`),
from the banner's station and serial (a year written before the station stays: `75 LIBREVILLE
1895` sent in 1975 is 7575LIBREVILLE1895), else the DE line's serial and the FM line's post;
else an id standing alone on a line near the top. A caption that names another post and
another serial than the FM and DE lines (a release's text under another cable's caption) gives
way to them, with a warning: two cables must not share an id. The origin is the FM line's post as
cablegate names it (`AMEMBASSY PARIS` -> Embassy Paris), else the banner station's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .copied import listed_reference, telegram_from
from .model import fast_init
from .patterns import BANNER_ORIGINS, CONSULATES, SPECIAL_ORIGINS, clean

RE_POST_WORDS = re.compile(r"^(?:AM\s*EMBASSY|AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?|USMISSION)\s+")
RE_SECSTATE = re.compile(r"^SEC\s*STATE\b")
RE_NOT_ID = re.compile(r"[^A-Z0-9]")
RE_ROUTING_PREFIX = re.compile(r"^[A-Z0-9]{4,8}/")
RE_FM_NOISE = re.compile(r"[^A-Z0-9 /.'-]")
RE_FM_TAIL = re.compile(r"\s*//.*$")
RE_EMBASSY = re.compile(r"^AM\s*EMBASSY\s+(.+)$")
RE_CONSULATE = re.compile(r"^AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?\s+(.+)$")
RE_MISSION = re.compile(r"^USMISSION\s+(.+)$")
RE_PLACE = re.compile(r"[A-Z][A-Z .'-]+")
RE_POST_NAME = re.compile(r"[A-Z][A-Z .'-]{1,29}")
# acronyms and address forms an origin keeps as written (`JOINT STAFF WASHDC` -> `Joint Staff
# WASHDC`, never `Washdc`; `CIA WASHDC` -> `CIA WASHDC`)
KEEP_UPPER = frozenset(
    {"US", "USG", "UN", "EU", "WASHDC", "DC", "NSC", "CIA", "DIA", "FBI", "NSA", "DOD", "DOE",
     "DOJ", "DHS", "JCS", "CJCS", "SECDEF", "OSD", "USAID", "USDAO", "DAO", "NATO", "NGA", "USCG",
     "USMC", "USN", "USAF", "CINC", "USCINCEUR", "USCINCCENT", "USCINCPAC", "USCENTCOM",
     "USEUCOM", "USPACOM", "USSOCOM", "HQ"}
)  # fmt: skip


@fast_init
@dataclass(frozen=True)
class Identity:
    reference_id: str | None
    from_: str | None  # the FM line's, else a TELEGRAM printout's From line's
    origin: str | None
    warnings: tuple[str, ...] = ()


def title_place(s: str) -> str:
    return " ".join(w if w in KEEP_UPPER else w.capitalize() for w in s.split())


def origin_from_fm(fm: str) -> str | None:
    """`AMEMBASSY PARIS` -> `Embassy Paris`, `SECSTATE WASHDC` -> `Secretary of State`."""
    s = clean(RE_FM_NOISE.sub(" ", fm.upper()))
    s = RE_FM_TAIL.sub("", s).strip(" .")
    if not s:
        return None
    for pat, name in SPECIAL_ORIGINS:
        m = pat.search(s)
        if m:
            return name.format(*(title_place(g) for g in m.groups())) if m.groups() else name
    m = RE_EMBASSY.match(s)
    if m:
        return "Embassy " + title_place(m.group(1))
    m = RE_CONSULATE.match(s)
    if m:
        return "Consulate " + title_place(m.group(1))
    m = RE_MISSION.match(s)
    if m:
        return "Mission " + title_place(m.group(1))
    return None


def origin_from_station(station: str) -> str | None:
    s = clean(station.upper())
    if s in BANNER_ORIGINS:
        return BANNER_ORIGINS[s]
    if not RE_PLACE.fullmatch(s) or "XXXX" in s:
        return None
    if s in CONSULATES:
        return "Consulate " + title_place(s)
    return "Embassy " + title_place(s)


def _caption_of_another_cable(
    from_: str | None, station: str | None, serial: str | None, de_serial: str | None
) -> str | None:
    """The FM line's post when the caption's station and serial are both another's than the
    header's (FM AMEMBASSY CHISINAU, DE RUEHCH #0694, caption ULAANBAATAR 000234: a release's
    text under another cable's caption); None when they agree, or either is missing."""
    if not (from_ and station and serial and de_serial):
        return None
    fm = from_.upper().strip()
    post = RE_POST_WORDS.sub("", fm, count=1)
    if post == fm or not serial.isdigit() or not de_serial.isdigit():
        return None  # (not an embassy's, consulate's or mission's FM line)
    post = clean(RE_FM_TAIL.sub("", post))
    if not RE_POST_NAME.fullmatch(post) or RE_NOT_ID.sub("", post) == RE_NOT_ID.sub(
        "", station.upper()
    ):  # (a place's name alone: an FM line run into its TO line is no post to trust)
        return None
    if int(serial) == int(de_serial):
        return None
    return post


def read_identity(
    lines: Sequence[str],
    from_: str | None,
    station: str | None,
    serial: str | None,
    banner_year: int | None,
    dtg_year: int | None,
    de_serial: str | None,
    telegram: bool = False,
) -> Identity:
    """The reference id, sender and origin; never raises on text.

    `station`, `serial` and `banner_year` are the banner's, `dtg_year` the dating stage's
    year, `telegram` whether the date came from a TELEGRAM printout (whose From line names
    the sender, station and serial when the header and banner do not)."""
    warnings: list[str] = []
    if telegram:
        got = telegram_from(lines)
        if got is not None:
            sender, t_station, t_serial = got
            from_ = from_ if from_ is not None else sender
            if t_station is not None and (station is None or serial is None):
                station, serial = t_station, t_serial
    year = dtg_year or banner_year
    other = _caption_of_another_cable(from_, station, serial, de_serial)
    if other is not None:
        # the caption names another post and serial than the header's routing does: the
        # header's id, said (two cables would otherwise share one id, the second stored as a
        # "correction" of the first)
        warnings.append(
            f"the caption reads {station} {serial}, the header {other} #{de_serial}: "
            "the id is the header's"
        )
        station, serial, banner_year = other, de_serial, None
    if (serial is None or station is None) and de_serial is not None:
        serial = de_serial
    if (station is None or "XXX" in station) and from_:
        st2 = RE_POST_WORDS.sub("", from_.upper(), count=1)
        if RE_SECSTATE.match(st2):
            st2 = "STATE"
        station = clean(st2)
    reference_id = None
    if year and station and serial:
        compact = RE_NOT_ID.sub("", station.upper())
        if banner_year is not None and dtg_year:
            # cablegate's id keeps a year written before the station in the banner
            # (`75 LIBREVILLE 1895` sent in 1975 is 7575LIBREVILLE1895)
            compact = f"{banner_year % 100:02d}{compact}"
        reference_id = f"{year % 100:02d}{compact}{int(serial)}"
    else:
        listed = listed_reference(lines, year)
        if listed:
            reference_id = listed
            warnings.append(f"reference id {listed} taken from a line that lists it")
        else:
            warnings.append("could not build a reference id")

    origin = None
    if from_:
        origin = origin_from_fm(from_)
    if origin is None and from_:
        origin = title_place(RE_ROUTING_PREFIX.sub("", from_).strip())
    if origin is None and station:
        origin = origin_from_station(station)
    return Identity(reference_id, from_, origin, tuple(warnings))
