"""The log: the single writer appends receipts and readings, one transaction per batch."""


import json
from datetime import UTC, datetime

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
)

from assets.resources import CircularsHome
from circulars import ingest
from circulars.changes import astana_utc
from circulars.db import connect, has_table
from circulars.ingest import READINGS, RECEIPTS
from circulars.store import ContentStore
from models.events import CircularQuarantined, CircularReceived

from .partitions import add_partitions, circular_partition_key, circular_partitions

CIRCULAR_FILES = AssetKey("circular_files")

circular_files = AssetSpec(
    CIRCULAR_FILES,
    group_name="intake",
    kinds={"pdf", "file"},
    owners=["team:records"],
    partitions_def=circular_partitions,
    description=(
        "One partition per distinct circular (same bytes under two names are one circular). "
        "Each partition's metadata: symbol, date, languages, pages, the count of log events it gave, "
        "status or quarantine reason, where the raw file is kept, and what it changed (one sentence each). "
        "Recorded once its facts are projected; the check `circular_files_read_in_full` warns while a "
        "circular is quarantined."
    ),
)


def _circulars_metadata(con, sha256s: list[str], store: ContentStore) -> dict[str, dict]:
    """What a person wants to see on each circular's partition, for a whole batch in one query."""
    if not sha256s:
        return {}
    types = {"received": CircularReceived.__name__, "receipts": RECEIPTS, "readings": READINGS, "shas": list(sha256s)}
    rows = con.execute(
        """
        WITH mine AS (SELECT e.* FROM events e WHERE e.circular_sha256 IN (SELECT unnest($shas)))
        SELECT circular_sha256,
               arg_min(payload->>'file_name', seq) FILTER (WHERE list_contains($receipts, event_type)),
               list(payload->>'file_name' ORDER BY seq) FILTER (WHERE list_contains($receipts, event_type)),
               max(CAST(payload->>'size' AS BIGINT)) FILTER (WHERE event_type = $received),
               arg_min(payload->>'media_type', seq) FILTER (WHERE event_type = $received),
               arg_max(event_type, seq) FILTER (WHERE list_contains($readings, event_type)),
               arg_max(CAST(payload AS VARCHAR), seq) FILTER (WHERE list_contains($readings, event_type)),
               count(*),
               min(recorded_at)
        FROM mine GROUP BY circular_sha256
        """,
        {k: types[k] for k in ("shas", "receipts", "received", "readings")},
    ).fetchall()
    # Recorded after the projection: what is still open for each circular, as `unread_statements` and
    # `review_items` hold it (settled statements and items left out).
    unread: dict[str, list[str]] = {}
    if has_table(con, "unread_statements"):
        for sha, why, text in con.execute(
            """SELECT circular_sha256, why, text FROM unread_statements
               WHERE settled_how IS NULL AND circular_sha256 IN (SELECT unnest($shas)) ORDER BY page, text""",
            {"shas": types["shas"]},
        ).fetchall():
            unread.setdefault(sha, []).append(f"{why}: {text[:120]}")
    review: dict[str, list[str]] = {}
    if has_table(con, "review_items"):
        for sha, item_id, kind, text in con.execute(
            """SELECT circular_sha256, id, kind, text FROM review_items
               WHERE circular_sha256 IN (SELECT unnest($shas)) ORDER BY since, id""",
            {"shas": types["shas"]},
        ).fetchall():
            review.setdefault(sha, []).append(f"`{item_id}` {kind}: {text[:120]}")
    metadata = {}
    for sha256, first_name, names, size, media_type, reading_type, reading, count, received_at in rows:
        payload = json.loads(reading) if reading else {}
        quarantined = reading_type == CircularQuarantined.__name__
        metadata[sha256] = {
            "symbol": payload.get("symbol") or "",
            "issued_on": payload.get("issued_on") or "",
            "place": payload.get("place") or "",
            "languages": ", ".join(payload.get("languages") or []),
            "pages": payload.get("page_count") or 0,
            "log_events": count,
            "statements_not_read": len(unread.get(sha256, [])),
            "not_read": MetadataValue.md("\n".join(f"- {line}" for line in unread.get(sha256, [])[:20]) or "none"),
            "open_review_items": len(review.get(sha256, [])),
            "review": MetadataValue.md("\n".join(f"- {line}" for line in review.get(sha256, [])[:20]) or "none"),
            "status": "quarantined" if quarantined else ("parsed" if reading_type else "received"),
            "quarantine_reason": f"{payload.get('reason_code')}: {payload.get('reason')}" if quarantined else "",
            "received": astana_utc(received_at),
            "file_name": first_name or "",
            "file_names": ", ".join(dict.fromkeys(names or [])),
            "size_bytes": size or 0,
            "media_type": media_type or "",
            "sha256": sha256,
            "raw_file": MetadataValue.path(str(store.path_for(sha256))),
            "reader_version": payload.get("reader_version") or "",
        }
    return metadata


