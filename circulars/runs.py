"""Runs whose process died: marked failed with a reason, never left `STARTED` forever.

A run executed in-process by `circulars ingest` and killed (SIGKILL, a crash, the machine
going down) cannot report its own end: Dagster keeps showing it as running. A run the
daemon launched is marked failed by the code server that started its process, but not
if that server died with it. So every ingestion run is tagged with the process that runs
it (pid, host and the process's start time, which tells a reused pid apart), and at the
start of every CLI run and at every sensor and schedule tick the runs still in progress
whose process is gone are marked failed, saying so (`pipelines/runs.py`, which talks to Dagster; this
module only knows processes and markers).

The CLI's check must cost nothing when nothing died (an empty `circulars ingest` stays well
under a second): each in-process run leaves a small marker in `staging/runs/` while it
runs, and only a marker whose process is gone makes it open the Dagster instance.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from circulars.files import atomic_write

PID_TAG = "circulars/pid"
HOST_TAG = "circulars/host"
STARTED_TAG = "circulars/process_started"

def _process_started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat); None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has ended; only its exit status is left
        return None
    return fields[19]


def process_tags(pid: int | None = None) -> dict[str, str]:
    """Tags naming the process that runs an ingestion (this one by default)."""
    pid = pid or os.getpid()
    return {PID_TAG: str(pid), HOST_TAG: socket.gethostname(), STARTED_TAG: _process_started(pid) or ""}


def process_alive(tags: dict[str, str]) -> bool | None:
    """Is the process these tags name still running? None when it cannot be told from here
    (no tags, or another host)."""
    if PID_TAG not in tags or tags.get(HOST_TAG) != socket.gethostname():
        return None
    pid = int(tags[PID_TAG])
    if not Path("/proc").is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    started = _process_started(pid)
    return started is not None and (not tags.get(STARTED_TAG) or started == tags[STARTED_TAG])


def _markers(home) -> Path:
    return home.staging / "runs"


def begin_in_process_run(home, run_id: str) -> Path:
    """Leave a marker for an in-process run while it runs (removed by `end_in_process_run`)."""
    folder = _markers(home)
    folder.mkdir(parents=True, exist_ok=True)
    return atomic_write(folder / f"{run_id}.json", json.dumps(process_tags()))


def end_in_process_run(home, run_id: str) -> None:
    (_markers(home) / f"{run_id}.json").unlink(missing_ok=True)


def left_behind(home) -> list[str]:
    """Ids of in-process runs whose process is gone without removing its marker."""
    folder = _markers(home)
    if not folder.is_dir():
        return []
    dead = []
    for marker in folder.glob("*.json"):
        try:
            tags = json.loads(marker.read_text())
        except (OSError, ValueError):
            continue
        if process_alive(tags) is False:
            dead.append(marker.stem)
    return sorted(dead)
