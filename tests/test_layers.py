"""Imports point one way: models ← circulars (readers ← the rest) ← expectations, assets ← pipelines ← the CLI.

Every import of every module (at the top or inside a function) is read from its source:
- `models/` imports nothing of the project;
- `circulars/reading/` imports only `models` and itself, and never DuckDB (readers never touch the database);
- `circulars/` imports only `models` and itself: no Dagster, no assets, no pipelines, no expectations;
  the exception is the command line (`circulars/cli.py`, `review_cli.py`, `history_cli.py`), the
  outermost layer, which runs the job;
- `expectations/` imports only `models` and itself (it judges frames, whoever reads them);
- `assets/` never imports `pipelines/` (the resource lives beside the assets that use it);
- `pipelines/` never imports the command line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = ("models", "circulars", "assets", "pipelines", "expectations")
THIRD_PARTY_FORBIDDEN = {
    "models": ("dagster", "duckdb", "pandas", "great_expectations"),
    "circulars.reading": ("dagster", "duckdb", "pandas", "great_expectations"),
    "circulars": ("dagster", "dagster_postgres", "great_expectations", "pandas"),
    "expectations": ("dagster", "duckdb"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute (relative imports resolved against its package)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{alias.name}" for alias in node.names)
    return found


def _layer(module: str) -> str:
    if module.startswith("circulars.reading"):
        return "circulars.reading"
    return module.split(".")[0]


ALLOWED = {
    "models": ("models",),
    "circulars.reading": ("models", "circulars.reading"),
    "circulars": ("models", "circulars"),
    "expectations": ("models", "expectations"),
    "assets": ("models", "circulars", "expectations", "assets"),
    "pipelines": ("models", "circulars", "expectations", "assets", "pipelines"),
}
OUTERMOST = {"circulars.cli", "circulars.review_cli", "circulars.history_cli"}
"""The command line: `circulars.cli` and the two modules that add its review and history commands."""


def _wrong_way(path: Path) -> list[str]:
    module = _module_name(path)
    if module in OUTERMOST:
        return []
    layer = _layer(module)
    problems = []
    for name in sorted(_imports(path)):
        top = name.split(".")[0]
        if top in PROJECT:
            if name in OUTERMOST or any(name.startswith(f"{outer}.") for outer in OUTERMOST):
                problems.append(f"{module} imports {name} (the command line is the outermost layer)")
            elif not any(name == allowed or name.startswith(allowed + ".") for allowed in ALLOWED[layer]):
                problems.append(f"{module} imports {name}")
        elif top in THIRD_PARTY_FORBIDDEN.get(layer, ()):
            problems.append(f"{module} imports {name}")
    return problems


SOURCES = sorted(p for folder in PROJECT for p in (REPO / folder).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_one_way(path):
    assert _wrong_way(path) == []


def test_the_walk_sees_every_layer_and_would_catch_a_wrong_import(tmp_path):
    assert {_layer(_module_name(p)) for p in SOURCES} == {"models", "circulars", "circulars.reading", "assets",
                                                          "pipelines", "expectations"}
    assert "pipelines.jobs" in _imports(REPO / "pipelines" / "runs.py")
    assert "circulars.db.connect" in _imports(REPO / "circulars" / "ingest.py")
    # a function-level import is an import too
    assert "pipelines.definitions" in _imports(REPO / "circulars" / "cli.py")
