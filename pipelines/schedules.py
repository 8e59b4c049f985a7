"""The daily schedule: sweeps the inbox and moves clock-dependent status (silence deadlines).

It asks for a run only when there is something to do: files waiting, a draft whose
silence deadline has passed while the tables still say `pending_silence`, or checks an
earlier run left undone (it was killed while checking).
A day with nothing new costs one directory listing and one small read-only query,
and imports neither Great Expectations nor pandas.
"""

from datetime import UTC, datetime

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, SkipReason, schedule

from assets.resources import CircularsHome
from circulars import intake, quality
from circulars.db import DatabaseBusy, connect, has_table
from models.constants import ASTANA
from pipelines import runs as dead_runs

from .jobs import ingest_job


def deadlines_passed(home, now: datetime) -> list[str]:
    """Symbols still shown as pending silence whose deadline is at or before `now`."""
    if not home.database.exists():
        return []
    with connect(home.database, read_only=True, wait_seconds=30) as con:
        if not has_table(con, "decisions"):
            return []
        rows = con.execute(
            "SELECT symbol FROM decisions WHERE status = 'pending_silence' AND silence_deadline <= ? ORDER BY 1",
            [now],
        ).fetchall()
    return [r[0] for r in rows]


def checks_owed(home) -> list[quality.Owed]:
    """Checks an earlier run left undone (killed or crashed while checking)."""
    if not home.database.exists():
        return []
    with connect(home.database, read_only=True, wait_seconds=30) as con:
        return quality.checks_owed(con)


@schedule(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="15 6 * * *",
    execution_timezone=ASTANA,
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every day at 06:15 Astana time: ingests anything left in the inbox and, when a silence deadline "
        "has passed, rebuilds the current state so the draft becomes `presumed_adopted` without a new circular. "
        "Skips (saying why) when there is nothing to do."
    ),
)
def daily_ingest(context: ScheduleEvaluationContext, circulars_home: CircularsHome):
    home = circulars_home.home()
    instance = dead_runs.instance_of(context)
    if instance:
        dead_runs.mark_dead_runs(instance)
    now = context.scheduled_execution_time or datetime.now(UTC)
    waiting = intake.inbox_files(home)
    try:
        due = deadlines_passed(home, now)
        owed = checks_owed(home)
    except DatabaseBusy:
        return SkipReason("the database is busy (an ingestion is writing); the next tick will look again")
    if not waiting and not due and not owed:
        return SkipReason(f"nothing to do at {now.isoformat()}: inbox empty, no silence deadline passed, no checks owed")
    reasons = []
    if waiting:
        reasons.append(f"{len(waiting)} file(s) waiting")
    if due:
        reasons.append("silence deadline passed: " + ", ".join(due[:5]))
    if owed:
        reasons.append("checks owed: " + quality.describe_owed(owed))
    return RunRequest(
        run_key=f"daily:{now.date().isoformat()}",
        run_config={"ops": {"state_tables": {"config": {"now": now.astimezone(UTC).isoformat()}}}},
        tags={"circulars/trigger": "daily_ingest", "circulars/reason": "; ".join(reasons)[:200]},
    )
