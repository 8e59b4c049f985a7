"""The one ingestion job: the same assets and checks whether the sensor, the schedule or the CLI runs it.

It runs in one process: parallelism is in reading (a pool of worker processes that
never touch DuckDB); the database steps are short and sequential, so they never
contend for DuckDB's single writer. Runs of it never overlap when launched through the
daemon: the instance's QueuedRunCoordinator admits one run carrying the job's tag at a time.
"""

from dagster import AssetSelection, define_asset_job, in_process_executor

from pipelines.instance import INGESTION_TAG

INGEST_JOB_NAME = "ingest_job"

ingest_job = define_asset_job(
    INGEST_JOB_NAME,
    selection=AssetSelection.groups("intake", "reading", "log", "state") | AssetSelection.checks_for_assets("circular_files"),
    executor_def=in_process_executor,
    # Every run of this job carries the tag the instance's queue limits to one at a time.
    tags={INGESTION_TAG[0]: INGESTION_TAG[1]},
    description="Inbox → store → read (parallel) → append to the log → project state → run the checks.",
)
