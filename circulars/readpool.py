"""Reading many circulars in parallel, each under a time and memory limit.

Workers never touch DuckDB: each returns its reading (events as JSON-ready dicts,
or a quarantine reason) and the caller stages it on disk for the single log
writer. One file cannot stall or sink the batch: a per-file alarm turns a
runaway parse into a `timeout` quarantine (and pebble's per-task timeout kills
and replaces a worker the alarm cannot reach), an address-space limit turns a
memory bomb into `out_of_memory`, and a worker that dies outright is quarantined
as `unreadable` on its own file, the others going on.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from circulars.files import atomic_write
from circulars.home import Home
from circulars.reading import READER_VERSION, read_circular
from circulars.reading.errors import ReadError
from circulars.store import ContentStore
from models.events import CircularQuarantined

DEFAULT_TIME_LIMIT = 120.0
DEFAULT_MEMORY_LIMIT = 2 * 1024**3


def hard_deadline(time_limit: float) -> float:
    """How long a worker may run before it is killed: the alarm should fire at `time_limit`;
    this catches a reader stuck where the alarm cannot reach (C code, blocked signals)."""
    return time_limit + min(30.0, max(2.0, time_limit))


def reading_id_for(sha256: str, reader_version: str | None = None) -> str:
    """One reading per circular and reader version: re-reading with the same reader adds nothing."""
    return f"{sha256[:16]}.r{reader_version or READER_VERSION}"


@dataclass(frozen=True)
class ReadJob:
    sha256: str
    file_name: str
    path: str
    time_limit: float = DEFAULT_TIME_LIMIT
    memory_limit: int = DEFAULT_MEMORY_LIMIT


@dataclass
class ReadOutcome:
    sha256: str
    file_name: str
    reading_id: str
    reader_version: str
    status: str  # parsed | quarantined
    events: list[dict] = field(default_factory=list)  # {"event_type": ..., **payload}
    reason_code: str | None = None
    reason: str | None = None
    page_count: int | None = None
    seconds: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ReadOutcome:
        return cls(**json.loads(text))


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no reader's `except Exception` swallows it."""


def _on_alarm(signum, frame):  # pragma: no cover - signal handler
    raise _Timeout()


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise _Timeout in this thread after `seconds` (main thread only: signals reach no other)."""
    usable = bool(seconds) and hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)


def _quarantine(job: ReadJob, reading_id: str, code: str, message: str, page: int | None, started: float) -> ReadOutcome:
    event = CircularQuarantined(
        circular_sha256=job.sha256,
        page=page,
        valid_at=datetime.now(UTC),
        reading_id=reading_id,
        reader_version=READER_VERSION,
        reason_code=code,
        reason=message,
    )
    return ReadOutcome(
        sha256=job.sha256,
        file_name=job.file_name,
        reading_id=reading_id,
        reader_version=READER_VERSION,
        status="quarantined",
        events=[event.model_dump(mode="json")],
        reason_code=code,
        reason=message,
        seconds=time.perf_counter() - started,
    )


def read_job(job: ReadJob) -> ReadOutcome:
    """Read one stored circular; every failure becomes a quarantine outcome, never an exception."""
    started = time.perf_counter()
    reading_id = reading_id_for(job.sha256)
    try:
        with _alarm(job.time_limit):
            return _read(job, reading_id, started)
    except _Timeout:
        return _quarantine(job, reading_id, "timeout", f"reading took longer than {job.time_limit:g} s", None, started)


def _read(job: ReadJob, reading_id: str, started: float) -> ReadOutcome:
    try:
        data = Path(job.path).read_bytes()
        reading = read_circular(data, file_name=job.file_name, sha256=job.sha256, reading_id=reading_id)
        events = [event.model_dump(mode="json") for event in reading.events]
        return ReadOutcome(
            sha256=job.sha256,
            file_name=job.file_name,
            reading_id=reading_id,
            reader_version=READER_VERSION,
            status="parsed",
            events=events,
            page_count=reading.document.page_count,
            seconds=time.perf_counter() - started,
        )
    except ReadError as error:
        return _quarantine(job, reading_id, error.code, error.message, error.page, started)
    except MemoryError:
        return _quarantine(
            job, reading_id, "out_of_memory", f"reading needed more than {job.memory_limit / 2**20:.0f} MiB", None, started
        )
    except RecursionError:
        return _quarantine(job, reading_id, "unreadable", "the file nests objects too deeply to read", None, started)
    except Exception as error:  # the reader's own bug must not sink the batch: keep it visible
        detail = f"{type(error).__name__}: {error}"[:500]
        return _quarantine(job, reading_id, "unreadable", f"reader failed: {detail}", None, started)


def _address_space_in_use() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """A worker outlives nothing: if the process that started it dies (even by SIGKILL), it exits.

    The kernel is asked to kill it (Linux PR_SET_PDEATHSIG) and, where that is not
    available, a watchdog thread notices the parent is gone. Without this, workers of a
    killed ingestion would wait forever on the pool's queue.
    """
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _start_worker(limit: int) -> None:
    _die_with_parent()
    _limit_memory(limit)


def _limit_memory(limit: int) -> None:
    """Cap the worker's address space at what it already maps plus `limit`.

    Workers are forked from the caller, so they start with its whole address space
    (Dagster and its imports); the limit is on what reading may add to that.
    """
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = _address_space_in_use() + limit
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass


def read_many(jobs: list[ReadJob], *, workers: int = 1) -> Iterator[ReadOutcome]:
    """Read every job in worker processes (at most `workers` at once); yields outcomes as they complete.

    The pool is pebble's `ProcessPool`: each job runs under its memory limit (set by the worker's
    initializer, with die-with-parent) and its time limit, enforced twice: by an alarm inside the
    worker and, should that not fire, by pebble killing and replacing that worker alone at the hard
    deadline. A worker that dies is reported on its own job (`ProcessExpired`): the others go on.
    Should pebble not tell which job a dead worker held (the pool reports itself broken), those jobs
    are read again one at a time, so the culprit alone is quarantined.
    """
    if not jobs:
        return
    memory = max(job.memory_limit for job in jobs)
    pool = ProcessPool(max_workers=max(1, min(workers, len(jobs))), initializer=_start_worker, initargs=(memory,))
    suspects: list[ReadJob] = []
    try:
        futures = {pool.schedule(read_job, args=(job,), timeout=hard_deadline(job.time_limit)): job for job in jobs}
        for future in as_completed(futures):
            outcome = _outcome(futures[future], future)
            if outcome is None:
                suspects.append(futures[future])
            else:
                yield outcome
    finally:
        pool.stop()
        pool.join()
    for job in suspects:
        yield _read_isolated(job)


def _outcome(job: ReadJob, future) -> ReadOutcome | None:
    """The job's outcome from its finished future; None when the pool broke and the culprit is unknown."""
    try:
        return future.result()
    except TimeoutError:
        return _timed_out(job)
    except ProcessExpired as error:
        return _died(job, error.exitcode)
    except BrokenProcessPool:
        return None


