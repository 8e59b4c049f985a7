"""Projections of the event log: history tables, state-as-of macros, current-state tables.

Three layers, all derived from `events` and rebuildable from seq 0:
- `*_history` tables: every fact the log holds, typed and flattened, with its
  reading, valid time, record time and provenance. Updated incrementally: only
  events after the last projected `seq` are read.
- table macros `*_as_of(at [, known_at])`: the state at valid time `at`, as known
  at `known_at` (default: now). The rules of the domain live here (silence
  procedures, amendments, revisions, superseded readings), as pure functions of
  the history.
- current tables (`decisions`, `plan_items`, ...): the macros evaluated at an
  explicit `now`, so clock-dependent status (a silence deadline passing) moves
  when the daily schedule re-evaluates them, and tests can pin the clock.

The SQL lives in `circulars/sql/` (one file per history table, macro and current table); this
module says which event classes each history table reads (`HISTORY_EVENTS`) and runs the files in
order, with every value bound by DuckDB.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from circulars import changes, eventlog, sql
from circulars.db import named, transaction
from models.events import (
    BudgetApproved,
    BudgetLineCorrected,
    BudgetLineSet,
    CircularFileNameRecorded,
    CircularIdentified,
    CircularQuarantined,
    CircularReceived,
    CorrectionReverted,
    CorrectionStated,
    DecisionRecorded,
    DecisionSuperseded,
    DocumentIdentified,
    DocumentLinked,
    FactCorrected,
    PlanAdopted,
    PlanItemAdded,
    PlanItemAmended,
    PlanItemCancelled,
    PlanItemOrganizersAdded,
    PlanItemRescheduled,
    PlanItemScheduled,
    PlanItemTextReplaced,
    ReviewItemDismissed,
    SilenceBroken,
    SilenceProcedureConcluded,
    SilenceProcedureExtended,
    SilenceProcedureOpened,
    StatementNotRead,
)

PROJECTION_VERSION = 7
"""Bump when a history table's columns change: projections are then dropped and rebuilt from seq 0."""

HISTORY_EVENTS: dict[str, dict[type, str]] = {
    "receipt_history": {CircularReceived: "received", CircularFileNameRecorded: "name"},
    "reading_history": {CircularIdentified: "parsed", CircularQuarantined: "quarantined"},
    "document_history": {DocumentIdentified: "identified"},
    "link_history": {DocumentLinked: "linked"},
    "decision_history": {
        DecisionRecorded: "recorded",
        SilenceProcedureOpened: "silence_opened",
        SilenceProcedureConcluded: "silence_concluded",
        SilenceBroken: "silence_broken",
        SilenceProcedureExtended: "silence_extended",
        DecisionSuperseded: "superseded",
    },
    "plan_history": {
        PlanAdopted: "adopted",
        PlanItemScheduled: "scheduled",
        PlanItemAdded: "added",
        PlanItemRescheduled: "rescheduled",
        PlanItemAmended: "amended",
        PlanItemCancelled: "cancelled",
    },
    "budget_history": {BudgetApproved: "approved", BudgetLineSet: "line", BudgetLineCorrected: "corrected"},
    "unread_history": {StatementNotRead: "not_read"},
    "correction_history": {FactCorrected: "corrected", ReviewItemDismissed: "dismissed", CorrectionReverted: "reverted"},
}
"""Which history table each event class lands in, and the label (`change`, `status` or `kind`) it gets there.

The single table the projections' event types come from: each `history/<table>.sql` reads the types
bound as `$types` and labels them by `$labels`, so an event class renamed or added projects into its
table or fails `tests/test_event_registry.py`, never silently nowhere."""

RESOLVED_BY_LINKER: frozenset[type] = frozenset({PlanItemTextReplaced, PlanItemOrganizersAdded, CorrectionStated})
"""Statements whose target is found in the record by `circulars.linking`: projected only as the events the
linker turns them into (an amendment, a reschedule, a corrected line), never as themselves."""

HISTORY_TABLE_NAMES = (*HISTORY_EVENTS, "resolution_history")
"""`resolution_history` holds every event that resolves another (`resolves` set), whatever its type."""

MACROS = (
    "live_readings", "decisions_read_as_of", "plan_items_read_as_of", "budget_lines_read_as_of", "live_corrections",
    "fact_corrections", "plan_items_as_of", "budget_lines_as_of", "decisions_as_of", "settlements",
)
"""The table macros, each in `macros/<name>.sql`, in the order they are created."""

CURRENT_TABLES = (
    "circulars", "documents", "document_links", "decisions", "plan_items", "budget_lines", "unread_statements",
    "review_items",
)
"""The current-state tables, each in `current/<name>.sql`, in the order they are built (`unread_statements`
checks the state tables; `review_items` reads `unread_statements`)."""


