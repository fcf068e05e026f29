"""Stage banner: the first classification banner's level, caveats, section, station and serial,
and where a cable without one takes its level from."""

from __future__ import annotations

import pytest

from triage.cable.banner import Banner, read_banner, sections_held


def _read(text: str, security_level: str | None = None) -> Banner:
    return read_banner(tuple(text.split("\n")), 0, security_level)


@pytest.mark.parametrize(
    ("text", "want", "warns"),
    [
        (
            "C O N F I D E N T I A L SECTION 01 OF 03 VALDORIA 000042\n\nSIPDIS",
            {
                "level": "CONFIDENTIAL",
                "section": "1 of 3",
                "station": "VALDORIA",
                "serial": "000042",
            },
            (),
        ),
        (
            "S E C R E T STATE 000284 NOFORN SIPDIS",
            {"level": "SECRET", "caveats": ("NOFORN", "SIPDIS"), "station": "STATE"},
            (),
        ),
        # a year written before the station
        ("UNCLAS 75 HILLTOWN 1895", {"level": "UNCLASSIFIED", "year": 1975, "serial": "1895"}, ()),
        # a partial extract runs the pseudo-header onto the banner line
        (
            "C O N F I D E N T I A L STATE 000284 SIPDIS E.O. 12958: DECL: 11/27/2036",
            {"level": "CONFIDENTIAL", "glued_tail": "SIPDIS E.O. 12958: DECL: 11/27/2036"},
            (),
        ),
        # `UNCLAS EFTO` (spaced or not) is the designation's, not the station's
        (
            "UNCLAS EFTO SECTION 01 OF 02 SAN VALDORIA 000123",
            {"level": "UNCLASSIFIED", "section": "1 of 2", "station": "SAN VALDORIA"},
            (),
        ),
        (
            "UNCLAS E F T O HILLTOWN 000042",
            {"level": "UNCLASSIFIED", "station": "HILLTOWN", "serial": "000042"},
            (),
        ),
        ("UNCLAS EFTOVILLE 000042", {"station": "EFTOVILLE"}, ()),
        # no banner: the security line's level, said
        ("E.O. 12958: N/A\nTAGS: PREL", {"level": "SECRET"}, ("security line",)),
        # a copied page's CLASSIFICATION line
        ("CLASSIFICATION: CONFIDENTIAL\n", {"level": "CONFIDENTIAL"}, ("CLASSIFICATION line",)),
        # a corrected copy says so under the banner
        (
            "UNCLAS VALDORIA 000042\nC O R R E C T E D  C O P Y (TEXT)",
            {"level": "UNCLASSIFIED", "corrected": True},
            (),
        ),
        # banner and security line disagree
        ("C O N F I D E N T I A L VALDORIA 000042", {"next_line": 1}, ("security line says",)),
    ],
)
def test_read_banner(text: str, want: dict[str, object], warns: tuple[str, ...]) -> None:
    got = _read(text, "SECRET" if warns and "security line" in warns[0] else None)
    for field, value in want.items():
        assert getattr(got, field) == value, field
    assert len(got.warnings) == len(warns)
    for w, wanted in zip(got.warnings, warns, strict=True):
        assert wanted in w


@pytest.mark.parametrize(
    ("first", "text", "closed", "held"),
    [
        ("1 of 3", "...\nVALDORIA 00000042 002 OF 003\n...", False, "1-2 of 3"),
        ("1 of 3", "... SECTION 03 OF 03 ...", False, "1-3 of 3"),
        ("1 of 3", "no markers", True, "1-3 of 3"),  # it ends with the last section's signature
        ("2 of 3", "no markers", True, "2 of 3"),
        ("1 of 3", "no markers", False, "1 of 3"),
    ],
)
def test_sections_held(first: str, text: str, closed: bool, held: str) -> None:
    assert sections_held(first, text, closed) == held
