"""Asset checks: integrity of the log (blocking) and Great Expectations suites on every table (flagging).

Why this split: a broken hash chain or a gap in `seq` means the source of truth
itself is damaged, so nothing downstream may be built from it (blocking). A
budget whose printed total does not add up is an official figure: it is kept
exactly as printed and flagged (ERROR or WARN), never corrected, and the run goes
on, so blocking there would hide the very data a person needs to see.

Great Expectations is imported only inside the checks (it costs seconds and
~200 MB), never when the definitions load.
"""


from datetime import UTC, datetime

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    MetadataValue,
    asset_check,
)

from assets.resources import CircularsHome
from circulars import integrity, quality
from circulars.db import connect, has_table, transaction
from circulars.store import ContentStore
from models.events import CircularReceived


def _record(context: AssetCheckExecutionContext, home, results: list[quality.QualityResult], checked: tuple[str, int]) -> None:
    """Results and the table's checkpoint together: a kill before this commit leaves the checks owed."""
    with connect(home.database, on_wait=context.log.info) as con:
        quality.record(con, context.run.run_id, datetime.now(UTC), results, checked=checked)


@asset_check(
    asset="events",
    blocking=True,
    description="Hash chain intact and `seq` gapless for every event appended since the last verified one "
    "(and that one unchanged); every received circular present in the store. Blocking: state is never built "
    "from a damaged log.",
)
def events_integrity(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
    home = circulars_home.home()
    store = ContentStore(home.store)
    # One transaction: the chain's checkpoint moves only with the recorded verdict, so a run
    # killed here leaves the same events to verify (and record) for the next run.
    with connect(home.database, on_wait=context.log.info) as con, transaction(con):
        chain = integrity.verify_log_since_checkpoint(con)
        received = [r[0] for r in con.execute(
            "SELECT DISTINCT circular_sha256 FROM events WHERE event_type = ?", [CircularReceived.__name__]
        ).fetchall()]
        chain.problems.extend(
            f"stored file missing for circular {sha}" for sha in received if not store.path_for(sha).exists()
        )
        passed = chain.ok
        observed = (
            f"{chain.events_checked} new event(s) verified, chain intact"
            if passed
            else f"{len(chain.problems)} problem(s): {chain.problems[0]}"
        )
        result = quality.QualityResult(
            "events", "events_integrity", passed, "ERROR", observed,
            {"problems": chain.problems[:50], "checked": chain.events_checked},
        )
        checked = ("events", quality.last_seq(con)) if passed else None
        quality.record(con, context.run.run_id, datetime.now(UTC), [result], checked=checked, in_transaction=True)
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.ERROR,
        description=observed,
        metadata={"events_checked": chain.events_checked, "problems": MetadataValue.json(chain.problems[:50])},
    )


CHECK_NAMES: dict[str, tuple[str, ...]] = {
    "circulars": (
        "circulars_columns_present", "circulars_required_values_present", "circulars_sha256_unique",
        "circulars_sha256_format", "circulars_status_known", "circulars_quarantine_has_reason",
        "circulars_parsed_have_symbol", "circulars_page_count_positive", "circulars_file_names_listed",
        "circulars_languages_listed",
    ),
    "documents": (
        "documents_columns_present", "documents_provenance_present", "documents_circular_sha256_format",
        "documents_page_positive", "documents_kind_known", "documents_cited_by_symbol_and_date",
        "documents_circular_known",
    ),
    "decisions": (
        "decisions_columns_present", "decisions_required_values_present", "decisions_decision_id_unique",
        "decisions_action_known", "decisions_status_known", "decisions_circular_sha256_format",
        "decisions_page_positive", "decisions_silence_pending_has_deadline",
        "decisions_silence_deadline_after_circulation", "decisions_symbol_documented", "decisions_circular_documented",
    ),
    "plan_items": (
        "plan_items_columns_present", "plan_items_required_values_present", "plan_items_item_no_unique",
        "plan_items_numbering_gapless", "plan_items_titled", "plan_items_have_organiser", "plan_items_interval_ordered",
        "plan_items_within_plan_year", "plan_items_timing_precision_known", "plan_items_status_known",
        "plan_items_circular_sha256_format", "plan_items_page_positive", "plan_items_circular_known",
    ),
    "budget_lines": (
        "budget_lines_columns_present", "budget_lines_required_values_present", "budget_amounts_whole_non_negative",
        "budget_lines_line_kind_known", "budget_lines_line_no_unique", "budget_lines_position_unique",
        "budget_totals_add_up", "budget_lines_circular_sha256_format", "budget_lines_page_positive",
        "budget_lines_circular_known",
    ),
    "unread_statements": (
        "unread_statements_columns_present", "unread_statements_none_open", "unread_statements_provenance_present",
        "unread_statements_reason_known",
    ),
}
"""The check names of each suite (`expectations.SUITES[table].check_names`), written out so that
loading the definitions does not import the suites and pandas with them (~1–2 s in every run's
process, on the path from a file landing to its facts being queryable). A test keeps the two equal."""


