"""Human review: what a person settles, recorded as events like the machine's readings.

A correction, a dismissal or a revert is an event appended through the log's single
writer (hash-chained, in `events.jsonl`, replayed on a rebuild), keyed to the fact it
corrects (plan year and item, budget year and line, decision symbol) or to the review
item it settles, never to a reading: it survives re-reading. The projections apply
corrections over the readings (`source = 'correction'`), as of when they were recorded.

These functions check that what is named exists, build the event, and append it; they
raise `ReviewError` (nothing appended) for anything that does not exist or is not allowed.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import duckdb

from circulars import eventlog
from circulars.db import has_table
from circulars.eventlog import PendingEvent
from circulars.reading.timing import parse_timing
from models.constants import ASTANA_ZONE as ASTANA
from models.events import CorrectionReverted, FactCorrected, ReviewItemDismissed

STREAM = "review"
PLAN_STATUSES = ("planned", "rescheduled", "amended", "corrected", "cancelled")
DECISION_STATUSES = ("noted", "adopted", "approved", "recommended", "decided", "supported", "agreed", "endorsed",
                     "welcomed", "requested", "recorded", "pending_silence", "presumed_adopted", "rejected",
                     "superseded", "withdrawn", "corrected", "revised")


class ReviewError(ValueError):
    """What a person asked for cannot be recorded: nothing was appended."""


def default_person() -> str:
    """Who is correcting: `--by`, else the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): the environment's, or a placeholder
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


@dataclass(frozen=True)
class Recorded:
    """An event a person asked for, ready for the log, and the row it concerns before the change."""

    pending: PendingEvent
    before: dict[str, Any] | None
    describe: str


def _row(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> dict[str, Any] | None:
    cursor = con.execute(sql, params)
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row)) if row else None




def _valid_from(row: dict[str, Any], valid_from: date | None) -> datetime:
    """From when a correction holds: a date given, else from when the fact itself held (a misreading is
    corrected for all the time the fact stood; it is seen only from when it was recorded)."""
    if valid_from is not None:
        return datetime.combine(valid_from, time(0), ASTANA)
    value = row.get("valid_at")
    return value if isinstance(value, datetime) else datetime(1970, 1, 1, tzinfo=UTC)


