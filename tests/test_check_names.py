"""The asset checks' names, written out in `assets/checks.py` so that loading the definitions
imports neither the suites nor pandas, are exactly the suites' own."""

from __future__ import annotations

import subprocess
import sys

from tests.services import REPO


def test_check_names_are_the_suites_own():
    from assets.checks import CHECK_NAMES, SUITE_TABLES
    from expectations import SUITES

    assert set(CHECK_NAMES) == set(SUITE_TABLES)
    for table in SUITE_TABLES:
        assert CHECK_NAMES[table] == SUITES[table].check_names, table


def test_loading_the_definitions_imports_neither_pandas_nor_great_expectations():
    probe = "import sys, pipelines.definitions; print(sorted(m for m in ('pandas', 'great_expectations') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.strip() == "[]"
