"""The inbox sensor: one run per tick for exactly the files that are new in the inbox.

And the work a run left when it died (killed or crashed): its run is marked failed, and
once no ingestion run is queued or running, one run is requested to finish what was left
(arrivals journaled, readings staged, the state behind the log, checks owed).
"""


import json

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from assets.resources import CircularsHome
from circulars import intake, quality, readpool
from circulars.db import DatabaseBusy, connect
from pipelines import runs as dead_runs

from .jobs import INGEST_JOB_NAME, ingest_job

MAX_FILES_PER_TICK = 500
INTERVAL_SECONDS = 2
"""The sensor may tick this soon after its last tick; the daemon's sensor loop runs every 5 s,
so in practice it ticks every ~5 s (with 5 here, loop jitter made it every 10 s). A tick with
nothing new lists one folder, asks the instance for runs in progress and reads two checkpoints."""

WAITING = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


def _fingerprint(path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@sensor(
    job=ingest_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Watches `inbox/`. Each tick requests one ingestion run for the files that appeared since the last "
        f"tick (at most {MAX_FILES_PER_TICK}; the rest wait for the next tick). The cursor remembers which "
        "files (name, size, mtime) were already requested, so a file is requested once. A run whose process "
        "died is marked failed, and one run is requested to finish the work it left."
    ),
)
def inbox_sensor(context: SensorEvaluationContext, circulars_home: CircularsHome):
    home = circulars_home.home()
    instance = dead_runs.instance_of(context)
    died = dead_runs.mark_dead_runs(instance) if instance else []
    if died:
        context.log.warning(f"marked failed (their process had died): {', '.join(died)}")
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    present = {path.name: path for path in intake.inbox_files(home)}
    fresh = []
    for name, path in present.items():
        try:
            fingerprint = _fingerprint(path)
        except FileNotFoundError:
            continue
        if seen.get(name) != fingerprint:
            fresh.append((name, fingerprint))
    if not fresh:
        # Forget files that have left the inbox, so the cursor stays as small as the inbox.
        context.update_cursor(json.dumps({n: f for n, f in seen.items() if n in present}))
        return _finish_left_work(context, home, bool(present)) or SkipReason(f"nothing new in {home.inbox}")
    batch = fresh[:MAX_FILES_PER_TICK]
    cursor = {n: f for n, f in seen.items() if n in present}
    cursor.update(batch)
    context.update_cursor(json.dumps(cursor))
    names = [name for name, _ in batch]
    return RunRequest(
        run_key=f"inbox:{names[0]}:{len(names)}:{batch[0][1]}",
        run_config={"ops": {"inbox_arrivals": {"config": {"files": names}}}},
        tags={"circulars/trigger": "inbox_sensor", "circulars/files": str(len(names))},
    )


def _finish_left_work(context: SensorEvaluationContext, home, inbox_waiting: bool) -> RunRequest | None:
    """One run for the work a run that died left behind, once no ingestion run is queued or running."""
    instance = dead_runs.instance_of(context)
    if instance is None:
        return None  # a tick built in a test, with no instance: whether a run is in progress is unknown
    if instance.get_runs_count(RunsFilter(job_name=INGEST_JOB_NAME, statuses=WAITING)):
        return None  # the run in progress (or queued) finishes it
    left = []
    if inbox_waiting:
        left.append("files requested earlier still in the inbox")
    if intake.journaled(home):
        left.append("arrivals not yet in the log")
    if readpool.staged(home):
        left.append("readings not yet in the log")
    state = ""
    if home.database.exists():
        try:
            with connect(home.database, read_only=True, wait_seconds=2) as con:
                events, projected = quality.last_seq(con), quality.projected_seq(con)
                owed = quality.checks_owed(con)
        except DatabaseBusy:
            return None  # another process writes: look again at the next tick
        if projected < events:
            left.append(f"state behind the log (events {projected + 1}–{events})")
        if owed:
            left.append("checks owed: " + quality.describe_owed(owed))
        state = f"{events}:{projected}:" + ",".join(f"{o.table}{o.after}" for o in owed)
    if not left:
        return None
    reason = "; ".join(left)
    context.log.info(f"finishing work left by an earlier run: {reason}")
    return RunRequest(
        run_key=f"leftover:{state}:{len(intake.journaled(home))}:{len(readpool.staged(home))}:{int(inbox_waiting)}",
        tags={"circulars/trigger": "inbox_sensor", "circulars/reason": ("finish earlier work: " + reason)[:200]},
    )
