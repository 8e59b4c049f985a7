"""The Dagster UI in a real browser: the asset graph, a circular's partition metadata, a table's checks.

What a person sees is what is tested: the seed is ingested into a fresh home, the
real `dagster-webserver` serves it on a free local port, and Debian's chromium
(driven by playwright, never a downloaded browser) opens the pages. Skipped, saying
why, where /usr/bin/chromium is absent (`scripts/install-browser` installs it).
Screenshots land in `artifacts/ui/` for a person to look at after a CI run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.instance import prepare

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
SEED_TEXT = REPO / "tests" / "fixtures" / "text" / "000_seed_DOC-1497.txt"
SEED_SHA = hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
SEED_PARTITION = f"DOC-1497_2023-12-12_{SEED_SHA[:12]}"
EMPTY = REPO / "tests" / "fixtures" / "bad" / "empty.pdf"  # quarantined: the UI must say so
EMPTY_SHA = hashlib.sha256(EMPTY.read_bytes()).hexdigest()
EMPTY_PARTITION = f"empty_{EMPTY_SHA[:12]}"
SCREENSHOTS = REPO / "artifacts" / "ui"
ASSETS = ("inbox_arrivals", "circular_files", "circular_readings", "events", "decisions", "plan_items", "budget_lines")

SEED_RUN: dict[str, str] = {}  # the id of the run that ingested the seed, set by `seeded_home`
SERVER_START_SECONDS = 90
PAGE_SECONDS = 30
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is absent: the browser test needs Debian's chromium (run scripts/install-browser)",
    ),
    pytest.mark.timeout(240),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory):
    """The seed and an empty file ingested through the whole job into a fresh home with its own Dagster instance."""
    from dagster import DagsterInstance

    from circulars.cli import copy_into_inbox, run_ingestion
    from circulars.home import resolve_home

    root = tmp_path_factory.mktemp("ui") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCULARS_HOME", str(root))
        patch.setenv("DAGSTER_HOME", str(root / "dagster"))
        home = prepare(resolve_home(root))
        copy_into_inbox(home, [SEED_TEXT, EMPTY])
        result = run_ingestion(home, now="2024-01-15T00:00:00+00:00")
        assert result.success
        with DagsterInstance.get() as instance:
            partitions = instance.get_dynamic_partitions("circulars")
    assert sorted(partitions) == sorted([SEED_PARTITION, EMPTY_PARTITION])
    SEED_RUN["id"] = result.run_id
    return home


@pytest.fixture(scope="module")
def webserver(seeded_home, tmp_path_factory):
    """`dagster-webserver` on a free port over the seeded home; its whole process group is killed afterwards."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CIRCULARS_HOME": str(seeded_home.root),
        "DAGSTER_HOME": str(seeded_home.dagster_home),
        "DAGSTER_TELEMETRY_DISABLED": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    log_path = tmp_path_factory.mktemp("ui-log") / "webserver.log"
    executable = Path(sys.executable).parent / "dagster-webserver"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [str(executable), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"dagster-webserver exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"dagster-webserver not up after {SERVER_START_SECONDS} s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the webserver's process group (it and its code server), then SIGKILL to whatever is left."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=5)


@pytest.fixture(scope="module")
def page(webserver):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=PAGE_SECONDS * 1000
        )
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1100}, base_url=webserver)
            tab = context.new_page()
            tab.set_default_timeout(PAGE_SECONDS * 1000)
            tab.set_default_navigation_timeout(PAGE_SECONDS * 1000)
            yield tab
        finally:
            browser.close()


def test_the_asset_graph_shows_every_asset(page):
    from playwright.sync_api import expect

    page.goto("/asset-groups", wait_until="domcontentloaded")
    expect(page.get_by_text("Global asset lineage")).to_be_visible()
    for group in ("intake", "reading", "log", "state"):
        expect(page.get_by_text(group, exact=True).first).to_be_visible()
    page.mouse.click(1000, 300)  # focus the graph, then its shortcut: expand all groups
    page.keyboard.press("Alt+e")
    for name in ASSETS:
        expect(page.get_by_text(name, exact=True).first).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "asset-graph.png"))


def test_a_circular_partition_shows_its_metadata(page):
    from playwright.sync_api import expect

    page.goto(f"/assets/circular_files?view=partitions&partition={SEED_PARTITION}", wait_until="domcontentloaded")
    expect(page.get_by_text("DOC/1497", exact=True)).to_be_visible()
    for label, value in (
        ("symbol", "DOC/1497"),
        ("issued_on", "2023-12-12"),
        ("place", "Astana"),
        ("languages", "en, ru, kk"),
        ("status", "parsed"),
        ("log_events", "60"),
        ("file_name", SEED_TEXT.name),
        ("sha256", SEED_SHA),
    ):
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
        expect(page.get_by_text(value, exact=True).first).to_be_visible()
    expect(page.get_by_text(re.compile(rf"store/{SEED_SHA[:2]}/{SEED_SHA}$")).first).to_be_visible()
    # the UTC time carries its own date when it falls on another day than Astana's (after 19:00 UTC)
    expect(page.get_by_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d Astana \((\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\)$")).first).to_be_visible()
    expect(page.get_by_text("changes", exact=True).first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "circular-partition.png"))
    page.get_by_text("[Show Markdown]").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(
        "Plan 2024 item 8 scheduled: Second half of February — Online experts meeting on development of the transit "
        "and transport potential of the CICA … (DOC/1497, p. 1)")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "circular-partition-changes.png"))
    page.keyboard.press("Escape")


