"""Data-quality suites, as code, for every table: Great Expectations 1.x over pandas frames.

`run_suite(table, df, **context)` validates a whole table read into a DataFrame and
returns one `CheckOutcome` per check. Importing this package does not import Great
Expectations; the first validation does (seconds), and later ones reuse its context.
"""

from __future__ import annotations

from expectations import budget_lines, circulars, decisions, documents, events, plan_items
from expectations.checks import Check, Severity, TableSuite
from expectations.runner import CheckOutcome, run_suite

SUITES: dict[str, TableSuite] = {
    suite.table: suite
    for suite in (
        events.SUITE,
        circulars.SUITE,
        documents.SUITE,
        decisions.SUITE,
        plan_items.SUITE,
        budget_lines.SUITE,
    )
}
"""Table name → its suite (checks, key columns, accepted context arguments, `check_names`)."""

__all__ = ["SUITES", "Check", "CheckOutcome", "Severity", "TableSuite", "run_suite"]
