"""A View (tab + filters + search + sort) -> counts, the ordered ids, pages of rows, one cable.

The console never holds every row: it holds the ordered id array of the current view (8 bytes
a cable) and fetches the rows it draws, a page at a time. Every value from the user reaches SQL
only as a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from ..cable.model import (
    ACK_MAX_RANK,
    CLOSED_STATUSES,
    NO_PRECEDENCE_RANK,
    PRECEDENCE_BADGES,
    Addressee,
    Paragraph,
    Precedence,
    Reference,
    handling_objective,
    is_acknowledged_precedence,
)
from ..cable.rollup import CAPTIONS, Rollup, captions_of
from ..config import DEFAULT_OBJECTIVES_MIN, Config
from .filter_words import ADDRESSED as FILTER_ADDRESSED
from .filter_words import ALIASES as FILTER_ALIASES
from .filter_words import CLASS_CONTROLS, OFFICER_ME, OFFICER_NOBODY
from .filter_words import KEYS as FILTER_KEYS
from .presence import seen_among
from .schema import CAPTIONED, CAPTIONED_INDEX
from .search import SearchError, to_fts5
from .since import span

# the model's closed statuses as SQL (literals, not parameters: the planner sees them); the
# constants are ours, never user text
OPEN_SQL = "w.status NOT IN ({})".format(", ".join(f"'{s}'" for s in CLOSED_STATUSES))

BUILTIN_TABS = ["Inbox", "New", "Mine", "Overdue", "Due", "All"]

SORTS: dict[str, tuple[str, str]] = {
    # name: (ORDER BY ascending form, label)
    "precedence": ("c.prec_rank ASC, c.dtg DESC, c.id DESC", "precedence"),
    "dtg": ("c.dtg DESC, c.id DESC", "date-time group"),
    "received": ("c.received_at DESC, c.id DESC", "arrival"),
    "reference": ("c.reference_id ASC", "reference id"),
    "origin": ("c.origin ASC, c.dtg DESC, c.id DESC", "origin"),
    "subject": ("c.subject ASC, c.id DESC", "subject"),
    "classification": ("c.level_rank DESC, c.dtg DESC, c.id DESC", "classification"),
    "officer": ("w.officer ASC, c.prec_rank ASC, c.id DESC", "officer"),
    "status": ("w.status ASC, c.prec_rank ASC, c.id DESC", "status"),
    "due": ("w.due_at IS NULL, w.due_at ASC, c.id DESC", "due date"),
}

# how often (in SQLite VM steps) a running query asks whether it is still wanted
STOP_CHECK_STEPS = 5000


class Cancelled(Exception):
    """A view's query was stopped because its answer is no longer wanted (the user has moved
    on to another view)."""


Stop = Callable[[], bool] | None


@contextmanager
def _stoppable(
    conn: sqlite3.Connection, stop: Stop, deadline: float | None = None
) -> Iterator[None]:
    """Run queries that end with Cancelled as soon as `stop()` is true: a console that has
    moved on to another search does not keep sorting or counting the last one's matches.
    With a `deadline` (time.thread_time(): this thread's CPU time, which SQLite's work on it
    counts in and other processes' load does not), a query that has used that much is
    interrupted too and ends with sqlite3.OperationalError."""
    if stop is None and deadline is None:
        yield
        return

    def halt() -> int:
        return int(
            (deadline is not None and time.thread_time() > deadline) or bool(stop and stop())
        )

    conn.set_progress_handler(halt, STOP_CHECK_STEPS)
    try:
        yield
    except sqlite3.OperationalError:
        if stop is not None and stop():
            raise Cancelled() from None
        raise
    finally:
        conn.set_progress_handler(None, 0)


STATUSES = ["NEW", "ASSIGNED", "IN PROGRESS", "AWAITING REPLY", "DONE", "NO ACTION"]
PREC_WORDS = {
    "EMERG": "EMERGENCY",
    "EMERGENCY": "EMERGENCY",
    "Y": "EMERGENCY",
    "FLASH": "FLASH",
    "Z": "FLASH",
    "NIACT": "NIACT IMMEDIATE",
    "NIACT IMMEDIATE": "NIACT IMMEDIATE",
    "IMMED": "IMMEDIATE",
    "IMMEDIATE": "IMMEDIATE",
    "O": "IMMEDIATE",
    "PRIOR": "PRIORITY",
    "PRIORITY": "PRIORITY",
    "P": "PRIORITY",
    "ROUTN": "ROUTINE",
    "ROUTINE": "ROUTINE",
    "R": "ROUTINE",
}


def precedence_word(word: str) -> str | None:
    """The precedence a word names, as the product prints it anywhere (`NIACT IMMEDIATE` in
    the CSV and the split view, `NIACT` on a badge and in the report, `NIACT_IMMEDIATE` in the
    config) or as the filter box abbreviates it (`IMMED`, a prosign `O`): any case, the words
    parted by spaces, hyphens or underscores. None when it names none."""
    return PREC_WORDS.get(re.sub(r"[\s_-]+", " ", word.strip().upper()))


LEVEL_WORDS = {
    "U": 0,
    "UNCLASSIFIED": 0,
    "UNCLAS": 0,
    "C": 1,
    "CONFIDENTIAL": 1,
    "S": 2,
    "SECRET": 2,
    "TS": 3,
    "TOP SECRET": 3,
    "TOPSECRET": 3,
}

# class:unmarked: the cables whose classification could not be read (badge `?`). No level is
# vouched for them, so no comparison takes them in (class:U is the cables marked UNCLASSIFIED,
# class:<=C never includes a cable that may be SECRET).
UNMARKED_WORDS = ("UNMARKED", "UNKNOWN", "?", "NONE")


class FilterError(ValueError):
    """A filter the user typed that triage cannot read; the message says why."""


@dataclass(frozen=True)
class Filter:
    key: str
    value: str

    def label(self) -> str:
        """As typed, so the filter bar can be read back into the filter box: `action`, and a
        value with a space in quotes (`status:"NO ACTION"`; the bar showed status:NO ACTION,
        which the box reads as two words)."""
        if self.key == "addressed":
            return self.value
        value = f'"{self.value}"' if " " in self.value else self.value
        return f"{self.key}:{value}"


@dataclass(frozen=True)
class View:
    tab: str = "Inbox"
    search: str | None = None
    filters: tuple[Filter, ...] = ()
    sort: str = "precedence"
    reverse: bool = False

    def with_filters(self, more: list[Filter]) -> View:
        return replace(self, filters=self.filters + tuple(more))


@dataclass
class Context:
    """What a view needs to know about the user and the clock."""

    login: str
    office_ris: list[str] = field(default_factory=list)
    office_names: list[str] = field(default_factory=list)
    objectives_min: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_OBJECTIVES_MIN))
    custom_tabs: dict[str, list[Filter]] = field(default_factory=dict)
    now: dt.datetime | None = None
    # the config file the office is set in (named when `action` or `info` needs it)
    config_path: str | None = None
    # saved views that cannot be read now, and why (_resolved finds them): counted for no tab,
    # so that one never takes the others' counts with it
    unreadable: dict[str, str] = field(default_factory=dict)

    def clock(self) -> dt.datetime:
        return self.now or dt.datetime.now(dt.UTC)

    @classmethod
    def of(
        cls,
        config: Config,
        login: str,
        custom_tabs: dict[str, list[Filter]] | None = None,
        now: dt.datetime | None = None,
    ) -> Context:
        """The context the config gives this login: its office, its objectives, its views
        (the console, export and report each read the same config so)."""
        from ..config import user_config_path

        return cls(
            login=login,
            office_ris=config.office_ris,
            office_names=config.office_names,
            objectives_min=dict(config.objectives_min),
            custom_tabs=custom_tabs or {},
            now=now,
            config_path=str(config.path or user_config_path()),
        )


def view_filters(definition: dict[str, Any]) -> list[Filter]:
    """A view from the config (`filter = "tag:PTER"`, and `search = "hijack*"` when saved with
    one) as the filters of its tab. Raises FilterError."""
    text = str(definition.get("filter") or "").strip()
    out = parse_filters(text) if text else []
    search = str(definition.get("search") or "").strip()
    if search:
        out.append(Filter("search", search))
    if not out:
        raise FilterError("a view needs a filter or a search")
    return out


def filters_text(filters: tuple[Filter, ...] | list[Filter]) -> str:
    """Filters as typed (what parse_filters reads back)."""
    return " ".join(f.label() for f in filters if f.key != "search")


def parse_filters(text: str) -> list[Filter]:
    """`status:NEW officer:kwalker prec:>=IMMED class:S//NF tag:PREL origin:paris action
    since:2026-11-01 until:2026-11-30`; quoted values keep their spaces."""
    out: list[Filter] = []
    for m in re.finditer(r'(\w+)(?::("([^"]*)"|\S+))?', text.strip()):
        key = m.group(1).lower()
        value = m.group(3) if m.group(3) is not None else (m.group(2) or "")
        key = FILTER_ALIASES.get(key, key)
        if key in FILTER_ADDRESSED and not value:
            out.append(Filter("addressed", key))
            continue
        if key == "overdue" and not value:
            out.append(Filter("overdue", "yes"))
            continue
        if key not in FILTER_KEYS:
            if (
                out
                and out[-1].key == "precedence"
                and not m.group(2)
                and precedence_word(f"{_cmp(out[-1].value)[1]} {m.group(1)}") is not None
            ):
                # `prec:NIACT IMMEDIATE`: the precedence's second word read as a filter
                said = f"{out[-1].value} {m.group(1)}"
                raise FilterError(
                    f"prec:{said} ends at the space: for a precedence of two words type "
                    f'prec:"{said}" (or prec:{said.replace(" ", "-")})'
                )
            if out and out[-1].key in ("thread", "cites", "citedby") and not m.group(2):
                # `cites:BERLIN 1167`: the reference's second word read as a filter
                words = [out[-1].value]
                for w in text.strip()[m.start() :].split():
                    if ":" in w or w.lower() in FILTER_ADDRESSED or w.lower() == "overdue":
                        break
                    words.append(w)
                said = " ".join(words)
                one = re.sub(r"\s+", "", said).upper()
                raise FilterError(
                    f"unknown filter {m.group(0)!r}: a reference with a space in it goes in "
                    f'quotes ({out[-1].key}:"{said}") or is typed as one word '
                    f"({out[-1].key}:{one}"
                    + (", its year first when two years have it)" if one[:1].isalpha() else ")")
                )
            raise FilterError(
                f"unknown filter {m.group(0)!r}: use status:, officer:, prec:, class:, tag:, "
                "origin:, action, info, since:, until:, received:, ack:, overdue, thread:, "
                "cites:, citedby:"
            )
        if not value:
            raise FilterError(f"filter {key}: needs a value")
        _check(key, value)
        out.append(Filter(key, value))
    if not out:
        raise FilterError("no filter given")
    backwards = days_backwards(out, dt.datetime.now(dt.UTC))
    if backwards:
        raise FilterError(backwards)
    return out


def days_backwards(filters: tuple[Filter, ...] | list[Filter], now: dt.datetime) -> str | None:
    """What to say when the `since:` days among these filters start after an `until:` day
    ends (`since:2026-11-30 until:2026-11-01`: no cable can be dated in it, and the list was
    quietly empty); None when they leave a day between them, or are not both there."""
    since = [(filter_day("since", f.value, now), f.value) for f in filters if f.key == "since"]
    until = [(filter_day("until", f.value, now), f.value) for f in filters if f.key == "until"]
    if not since or not until or max(since)[0] <= min(until)[0]:
        return None
    (first, s), (last, u) = max(since), min(until)
    return (
        f"since:{s} is after until:{u}: the range is backwards, no day is in it (for the days "
        f"from {last} to {first}, type since:{last} until:{first})"
    )


def _check(key: str, value: str) -> None:
    v = value.upper()
    if key == "status" and v.replace("_", " ").replace("-", " ") not in STATUSES:
        two = [st for st in STATUSES if st.startswith(v + " ")]
        if two:  # `status:IN PROGRESS`: the filter ends at the space
            quoted = " or ".join(f'status:"{st.lower()}"' for st in two)
            dashed = " or ".join(f"status:{st.lower().replace(' ', '-')}" for st in two)
            raise FilterError(
                f"status:{value} ends at the space: for a status of two words type {quoted} "
                f"(or {dashed})"
            )
        raise FilterError(f"unknown status {value!r}: one of {', '.join(STATUSES)}")
    if key == "tag" and re.search(r"[,;|+/]", value):
        tags = [t for t in re.split(r"[,;|+/\s]+", value.upper()) if t]
        raise FilterError(
            f"tag:{value}: one tag to a filter; for cables with all of them type "
            + " ".join(f"tag:{t}" for t in tags)
        )
    # one comparison at most (`>=IMMED`), read the way _filter_sql reads it
    if key == "precedence" and precedence_word(_cmp(v.strip())[1]) is None and v.strip() != "NONE":
        raise FilterError(
            f"unknown precedence {value!r}: EMERGENCY, FLASH, NIACT IMMEDIATE, IMMEDIATE, "
            "PRIORITY, ROUTINE (or EMERG, NIACT, IMMED, PRIOR, ROUTN; or none), after one of "
            ">=, <=, >, <, = at most"
        )
    if key == "classification" and v not in UNMARKED_WORDS:
        base = _cmp(v)[1].split("//")[0]
        if base == "TOP":  # `class:TOP SECRET`: the filter ends at the space
            raise FilterError(
                f'class:{value} ends at the space: type class:"{value} SECRET" (or class:TS)'
            )
        if base not in LEVEL_WORDS:
            raise FilterError(
                f"unknown classification {value!r}: U, C, S, TS (with //NF), after one of "
                ">=, <=, >, <, = at most; or unmarked (no readable classification)"
            )
        for control in _controls(v):
            if control not in CLASS_CONTROLS:
                # (`class:S//NOFRN` was an empty list, read as no such traffic)
                import difflib

                near = difflib.get_close_matches(control, list(CLASS_CONTROLS), n=1)
                raise FilterError(
                    f"unknown control {control!r} in class:{value}"
                    + (f" (did you mean {near[0]}?)" if near else "")
                    + ": after the level, NF (NOFORN), FOUO, SBU, LOU, ORCON, PROPIN, SIPDIS, "
                    "ROGER, SPECAT, or a caption: NODIS, EXDIS, LIMDIS, STADIS (class:S//NF//EXDIS)"
                )
    if key in ("since", "until"):
        filter_day(key, value, dt.datetime.now(dt.UTC))
    if key == "received":
        received_range(value, dt.datetime.now(dt.UTC))
    if key == "ack" and v not in ACK_WORDS:
        raise FilterError(f"ack:{value}: one of yes, no, late")
    if key == "overdue" and v not in ("YES", "NO"):
        raise FilterError(f"overdue:{value}: yes or no (or plain `overdue`)")


def _controls(value: str) -> list[str]:
    """The controls and captions a `class:` value names after its level (`S//NF//EXDIS`), upper
    case, blanks as one space."""
    tail = _cmp(value.upper())[1].partition("//")[2]
    return [c for c in (" ".join(part.split()) for part in tail.split("//")) if c]


def filter_day(key: str, value: str, now: dt.datetime) -> str:
    """The UTC day (ISO) of a `since:` or `until:` filter: a date (2026-11-27), or the words
    `report --since` reads (today, yesterday, 8h, 2d, 1w) as the UTC day they fall on, as
    `export --since` reads them. Raises FilterError."""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    from .since import SinceError, parse_since

    try:
        return parse_since(value, now).astimezone(dt.UTC).date().isoformat()
    except SinceError:
        raise FilterError(
            f"{key}: wants a date like 2026-11-27, or today, yesterday, 8h, 2d, not {value!r}"
        ) from None


def office_unset(filters: tuple[Filter, ...] | list[Filter], ctx: Context) -> str | None:
    """Why `action` or `info` among these filters cannot match a cable: no office is
    configured (no routing indicator or address to find among a cable's addressees), said
    with where to set one, rather than shown as a quietly empty list. None when they can."""
    if ctx.office_ris or ctx.office_names:
        return None
    used = [f.value for f in filters if f.key == "addressed"]
    if not used:
        return None
    where = ctx.config_path or "the config file"
    return (
        f"{used[0]}: the office's routing indicators and addresses are not configured, so no "
        f'cable is marked ACTION or INFO for it: set routing_indicators = ["RUEHFR"] or '
        f'addresses = ["AMEMBASSY PARIS"] (your office\'s) under [office] in {where}'
    )


def check_view(conn: sqlite3.Connection, view: View, ctx: Context) -> None:
    """Raises FilterError when the view cannot be read as _filter_sql would read it (a
    `thread:` naming no held cable, `action` with no office configured), before anything is
    written for it."""
    _resolved(conn, view, ctx)


def _resolved(conn: sqlite3.Connection, view: View, ctx: Context) -> tuple[View, Context]:
    """The view and the context's saved views as _filter_sql reads them: `since:yesterday` as
    the day it is now, `thread:PARIS2002` checked to name one held cable (FilterError when it
    names cables of two years); then each search, typed or saved, as the backend's query
    (_rendered_search)."""

    def fix(filters: tuple[Filter, ...] | list[Filter], strict: bool = True) -> list[Filter]:
        unset = office_unset(filters, ctx)
        if strict and unset:
            raise FilterError(unset)
        backwards = days_backwards(filters, ctx.clock())
        if strict and backwards:  # (added to a view's since: later, or a saved view's)
            raise FilterError(backwards)
        out = []
        for f in filters:
            if f.key == "search":  # a saved view's search, read as the typed one is
                f = Filter(f.key, _rendered_search(conn, f.value))
            elif f.key in ("since", "until"):
                f = Filter(f.key, filter_day(f.key, f.value, ctx.clock()))
            elif f.key in ("thread", "cites", "citedby"):
                from .threads import held_years

                held = held_years(conn, f.value)
                if strict and f.key != "cites" and not held and not _held(conn, f.value):
                    # (`cites:` names a cable that need not be held: what cites it is)
                    raise FilterError(
                        f"{f.key}:{f.value}: no cable in the cache is named "
                        f"{f.value}; type a reference id such as 26PARIS1877 or PARIS1877"
                    )
                if len(held) > 1 and strict:
                    raise FilterError(
                        f"{f.key}:{f.value} is ambiguous: it may be {', '.join(held)}; "
                        f"type the year ({f.key}:{held[-1]})"
                    )
                if len(held) == 1:
                    f = Filter(f.key, held[0])
            out.append(f)
        return out

    # (a saved view's thread: of two years, counted beside another tab, takes both)
    custom: dict[str, list[Filter]] = {}
    unreadable: dict[str, str] = {}
    for tab, fs in ctx.custom_tabs.items():
        try:
            custom[tab] = fix(fs, strict=tab == view.tab)
        except FilterError as exc:
            if tab == view.tab:
                raise
            # another view (its search, say) that cannot be read: said in its own tab, and
            # left out of this one's counts (it made every tab's count fail with it)
            unreadable[tab] = str(exc)
    return _searchable(conn, replace(view, filters=tuple(fix(view.filters)))), replace(
        ctx, custom_tabs=custom, unreadable=unreadable
    )


def _held(conn: sqlite3.Connection, ref: str) -> bool:
    """Whether a held cable has this reference id (as typed, any case and spacing)."""
    from .threads import normalise_ref

    got = conn.execute(
        "SELECT 1 FROM cables WHERE reference_id = ?", (normalise_ref(ref),)
    ).fetchone()
    return got is not None


ACK_WORDS = {"YES": "yes", "DONE": "yes", "NO": "no", "NONE": "no", "PENDING": "no", "LATE": "late"}
RE_RELATIVE = re.compile(r"^(\d{1,5})\s*([mhdw])$")
RE_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d)(?:[T ](\d\d)(?::(\d\d))?)?Z?$")


def received_range(value: str, now: dt.datetime) -> tuple[dt.datetime | None, dt.datetime | None]:
    """`received:` as a half-open UTC range [start, end): `24h`, `7d`, `90m` (the last so long),
    `2026-11-28` (that day), `2026-11-28T14` (that hour), `2026-11-28T14:05` (that minute),
    each after `>=`, `>`, `<=` or `<` for one side only."""
    v = value.strip().upper()
    rel = RE_RELATIVE.match(v.lower())
    if rel:
        try:
            return now - span(int(rel.group(1)), rel.group(2)), None
        except OverflowError:
            raise FilterError(f"received:{value}: reaches before the year 1") from None
    op, stamp = _cmp(v)
    m = RE_STAMP.match(stamp)
    if not m:
        raise FilterError(
            f"received:{value}: wants 24h, 7d, 2026-11-28, 2026-11-28T14 or 2026-11-28T14:05 "
            "(UTC), after >=, >, <=, < for one side"
        )
    try:
        day = dt.date.fromisoformat(m.group(1))
        hour = int(m.group(2)) if m.group(2) else 0
        minute = int(m.group(3)) if m.group(3) else 0
        start = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)
    except ValueError as exc:
        raise FilterError(f"received:{value}: no such day or time") from exc
    step = (
        dt.timedelta(minutes=1)
        if m.group(3)
        else dt.timedelta(hours=1)
        if m.group(2)
        else dt.timedelta(days=1)
    )
    try:
        start + step
    except OverflowError:
        raise FilterError(f"received:{value}: reaches past the year 9999") from None
    return {
        "=": (start, start + step),
        ">=": (start, None),
        ">": (start + step, None),
        "<": (None, start),
        "<=": (None, start + step),
    }[op]


# seconds from arrival to acknowledgement, to the millisecond (as report.ack_seconds reads them)
ACK_SECONDS_SQL = "round((julianday(w.ack_at) - julianday(c.received_at)) * 86400, 3)"


def needs_ack_sql() -> str:
    """The precedences that are acknowledged (the model's rule)."""
    return f"c.prec_rank <= {int(ACK_MAX_RANK)}"


def ack_late_sql(ctx: Context, now: dt.datetime) -> tuple[str, list[Any]]:
    """Acknowledged later than its handling objective after arrival, or not acknowledged and
    the objective has passed."""
    minutes_case = []
    params: list[Any] = []
    cutoff_case = []
    cutoff_params: list[Any] = []
    objectives = {**DEFAULT_OBJECTIVES_MIN, **ctx.objectives_min}
    for prec in Precedence:
        if not is_acknowledged_precedence(prec.rank):
            continue
        objective = handling_objective(prec.value, objectives)
        minutes_case.append("WHEN ? THEN ?")
        params.extend([prec.rank, objective.total_seconds()])
        cutoff_case.append("WHEN ? THEN ?")
        cutoff_params.extend([prec.rank, _iso(now - objective)])
    sql = (
        f"({needs_ack_sql()} AND CASE WHEN w.ack_at IS NOT NULL THEN "
        f"{ACK_SECONDS_SQL} > CASE c.prec_rank "
        f"{' '.join(minutes_case)} END "
        f"ELSE c.received_at < CASE c.prec_rank {' '.join(cutoff_case)} END END)"
    )
    return sql, params + cutoff_params


def custom_views(
    views: list[dict[str, Any]], on_error: Callable[[str], None] | None = None
) -> dict[str, list[Filter]]:
    """The config's [[view]] tables as name -> filters. A filter that cannot be read raises
    FilterError naming the view, or, given `on_error`, is reported there and the view left out."""
    out: dict[str, list[Filter]] = {}
    for v in views:
        name = str(v.get("name") or "").strip()
        if not name:
            continue
        text = str(v.get("filter") or "")
        try:
            out[name] = view_filters(v)
        except FilterError as exc:
            why = f"view {name!r}: filter {text!r} cannot be read: {exc}"
            if on_error is None:
                raise FilterError(why) from exc
            on_error(why)
    return out


def _cmp(value: str) -> tuple[str, str]:
    m = re.fullmatch(r"(>=|<=|>|<|=)?(.*)", value, re.S)
    assert m
    return m.group(1) or "=", m.group(2)


def _one_value(f: Filter) -> bool:
    """A filter on what a cable has one of (its status, officer, origin; its precedence or
    level asked for as one value, not compared): two of one key mean either
    (`status:NEW status:ASSIGNED`, `export --status NEW --status ASSIGNED`), as both would
    match no cable. Tags (a cable has several) and comparisons (`prec:>=IMMED prec:<=PRIOR`)
    still all apply."""
    if f.key in ("status", "officer", "origin"):
        return True
    return f.key in ("precedence", "classification") and _cmp(f.value.strip())[0] == "="


def _where(view: View, ctx: Context, probe: bool = False) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    tab = view.tab
    now = ctx.clock()
    if tab == "Inbox":
        where.append(OPEN_SQL)
    elif tab == "New":
        where.append("w.officer IS NULL AND " + OPEN_SQL)
    elif tab == "Mine":
        where.append("w.officer = ? AND " + OPEN_SQL)
        params.append(ctx.login)
    elif tab == "Overdue":
        sql, p = overdue_sql(ctx, now)
        where.append(sql)
        params.extend(p)
    elif tab == "Due":
        where.append("w.due_at IS NOT NULL AND " + OPEN_SQL)
    elif tab in ctx.unreadable:
        raise FilterError(ctx.unreadable[tab])
    elif tab in ctx.custom_tabs:  # a saved view: its filters and search as typed ones
        _add_filters(where, params, ctx.custom_tabs[tab], ctx, probe)
    typed = [*view.filters, *([Filter("search", view.search)] if view.search else [])]
    _add_filters(where, params, typed, ctx, probe)
    return where, params


def _add_filters(
    where: list[str],
    params: list[Any],
    filters: Sequence[Filter],
    ctx: Context,
    probe: bool = False,
) -> None:
    """One set of filters (typed, or a saved view's) as conditions: two values of one field
    mean either (_one_value), the rest all apply, the search last. A saved view's filters are
    one set and the filters typed over it another: `status:NEW` typed in a view of
    `status:NEW status:ASSIGNED` narrows it. (The saved view's were each a condition of their
    own: `status:NEW status:ASSIGNED` saved held no cable.)"""
    either: dict[str, list[Filter]] = {}
    searches: list[str] = []
    for f in filters:
        if f.key == "search":
            searches.append(f.value)
            continue
        if _one_value(f):
            either.setdefault(f.key, []).append(f)
            continue
        s, p = _filter_sql(f, ctx)
        where.append(s)
        params.extend(p)
    for same in either.values():
        sqls = []
        for f in same:
            s, p = _filter_sql(f, ctx)
            sqls.append(s)
            params.extend(p)
        where.append(sqls[0] if len(sqls) == 1 else "(" + " OR ".join(f"({s})" for s in sqls) + ")")
    for search in searches:
        where.append(_search_sql(probe))
        params.append(search)


def _search_sql(probe: bool = False) -> str:
    """A search (typed, or a saved view's), as _rendered_search wrote it, matched: `probe`
    asks it of each row as the list's index is scanned in order, else the whole match set is
    collected first."""
    if probe:
        # (naming the workflow row's cable_id, equal to c.id, makes SQLite test the row's
        # status and the filters first and the index only for rows that pass them: named
        # c.id, the lookup ran for every cable walked, closed ones too, and the Inbox's
        # first page of a search took 280 ms of CPU at 250,000 cables, not 25)
        return (
            "EXISTS (SELECT 1 FROM cables_fts f WHERE f.rowid = w.cable_id AND cables_fts MATCH ?)"
        )
    return "c.id IN (SELECT rowid FROM cables_fts WHERE cables_fts MATCH ?)"


# -- prefix searches ---------------------------------------------------------------------------
#
# FTS5 answers `word*` without a prefix index of that length by merging the lists of every word
# that starts so, in memory, before the first row: 27 MB for `govern*` and 100 MB for `gra*` at
# 250,000 cables. Written out as an OR of those words, each word's list is read a page at a time
# (a few KB a word and index segment) and the matches are the same. Up to PREFIX_WORDS_MAX words
# are written out; a prefix of the indexed length (three letters) is left to the index; a
# longer one with more words is left to FTS5; a one- or two-letter prefix with more words is
# refused with a message (it matches nearly every cable anyway).

PREFIX_WORDS_MAX = 64
_expansions: dict[tuple[str, str], tuple[bytes, str]] = {}


def prefix_lengths(conn: sqlite3.Connection) -> set[int]:
    """The prefix lengths the cache's FTS index keeps (schema 3 creates it with 3)."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cables_fts'"
    ).fetchone()
    m = re.search(r"prefix\s*=\s*'([\d\s,]*)'", row[0] if row else "")
    return {int(n) for n in re.findall(r"\d+", m.group(1))} if m else set()


def _words_starting(conn: sqlite3.Connection, prefix: str, most: int) -> list[str]:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.cables_vocab "
        "USING fts5vocab(main, cables_fts, row)"
    )
    return [
        r[0]
        for r in conn.execute(
            "SELECT term FROM temp.cables_vocab WHERE term >= ? AND term < ? LIMIT ?",
            (prefix, prefix + "\U0010ffff", most + 1),
        )
    ]


def expand_prefixes(conn: sqlite3.Connection, search: str) -> str:
    """The typed search (see store/search.py) as an FTS5 query, each one-word `word*` written
    out as the OR of the words it stands for (see above). Raises FilterError for a search the
    language cannot read, or a one- or two-letter prefix of too many words."""
    # the words an index holds change only when it is written, and every write changes its
    # structure record (FTS5 counts writes there): the same cache file and record, the same words
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    version = b""
    if "*" in search:
        row = conn.execute("SELECT block FROM cables_fts_data WHERE id = 10").fetchone()
        version = bytes(row[0]) if row and row[0] is not None else b""
    cached = _expansions.get((path, search)) if path else None
    if cached is not None and cached[0] == version:
        return cached[1]
    indexed = prefix_lengths(conn) if "*" in search else set()

    def prefix_words(prefix: str) -> list[str] | None:
        if not prefix.isascii() or len(prefix) in indexed or not re.fullmatch(r"\w+", prefix):
            return None
        words = _words_starting(conn, prefix, PREFIX_WORDS_MAX)
        if len(words) > PREFIX_WORDS_MAX:
            if len(prefix) < 3:
                raise FilterError(
                    f"search {prefix}*: more than {PREFIX_WORDS_MAX} words start with "
                    f"{prefix!r}; give at least three letters before the *"
                )
            return None
        return words or None

    try:
        expanded = to_fts5(search, prefix_words)
    except SearchError as exc:
        raise FilterError(str(exc)) from exc
    if path:
        if len(_expansions) > 256:
            _expansions.clear()
        _expansions[(path, search)] = (version, expanded)
    return expanded


def _searchable(conn: sqlite3.Connection, view: View) -> View:
    if not view.search:
        return view
    search = _rendered_search(conn, view.search)
    return view if search == view.search else replace(view, search=search)


def _rendered_search(conn: sqlite3.Connection, search: str) -> str:
    """A search in the search language (store/search.py) as the backend's full-text query:
    FTS5's MATCH text, PostgreSQL's tsquery. Typed or saved in a view, every search is read
    here (a saved one went to the index as written: `"cargo vessel"` a tsquery syntax error,
    `U.S.` an FTS5 one). Raises FilterError for a search the language cannot read."""
    if getattr(conn, "backend", "sqlite") == "postgresql":  # the search as a tsquery
        from .postgres.search import render_query

        try:
            return render_query(search)
        except SearchError as exc:
            raise FilterError(str(exc)) from exc
    try:
        return expand_prefixes(conn, search)
    except sqlite3.OperationalError as exc:
        raise FilterError(f"search {search!r} cannot be read: {exc}") from exc


def overdue_sql(ctx: Context, now: dt.datetime) -> tuple[str, list[Any]]:
    """Still unassigned past its handling objective, or past its due date, and not closed."""
    cases = []
    params: list[Any] = []
    # arrived before now - objective <=> its handling deadline has passed (model rule)
    objectives = {**DEFAULT_OBJECTIVES_MIN, **ctx.objectives_min}
    for prec in Precedence:
        cases.append("WHEN ? THEN ?")
        params.extend([prec.rank, _iso(now - handling_objective(prec.value, objectives))])
    params.append(_iso(now - handling_objective(None, objectives)))
    deadline = f"CASE c.prec_rank {' '.join(cases)} ELSE ? END"
    sql = (
        f"({OPEN_SQL} AND ("
        f"(w.officer IS NULL AND c.received_at < {deadline}) OR (w.due_at IS NOT NULL AND w.due_at < ?)"
        "))"
    )
    params.append(_iso(now))
    return sql, params


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _filter_sql(f: Filter, ctx: Context) -> tuple[str, list[Any]]:
    v = f.value
    if f.key == "status":
        return "w.status = ?", [v.upper().replace("_", " ").replace("-", " ")]
    if f.key == "officer":
        if v.lower() in OFFICER_NOBODY:
            return "w.officer IS NULL", []
        if v.lower() in OFFICER_ME:
            return "w.officer = ?", [ctx.login]
        return "w.officer = ?", [v]
    if f.key == "precedence":
        if v.strip().upper() == "NONE":
            return "c.prec_rank = ?", [NO_PRECEDENCE_RANK]
        op, word = _cmp(v.strip().upper())
        named = precedence_word(word)
        if named is None:
            raise FilterError(f"unknown precedence {v!r}")
        rank = Precedence(named).rank
        # "higher" precedence means a smaller rank
        sql_op = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}[op]
        return f"c.prec_rank {sql_op} ?", [rank]
    if f.key == "classification":
        if v.upper() in UNMARKED_WORDS:
            return "c.level_rank < 0", []
        op, word = _cmp(v.upper())
        base, _, cav = word.partition("//")
        rank = LEVEL_WORDS[base]
        sql = f"c.level_rank {op} ?"
        if op in ("<", "<="):  # (an unmarked cable ranks -1: below, yet not vouched for)
            sql += " AND c.level_rank >= 0"
        params: list[Any] = [rank]
        # each control after the level (`TOP SECRET//NOFORN//NODIS`, as the export's highest-
        # classification line prints it; the whole tail was one word no cable carries)
        for control in _controls(v):
            sql += " AND (' ' || c.caveats || ' ') LIKE ?"
            params.append(f"% {CLASS_CONTROLS.get(control, control)} %")
        return sql, params
    if f.key == "tag":
        return "c.id IN (SELECT cable_id FROM cable_tags WHERE tag = ?)", [v.upper()]
    if f.key == "origin":
        return "c.origin LIKE ?", [f"%{v}%"]
    if f.key == "addressed":
        sql, params = addressed_sql(ctx, "to" if v == "action" else "info")
        return sql, params
    if f.key == "since":
        # as ISO text (3.11 also reads 20261101), which is how dtg compares
        return "c.dtg >= ?", [dt.date.fromisoformat(v).isoformat()]
    if f.key == "until":
        day = dt.date.fromisoformat(v)
        if day == dt.date.max:  # the last day there is: no day after it to stop before
            return "c.dtg IS NOT NULL", []
        return "c.dtg < ?", [(day + dt.timedelta(days=1)).isoformat()]
    if f.key == "received":
        start, end = received_range(v, ctx.clock())
        parts, ps = [], []
        # (isoformat, not strftime: `%Y` leaves years before 1000 unpadded on glibc)
        if start is not None:
            parts.append("c.received_at >= ?")
            ps.append(start.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z")
        if end is not None:
            parts.append("c.received_at < ?")
            ps.append(end.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z")
        return "(" + " AND ".join(parts) + ")", ps
    if f.key == "ack":
        word = ACK_WORDS[v.upper()]
        if word == "yes":
            return f"({needs_ack_sql()} AND w.ack_at IS NOT NULL)", []
        if word == "no":
            return f"({needs_ack_sql()} AND w.ack_at IS NULL)", []
        return ack_late_sql(ctx, ctx.clock())
    if f.key == "overdue":
        sql, p = overdue_sql(ctx, ctx.clock())
        return (sql, p) if v.upper() == "YES" else (f"NOT {sql}", p)
    if f.key in ("thread", "cites", "citedby"):
        from .threads import filter_sql

        return filter_sql(f.key, v)
    raise FilterError(f"unknown filter {f.key}")


def addressed_sql(ctx: Context, kind: str) -> tuple[str, list[Any]]:
    if not ctx.office_ris and not ctx.office_names:
        return "1 = 0", []
    conds = []
    params: list[Any] = [kind]
    if ctx.office_ris:
        conds.append(f"a.ri IN ({', '.join('?' for _ in ctx.office_ris)})")
        params.extend(ctx.office_ris)
    if ctx.office_names:
        conds.append(f"upper(a.name) IN ({', '.join('?' for _ in ctx.office_names)})")
        params.extend(ctx.office_names)
    sql = (
        "c.id IN (SELECT a.cable_id FROM addressees a WHERE a.kind = ? AND ("
        + " OR ".join(conds)
        + "))"
    )
    return sql, params


def _order(view: View) -> str:
    order = SORTS.get(view.sort, SORTS["precedence"])[0]
    if view.reverse:
        flipped = []
        for part in order.split(","):
            part = part.strip()
            if part.endswith(" DESC"):
                flipped.append(part[:-5] + " ASC")
            elif part.endswith(" ASC"):
                flipped.append(part[:-4] + " DESC")
            else:
                flipped.append(part + " DESC")
        order = ", ".join(flipped)
    return order


def _ids_query(
    view: View, ctx: Context, limit: int | None, walk: bool = False, columns: str = "c.id"
) -> tuple[str, list[Any]]:
    """The SELECT of a view's ordered ids (or other `columns` of its rows). `walk`: cables in
    the list's index order outside (CROSS JOIN fixes the order), each one's workflow row and
    search match tested inside."""
    where, params = _where(view, ctx, probe=walk)
    join = "CROSS JOIN" if walk else "JOIN"
    sql = f"SELECT {columns} FROM cables c {join} workflow w ON w.cable_id = c.id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + _order(view)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, params


def view_ids(
    conn: sqlite3.Connection,
    view: View,
    ctx: Context,
    limit: int | None = None,
    stop: Stop = None,
    before_rows: Callable[[], object] | None = None,
) -> array[int]:
    """The ordered ids of the view (the first `limit` of them, when given: an index-ordered scan
    that stops early, for the first screen). Raises FilterError for a search FTS5 cannot parse,
    Cancelled when `stop()` turns true while it runs. `before_rows` is called once the query
    has been answered, before its rows are read (on PostgreSQL the server's work is then
    done; reading the rows is the client's)."""
    asked = view
    view, ctx = _resolved(conn, view, ctx)
    if limit is not None and view.sort in INDEXED_SORTS:
        first = _first_matches(conn, view, ctx, limit, stop)
        if first is not None:
            return first
    sql, params = _ids_query(view, ctx, limit)
    try:
        with _stoppable(conn, stop):
            cur = conn.execute(sql, params)
            if before_rows is not None:
                before_rows()
                if stop is not None and stop():
                    raise Cancelled()
            ids = array("q")
            while True:
                chunk = cur.fetchmany(FETCH_CHUNK)
                if not chunk:
                    break
                ids.extend(r[0] for r in chunk)
            return ids
    except sqlite3.OperationalError as exc:
        # (on PostgreSQL the search was read before the query: an error here is the server's)
        sqlite = getattr(conn, "backend", "sqlite") == "sqlite"
        if view.search and sqlite and "locked" not in str(exc) and "disk" not in str(exc):
            raise FilterError(f"search {asked.search!r} cannot be read: {exc}") from exc
        raise


def view_rows(conn: sqlite3.Connection, view: View, ctx: Context, columns: str) -> Iterator[Any]:
    """The view's rows in the list's order, `columns` of each (`c.` cables, `w.` workflow),
    read as they are used: on PostgreSQL through one server-side cursor (memory stays the same
    whatever the view's size), on SQLite from the statement as it steps. Raises FilterError
    for a search that cannot be read."""
    view, ctx = _resolved(conn, view, ctx)
    sql, params = _ids_query(view, ctx, None, columns=columns)
    stream = getattr(conn, "stream", None)
    if stream is not None:
        return iter(stream(sql, params))
    return iter(conn.execute(sql, params))


# rows taken from SQLite at a time when collecting a whole list's ids (a few hundred KB of
# Python tuples at once, not the whole list's)
FETCH_CHUNK = 4096
# (80 ms of CPU: a common word's Inbox page walks in 35-47 ms at 250,000 cables; at 40 ms the
# walks that ran a little over took the 300 ms collect-and-sort path)
PROBE_BUDGET_S = 0.08
INDEXED_SORTS = {"precedence", "dtg", "received", "classification", "reference"}


def _first_matches(
    conn: sqlite3.Connection, view: View, ctx: Context, limit: int, stop: Stop = None
) -> array[int] | None:
    """The first page of a view, found by walking the list's index in order and testing each
    cable (its status, tags, the FTS index for a search): a status or a word most cables have
    fills a page after a few hundred rows, where collecting all its matches to sort them takes
    0.1-0.3 s at 250,000 cables. A selective one would make the walk long, so the walk is given
    up after PROBE_BUDGET_S and the matches are collected instead (quick when they are few).
    None when given up."""
    sql, params = _ids_query(view, ctx, limit, walk=True)
    # (PostgreSQL's planner chooses between the walk and collecting the matches itself, from
    # its statistics: the walk is not given up there)
    sqlite = getattr(conn, "backend", "sqlite") == "sqlite"
    # the budget is CPU time: on a loaded machine a wall-clock budget ran out while the walk
    # waited for a core, and the slow path (collect and sort every match) was taken for
    # searches the walk answers in 30 ms (377 ms at 250,000 cables on a busy night)
    deadline = time.thread_time() + PROBE_BUDGET_S if sqlite else None
    try:
        with _stoppable(conn, stop, deadline=deadline):
            return array("q", (r[0] for r in conn.execute(sql, params).fetchall()))
    except sqlite3.OperationalError:  # given up, or a search FTS5 cannot read (said later)
        return None


def tab_counts(
    conn: sqlite3.Connection, view: View, ctx: Context, tabs: list[str], stop: Stop = None
) -> dict[str, int]:
    """Live counts for each tab, with the view's search and filters applied. A saved view that
    cannot be read (its search, or a query the cache refuses) is left out: it has no count."""
    out = {}
    view, ctx = _resolved(conn, view, ctx)
    for tab in tabs:
        if tab in ctx.unreadable:
            continue
        where, params = _where(replace(view, tab=tab), ctx)
        # a tab that asks only the workflow (Inbox, New, Mine, Due, All without a search or a
        # filter on the cable) counts its rows alone: every workflow row has its cable (a
        # foreign key), and PostgreSQL does not drop the join by itself (0.1-0.3 s a tab at
        # 250,000 cables, for each of the six tabs after every view)
        if any(re.search(r"\bc\.", w) for w in where):
            sql = "SELECT count(*) FROM cables c JOIN workflow w ON w.cable_id = c.id"
        else:
            sql = "SELECT count(*) FROM workflow w"
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            with _stoppable(conn, stop):
                out[tab] = int(conn.execute(sql, params).fetchone()[0])
        except sqlite3.OperationalError:
            continue  # (not 0: the view is not known to be empty)
    return out


def counts_and_level(
    conn: sqlite3.Connection, view: View, ctx: Context, tabs: list[str], stop: Stop = None
) -> tuple[dict[str, int], Rollup]:
    """The tab counts (tab_counts) and the banner's marking (max_level) of a view, together.

    On SQLite each count is its own query (each tab's own index answers it). On PostgreSQL
    the view's match set is read once and every count and the level are taken from it in one
    pass (`count(*) FILTER (WHERE tab)`): read per tab, a search's counts read its matches
    seven times (at 250,000 cables `government`'s took 2.9 s, a phrase's 25 s)."""
    if getattr(conn, "backend", "sqlite") != "postgresql":
        return tab_counts(conn, view, ctx, tabs, stop), max_level(conn, view, ctx, stop)
    asked, asked_ctx = view, ctx
    view, ctx = _resolved(conn, view, ctx)
    tabs = [t for t in tabs if t not in ctx.unreadable]
    shared, shared_params = _where(replace(view, tab="All"), ctx)
    own, own_params = _where(replace(view, filters=(), search=None), ctx)
    own_sql = " AND ".join(own) or "true"
    columns: list[str] = []
    params: list[Any] = []
    for tab in tabs:
        where, p = _where(View(tab=tab), ctx)
        columns.append(f"count(*) FILTER (WHERE {' AND '.join(where) or 'true'})")
        params.extend(p)
    columns += [
        f"max(c.level_rank) FILTER (WHERE {own_sql})",
        f"max(c.level_rank) FILTER (WHERE {own_sql} AND {_CAVEAT.format('NOFORN')})",
        f"count(*) FILTER (WHERE {own_sql} AND c.level_rank = 0 AND ("
        + " OR ".join(_CAVEAT.format(w) for w in ("FOUO", "SBU", "LOU"))
        + "))",
        f"count(*) FILTER (WHERE {own_sql} AND c.level_rank < 0)",
        *(f"count(*) FILTER (WHERE {own_sql} AND {c})" for c in _caption_sql(conn)),
    ]
    params += own_params * (4 + len(CAPTIONS))
    sql = f"SELECT {', '.join(columns)} FROM cables c JOIN workflow w ON w.cable_id = c.id"
    if shared:
        sql += " WHERE " + " AND ".join(shared)
    try:
        with _stoppable(conn, stop):
            row = conn.execute(sql, [*params, *shared_params]).fetchone()
    except sqlite3.OperationalError:
        if stop is not None and stop():
            raise Cancelled() from None
        # one tab's query the server refused fails the statement, and so every tab's count
        # and the banner (every count 0: "The cache is empty"): each read on its own, the
        # others are counted
        return tab_counts(conn, asked, asked_ctx, tabs, stop), max_level(
            conn, asked, asked_ctx, stop
        )
    counts = {tab: int(n) for tab, n in zip(tabs, row, strict=False)}
    top, top_noforn, fouo, unmarked = row[len(tabs) : len(tabs) + 4]
    # (NOFORN on any classified cable marks a classified view: cable/rollup.py, max_level)
    level = -1 if top is None or top < 0 else int(top)
    noforn = level > 0 and (top_noforn or 0) > 0
    marking = Rollup(level, noforn, level == 0 and bool(fouo), int(unmarked or 0))
    marking.captions = _captions_counted(row[len(tabs) + 4 :])
    return counts, marking


# a caveat among the cable's caveats (space-separated)
_CAVEAT = "(' ' || c.caveats || ' ') LIKE '% {} %'"


# State's distribution captions (NODIS, EXDIS...: cable/rollup.py) in a view. No caption's name
# is part of another caveat word (SIPDIS is not), so a substring test finds it: on PostgreSQL
# `strpos` (the LIKE the dialect makes ILIKE added 20-30 ms to a view's counts at 20,000
# cables, strpos 0-4 ms), on SQLite `instr`
def _caption_sql(conn: object) -> tuple[str, ...]:
    find = "strpos" if _postgres(conn) else "instr"
    return tuple(f"{find}(c.caveats, '{c}') > 0" for c in CAPTIONS)


def _captions_counted(counts: Sequence[Any]) -> frozenset[str]:
    return frozenset(c for c, n in zip(CAPTIONS, counts, strict=True) if n)


def _postgres(conn: object) -> bool:
    return getattr(conn, "backend", "sqlite") == "postgresql"


def _captions_indexed(
    conn: sqlite3.Connection, where: list[str], params: list[Any], stop: Stop
) -> frozenset[str] | None:
    """The captions among a view's cables read from the index of the captioned cables (few):
    each is checked against the view's conditions, none of the others is read. None when the
    cache has no such index yet (made before it; the next ingest builds it)."""
    have = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (CAPTIONED_INDEX,)
    ).fetchone()
    if have is None:
        return None
    # (CROSS JOIN keeps the captioned cables the outer loop; the GLOB is the index's own WHERE,
    # which SQLite needs to see to use a partial index)
    sql = (
        f"SELECT DISTINCT c.caveats FROM cables c INDEXED BY {CAPTIONED_INDEX} "
        f"CROSS JOIN workflow w ON w.cable_id = c.id WHERE c.{CAPTIONED}"
    )
    sql += "".join(f" AND {w}" for w in where)
    with _stoppable(conn, stop):
        found = conn.execute(sql, params).fetchall()
    return frozenset(captions_of(" ".join(r[0] for r in found)))


def max_level(conn: sqlite3.Connection, view: View, ctx: Context, stop: Stop = None) -> Rollup:
    """The view's marking (cable/rollup.py): its highest known level, whether the banner names
    a control beside it (NOFORN when any classified cable in the view carries it: a C//NF
    under a TOP SECRET one makes the view TOP SECRET//NOFORN; FOUO or SBU over UNCLASSIFIED),
    and how many of its cables have no readable level (ranked -1)."""
    view, ctx = _resolved(conn, view, ctx)
    where, params = _where(view, ctx)
    head = "SELECT max(c.level_rank), count(*) FILTER (WHERE c.level_rank < 0)"
    sql = f"{head} FROM cables c JOIN workflow w ON w.cable_id = c.id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # the captions, NODIS...: rare, so read from the index of the captioned cables (a few ms
    # at 250,000 cables). Counted in the scan of the view they cost it a LIKE a cable, and the
    # covering indexes that answer the level alone (class:S) a read of every cable's row
    try:
        indexed = None if _postgres(conn) else _captions_indexed(conn, where, params, stop)
    except sqlite3.OperationalError:
        return Rollup()
    if indexed is None:  # (no index yet, or PostgreSQL: counted in the one pass)
        head += ", " + ", ".join(f"count(*) FILTER (WHERE {c})" for c in _caption_sql(conn))
        sql = head + sql[sql.index(" FROM cables c") :]
    try:
        with _stoppable(conn, stop):
            top, unmarked, *captioned = conn.execute(sql, params).fetchone()
    except sqlite3.OperationalError:
        return Rollup()
    captions = indexed if indexed is not None else _captions_counted(captioned)
    if top is None or top < 0:
        return Rollup(unmarked=int(unmarked or 0), captions=captions)
    nf_sql = (
        sql.replace(head, "SELECT 1")
        + (" AND " if where else " WHERE ")
        + ("c.level_rank > 0 AND (" if top else "c.level_rank = 0 AND (")
        + (
            "(' ' || c.caveats || ' ') LIKE '% NOFORN %'"
            if top
            else "(' ' || c.caveats || ' ') LIKE '% FOUO %' OR (' ' || c.caveats || ' ') "
            "LIKE '% SBU %' OR (' ' || c.caveats || ' ') LIKE '% LOU %'"
        )
        + ") LIMIT 1"
    )
    with _stoppable(conn, stop):
        nf = conn.execute(nf_sql, params).fetchone() is not None
    top = int(top)
    return Rollup(top, top > 0 and nf, top == 0 and nf, int(unmarked or 0), captions)


ROW_COLUMNS = (
    "c.id, c.reference_id, c.precedence, c.prec_rank, c.badge, c.level_rank, c.dtg, c.dtg_raw, "
    "c.received_at, c.origin, c.subject, c.tags, w.officer, w.status, w.due_at, w.ack_by, "
    "w.ack_at, c.caveats, w.row_version"
)


@dataclass
class Row:
    id: int
    reference_id: str
    precedence: str | None
    prec_rank: int
    badge: str
    level_rank: int
    dtg: str | None
    dtg_raw: str | None
    received_at: str
    origin: str | None
    subject: str | None
    tags: str
    officer: str | None
    status: str
    due_at: str | None
    ack_by: str | None
    ack_at: str | None
    caveats: str
    row_version: int = 0
    addressed: str | None = None
    suggested: str | None = None
    # (officer, cited reference id): it cites a cable that officer holds (store/threads.py)
    cites_held: tuple[str, str] | None = None
    seen: bool = True  # opened by the officer reading the list (per officer; see presence)

    @property
    def prec_badge(self) -> str:
        if not self.precedence:
            return "-----"
        try:
            return PRECEDENCE_BADGES[Precedence(self.precedence)]
        except ValueError:
            return "?????"


def fetch_rows(
    conn: sqlite3.Connection, ids: list[int], ctx: Context | None = None
) -> dict[int, Row]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    sql = (
        f"SELECT {ROW_COLUMNS} FROM cables c JOIN workflow w ON w.cable_id = c.id "
        f"WHERE c.id IN ({marks})"
    )
    rows = {r[0]: Row(*r) for r in conn.execute(sql, ids)}
    if ctx is not None:
        seen = seen_among(conn, ctx.login, ids)
        for cid, row in rows.items():
            row.seen = cid in seen
    if ctx and (ctx.office_ris or ctx.office_names):
        for kind in ("info", "to"):
            s, p = addressed_sql(ctx, kind)
            q = f"SELECT c.id FROM cables c WHERE c.id IN ({marks}) AND {s}"
            for (cid,) in conn.execute(q, [*ids, *p]):
                rows[cid].addressed = "ACTION" if kind == "to" else "INFO"
    return rows


@dataclass(frozen=True)
class TriageState:
    """A cable's shared triage fields (the workflow row) as the console last read them."""

    officer: str | None = None
    status: str = "NEW"
    due_at: str | None = None
    note: str = ""
    ack_by: str | None = None
    ack_at: str | None = None
    row_version: int = 0
    changed_at: str | None = None
    changed_by: str | None = None


@dataclass(frozen=True)
class CableDetail:
    """One cable as the split view shows it: the stored header fields, its addressees, the
    paragraphs read again from the text as received, and its triage state."""

    id: int
    reference_id: str
    precedence: str | None
    prec_rank: int
    info_precedence: str | None
    dtg: str | None
    dtg_raw: str | None
    dtg_estimated: bool
    classification: str | None
    level_rank: int
    caveats: tuple[str, ...]
    from_line: str | None
    origin: str | None
    subject: str | None
    tags: tuple[str, ...]
    security_line: str | None
    section: str | None
    classified_by: str | None
    reasons: str | None
    declassify: str | None
    partial: bool
    corrected: bool
    signature: str | None
    version: int
    received_at: str
    to: tuple[Addressee, ...]
    info: tuple[Addressee, ...]
    paragraphs: tuple[Paragraph, ...]
    references: tuple[Reference, ...]
    warnings: tuple[str, ...]
    state: TriageState
    body: str
    # the stored text's size and lines; `text_cut` when body and paragraphs hold only its start
    size: int = 0
    total_lines: int = 0
    text_cut: bool = False
    classified_by_name: str | None = None

    @property
    def noforn(self) -> bool:
        return "NOFORN" in self.caveats

    @property
    def banner_control(self) -> bool:
        """The banner names a control beside the level: NOFORN over a classified level,
        FOUO (or SBU, LOU) over UNCLASSIFIED."""
        if self.level_rank > 0:
            return self.noforn
        return bool({"FOUO", "SBU", "LOU"} & set(self.caveats))

    @property
    def year(self) -> int | None:
        """The year of its date-time group, for references written without one."""
        y = (self.dtg or "")[:4]
        return int(y) if y.isdigit() else None


def _addressee(r: sqlite3.Row) -> Addressee:
    return Addressee(r["ri"], r["name"], r["precedence"], bool(r["niact"]), r["mcn"])


# the workflow fields load_cable reads, named apart from the cable's own
_WORKFLOW_READ = ", ".join(
    f"w.{f} AS w_{f}"
    for f in (
        "cable_id",
        "officer",
        "status",
        "due_at",
        "note",
        "ack_by",
        "ack_at",
        "row_version",
        "changed_at",
        "changed_by",
    )
)

# stored addressees read to open a cable (the parser reads the first 400 header lines)
ADDRESSEES_READ = 1_000


def load_cable(
    conn: sqlite3.Connection, cable_id: int, read_limit: int | None = None
) -> CableDetail | None:
    """The cable as the split view shows it. With `read_limit`, only that many bytes of its
    text are read (and parsed again for its paragraphs): opening a 10 MB cable then costs what
    opening a short one does; `size`, `total_lines` and `text_cut` say what was left out."""
    conn.row_factory = sqlite3.Row
    try:
        # the cable, its workflow row, its current version and (when it is not longer than
        # `read_limit`) that version's text, in one statement: a round trip each is what
        # opening a cable costs on a database server
        c = conn.execute(
            f"SELECT c.*, {_WORKFLOW_READ}, v.id AS v_id, length(v.raw) AS v_size, "
            "CASE WHEN length(v.raw) <= ? THEN v.raw END AS v_raw "
            "FROM cables c LEFT JOIN workflow w ON w.cable_id = c.id "
            "LEFT JOIN cable_versions v ON v.cable_id = c.id AND v.version = c.version "
            "WHERE c.id = ?",
            (1 << 62 if read_limit is None else read_limit, cable_id),
        ).fetchone()
        if c is None:
            return None
        adds = list(
            conn.execute(
                "SELECT * FROM addressees WHERE cable_id = ? ORDER BY kind, seq LIMIT ?",
                (cable_id, ADDRESSEES_READ),
            )
        )
    finally:
        conn.row_factory = None
    # the text is stored once, as received; paragraphs are read from it again when opened
    from ..cable.parse import parse_bytes

    data, size, total_lines, cut = b"", 0, 0, False
    has_version = c["v_id"] is not None
    if has_version and c["v_raw"] is not None:
        data = bytes(c["v_raw"])
        size, total_lines = len(data), _lines(data, data.endswith(b"\n"))
    elif has_version:
        data, size, total_lines, cut = _read_text(
            conn, int(c["v_id"]), int(c["v_size"]), read_limit
        )
    parsed = parse_bytes(data) if has_version else None
    refs = json.loads(c["references_json"] or "[]")
    state = (
        TriageState(
            officer=c["w_officer"],
            status=c["w_status"],
            due_at=c["w_due_at"],
            note=c["w_note"] or "",
            ack_by=c["w_ack_by"],
            ack_at=c["w_ack_at"],
            row_version=int(c["w_row_version"]),
            changed_at=c["w_changed_at"],
            changed_by=c["w_changed_by"],
        )
        if c["w_cable_id"] is not None
        else TriageState()
    )
    return CableDetail(
        id=cable_id,
        reference_id=str(c["reference_id"]),
        precedence=c["precedence"],
        prec_rank=int(c["prec_rank"]),
        info_precedence=c["info_precedence"],
        dtg=c["dtg"],
        dtg_raw=c["dtg_raw"],
        dtg_estimated=bool(c["dtg_estimated"]),
        classification=c["classification"],
        level_rank=int(c["level_rank"] or 0),
        caveats=tuple((c["caveats"] or "").split()),
        from_line=c["from_line"],
        origin=c["origin"],
        subject=c["subject"],
        tags=tuple(t for t in (c["tags"] or "").split("|") if t),
        security_line=c["security_line"],
        section=c["section"],
        classified_by=c["classified_by"],
        classified_by_name=c["classified_by_name"],
        reasons=c["reasons"],
        declassify=c["declassify"],
        partial=bool(c["partial"]),
        corrected=bool(c["corrected"]),
        signature=c["signature"],
        version=int(c["version"]),
        received_at=str(c["received_at"] or ""),
        to=tuple(_addressee(a) for a in adds if a["kind"] == "to"),
        info=tuple(_addressee(a) for a in adds if a["kind"] == "info"),
        paragraphs=tuple(parsed.paragraphs) if parsed else (),
        references=tuple(Reference(r.get("letter"), str(r.get("text") or "")) for r in refs),
        warnings=tuple(json.loads(c["warnings_json"] or "[]")),
        state=state,
        body=parsed.body if parsed else "",
        size=size,
        total_lines=total_lines,
        text_cut=cut,
    )


class _RawChunks:
    """A stored text read a piece at a time where there is no blob handle (PostgreSQL):
    substr() of the column, one round trip per piece."""

    def __init__(self, conn: sqlite3.Connection, version_id: int) -> None:
        self.conn = conn
        self.version_id = version_id
        self.at = 1

    def __enter__(self) -> _RawChunks:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, n: int) -> bytes:
        row = self.conn.execute(
            "SELECT substr(raw, ?, ?) FROM cable_versions WHERE id = ?",
            (self.at, n, self.version_id),
        ).fetchone()
        data = bytes(row[0]) if row and row[0] is not None else b""
        self.at += len(data)
        return data


def _open_raw(conn: sqlite3.Connection, version_id: int) -> Any:
    if hasattr(conn, "blobopen"):
        return conn.blobopen("cable_versions", "raw", version_id, readonly=True)
    return _RawChunks(conn, version_id)


def _read_text(
    conn: sqlite3.Connection, version_id: int, size: int, limit: int | None
) -> tuple[bytes, int, int, bool]:
    """A stored text, or its first `limit` bytes (cut after a line break, or else between two
    characters); and its size, its lines and whether it was cut. The lines of the rest are
    counted a megabyte at a time, so memory stays bounded whatever the size."""
    if limit is None or size <= limit:
        row = conn.execute("SELECT raw FROM cable_versions WHERE id = ?", (version_id,)).fetchone()
        data = bytes(row[0])
        return data, len(data), _lines(data, data.endswith(b"\n")), False
    newlines = 0
    with _open_raw(conn, version_id) as blob:
        head = blob.read(limit)
        newlines = head.count(b"\n")
        last = head[-1:]
        while chunk := blob.read(1 << 20):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    end = head.rfind(b"\n", limit // 2)
    if end >= 0:
        head = head[: end + 1]
    else:  # one long line: stop before a UTF-8 sequence the limit split
        k = len(head)
        while k > len(head) - 3 and head[k - 1] & 0xC0 == 0x80:
            k -= 1
        if head[k - 1] >= 0xC0:
            k -= 1
        head = head[:k]
    return head, size, newlines + (0 if last == b"\n" else 1), True


def _lines(data: bytes, ends_with_break: bool) -> int:
    return 0 if not data else data.count(b"\n") + (0 if ends_with_break else 1)


def resolve_reference(conn: sqlite3.Connection, text: str, year: int | None) -> int | None:
    """The id of a cable named by a REF text (`PARIS 1877`, `25 PARIS 1500`, `STATE 98412`)."""
    m = re.match(r"^\s*(?:(\d{2}|\d{4})\s+)?([A-Z][A-Z .'-]*?[A-Z])\s+0*(\d{1,7})\b", text.upper())
    if not m:
        return None
    yy = m.group(1)
    if yy:
        y = int(yy) % 100
    elif year is not None:
        y = year % 100
    else:
        return None
    station = re.sub(r"[^A-Z0-9]", "", m.group(2))
    if station == "SECSTATE":
        station = "STATE"
    ref = f"{y:02d}{station}{int(m.group(3))}"
    row = conn.execute("SELECT id FROM cables WHERE reference_id = ?", (ref,)).fetchone()
    return int(row[0]) if row else None
