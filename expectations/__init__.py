"""Data-quality suites, as code, for every table: Great Expectations 1.x over pandas frames.

`run_suite(table, df, **context)` validates a whole table read into a DataFrame and
returns one `CheckOutcome` per check. Importing this package does not import Great
Expectations; the first validation does (seconds), and later ones reuse its context.

Every verdict comes from a GX validation result. Rules GX cannot state over the table's
own rows are judged by GX over a small derived frame built in pandas, which lines up
the value printed beside the value it should be:
- events: seq gaplessness (step from the previous seq), the hash chain (prev_hash beside
  the previous row's hash) and hash recomputation (stored hash beside the caller's
  `recompute_hash(row)`: project code GX cannot run);
- plan_items: gaps in each plan's numbering (one row per plan), organiser counts (list
  cells), interval years beside the plan year;
- budget_lines: totals (one row per printed total: printed beside computed sum), whole
  amounts (DECIMAL has no GX "is integral" expectation);
- circulars: file-name counts and joined languages (list cells);
- decisions: silence deadline's date at Astana beside the circulation date (another table).
"""

from __future__ import annotations

from expectations import budget_lines, circulars, decisions, documents, events, plan_items, unread_statements
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
        unread_statements.SUITE,
    )
}
"""Table name → its suite (checks, key columns, accepted context arguments, `check_names`)."""

__all__ = ["SUITES", "Check", "CheckOutcome", "Severity", "TableSuite", "run_suite"]
