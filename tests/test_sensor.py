"""The inbox sensor requests exactly the new files, once each, and is quiet when nothing is new."""

from __future__ import annotations

import json

from dagster import RunRequest, SkipReason, build_sensor_context

from assets.resources import CircularsHome
from pipelines.sensors import inbox_sensor


def _tick(home, cursor=None):
    context = build_sensor_context(cursor=cursor, resources={"circulars_home": CircularsHome(root=str(home.root))})
    result = inbox_sensor(context)
    return result, context.cursor


def test_sensor_requests_exactly_the_new_files(home):
    (home.inbox / "DOC-1497.pdf").write_bytes(b"%PDF-1.4 first")
    (home.inbox / "DOC-1503.txt").write_text("second circular")
    (home.inbox / ".hidden").write_text("not a circular")
    (home.inbox / "upload.pdf.part").write_bytes(b"still being copied")

    result, cursor = _tick(home)
    assert isinstance(result, RunRequest)
    assert sorted(result.run_config["ops"]["inbox_arrivals"]["config"]["files"]) == ["DOC-1497.pdf", "DOC-1503.txt"]
    assert sorted(json.loads(cursor)) == ["DOC-1497.pdf", "DOC-1503.txt"]

    again, cursor = _tick(home, cursor)
    assert isinstance(again, SkipReason)

    (home.inbox / "DOC-1519.pdf").write_bytes(b"%PDF-1.4 third")
    third, cursor = _tick(home, cursor)
    assert isinstance(third, RunRequest)
    assert third.run_config["ops"]["inbox_arrivals"]["config"]["files"] == ["DOC-1519.pdf"]
    assert third.run_key != result.run_key


def test_sensor_forgets_files_that_left_the_inbox(home):
    (home.inbox / "a.txt").write_text("a")
    _, cursor = _tick(home)
    (home.inbox / "a.txt").unlink()
    result, cursor = _tick(home, cursor)
    assert isinstance(result, SkipReason)
    assert json.loads(cursor) == {}


def test_sensor_marks_a_dead_run_failed_then_requests_one_run_for_the_work_it_left(home):
    """A run shown STARTED whose process is gone is marked failed at the next tick; once no
    ingestion run is queued or running, one run is requested for what it left (here: an arrival
    journaled but not yet in the log)."""
    import subprocess

    from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus

    from circulars import ingest, runs
    from tests.conftest import SEED_TEXT

    (home.inbox / SEED_TEXT.name).write_bytes(SEED_TEXT.read_bytes())
    ingest.take_inbox(home)  # stored and journaled; the process "dies" before the append
    gone = subprocess.Popen(["true"])
    gone.wait()
    with DagsterInstance.from_config(str(home.dagster_home)) as instance:
        dead = instance.add_run(DagsterRun(job_name="ingest_job", status=DagsterRunStatus.STARTED,
                                           tags=runs.process_tags(gone.pid)))
        context = build_sensor_context(instance=instance, resources={"circulars_home": CircularsHome(root=str(home.root))})
        request = inbox_sensor(context)
        run = instance.get_run_by_id(dead.run_id)
        assert run.status == DagsterRunStatus.FAILURE
        (failure,) = instance.all_logs(dead.run_id, of_type=DagsterEventType.RUN_FAILURE)
        assert failure.message.startswith(f"The ingestion process (pid {gone.pid}) ended without finishing: killed or crashed.")
        assert isinstance(request, RunRequest)
        assert request.tags["circulars/reason"] == "finish earlier work: arrivals not yet in the log"

        # While an ingestion run is running (its process alive: this one), it does that work: no second request.
        instance.add_run(DagsterRun(job_name="ingest_job", status=DagsterRunStatus.STARTED, tags=runs.process_tags()))
        context = build_sensor_context(instance=instance, resources={"circulars_home": CircularsHome(root=str(home.root))})
        assert isinstance(inbox_sensor(context), SkipReason)
