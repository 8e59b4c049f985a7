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

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from circulars.db import connect
from circulars.home import Home, resolve_home
from circulars.integrity import verify_log, verify_mirror, verify_store
from circulars.store import ContentStore
from pipelines.instance import prepare
from tests.conftest import BAD, PDFS, SEED_TEXT, TEXTS

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CIRCULARS = str(Path(sys.executable).parent / "circulars")

# The batch: three circulars and one bad file (a quarantine is part of the batch too).
BATCH = [
    SEED_TEXT,
    TEXTS / "005_silence_opened_DOC-1510.txt",
    TEXTS / "010_silence_concluded_DOC-1503.txt",
    BAD / "html_named.pdf",
]
EXPECTED_STATUS = {"html_named.pdf": ("quarantined", "not_a_pdf")}

DRIVER = r'''
"""Run the ingestion steps (as the job does, without Dagster) and SIGKILL this process at CRASH_AT."""
import contextlib, os, signal, sys
from datetime import UTC, datetime

from circulars import eventlog, ingest, intake, projections, readpool
from circulars.db import connect
from circulars.home import resolve_home
from circulars.store import ContentStore

CRASH_AT = os.environ.get("CRASH_AT", "")
home = resolve_home(sys.argv[1]).ensure()


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def kill_on_call(owner, name, n, *, before=False):
    original = getattr(owner, name)
    calls = [0]

    def wrapper(*args, **kwargs):
        calls[0] += 1
        if before and calls[0] == n:
            die()
        result = original(*args, **kwargs)
        if not before and calls[0] == n:
            die()
        return result

    setattr(owner, name, wrapper)


class KillingConnection:
    """A DuckDB connection that dies just before or just after the append's COMMIT."""

    def __init__(self, con):
        self._con = con

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql, *args):
        if sql == "COMMIT" and CRASH_AT == "before_commit":
            die()
        result = self._con.execute(sql, *args)
        if sql == "COMMIT" and CRASH_AT == "after_commit":
            die()
        return result


if CRASH_AT == "store_before_rename":
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if str(target).startswith(str(home.store)):
            die()
        return real_replace(source, target, *args, **kwargs)

    os.replace = replace
elif CRASH_AT == "after_store":
    kill_on_call(ContentStore, "put_bytes", 2)
elif CRASH_AT == "after_journal":
    kill_on_call(intake, "journal", 2)
elif CRASH_AT == "during_read":
    kill_on_call(readpool, "stage", 2)
elif CRASH_AT in ("before_commit", "after_commit"):
    real_connect = ingest.connect

    @contextlib.contextmanager
    def killing_connect(*args, **kwargs):
        with real_connect(*args, **kwargs) as con:
            yield KillingConnection(con)

    ingest.connect = killing_connect
elif CRASH_AT == "during_mirror":
    kill_on_call(eventlog, "_mirror_line", 3)
elif CRASH_AT == "during_projection":
    kill_on_call(projections, "rebuild_current", 2)

ingest.take_inbox(home)
ingest.read_pending(home, workers=2, time_limit=60)
ingest.append_to_log(home)
with connect(home.database) as con:
    projections.update_history(con)
    for table in projections.CURRENT_TABLES:
        projections.rebuild_current(con, table, datetime(2026, 1, 1, tzinfo=UTC))
print("completed")
'''


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subprocess_env(home: Home, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        CIRCULARS_HOME=str(home.root),
        DAGSTER_HOME=str(home.root / "dagster"),
        DAGSTER_TELEMETRY_DISABLED="1",
        GX_ANALYTICS_ENABLED="false",
        PYTHONPATH=str(REPO),
    )
    env.pop("CRASH_AT", None)
    env.update(extra)
    return env


def session_processes(session: int) -> list[int]:
    """Processes still alive in a session (the driver's reading workers, if any were orphaned)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def run_driver(home: Home, driver: Path, crash_at: str = "") -> subprocess.CompletedProcess:
    """Run the driver in its own session; after it ends, no process of its session may linger."""
    env = subprocess_env(home, **({"CRASH_AT": crash_at} if crash_at else {}))
    logs = home.root.parent / f"driver-{crash_at or 'clean'}-{time.monotonic_ns()}"
    with open(f"{logs}.out", "w+") as out, open(f"{logs}.err", "w+") as err:
        process = subprocess.Popen(
            [PYTHON, str(driver), str(home.root)], env=env, cwd=REPO, stdout=out, stderr=err, start_new_session=True
        )
        try:
            process.wait(180)
            deadline = time.monotonic() + 10
            while session_processes(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            orphans = session_processes(process.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())
    assert orphans == [], f"processes outlived the killed ingestion: {orphans}"
    return result


def drop(home: Home, sources: list[Path]) -> None:
    for source in sources:
        (home.inbox / source.name).write_bytes(source.read_bytes())


def leftovers(home: Home) -> list[str]:
    """Anything a finished ingestion should not leave behind: inbox files, staging, temporaries."""
    found = [str(p) for p in home.inbox.iterdir()]
    found += [str(p) for p in home.arrivals.iterdir()] + [str(p) for p in home.readings.iterdir()]
    found += [str(p) for p in home.store.glob("*/.*")]
    return found


def assert_batch_complete_exactly_once(home: Home, sources: list[Path], expected: dict | None = None) -> None:
    store = ContentStore(home.store)
    for source in sources:
        assert store.path_for(sha_of(source)).read_bytes() == source.read_bytes(), source.name
    with connect(home.database, read_only=True) as con:
        seqs = [r[0] for r in con.execute("SELECT seq FROM events ORDER BY seq").fetchall()]
        assert seqs == list(range(1, len(seqs) + 1))
        received = dict(con.execute(
            "SELECT circular_sha256, count(*) FROM events WHERE event_type = 'CircularReceived' GROUP BY 1"
        ).fetchall())
        readings = dict(con.execute(
            "SELECT circular_sha256, count(DISTINCT payload->>'reading_id') FROM events "
            "WHERE event_type IN ('CircularIdentified', 'CircularQuarantined') GROUP BY 1"
        ).fetchall())
        duplicates = con.execute("SELECT count(*) - count(DISTINCT event_id) FROM events").fetchone()[0]
        rows = {r[0]: r[1:] for r in con.execute("SELECT sha256, status, reason_code, file_names FROM circulars").fetchall()}
        projected = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = 'history'").fetchone()[0]
        problems = (
            verify_log(con).problems + verify_store(con, store).problems + verify_mirror(con, home.log_mirror).problems
        )
    assert problems == []
    assert duplicates == 0
    assert projected == seqs[-1]
    wanted = {sha_of(s) for s in sources}
    assert received == {sha: 1 for sha in wanted}
    assert readings == {sha: 1 for sha in wanted}
    assert set(rows) == wanted
    for source in sources:
        status, code, names = rows[sha_of(source)]
        assert (status, code) == (expected or EXPECTED_STATUS).get(source.name, ("parsed", None)), source.name
        assert names == [source.name]
    assert leftovers(home) == []


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
