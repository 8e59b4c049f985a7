"""State: the history tables and current-state tables, projected from the log.

One step (one connection, one writer) updates the history incrementally and
rebuilds each current table as of an explicit `now`; each table is its own asset
in the UI, with its row count, a preview and its checks.
"""


from datetime import UTC, datetime

from dagster import AssetExecutionContext, AssetSpec, Config, MaterializeResult, MetadataValue, multi_asset
from pydantic import Field

from circulars import projections
from circulars.db import connect
from pipelines.resources import CircularsHome

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
}

PREVIEW_ROWS = 10


class StateConfig(Config):
    now: str | None = Field(
        default=None,
        description="Evaluate clock-dependent status (silence deadlines) as of this ISO instant; default: the run's start",
    )


def _markdown_preview(con, table: str) -> str:
    cursor = con.execute(f'SELECT * FROM "{table}" LIMIT {PREVIEW_ROWS}')
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return "_empty_"

    def cell(value) -> str:
        text = "" if value is None else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= 60 else text[:57] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


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
    with connect(home.database, on_wait=context.log.info) as con:
        projected, all_counts = projections.project(con, now, run_id=context.run.run_id)
        counts = {table: all_counts[table] for table in TABLE_DESCRIPTIONS}
        previews = {table: _markdown_preview(con, table) for table in TABLE_DESCRIPTIONS}
    context.log.info(f"projected {projected} new event(s); tables as of {now.isoformat()}: {counts}")
    for table in TABLE_DESCRIPTIONS:
        yield MaterializeResult(
            asset_key=table,
            metadata={
                "dagster/row_count": counts[table],
                "as_of": now.isoformat(),
                "events_projected": projected,
                "preview": MetadataValue.md(previews[table]),
                "query": MetadataValue.md(f"`circulars sql \"SELECT * FROM {table} LIMIT 20\"`"),
            },
        )
