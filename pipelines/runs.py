"""Runs whose process died, marked failed in the Dagster instance with the reason (`circulars/runs.py`
tells which processes are gone; this module tells Dagster)."""

from __future__ import annotations

from circulars.runs import PID_TAG, end_in_process_run, left_behind, process_alive
from pipelines.jobs import INGEST_JOB_NAME

DIED = (
    "The ingestion process (pid {pid}) ended without finishing: killed or crashed. "
    "Nothing it wrote is lost or half-written: every step resumes from what is committed, "
    "and the checks it did not finish are owed. {next}"
)


def instance_of(context):
    """The Dagster instance of a sensor or schedule tick; None for a context built in a test without one."""
    from dagster import DagsterInvariantViolationError

    try:
        return context.instance
    except DagsterInvariantViolationError:
        return None


def mark_dead_runs(instance, *, next_run: str | None = None, run_ids: list[str] | None = None) -> list[str]:
    """Mark failed every ingestion run still shown in progress (of `run_ids`, if given) whose
    process is gone; returns their ids."""
    from dagster import DagsterRunStatus, RunsFilter

    in_progress = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
                   DagsterRunStatus.CANCELING]
    marked = []
    filters = RunsFilter(job_name=INGEST_JOB_NAME, statuses=in_progress, run_ids=run_ids)
    for record in instance.get_run_records(filters):
        run = record.dagster_run
        if process_alive(dict(run.tags)) is not False:
            continue
        after = (
            f"The next run ({next_run}) completes its work."
            if next_run
            else "The next ingestion run completes its work."
        )
        instance.report_run_failed(run, DIED.format(pid=run.tags[PID_TAG], next=after))
        marked.append(run.run_id)
    return marked


def settle_left_behind(home, instance, *, next_run: str | None = None) -> list[str]:
    """Mark failed the in-process runs a killed `circulars ingest` left behind; returns their ids."""
    dead = left_behind(home)
    if not dead:
        return []
    marked = mark_dead_runs(instance, next_run=next_run, run_ids=dead)
    for run_id in dead:
        end_in_process_run(home, run_id)
    return marked
