"""Stage: who sent the cable and its cablegate reference id. The id is the year's last two
digits, the station without spaces and the serial without leading zeros (`09STATE119085`),
from the banner's station and serial (a year written before the station stays: `75 LIBREVILLE
1895` sent in 1975 is 7575LIBREVILLE1895), else the DE line's serial and the FM line's post;
else an id standing alone on a line near the top. A caption that names another post and
another serial than the FM and DE lines (a release's text under another cable's caption) gives
way to them, with a warning: two cables must not share an id. A caption naming another post than
the FM line's, with no header serial to say which of the FM post's cables this is, builds no id
(its serial is another post's: a quoted or repeated cable, another cable's text), and says so.
An id whose year is only estimated (no date-time group) says so, naming the id. The origin is
the FM line's post as cablegate names it (`AMEMBASSY PARIS` -> Embassy Paris), else the banner
station's.
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


# the FM line's words before the post a cable's id is built from (`USINT HAVANA`: HAVANA)
RE_FM_POST = re.compile(
    r"^(?:AM\s*EMBASSY|AM\s*CONSUL(?:ATE)?(?:\s+GENERAL)?|US\s*MISSION|USINT|USOFFICE|USLO|USEU"
    r"|AIT)\s+"
)


def fm_post(from_: str) -> str | None:
    """The post an FM line names (`AMEMBASSY PARIS` -> PARIS, `USINT HAVANA` -> HAVANA,
    `SECSTATE WASHDC` -> STATE); None for an FM line that names no post (`JOINT STAFF WASHDC`)
    or is more than a place's name (an FM line run into its TO line is no post to trust)."""
    fm = clean(RE_FM_TAIL.sub("", RE_ROUTING_PREFIX.sub("", from_.upper().strip())))
    if RE_SECSTATE.match(fm):
        return "STATE"
    post = RE_FM_POST.sub("", fm, count=1)
    if post == fm or not RE_POST_NAME.fullmatch(post):
        return None
    return post


def same_post(post: str, station: str) -> bool:
    """Does a caption's station name the FM line's post? Either holds the other, spaces and
    marks aside (`USEU BRUSSELS` and BRUSSELS, `USUN NEW YORK`, STATE and SECSTATE)."""
    a, b = RE_NOT_ID.sub("", post), RE_NOT_ID.sub("", station.upper())
    return bool(a and b) and (a in b or b in a)


def _caption_of_another_post(
    from_: str | None, station: str | None, serial: str | None, de_serial: str | None
) -> tuple[str, str | None] | None:
    """(the FM line's post, the header's serial or None) when the caption names another post
    than the FM line (FM AMEMBASSY CHISINAU, DE RUEHCH #0694, caption ULAANBAATAR 000234: a
    release's text under another cable's caption; FM USINT HAVANA with no DE line, caption
    MOSCOW 000512: another post's cable copied or repeated). None when they agree, when the DE
    line's serial is the caption's (it vouches for the caption), or either is missing."""
    if not (from_ and station and serial) or not serial.isdigit() or "XXX" in station.upper():
        return None
    if RE_NOT_ID.sub("", station.upper()) in RE_NOT_ID.sub("", from_.upper()):
        return None  # the FM line names the caption's post (most cables: one test)
    post = fm_post(from_)
    if post is None or same_post(post, station):
        return None
    if de_serial is None or not de_serial.isdigit():
        return post, None
    if int(serial) == int(de_serial):
        return None
    return post, de_serial


def read_identity(
    lines: Sequence[str],
    from_: str | None,
    station: str | None,
    serial: str | None,
    banner_year: int | None,
    dtg_year: int | None,
    de_serial: str | None,
    telegram: bool = False,
    year_estimated: bool = False,
) -> Identity:
    """The reference id, sender and origin; never raises on text.

    `station`, `serial` and `banner_year` are the banner's, `dtg_year` the dating stage's
    year, `telegram` whether the date came from a TELEGRAM printout (whose From line names
    the sender, station and serial when the header and banner do not), `year_estimated`
    whether that year is only an estimate (no DTG: years before declassification, a date in
    the text)."""
    warnings: list[str] = []
    if telegram:
        got = telegram_from(lines)
        if got is not None:
            sender, t_station, t_serial = got
            from_ = from_ if from_ is not None else sender
            if t_station is not None and (station is None or serial is None):
                station, serial = t_station, t_serial
    year = dtg_year or banner_year
    if year_estimated and banner_year is not None:
        # the banner's year (`75 HILLTOWN 1895`) is read, the date's only estimated
        year, year_estimated = banner_year, False
    unbuilt = None  # why no id is built, when the caption's is refused
    other = _caption_of_another_post(from_, station, serial, de_serial)
    if other is not None and other[1] is not None:
        # the caption names another post and serial than the header's routing does: the
        # header's id, said (two cables would otherwise share one id, the second stored as a
        # "correction" of the first)
        warnings.append(
            f"the caption reads {station} {serial}, the header {other[0]} #{other[1]}: "
            "the id is the header's"
        )
        station, serial, banner_year = other[0], other[1], None
    elif other is not None:
        # another post's caption and no serial of the FM post's own: the caption's id is
        # another cable's (the one quoted, repeated or copied in), so none is built
        unbuilt = (
            f"could not build a reference id: the caption reads {station} {serial}, but the "
            f"cable is FM {clean(from_ or '')} and no header serial gives that post's own: "
            "the caption's id would be another cable's"
        )
        station, serial, banner_year = other[0], None, None
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
        if year_estimated:
            # a copied record's line that lists the id gives its year (looked for only
            # where the station and serial stand in the first lines)
            top = "\n".join(lines[:200])
            listed = listed_reference(lines, None) if reference_id[2:] in top else None
            if listed is not None and listed.strip()[2:] == reference_id[2:]:
                reference_id = listed  # the year a copied record lists, not a guess
            else:
                warnings.append(
                    f"reference id {reference_id}: its year ({year % 100:02d}) is estimated, "
                    "not read (no date-time group dates the cable): it may be another year's"
                )
    else:
        listed = listed_reference(lines, year)
        if listed:
            reference_id = listed
            warnings.append(f"reference id {listed} taken from a line that lists it")
        elif unbuilt is not None:
            warnings.append(unbuilt)
        elif year is None and station and serial:
            warnings.append(
                f"could not build a reference id for {station} {serial}: nothing dates the "
                "cable (no date-time group, declassification date or dated line) to give the "
                "id its year"
            )
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
