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
