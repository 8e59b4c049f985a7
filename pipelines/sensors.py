"""The inbox sensor: one run per tick for exactly the files that are new in the inbox."""


import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from circulars import intake
from pipelines.resources import CircularsHome

from .jobs import ingest_job

MAX_FILES_PER_TICK = 500


def _fingerprint(path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@sensor(
    job=ingest_job,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Watches `inbox/`. Each tick requests one ingestion run for the files that appeared since the last "
        f"tick (at most {MAX_FILES_PER_TICK}; the rest wait for the next tick). The cursor remembers which "
        "files (name, size, mtime) were already requested, so a file is requested once."
    ),
)
def inbox_sensor(context: SensorEvaluationContext, circulars_home: CircularsHome):
    home = circulars_home.home()
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
        return SkipReason(f"nothing new in {home.inbox}")
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
