"""The append-only event log in DuckDB, chained by SHA-256.

The log is the only source of truth: every table is a projection of it. It has a
single writer: `append` is called from one place per run, with a whole batch, in
one transaction; parsing happens elsewhere and in parallel. Event ids are
deterministic, so appending the same batch twice (a retried run, a re-ingested
file) adds nothing. Each row's `hash` covers the canonical event and the previous
row's hash, so an edited, reordered or deleted row breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from circulars.db import insert_rows, transaction
from models.events import DomainEvent, stored_payload

GENESIS_HASH = "0" * 64
EVENT_NAMESPACE = uuid.UUID("6f1d2c0e-4b8e-5a51-9d0c-1c1ca0000001")

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq             BIGINT PRIMARY KEY,
    event_id        VARCHAR NOT NULL UNIQUE,
    event_type      VARCHAR NOT NULL,
    stream_id       VARCHAR NOT NULL,
    stream_version  INTEGER NOT NULL,
    circular_sha256 VARCHAR,
    valid_at        TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    payload         JSON NOT NULL,
    prev_hash       VARCHAR NOT NULL,
    hash            VARCHAR NOT NULL,
    UNIQUE (stream_id, stream_version)
);
"""


@dataclass(frozen=True)
class PendingEvent:
    """An event waiting to be appended: its stream and the identity its id is derived from."""

    stream_id: str
    identity: str
    event: DomainEvent  # type: ignore[valid-type]

    @property
    def event_id(self) -> str:
        return str(uuid.uuid5(EVENT_NAMESPACE, f"{self.event.event_type}|{self.identity}"))


@dataclass(frozen=True)
class AppendResult:
    appended: int
    skipped: int
    first_seq: int | None
    last_seq: int | None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA)


