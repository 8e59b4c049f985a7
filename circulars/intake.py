"""Taking files out of the inbox: into the store first, then a journal entry, then off the inbox.

The order makes every crash harmless: a file leaves the inbox only after its bytes
are in the store and its arrival is journaled (both fsynced); a repeated arrival
is deduplicated when the log is appended (event ids are deterministic).

Two processes may take from the same inbox at once: a file one of them already
took (gone between listing and reading) is skipped, and the same bytes stored
twice land on the same content address. Temporary files name the process that
writes them, so what a killed process left half-written is swept away by the
next one (`sweep_orphans`), never mistaken for a live writer's.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import unicodedata
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from circulars.files import atomic_write
from circulars.home import Home
from circulars.store import ContentStore

MAX_NAME_BYTES = 200
"""File names are kept to 200 bytes of UTF-8: file systems allow 255, and the inbox adds
`.part` while copying and `~N` to tell apart different files of the same name."""
MAX_EXTENSION_CHARS = 16
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]+")


def _clip_utf8(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def safe_file_name(name: str) -> str:
    """A file name as recorded: no folder part, no control or bidi-override characters, no
    leading dots (never `.` or `..`), at most 200 bytes of UTF-8 with the extension kept."""
    name = unicodedata.normalize("NFC", str(name))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or len(ext) > MAX_EXTENSION_CHARS:
            stem, ext = name, ""
        suffix = f".{_clip_utf8(ext, MAX_EXTENSION_CHARS * 4)}" if ext else ""
        name = _clip_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).rstrip() + suffix
    return name or "unnamed"


def _writer_is_alive(temporary: Path) -> bool:
    try:
        pid = int(temporary.name.rsplit(".", 2)[-2])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphans(home: Home) -> list[Path]:
    """Delete temporary files whose writing process is gone (killed mid-write); returns them.

    Only files named by `temporary_name` (and the store's own) are touched, and only when
    the process that wrote them no longer exists: a live writer's file is never removed.
    """
    folders = [home.arrivals, home.readings]
    if home.store.exists():
        folders += [p for p in home.store.iterdir() if p.is_dir()]
    removed = []
    for folder in folders:
        if not folder.exists():
            continue
        for temporary in folder.glob(".*.tmp"):
            if not _writer_is_alive(temporary):
                temporary.unlink(missing_ok=True)
                removed.append(temporary)
    return removed


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


PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload")
"""Names of files still being written: a browser's or a copy's partial download."""


def left_alone_reason(name: str) -> str | None:
    """Why the intake leaves a file of this name alone (None: it takes it)."""
    if name.startswith("."):
        return "hidden name (starts with a dot)"
    for suffix in PARTIAL_SUFFIXES:
        if name.endswith(suffix):
            return f"partial download ({suffix}): still being written; rename it when complete"
    return None


def inbox_left_alone(home: Home) -> list[tuple[str, str]]:
    """(name, reason) of every entry of the inbox the intake does not take: it stays where it is."""
    if not home.inbox.exists():
        return []
    found = []
    with os.scandir(home.inbox) as entries:
        for entry in entries:
            reason = left_alone_reason(entry.name)
            if reason is None and not entry.is_file(follow_symlinks=False):
                reason = "a folder" if entry.is_dir(follow_symlinks=False) else "not a regular file (a link or device)"
            if reason:
                found.append((entry.name, reason))
    return sorted(found)


def inbox_files(home: Home, limit: int | None = None) -> list[Path]:
    """Regular files waiting in the inbox, oldest first; hidden and partial files are left alone
    (`inbox_left_alone` names them, with the reason)."""
    if not home.inbox.exists():
        return []
    found = []
    with os.scandir(home.inbox) as entries:
        for entry in entries:
            if left_alone_reason(entry.name):
                continue
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
            found.append((info.st_mtime_ns, entry.name, Path(entry.path)))
    found.sort()
    paths = [p for _, _, p in found]
    return paths[:limit] if limit else paths


def _read_regular_file(path: Path) -> bytes | None:
    """The file's bytes; None if it vanished (another process took it), is a link or not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ELOOP, errno.EISDIR, errno.ENXIO, errno.ENOTDIR):
            return None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def take(home: Home, paths: list[Path] | None = None, *, limit: int | None = None) -> list[Arrival]:
    """Store every given inbox file (default: all), journal its arrival, remove it from the inbox.

    A file that is gone by the time it is read (another ingestion took it) is skipped.
    """
    store = ContentStore(home.store)
    home.arrivals.mkdir(parents=True, exist_ok=True)
    sweep_orphans(home)
    arrivals = []
    for path in paths if paths is not None else inbox_files(home, limit):
        path = Path(path)
        data = _read_regular_file(path)
        if data is None:
            continue
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
    """Record an arrival for the log writer: written whole under a temporary name, fsynced, renamed."""
    target = home.arrivals / f"{arrival.sha256}.{uuid.uuid4().hex}.json"
    return atomic_write(target, json.dumps(asdict(arrival), ensure_ascii=False))


def journaled(home: Home) -> list[tuple[Path, Arrival]]:
    """Arrivals journaled but not yet consumed by the log, in arrival order.

    An entry another process consumed while we listed is skipped; one that cannot be
    parsed (edited by hand) is set aside as `*.json.bad`, kept for a person, not retried.
    """
    if not home.arrivals.exists():
        return []
    items = []
    for path in home.arrivals.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            arrival = Arrival(**data)
        except FileNotFoundError:
            continue
        except (ValueError, TypeError):
            path.replace(path.with_name(path.name + ".bad"))
            continue
        items.append((path, arrival))
    items.sort(key=lambda item: (item[1].received_at, item[1].file_name))
    return items
