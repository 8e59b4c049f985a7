"""The three steps of ingestion, as plain functions (the Dagster assets are thin over them).

1. `take_inbox`: files into the store and the arrivals journal (no database).
2. `read_pending`: every circular without a reading by the current reader is read,
   in parallel, and its reading staged on disk (the database is only read).
3. `append_to_log`: the single writer appends receipts and readings in one
   transaction, then clears what it consumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from circulars import eventlog, intake, linking, readpool
from circulars.db import connect, has_table
from circulars.eventlog import PendingEvent
from circulars.home import Home
from circulars.reading import READER_VERSION
from models.events import (
    DOMAIN_EVENT,
    CircularFileNameRecorded,
    CircularIdentified,
    CircularQuarantined,
    CircularReceived,
)


def stream_for(sha256: str) -> str:
    return f"circular-{sha256}"


def take_inbox(home: Home, paths=None, *, limit: int | None = None) -> list[intake.Arrival]:
    return intake.take(home, paths, limit=limit)


def _log_exists(home: Home) -> bool:
    return home.database.exists()


RECEIPTS = [CircularReceived.__name__, CircularFileNameRecorded.__name__]
READINGS = [CircularIdentified.__name__, CircularQuarantined.__name__]
"""The event types that say a file was received, and that it was read (or could not be)."""


def _unread_in_log(con: duckdb.DuckDBPyConnection, reader_version: str) -> list[tuple[str, str]]:
    """Circulars received in the log with no reading by this reader version."""
    if not has_table(con, "events"):
        return []
    return con.execute(
        """
        SELECT r.circular_sha256, r.payload->>'file_name'
        FROM events r
        WHERE r.event_type = $received
          AND NOT EXISTS (
            SELECT 1 FROM events x
            WHERE x.circular_sha256 = r.circular_sha256
              AND list_contains($readings, x.event_type)
              AND x.payload->>'reader_version' = $reader_version
          )
        ORDER BY r.seq
        """,
        {"received": CircularReceived.__name__, "readings": READINGS, "reader_version": reader_version},
    ).fetchall()


def pending_reads(home: Home, *, on_wait: Callable[[str], None] | None = None) -> list[tuple[str, str]]:
    """(sha256, file name) of every circular that needs reading by the current reader, once each."""
    wanted: dict[str, str] = {}
    for _, arrival in intake.journaled(home):
        wanted.setdefault(arrival.sha256, arrival.file_name)
    if _log_exists(home):
        with connect(home.database, read_only=True, on_wait=on_wait) as con:
            for sha, name in _unread_in_log(con, READER_VERSION):
                wanted.setdefault(sha, name)
            if wanted and has_table(con, "events"):
                for (sha,) in con.execute(
                    """
                    SELECT DISTINCT e.circular_sha256 FROM events e
                    WHERE e.circular_sha256 IN (SELECT unnest($wanted)) AND list_contains($readings, e.event_type)
                      AND e.payload->>'reader_version' = $reader_version
                    """,
                    {"wanted": list(wanted), "readings": READINGS, "reader_version": READER_VERSION},
                ).fetchall():
                    wanted.pop(sha, None)
    already_staged = {outcome.sha256 for _, outcome in readpool.staged(home) if outcome.reader_version == READER_VERSION}
    return [(sha, name) for sha, name in wanted.items() if sha not in already_staged]


def work_waiting(home: Home, *, on_wait: Callable[[str], None] | None = None) -> bool:
    """Is there anything for a run to do: files in the inbox, arrivals or readings not yet in the
    log, circulars the current reader has not read (after a reader upgrade), or state tables
    behind the log (a run killed after its append)?"""
    if intake.inbox_files(home, limit=1) or intake.journaled(home) or readpool.staged(home):
        return True
    if not _log_exists(home):
        return True
    with connect(home.database, read_only=True, on_wait=on_wait) as con:
        if _unread_in_log(con, READER_VERSION):
            return True
        if not has_table(con, "events"):
            return True
        last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        if not has_table(con, "projection_checkpoints"):
            return last > 0
        projected = con.execute("SELECT coalesce(max(last_seq), 0) FROM projection_checkpoints").fetchone()[0]
        return projected < last


def read_pending(
    home: Home,
    *,
    workers: int = 1,
    time_limit: float = readpool.DEFAULT_TIME_LIMIT,
    memory_limit: int = readpool.DEFAULT_MEMORY_LIMIT,
    on_wait: Callable[[str], None] | None = None,
    on_outcome: Callable[[readpool.ReadOutcome], None] | None = None,
) -> list[readpool.ReadOutcome]:
    """Read everything pending, in parallel; stage each reading as it completes."""
    jobs = readpool.jobs_for(home, pending_reads(home, on_wait=on_wait), time_limit=time_limit, memory_limit=memory_limit)
    outcomes = []
    for outcome in readpool.read_many(jobs, workers=workers):
        readpool.stage(home, outcome)
        outcomes.append(outcome)
        if on_outcome:
            on_outcome(outcome)
    return outcomes


@dataclass
class LogSummary:
    """What one append did: counts a person reads, and the circulars it touched."""

    new: list[str] = field(default_factory=list)  # sha256 of content first seen
    duplicate: list[tuple[str, str]] = field(default_factory=list)  # (sha256, file name) already known
    parsed: list[str] = field(default_factory=list)
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # (sha256, code, reason)
    appended: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    outcomes: dict[str, readpool.ReadOutcome] = field(default_factory=dict)
    file_names: dict[str, str] = field(default_factory=dict)
    linked: int = 0  # events the linker appended: statements resolved against the record, or given up on


def _known_names(con: duckdb.DuckDBPyConnection, shas: list[str]) -> dict[str, set[str]]:
    known: dict[str, set[str]] = {}
    if not shas:
        return known
    for sha, name in con.execute(
        """
        SELECT e.circular_sha256, e.payload->>'file_name' FROM events e
        WHERE e.circular_sha256 IN (SELECT unnest($shas)) AND list_contains($receipts, e.event_type)
        """,
        {"shas": sorted(set(shas)), "receipts": RECEIPTS},
    ).fetchall():
        known.setdefault(sha, set()).add(name)
    return known


def append_to_log(
    home: Home, *, now: datetime | None = None, on_wait: Callable[[str], None] | None = None
) -> LogSummary:
    """The single writer: receipts and staged readings into the log in one transaction."""
    now = now or datetime.now(UTC)
    arrivals = intake.journaled(home)
    readings = [(p, o) for p, o in readpool.staged(home)]
    summary = LogSummary()
    if not arrivals and not readings:
        with connect(home.database, on_wait=on_wait) as con:
            eventlog.sync_mirror(con, home.log_mirror)
        return summary
    by_sha = {o.sha256: o for _, o in readings}
    with connect(home.database, on_wait=on_wait) as con:
        eventlog.sync_mirror(con, home.log_mirror)
        known = _known_names(con, [a.sha256 for _, a in arrivals] + list(by_sha))
        pending: list[PendingEvent] = []
        for _, arrival in arrivals:
            names = known.setdefault(arrival.sha256, set())
            received_at = arrival.received_at_dt
            if not names:
                outcome = by_sha.get(arrival.sha256)
                event = CircularReceived(
                    circular_sha256=arrival.sha256,
                    valid_at=received_at,
                    file_name=arrival.file_name,
                    size=arrival.size,
                    media_type=arrival.media_type,
                    page_count=outcome.page_count if outcome else None,
                )
                pending.append(PendingEvent(stream_for(arrival.sha256), arrival.sha256, event))
                summary.new.append(arrival.sha256)
                summary.file_names[arrival.sha256] = arrival.file_name
            else:
                summary.duplicate.append((arrival.sha256, arrival.file_name))
                if arrival.file_name not in names:
                    event = CircularFileNameRecorded(
                        circular_sha256=arrival.sha256, valid_at=received_at, file_name=arrival.file_name
                    )
                    pending.append(
                        PendingEvent(stream_for(arrival.sha256), f"{arrival.sha256}|{arrival.file_name}", event)
                    )
            names.add(arrival.file_name)
        for _, outcome in readings:
            if not known.get(outcome.sha256):
                # A reading of bytes never received would be a fact without a source: keep it staged.
                continue
            for index, data in enumerate(outcome.events):
                event = DOMAIN_EVENT.validate_python(data)
                pending.append(PendingEvent(stream_for(outcome.sha256), f"{outcome.reading_id}|{index}", event))
            summary.outcomes[outcome.sha256] = outcome
            summary.file_names.setdefault(outcome.sha256, outcome.file_name)
            if outcome.status == "quarantined":
                summary.quarantined.append((outcome.sha256, outcome.reason_code or "unreadable", outcome.reason or ""))
            else:
                summary.parsed.append(outcome.sha256)
        result = eventlog.append(con, pending, recorded_at=now, mirror=home.log_mirror)
        summary.appended = result.appended
        summary.first_seq, summary.last_seq = result.first_seq, result.last_seq
        # What the new readings name only by evidence is resolved against the whole record, now that
        # it holds them; statements left open by earlier runs get another chance.
        if result.appended:
            summary.linked = linking.link_and_append(con, recorded_at=now, mirror=home.log_mirror)
            summary.appended += summary.linked
    for path, _ in arrivals:
        path.unlink(missing_ok=True)
    for path, outcome in readings:
        if outcome.sha256 in summary.outcomes:
            path.unlink(missing_ok=True)
    return summary
