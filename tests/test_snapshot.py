"""Every fixture gives the same tables as before the restructuring of issue 14 (`tests/snapshot.py`).

The committed snapshots in `tests/snapshots/` were taken by the code before that work began: a
difference here is a change of behaviour (a fact read differently, a row more or less, a check's
verdict), never an accident of moving code. Groups ingested by the Dagster job are `slow`.
"""

from __future__ import annotations

import pytest

from tests import snapshot

pytestmark = pytest.mark.corpus  # every fixture's tables against the snapshot

GROUPS = snapshot.groups()
PIPELINE = [name for name, spec in GROUPS.items() if isinstance(spec, list)]
DOMAIN = [name for name in GROUPS if name not in PIPELINE]


def _same(group: str) -> None:
    problems = snapshot.differences(snapshot.load(group), snapshot.build(group))
    assert not problems, f"{group} differs from its snapshot:\n" + "\n".join(problems)


def test_every_fixture_group_has_a_snapshot():
    assert sorted(p.name for p in snapshot.SNAPSHOTS.glob("*.json.gz")) == sorted(f"{g}.json.gz" for g in GROUPS)
    assert len(PIPELINE) == 7 and len(DOMAIN) == 22


@pytest.mark.slow
@pytest.mark.parametrize("group", PIPELINE)
def test_pipeline_tables_match_the_snapshot(group):
    _same(group)


@pytest.mark.parametrize("group", DOMAIN)
def test_domain_tables_match_the_snapshot(group):
    _same(group)
