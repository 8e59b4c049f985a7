"""The log: the single writer appends receipts and readings, one transaction per batch."""


import json

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
)

from circulars import ingest
from circulars.db import connect
from circulars.store import ContentStore
from pipelines.resources import CircularsHome

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
        "Each partition's metadata: symbol, date, languages, pages, events, status or quarantine reason, "
        "and where the raw file is kept. Recorded by the log writer when the circular enters the log."
    ),
)


def _circular_metadata(con, sha256: str, store: ContentStore) -> dict:
    receipt = con.execute(
        """
        SELECT arg_min(payload->>'file_name', seq), list(payload->>'file_name' ORDER BY seq), max(CAST(payload->>'size' AS BIGINT)),
               arg_min(payload->>'media_type', seq), min(recorded_at)
        FROM events WHERE circular_sha256 = ? AND event_type IN ('CircularReceived', 'CircularFileNameRecorded')
        """,
        [sha256],
    ).fetchone()
    reading = con.execute(
        """
        SELECT event_type, payload FROM events
        WHERE circular_sha256 = ? AND event_type IN ('CircularIdentified', 'CircularQuarantined')
        ORDER BY seq DESC LIMIT 1
        """,
        [sha256],
    ).fetchone()
    count = con.execute("SELECT count(*) FROM events WHERE circular_sha256 = ?", [sha256]).fetchone()[0]
    payload = json.loads(reading[1]) if reading else {}
    quarantined = bool(reading and reading[0] == "CircularQuarantined")
    return {
        "symbol": payload.get("symbol") or "",
        "issued_on": payload.get("issued_on") or "",
        "place": payload.get("place") or "",
        "languages": ", ".join(payload.get("languages") or []),
        "pages": payload.get("page_count") or 0,
        "events": count,
        "status": "quarantined" if quarantined else ("parsed" if reading else "received"),
        "quarantine_reason": f"{payload.get('reason_code')}: {payload.get('reason')}" if quarantined else "",
        "file_name": receipt[0] if receipt else "",
        "file_names": ", ".join(dict.fromkeys(receipt[1] or [])) if receipt else "",
        "size_bytes": receipt[2] if receipt else 0,
        "media_type": receipt[3] if receipt else "",
        "sha256": sha256,
        "raw_file": MetadataValue.path(str(store.path_for(sha256))),
        "reader_version": payload.get("reader_version") or "",
    }


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
        by_sha = {}
        for sha in touched:
            by_sha[sha] = _circular_metadata(con, sha, store)
    if touched:
        existing = {key[-12:]: key for key in context.instance.get_dynamic_partitions(circular_partitions.name)}
        keys = {}
        for sha, meta in by_sha.items():
            keys[sha] = existing.get(sha[:12]) or circular_partition_key(
                sha, meta["symbol"] or None, meta["issued_on"] or None, meta["file_name"]
            )
        add_partitions(context.instance, list(keys.values()))
        for sha, meta in by_sha.items():
            context.log_event(AssetMaterialization(asset_key=CIRCULAR_FILES, partition=keys[sha], metadata=meta))
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
    return MaterializeResult(
        metadata={
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
