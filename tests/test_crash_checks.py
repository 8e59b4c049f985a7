"""Crashes while checking: the checks a killed run never finished are run by the next run.

The ingestion job runs in a real subprocess (as `circulars ingest` runs it, in-process) and is
SIGKILLed during one table's checks, or while recording a table's results. Then
`circulars ingest` (the command itself, invoked in this process so that Great Expectations
is imported once for all cases), with nothing new to ingest, must: mark the killed run failed (it would
otherwise show as running forever), run the checks still owed and say so, and leave
`quality_results` equivalent to a clean run's: the same checks, the same verdicts, the same
failing rows. The fault is set inside the subprocess by wrapping a function (no hook in the
code under test).
"""

from __future__ import annotations

import json
import signal

import pytest

from circulars.db import connect
from circulars.home import Home, resolve_home
from pipelines.instance import prepare
from tests.conftest import SEED_TEXT, TEXTS
from tests.processes import drop, run_driver

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

# The seed and two faulty circulars: failing rows in the budget and the decisions are part of the verdicts.
BATCH = [SEED_TEXT, TEXTS / "900_faulty_budget_total.txt", TEXTS / "902_faulty_unknown_action.txt"]
TABLES = ["events", "circulars", "documents", "decisions", "plan_items", "budget_lines", "unread_statements"]
FAILING = [
    ("budget_lines", "budget_totals_add_up"),  # 900's lines do not reach its printed total
    # 902's item "The SOC deliberated on ..." has a verb in no list: an unknown action, so a statement not read,
    # so 902 is not read in full, and the review queue holds it (and 900's total)
    ("decisions", "decisions_action_known"),
    ("unread_statements", "unread_statements_none_open"),
    ("circular_files", "circular_files_read_in_full"),
    ("circulars", "review_queue"),
]
"""The checks the batch fails, by asset: the rows they name are kept as printed, and flagged."""
EVERY_RUN = ["circular_files_read_in_full", "review_queue"]
"""Checks of what waits for a person (files not read in full, the review queue): judged on every run."""

DRIVER = r'''
"""Run the ingestion job in this process (as the CLI does) and SIGKILL it at CRASH_AT."""
import os, signal, sys

from circulars.cli import run_ingestion
from circulars.home import resolve_home

CRASH_AT = os.environ.get("CRASH_AT", "")
home = resolve_home(sys.argv[1]).ensure()


def die():
    os.kill(os.getpid(), signal.SIGKILL)


kind, _, what = CRASH_AT.partition(":")
if kind == "check" and what == "events":
    from circulars import integrity

    real_verify = integrity.verify_log_since_checkpoint

    def verify(con):
        real_verify(con)  # the chain checkpoint moved, inside the check's transaction
        die()

    integrity.verify_log_since_checkpoint = verify
elif kind == "check":
    import expectations

    real_suite = expectations.run_suite

    def run_suite(table, frame, **kwargs):
        if table == what:
            die()
        return real_suite(table, frame, **kwargs)

    expectations.run_suite = run_suite
elif kind == "record":
    from circulars import quality

    real_insert = quality.insert_rows
    calls = [0]

    def insert_rows(con, table, *args):
        result = real_insert(con, table, *args)
        if table == "quality_results":
            calls[0] += 1
            if calls[0] == int(what):
                die()  # the results inserted, the transaction not committed
        return result

    quality.insert_rows = insert_rows

result = run_ingestion(home, workers=1)
print("completed" if result.success else "failed")
'''


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    path = tmp_path_factory.mktemp("check-driver") / "check_driver.py"
    path.write_text(DRIVER)
    return path


def _results(home: Home) -> list[dict]:
    with connect(home.database, read_only=True) as con:
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'quality_results'").fetchone()[0]:
            return []  # killed inside the first check's transaction: not even the table was committed
        cursor = con.execute("SELECT run_id, asset, check_name, passed, severity, observed, details FROM quality_results")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _verdict(row: dict) -> tuple:
    details = json.loads(row["details"])
    failures = json.dumps(details.get("failures", []), sort_keys=True)
    return (row["asset"], row["check_name"], row["passed"], row["severity"], row["observed"], failures)


