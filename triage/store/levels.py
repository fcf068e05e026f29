"""The level rank the cache stores for a cable: 0 UNCLASSIFIED ... 3 TOP SECRET, and -1 for a
cable whose level could not be read (badge `?`): below every level, so no comparison (class:U,
class:<=C) and no banner takes it for UNCLASSIFIED (a SECRET cable cut off in transit looks the
same). A leaf module: both backends' schemas and the ingest read it."""

from __future__ import annotations

from ..cable.model import Level, level_rank

UNKNOWN_LEVEL_RANK = -1
_LEVELS = frozenset(Level)

# the schema step that brought older caches to it (SQLite 9, PostgreSQL 6)
UNKNOWN_LEVEL = (
    f"UPDATE cables SET level_rank = {UNKNOWN_LEVEL_RANK} WHERE level IS NULL "
    f"OR level NOT IN ({', '.join(repr(str(v)) for v in Level)})"
)


def stored_level_rank(level: str | None) -> int:
    """0 UNCLASSIFIED ... 3 TOP SECRET, UNKNOWN_LEVEL_RANK when no level was read."""
    return level_rank(level) if level in _LEVELS else UNKNOWN_LEVEL_RANK
