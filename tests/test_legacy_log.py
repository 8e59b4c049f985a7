"""A log written by an earlier version replays: `tests/fixtures/legacy/events-v1.jsonl` was written by
the code before issue 14 (`make_log.py` says how) and holds one event of every type. Restored into an
empty database its hash chain holds, every event is rebuilt into its typed class, and the tables it
projects are those of its snapshot (`tests/snapshots/legacy-log.json.gz`, `tests/test_snapshot.py`)."""

from __future__ import annotations

import json
import shutil

import duckdb

from circulars import eventlog
from models.events import EVENT_TYPES, event_from_payload
from tests.snapshot import LEGACY_LOG


def test_the_legacy_log_restores_with_its_chain_and_every_event_rebuilds(tmp_path):
    mirror = tmp_path / "events.jsonl"
    shutil.copyfile(LEGACY_LOG, mirror)
    con = duckdb.connect(str(tmp_path / "circulars.duckdb"))
    try:
        written, restored = eventlog.sync_mirror(con, mirror)
        assert (written, restored) == (0, 191)
        rows = list(eventlog.iter_rows(con))
        assert eventlog.chain_problems(rows) == []
        events = [event_from_payload(row["event_type"], json.loads(row["payload"])) for row in rows]
    finally:
        con.close()
    assert {type(e).__name__ for e in events} == set(EVENT_TYPES)
    assert [e.event_type for e in events] == [row["event_type"] for row in rows]
    assert events[0].file_name == "000_seed_DOC-1497.txt"
