"""What the code server, the sensor and the schedule do never imports pandas or Great Expectations
(seconds and ~200 MB per process): only a check with rows to judge does.

Measured in a fresh process over a home that holds an ingested circular, a Dagster instance with
its run, a file waiting in the inbox and a silence deadline passed, so that every query the
ticks make runs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from circulars.cli import copy_into_inbox, run_ingestion
from tests.conftest import SEED_TEXT, TEXTS
from tests.services import REPO

pytestmark = pytest.mark.slow  # starts fresh Python processes over an ingested home

HEAVY = ("pandas", "great_expectations", "scipy")

PROBE = """
import json, sys
from datetime import UTC, datetime

from dagster import DagsterInstance, build_schedule_context, build_sensor_context

import pipelines.definitions  # what `dagster api grpc` (the code server) and a run's process load
from pipelines.resources import CircularsHome
from pipelines.schedules import daily_ingest
from pipelines.sensors import inbox_sensor

HEAVY = {heavy!r}
root = {root!r}
loaded = {{"definitions": sorted(m for m in HEAVY if m in sys.modules)}}
outcomes = {{}}
with DagsterInstance.from_config({dagster_home!r}) as instance:
    resources = {{"circulars_home": CircularsHome(root=root)}}
    tick = inbox_sensor(build_sensor_context(instance=instance, resources=resources))
    outcomes["sensor"] = [type(tick).__name__, getattr(tick, "run_config", None)]
    loaded["sensor"] = sorted(m for m in HEAVY if m in sys.modules)
    for when in ("2023-12-21T00:15:00+00:00", "2023-12-27T00:15:00+00:00"):
        result = daily_ingest(build_schedule_context(
            instance=instance, scheduled_execution_time=datetime.fromisoformat(when), resources=resources))
        outcomes[when] = [type(result).__name__, getattr(result, "tags", {{}}).get("circulars/reason")]
    loaded["schedule"] = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps({{"loaded": loaded, "outcomes": outcomes}}))
"""


def test_definitions_sensor_and_schedule_ticks_import_neither_pandas_nor_great_expectations(home):
    copy_into_inbox(home, [SEED_TEXT])
    assert run_ingestion(home, now="2023-12-20T00:00:00+00:00").success
    copy_into_inbox(home, [TEXTS / "010_silence_concluded_DOC-1503.txt"])  # waiting: the sensor asks for a run

    probe = PROBE.format(heavy=HEAVY, root=str(home.root), dagster_home=str(home.dagster_home))
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])

    assert report["outcomes"] == {
        "sensor": ["RunRequest", {"ops": {"inbox_arrivals": {"config": {"files": ["010_silence_concluded_DOC-1503.txt"]}}}}],
        "2023-12-21T00:15:00+00:00": ["RunRequest", "1 file(s) waiting"],
        "2023-12-27T00:15:00+00:00": [
            "RunRequest", "1 file(s) waiting; silence deadline passed: MC/2023/DRAFT/7, SOC/2023-III/DRAFT/3"],
    }
    assert report["loaded"] == {"definitions": [], "sensor": [], "schedule": []}


def test_an_idle_tick_over_an_empty_home_imports_neither(home):
    probe = PROBE.format(heavy=HEAVY, root=str(home.root), dagster_home=str(home.dagster_home))
    completed = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["outcomes"]["sensor"] == ["SkipReason", None]
    assert report["outcomes"]["2023-12-21T00:15:00+00:00"][0] == "SkipReason"
    assert report["loaded"] == {"definitions": [], "sensor": [], "schedule": []}
