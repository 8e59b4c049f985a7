"""The Dagster instance configuration the project writes: queued runs, one ingestion at a time,
run monitoring, SQLite or PostgreSQL storage; a user's own file is never touched."""

from __future__ import annotations

import pytest
import yaml

from circulars.home import resolve_home
from pipelines.instance import INGESTION_TAG, MARKER, PG_ENV, prepare

PG_URL = "postgresql+psycopg2://dagster@127.0.0.1:5432/dagster"


def _config(home) -> dict:
    return yaml.safe_load((home.dagster_home / "dagster.yaml").read_text())


def test_runs_queue_one_ingestion_at_a_time_and_are_monitored(tmp_path, monkeypatch):
    monkeypatch.delenv(PG_ENV, raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    home = prepare(resolve_home(tmp_path / "home"))
    config = _config(home)
    assert config["telemetry"] == {"enabled": False}
    coordinator = config["run_coordinator"]
    assert coordinator["class"] == "QueuedRunCoordinator"
    assert coordinator["config"]["tag_concurrency_limits"] == [{"key": INGESTION_TAG[0], "value": INGESTION_TAG[1], "limit": 1}]
    assert config["run_monitoring"]["enabled"] is True
    assert "storage" not in config  # SQLite under DAGSTER_HOME

    from dagster import DagsterInstance

    from pipelines.definitions import defs

    # Every run of the job carries the limited tag, whatever launches it.
    assert defs.resolve_job_def("ingest_job").tags[INGESTION_TAG[0]] == INGESTION_TAG[1]
    with DagsterInstance.from_config(str(home.dagster_home)) as instance:
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.dequeue_interval_seconds == 1
        assert instance.run_monitoring_enabled
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"


def test_postgres_storage_is_chosen_by_the_environment_and_stays_chosen(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv(PG_ENV, PG_URL)
    home = prepare(resolve_home(tmp_path / "home"))
    assert _config(home)["storage"] == {"postgres": {"postgres_url": {"env": PG_ENV}}}
    assert PG_URL not in (home.dagster_home / "dagster.yaml").read_text()  # the password stays in the environment
    # Unset later: the storage does not silently switch back to SQLite.
    monkeypatch.delenv(PG_ENV)
    prepare(resolve_home(tmp_path / "home"))
    assert _config(home)["storage"] == {"postgres": {"postgres_url": {"env": PG_ENV}}}


def test_a_bare_postgresql_url_is_refused_with_the_form_to_use(tmp_path, monkeypatch):
    monkeypatch.setenv(PG_ENV, "postgresql://dagster@db/dagster")
    with pytest.raises(ValueError, match=r"postgresql\+psycopg2://user:password@host:port/db"):
        prepare(resolve_home(tmp_path / "home"))


def test_an_older_project_file_is_brought_up_to_date_and_a_users_file_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv(PG_ENV, raising=False)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    ours = tmp_path / "ours"
    (ours / "dagster").mkdir(parents=True)
    (ours / "dagster" / "dagster.yaml").write_text(f"{MARKER}: nothing leaves this machine.\ntelemetry:\n  enabled: false\n")
    assert _config(prepare(resolve_home(ours)))["run_coordinator"]["class"] == "QueuedRunCoordinator"
    theirs = tmp_path / "theirs"
    (theirs / "dagster").mkdir(parents=True)
    own = "telemetry:\n  enabled: false\nrun_launcher:\n  module: dagster\n  class: DefaultRunLauncher\n"
    (theirs / "dagster" / "dagster.yaml").write_text(own)
    prepare(resolve_home(theirs))
    assert (theirs / "dagster" / "dagster.yaml").read_text() == own
