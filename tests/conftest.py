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


def check_verdicts(evaluations) -> dict[str, dict]:
    """Each check's verdict by name from a run's Dagster check evaluations, a table suite's expectations
    each under its own name (as `quality_results` names them): asset, passed, severity, description,
    the suite's scope and the failing rows."""
    verdicts: dict[str, dict] = {}
    for e in evaluations:
        asset = e.asset_key.to_user_string()
        scope = e.metadata["scope"].value if "scope" in e.metadata else None
        if "expectations_failed" in e.metadata:
            failed = {f["check"]: f for f in e.metadata["failed"].value}
            from assets.checks import CHECK_NAMES

            names = CHECK_NAMES[asset]
            assert e.metadata["expectations_checked"].value == len(names)
            assert e.passed == (not failed)
            for name in names:
                f = failed.get(name)
                verdicts[name] = {"asset": asset, "passed": f is None, "severity": f and f["severity"],
                                  "description": f and f["observed"], "scope": scope,
                                  "failing_rows": f["failing_rows"] if f else []}
        else:
            rows = e.metadata.get("failing_rows")
            verdicts[e.check_name] = {"asset": asset, "passed": e.passed, "severity": e.severity.value,
                                      "description": e.description, "scope": scope,
                                      "failing_rows": rows.value if rows is not None else [], "metadata": e.metadata}
    return verdicts
