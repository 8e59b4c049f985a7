"""Is a process reading compiled bytecode, or compiling what it imports? And the benchmark's two cases.

These machines set PYTHONDONTWRITEBYTECODE=1: a process compiles, and never saves, every module
whose `.pyc` is missing or stale. `uv sync --compile-bytecode` and `compileall` at set-up
(`scripts/bootstrap`) write the `.pyc` once; this module tells whether a process found them.

- `compiled_in_this_process()`: the modules this process imported from source files whose cached
  bytecode is missing or stale, i.e. the modules it had to compile (a `.pyc` is checked as the
  import system checks it: source mtime and size in its header, or a hash-based `.pyc`).
- `source_case_environment()`: the "not compiled" case for a benchmark child: PYTHONDONTWRITEBYTECODE=1
  and PYTHONPYCACHEPREFIX pointing at a folder holding only the standard library's bytecode (as
  any Python install has it), so the installed packages and the project compile in every process,
  as after a plain `uv sync`, whatever the `.venv` holds.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("circulars", "models", "assets", "pipelines", "expectations")
"""The project's packages (pyproject's wheel packages): imported from the checkout, compiled at set-up."""


def pyc_is_fresh(source: str | os.PathLike, cached: str | os.PathLike) -> bool:
    """Would the import system use `cached` for `source` (as Python 3.11's SourceFileLoader checks it)?"""
    try:
        header = Path(cached).open("rb").read(16)
        stat = Path(source).stat()
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags = int.from_bytes(header[4:8], "little")
    if flags & 0b1:  # hash-based: valid by construction here (we never write unchecked ones)
        return True
    mtime = int.from_bytes(header[8:12], "little")
    size = int.from_bytes(header[12:16], "little")
    return mtime == (int(stat.st_mtime) & 0xFFFFFFFF) and size == (stat.st_size & 0xFFFFFFFF)


def compiled_in_this_process(modules: dict | None = None) -> list[str]:
    """Names of the loaded modules that came from a `.py` without fresh bytecode (compiled in this process).

    `__main__` is left out: a script run by path is never read from bytecode."""
    found = []
    for name, module in list((modules if modules is not None else sys.modules).items()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None)
        if name == "__main__" or not origin or not origin.endswith(".py") or not getattr(spec, "cached", None):
            continue
        if not pyc_is_fresh(origin, importlib.util.cache_from_source(origin)):
            found.append(name)
    return sorted(found)


def where(name: str) -> str:
    """Which part of the installation a module comes from: project, packages (site-packages) or stdlib."""
    module = sys.modules.get(name)
    origin = str(getattr(getattr(module, "__spec__", None), "origin", "") or "")
    if "site-packages" in origin:
        return "packages"
    if origin.startswith(str(REPO_ROOT)):
        return "project"
    return "stdlib"


def stdlib_only_prefix(folder: Path) -> Path:
    """A PYTHONPYCACHEPREFIX folder holding the standard library's bytecode only (built once, then reused)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    prefix = folder / f"pycache-stdlib-only-{sys.implementation.cache_tag}"
    done = prefix / ".complete"
    if not done.exists():
        environment = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
        subprocess.run(
            [sys.executable, "-m", "compileall", "-qq", "-j", "0", "-x", r"(site-packages|/test/|/tests/|idlelib|lib2to3)",
             str(stdlib)],
            env=environment, check=False,
        )
        done.write_text(str(stdlib))
    return prefix


def source_case_environment(environment: dict, folder: Path) -> dict:
    """`environment` with nothing but the standard library compiled: every other module compiles in the process."""
    return {**environment, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(stdlib_only_prefix(folder))}


def compiled_case_environment(environment: dict) -> dict:
    """`environment` reading the bytecode the set-up wrote, and writing none (as on these machines)."""
    environment = {**environment, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("PYTHONPYCACHEPREFIX", None)
    return environment
