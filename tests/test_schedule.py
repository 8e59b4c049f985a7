"""The daily schedule asks for a run only when a file waits or a silence deadline has passed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dagster import RunRequest, SkipReason, build_schedule_context

from assets.resources import CircularsHome
from circulars.cli import copy_into_inbox, run_ingestion
from pipelines.schedules import daily_ingest
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.slow  # runs the ingestion job from the daily schedule


def _tick(home, when):
    context = build_schedule_context(
        scheduled_execution_time=when, resources={"circulars_home": CircularsHome(root=str(home.root))}
    )
    return daily_ingest(context)


def test_skips_when_nothing_to_do_without_importing_great_expectations(home):
    result = _tick(home, datetime(2024, 1, 10, 0, 15, tzinfo=UTC))
    assert isinstance(result, SkipReason)
    assert "nothing to do" in result.skip_message
    (home.inbox / "DOC-1503.pdf").write_bytes(b"%PDF-1.4")
    waiting = _tick(home, datetime(2024, 1, 10, 0, 15, tzinfo=UTC))
    assert isinstance(waiting, RunRequest)
    assert waiting.tags["circulars/reason"] == "1 file(s) waiting"


def test_asks_for_a_run_when_a_silence_deadline_has_passed(home):
    copy_into_inbox(home, [SEED_TEXT])
    assert run_ingestion(home, now="2023-12-20T00:00:00+00:00").success
    before = _tick(home, datetime(2023, 12, 26, 5, 59, tzinfo=UTC))
    assert isinstance(before, SkipReason)
    after = _tick(home, datetime(2023, 12, 27, 0, 15, tzinfo=UTC))
    assert isinstance(after, RunRequest)
    assert after.tags["circulars/reason"] == "silence deadline passed: MC/2023/DRAFT/7, SOC/2023-III/DRAFT/3"
    assert after.run_config["ops"]["state_tables"]["config"]["now"] == "2023-12-27T00:15:00+00:00"
