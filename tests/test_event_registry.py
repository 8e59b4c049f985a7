"""One registry of event types: the classes of `models/events.py`.

An event's type is its class name, never written by hand: the projections read the types each
history table holds from `circulars.projections.HISTORY_EVENTS` (classes), the code names them by
class, and this test greps every source and SQL file for a quoted type name. Payload versions: a
class whose `schema_version` goes up upcasts the payloads written before (`upcast_vN_vN+1`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from circulars import projections
from circulars.eventlog import canonical_payload
from models import events
from models.events import EVENT_CLASSES, EVENT_TYPES, PlanAdopted, event_from_payload, stored_payload

REPO = Path(__file__).resolve().parent.parent
SOURCES = ("models", "circulars", "assets", "pipelines", "expectations")


def test_every_event_type_is_its_class_name_and_in_the_union():
    union = events.get_args(events.get_args(events.DomainEvent)[0])
    assert [cls.__name__ for cls in union] == list(EVENT_TYPES)
    assert len(EVENT_TYPES) == 28
    for name, cls in EVENT_CLASSES.items():
        assert cls.model_fields["event_type"].default == name
        assert events.get_args(cls.model_fields["event_type"].annotation) == (name,)


def test_every_event_class_projects_somewhere_or_is_resolved_by_the_linker():
    projected = [cls for classes in projections.HISTORY_EVENTS.values() for cls in classes]
    assert len(projected) == len(set(projected)), "an event class lands in two history tables"
    assert set(projected).isdisjoint(projections.RESOLVED_BY_LINKER)
    assert set(projected) | projections.RESOLVED_BY_LINKER == set(EVENT_CLASSES.values())
    for table in projections.HISTORY_EVENTS:
        sql = (REPO / "circulars" / "sql" / "history" / f"{table}.sql").read_text()
        assert "list_contains($types, e.event_type)" in sql, table


def test_no_event_type_name_is_quoted_outside_the_registry():
    quoted = re.compile(r"""["'](""" + "|".join(EVENT_TYPES) + r""")["']""")
    offenders = []
    for folder in SOURCES:
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix not in (".py", ".sql"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if quoted.search(line):
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_the_grep_would_catch_a_quoted_name():
    quoted = re.compile(r"""["'](""" + "|".join(EVENT_TYPES) + r""")["']""")
    assert quoted.search("WHERE event_type = 'CircularReceived'")
    assert not quoted.search("class CircularReceived(_Event):")


def _plan(**changes) -> PlanAdopted:
    fields = {"circular_sha256": "a" * 64, "page": 3, "valid_at": datetime(2023, 12, 12, tzinfo=UTC),
              "reading_id": "r1", "plan_symbol": "SOC/2023-III/DEC/2", "plan_year": 2024,
              "title": "PLAN OF CICA EVENTS FOR 2024"}
    return PlanAdopted(**{**fields, **changes})


def test_version_1_payloads_carry_no_version_and_rebuild_as_written():
    event = _plan()
    payload = stored_payload(event)
    assert "schema_version" not in payload and "event_type" not in payload
    assert canonical_payload(event).startswith('{"circular_sha256":"aaaa')
    assert event_from_payload("PlanAdopted", payload) == event


def test_a_bumped_class_upcasts_old_payloads_and_stores_its_version(monkeypatch):
    # as if version 2 had renamed `title` from a version-1 `name`
    monkeypatch.setattr(PlanAdopted, "schema_version", 2)
    monkeypatch.setattr(PlanAdopted, "upcast_v1_v2", staticmethod(lambda p: {**{k: v for k, v in p.items() if k != "name"},
                                                                              "title": p["name"]}), raising=False)
    old = {k: v for k, v in stored_payload(_plan()).items() if k not in ("title", "schema_version")}
    old["name"] = "PLAN OF CICA EVENTS FOR 2024"
    assert event_from_payload("PlanAdopted", old) == _plan()
    assert stored_payload(_plan())["schema_version"] == 2
    assert event_from_payload("PlanAdopted", stored_payload(_plan())) == _plan()
    with pytest.raises(ValueError, match="schema version 3"):
        event_from_payload("PlanAdopted", {**old, "schema_version": 3})


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="unknown event type 'PlanRenamed'"):
        event_from_payload("PlanRenamed", {})
