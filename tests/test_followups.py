"""Follow-up circulars written by other hands, in orders and styles the reader was not built from.

Each scenario of `tests/fixtures/followups/scenarios.py` is ingested file by file (reading,
log, linker, projections: the domain without Dagster) and every fact it lists is asserted,
as well as exactly which statements are flagged as not read: nothing more, nothing less.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.harness import State, check_facts, check_unread

pytestmark = pytest.mark.corpus  # every follow-up scenario

FOLLOWUPS = Path(__file__).parent / "fixtures" / "followups"
_spec = importlib.util.spec_from_file_location("followup_scenarios", FOLLOWUPS / "scenarios.py")
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)
SCENARIOS = {s["name"]: s for s in scenarios.SCENARIOS}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_followup_scenario(name, tmp_path):
    scenario = SCENARIOS[name]
    state = State(tmp_path / "circulars.duckdb")
    try:
        for file_name in scenario["files"]:
            path = scenarios.file_path(file_name)
            state.add(path.name, path.read_bytes())
        state.project(scenario["now"])
        problems = check_facts(state, scenario) + check_unread(state, scenario.get("unread", []))
    finally:
        state.close()
    assert not problems, "\n".join(problems)
