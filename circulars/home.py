"""Where data lives: CIRCULARS_HOME (default `data/` at the repository root) and its folders.

Paths only: the Dagster instance's configuration is written by `pipelines/instance.py`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

@dataclass(frozen=True)
class Home:
    """The data home: inbox, content-addressed store, DuckDB file, Dagster instance."""

    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def staging(self) -> Path:
        """Work in progress between steps (arrivals, readings): never the truth, safe to delete."""
        return self.root / "staging"

    @property
    def arrivals(self) -> Path:
        return self.staging / "arrivals"

    @property
    def readings(self) -> Path:
        return self.staging / "readings"

    @property
    def database(self) -> Path:
        return self.root / "circulars.duckdb"

    @property
    def log_mirror(self) -> Path:
        """The JSON-lines copy of the event log, from which a lost database is restored."""
        return self.root / "events.jsonl"

    @property
    def dagster_home(self) -> Path:
        """Where the Dagster instance lives (DAGSTER_HOME, else `dagster/` here); `pipelines.instance` fills it."""
        return Path(os.environ.get("DAGSTER_HOME") or self.root / "dagster")

    def ensure(self) -> Home:
        """Create the folders if missing (the Dagster instance's own: `pipelines.instance.prepare`)."""
        for folder in (self.inbox, self.store, self.arrivals, self.readings):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_home(root: str | os.PathLike | None = None) -> Home:
    """The home named by the argument, else CIRCULARS_HOME, else `data/` at the repository root."""
    chosen = root or os.environ.get("CIRCULARS_HOME") or REPO_ROOT / "data"
    return Home(Path(chosen).expanduser().resolve())
