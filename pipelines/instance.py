"""The Dagster instance of a data home: its folder and the `dagster.yaml` the project writes there.

Telemetry off, runs queued with at most one ingestion at a time (DuckDB admits one writing
process), run monitoring on, storage in SQLite under the instance folder or in PostgreSQL named by
$CIRCULARS_DAGSTER_PG. Everything that opens the instance (the CLI, `make ui`, a test standing up
the daemon) calls `prepare` first. Dagster itself is imported only by `open_instance`.
"""

from __future__ import annotations

import os
from pathlib import Path

from circulars.files import atomic_write
from circulars.home import Home

MARKER = "# Written by circulars"
"""First line of the instance configuration the project writes. While it is there the file is
the project's and is brought up to date; delete the line (or write your own file) to keep yours."""

PG_ENV = "CIRCULARS_DAGSTER_PG"
"""A PostgreSQL URL (postgresql+psycopg2://user:password@host:port/db) for Dagster's own storage:
runs, event log, partitions, schedule and sensor ticks. Unset: SQLite files under DAGSTER_HOME.
The driver must be named: SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3, which is not
installed (dagster-postgres brings psycopg2)."""

INGESTION_TAG = ("circulars/writes", "duckdb")
"""Carried by every run of the ingestion job (a job tag: sensor, schedule, UI and CLI alike)."""

_BASE_YAML = f"""\
{MARKER} (delete this line to keep your own edits): nothing leaves this machine.
telemetry:
  enabled: false
nux:
  enabled: false
# Runs wait in a queue; at most one ingestion run at a time, because DuckDB admits one
# writing process (a second run waits instead of failing on the database lock).
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 4
    dequeue_interval_seconds: 1
    tag_concurrency_limits:
      - key: {INGESTION_TAG[0]}
        value: {INGESTION_TAG[1]}
        limit: 1
# A run that never starts is marked failed; a run whose process dies is marked failed by the
# code server that launched it (and by the sensor, `circulars/runs.py`, if that is gone too);
# a run still going after 6 hours is ended (its work resumes with the next run).
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  max_runtime_seconds: 21600
  poll_interval_seconds: 20
  max_resume_run_attempts: 0
"""

_PG_YAML = f"""\
# Dagster's runs, event log and schedules in PostgreSQL, at the URL in ${PG_ENV}.
storage:
  postgres:
    postgres_url:
      env: {PG_ENV}
"""


def dagster_yaml(postgres: bool) -> str:
    """The instance configuration the project writes: SQLite storage, or PostgreSQL named by $CIRCULARS_DAGSTER_PG."""
    return _BASE_YAML + (_PG_YAML if postgres else "")


DAGSTER_YAML = dagster_yaml(False)


def write_instance_config(config: Path) -> None:
    """Write the project's dagster.yaml if missing, or bring the project's own up to date.

    A file without the marker is the user's and is never touched. With $CIRCULARS_DAGSTER_PG
    set the PostgreSQL storage is written; a project file that already names PostgreSQL stays
    so when the variable is unset (Dagster then says the variable is missing: storage never
    switches back to SQLite without a word).
    """
    url = os.environ.get(PG_ENV, "")
    if url and not url.startswith("postgresql+psycopg2://"):
        scheme = url.split("://", 1)[0] if "://" in url else url[:20]
        raise ValueError(
            f"{PG_ENV} must be a SQLAlchemy URL naming the psycopg2 driver, "
            f"postgresql+psycopg2://user:password@host:port/db (it starts with {scheme!r})"
        )
    current = config.read_text() if config.exists() else None
    if current is not None and not current.startswith(MARKER):
        return
    postgres = bool(os.environ.get(PG_ENV)) or (current is not None and PG_ENV in current)
    wanted = dagster_yaml(postgres)
    if current == wanted:
        return
    atomic_write(config, wanted)



def prepare(home: Home) -> Home:
    """The data home's folders and its instance's folder and configuration, created or brought up to date."""
    home.ensure()
    home.dagster_home.mkdir(parents=True, exist_ok=True)
    write_instance_config(home.dagster_home / "dagster.yaml")
    return home


def open_instance(home: Home):
    """The home's Dagster instance, opened from its folder: no process-wide DAGSTER_HOME is set (so a second
    home in the same process, or a child process, never inherits the first's)."""
    os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
    from dagster import DagsterInstance

    prepare(home)
    return DagsterInstance.from_config(str(home.dagster_home))
