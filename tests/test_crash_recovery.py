"""Crashes: a process SIGKILLed at any point of ingestion loses nothing and half-writes nothing.

Each case runs the ingestion in a real subprocess and kills it (SIGKILL: no clean-up,
no `finally`) at one point — mid-store, after a store write, after journaling, mid-reading,
inside the append transaction, right after its commit, while mirroring the log, while
projecting — then runs it again. The second run must complete the batch exactly once:
one CircularReceived and one reading per file, `seq` gapless, the chain, the store and
the mirror verified, every file in the store byte for byte, nothing left in the inbox
or staging. The fault points are set inside the subprocess by wrapping the step's
function (no hook in the code under test). One case kills the real `circulars ingest`
command mid-batch by timing alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from circulars.db import connect
from circulars.home import resolve_home
from circulars.store import ContentStore
from pipelines.instance import prepare
from tests.conftest import BAD, PDFS, SEED_TEXT, TEXTS
from tests.processes import (
    CIRCULARS,
    DRIVER,
    REPO,
    assert_batch_complete_exactly_once,
    drop,
    run_driver,
    sha_of,
    subprocess_env,
)

pytestmark = pytest.mark.slow  # real subprocesses, killed and run again

# The batch: three circulars and one bad file (a quarantine is part of the batch too).
BATCH = [
    SEED_TEXT,
    TEXTS / "005_silence_opened_DOC-1510.txt",
    TEXTS / "010_silence_concluded_DOC-1503.txt",
    BAD / "html_named.pdf",
]


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("driver") / "ingest_driver.py"
    path.write_text(DRIVER)
    return path


CRASH_POINTS = [
    "store_before_rename",
    "after_store",
    "after_journal",
    "during_read",
    "before_commit",
    "after_commit",
    "during_mirror",
    "during_projection",
]


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_killed_ingestion_completes_exactly_once_on_the_next_run(tmp_path, driver, crash_at):
    home = prepare(resolve_home(tmp_path / "home"))
    drop(home, BATCH)
    crashed = run_driver(home, driver, crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]

    # What the kill left: never a half-written file at a content address, never a partial append.
    store = ContentStore(home.store)
    for source in BATCH:
        path = store.path_for(sha_of(source))
        assert not path.exists() or path.read_bytes() == source.read_bytes()
    if crash_at == "store_before_rename":
        assert not store.all_sha256s()
        assert len(list(home.store.glob("*/.*.tmp"))) == 1  # the temporary the rename never published
    if crash_at in ("store_before_rename", "after_store", "after_journal", "during_read", "before_commit") \
            and home.database.exists():
            with connect(home.database, read_only=True) as con:
                tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
                assert "events" not in tables or con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    if crash_at == "after_journal":
        assert len(list(home.arrivals.glob("*.json"))) == 2

    completed = run_driver(home, driver)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert_batch_complete_exactly_once(home, BATCH)


def test_killed_ingestion_with_an_appended_batch_then_a_new_file(tmp_path, driver):
    """A run killed after its commit, then a run bringing one more file: the first batch stays once."""
    home = prepare(resolve_home(tmp_path / "home"))
    drop(home, BATCH[:2])
    assert run_driver(home, driver, "after_commit").returncode == -signal.SIGKILL
    drop(home, BATCH[2:])
    assert run_driver(home, driver).returncode == 0
    assert_batch_complete_exactly_once(home, BATCH)


def test_store_publishes_only_whole_files(tmp_path, monkeypatch):
    """The store writes a temporary, fsyncs, then renames: a failure before the rename publishes nothing."""
    store = ContentStore(tmp_path / "store")
    data = SEED_TEXT.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    renames = []
    real_replace = os.replace

    def failing_replace(source, target):
        renames.append((Path(source).name, Path(target).name))
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        store.put_bytes(data)
    assert renames == [(f".{sha}.{os.getpid()}.tmp", sha)]
    assert sha not in store
    monkeypatch.setattr(os, "replace", real_replace)
    assert store.put_bytes(data) == (sha, True)
    assert store.read(sha) == data
    assert not os.access(store.path_for(sha), os.W_OK) or os.geteuid() == 0
    assert store.path_for(sha).stat().st_mode & 0o222 == 0


def test_real_circulars_ingest_killed_mid_batch_then_rerun(tmp_path):
    """`circulars ingest` on a folder, SIGKILLed (with its reading workers) once readings are being
    staged; `circulars ingest` again completes the batch exactly once and `circulars verify` passes."""
    home = prepare(resolve_home(tmp_path / "home"))
    folder = tmp_path / "batch"
    folder.mkdir()
    sources = [
        PDFS / "000_seed_DOC-1497.a4serif.pdf",
        PDFS / "040_plan_2025_DOC-1601.lettersans.pdf",
        PDFS / "020_plan_amendment_DOC-1532.a4serif.pdf",
        PDFS / "030_budget_revision_DOC-1560.lettersans.pdf",
        TEXTS / "005_silence_opened_DOC-1510.txt",
        BAD / "html_named.pdf",
    ]
    for source in sources:
        (folder / source.name).write_bytes(source.read_bytes())
    env = subprocess_env(home)
    process = subprocess.Popen(
        [CIRCULARS, "ingest", str(folder), "--workers", "2", "-q"], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 150
    try:
        while not list(home.readings.glob("*.json")):
            assert process.poll() is None, "the run ended before it could be killed mid-batch"
            assert time.monotonic() < deadline, "no reading was staged in time"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    staged = len(list(home.readings.glob("*.json")))
    assert 1 <= staged < len(sources), "killed mid-reading: some, not all, readings staged"
    if home.database.exists():
        with connect(home.database, read_only=True) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            assert "events" not in tables or con.execute("SELECT count(*) FROM events").fetchone()[0] == 0

    rerun = subprocess.run([CIRCULARS, "ingest", "--json"], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    summary = json.loads(rerun.stdout)
    assert summary["success"] is True
    assert sorted(item["file_name"] for item in summary["new"]) == sorted(s.name for s in sources)
    assert [(q["file_name"], q["reason_code"]) for q in summary["quarantined"]] == [("html_named.pdf", "not_a_pdf")]
    assert_batch_complete_exactly_once(home, sources)
    verified = subprocess.run([CIRCULARS, "verify"], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "hash chain intact" in verified.stdout