def test_a_quarantined_circular_shows_a_failed_warning_check(page):
    from playwright.sync_api import expect

    page.goto("/assets/circular_files?view=checks", wait_until="domcontentloaded")
    expect(page.get_by_text("circular_files_read_in_full", exact=True).first).to_be_visible()
    expect(page.get_by_text("Failed").first).to_be_visible()
    expect(page.get_by_text("1 circular(s) quarantined", exact=True).first).to_be_visible()
    expect(page.get_by_text("This is a non-blocking asset check.").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "quarantine-check.png"))
    page.get_by_text("[Show Markdown]").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(rf"empty\.pdf.*quarantined.*partition {EMPTY_PARTITION}"))).to_be_visible()
    page.keyboard.press("Escape")
    page.goto(f"/assets/circular_files?view=partitions&partition={EMPTY_PARTITION}", wait_until="domcontentloaded")
    expect(page.get_by_text("quarantined", exact=True).first).to_be_visible()
    expect(page.get_by_text("empty_file: the file has no bytes; expected a PDF or the text of a circular", exact=True).first).to_be_visible()


def test_a_table_shows_its_row_count_preview_and_checks(page):
    from playwright.sync_api import expect

    page.goto("/assets/plan_items", wait_until="domcontentloaded")
    expect(page.get_by_text("Row count", exact=True)).to_be_visible()
    expect(page.get_by_text("27", exact=True).first).to_be_visible()
    page.get_by_text("[Show Markdown]").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text(re.compile(r"^Rows changed by .*events 1–62: 20 of 27 shown\.$"))).to_be_visible()
    expect(dialog.get_by_text("CICA Training Program on Risk Analysis and Search Techniques")).to_be_visible()
    expect(dialog.get_by_text("Second half of February", exact=True)).to_be_visible()
    expect(dialog.get_by_text("DOC/1497", exact=True).first).to_be_visible()  # provenance: symbol and page
    expect(dialog.get_by_text(SEED_SHA, exact=True).first).to_be_visible()  # the hash whole, in its own column
    dialog.get_by_text("plan_year", exact=True).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "table-preview.png"))
    page.keyboard.press("Escape")

    page.goto("/assets/plan_items?view=checks", wait_until="domcontentloaded")
    # one check, the table's suite; its description lists the suite's expectations
    expect(page.get_by_text("expectations", exact=True).first).to_be_visible()
    for check in ("plan_items_item_no_unique", "plan_items_interval_ordered", "plan_items_within_plan_year"):
        expect(page.get_by_text(check).first).to_be_visible()
    expect(page.get_by_text("Succeeded").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "table-checks.png"))


@pytest.fixture
def daemon(seeded_home, webserver):
    """`dagster-daemon`, which starts the runs the UI queues; its process group is killed afterwards."""
    env = {
        **os.environ,
        "CIRCULARS_HOME": str(seeded_home.root),
        "DAGSTER_HOME": str(seeded_home.dagster_home),
        "DAGSTER_TELEMETRY_DISABLED": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }
    log_path = seeded_home.root.parent / "daemon.log"
    executable = Path(sys.executable).parent / "dagster-daemon"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(executable), "run", "-w", "workspace.yaml"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield log_path
    finally:
        _stop(process)


def _latest_events_metadata(instance) -> dict:
    from dagster import AssetKey

    event = instance.get_latest_materialization_event(AssetKey("events"))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def test_materialize_all_from_the_ui_runs_in_process_and_keeps_the_last_ingestion(page, seeded_home, daemon):
    """Last: it adds a run. "Materialize all" must run as the sensor's run does and erase nothing."""
    from dagster import DagsterInstance, DagsterRunStatus
    from playwright.sync_api import expect

    with DagsterInstance.from_config(str(seeded_home.dagster_home)) as instance:
        before = _latest_events_metadata(instance)
        assert before["last_ingestion"]["run_id"] == SEED_RUN["id"]
        known_runs = {r.run_id for r in instance.get_runs()}
        page.goto("/asset-groups", wait_until="domcontentloaded")
        expect(page.get_by_text("Global asset lineage")).to_be_visible()
        button = page.get_by_role("button", name=re.compile(r"Materialize all \(\d+\)"))
        expect(button).to_be_enabled()
        button.click()
        deadline = time.monotonic() + 180
        run = None
        while time.monotonic() < deadline:
            fresh = [r for r in instance.get_runs() if r.run_id not in known_runs]
            if fresh and fresh[0].status in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
                run = fresh[0]
                break
            time.sleep(1)
        assert run is not None, f"the run did not finish:\n{daemon.read_text()[-3000:]}"
        assert run.status == DagsterRunStatus.SUCCESS
        engine = [e.message for e in instance.all_logs(run.run_id)
                  if e.is_dagster_event and e.dagster_event.event_type_value == "ENGINE_EVENT"]
        assert any(m.startswith("Executing steps in process") for m in engine), engine
        assert not any("subprocess" in m.lower() for m in engine), engine
        after = _latest_events_metadata(instance)
        assert after["appended"] == 0
        assert after["last_ingestion"] == before["last_ingestion"]
        assert (after["last_ingestion"]["new_circulars"], after["last_ingestion"]["quarantined"]) == (2, 1)
        assert run.tags.get("circulars/new") == "0"
    page.goto("/assets/events", wait_until="domcontentloaded")
    expect(page.get_by_text("last_ingestion_summary", exact=True).first).to_be_visible()
    expect(page.get_by_text(re.compile(rf"^run {SEED_RUN['id'][:8]} at .*: 2 new, 0 duplicate, 1 quarantined"))
           .first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "events-after-materialize-all.png"))
