"""The daily schedule: re-evaluates clock-dependent status (silence deadlines) and sweeps the inbox."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from .jobs import ingest_job

daily_ingest = ScheduleDefinition(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="15 6 * * *",
    execution_timezone="Asia/Almaty",
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every day at 06:15 Astana time: ingests anything left in the inbox and rebuilds the current state, "
        "so a draft whose silence deadline passed becomes `presumed_adopted` without a new circular."
    ),
)
