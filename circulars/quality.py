"""The `quality_results` table: every data-quality result of every materialisation, pass or fail."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from circulars.db import insert_rows

SCHEMA = """
CREATE TABLE IF NOT EXISTS quality_results (
    run_id     VARCHAR NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    asset      VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    passed     BOOLEAN NOT NULL,
    severity   VARCHAR NOT NULL,
    observed   VARCHAR,
    details    JSON
);
"""


@dataclass(frozen=True)
class QualityResult:
    asset: str
    check_name: str
    passed: bool
    severity: str  # ERROR | WARN
    observed: str
    details: dict


COLUMNS = ("run_id", "checked_at", "asset", "check_name", "passed", "severity", "observed", "details")


def record(con: duckdb.DuckDBPyConnection, run_id: str, checked_at: datetime, results: Iterable[QualityResult]) -> int:
    con.execute(SCHEMA)
    rows = [
        (run_id, checked_at, r.asset, r.check_name, r.passed, r.severity, r.observed,
         json.dumps(r.details, ensure_ascii=False, default=str))
        for r in results
    ]
    if rows:
        insert_rows(con, "quality_results", COLUMNS, rows)
    return len(rows)
