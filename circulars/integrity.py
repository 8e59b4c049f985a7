"""Integrity of the log and the store: the hash chain, gapless order, and every stored file intact."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from circulars import eventlog
from circulars.store import ContentStore

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
    """Walk the whole chain from seq 1."""
    report = IntegrityReport()
    if not _has_events(con):
        return report
    rows = list(eventlog.iter_rows(con))
    report.events_checked = len(rows)
    report.problems.extend(eventlog.chain_problems(rows))
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
        "SELECT DISTINCT circular_sha256 FROM events WHERE event_type = 'CircularReceived' ORDER BY 1"
    ).fetchall():
        report.files_checked += 1
        problem = store.verify(sha)
        if problem:
            report.problems.append(problem)
    return report


def _has_events(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'events'").fetchone()[0]
    )


def verify_mirror(con: duckdb.DuckDBPyConnection, mirror) -> IntegrityReport:
    """The JSON-lines mirror of the log holds the same events as the database, row for row."""
    report = IntegrityReport()
    if not _has_events(con):
        return report
    if not mirror.exists():
        report.problems.append(f"log mirror missing: {mirror}")
        return report
    import json

    db_rows = eventlog.iter_rows(con)
    with open(mirror, encoding="utf-8") as handle:
        for line, row in zip(handle, db_rows):
            report.events_checked += 1
            data = json.loads(line)
            if data["seq"] != row["seq"] or data["hash"] != row["hash"]:
                report.problems.append(f"seq {row['seq']}: the log mirror {mirror.name} differs from the database")
                break
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    if report.ok and report.events_checked != total:
        report.problems.append(
            f"the log mirror {mirror.name} holds {report.events_checked} events, the database {total}"
        )
    return report
