"""Stage identity: the cablegate reference id, the sender and the origin."""

from __future__ import annotations

import pytest

from triage.cable.identity import Identity, origin_from_fm, origin_from_station, read_identity


def _identity(
    from_: str | None = None,
    station: str | None = None,
    serial: str | None = None,
    banner_year: int | None = None,
    dtg_year: int | None = None,
    de_serial: str | None = None,
    lines: tuple[str, ...] = (),
    telegram: bool = False,
) -> Identity:
    return read_identity(lines, from_, station, serial, banner_year, dtg_year, de_serial, telegram)


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
