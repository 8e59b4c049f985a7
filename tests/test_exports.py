"""Exports read back equal to the tables they came from, row for row, value for value."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from circulars.exports import PUBLIC_TABLES, export_tables
from pipelines.instance import prepare

pytestmark = pytest.mark.slow  # runs the ingestion job before exporting

SEED_TEXT = Path(__file__).parent / "fixtures" / "text" / "000_seed_DOC-1497.txt"

HISTORY_TABLES = (
    "budget_history",
    "correction_history",
    "decision_history",
    "document_history",
    "link_history",
    "plan_history",
    "reading_history",
    "receipt_history",
    "resolution_history",
    "unread_history",
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seed circular ingested through the whole Dagster job (checks included) into its own home."""
    from circulars.cli import copy_into_inbox, run_ingestion
    from circulars.home import resolve_home

    root = tmp_path_factory.mktemp("exports") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCULARS_HOME", str(root))
        patch.setenv("DAGSTER_HOME", str(root / "dagster"))
        home = prepare(resolve_home(root))
        copy_into_inbox(home, [SEED_TEXT])
        result = run_ingestion(home, now="2024-01-15T00:00:00+00:00", workers=1)
    assert result.success
    return home


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]
    ).fetchall()


def test_every_public_and_history_table_is_exported_and_nothing_else(seeded, tmp_path):
    written = export_tables(seeded.database, tmp_path / "out", "parquet")
    assert list(written) == list(PUBLIC_TABLES) + list(HISTORY_TABLES)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{t}.parquet" for t in written)
    assert "projection_checkpoints" not in written and "chain_checkpoint" not in written


def test_parquet_round_trip_keeps_types_and_every_row(seeded, tmp_path):
    written = export_tables(seeded.database, tmp_path / "parquet", "parquet")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{seeded.database}' AS db (READ_ONLY)")
    for table, path in written.items():
        original = _rows(con, f'SELECT * FROM db."{table}"')
        exported = _rows(con, f"SELECT * FROM read_parquet('{path}')")
        assert exported == original, table
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        assert [(c[0], c[1]) for c in described] == [
            (name, kind) for name, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'db' AND table_name = ? "
                "ORDER BY column_index",
                [table],
            ).fetchall()
        ], table
    # What the seed must have put there: the round trip is not of empty tables.
    counts = {t: con.execute(f"SELECT count(*) FROM read_parquet('{p}')").fetchone()[0] for t, p in written.items()}
    assert counts["plan_items"] == 27
    assert counts["circulars"] == 1
    assert counts["events"] == con.execute("SELECT max(seq) FROM db.events").fetchone()[0] > 27
    assert counts["quality_results"] > 0
    languages = con.execute(f"SELECT languages FROM read_parquet('{written['circulars']}')").fetchone()[0]
    assert languages == ["en", "ru", "kk"]


def test_csv_round_trip_with_lists_as_json_text(seeded, tmp_path):
    written = export_tables(seeded.database, tmp_path / "csv", "csv")
    assert {p.suffix for p in written.values()} == {".csv"}
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"ATTACH '{seeded.database}' AS db (READ_ONLY)")
    con.execute("USE db")
    for table, path in written.items():
        columns = _columns(con, table)
        lists = [name for name, kind in columns if kind.endswith("[]")]
        # Read each column back as the type it had; lists arrive as JSON text and are parsed back.
        as_read = {name: ("VARCHAR" if name in lists else kind) for name, kind in columns}
        spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in as_read.items()) + "}"
        restored = ", ".join(
            f"""from_json("{name}", '{json.dumps([kind[:-2]])}') AS "{name}\"""" if name in lists else f'"{name}"'
            for name, kind in columns
        )
        exported = _rows(
            con,
            f"SELECT {restored} FROM read_csv('{path}', header = true, columns = {spec}, allow_quoted_nulls = false)",
        )
        assert exported == _rows(con, f'SELECT * FROM "{table}"'), table
    header = (tmp_path / "csv" / "plan_items.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("plan_year,item_no,title,organizers,lead_organizer,timing_text,starts_on,ends_on")
    item_1 = con.execute(
        f"SELECT organizers FROM read_csv('{written['plan_items']}', header = true, all_varchar = true) WHERE item_no = '1'"
    ).fetchone()[0]
    assert json.loads(item_1) == [
        "The Russian Federation",
        "Directorate of the World Youth Festival",
        "Federal Agency for Youth Affairs",
        "Russian Movement of Children, Youth “Movement of the First”",
    ]
    circular = con.execute(
        f"SELECT languages, file_names FROM read_csv('{written['circulars']}', header = true, all_varchar = true)"
    ).fetchone()
    assert json.loads(circular[0]) == ["en", "ru", "kk"]
    assert json.loads(circular[1]) == [SEED_TEXT.name]


def test_an_export_replaces_files_whole_and_refuses_unknown_formats(seeded, tmp_path):
    target = tmp_path / "again"
    first = export_tables(seeded.database, target, "csv")
    before = first["plan_items"].read_bytes()
    second = export_tables(seeded.database, target, "csv")
    assert second["plan_items"].read_bytes() == before
    assert not [p for p in target.iterdir() if p.name.endswith(".part")]
    with pytest.raises(ValueError, match="unknown export format"):
        export_tables(seeded.database, target, "xlsx")  # type: ignore[arg-type]


def test_exporting_a_missing_database_says_so(tmp_path):
    with pytest.raises(FileNotFoundError):
        export_tables(tmp_path / "nothing.duckdb", tmp_path / "out", "parquet")
