"""Stage identity: the cablegate reference id, the sender and the origin."""

from __future__ import annotations

import pytest

from triage.cable.identity import Identity, origin_from_fm, origin_from_station, read_identity
from triage.cable.parse import parse_cable


def _identity(
    from_: str | None = None,
    station: str | None = None,
    serial: str | None = None,
    banner_year: int | None = None,
    dtg_year: int | None = None,
    de_serial: str | None = None,
    lines: tuple[str, ...] = (),
    telegram: bool = False,
    year_estimated: bool = False,
) -> Identity:
    estimated = {"year_estimated": True} if year_estimated else {}
    return read_identity(
        lines, from_, station, serial, banner_year, dtg_year, de_serial, telegram, **estimated
    )


@pytest.mark.parametrize(
    ("kwargs", "ref", "origin", "warns"),
    [
        (
            {
                "from_": "AMEMBASSY VALDORIA",
                "station": "VALDORIA",
                "serial": "000042",
                "dtg_year": 2009,
            },
            "09VALDORIA42",
            "Embassy Valdoria",
            (),
        ),
        # a year written before the station stays in the id
        (
            {"station": "HILLTOWN", "serial": "1895", "banner_year": 1975, "dtg_year": 1975},
            "7575HILLTOWN1895",
            "Embassy Hilltown",
            (),
        ),
        # no banner station: the DE line's serial and the FM line's post
        (
            {"from_": "SECSTATE WASHDC", "de_serial": "0284", "dtg_year": 2008},
            "08STATE284",
            "Secretary of State",
            (),
        ),
        # a station with spaces loses them; a redacted station is the FM line's post
        (
            {
                "from_": "AMEMBASSY PORT OF SPAIN",
                "station": "XXXXXXX",
                "serial": "12",
                "dtg_year": 2007,
            },
            "07PORTOFSPAIN12",
            "Embassy Port Of Spain",
            (),
        ),
        # nothing to build it from: an id listed alone near the top, when its year agrees
        (
            {"lines": ("09VALDORIA234",), "dtg_year": 2009},
            "09VALDORIA234",
            None,
            ("taken from a line",),
        ),
        ({"lines": ("09VALDORIA234",), "dtg_year": 2010}, None, None, ("could not build",)),
        # an FM line that names no post: its words title-cased, acronyms and WASHDC kept
        ({"from_": "JOINT STAFF WASHDC"}, None, "Joint Staff WASHDC", ("could not build",)),
        ({"from_": "RUEKJCS/CIA WASHDC"}, None, "CIA WASHDC", ("could not build",)),
        # a caption naming another post AND another serial than the header's: the header's
        # id, said (the two cables shared one id, the second stored as a correction)
        (
            {
                "from_": "AMEMBASSY VALDORIA",
                "station": "HILLTOWN",
                "serial": "000234",
                "de_serial": "0694",
                "dtg_year": 2009,
            },
            "09VALDORIA694",
            "Embassy Valdoria",
            ("the caption reads HILLTOWN 000234, the header VALDORIA #0694",),
        ),
        # ... but a caption that agrees with the header in either is the cable's own
        (
            {
                "from_": "AMEMBASSY VALDORIA",
                "station": "HILLTOWN",
                "serial": "000694",
                "de_serial": "0694",
                "dtg_year": 2009,
            },
            "09HILLTOWN694",
            "Embassy Valdoria",
            (),
        ),
        (
            {
                "from_": "USMISSION USUN NEW YORK",
                "station": "USUN NEW YORK",
                "serial": "000123",
                "de_serial": "4567",
                "dtg_year": 2009,
            },
            "09USUNNEWYORK123",
            "Mission USUN",
            (),
        ),
        (
            {"from_": "SECSTATE WASHDC", "station": "STATE", "serial": "1", "de_serial": "2"},
            None,
            "Secretary of State",
            ("could not build",),
        ),
        # a caption naming another post than the FM line's, and no header serial of the FM
        # post's own: the caption's id is another cable's (quoted, repeated, copied in), so
        # none is built, and the warning says why
        (
            {
                "from_": "AMEMBASSY VALDORIA",
                "station": "HILLTOWN",
                "serial": "000512",
                "dtg_year": 2009,
            },
            None,
            "Embassy Valdoria",
            ("the caption reads HILLTOWN 000512, but the cable is FM AMEMBASSY VALDORIA",),
        ),
        (
            {
                "from_": "AMEMBASSY VALDORIA",
                "station": "STATE",
                "serial": "068250",
                "dtg_year": 1988,
            },
            None,
            "Embassy Valdoria",
            ("the caption reads STATE 068250",),
        ),
        # ... an interests section's FM line names its post too, with or without a DE line
        (
            {
                "from_": "USINT VALDORIA",
                "station": "HILLTOWN",
                "serial": "000234",
                "de_serial": "0132",
                "dtg_year": 2009,
            },
            "09VALDORIA132",
            "US Interests Section Valdoria",
            ("the caption reads HILLTOWN 000234, the header VALDORIA #0132",),
        ),
        # ... but a caption naming the FM line's post, whole or in part, is the cable's own
        (
            {
                "from_": "USOFFICE HILLTOWN",
                "station": "HILLTOWN",
                "serial": "186",
                "dtg_year": 2010,
            },
            "10HILLTOWN186",
            "US Office Hilltown",
            (),
        ),
        (
            {
                "from_": "AMCONSUL SAN VALDORIA DEL MAR",
                "station": "SAN VALDORIA DEL MAR",
                "serial": "001238",
                "dtg_year": 2005,
            },
            "05SANVALDORIADELMAR1238",
            "Consulate San Valdoria Del Mar",
            (),
        ),
        (
            {"from_": "SECSTATE WASHDC", "station": "STATE", "serial": "015220", "dtg_year": 2008},
            "08STATE15220",
            "Secretary of State",
            (),
        ),
        # a year only estimated (no DTG) is said, naming the id
        (
            {
                "station": "VALDORIA",
                "serial": "004247",
                "dtg_year": 2005,
                "year_estimated": True,
            },
            "05VALDORIA4247",
            "Embassy Valdoria",
            ("reference id 05VALDORIA4247: its year (05) is estimated",),
        ),
        # ... unless a copied record lists the id with its year, or the banner writes the year
        (
            {
                "station": "VALDORIA",
                "serial": "004247",
                "dtg_year": 2005,
                "year_estimated": True,
                "lines": ("06VALDORIA4247",),
            },
            "06VALDORIA4247",
            "Embassy Valdoria",
            (),
        ),
        (
            {
                "station": "HILLTOWN",
                "serial": "1895",
                "banner_year": 1975,
                "dtg_year": 1985,
                "year_estimated": True,
            },
            "7575HILLTOWN1895",
            "Embassy Hilltown",
            (),
        ),
        # nothing dates the cable: the warning names the caption it could not make an id of
        (
            {"station": "SAN VALDORIA DEL MAR", "serial": "001238"},
            None,
            "Embassy San Valdoria Del Mar",
            ("could not build a reference id for SAN VALDORIA DEL MAR 001238: nothing dates",),
        ),
        # a TELEGRAM printout's From line names the sender, station and serial
        (
            {
                "lines": ("From: AMEMBASSY VALDORIA (VALDORIA 00042 - 031200Z)",),
                "dtg_year": 2003,
                "telegram": True,
            },
            "03VALDORIA42",
            "Embassy Valdoria",
            (),
        ),
    ],
)
def test_read_identity(
    kwargs: dict[str, object], ref: str | None, origin: str | None, warns: tuple[str, ...]
) -> None:
    got = _identity(**kwargs)  # type: ignore[arg-type]
    assert got.reference_id == ref
    assert got.origin == origin
    assert len(got.warnings) == len(warns)
    for w, want in zip(got.warnings, warns, strict=True):
        assert want in w


