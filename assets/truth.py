"""Checks that make what the reader could not do visible where people look in the UI.

A quarantined circular used to show a green "Materialized" partition and a plain
"Success" run. `circular_files_read_in_full` is a non-blocking WARN check on
`circular_files`: it fails while any circular is quarantined or has statements the
reader could not read and no person has settled, listing which, why, and each one's
partition. Non-blocking: the
bytes are kept and nothing downstream is wrong, but a person must look.

Each kind of problem is one entry of `PROBLEMS` (a name and a query returning
`sha256, symbol, file_name, count, detail`), run only when the tables it reads exist:
this is the hook for what later issues add.
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
from circulars import quality
from circulars.db import connect, has_table

from .partitions import circular_partitions

PROBLEMS = {
    "quarantined": (
        ("circulars",),
        """SELECT sha256, symbol, file_names[1], 1, reason FROM circulars WHERE status = 'quarantined'
           ORDER BY received_at, sha256""",
    ),
    # Statements the reader could not turn into events, until a correction or a dismissal settles them.
    "unread_statements": (
        ("unread_statements", "circulars"),
        """SELECT u.circular_sha256, c.symbol, c.file_names[1], count(*),
                  string_agg(coalesce(u.why, 'not read'), '; ' ORDER BY u.page) FILTER (WHERE u.why IS NOT NULL)
           FROM unread_statements u LEFT JOIN circulars c ON c.sha256 = u.circular_sha256
           WHERE u.settled_how IS NULL
           GROUP BY u.circular_sha256, c.symbol, c.file_names[1], c.received_at
           -- a batch's files share one received_at: the name, then the bytes, make the order stable
           ORDER BY c.received_at, c.file_names[1], u.circular_sha256""",
    ),
}


def circular_problems(con) -> dict[str, list[dict]]:
    """Every circular a person must look at, by kind of problem."""
    found: dict[str, list[dict]] = {}
    for kind, (tables, sql) in PROBLEMS.items():
        if not all(has_table(con, table) for table in tables):
            continue
        found[kind] = [
            {"sha256": sha, "symbol": symbol, "file_name": name, "count": count, "detail": detail}
            for sha, symbol, name, count, detail in con.execute(sql).fetchall()
        ]
    return found


@asset_check(
    asset="circular_files",
    blocking=False,
    additional_deps=["circulars"],
    description="Warns while any circular could not be read in full: quarantined files (kept byte for byte, "
    "nothing read from them) and, where recorded, statements not read. Lists each with its reason and partition.",
)
def circular_files_read_in_full(context: AssetCheckExecutionContext, circulars_home: CircularsHome) -> AssetCheckResult:
    home = circulars_home.home()
    with connect(home.database, read_only=True, on_wait=context.log.info) as con:
        problems = circular_problems(con)
    partitions = {key[-12:]: key for key in context.instance.get_dynamic_partitions(circular_partitions.name)}
    lines, failing = [], []
    for kind, items in problems.items():
        for item in items:
            partition = partitions.get(item["sha256"][:12], "")
            named = item["symbol"] or item["file_name"] or item["sha256"][:12]
            what = "quarantined" if kind == "quarantined" else f"{item['count']} statement(s) not read"
            lines.append(f"- **{named}** ({what}): {item['detail'] or ''} — partition `{partition}`")
            failing.append({"kind": kind, **item, "partition": partition})
    counts = {kind: len(items) for kind, items in problems.items()}
    passed = not failing
    observed = (
        "every circular was read in full"
        if passed
        else "; ".join(f"{n} circular(s) {kind.replace('_', ' ')}" for kind, n in counts.items() if n)
    )
    with connect(home.database, on_wait=context.log.info) as con:
        quality.record(
            con,
            context.run.run_id,
            datetime.now(UTC),
            [quality.QualityResult("circular_files", "circular_files_read_in_full", passed, "WARN", observed,
                                   {"failures": failing[:100], "failing_count": len(failing)})],
        )
    return AssetCheckResult(
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=observed,
        metadata={
            **{f"{kind}_circulars": n for kind, n in counts.items()},
            "circulars": MetadataValue.md("\n".join(lines) or "_none_"),
            "failing_rows": MetadataValue.json(failing[:100]),
        },
    )
