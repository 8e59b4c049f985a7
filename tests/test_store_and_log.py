"""The store keeps bytes forever; the log is append-only, idempotent and tamper-evident."""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import UTC, date, datetime

import duckdb
import pytest

from circulars import eventlog
from circulars.eventlog import GENESIS_HASH, PendingEvent
from circulars.store import ContentStore
from models.events import CircularReceived, DecisionRecorded

SHA = "ab" * 32


def _events():
    received = CircularReceived(
        circular_sha256=SHA, valid_at=datetime(2023, 12, 12, 9, tzinfo=UTC), file_name="DOC-1497.pdf", size=10, media_type="application/pdf"
    )
    decisions = [
        DecisionRecorded(
            circular_sha256=SHA,
            page=2,
            valid_at=datetime(2023, 12, 11, 18, tzinfo=UTC),
            reading_id="r1",
            decision_id=f"SOC/2023-12-12/item-{n}",
            symbol=None,
            body="SOC",
            meeting_on=date(2023, 12, 12),
            item_no=n,
            action="took_note",
            subject=f"subject {n}",
        )
        for n in (1, 2, 3)
    ]
    return [PendingEvent(f"circular-{SHA}", SHA, received)] + [
        PendingEvent(f"circular-{SHA}", f"r1|{i}", e) for i, e in enumerate(decisions)
    ]


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    yield connection
    connection.close()


def test_store_writes_once_read_only_and_named_by_sha256(tmp_path):
    store = ContentStore(tmp_path / "store")
    sha, new = store.put_bytes(b"%PDF-1.4 circular")
    assert new is True
    assert sha == hashlib.sha256(b"%PDF-1.4 circular").hexdigest()
    path = store.path_for(sha)
    assert path.name == sha and path.parent.name == sha[:2]
    assert path.read_bytes() == b"%PDF-1.4 circular"
    assert not (path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    again, new_again = store.put_bytes(b"%PDF-1.4 circular")
    assert (again, new_again) == (sha, False)
    assert store.verify(sha) is None
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_store_verify_names_missing_and_altered_files(tmp_path):
    store = ContentStore(tmp_path / "store")
    sha, _ = store.put_bytes(b"original bytes")
    path = store.path_for(sha)
    os.chmod(path, 0o644)
    path.write_bytes(b"altered bytes")
    assert "altered" in store.verify(sha)
    path.unlink()
    assert "missing" in store.verify(sha)


def test_append_is_gapless_chained_and_idempotent(con):
    first = eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert (first.appended, first.first_seq, first.last_seq) == (4, 1, 4)
    rows = list(eventlog.iter_rows(con))
    assert [r["seq"] for r in rows] == [1, 2, 3, 4]
    assert [r["stream_version"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["prev_hash"] == GENESIS_HASH
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 4))
    assert eventlog.chain_problems(rows) == []
    second = eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 2, tzinfo=UTC))
    assert (second.appended, second.skipped) == (0, 4)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 4


def test_event_ids_are_deterministic(con):
    eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 1, tzinfo=UTC))
    ids = [r[0] for r in con.execute("SELECT event_id FROM events ORDER BY seq").fetchall()]
    assert ids == [p.event_id for p in _events()]
    assert len(set(ids)) == 4


def test_chain_detects_edit_delete_and_reorder(con):
    eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 1, tzinfo=UTC))
    con.execute("UPDATE events SET payload = replace(CAST(payload AS VARCHAR), 'subject 2', 'subject X')::JSON WHERE seq = 3")
    problems = eventlog.chain_problems(eventlog.iter_rows(con))
    assert problems == [f"seq 3 (DecisionRecorded {_events()[2].event_id}): content does not match its hash (edited)"]


def test_chain_detects_deleted_event(con):
    eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 1, tzinfo=UTC))
    con.execute("DELETE FROM events WHERE seq = 2")
    problems = eventlog.chain_problems(eventlog.iter_rows(con))
    assert any(p.startswith("seq 3: expected seq 2") for p in problems)
    assert any("prev_hash does not match" in p for p in problems)


def test_chain_detects_reordered_events(con):
    eventlog.append(con, _events(), recorded_at=datetime(2024, 1, 1, tzinfo=UTC))
    con.execute("UPDATE events SET seq = 100 WHERE seq = 2")
    con.execute("UPDATE events SET seq = 2 WHERE seq = 3")
    con.execute("UPDATE events SET seq = 3 WHERE seq = 100")
    problems = eventlog.chain_problems(eventlog.iter_rows(con))
    assert problems and all("seq" in p for p in problems)
    assert any("seq 2" in p for p in problems)
