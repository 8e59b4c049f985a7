"""The domain without Dagster, for table-driven tests: read files in order, log them, link, project.

`State` ingests circulars (bytes) one after another the way the log writer does (receipt,
reading, then the linker's resolutions), projects the tables at a given clock, and
answers queries. `assert_facts` checks the facts of `tests/fixtures/followups/scenarios.py`
and `tests/paraphrases/*.yaml` (same keys, same conventions) against the tables.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from circulars import eventlog, linking, projections
from circulars.eventlog import PendingEvent
from circulars.reading import READER_VERSION, ReadError, Reading, read_circular
from models.events import CircularReceived

RECORDED_FROM = datetime(2025, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=256)
def read_bytes(data: bytes, name: str) -> Reading | ReadError:
    sha = hashlib.sha256(data).hexdigest()
    try:
        return read_circular(data, file_name=name, sha256=sha, reading_id=f"{sha[:16]}:{READER_VERSION}")
    except ReadError as error:
        return error


class State:
    """A throw-away log and its projections."""

    def __init__(self, path: Path):
        self.path = path
        self.con = duckdb.connect(str(path))
        self.con.execute("SET TimeZone = 'UTC'")
        self.shas: list[str] = []
        self._clock = RECORDED_FROM

    def add(self, name: str, data: bytes) -> Reading:
        sha = hashlib.sha256(data).hexdigest()
        reading = read_bytes(data, name)
        if isinstance(reading, ReadError):
            raise AssertionError(f"{name} was quarantined: {reading.code}: {reading.message}")
        self._clock += timedelta(minutes=1)
        stream = f"circular-{sha}"
        received = CircularReceived(circular_sha256=sha, valid_at=self._clock, file_name=name, size=len(data),
                                    media_type="text/plain")
        pending = [PendingEvent(stream, sha, received)]
        pending += [PendingEvent(stream, f"{e.reading_id}|{i}", e) for i, e in enumerate(reading.events)]
        eventlog.append(self.con, pending, recorded_at=self._clock)
        linking.link_and_append(self.con, recorded_at=self._clock)
        self.shas.append(sha)
        return reading

    def project(self, now: datetime) -> None:
        projections.project(self.con, now)

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def close(self) -> None:
        self.con.close()


def _same(got: Any, wanted: Any) -> bool:
    if isinstance(got, Decimal):
        got = int(got) if got == got.to_integral_value() else float(got)
    if isinstance(wanted, datetime) and isinstance(got, datetime):
        return got == wanted
    if isinstance(wanted, date) and isinstance(got, datetime):
        return False
    if isinstance(wanted, list) and isinstance(got, (list, tuple)):
        return list(got) == wanted
    return got == wanted


def _compare(where: str, row: dict | None, wanted: dict, problems: list[str], *, absent_ok_if_null: bool = False) -> None:
    if row is None:
        if absent_ok_if_null and all(v is None for v in wanted.values()):
            return
        problems.append(f"{where}: no such row")
        return
    for column, value in wanted.items():
        if column == "subject_start":
            if not str(row.get("subject") or "").startswith(value):
                problems.append(f"{where}: subject {row.get('subject')!r} does not start with {value!r}")
            continue
        if column not in row:
            problems.append(f"{where}: no column {column}")
        elif not _same(row[column], value):
            problems.append(f"{where}.{column}: got {row[column]!r}, wanted {value!r}")


def check_facts(state: State, facts: dict, *, unchanged: bool = False) -> list[str]:
    """Every disagreement between the tables and `facts` (empty when they agree).

    `as_of: {DATE: facts}` checks the same kinds of facts as they stood on that date (the
    `*_as_of` macros), e.g. a budget line before the amendment that changed it.
    """
    problems: list[str] = []
    for day, wanted in (facts.get("as_of") or {}).items():
        tables = {t: f"{t}_as_of(DATE '{day.isoformat()}')" for t in ("decisions", "plan_items", "budget_lines")}
        problems += [f"as of {day}: {p}" for p in _check(state, wanted, unchanged, tables)]
    return problems + _check(state, facts, unchanged, {t: t for t in ("decisions", "plan_items", "budget_lines")})


def _check(state: State, facts: dict, unchanged: bool, table: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for symbol, wanted in (facts.get("decisions") or {}).items():
        rows = state.rows(f"SELECT * FROM {table['decisions']} WHERE symbol = ? ORDER BY silence_deadline NULLS LAST", [symbol])
        _compare(f"decision {symbol}", rows[0] if rows else None, wanted, problems, absent_ok_if_null=unchanged)
    for key, wanted in (facts.get("plan_items") or {}).items():
        year, item = key
        rows = state.rows(f"SELECT * FROM {table['plan_items']} WHERE plan_year = ? AND item_no = ?", [year, item])
        _compare(f"plan {year} item {item}", rows[0] if rows else None, wanted, problems, absent_ok_if_null=unchanged)
    for year, count in (facts.get("plan_item_count") or {}).items():
        got = state.rows(f"SELECT count(*) AS n FROM {table['plan_items']} WHERE plan_year = ?", [year])[0]["n"]
        if got != count:
            problems.append(f"plan {year}: {got} items, wanted {count}")
    for key, wanted in (facts.get("budget_lines") or {}).items():
        year, line = key
        if line in ("total", "grand_total"):
            rows = state.rows(f"SELECT * FROM {table['budget_lines']} WHERE budget_year = ? AND line_kind = ? ORDER BY position",
                              [year, line])
        else:
            rows = state.rows(f"SELECT * FROM {table['budget_lines']} WHERE budget_year = ? AND line_no = ? "
                              "AND line_kind = 'expenditure'", [year, line])
        _compare(f"budget {year} line {line}", rows[0] if rows else None, wanted, problems, absent_ok_if_null=unchanged)
    for link in facts.get("links") or []:
        found = state.rows("SELECT 1 FROM document_links WHERE from_symbol = ? AND to_symbol = ? AND link = ?", list(link))
        if not found:
            problems.append(f"no document link {link}")
    return problems


def check_unread(state: State, expected: list[str], shas: list[str] | None = None) -> list[str]:
    """The unread statements of these circulars are exactly those the expected substrings name."""
    rows = state.rows("SELECT why, text, detail FROM unread_statements WHERE circular_sha256 IN (SELECT unnest(?))",
                      [shas or state.shas])
    problems = [f"expected to be flagged, but was not: {fragment!r}" for fragment in expected
                if not any(fragment in row["text"] or fragment in (row["detail"] or "") for row in rows)]
    problems += [f"flagged, but expected to be read: [{row['why']}] {row['text'][:160]} ({row['detail'][:160]})"
                 for row in rows if not any(f in row["text"] or f in (row["detail"] or "") for f in expected)]
    return problems
