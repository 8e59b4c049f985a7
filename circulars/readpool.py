"""Reading many circulars in parallel, each under a time and memory limit.

Workers never touch DuckDB: each returns its reading (events as JSON-ready dicts,
or a quarantine reason) and the caller stages it on disk for the single log
writer. One file cannot stall or sink the batch: a per-file alarm turns a
runaway parse into a `timeout` quarantine, an address-space limit turns a memory
bomb into `out_of_memory`, and a worker that dies outright is retried alone and
then quarantined as `unreadable`.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from circulars.home import Home
from circulars.reading import READER_VERSION, read_circular
from circulars.reading.errors import ReadError
from circulars.store import ContentStore
from models.events import CircularQuarantined

DEFAULT_TIME_LIMIT = 120.0
DEFAULT_MEMORY_LIMIT = 2 * 1024**3


def reading_id_for(sha256: str, reader_version: str = READER_VERSION) -> str:
    """One reading per circular and reader version: re-reading with the same reader adds nothing."""
    return f"{sha256[:16]}.r{reader_version}"


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
    def from_json(cls, text: str) -> "ReadOutcome":
        return cls(**json.loads(text))


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - signal handler
    raise _Timeout()


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
    use_alarm = job.time_limit and hasattr(signal, "SIGALRM")
    previous = None
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, job.time_limit)
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
    except _Timeout:
        return _quarantine(job, reading_id, "timeout", f"reading took longer than {job.time_limit:g} s", None, started)
    except MemoryError:
        return _quarantine(
            job, reading_id, "out_of_memory", f"reading needed more than {job.memory_limit / 2**20:.0f} MiB", None, started
        )
    except RecursionError:
        return _quarantine(job, reading_id, "unreadable", "the file nests objects too deeply to read", None, started)
    except Exception as error:  # the reader's own bug must not sink the batch: keep it visible
        return _quarantine(job, reading_id, "unreadable", f"reader failed: {type(error).__name__}: {error}", None, started)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)


def _limit_memory(limit: int) -> None:
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass


def read_many(jobs: list[ReadJob], *, workers: int = 1) -> Iterator[ReadOutcome]:
    """Read every job, in parallel when workers > 1; yields outcomes as they complete."""
    if not jobs:
        return
    if workers <= 1 or len(jobs) == 1:
        for job in jobs:
            yield read_job(job)
        return
    remaining = list(jobs)
    while remaining:
        memory = max(job.memory_limit for job in remaining)
        pool = ProcessPoolExecutor(max_workers=min(workers, len(remaining)), initializer=_limit_memory, initargs=(memory,))
        futures = {}
        try:
            futures = {pool.submit(read_job, job): job for job in remaining}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = futures[future]
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        continue
                    remaining.remove(job)
                    yield outcome
        except BrokenProcessPool:
            pass
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if remaining:
            # A worker died (killed by the kernel, a crash in a C extension): read the rest one at a time,
            # each in a fresh process, so the culprit is identified and quarantined alone.
            for job in list(remaining):
                yield _read_isolated(job)
                remaining.remove(job)


def _read_isolated(job: ReadJob) -> ReadOutcome:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, initializer=_limit_memory, initargs=(job.memory_limit,)) as pool:
        try:
            return pool.submit(read_job, job).result(timeout=job.time_limit * 2 + 30)
        except BrokenProcessPool:
            return _quarantine(
                job, reading_id_for(job.sha256), "unreadable", "the reading process died (crash or killed)", None, started
            )
        except TimeoutError:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
            return _quarantine(
                job, reading_id_for(job.sha256), "timeout", f"reading took longer than {job.time_limit:g} s", None, started
            )


def jobs_for(home: Home, items: list[tuple[str, str]], *, time_limit: float, memory_limit: int) -> list[ReadJob]:
    store = ContentStore(home.store)
    return [
        ReadJob(sha256=sha, file_name=name, path=str(store.path_for(sha)), time_limit=time_limit, memory_limit=memory_limit)
        for sha, name in items
    ]


def stage(home: Home, outcome: ReadOutcome) -> Path:
    """Write a reading where the log writer will find it (atomic rename)."""
    home.readings.mkdir(parents=True, exist_ok=True)
    target = home.readings / f"{outcome.reading_id}.json"
    temporary = home.readings / f".{outcome.reading_id}.{os.getpid()}.tmp"
    temporary.write_text(outcome.to_json(), encoding="utf-8")
    os.replace(temporary, target)
    return target


def staged(home: Home) -> list[tuple[Path, ReadOutcome]]:
    if not home.readings.exists():
        return []
    items = [(p, ReadOutcome.from_json(p.read_text(encoding="utf-8"))) for p in sorted(home.readings.glob("*.json"))]
    return items