def _died(job: ReadJob, exitcode: int | None) -> ReadOutcome:
    how = f" (signal {-exitcode})" if exitcode is not None and exitcode < 0 else ""
    return _quarantine(
        job, reading_id_for(job.sha256), "unreadable",
        f"the reading process died{how} (a crash, or killed: perhaps out of memory)", None,
        time.perf_counter(),
    )


def _timed_out(job: ReadJob) -> ReadOutcome:
    return _quarantine(
        job, reading_id_for(job.sha256), "timeout", f"reading took longer than {job.time_limit:g} s", None,
        time.perf_counter() - hard_deadline(job.time_limit),
    )


def _read_isolated(job: ReadJob) -> ReadOutcome:
    """Read one job alone in a fresh process: a death or a hang now has exactly one culprit."""
    pool = ProcessPool(max_workers=1, initializer=_start_worker, initargs=(job.memory_limit,))
    try:
        outcome = _outcome(job, pool.schedule(read_job, args=(job,), timeout=hard_deadline(job.time_limit)))
    finally:
        pool.stop()
        pool.join()
    return outcome if outcome is not None else _died(job, None)


def jobs_for(home: Home, items: list[tuple[str, str]], *, time_limit: float, memory_limit: int) -> list[ReadJob]:
    store = ContentStore(home.store)
    return [
        ReadJob(sha256=sha, file_name=name, path=str(store.path_for(sha)), time_limit=time_limit, memory_limit=memory_limit)
        for sha, name in items
    ]


def stage(home: Home, outcome: ReadOutcome) -> Path:
    """Write a reading where the log writer will find it (atomic rename)."""
    return atomic_write(home.readings / f"{outcome.reading_id}.json", outcome.to_json())


def staged(home: Home) -> list[tuple[Path, ReadOutcome]]:
    """Readings waiting for the log writer; one another process consumed while we listed is skipped,
    one that cannot be parsed is set aside as `*.json.bad` (the circular is then simply read again)."""
    if not home.readings.exists():
        return []
    items = []
    for path in sorted(home.readings.glob("*.json")):
        try:
            items.append((path, ReadOutcome.from_json(path.read_text(encoding="utf-8"))))
        except FileNotFoundError:
            continue
        except (ValueError, TypeError):
            path.replace(path.with_name(path.name + ".bad"))
    return items