def _suite_check(table: str):
    """One Dagster check per table: its whole Great Expectations suite.

    Each expectation's verdict is in the check's metadata (`expectations`, a table; `failed`, the
    failing ones with their rows) and in `quality_results` (one row per expectation, for SQL).
    One check rather than one per expectation: every check a run plans costs Dagster two event
    writes whether it fails or not (about 100 of a run's 250 with one per expectation, `BENCHMARKS.md`).
    """
    names = CHECK_NAMES[table]
    listed = "".join(f"\n- `{name}`" for name in names)

    @asset_check(
        asset=table,
        name="expectations",
        blocking=False,
        description=f"Great Expectations suite `expectations/{table}` on the `{table}` table, read into pandas: "
        f"{len(names)} expectations. Failures flag the rows (kept exactly as printed); they never stop the run. "
        f"Fails with ERROR when an ERROR expectation fails, else WARN; the metadata lists every verdict.{listed}",
    )
    def _check(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
        from expectations import run_suite

        home = circulars_home.home()
        with connect(home.database, read_only=True, on_wait=context.log.info) as con:
            query, params, scope, checked_seq, owed = quality.rows_to_check(con, table, context.run.run_id)
            frame = con.execute(query, params).df()
            extra = _suite_context(con, table, frame)
        if owed:
            context.log.info(f"`{table}`: checks owed by an earlier run ({owed.events}) are run now")
        # No rows to judge (nothing new was projected): say so without importing GX (seconds, ~200 MB).
        outcomes = _nothing_to_check(table, scope) if frame.empty else run_suite(table, frame, **extra)
        _record(
            context,
            home,
            [quality.QualityResult(table, o.check_name, o.passed, o.severity, o.observed, {**o.details, "scope": scope})
             for o in outcomes],
            (table, checked_seq),
        )
        return suite_result(table, outcomes, rows=len(frame), scope=scope, owed=owed.events if owed else "")

    return _check


def suite_result(table: str, outcomes: list, *, rows: int, scope: str, owed: str) -> AssetCheckResult:
    """The Dagster verdict of a whole suite: failed if any expectation failed, ERROR if any of those is ERROR."""
    failed = [o for o in outcomes if not o.passed]
    if failed:
        description = f"{len(failed)} of {len(outcomes)} expectation(s) failed: " + "; ".join(
            f"{o.check_name} ({o.severity}): {o.observed}" for o in failed)
    else:
        description = f"all {len(outcomes)} expectation(s) met ({rows} row(s), {scope})"
    verdicts = "\n".join(
        f"| `{o.check_name}` | {'met' if o.passed else 'FAILED'} | {o.severity} | {_cell(o.observed)} |" for o in outcomes)
    return AssetCheckResult(
        asset_key=table,
        check_name="expectations",
        passed=not failed,
        severity=AssetCheckSeverity.ERROR if any(o.severity == "ERROR" for o in failed) else AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "rows": rows,
            "scope": scope,
            "owed_by_earlier_run": owed,
            "expectations_checked": len(outcomes),
            "expectations_failed": len(failed),
            "expectations": MetadataValue.md("| expectation | verdict | severity | observed |\n|---|---|---|---|\n" + verdicts),
            "failed": MetadataValue.json([
                {"check": o.check_name, "severity": o.severity, "observed": o.observed, "expectation": o.description,
                 "failing_count": o.details.get("failing_count", 0), "failing_rows": o.details.get("failures", [])[:20]}
                for o in failed
            ]),
        },
    )


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, no column bars, at most 300 characters."""
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= 300 else flat[:299] + "…"


def _nothing_to_check(table: str, scope: str) -> list:
    from expectations import SUITES, CheckOutcome

    suite = SUITES[table]
    specs = [(f"{table}_columns_present", "ERROR", "the table has every column the suite reads")]
    specs += [(c.name, c.severity, c.description) for c in suite.checks]
    return [
        CheckOutcome(name, True, severity, f"0 rows to check ({scope})", {"checked": 0, "scope": scope}, description)
        for name, severity, description in specs
    ]


def _suite_context(con, table: str, frame) -> dict:
    """What a suite needs beyond its own rows, limited to the values those rows mention
    (so the sets handed to Great Expectations stay as small as the change, not the archive)."""
    if table not in ("decisions", "documents", "plan_items", "budget_lines"):
        return {}
    mentioned = sorted({v for v in frame["circular_sha256"].dropna()}) if "circular_sha256" in frame else []
    shas = {r[0] for r in con.execute(
        "SELECT sha256 FROM circulars WHERE sha256 IN (SELECT unnest(?))", [mentioned]
    ).fetchall()}
    if table == "budget_lines":
        # totals a person settled ("misprint, kept as printed") pass as printed; the result says who and why
        settled = dict(con.execute(
            "SELECT item_id, settled_how || ' by ' || settled_by || ': ' || settled_reason FROM settlements(now())"
        ).fetchall())
        return {"circular_sha256s": shas, "settled": settled}
    if table != "decisions":
        return {"circular_sha256s": shas}
    # A symbol is traceable if a document carries it, or a document that was read cites it
    # (a draft sent to silence procedure by a list item, whose own text was not enclosed).
    cited = sorted({v for v in frame["symbol"].dropna()}) if "symbol" in frame else []
    symbols = {r[0] for r in con.execute(
        """
        WITH wanted AS (SELECT unnest(?) AS symbol)
        SELECT symbol FROM wanted WHERE symbol IN (
            SELECT symbol FROM documents UNION SELECT to_symbol FROM document_links
            UNION SELECT unnest("references") FROM decisions)
        """,
        [cited],
    ).fetchall()}
    circulated = dict(con.execute(
        "SELECT sha256, issued_on FROM circulars WHERE issued_on IS NOT NULL AND sha256 IN (SELECT unnest(?))",
        [mentioned],
    ).fetchall())
    return {"document_symbols": symbols, "circular_sha256s": shas, "circulated_on": circulated}


@asset_check(
    asset="circulars",
    blocking=False,
    description="Nothing waits for a person: fails while `review_items` has open items (statements not read, rows "
    "the checks' rules fail on, ambiguous links, quarantined files) and lists them. Settle each with "
    "`circulars correct ... --item ID` or `circulars dismiss ID --reason ...`.",
)
def review_queue(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
    home = circulars_home.home()
    with connect(home.database, read_only=True, on_wait=context.log.info) as con:
        has = has_table(con, "review_items")
        rows = con.execute(
            "SELECT id, kind, coalesce(circular_symbol, left(circular_sha256, 12)), page, left(text, 160) FROM review_items "
            "ORDER BY since, id"
        ).fetchall() if has else []
    items = [{"id": i, "kind": k, "circular": c, "page": p, "text": t} for i, k, c, p, t in rows]
    observed = "nothing needs review" if not items else f"{len(items)} item(s) need review: " + "; ".join(
        f"{i['id']} {i['kind']} ({i['circular']}, p. {i['page']}): {i['text']}" for i in items[:3])
    _record(context, home, [quality.QualityResult("circulars", "review_queue", not items, "WARN", observed,
                                                  {"open": len(items), "items": items[:50]})], None)
    return AssetCheckResult(
        passed=not items,
        severity=AssetCheckSeverity.WARN,
        description=observed,
        metadata={"open_items": len(items), "items": MetadataValue.json(items[:50]),
                  "settle": MetadataValue.md("`circulars review` lists them; `circulars review show ID` shows one")},
    )


SUITE_TABLES = ("circulars", "documents", "decisions", "plan_items", "budget_lines", "unread_statements")
(circulars_expectations, documents_expectations, decisions_expectations, plan_items_expectations,
 budget_lines_expectations, unread_statements_expectations) = (_suite_check(table) for table in SUITE_TABLES)
