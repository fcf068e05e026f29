"""The list's filter words (`status:NEW prec:>=IMMED ...`), in one place: views.parse_filters
reads them, and the search language knows them, to say a filter typed into the search box is
one. No imports."""

from __future__ import annotations

# short and other names a filter is typed by -> the filter
ALIASES = {
    "prec": "precedence",
    "p": "precedence",
    "class": "classification",
    "cls": "classification",
    "level": "classification",
    "tags": "tag",
    "from": "origin",
    "o": "officer",
    "s": "status",
    "after": "since",
    "before": "until",
    "cited-by": "citedby",
    "cited_by": "citedby",
}

KEYS = frozenset(
    {
        "status",
        "officer",
        "precedence",
        "classification",
        "tag",
        "origin",
        "addressed",
        "since",
        "until",
        "received",
        "ack",
        "overdue",
        "thread",
        "cites",
        "citedby",
    }
)

# `action` and `info`: the cables addressed to the office for action, or for information
ADDRESSED = frozenset({"action", "info"})

# the words `officer:` reads as no officer, and as the officer at the console
OFFICER_NOBODY = frozenset({"none", "-", "nobody"})
OFFICER_ME = frozenset({"me", "mine"})

# what `class:` takes after the level (`class:S//NF//EXDIS`) -> the word the cache keeps among a
# cable's caveats: the dissemination controls banners, captions and portion marks carry
# (cable.patterns.CAVEAT_WORDS, the portion marks' FOUO, SBU and LOU, and ORCON and PROPIN),
# State's distribution captions, and the spellings the product prints (NF, FOR OFFICIAL USE ONLY)
CLASS_CONTROLS = {
    "NF": "NOFORN",
    "NOFORN": "NOFORN",
    "FOUO": "FOUO",
    "FOR OFFICIAL USE ONLY": "FOUO",
    "SBU": "SBU",
    "SENSITIVE BUT UNCLASSIFIED": "SBU",
    "LOU": "LOU",
    "ORCON": "ORCON",
    "PROPIN": "PROPIN",
    "SIPDIS": "SIPDIS",
    "ROGER": "ROGER",
    "SPECAT": "SPECAT",
    "NODIS": "NODIS",
    "EXDIS": "EXDIS",
    "LIMDIS": "LIMDIS",
    "STADIS": "STADIS",
}
