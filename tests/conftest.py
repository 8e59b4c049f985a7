"""Shared test set-up: every test gets its own data home and Dagster instance, nothing global."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

FIXTURES = Path(__file__).parent / "fixtures"
TEXTS = FIXTURES / "text"
PDFS = FIXTURES / "pdf"
BAD = FIXTURES / "bad"
SEED_TEXT = TEXTS / "000_seed_DOC-1497.txt"


@pytest.fixture
def home(tmp_path, monkeypatch):
    from circulars.home import resolve_home
    from pipelines.instance import prepare

    root = tmp_path / "home"
    monkeypatch.setenv("CIRCULARS_HOME", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster"))
    return prepare(resolve_home(root))


def query_rows(home, sql: str, params=None) -> list[dict]:
    """Rows of a read-only query against a home's database, as dicts (timestamps in UTC)."""
    import duckdb

    con = duckdb.connect(str(home.database), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        cursor = con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        con.close()