def history_parameters(table: str) -> dict[str, list[str]]:
    """The event types a history table reads and their labels, for its SQL to bind."""
    classes = HISTORY_EVENTS.get(table, {})
    return {"types": [cls.__name__ for cls in classes], "labels": list(classes.values())}


HISTORY_CHECKPOINT = "history"
STATE_CHECKPOINT = "state"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The log, the history tables and the macros; projections of an older layout are dropped first
    (they rebuild from seq 0 on the next projection: the log is the only truth)."""
    eventlog.ensure_schema(con)
    con.execute("CREATE TABLE IF NOT EXISTS projection_checkpoints (name VARCHAR PRIMARY KEY, last_seq BIGINT NOT NULL)")
    version = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = 'projection_version'").fetchone()
    if version is None or version[0] != PROJECTION_VERSION:
        reset(con)
        con.execute(sql.load("history_tables.sql"))
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES ('projection_version', ?)", [PROJECTION_VERSION])
    con.execute(sql.load("history_tables.sql"))
    for macro in MACROS:
        con.execute(sql.load(f"macros/{macro}.sql"))


def _project_history(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = ?", [HISTORY_CHECKPOINT]).fetchone()
    after = row[0] if row else 0
    last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    if last < after:
        raise RuntimeError(
            f"the event log ends at seq {last} but projections were built up to seq {after}: "
            "the log lost events; run `circulars verify`"
        )
    if last > after:
        for table in HISTORY_TABLE_NAMES:
            statement = sql.load(f"history/{table}.sql")
            con.execute(statement, named(statement, {"after": after, **history_parameters(table)}))
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES (?, ?)", [HISTORY_CHECKPOINT, last])
    return last - after


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, now: datetime) -> int:
    statement = sql.load(f"current/{table}.sql")
    con.execute(statement, named(statement, {"now": now}))
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def update_history(con: duckdb.DuckDBPyConnection) -> int:
    """Project events not yet projected into the history tables; returns how many events were read."""
    ensure_schema(con)
    with transaction(con):
        return _project_history(con)


def rebuild_current(con: duckdb.DuckDBPyConnection, table: str, now: datetime) -> int:
    """(Re)build one current-state table as of `now`; returns its row count."""
    ensure_schema(con)
    with transaction(con):
        return _rebuild(con, table, now)


def project(con: duckdb.DuckDBPyConnection, now: datetime, *, run_id: str | None = None) -> tuple[int, dict[str, int]]:
    """History and every current table in one transaction: a crash leaves all of it as it was, or all new.

    With a `run_id`, the seq range projected is recorded in `projection_runs`, so the
    checks of that run can validate what it changed. Returns (events projected, row
    count per current table).
    """
    ensure_schema(con)
    with transaction(con):
        last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        row = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = ?", [STATE_CHECKPOINT]).fetchone()
        # The current tables were last built from the log up to `before`: what this projection changes is
        # everything after it, even when the history tables were brought up to date earlier in the run
        # (the linker projects history before it resolves references).
        before = min(row[0], last) if row else 0
        _project_history(con)
        if run_id is not None:
            con.execute("INSERT INTO projection_runs VALUES (?, ?, ?, ?, now())", [run_id, before, last, now])
        counts = {table: _rebuild(con, table, now) for table in CURRENT_TABLES}
        counts["entity_states"] = changes.project_changes(con, now, after_seq=before)
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES (?, ?)", [STATE_CHECKPOINT, last])
        return last - before, counts


# Which rows of each table a range of new events can have changed: the keys the
# table-level rules group by (a plan's year, a budget's year), so that a rule
# such as "totals add up" is judged on whole budgets, never on a fragment.
CHANGED_SCOPE = {
    "plan_items": "plan_year IN (SELECT plan_year FROM plan_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT plan_year FROM correction_history WHERE seq > $after AND seq <= $last)",
    # a dismissal may settle a total: the budgets are judged again, and the result says who settled what
    "budget_lines": "budget_year IN (SELECT budget_year FROM budget_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT budget_year FROM correction_history WHERE seq > $after AND seq <= $last)"
    " OR EXISTS (SELECT 1 FROM correction_history WHERE change <> 'corrected' AND seq > $after AND seq <= $last)",
    "decisions": "decision_id IN (SELECT decision_id FROM decision_history WHERE seq > $after AND seq <= $last)"
    " OR symbol IN (SELECT symbol FROM decision_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT symbol FROM correction_history WHERE seq > $after AND seq <= $last)",
    "documents": "circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "circulars": "sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
}


def rebuild_all(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    return project(con, now)[1]


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every projection (never the log), so they rebuild from seq 0."""
    for table in [*CURRENT_TABLES, *HISTORY_TABLE_NAMES, "projection_checkpoints", *changes.PROJECTION_TABLES]:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