def _read_value(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> str | None:
    """What the reading (corrections aside) says of a fact now: kept with a correction, so that a later
    reading saying something else again can be told from the one the person corrected."""
    found = con.execute(sql, params).fetchone()
    return None if found is None or found[0] is None else str(found[0])


def _identity(*parts: Any) -> str:
    return "|".join("" if p is None else str(p) for p in parts)


def correct_plan(con: duckdb.DuckDBPyConnection, year: int, item: int, *, timing: str | None, title: str | None,
                 status: str | None, reason: str, by: str, review_item: str | None, valid_from: date | None,
                 now: datetime) -> Recorded:
    fields = [(name, value) for name, value in (("timing", timing), ("title", title), ("status", status)) if value is not None]
    if len(fields) != 1:
        raise ReviewError("give exactly one of --timing, --title or --status")
    field, value = fields[0]
    row = _row(con, "SELECT * FROM plan_items WHERE plan_year = ? AND item_no = ? LIMIT 1", [year, item]) \
        if has_table(con, "plan_items") else None
    if row is None:
        raise ReviewError(f"the plan for {year} has no item {item}: nothing to correct")
    extra: dict[str, Any] = {}
    if field == "status" and value not in PLAN_STATUSES:
        raise ReviewError(f"a plan item's status is one of {', '.join(PLAN_STATUSES)}; not {value!r}")
    if field == "timing":
        parsed = parse_timing(value, year)
        extra = {"starts_on": parsed.starts_on, "ends_on": parsed.ends_on, "timing_precision": parsed.precision}
    event = FactCorrected(circular_sha256=row.get("circular_sha256"), page=row.get("page"),
                          valid_at=_valid_from(row, valid_from), by=by, reason=reason, entity="plan_item",
                          plan_year=year, item_no=item, field=field, value=value, review_item_id=review_item,
                          replaced=_read_value(con, "SELECT CASE ? WHEN 'timing' THEN timing_text WHEN 'title' THEN title "
                                                    "ELSE status END FROM plan_items_read_as_of(now()) "
                                                    "WHERE plan_year = ? AND item_no = ? LIMIT 1", [field, year, item]),
                          **extra)
    return Recorded(PendingEvent(STREAM, _identity("plan", year, item, field, value, by, now.isoformat()), event), row,
                    f"plan {year} item {item} {field}")


def correct_budget(con: duckdb.DuckDBPyConnection, year: int, line: str, *, amount: int, reason: str, by: str,
                   review_item: str | None, valid_from: date | None, now: datetime) -> Recorded:
    key = line.lower().replace(" ", "_")
    if key in ("total", "grand_total"):
        sql, params = "SELECT * FROM budget_lines WHERE budget_year = ? AND line_kind = ? ORDER BY position LIMIT 1", [year, key]
    elif key.isdigit():
        sql, params = ("SELECT * FROM budget_lines WHERE budget_year = ? AND line_no = ? AND line_kind = 'expenditure' LIMIT 1",
                       [year, int(key)])
    else:
        raise ReviewError(f"a budget line is its number, 'total' or 'grand_total'; not {line!r}")
    row = _row(con, sql, params) if has_table(con, "budget_lines") else None
    if row is None:
        raise ReviewError(f"the budget for {year} has no line {line}: nothing to correct")
    event = FactCorrected(circular_sha256=row.get("circular_sha256"), page=row.get("page"),
                          valid_at=_valid_from(row, valid_from), by=by, reason=reason, entity="budget_line",
                          budget_year=year, line=key, field="amount_usd", value=str(int(amount)), review_item_id=review_item,
                          replaced=_read_value(con, "SELECT CAST(amount_usd AS VARCHAR) FROM budget_lines_read_as_of(now()) "
                                                    "WHERE budget_year = ? AND CASE WHEN line_kind = 'expenditure' "
                                                    "THEN CAST(line_no AS VARCHAR) ELSE line_kind END = ? LIMIT 1", [year, key]))
    return Recorded(PendingEvent(STREAM, _identity("budget", year, key, amount, by, now.isoformat()), event), row,
                    f"budget {year} line {line} amount")


def correct_decision(con: duckdb.DuckDBPyConnection, symbol: str, *, status: str | None, adopted_as: str | None,
                     reason: str, by: str, review_item: str | None, valid_from: date | None, now: datetime) -> Recorded:
    fields = [(name, value) for name, value in (("status", status), ("adopted_symbol", adopted_as)) if value is not None]
    if len(fields) != 1:
        raise ReviewError("give exactly one of --status or --adopted-as")
    field, value = fields[0]
    if field == "status" and value not in DECISION_STATUSES:
        raise ReviewError(f"a decision's status is one of {', '.join(DECISION_STATUSES)}; not {value!r}")
    row = _row(con, "SELECT * FROM decisions WHERE symbol = ? ORDER BY silence_deadline NULLS LAST LIMIT 1", [symbol]) \
        if has_table(con, "decisions") else None
    if row is None:
        raise ReviewError(f"no decision {symbol} is in the record: nothing to correct")
    event = FactCorrected(circular_sha256=row.get("circular_sha256"), page=row.get("page"),
                          valid_at=_valid_from(row, valid_from), by=by, reason=reason, entity="decision", symbol=symbol,
                          field=field, value=value, review_item_id=review_item,
                          replaced=_read_value(con, "SELECT CASE ? WHEN 'status' THEN status ELSE adopted_symbol END "
                                                    "FROM decisions_read_as_of(now()) WHERE symbol = ? "
                                                    "ORDER BY silence_deadline NULLS LAST LIMIT 1", [field, symbol]))
    return Recorded(PendingEvent(STREAM, _identity("decision", symbol, field, value, by, now.isoformat()), event), row,
                    f"decision {symbol} {field}")


def check_review_item(con: duckdb.DuckDBPyConnection, item_id: str | None) -> None:
    """A correction naming a review item must name an open one."""
    if item_id is not None and open_item(con, item_id) is None:
        raise ReviewError(f"no open review item {item_id} (circulars review lists them)")


def dismiss(con: duckdb.DuckDBPyConnection, item_id: str, *, reason: str, by: str, now: datetime) -> Recorded:
    item = open_item(con, item_id)
    if item is None:
        raise ReviewError(f"no open review item {item_id} (circulars review lists them; a settled item stays settled)")
    event = ReviewItemDismissed(circular_sha256=item.get("circular_sha256"), page=item.get("page"), valid_at=now,
                                by=by, reason=reason, item_id=item_id, kind=item["kind"], text=item["text"][:2000])
    return Recorded(PendingEvent(STREAM, _identity("dismiss", item_id, by, now.isoformat()), event), item,
                    f"review item {item_id}")


def revert(con: duckdb.DuckDBPyConnection, event_id: str, *, reason: str, by: str, now: datetime) -> Recorded:
    row = _row(con, "SELECT event_type, circular_sha256, payload->>'page' AS page FROM events WHERE event_id = ?", [event_id])
    if row is None:
        raise ReviewError(f"no event {event_id} in the log")
    if row["event_type"] not in (FactCorrected.__name__, ReviewItemDismissed.__name__):
        raise ReviewError(f"event {event_id} is a {row['event_type']}: only a correction or a dismissal is reverted")
    reverted = con.execute("SELECT count(*) FROM events WHERE event_type = ? AND payload->>'reverted_event_id' = ?",
                           [CorrectionReverted.__name__, event_id]).fetchone()[0]
    if reverted:
        raise ReviewError(f"event {event_id} is already reverted")
    event = CorrectionReverted(circular_sha256=row["circular_sha256"], page=int(row["page"]) if row["page"] else None,
                               valid_at=now, by=by, reason=reason, reverted_event_id=event_id)
    return Recorded(PendingEvent(STREAM, _identity("revert", event_id, by, now.isoformat()), event), row, f"event {event_id}")


def append(con: duckdb.DuckDBPyConnection, recorded: Recorded, *, now: datetime, mirror=None) -> str:
    """Append through the log's writer; returns the new event's id."""
    eventlog.append(con, [recorded.pending], recorded_at=now, mirror=mirror)
    return recorded.pending.event_id


def open_items(con: duckdb.DuckDBPyConnection, *, kind: str | None = None, circular: str | None = None) -> list[dict]:
    if not has_table(con, "review_items"):
        return []
    cursor = con.execute(
        """
        SELECT * FROM review_items
        WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR circular_symbol = ? OR document_symbol = ? OR circular_sha256 LIKE ? || '%')
        ORDER BY since, id
        """,
        [kind, kind, circular, circular, circular, circular],
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def open_item(con: duckdb.DuckDBPyConnection, item_id: str) -> dict | None:
    if not has_table(con, "review_items"):
        return None
    return _row(con, "SELECT * FROM review_items WHERE id = ?", [item_id])


def source_lines(con: duckdb.DuckDBPyConnection, item: dict) -> list[str]:
    """Where an item's text stands in its circular: the file, the page, and the statement as read."""
    lines = []
    if item.get("circular_sha256"):
        row = _row(con, "SELECT symbol, issued_on, file_names FROM circulars WHERE sha256 = ?", [item["circular_sha256"]])
        if row:
            lines.append(f"circular {row['symbol'] or '(no symbol)'} of {row['issued_on']} ({', '.join(row['file_names'] or [])}), "
                         f"sha256 {item['circular_sha256']}")
    if item.get("page"):
        lines.append(f"page {item['page']}" + (f", document {item['document_symbol']}" if item.get("document_symbol") else ""))
    return lines
