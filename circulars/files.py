"""Writing a file so that a crash never leaves half of it: the one way every writer of the project writes.

The bytes go to a hidden temporary beside the target, named after the writing process (so that
`circulars.intake.sweep_orphans` can tell a dead writer's leftover from a live writer's file), are
flushed and fsynced, renamed over the target in one step, and the folder is fsynced so the rename
itself survives a power cut. A reader sees the old file or the new one, never a mixture.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def temporary_name(final_name: str) -> str:
    """A hidden temporary name that says which process writes it (see `intake.sweep_orphans`)."""
    return f".{final_name}.{os.getpid()}.tmp"


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(target: Path, data: bytes | str, *, read_only: bool = False) -> Path:
    """Write `data` (text is UTF-8) to `target` whole or not at all; `read_only` leaves it r--r--r--."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / temporary_name(target.name)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with open(temporary, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if read_only:
            os.chmod(temporary, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(target.parent)
    return target
