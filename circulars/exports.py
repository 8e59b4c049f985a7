"""Export every table as Parquet or CSV files, one per table, for people and tools outside DuckDB.

Why DuckDB's own `COPY ... TO`: it writes straight from the database without a
round trip through Python, keeps types (dates, instants, lists, JSON) in Parquet,
and streams, so a large log never has to fit in memory. CSV has no lists, so list
columns become JSON text there (`["en","ru","kk"]`); JSON columns stay JSON text.
NULL is an empty field and an empty string is `""` (read back with
`allow_quoted_nulls=false` to tell them apart).

Each file is written beside its final name and renamed into place, so a reader
never sees half a file. The database is opened read-only.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import duckdb

from circulars.db import connect

ExportFormat = Literal["parquet", "csv"]

# The tables a person queries (README "Tables"), in the order they are listed there;
# every `*_history` table found is added after them. Bookkeeping tables are not exported.
PUBLIC_TABLES = (
    "events",
    "circulars",
    "documents",
    "document_links",
    "decisions",
    "plan_items",
    "budget_lines",
    "changes",
    "entity_states",
    "quality_results",
    "unread_statements",
    "review_items",
)
HISTORY_SUFFIX = "_history"


def exported_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables present in the database that an export writes, public ones first."""
    present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()}
    present |= {row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal AND NOT temporary").fetchall()}
    history = sorted(name for name in present if name.endswith(HISTORY_SUFFIX))
    return [name for name in PUBLIC_TABLES if name in present] + history


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _structured_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Columns CSV cannot hold as they are: lists, structs, maps (JSON columns are already text)."""
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
    ).fetchall()
    return [name for name, data_type in rows if data_type.endswith("]") or data_type.startswith(("STRUCT", "MAP", "UNION"))]


def _select_for(con: duckdb.DuckDBPyConnection, table: str, fmt: ExportFormat) -> str:
    if fmt == "parquet":
        return f"SELECT * FROM {_quoted(table)}"
    structured = _structured_columns(con, table)
    if not structured:
        return f"SELECT * FROM {_quoted(table)}"
    replaced = ", ".join(f"CAST(to_json({_quoted(c)}) AS VARCHAR) AS {_quoted(c)}" for c in structured)
    return f"SELECT * REPLACE ({replaced}) FROM {_quoted(table)}"


COPY_OPTIONS = {
    "parquet": "FORMAT parquet, COMPRESSION zstd",
    "csv": "FORMAT csv, HEADER true",
}


def export_tables(
    database: Path, target: Path, fmt: ExportFormat, *, on_wait: Callable[[str], None] | None = None
) -> dict[str, Path]:
    """Write each table to `target/<table>.<fmt>`; returns the files written, by table name.

    `on_wait` hears, once, that an ingestion holds the database and the export waits for it.
    """
    if fmt not in COPY_OPTIONS:
        raise ValueError(f"unknown export format {fmt!r}: choose parquet or csv")
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    with connect(Path(database), read_only=True, on_wait=on_wait) as con:
        for table in exported_tables(con):
            final = target / f"{table}.{fmt}"
            partial = target / f".{table}.{fmt}.part"
            try:
                con.execute(f"COPY ({_select_for(con, table, fmt)}) TO {_literal(str(partial))} ({COPY_OPTIONS[fmt]})")
                os.replace(partial, final)
            finally:
                partial.unlink(missing_ok=True)
            written[table] = final
    return written
