"""The Definitions Dagster serves are the committed ones (`tests/definitions_snapshot.py`): every asset with
its group, dependencies, partitions and description, every check, the job, the sensor and the schedule."""

from __future__ import annotations

import json

from tests import definitions_snapshot


def test_the_definitions_match_their_snapshot():
    committed = json.loads(definitions_snapshot.SNAPSHOT.read_text(encoding="utf-8"))
    served = definitions_snapshot.describe()
    for part in ("assets", "asset_checks", "jobs", "sensors", "schedules"):
        assert served[part] == committed[part], (
            f"{part} differ from tests/snapshots/definitions.json; if intended, regenerate it "
            "(.venv/bin/python -m tests.definitions_snapshot --update) and say so in the commit"
        )


def test_the_snapshot_names_what_the_ui_shows():
    committed = json.loads(definitions_snapshot.SNAPSHOT.read_text(encoding="utf-8"))
    assert [a["key"] for a in committed["assets"]][:3] == ["budget_lines", "changes", "circular_files"]
    assert len(committed["assets"]) == 13
    # one check per table suite (listing its expectations), the log's integrity, files read in full, the review queue
    assert sorted(f"{c['asset']}.{c['name']}" for c in committed["asset_checks"]) == [
        "budget_lines.expectations", "circular_files.circular_files_read_in_full", "circulars.expectations",
        "circulars.review_queue", "decisions.expectations", "documents.expectations", "events.events_integrity",
        "plan_items.expectations", "unread_statements.expectations"]
    suites = {c["asset"]: c["description"] for c in committed["asset_checks"] if c["name"] == "expectations"}
    assert "`plan_items_numbering_gapless`" in suites["plan_items"] and "`budget_totals_add_up`" in suites["budget_lines"]
    assert [(j["name"], len(j["ops"])) for j in committed["jobs"]] == [("ingest_job", 13)]
    assert [(s["name"], s["jobs"]) for s in committed["sensors"]] == [("inbox_sensor", ["ingest_job"])]
    assert [(s["name"], s["cron"], s["timezone"]) for s in committed["schedules"]] == [
        ("daily_ingest", "15 6 * * *", "Asia/Almaty")]
    assert all(a["description"] for a in committed["assets"]), "every asset says what it is"
    assert all(c["description"] for c in committed["asset_checks"]), "every check says what it judges"
