"""Asset checks: integrity of the log (blocking) and Great Expectations suites on every table (flagging).

Why this split: a broken hash chain or a gap in `seq` means the source of truth
itself is damaged, so nothing downstream may be built from it (blocking). A
budget whose printed total does not add up is an official figure: it is kept
exactly as printed and flagged (ERROR or WARN), never corrected, and the run goes
on, so blocking there would hide the very data a person needs to see.

Great Expectations is imported only inside the checks (it costs seconds and
~200 MB), never when the definitions load.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from circulars import integrity, quality
from circulars.db import connect
from circulars.store import ContentStore
from pipelines.resources import CircularsHome


def _record(context: AssetCheckExecutionContext, home, results: list[quality.QualityResult]) -> None:
    with connect(home.database, on_wait=context.log.info) as con:
        quality.record(con, context.run_id, datetime.now(UTC), results)


@asset_check(
    asset="events",
    blocking=True,
    description="Hash chain intact and `seq` gapless for every event appended since the last verified one "
    "(and that one unchanged); every received circular present in the store. Blocking: state is never built "
    "from a damaged log.",
)
def events_integrity(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
    home = circulars_home.home()
    with connect(home.database, on_wait=context.log.info) as con:
        chain = integrity.verify_log_since_checkpoint(con)
    passed = chain.ok
    observed = (
        f"{chain.events_checked} new event(s) verified, chain intact"
        if passed
        else f"{len(chain.problems)} problem(s): {chain.problems[0]}"
    )
    _record(
        context,
        home,
        [quality.QualityResult("events", "events_integrity", passed, "ERROR", observed, {"problems": chain.problems[:50]})],
    )
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.ERROR,
        description=observed,
        metadata={"events_checked": chain.events_checked, "problems": MetadataValue.json(chain.problems[:50])},
    )


def _suite_check(table: str):
    @asset_check(
        asset=table,
        name=f"{table}_expectations",
        blocking=False,
        description=f"Great Expectations suite `expectations/{table}` on the `{table}` table, read into pandas. "
        "Failures flag the rows (kept exactly as printed); they never stop the run.",
    )
    def _check(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
        from expectations import run_suite

        home = circulars_home.home()
        with connect(home.database, read_only=True, on_wait=context.log.info) as con:
            frame = con.execute(f'SELECT * FROM "{table}"').df()
            extra = _suite_context(con, table, home)
        outcomes = run_suite(table, frame, **extra)
        results = [
            quality.QualityResult(table, o.check_name, o.passed, o.severity, o.observed, o.details) for o in outcomes
        ]
        _record(context, home, results)
        failed = [o for o in outcomes if not o.passed]
        severity = (
            AssetCheckSeverity.ERROR if any(o.severity == "ERROR" for o in failed) else AssetCheckSeverity.WARN
        )
        lines = [f"- {'✅' if o.passed else ('❌' if o.severity == 'ERROR' else '⚠️')} **{o.check_name}**: {o.observed}" for o in outcomes]
        return AssetCheckResult(
            passed=not failed,
            severity=severity,
            description=(f"{len(failed)} of {len(outcomes)} expectation(s) failed" if failed else f"all {len(outcomes)} expectations met"),
            metadata={
                "rows": len(frame),
                "results": MetadataValue.md("\n".join(lines) or "no expectations"),
                "failed": MetadataValue.json([{"check": o.check_name, "severity": o.severity, "observed": o.observed, "details": o.details} for o in failed]),
            },
        )

    return _check


def _suite_context(con, table: str, home) -> dict:
    """What a suite needs beyond its own table (documents for traceability, the store for presence)."""
    if table == "events":
        from circulars.eventlog import compute_hash

        return {"recompute_hash": compute_hash, "stored_sha256s": ContentStore(home.store).all_sha256s()}
    if table == "decisions":
        symbols = {r[0] for r in con.execute("SELECT DISTINCT symbol FROM documents WHERE symbol IS NOT NULL").fetchall()}
        shas = {r[0] for r in con.execute("SELECT sha256 FROM circulars").fetchall()}
        return {"document_symbols": symbols, "circular_sha256s": shas}
    return {}


SUITE_TABLES = ("circulars", "documents", "decisions", "plan_items", "budget_lines")
circulars_expectations, documents_expectations, decisions_expectations, plan_items_expectations, budget_lines_expectations = (
    _suite_check(table) for table in SUITE_TABLES
)