@pytest.mark.parametrize(
    ("fm", "origin"),
    [
        ("AMEMBASSY PARIS", "Embassy Paris"),
        ("AMCONSUL HILLTOWN", "Consulate Hilltown"),
        ("SECSTATE WASHDC", "Secretary of State"),
        ("USMISSION USUN NEW YORK", "Mission USUN"),
        ("RUEHXX/SOMETHING ELSE", None),
    ],
)
def test_origin_from_fm(fm: str, origin: str | None) -> None:
    assert origin_from_fm(fm) == origin


def test_origin_from_station() -> None:
    assert origin_from_station("STATE") == "Secretary of State"
    assert origin_from_station("SAO PAULO") == "Consulate Sao Paulo"
    assert origin_from_station("XXXXXX") is None


PARTIAL = (
    "This record is a partial extract of the original cable. The full text of the original "
    "cable is not available.\n"
)


@pytest.mark.parametrize(
    ("text", "ref", "warns"),
    [
        # an interests section's cable under another post's caption, no DE line: no id is
        # built from the other post's serial, and the warning says why
        (
            "R 271200Z FEB 09\nFM USINT VALDORIA\nTO SECSTATE WASHDC 4100\n"
            "C O N F I D E N T I A L SECTION 01 OF 02 HILLTOWN 000512\n\n"
            "E.O. 12958: DECL: 03/03/2019\nTAGS: PREL\nSUBJECT: A HARVEST FESTIVAL\n\n"
            "1. (C) The harvest festival drew crowds.\nROE\n",
            None,
            ("the caption reads HILLTOWN 000512, but the cable is FM USINT VALDORIA",),
        ),
        # ... the post's own caption makes its id
        (
            "R 271200Z FEB 09\nFM USINT VALDORIA\nTO SECSTATE WASHDC 4100\n"
            "C O N F I D E N T I A L SECTION 01 OF 02 VALDORIA 000132\n\n"
            "E.O. 12958: DECL: 03/03/2019\nTAGS: PREL\nSUBJECT: A HARVEST FESTIVAL\n\n"
            "1. (C) The harvest festival drew crowds.\nROE\n",
            "09VALDORIA132",
            (),
        ),
        # a partial extract dated only by its declassification date: the id's year is a guess,
        # and the warnings say so, naming the id
        (
            PARTIAL + "C O N F I D E N T I A L SECTION 01 OF 03 VALDORIA 004247\n\n"
            "E.O. 12958: DECL: 04/07/2016\nTAGS: PGOV\nSUBJECT: PARTY LEADERS ON THE VOTE\n\n"
            "1. (C) The party leaders briefed the Ambassador June 8.\n",
            "06VALDORIA4247",
            ("10 years before declassification", "reference id 06VALDORIA4247: its year (06)"),
        ),
        # a post of several words, and nothing that dates the cable: the caption is read, and
        # the warning names it and what is missing
        (
            PARTIAL + "UNCLAS SECTION 01 OF 02 SAN VALDORIA DEL MAR 001238\n\n"
            "E.O. 12958: N/A TAGS: SNAR\n\nSUBJECT: BUS ROUTES\n\n"
            "1. Residents awoke November 30 to the news.\n",
            None,
            (
                "no date-time group",
                "could not build a reference id for SAN VALDORIA DEL MAR 001238: nothing dates",
            ),
        ),
        # ... and with a DTG, its id
        (
            "R 081604Z DEC 05\nFM AMCONSUL SAN VALDORIA DEL MAR\nTO SECSTATE WASHDC 1\n"
            "UNCLAS SECTION 01 OF 02 SAN VALDORIA DEL MAR 001238\n\n"
            "E.O. 12958: N/A\nTAGS: SNAR\nSUBJECT: BUS ROUTES\n\n"
            "1. Residents awoke November 30 to the news.\n",
            "05SANVALDORIADELMAR1238",
            (),
        ),
    ],
)
def test_parsed_identity(text: str, ref: str | None, warns: tuple[str, ...]) -> None:
    got = parse_cable(text)
    assert got.reference_id == ref
    assert len(got.warnings) == len(warns), got.warnings
    for w, want in zip(got.warnings, warns, strict=True):
        assert want in w
