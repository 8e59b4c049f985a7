"""Running ingestion in a real subprocess, killing it, and checking what it left: shared by the crash,
concurrency and check-crash tests (helpers, not tests).

`DRIVER` runs the ingestion steps without Dagster and SIGKILLs itself at `CRASH_AT`; `run_driver`
runs a driver in its own session and fails if any of its processes lingers; `assert_batch_complete_exactly_once`
is what a finished batch must look like, whatever was killed before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from circulars.db import connect
from circulars.home import Home
from circulars.integrity import verify_log, verify_mirror, verify_store
from circulars.store import ContentStore

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CIRCULARS = str(Path(sys.executable).parent / "circulars")

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
