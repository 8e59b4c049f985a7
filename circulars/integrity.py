"""Integrity of the log and the store: the hash chain, gapless order, and every stored file intact."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from circulars import eventlog
from circulars.db import has_table
from circulars.store import ContentStore
from models.events import CircularReceived

CHECKPOINT_SCHEMA = "CREATE TABLE IF NOT EXISTS chain_checkpoint (last_seq BIGINT, last_hash VARCHAR)"


@dataclass
class IntegrityReport:
    events_checked: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_log(con: duckdb.DuckDBPyConnection) -> IntegrityReport:
    """Walk the whole chain from seq 1, then hold it against what earlier runs saw.

    A chain alone cannot show that its last events were cut off, nor that it was
    rewritten and re-hashed from some point on: the checkpoint of the last verified
    event (written by every run's integrity check) and the projections' checkpoint can.
    """
    report = IntegrityReport()
    if not _has_events(con):
        return report
    rows = list(eventlog.iter_rows(con))
    report.events_checked = len(rows)
    report.problems.extend(eventlog.chain_problems(rows))
    last_seq = rows[-1]["seq"] if rows else 0
    hashes = {row["seq"]: row["hash"] for row in rows}
    if has_table(con, "chain_checkpoint"):
        for seen_seq, seen_hash in con.execute("SELECT last_seq, last_hash FROM chain_checkpoint").fetchall():
            if seen_seq > last_seq:
                report.problems.append(
                    f"events after seq {last_seq} were deleted: the log was verified up to seq {seen_seq}"
                )
            elif seen_seq in hashes and hashes[seen_seq] != seen_hash:
                report.problems.append(f"seq {seen_seq}: the event was changed after it was verified (chain rewritten)")
    if has_table(con, "projection_checkpoints"):
        for name, projected in con.execute("SELECT name, last_seq FROM projection_checkpoints").fetchall():
            if projected > last_seq:
                report.problems.append(
                    f"events after seq {last_seq} were deleted: projection {name!r} was built up to seq {projected}"
                )
    return report


def verify_log_since_checkpoint(con: duckdb.DuckDBPyConnection) -> IntegrityReport:
    """Check only what was appended since the last verified row, and that row itself (cheap, every run)."""
    report = IntegrityReport()
    if not _has_events(con):
        return report
    con.execute(CHECKPOINT_SCHEMA)
    checkpoint = con.execute("SELECT last_seq, last_hash FROM chain_checkpoint").fetchone()
    after, expected_prev = (checkpoint[0], checkpoint[1]) if checkpoint else (0, eventlog.GENESIS_HASH)
    if checkpoint:
        anchor = list(eventlog.iter_rows(con, after_seq=after - 1))[:1]
        if not anchor or anchor[0]["seq"] != after or anchor[0]["hash"] != expected_prev or eventlog.compute_hash(anchor[0]) != expected_prev:
            report.problems.append(f"seq {after}: the last verified event was changed or removed since it was verified")
            return report
    problems: list[str] = []
    seq, prev = after, expected_prev
    count = 0
    for row in eventlog.iter_rows(con, after_seq=after):
        count += 1
        if row["seq"] != seq + 1:
            problems.append(f"seq {row['seq']}: expected seq {seq + 1} (gap or reordering)")
        if row["prev_hash"] != prev:
            problems.append(f"seq {row['seq']}: prev_hash does not match the previous event's hash")
        if eventlog.compute_hash(row) != row["hash"]:
            problems.append(f"seq {row['seq']}: content does not match its hash (edited)")
        seq, prev = row["seq"], row["hash"]
        if len(problems) > 100:
            break
    report.events_checked = count
    report.problems.extend(problems)
    if not problems and count:
        con.execute("DELETE FROM chain_checkpoint")
        con.execute("INSERT INTO chain_checkpoint VALUES (?, ?)", [seq, prev])
    return report


def verify_store(con: duckdb.DuckDBPyConnection | None, store: ContentStore) -> IntegrityReport:
    """Every circular the log received is in the store with the same bytes."""
    report = IntegrityReport()
    if con is None or not _has_events(con):
        return report
    for (sha,) in con.execute(
        "SELECT DISTINCT circular_sha256 FROM events WHERE event_type = ? ORDER BY 1", [CircularReceived.__name__]
    ).fetchall():
        report.files_checked += 1
        problem = store.verify(sha)
        if problem:
            report.problems.append(problem)
    return report


def _has_events(con: duckdb.DuckDBPyConnection) -> bool:
    return has_table(con, "events")


def verify_mirror(con: duckdb.DuckDBPyConnection, mirror: Path) -> IntegrityReport:
    """The JSON-lines mirror of the log holds the same events as the database, row for row."""
    report = IntegrityReport()
    if not _has_events(con):
        return report
    if not mirror.exists():
        report.problems.append(f"log mirror missing: {mirror}")
        return report
    mirrored = 0
    with open(mirror, encoding="utf-8") as handle:
        for line, row in itertools.zip_longest(handle, eventlog.iter_rows(con)):
            if line is None:
                report.problems.append(f"seq {row['seq']} and after: in the database but missing from the log mirror {mirror.name}")
                break
            mirrored += 1
            if row is None:
                report.problems.append(
                    f"the log mirror {mirror.name} holds events after the database's last one (from line {mirrored}): "
                    "events were deleted from the database"
                )
                break
            report.events_checked += 1
            try:
                data = json.loads(line)
            except ValueError:
                report.problems.append(f"seq {row['seq']}: the log mirror {mirror.name} holds a damaged line there")
                break
            if data.get("seq") != row["seq"] or data.get("hash") != row["hash"]:
                report.problems.append(f"seq {row['seq']}: the log mirror {mirror.name} differs from the database")
                break
    return report
