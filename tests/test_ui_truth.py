"""What the Dagster UI is given to show, through the real job: no green where something went wrong.

The browser test (`test_ui_browser.py`) walks the same things in Chromium; this one
holds the recorded values to the fixtures without a browser: the quarantine check,
the run tags, each partition's changes, the previews, and a "Materialize all" run
with nothing new that erases nothing.
"""

from __future__ import annotations

import hashlib

import pytest
from dagster import AssetKey, DagsterInstance

from circulars.cli import copy_into_inbox, run_ingestion
from circulars.home import resolve_home
from pipelines.instance import prepare
from tests.conftest import BAD, SEED_TEXT

pytestmark = pytest.mark.slow  # runs the ingestion job and reads what the UI shows

SEED_SHA = hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
EMPTY = BAD / "empty.pdf"
EMPTY_SHA = hashlib.sha256(EMPTY.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("truth") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCULARS_HOME", str(root))
        patch.setenv("DAGSTER_HOME", str(root / "dagster"))
        home = prepare(resolve_home(root))
        copy_into_inbox(home, [SEED_TEXT, EMPTY])
        first = run_ingestion(home, now="2024-01-15T00:00:00+00:00")
        assert first.success
        with DagsterInstance.get() as instance:
            before = _latest(instance, "events")
            # What "Materialize all" in the UI launches: the implicit asset job of the definitions, nothing new.
            from assets.resources import CircularsHome
            from pipelines.definitions import defs

            job = defs.resolve_implicit_global_asset_job_def()
            again = job.execute_in_process(
                instance=instance,
                run_config={"ops": {"state_tables": {"config": {"now": "2024-01-16T00:00:00+00:00"}}}},
                resources={"circulars_home": CircularsHome(root=str(root))},
                raise_on_error=False,
            )
            assert again.success
            yield {"home": home, "first": first, "again": again, "instance": instance, "events_before": before, "job": job}


def _latest(instance, key: str, partition: str | None = None) -> dict:
    """The metadata of the latest materialization of an asset (of one partition), as the UI shows it."""
    from dagster import AssetRecordsFilter

    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=AssetKey(key), asset_partitions=[partition] if partition else None), limit=1
    ).records
    return {k: v.value for k, v in records[0].asset_materialization.metadata.items()}


def test_a_quarantined_circular_fails_a_warning_check_that_names_it(ingested):
    evaluations = {e.check_name: e for e in ingested["first"].get_asset_check_evaluations()}
    check = evaluations["circular_files_read_in_full"]
    assert check.asset_key == AssetKey("circular_files")
    assert (check.passed, check.severity.value) == (False, "WARN")
    assert check.description == "1 circular(s) quarantined"
    [failing] = check.metadata["failing_rows"].value
    assert (failing["sha256"], failing["file_name"], failing["kind"]) == (EMPTY_SHA, "empty.pdf", "quarantined")
    assert failing["partition"] == f"empty_{EMPTY_SHA[:12]}"
    assert failing["detail"] == "empty_file: the file has no bytes; expected a PDF or the text of a circular"
    assert f"partition `empty_{EMPTY_SHA[:12]}`" in check.metadata["circulars"].value


def test_the_run_carries_its_counts_as_tags(ingested):
    run = ingested["instance"].get_run_by_id(ingested["first"].run_id)
    tags = {k: v for k, v in run.tags.items() if k.startswith("circulars/")}
    # who ran it (the writer's host, process and what it writes) is there too, for the run queue
    assert {"circulars/host", "circulars/pid", "circulars/process_started", "circulars/writes"} <= set(tags)
    tags = {k: v for k, v in tags.items() if k not in {"circulars/host", "circulars/pid", "circulars/process_started",
                                                         "circulars/writes"}}
    assert tags == {
        "circulars/new": "2",
        "circulars/duplicates": "0",
        "circulars/quarantined": "1",
        "circulars/log_events_appended": "62",
        "circulars/changes": "54",
    }