def _judged(row: dict) -> bool:
    """A result that judged rows: not a "0 rows to check" pass, not an integrity check of no new
    event, not the re-check of the clock-moved decisions a run with nothing new always does."""
    details = json.loads(row["details"])
    if details.get("checked") == 0:
        return False
    return "clock re-evaluated" not in str(details.get("scope", ""))


@pytest.fixture(scope="module")
def clean(tmp_path_factory, driver) -> set[tuple]:
    """The verdicts of one clean run of the batch."""
    home = prepare(resolve_home(tmp_path_factory.mktemp("clean") / "home"))
    drop(home, BATCH)
    completed = run_driver(home, driver)
    assert completed.returncode == 0 and "completed" in completed.stdout, completed.stderr[-3000:]
    rows = _results(home)
    assert len({r["run_id"] for r in rows}) == 1
    verdicts = [_verdict(r) for r in rows]
    assert len(verdicts) == len(set(verdicts)) >= 50
    failed = sorted((v[0], v[1]) for v in verdicts if not v[2])
    assert failed == sorted(FAILING)
    return set(verdicts)


def _ingest_json(monkeypatch, home: Home) -> dict:
    from typer.testing import CliRunner

    from circulars.cli import app

    monkeypatch.setenv("CIRCULARS_HOME", str(home.root))
    monkeypatch.setenv("DAGSTER_HOME", str(home.dagster_home))
    result = CliRunner().invoke(app, ["ingest", "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize("crash_at", [f"check:{t}" for t in TABLES] + ["record:3"])
def test_checks_a_killed_run_never_finished_are_run_by_the_next(tmp_path, monkeypatch, driver, clean, crash_at):
    home = prepare(resolve_home(tmp_path / "home"))
    drop(home, BATCH)
    crashed = run_driver(home, driver, crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-3000:]
    (killed_run,) = [p.stem for p in (home.staging / "runs").glob("*.json")]
    before = _results(home)
    assert len(before) < len(clean), "the kill came after every check was recorded"
    unchecked = set(TABLES) - {r["asset"] for r in before}
    assert unchecked, "every table had its results recorded"

    summary = _ingest_json(monkeypatch, home)
    assert summary["success"] is True
    assert summary["new"] == [] and summary["quarantined"] == []
    assert summary["runs_marked_failed"] == [killed_run]
    # The summary names each table whose checks were owed: those the killed run recorded nothing for
    # (killed in the blocking integrity check, it never built the state: only that check was owed).
    owed = {"events"} if crash_at == "check:events" else unchecked
    assert {o["asset"] for o in summary["owed_checks"]} == owed
    last = max(int(o["events"].rsplit("–", 1)[-1].split()[-1]) for o in summary["owed_checks"])
    assert all(o["events"] == f"events 1–{last}" for o in summary["owed_checks"])
    # a table's suite runs again only when owed; the checks of what waits for a person run on every run
    expected_failures = sorted({name for table, name in FAILING if table in unchecked} | set(EVERY_RUN))
    assert sorted(c["check"] for c in summary["failed_checks"]) == expected_failures

    # quality_results now holds what a clean run holds: same checks, verdicts and failing rows.
    after = _results(home)
    judged = {_verdict(r) for r in after if _judged(r)}
    assert judged == clean
    with connect(home.database, read_only=True) as con:
        last = con.execute("SELECT max(seq) FROM events").fetchone()[0]
        checkpoints = dict(con.execute("SELECT asset, checked_seq FROM check_checkpoints").fetchall())
    assert checkpoints == {table: last for table in TABLES}

    # The killed run shows as failed, saying why; the next run is not owed anything.
    from dagster import DagsterInstance, DagsterRunStatus

    with DagsterInstance.from_config(str(home.dagster_home)) as instance:
        run = instance.get_run_by_id(killed_run)
        assert run.status == DagsterRunStatus.FAILURE
        messages = [e.message for e in instance.all_logs(killed_run) if e.is_dagster_event and e.dagster_event.is_run_failure]
    assert len(messages) == 1
    assert "ended without finishing: killed or crashed" in messages[0]
    assert f"The next run ({summary['run_id']}) completes its work." in messages[0]
    assert list((home.staging / "runs").glob("*.json")) == []
    again = _ingest_json(monkeypatch, home)
    assert again == {"success": True, "nothing_new": True, "skipped": [], "runs_marked_failed": []}
