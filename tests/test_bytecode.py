"""Each cost paid once: `make setup` compiles bytecode for every installed package and for the
project, whatever PYTHONDONTWRITEBYTECODE says, so no process compiles what it imports; an
edited source is still what runs (its old `.pyc` is stale, never used)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from benchmarks.bytecode import PROJECT_PACKAGES, compiled_in_this_process, pyc_is_fresh
from tests.services import REPO

SET_UP_FILES = ("pyproject.toml", "uv.lock", "README.md", "Makefile", "scripts", "benchmarks")


def _uv_folder() -> Path | None:
    """Where the uv that set up this checkout is (so the copy's set-up needs no download)."""
    found = shutil.which("uv")
    if found:
        return Path(found).parent
    local = REPO / ".tools" / "bin" / "uv"
    return local.parent if local.exists() else None


def _fresh_copy(target: Path) -> Path:
    """What a fresh clone holds for the set-up: the lock, the set-up scripts and the project's packages."""
    target.mkdir(parents=True)
    for name in SET_UP_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    for package in PROJECT_PACKAGES:
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


PROBE = """
import json, sys
import pipelines.definitions, great_expectations, pdfplumber, duckdb, circulars.cli, circulars.reading.pdf, expectations
from benchmarks.bytecode import compiled_in_this_process
compiled = [m for m in compiled_in_this_process() if not m.startswith("benchmarks")]
print(json.dumps({"loaded": len(sys.modules), "compiled": compiled, "circulars": sys.modules["circulars"].__file__}))
"""


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_make_setup_compiles_packages_and_project_even_with_dont_write_bytecode(tmp_path):
    uv = _uv_folder()
    if uv is None:
        pytest.skip("no uv on PATH or in .tools/: the copy's set-up would have to download one")
    clone = _fresh_copy(tmp_path / "clone")
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT",
                                                                     "PYTHONPYCACHEPREFIX", "MAKEFLAGS", "MFLAGS")}
    environment.update(PYTHONDONTWRITEBYTECODE="1", UV_OFFLINE="1", PATH=f"{uv}{os.pathsep}{environment['PATH']}")
    setup = subprocess.run(["make", "setup"], cwd=clone, env=environment, capture_output=True, text=True, timeout=800)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-3000:]

    site = next((clone / ".venv" / "lib").glob("python3.*/site-packages"))
    sources = [p for p in site.rglob("*.py")]
    stale = [str(p.relative_to(site)) for p in sources if not pyc_is_fresh(p, _cached(p))]
    assert len(sources) > 5000 and stale == [], stale[:20]
    for package in ("dagster", "great_expectations", "pandas", "pdfplumber", "duckdb", "pydantic"):
        assert pyc_is_fresh(site / package / "__init__.py", _cached(site / package / "__init__.py")), package

    packages = tomllib.loads((clone / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert sorted(packages) == sorted(PROJECT_PACKAGES)  # the set-up compiles exactly the project's packages
    own = [p for package in packages for p in (clone / package).rglob("*.py")]
    assert len(own) > 50
    assert [str(p.relative_to(clone)) for p in own if not pyc_is_fresh(p, _cached(p))] == []

    # A process that loads the definitions, Great Expectations and the readers compiles nothing.
    python = clone / ".venv" / "bin" / "python"
    probe = subprocess.run([python, "-c", PROBE], cwd=clone, env=environment,
                           capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    loaded = json.loads(probe.stdout.strip().splitlines()[-1])
    assert loaded["circulars"] == str(clone / "circulars" / "__init__.py")  # the copy's own project, not this checkout
    assert loaded["loaded"] > 2000 and loaded["compiled"] == []

    # An edited module runs as edited: its old .pyc is stale (timestamp-checked), so it is not used.
    edited = clone / "circulars" / "__init__.py"
    old_pyc = _cached(edited).read_bytes()
    edited.write_text(edited.read_text() + "\nEDITED_AFTER_SETUP = 'yes'\n")
    os.utime(edited, (edited.stat().st_atime, edited.stat().st_mtime + 2))
    run = subprocess.run([python, "-c", "import circulars; print(circulars.EDITED_AFTER_SETUP)"], cwd=clone,
                         env=environment, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "yes"
    assert _cached(edited).read_bytes() == old_pyc  # PYTHONDONTWRITEBYTECODE: nothing was written ...
    again = subprocess.run(["make", "setup"], cwd=clone, env=environment, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert pyc_is_fresh(edited, _cached(edited))  # ... until the next set-up compiles the edit


def _cached(source: Path) -> Path:
    import importlib.util

    return Path(importlib.util.cache_from_source(str(source)))


def test_the_check_sees_a_module_compiled_in_the_process(tmp_path):
    """`compiled_in_this_process` is what the benchmark and the test above rely on: it must tell a
    module read from fresh bytecode from one compiled from source (missing or stale `.pyc`)."""
    import compileall
    import importlib

    package = tmp_path / "probe_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fresh.py").write_text("VALUE = 1\n")
    (package / "missing.py").write_text("VALUE = 2\n")
    (package / "stale.py").write_text("VALUE = 3\n")
    assert compileall.compile_file(str(package / "fresh.py"), quiet=2)
    assert compileall.compile_file(str(package / "stale.py"), quiet=2)
    assert compileall.compile_file(str(package / "__init__.py"), quiet=2)
    stale = package / "stale.py"
    stale.write_text("VALUE = 33\n")
    os.utime(stale, (stale.stat().st_atime, stale.stat().st_mtime + 5))
    sys.path.insert(0, str(tmp_path))
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # as on these machines: nothing saved
    try:
        modules = {name: importlib.import_module(f"probe_pkg.{name}") for name in ("fresh", "missing", "stale")}
        assert modules["stale"].VALUE == 33
        view = {f"probe_pkg.{n}": m for n, m in modules.items()} | {"probe_pkg": sys.modules["probe_pkg"]}
        assert compiled_in_this_process(view) == ["probe_pkg.missing", "probe_pkg.stale"]
    finally:
        sys.dont_write_bytecode = writes
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "probe_pkg" or n.startswith("probe_pkg.")]:
            del sys.modules[name]