def canonical_payload(event: DomainEvent) -> str:  # type: ignore[valid-type]
    """The stored payload (`models.events.stored_payload`) as canonical JSON: sorted keys, no spaces."""
    return json.dumps(stored_payload(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def compute_hash(row: dict) -> str:
    """SHA-256 of the canonical row (every column but `hash`), chained through `prev_hash`."""
    payload = row["payload"]
    if not isinstance(payload, str):
        payload = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    canonical = json.dumps(
        [
            int(row["seq"]),
            row["event_id"],
            row["event_type"],
            row["stream_id"],
            int(row["stream_version"]),
            row["circular_sha256"],
            _instant(row["valid_at"]),
            _instant(row["recorded_at"]),
            payload,
            row["prev_hash"],
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _existing_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    found = con.execute("SELECT event_id FROM events WHERE event_id IN (SELECT unnest(?))", [ids]).fetchall()
    return {r[0] for r in found}


def append(
    con: duckdb.DuckDBPyConnection,
    pending: Sequence[PendingEvent],
    *,
    recorded_at: datetime,
    mirror: Path | None = None,
) -> AppendResult:
    """Append a batch in one transaction; events already in the log (same id) are skipped.

    With a `mirror`, the appended rows are also written to that JSON-lines copy of the
    log after the commit (and any rows a crash kept from it are written first).
    """
    ensure_schema(con)
    if mirror is not None:
        sync_mirror(con, mirror)
    if recorded_at.tzinfo is None:
        raise ValueError("recorded_at must be timezone-aware")
    unique: dict[str, PendingEvent] = {}
    for item in pending:
        unique.setdefault(item.event_id, item)
    with transaction(con):
        present = _existing_ids(con, list(unique))
        fresh = [item for eid, item in unique.items() if eid not in present]
        if not fresh:
            return AppendResult(0, len(pending), None, None)
        last = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
        streams = sorted({item.stream_id for item in fresh})
        versions: dict[str, int] = {s: 0 for s in streams}
        for stream_id, version in con.execute(
            "SELECT stream_id, max(stream_version) FROM events WHERE stream_id IN (SELECT unnest(?)) GROUP BY 1",
            [streams],
        ).fetchall():
            versions[stream_id] = version
        rows = []
        first_seq = seq + 1
        for item in fresh:
            seq += 1
            versions[item.stream_id] += 1
            event = item.event
            row = {
                "seq": seq,
                "event_id": item.event_id,
                "event_type": event.event_type,
                "stream_id": item.stream_id,
                "stream_version": versions[item.stream_id],
                "circular_sha256": event.circular_sha256,
                "valid_at": event.valid_at,
                "recorded_at": recorded_at,
                "payload": canonical_payload(event),
                "prev_hash": prev_hash,
            }
            row["hash"] = prev_hash = compute_hash(row)
            rows.append(tuple(row[c] for c in COLUMNS))
        insert_rows(con, "events", COLUMNS, rows)
    if mirror is not None:
        sync_mirror(con, mirror)
    return AppendResult(len(fresh), len(pending) - len(fresh), first_seq, seq)


COLUMNS: tuple[str, ...] = (
    "seq",
    "event_id",
    "event_type",
    "stream_id",
    "stream_version",
    "circular_sha256",
    "valid_at",
    "recorded_at",
    "payload",
    "prev_hash",
    "hash",
)


def iter_rows(con: duckdb.DuckDBPyConnection, *, after_seq: int = 0, batch: int = 50_000) -> Iterable[dict]:
    """Every event row in log order, as dicts, fetched in batches."""
    cursor = con.execute(f"SELECT {', '.join(COLUMNS)} FROM events WHERE seq > ? ORDER BY seq", [after_seq])
    while True:
        chunk = cursor.fetchmany(batch)
        if not chunk:
            return
        for values in chunk:
            yield dict(zip(COLUMNS, values))


def chain_problems(rows: Iterable[dict], *, limit: int = 100) -> list[str]:
    """What is wrong with the chain: gaps, reordering, edits, deletions. Empty if intact."""
    problems: list[str] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            problems.append(f"seq {seq}: expected seq {expected_seq} (an event is missing or the log was reordered)")
        if row["prev_hash"] != prev_hash:
            problems.append(f"seq {seq}: prev_hash does not match the hash of the event before it (chain broken)")
        recomputed = compute_hash(row)
        if recomputed != row["hash"]:
            problems.append(f"seq {seq} ({row['event_type']} {row['event_id']}): content does not match its hash (edited)")
        prev_hash = row["hash"]
        expected_seq = seq + 1
        if len(problems) >= limit:
            problems.append("... more problems not listed")
            break
    return problems


# --- the mirror: a JSON-lines copy of the log beside the database ------------------
#
# The log is the only source of truth, so it must outlive the database file that
# holds it: every committed row is also appended (and fsynced) to `events.jsonl`.
# If the database is lost, deleted or restored from an old backup, the missing
# tail is restored from the mirror, chain-checked, with the same seq, ids and
# hashes; if a crash came between the commit and the mirror write, the mirror
# catches up from the database. Projections then rebuild from seq 0 as always.


def _mirror_line(row: dict) -> str:
    data = dict(row)
    data["valid_at"] = _instant(row["valid_at"])
    data["recorded_at"] = _instant(row["recorded_at"])
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _row_from_mirror(line: str) -> dict:
    data = json.loads(line)
    for key in ("valid_at", "recorded_at"):
        data[key] = datetime.fromisoformat(data[key].replace("Z", "+00:00"))
    return data


def mirror_tail(mirror: Path) -> tuple[int, str]:
    """(last seq, last hash) in the mirror; a torn last line (crash mid-write) is cut off."""
    if not mirror.exists() or mirror.stat().st_size == 0:
        return 0, GENESIS_HASH
    with open(mirror, "rb+") as handle:
        size = handle.seek(0, 2)
        block = min(size, 1 << 20)
        while True:
            handle.seek(size - block)
            tail = handle.read(block)
            end = tail.rstrip(b"\n")
            cut = end.rfind(b"\n")
            if cut >= 0 or block == size:
                break
            block = min(size, block * 4)
        last = end[cut + 1 :]
        try:
            row = json.loads(last)
        except ValueError:
            handle.truncate(size - len(tail) + cut + 1 if cut >= 0 else 0)
            handle.flush()
            os.fsync(handle.fileno())
            return mirror_tail(mirror)
    return int(row["seq"]), row["hash"]


def sync_mirror(con: duckdb.DuckDBPyConnection, mirror: Path) -> tuple[int, int]:
    """Bring the database and its mirror level; returns (rows written to the mirror, rows restored)."""
    ensure_schema(con)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    mirror_seq, mirror_hash = mirror_tail(mirror)
    last = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchall()
    db_seq, db_hash = (last[0][0], last[0][1]) if last else (0, GENESIS_HASH)
    if db_seq > mirror_seq:
        with open(mirror, "a", encoding="utf-8") as handle:
            for row in iter_rows(con, after_seq=mirror_seq):
                handle.write(_mirror_line(row))
            handle.flush()
            os.fsync(handle.fileno())
        return db_seq - mirror_seq, 0
    if mirror_seq > db_seq:
        restored = []
        prev = db_hash
        with open(mirror, encoding="utf-8") as handle:
            for line in handle:
                row = _row_from_mirror(line)
                if row["seq"] <= db_seq:
                    if row["seq"] == db_seq and row["hash"] != db_hash:
                        raise LogMirrorMismatch(f"seq {db_seq}: the database and events.jsonl disagree")
                    continue
                if row["prev_hash"] != prev or compute_hash(row) != row["hash"]:
                    raise LogMirrorMismatch(f"seq {row['seq']}: events.jsonl breaks the hash chain; not restored")
                prev = row["hash"]
                restored.append(tuple(row[c] for c in COLUMNS))
        with transaction(con):
            insert_rows(con, "events", COLUMNS, restored)
        return 0, len(restored)
    if db_seq and mirror_hash != db_hash:
        raise LogMirrorMismatch(f"seq {db_seq}: the database and events.jsonl end in different events")
    return 0, 0


class LogMirrorMismatch(RuntimeError):
    """The database and its mirror tell different histories: a person must look (`circulars verify`)."""
