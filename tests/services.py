"""Processes the deployed path needs, started and always stopped: the Dagster daemon and a
throw-away PostgreSQL cluster. Used by `tests/test_deployed.py` and `benchmarks/latency.py`.

Every process is started in its own session and stopped by killing its process group,
also when the code that started it fails (context managers; the tests use them as fixtures).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("CIRCULARS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "nobody"
"""The unprivileged user the server runs as when we are root (PostgreSQL refuses to run as root)."""


def service_env(home_root: Path, *, pg_url: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a daemon (and of the CLI next to it) over one data home."""
    env = dict(os.environ)
    env.update(
        CIRCULARS_HOME=str(home_root),
        DAGSTER_HOME=str(home_root / "dagster"),
        DAGSTER_TELEMETRY_DISABLED="1",
        GX_ANALYTICS_ENABLED="false",
        PYTHONPATH=str(REPO),
    )
    env.pop("CIRCULARS_DAGSTER_PG", None)
    if pg_url:
        env["CIRCULARS_DAGSTER_PG"] = pg_url
    env.update(extra)
    return env


def stop_group(process: subprocess.Popen, *, grace: float = 20.0, first: int = signal.SIGTERM) -> None:
    """Stop a process started with `start_new_session=True` and everything in its session."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, first)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    # Whatever is left of the session (the code server, a run worker, reading workers).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(10)


def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.25):
    """Poll until `predicate()` is truthy; its value, or AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@contextlib.contextmanager
def dagster_daemon(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """`dagster-daemon run -w workspace.yaml` from the repository root; stopped on exit, whatever happens."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            yield process
        finally:
            stop_group(process)


# --- a throw-away PostgreSQL cluster -------------------------------------------------------------


def postgres_missing() -> str | None:
    """Why a PostgreSQL server cannot be started here (None: it can)."""
    for tool in ("initdb", "postgres"):
        if not (PG_BIN / tool).exists():
            return f"PostgreSQL server binaries not found at {PG_BIN} (apt-get install postgresql-15; .ci/run does)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            return f"running as root and there is no unprivileged user {PG_USER!r} to run the server as"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user() -> dict:
    """Popen arguments running a child as the unprivileged user when we are root."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(PG_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@contextlib.contextmanager
def throwaway_postgres(*, database: str = "dagster") -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1, run as an
    unprivileged user; yields its SQLAlchemy URL (trust authentication, local only). Removed on exit."""
    reason = postgres_missing()
    if reason:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="circulars-pg-"))
    data = folder / "data"
    as_user = _as_server_user()
    if as_user:
        os.chown(folder, as_user["user"], as_user["group"])
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "HOME": str(folder)}
    port = _free_port()
    server = None
    try:
        subprocess.run(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            env=env, cwd=folder, check=True, capture_output=True, timeout=180, **as_user,
        )
        log = open(folder / "server.log", "wb")  # noqa: SIM115 - the server writes it until it is stopped
        server = subprocess.Popen(
            [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-h", "127.0.0.1", "-k", str(folder),
             "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
             "-c", "max_connections=60", "-c", "shared_buffers=32MB"],
            env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **as_user,
        )
        log.close()
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        _wait_for_server(server, url, folder)
        _create_database(url, database)
        # The SQLAlchemy URL Dagster takes: the driver named (SQLAlchemy 2.1 reads a bare
        # postgresql:// as psycopg 3; dagster-postgres brings psycopg2).
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/{database}"
    finally:
        if server is not None:
            # SIGINT: PostgreSQL's fast shutdown (disconnects clients, no waiting for them).
            stop_group(server, grace=20, first=signal.SIGINT)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_server(server: subprocess.Popen, url: str, folder: Path) -> None:
    import psycopg2

    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"postgres exited with {server.returncode}: {(folder / 'server.log').read_text()[-2000:]}")
        try:
            psycopg2.connect(url, connect_timeout=2).close()
            return
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _create_database(url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


# --- the daily schedule, evaluated at a chosen time through the code server -------------------------

SCHEDULE_TICK = r'''
"""Evaluate the daily schedule at a given instant in the code server and submit its run to the
instance's queue, as the scheduler daemon does at that time (its own functions)."""
import json, logging, sys
from datetime import datetime

from dagster import DagsterInstance
from dagster._core.definitions.timestamp import TimestampWithTimezone
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget
import dagster._daemon  # noqa: F401  (imports the scheduler in the order the daemon does)
from dagster._scheduler.scheduler import _submit_run_request

when = datetime.fromisoformat(sys.argv[1])
with DagsterInstance.get() as instance:
    with WorkspaceProcessContext(instance, WorkspaceFileTarget(paths=["workspace.yaml"])) as context:
        request_context = context.create_request_context()
        location = request_context.get_code_location("circulars")
        repository = next(iter(location.get_repositories().values()))
        schedule = repository.get_schedule("daily_ingest")
        data = location.get_schedule_execution_data(
            instance, repository.handle, "daily_ingest",
            TimestampWithTimezone(when.timestamp(), schedule.execution_timezone), None,
        )
        if not data.run_requests:
            print(json.dumps({"skipped": data.skip_message}))
            sys.exit(0)
        result = _submit_run_request(data.run_requests[0], context, schedule, when, logging.getLogger("tick"), None)
        if result.error_info:
            print(json.dumps({"error": result.error_info.to_string()}))
            sys.exit(1)
        run = result.submitted_run or result.existing_run
        print(json.dumps({"run_id": run.run_id, "tags": dict(run.tags)}))
'''


def schedule_tick(env: dict[str, str], when_iso: str, timeout: float = 180) -> dict:
    """The daily schedule's tick at `when_iso`, submitted to the queue the daemon serves."""
    import json

    process = subprocess.Popen(
        [sys.executable, "-c", SCHEDULE_TICK, when_iso], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        stop_group(process, grace=5)
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert process.returncode == 0 and lines, f"schedule tick failed ({process.returncode}): {stderr[-3000:]}"
    return json.loads(lines[-1])
