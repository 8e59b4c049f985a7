"""The deployed path: the Dagster daemon ticks the sensor, runs wait in the instance's queue and
each executes in its own process; Dagster's storage in SQLite (the default) or PostgreSQL.

In a temporary home, the daemon runs as a subprocess (`dagster-daemon run -w workspace.yaml`):
circulars dropped into `inbox/` are ingested by the sensor's run; two batches dropped back to
back are ingested by two runs, one after the other (the second queued while the first ran);
`circulars ingest` works next to the daemon; the daily schedule, evaluated after a silence
deadline, moves the draft to `presumed_adopted`; a run whose process is killed is marked
failed and the next run finishes its work. Everything started is stopped, also on failure.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from circulars.home import resolve_home
from pipelines.instance import prepare
from tests.conftest import SEED_TEXT, TEXTS, check_verdicts, query_rows
from tests.services import (
    REPO,
    dagster_daemon,
    postgres_missing,
    schedule_tick,
    service_env,
    throwaway_postgres,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

CIRCULARS = str(Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "circulars")
FUND_DRAFT = "SOC/2024-I/DRAFT/1"
BATCH_A = [TEXTS / "010_silence_concluded_DOC-1503.txt", TEXTS / "020_plan_amendment_DOC-1532.txt"]
BATCH_B = [TEXTS / "005_silence_opened_DOC-1510.txt", TEXTS / "030_budget_revision_DOC-1560.txt"]
RUN_TIMEOUT = 150


@pytest.fixture(scope="session")
def postgres_url():
    reason = postgres_missing()
    if reason:
        pytest.skip(reason)
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def deployed(request, tmp_path, monkeypatch):
    """A data home whose Dagster instance uses the storage named by the parameter, with the daemon running."""
    pg_url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    env = service_env(tmp_path / "home", pg_url=pg_url)
    for name in ("CIRCULARS_HOME", "DAGSTER_HOME", "CIRCULARS_DAGSTER_PG"):
        if name in env:
            monkeypatch.setenv(name, env[name])
        else:
            monkeypatch.delenv(name, raising=False)
    home = prepare(resolve_home(tmp_path / "home"))
    config = (home.dagster_home / "dagster.yaml").read_text()
    assert ("CIRCULARS_DAGSTER_PG" in config) == bool(pg_url)
    from dagster import DagsterInstance

    instance = DagsterInstance.from_config(str(home.dagster_home))
    with dagster_daemon(env, tmp_path / "daemon.log") as daemon:
        try:
            yield {"home": home, "env": env, "instance": instance, "daemon": daemon, "storage": request.param,
                   "log": tmp_path / "daemon.log"}
        finally:
            instance.dispose()


def _runs(instance):
    from dagster import RunsFilter

    return instance.get_run_records(RunsFilter(job_name="ingest_job"), ascending=True)


def _wait_for_runs(deployed, count: int, timeout: float = RUN_TIMEOUT) -> list:
    """The first `count` runs of the job, once each has finished; fails on a failed run."""
    from dagster import DagsterRunStatus

    instance = deployed["instance"]

    def finished():
        records = _runs(instance)[:count]
        if len(records) < count:
            return None
        failed = [r for r in records if r.dagster_run.status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)]
        assert not failed, _failure_text(instance, failed[0].dagster_run.run_id, deployed["log"])
        return records if all(r.dagster_run.status == DagsterRunStatus.SUCCESS for r in records) else None

    return wait_for(finished, timeout, f"{count} run(s) of ingest_job to succeed")


def _failure_text(instance, run_id: str, log: Path) -> str:
    from dagster import DagsterEventType

    messages = [e.message or "" for e in instance.all_logs(run_id) if e.dagster_event and e.dagster_event.event_type in (
        DagsterEventType.RUN_FAILURE, DagsterEventType.STEP_FAILURE, DagsterEventType.ENGINE_EVENT)]
    return f"run {run_id} failed: {messages[-5:]}\n--- daemon log ---\n{log.read_text()[-4000:]}"


def _drop(home, sources) -> None:
    """As a person's file manager does: write under a hidden name, then rename into the inbox."""
    for source in sources:
        partial = home.inbox / f".{source.name}.part"
        partial.write_bytes(source.read_bytes())
        os.replace(partial, home.inbox / source.name)


