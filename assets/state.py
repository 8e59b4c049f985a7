"""State: the history tables and current-state tables, projected from the log.

One step (one connection, one writer) updates the history incrementally and
rebuilds each current table as of an explicit `now`; each table is its own asset
in the UI, with its row count, a preview of the rows the latest run changed
(symbol and page as provenance, instants in Astana time beside UTC) and its
checks. The same step materializes each circular's partition of `circular_files`
with what that circular changed, once its facts are projected.
"""


from datetime import UTC, datetime

from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from pydantic import Field

from assets.resources import CircularsHome
from circulars import previews, projections
from circulars.changes import astana_utc
from circulars.db import connect
from circulars.store import ContentStore

from .log import CIRCULAR_FILES, _circulars_metadata
from .partitions import circular_partition_key, circular_partitions

TABLE_DESCRIPTIONS = {
    "circulars": "One row per distinct file content: symbol, date, place, languages, pages, file names, "
    "status (`parsed` | `quarantined`) and the reason when quarantined.",
    "documents": "One row per enclosed document (and cover note): symbol, kind, body, title, date, place, page.",
    "document_links": "What documents say of each other: supersedes, amends, confirms, corrects, adopts, references.",
    "decisions": "Current state of every decision: action, status (noted, adopted, pending_silence, presumed_adopted, "
    "rejected, superseded, ...), silence deadline, adoption date, provenance.",
    "plan_items": "Current plan of events per year: timing as printed and as an interval with its precision, "
    "status (planned, rescheduled, amended, corrected, cancelled), provenance.",
    "budget_lines": "Current budget lines per year in US dollars, exactly as printed, with totals and grand totals; "
    "a line a corrigendum corrected shows the corrected amount, the printed one and the corrigendum.",
    "unread_statements": "What the reader could not turn into events: every annex row or operative sentence that "
    "yielded none (or only part of one), with why (unknown change word, no target found, several candidates, timing "
    "not understood, numbering gap ...), the circular, page and document. Never silently empty: its check fails "
    "while a row is open (not settled by a correction or a dismissal).",
    "review_items": "What needs a person: statements not read, rows the checks' rules fail on (a total that does not "
    "add up, an item number printed twice), ambiguous links, quarantined files; each with a stable id and what "
    "would settle it. `circulars review` lists them.",
    "changes": "One row per change of state of a decision, plan item, budget line or document link: field, before, "
    "after, valid (from the document) and known (recorded) times, circular, page, event, and a sentence. "
    "The preview shows the latest changes. `circulars changes`, `circulars history SYMBOL`.",
}


class StateConfig(Config):
    now: str | None = Field(
        default=None,
        description="Evaluate clock-dependent status (silence deadlines) as of this ISO instant; default: the run's start",
    )


@multi_asset(
    specs=[
        AssetSpec(
            table,
            deps=["events"],
            group_name="state",
            kinds={"duckdb"},
            owners=["team:records"],
            description=description,
            skippable=False,
        )
        for table, description in TABLE_DESCRIPTIONS.items()
    ],
    can_subset=False,
)
def state_tables(context: AssetExecutionContext, config: StateConfig, circulars_home: CircularsHome):
    home = circulars_home.home()
    now = datetime.fromisoformat(config.now) if config.now else datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    run_id = context.run.run_id
    with connect(home.database, on_wait=context.log.info) as con:
        projected, all_counts = projections.project(con, now, run_id=run_id)
        counts = {table: all_counts[table] for table in TABLE_DESCRIPTIONS if table in all_counts}
        counts["changes"] = con.execute("SELECT count(*) FROM changes").fetchone()[0]
        shown = {table: previews.preview(con, table, run_id) for table in TABLE_DESCRIPTIONS}
        changed_now = previews.run_change_count(con, run_id)
        last = previews.last_projection(con)
        touched = previews.run_circulars(con, run_id)
        partition_metadata = _circulars_metadata(con, touched, ContentStore(home.store))
        what_changed = previews.circular_changes(con, touched)
    context.log.info(f"projected {projected} new event(s), {changed_now} change(s); tables as of {now.isoformat()}: {counts}")
    _materialize_partitions(context, partition_metadata, what_changed)
    context.instance.add_run_tags(run_id, {"circulars/changes": str(changed_now)})
    for table in TABLE_DESCRIPTIONS:
        yield MaterializeResult(
            asset_key=table,
            metadata={
                "dagster/row_count": counts[table],
                "as_of": now.isoformat(),
                "as_of_astana": astana_utc(now),
                "events_projected": projected,
                "changes_this_run": changed_now,
                "last_projection": last,
                "preview": MetadataValue.md(shown[table]),
                "query": MetadataValue.md(f"`circulars sql \"SELECT * FROM {table} LIMIT 20\"`"),
            },
        )


def _materialize_partitions(context: AssetExecutionContext, metadata: dict[str, dict], what_changed: dict[str, str]) -> None:
    """One materialization per circular whose facts this run projected, with what it changed."""
    if not metadata:
        return
    existing = {key[-12:]: key for key in context.instance.get_dynamic_partitions(circular_partitions.name)}
    for sha, meta in metadata.items():
        key = existing.get(sha[:12]) or circular_partition_key(
            sha, meta["symbol"] or None, meta["issued_on"] or None, meta["file_name"]
        )
        if key not in existing.values():
            continue  # not registered by the log writer (cannot happen in one run): never invent a partition
        context.log_event(
            AssetMaterialization(
                asset_key=CIRCULAR_FILES,
                partition=key,
                metadata={
                    **meta,
                    "changes": MetadataValue.md(
                        "_quarantined: nothing could be read from it, so it changed nothing (see the check "
                        "`circular_files_read_in_full`)_"
                        if meta["status"] == "quarantined"
                        else what_changed.get(sha, "")
                    ),
                },
            )
        )
