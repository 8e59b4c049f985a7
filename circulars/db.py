"""DuckDB connections: short-lived, one writer at a time, readers wait rather than fail.

DuckDB allows one writing process, and even a read-only open fails while another
process holds the file. So nothing holds a connection across steps: each step
opens, works, commits and closes; a second opener waits for the lock (saying so)
up to a timeout instead of failing at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import duckdb

LOCK_WAIT_SECONDS = 600.0
CREATION_WAIT_SECONDS = 10.0
"""How long a file that is not (yet) a valid database is taken for one another process is creating."""


MEMORY_LIMIT_ENV = "CIRCULARS_DUCKDB_MEMORY_LIMIT"
MEMORY_LIMIT = "800MB"
"""DuckDB's memory limit for every connection (its default is 80 % of the machine's RAM). Projections
of a large log (the million-event rebuild: 1.4 GiB with the default) then spill to a temporary
folder beside the database instead of growing; measured no slower (`BENCHMARKS.md`, figures 5 and 7).
Set $CIRCULARS_DUCKDB_MEMORY_LIMIT (e.g. "4GB") to change it."""


def memory_limit() -> str:
    """The memory limit connections get: $CIRCULARS_DUCKDB_MEMORY_LIMIT, else MEMORY_LIMIT."""
    return os.environ.get(MEMORY_LIMIT_ENV, "").strip() or MEMORY_LIMIT


class DatabaseBusy(RuntimeError):
    """Another process held the database for longer than we were willing to wait."""


def _is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    return "lock" in text or "conflicting" in text or "being used by another process" in text


def _is_being_created(error: Exception) -> bool:
    """Another process has just created the file and not yet written its header."""
    return "not a valid duckdb database file" in str(error).lower()


@contextlib.contextmanager
def connect(
    path: Path,
    *,
    read_only: bool = False,
    wait_seconds: float = LOCK_WAIT_SECONDS,
    on_wait: Callable[[str], None] | None = None,
    sandboxed: bool = False,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one unit of work, waiting for another process's lock if needed.

    `sandboxed` is for queries typed by people: no file read or written (COPY TO, read_csv,
    ATTACH, EXPORT), no extension installed or loaded, and the configuration locked so the
    query cannot switch any of that back on (nor point profiling output at a file).
    """
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no database at {path}: run `circulars ingest` first")
    started = time.monotonic()
    deadline = started + wait_seconds
    delay = 0.05
    told = False
    while True:
        try:
            config: dict = {"memory_limit": memory_limit()}
            if sandboxed:
                config.update(
                    enable_external_access=False, autoinstall_known_extensions=False, autoload_known_extensions=False
                )
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            con.execute("SET TimeZone = 'UTC'")
            if sandboxed:
                con.execute("SET lock_configuration = true")
            break
        except duckdb.Error as error:
            if _is_being_created(error) and time.monotonic() < started + min(wait_seconds, CREATION_WAIT_SECONDS):
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            if not _is_lock_error(error) or time.monotonic() >= deadline:
                if _is_lock_error(error):
                    raise DatabaseBusy(
                        f"{path} is held by another process (an ingestion?) and stayed busy for {wait_seconds:.0f} s"
                    ) from error
                raise
            if on_wait and not told:
                on_wait(f"waiting: {path.name} is held by another process (an ingestion is writing)")
                told = True
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        yield con
    finally:
        con.close()


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert many rows in one statement, column by column.

    DuckDB's `executemany` runs one statement per row (about 0.5 ms each); passing
    each column as a list and unnesting them is two orders of magnitude faster.
    Values are still bound parameters, never formatted into the SQL.
    """
    if not rows:
        return 0
    names = ", ".join(f'"{c}"' for c in columns)
    unnests = ", ".join("unnest(?)" for _ in columns)
    con.execute(
        f'INSERT INTO "{table}" ({names}) SELECT {unnests}',
        [[row[i] for row in rows] for i in range(len(columns))],
    )
    return len(rows)


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Is there a table or view of this name (the database may predate it, or be new)?"""
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0]
    )


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back if it raises (even on a kill signal's
    KeyboardInterrupt), so a crash leaves all of it as it was, or all of it done."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


_NAMED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def named(sql: str, values: Mapping[str, object]) -> dict[str, object]:
    """The values of the `$name` parameters `sql` uses, for DuckDB to bind (it refuses names a query does
    not use, so a statement built from shared fragments gets only its own)."""
    used = set(_NAMED.findall(sql))
    missing = used - set(values)
    if missing:
        raise KeyError(f"no value for parameter(s) {', '.join(sorted(missing))}")
    return {name: values[name] for name in used}
