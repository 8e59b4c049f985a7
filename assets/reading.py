"""Reading: every stored circular without a reading by the current reader is read, in parallel.

Workers are separate processes that never open DuckDB; their readings are staged
on disk for the single log writer.
"""


from collections import Counter

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from assets.resources import CircularsHome
from circulars import ingest
from circulars.reading import READER_VERSION


@asset(
    group_name="reading",
    deps=["inbox_arrivals"],
    kinds={"python", "pdf"},
    owners=["team:records"],
    description=(
        "Each new circular (PDF or text) read into the document model and its domain events, "
        "or quarantined with a reason. Parallel processes; results staged for the log writer."
    ),
)
def circular_readings(context: AssetExecutionContext, circulars_home: CircularsHome) -> MaterializeResult:
    home = circulars_home.home()
    outcomes = ingest.read_pending(
        home,
        workers=circulars_home.workers,
        time_limit=circulars_home.time_limit_seconds,
        memory_limit=circulars_home.memory_limit_bytes,
        on_wait=context.log.info,
    )
    statuses = Counter(o.status for o in outcomes)
    seconds = sum(o.seconds for o in outcomes)
    context.log.info(f"read {len(outcomes)} circular(s) with reader {READER_VERSION}: {dict(statuses)}")
    return MaterializeResult(
        metadata={
            "read": len(outcomes),
            "parsed": statuses.get("parsed", 0),
            "quarantined": statuses.get("quarantined", 0),
            "events_derived": sum(len(o.events) for o in outcomes),
            "reader_version": READER_VERSION,
            "workers": circulars_home.workers,
            "reading_seconds_total": round(seconds, 3),
            "quarantine_reasons": MetadataValue.md(
                "\n".join(f"- `{o.file_name}`: **{o.reason_code}** — {o.reason}" for o in outcomes if o.status != "parsed")
                or "none"
            ),
        }
    )