def _last_ingestion(context: AssetExecutionContext, summary, report: dict) -> dict:
    """What the last run that brought anything reported: this run's if it did, else carried forward,
    so a run with nothing new (a UI "Materialize all", an idle schedule) never erases it."""
    if summary.appended or summary.new or summary.duplicate or summary.quarantined:
        return {
            "run_id": context.run.run_id,
            "at": astana_utc(datetime.now(UTC)),
            "new_circulars": len(summary.new),
            "duplicates": len(summary.duplicate),
            "quarantined": len(summary.quarantined),
            "log_events_appended": summary.appended,
            "report": report,
        }
    previous = context.instance.get_latest_materialization_event(AssetKey("events"))
    if previous is not None and previous.asset_materialization is not None:
        carried = previous.asset_materialization.metadata.get("last_ingestion")
        if carried is not None:
            return carried.value
    return {}


def _ingestion_text(last: dict) -> str:
    if not last:
        return "no ingestion has brought anything yet"
    return (
        f"run {last['run_id'][:8]} at {last['at']}: {last['new_circulars']} new, {last['duplicates']} duplicate, "
        f"{last['quarantined']} quarantined circular(s); {last['log_events_appended']} log event(s) appended"
    )


@asset(
    group_name="log",
    deps=["circular_readings"],
    kinds={"duckdb"},
    owners=["team:records"],
    description=(
        "`events`: the append-only log, the only source of truth. Gapless `seq`, deterministic `event_id`, "
        "SHA-256 hash chain. Appended by this one step, one transaction per batch; never updated or deleted."
    ),
)
def events(context: AssetExecutionContext, circulars_home: CircularsHome) -> MaterializeResult:
    home = circulars_home.home()
    summary = ingest.append_to_log(home, on_wait=context.log.info)
    touched = list(dict.fromkeys(summary.new + list(summary.outcomes)))
    store = ContentStore(home.store)
    with connect(home.database, read_only=True, on_wait=context.log.info) as con:
        total = con.execute("SELECT count(*), coalesce(max(seq), 0) FROM events").fetchone()
        by_sha = _circulars_metadata(con, touched, store)
    if touched:
        # The partitions exist from now on; each is materialized, with what it changed, once its facts are
        # projected (`state_tables`), so a person never reads a circular's page without its changes.
        existing = {key[-12:]: key for key in context.instance.get_dynamic_partitions(circular_partitions.name)}
        keys = {}
        for sha, meta in by_sha.items():
            keys[sha] = existing.get(sha[:12]) or circular_partition_key(
                sha, meta["symbol"] or None, meta["issued_on"] or None, meta["file_name"]
            )
        add_partitions(context.instance, list(keys.values()))
    context.log.info(
        f"appended {summary.appended} event(s): {len(summary.new)} new, {len(summary.duplicate)} duplicate, "
        f"{len(summary.quarantined)} quarantined"
    )
    report = {
        "new": summary.new,
        "duplicate": [list(d) for d in summary.duplicate],
        "parsed": summary.parsed,
        "quarantined": [list(q) for q in summary.quarantined],
        "file_names": summary.file_names,
    }
    last = _last_ingestion(context, summary, report)
    # Counts on the run itself, where the runs list shows them: a quarantine is seen without opening the run.
    context.instance.add_run_tags(
        context.run.run_id,
        {
            "circulars/new": str(len(summary.new)),
            "circulars/duplicates": str(len(summary.duplicate)),
            "circulars/quarantined": str(len(summary.quarantined)),
            "circulars/log_events_appended": str(summary.appended),
        },
    )
    return MaterializeResult(
        metadata={
            "last_ingestion": MetadataValue.json(last),
            "last_ingestion_summary": MetadataValue.md(_ingestion_text(last)),
            "appended": summary.appended,
            "first_seq": summary.first_seq or 0,
            "last_seq": total[1],
            "dagster/row_count": total[0],
            "new_circulars": len(summary.new),
            "duplicates": len(summary.duplicate),
            "quarantined": len(summary.quarantined),
            "ingest_report": MetadataValue.json(report),
        }
    )
