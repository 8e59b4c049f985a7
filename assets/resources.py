"""The one resource every asset needs: where the data home is and how hard to work."""


import os

from dagster import ConfigurableResource
from pydantic import Field

from circulars.home import Home, resolve_home
from circulars.readpool import DEFAULT_MEMORY_LIMIT, DEFAULT_TIME_LIMIT


class CircularsHome(ConfigurableResource):
    """The data home (CIRCULARS_HOME) and the reading limits; injected, never global."""

    root: str | None = Field(default=None, description="Data home; default: CIRCULARS_HOME or data/ at the repo root")
    workers: int = Field(
        default_factory=lambda: int(os.environ.get("CIRCULARS_WORKERS", "0")) or (os.cpu_count() or 1),
        description="Processes that read circulars in parallel (they never touch DuckDB)",
    )
    time_limit_seconds: float = Field(default=DEFAULT_TIME_LIMIT, description="Per-file reading time limit")
    memory_limit_bytes: int = Field(default=DEFAULT_MEMORY_LIMIT, description="Per-process address-space limit")

    def home(self) -> Home:
        return resolve_home(self.root).ensure()
