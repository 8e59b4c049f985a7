"""The raw store: every file kept forever, byte for byte, named by its SHA-256.

Written once through a temporary name and an atomic rename (`circulars.files.atomic_write`), read-only;
never modified or deleted. Sharded by the first two hex digits so that a folder
never holds more than a few thousand files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from circulars.files import atomic_write

CHUNK = 1 << 20


def sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ContentStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put_bytes(self, data: bytes) -> tuple[str, bool]:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        if target.exists():
            return sha256, False
        atomic_write(target, data, read_only=True)
        return sha256, True

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def all_sha256s(self) -> set[str]:
        if not self.root.exists():
            return set()
        return {p.name for p in self.root.glob("??/*") if not p.name.startswith(".")}

    def verify(self, sha256: str) -> str | None:
        """None if the stored file is intact, else what is wrong with it."""
        path = self.path_for(sha256)
        if not path.exists():
            return f"stored file missing: {path}"
        actual = sha256_of_file(path)
        if actual != sha256:
            return f"stored file altered: {path} now hashes to {actual}"
        return None
