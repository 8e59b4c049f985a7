"""The `quality_results` table: every data-quality result of every materialisation, pass or fail.

And which changes have been checked: `check_checkpoints` holds, per table, the log position
up to which its checks have judged every changed row. Results and checkpoint are written in
one transaction, so a run killed while checking leaves the checks it did not finish *owed*;
the next run (of any trigger, even with nothing new) judges the rows changed since each
table's checkpoint, so no change stays without its verdict.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from circulars.db import has_table, insert_rows, transaction

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

CHECKPOINT_SCHEMA = """
CREATE TABLE IF NOT EXISTS check_checkpoints (
    asset       VARCHAR PRIMARY KEY,
    checked_seq BIGINT NOT NULL,
    run_id      VARCHAR NOT NULL,
    checked_at  TIMESTAMPTZ NOT NULL
);
"""

CHECKED_TABLES = ("events", "circulars", "documents", "decisions", "plan_items", "budget_lines", "unread_statements")
"""The tables whose checks run on every materialisation (`events`: the integrity check)."""




def record(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    checked_at: datetime,
    results: Iterable[QualityResult],
    *,
    checked: tuple[str, int] | None = None,
    in_transaction: bool = False,
) -> int:
    """Insert the results and, with `checked=(table, seq)`, move the table's checkpoint to `seq`, in one
    transaction (the caller's, with `in_transaction`). The checkpoint only moves forward."""
    rows = [
        (run_id, checked_at, r.asset, r.check_name, r.passed, r.severity, r.observed,
         json.dumps(r.details, ensure_ascii=False, default=str))
        for r in results
    ]
    with contextlib.nullcontext() if in_transaction else transaction(con):
        con.execute(SCHEMA)
        con.execute(CHECKPOINT_SCHEMA)
        if rows:
            insert_rows(con, "quality_results", COLUMNS, rows)
        if checked is not None:
            con.execute(
                """
                INSERT INTO check_checkpoints VALUES (?, ?, ?, ?)
                ON CONFLICT (asset) DO UPDATE SET
                    checked_seq = greatest(check_checkpoints.checked_seq, excluded.checked_seq),
                    run_id = excluded.run_id, checked_at = excluded.checked_at
                """,
                [checked[0], checked[1], run_id, checked_at],
            )
    return len(rows)


def checked_seq(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Up to which log position the checks of `table` have judged every changed row (0: never)."""
    if not has_table(con, "check_checkpoints"):
        return 0
    found = con.execute("SELECT checked_seq FROM check_checkpoints WHERE asset = ?", [table]).fetchone()
    return found[0] if found else 0


def projected_seq(con: duckdb.DuckDBPyConnection) -> int:
    """Up to which log position the state tables reflect the log."""
    if not has_table(con, "projection_checkpoints"):
        return 0
    # the current tables' checkpoint: the history tables move with every append (the linker reads them)
    found = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = 'state'").fetchone()
    return found[0] if found else 0


def last_seq(con: duckdb.DuckDBPyConnection) -> int:
    if not has_table(con, "events"):
        return 0
    return con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]


@dataclass(frozen=True)
class Owed:
    """The checks of `table` have not judged the rows changed by events `after`+1 … `last`."""

    table: str
    after: int
    last: int

    @property
    def events(self) -> str:
        return f"events {self.after + 1}–{self.last}" if self.last > self.after + 1 else f"event {self.last}"


def checks_owed(con: duckdb.DuckDBPyConnection) -> list[Owed]:
    """Tables whose checks are behind what they should have judged: the integrity check behind
    the log, a table's suite behind the projected state (a run killed or crashed while checking)."""
    owed = []
    events_last, state_last = last_seq(con), projected_seq(con)
    for table in CHECKED_TABLES:
        target = events_last if table == "events" else state_last
        done = checked_seq(con, table)
        if done < target:
            owed.append(Owed(table, done, target))
    return owed


def describe_owed(owed: list[Owed]) -> str:
    """One line for a person: which checks an earlier run left undone, over which events."""
    return "; ".join(f"{o.table} ({o.events})" for o in owed)


CLOCK_MOVED = "silence_deadline IS NOT NULL"
"""Decisions whose status the clock moves (a silence deadline passing), with no new event."""


def rows_to_check(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> tuple[str, list, str, int, Owed | None]:
    """The rows of `table` its checks owe a verdict on, in this run: (query, parameters, a phrase
    saying which, the log position they bring the table's checkpoint to, what an earlier run left owed).

    The rows changed by events since the table's checkpoint (all rows when never checked), and,
    for `decisions`, those under silence procedure whenever this run rebuilt the state (the clock
    moves their status without an event). A check run on its own (no projection by this run)
    judges the whole table. The grouping keys (a plan's year, a budget's year) come from
    `projections.CHANGED_SCOPE`, so table-level rules are judged on whole plans and budgets.
    """
    from circulars.projections import CHANGED_SCOPE

    last = projected_seq(con)
    if table == "unread_statements":
        # what is still open, whatever changed: a statement a person settled no longer fails the check
        return ('SELECT * FROM "unread_statements" WHERE settled_how IS NULL', [], "the statements not read and not settled",
                last, None)
    whole = (f'SELECT * FROM "{table}"', [], "the whole table", last, None)
    this_run = (
        con.execute("SELECT after_seq FROM projection_runs WHERE run_id = ?", [run_id]).fetchall()
        if has_table(con, "projection_runs")
        else []
    )
    if not this_run or table not in CHANGED_SCOPE:
        return whole
    run_after = this_run[0][0]
    after = min(checked_seq(con, table), last)
    owed = Owed(table, after, min(run_after, last)) if after < min(run_after, last) else None
    note = f" ({owed.events} owed by an earlier run)" if owed else ""
    if after == 0:
        return (*whole[:2], "the whole table" + note, last, owed)
    clock = table == "decisions"
    if after >= last:
        if clock:
            return 'SELECT * FROM "decisions" WHERE ' + CLOCK_MOVED, [], "decisions under silence procedure (clock re-evaluated)", last, None
        return f'SELECT * FROM "{table}" WHERE false', [], "no rows: nothing new was projected", last, None
    condition = CHANGED_SCOPE[table]
    params = [value for _ in range(condition.count("$after")) for value in (after, last)]
    condition = condition.replace("$after", "?").replace("$last", "?")
    if clock:
        condition = "(" + condition + ") OR " + CLOCK_MOVED
    return f'SELECT * FROM "{table}" WHERE {condition}', params, f"rows changed by events {after + 1}–{last}{note}", last, owed
