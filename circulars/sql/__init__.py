"""The projections' SQL, one statement per file, read with `importlib.resources` (package data of the wheel).

- `history_tables.sql`: the history and bookkeeping tables (DDL);
- `history/<table>.sql`: the INSERT that projects new events into one history table; `$after` (the
  last seq projected) and the event types it reads with the labels it gives them (`$types`, `$labels`,
  from `circulars.projections.HISTORY_EVENTS`) are bound by DuckDB;
- `macros/<macro>.sql`: one table macro each (`*_as_of`, `live_readings`, ...), in the order of
  `circulars.projections.MACROS`;
- `current/<table>.sql`: one current-state table each, rebuilt as of a bound `$now`.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def load(name: str) -> str:
    """The text of `name` (a path below this package, e.g. `macros/live_readings.sql`)."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