def _events(instance, run_id: str, event_type):
    return [e for e in instance.all_logs(run_id, of_type=event_type)]


def _check_evaluations(instance, run_id: str) -> list:
    from dagster import DagsterEventType

    return [e.dagster_event.event_specific_data for e in _events(instance, run_id, DagsterEventType.ASSET_CHECK_EVALUATION)]


def test_the_daemon_ingests_queues_and_schedules(deployed):
    from dagster import DagsterEventType

    home, env, instance = deployed["home"], deployed["env"], deployed["instance"]

    # 1. A circular dropped into the inbox: the sensor's run ingests it in its own process.
    _drop(home, [SEED_TEXT])
    (first,) = _wait_for_runs(deployed, 1)
    run = first.dagster_run
    assert run.tags["circulars/trigger"] == "inbox_sensor"
    assert run.tags["circulars/writes"] == "duckdb"
    assert int(run.tags["circulars/pid"]) not in (os.getpid(), deployed["daemon"].pid)
    assert list(home.inbox.iterdir()) == []
    seed = query_rows(home, "SELECT symbol, issued_on, status, languages FROM circulars")
    assert seed == [{"symbol": "DOC/1497", "issued_on": date(2023, 12, 12), "status": "parsed", "languages": ["en", "ru", "kk"]}]
    assert query_rows(home, "SELECT count(*) AS n FROM plan_items WHERE plan_year = 2024") == [{"n": 27}]
    assert query_rows(home, "SELECT amount_usd FROM budget_lines WHERE budget_year = 2024 AND line_kind = 'grand_total'") == [
        {"amount_usd": 4_759_000}]
    partitions = instance.get_dynamic_partitions("circulars")
    assert len(partitions) == 1 and partitions[0].startswith("DOC-1497_2023-12-12_")
    evaluations = _check_evaluations(instance, run.run_id)
    assert len(evaluations) == 9 and all(e.passed for e in evaluations)
    verdicts = check_verdicts(evaluations)
    assert len(verdicts) >= 50 and all(v["passed"] for v in verdicts.values())
    assert {v["asset"] for v in verdicts.values()} == {
        "events", "circulars", "documents", "decisions", "plan_items", "budget_lines", "unread_statements", "circular_files"}
    recorded = query_rows(home, "SELECT count(*) AS n, bool_and(passed) AS ok FROM quality_results WHERE run_id = ?", [run.run_id])
    assert recorded == [{"n": len(verdicts), "ok": True}]

    # 2. Two batches back to back: the second run waits in the queue while the first runs.
    _drop(home, BATCH_A)
    wait_for(lambda: len(_runs(instance)) >= 2, 60, "the sensor to request a run for the first batch")
    _drop(home, BATCH_B)
    _, second, third = _wait_for_runs(deployed, 3, timeout=2 * RUN_TIMEOUT)
    assert sorted(second.dagster_run.run_config["ops"]["inbox_arrivals"]["config"]["files"]) == sorted(s.name for s in BATCH_A)
    assert sorted(third.dagster_run.run_config["ops"]["inbox_arrivals"]["config"]["files"]) == sorted(s.name for s in BATCH_B)
    assert third.start_time >= second.end_time, "the two ingestion runs overlapped"
    (enqueued,) = _events(instance, third.dagster_run.run_id, DagsterEventType.RUN_ENQUEUED)
    assert enqueued.timestamp < second.end_time, "the second batch's run was not queued while the first ran"
    symbols = [r["symbol"] for r in query_rows(home, "SELECT symbol FROM circulars ORDER BY symbol")]
    assert symbols == ["DOC/1497", "DOC/1503", "DOC/1510", "DOC/1532", "DOC/1560"]
    assert len(instance.get_dynamic_partitions("circulars")) == 5
    assert query_rows(home, "SELECT count(*) AS n FROM quality_results WHERE NOT passed") == [{"n": 0}]

    # 3. The CLI works next to the daemon (in its own process, through the same instance).
    cli = subprocess.run([CIRCULARS, "ingest", "--now", "2024-03-01T00:00:00+00:00", "--json"], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert json.loads(cli.stdout)["success"] is True
    fund = query_rows(home, "SELECT status, silence_deadline FROM decisions WHERE symbol = ?", [FUND_DRAFT])
    assert fund == [{"status": "pending_silence", "silence_deadline": datetime(2024, 3, 15, 13, 0, tzinfo=UTC)}]

    # 4. The daily schedule, evaluated after the silence deadline: its run moves the draft.
    tick = schedule_tick(env, "2024-03-16T06:15:00+06:00")
    assert tick["tags"]["dagster/schedule_name"] == "daily_ingest"
    assert tick["tags"]["circulars/reason"] == f"silence deadline passed: {FUND_DRAFT}"
    records = _wait_for_runs(deployed, 5)
    scheduled = records[-1].dagster_run
    assert scheduled.run_id == tick["run_id"]
    assert int(scheduled.tags["circulars/pid"]) not in (os.getpid(), deployed["daemon"].pid)
    fund = query_rows(home, "SELECT status, adopted_on FROM decisions WHERE symbol = ?", [FUND_DRAFT])
    assert fund == [{"status": "presumed_adopted", "adopted_on": date(2024, 3, 15)}]


@pytest.mark.parametrize("deployed", ["sqlite"], indirect=True)  # the marking is the same code on either storage
def test_a_killed_run_is_marked_failed_and_the_next_run_finishes_its_work(deployed, tmp_path):
    """SIGKILL to a daemon-launched run's process: the run shows failed (not running forever),
    and the sensor requests one run that finishes the batch."""
    from dagster import DagsterRunStatus

    home, instance = deployed["home"], deployed["instance"]
    batch = [SEED_TEXT, *BATCH_A]
    _drop(home, batch)

    def started_with_pid():
        records = _runs(instance)
        return records and "circulars/pid" in records[0].dagster_run.tags and records[0]

    record = wait_for(started_with_pid, RUN_TIMEOUT, "the run to start")
    os.kill(int(record.dagster_run.tags["circulars/pid"]), signal.SIGKILL)

    def marked():
        run = instance.get_run_by_id(record.dagster_run.run_id)
        return run.status == DagsterRunStatus.FAILURE and run

    wait_for(marked, 90, "the killed run to be marked failed")
    finished = wait_for(
        lambda: [r for r in _runs(instance)[1:] if r.dagster_run.status == DagsterRunStatus.SUCCESS],
        2 * RUN_TIMEOUT, "a run to finish the killed run's work",
    )
    assert finished[0].dagster_run.tags["circulars/trigger"] == "inbox_sensor"
    symbols = [r["symbol"] for r in query_rows(home, "SELECT symbol FROM circulars ORDER BY symbol")]
    assert symbols == ["DOC/1497", "DOC/1503", "DOC/1532"]
    received = query_rows(home, "SELECT count(*) AS n, count(DISTINCT circular_sha256) AS d FROM events WHERE event_type = 'CircularReceived'")
    assert received == [{"n": 3, "d": 3}]
    owed = query_rows(home, "SELECT asset, checked_seq FROM check_checkpoints ORDER BY asset")
    last = query_rows(home, "SELECT max(seq) AS s FROM events")[0]["s"]
    assert owed == [{"asset": a, "checked_seq": last} for a in
                    ("budget_lines", "circulars", "decisions", "documents", "events", "plan_items", "unread_statements")]
    assert list(home.inbox.iterdir()) == []
