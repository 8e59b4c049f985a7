"""Taking files out of the inbox: into the store first, then a journal entry, then off the inbox.

The order makes every crash harmless: a file leaves the inbox only after its bytes
are in the store and its arrival is journaled (both fsynced); a repeated arrival
is deduplicated when the log is appended (event ids are deterministic).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from circulars.home import Home
from circulars.store import ContentStore

MAX_NAME_LENGTH = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def safe_file_name(name: str) -> str:
    """A file name as recorded: no path, no control characters, no leading dots, at most 200 characters."""
    name = unicodedata.normalize("NFC", str(name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        ext = ext[:16] if dot else ""
        name = (stem if dot else name)[: MAX_NAME_LENGTH - len(ext) - 1] + (f".{ext}" if ext else "")
    return name or "unnamed"


def sniff_media_type(data: bytes, file_name: str) -> str:
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "application/pdf"
    lowered = file_name.lower()
    if lowered.endswith((".md", ".markdown")):
        return "text/markdown"
    if lowered.endswith(".txt"):
        return "text/plain"
    if lowered.endswith(".pdf"):
        return "application/pdf"
    return "application/octet-stream"


@dataclass(frozen=True)
class Arrival:
    """A file taken from the inbox: its bytes are in the store under `sha256`."""

    sha256: str
    file_name: str
    size: int
    media_type: str
    received_at: str  # ISO 8601, UTC

    @property
    def received_at_dt(self) -> datetime:
        return datetime.fromisoformat(self.received_at)


def inbox_files(home: Home, limit: int | None = None) -> list[Path]:
    """Regular files waiting in the inbox, oldest first; hidden and partial files are left alone."""
    if not home.inbox.exists():
        return []
    found = []
    with os.scandir(home.inbox) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.name.endswith((".part", ".tmp", ".crdownload")):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            stat = entry.stat(follow_symlinks=False)
            found.append((stat.st_mtime_ns, entry.name, Path(entry.path)))
    found.sort()
    paths = [p for _, _, p in found]
    return paths[:limit] if limit else paths


def take(home: Home, paths: list[Path] | None = None, *, limit: int | None = None) -> list[Arrival]:
    """Store every given inbox file (default: all), journal its arrival, remove it from the inbox."""
    store = ContentStore(home.store)
    home.arrivals.mkdir(parents=True, exist_ok=True)
    arrivals = []
    for path in paths if paths is not None else inbox_files(home, limit):
        path = Path(path)
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        name = safe_file_name(path.name)
        sha256, _ = store.put_bytes(data)
        arrival = Arrival(
            sha256=sha256,
            file_name=name,
            size=len(data),
            media_type=sniff_media_type(data, name),
            received_at=datetime.now(UTC).isoformat(),
        )
        journal(home, arrival)
        path.unlink(missing_ok=True)
        arrivals.append(arrival)
    return arrivals


def journal(home: Home, arrival: Arrival) -> Path:
    target = home.arrivals / f"{arrival.sha256}.{uuid.uuid4().hex}.json"
    temporary = target.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(asdict(arrival), handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return target


def journaled(home: Home) -> list[tuple[Path, Arrival]]:
    """Arrivals journaled but not yet consumed by the log, in arrival order."""
    if not home.arrivals.exists():
        return []
    items = []
    for path in home.arrivals.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        items.append((path, Arrival(**data)))
    items.sort(key=lambda item: (item[1].received_at, item[1].file_name))
    return items