def test_each_partition_lists_what_its_circular_changed(ingested):
    instance = ingested["instance"]
    seed = _latest(instance, "circular_files", f"DOC-1497_2023-12-12_{SEED_SHA[:12]}")
    assert (seed["symbol"], seed["status"], seed["log_events"], seed["sha256"]) == ("DOC/1497", "parsed", 60, SEED_SHA)
    assert "events" not in seed  # the log-event count is named for what it is
    lines = seed["changes"].splitlines()
    assert "- Plan 2024 item 8 scheduled: Second half of February — Online experts meeting on development of the transit and transport potential of the CICA … (DOC/1497, p. 1)" in lines
    assert "- Budget 2024 Grand total approved: 4,759,000 USD (DOC/1497, p. 1)" in lines
    assert any(line.startswith("- Decision SOC/2023-III/DRAFT/3 put under silence procedure: pending silence until "
                               "2023-12-26 12:00 Astana (06:00 UTC)") for line in lines)
    assert len(lines) == 50  # the seed's 54 changes less the clock's 4 (deadlines passed): not the circular's own
    assert seed["received"].endswith(" UTC)") and " Astana (" in seed["received"]
    empty = _latest(instance, "circular_files", f"empty_{EMPTY_SHA[:12]}")
    assert (empty["status"], empty["log_events"]) == ("quarantined", 2)
    assert empty["changes"].startswith("_quarantined: nothing could be read from it")
    # what is open for a person, on the circular it concerns
    assert (seed["statements_not_read"], seed["open_review_items"], seed["review"]) == (0, 0, "none")
    assert empty["open_review_items"] == 1
    assert "quarantined_file: empty.pdf: empty_file: the file has no bytes" in empty["review"]


def test_previews_show_the_rows_the_run_changed_with_symbol_page_and_astana_time(ingested):
    instance = ingested["instance"]
    first_run = ingested["first"].run_id
    plan = _latest(instance, "plan_items")["preview"]
    assert plan.startswith(f"Rows changed by run {first_run[:8]} (the latest that projected new events), events 1–62: 20 of 27 shown.")
    header = plan.splitlines()[2]
    assert header.startswith("| circular | page | plan_year | item_no | title |") and header.endswith("| circular_sha256 |")
    assert "| DOC/1497 | 1 | 2024 | 8 | Online experts meeting" in plan
    assert f"| {SEED_SHA} |" in plan  # the hash whole, in its own column
    decisions = _latest(instance, "decisions")["preview"]
    assert "2023-12-26 12:00 Astana (06:00 UTC)" in decisions
    assert "2023-12-12 00:00 Astana (2023-12-11 18:00 UTC)" in decisions
    changes = _latest(instance, "changes")
    assert changes["preview"].splitlines()[2] == "| valid (Astana) | known | sentence |"
    assert "Budget 2024 Grand total approved: 4,759,000 USD (DOC/1497, p. 1)" in changes["preview"]
    assert changes["dagster/row_count"] == 54


def test_materializing_everything_with_nothing_new_erases_nothing(ingested):
    from dagster import in_process_executor

    from pipelines.definitions import defs

    # The UI's "Materialize all" runs the implicit asset job, with the definitions' executor: one process.
    assert ingested["job"].executor_def is in_process_executor
    assert defs.resolve_implicit_global_asset_job_def().executor_def is in_process_executor
    instance = ingested["instance"]
    after = _latest(instance, "events")
    before = ingested["events_before"]
    assert after["appended"] == 0 and after["ingest_report"]["new"] == []  # this run's own report: nothing new
    assert after["last_ingestion"] == before["last_ingestion"]  # the last real ingestion, carried forward
    last = after["last_ingestion"]
    assert last["run_id"] == ingested["first"].run_id
    assert (last["new_circulars"], last["quarantined"], last["log_events_appended"]) == (2, 1, 62)
    assert sorted(last["report"]["new"]) == sorted([SEED_SHA, EMPTY_SHA])
    assert after["last_ingestion_summary"].startswith(f"run {ingested['first'].run_id[:8]} at ")
    state = _latest(instance, "plan_items")
    assert state["events_projected"] == 0
    assert state["last_projection"].startswith(f"run {ingested['first'].run_id[:8]} projected events 1–62 (62) at ")
    assert state["dagster/row_count"] == 27
    run = instance.get_run_by_id(ingested["again"].run_id)
    assert run.tags["circulars/new"] == "0" and run.tags["circulars/changes"] == "0"
