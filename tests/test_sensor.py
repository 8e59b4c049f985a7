"""The inbox sensor requests exactly the new files, once each, and is quiet when nothing is new."""

from __future__ import annotations

import json

from dagster import RunRequest, SkipReason, build_sensor_context

from pipelines.resources import CircularsHome
from pipelines.sensors import inbox_sensor


def _tick(home, cursor=None):
    context = build_sensor_context(cursor=cursor, resources={"circulars_home": CircularsHome(root=str(home.root))})
    result = inbox_sensor(context)
    return result, context.cursor


def test_sensor_requests_exactly_the_new_files(home):
    (home.inbox / "DOC-1497.pdf").write_bytes(b"%PDF-1.4 first")
    (home.inbox / "DOC-1503.txt").write_text("second circular")
    (home.inbox / ".hidden").write_text("not a circular")
    (home.inbox / "upload.pdf.part").write_bytes(b"still being copied")

    result, cursor = _tick(home)
    assert isinstance(result, RunRequest)
    assert sorted(result.run_config["ops"]["inbox_arrivals"]["config"]["files"]) == ["DOC-1497.pdf", "DOC-1503.txt"]
    assert sorted(json.loads(cursor)) == ["DOC-1497.pdf", "DOC-1503.txt"]

    again, cursor = _tick(home, cursor)
    assert isinstance(again, SkipReason)

    (home.inbox / "DOC-1519.pdf").write_bytes(b"%PDF-1.4 third")
    third, cursor = _tick(home, cursor)
    assert isinstance(third, RunRequest)
    assert third.run_config["ops"]["inbox_arrivals"]["config"]["files"] == ["DOC-1519.pdf"]
    assert third.run_key != result.run_key


def test_sensor_forgets_files_that_left_the_inbox(home):
    (home.inbox / "a.txt").write_text("a")
    _, cursor = _tick(home)
    (home.inbox / "a.txt").unlink()
    result, cursor = _tick(home, cursor)
    assert isinstance(result, SkipReason)
    assert json.loads(cursor) == {}
