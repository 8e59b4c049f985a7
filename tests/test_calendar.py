"""The plan of events as iCalendar: parsed back with the icalendar library and held to the fixtures' facts."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from circulars.calendar_export import NoPlan, calendar_for, event_uid
from pipelines.instance import prepare
from tests.fixtures import expected as E

pytestmark = pytest.mark.slow  # runs the ingestion job before exporting calendars

FIXTURES_DIR = Path(__file__).parent / "fixtures"
SEED_TEXT = FIXTURES_DIR / "text" / "000_seed_DOC-1497.txt"
AMENDMENT_TEXT = FIXTURES_DIR / "text" / "020_plan_amendment_DOC-1532.txt"


SEED = E.FIXTURES["000_seed_DOC-1497"]
SEED_PLAN = SEED["plans"][0]
AMENDMENT = E.FIXTURES["020_plan_amendment_DOC-1532"]["plan_amendments"][0]
SEED_SHA = hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
AMENDMENT_SHA = hashlib.sha256(AMENDMENT_TEXT.read_bytes()).hexdigest()


def _ingest(root: Path, files: list[Path]):
    from circulars.cli import copy_into_inbox, run_ingestion
    from circulars.home import resolve_home

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIRCULARS_HOME", str(root))
        patch.setenv("DAGSTER_HOME", str(root / "dagster"))
        home = prepare(resolve_home(root))
        copy_into_inbox(home, files)
        result = run_ingestion(home, now="2024-06-01T00:00:00+00:00", workers=1)
    assert result.success
    return home


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seed circular ingested through the whole Dagster job into its own home."""
    return _ingest(tmp_path_factory.mktemp("calendar") / "seed", [SEED_TEXT])


@pytest.fixture(scope="module")
def amended(seeded, tmp_path_factory):
    """The seed's home copied, then the plan amendment (DOC/1532) ingested on top."""
    root = tmp_path_factory.mktemp("calendar") / "amended"
    shutil.copytree(seeded.root, root)
    return _ingest(root, [AMENDMENT_TEXT])


def _events(ics: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(ics)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _span(event) -> tuple[date, date]:
    """(first day, last day) of an all-day event; DTEND is exclusive."""
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert type(start) is date and type(end) is date, "all-day events carry dates, not date-times"
    return start, end - timedelta(days=1)


def test_the_seed_calendar_holds_the_23_dated_items_of_2024(seeded):
    ics = calendar_for(seeded.database, 2024)
    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.rstrip().endswith(b"END:VCALENDAR")
    events = _events(ics)
    dated = [item for item in SEED_PLAN["items"] if item["starts_on"] is not None]
    assert [item["item_no"] for item in dated] == list(range(1, 23)) + [27]
    assert sorted(events) == sorted(f"2024-{item['item_no']}@circulars" for item in dated)
    for item in dated:
        event = events[f"2024-{item['item_no']}@circulars"]
        assert _span(event) == (item["starts_on"], item["ends_on"]), item["item_no"]
        assert str(event["SUMMARY"]) == item["title"]
        assert event["CATEGORIES"].cats == [item["precision"]]
        description = str(event["DESCRIPTION"])
        assert f"Timing as printed: {item['timing_text']}\n" in description
        assert f"Precision: {item['precision']}\n" in description
        assert "Organisers: " + "; ".join(item["organizers"]) + "\n" in description
        assert "Status: planned\n" in description
        assert "SOC/2023-III/DEC/2" in description
        assert f"Source: DOC/1497 of 2023-12-12, page 1 (sha256 {SEED_SHA})" in description
        assert str(event["X-CIRCULARS-SOURCE-SHA256"]) == SEED_SHA
        assert event["DTSTAMP"].dt == datetime.fromisoformat("2023-12-11T18:00:00+00:00")


def test_half_months_and_quarters_span_their_whole_interval_with_an_exclusive_end(seeded):
    events = _events(calendar_for(seeded.database, 2024))
    item_8 = events["2024-8@circulars"]
    assert (item_8["DTSTART"].dt, item_8["DTEND"].dt) == (date(2024, 2, 16), date(2024, 3, 1))
    assert _span(item_8) == (date(2024, 2, 16), date(2024, 2, 29))
    assert item_8["CATEGORIES"].cats == ["half_month"]
    item_22 = events["2024-22@circulars"]
    assert (item_22["DTSTART"].dt, item_22["DTEND"].dt) == (date(2024, 10, 1), date(2025, 1, 1))
    assert item_22["CATEGORIES"].cats == ["quarter"]
    assert str(item_22["SUMMARY"]) == "9th CICA Business Forum"
    raw = calendar_for(seeded.database, 2024).decode()
    assert "DTSTART;VALUE=DATE:20240216\r\nDTEND;VALUE=DATE:20240301\r\n" in raw


def test_undated_items_are_left_out_and_counted_never_given_dates(seeded):
    calendar = Calendar.from_ical(calendar_for(seeded.database, 2024))
    undated = [item for item in SEED_PLAN["items"] if item["starts_on"] is None]
    assert [item["item_no"] for item in undated] == [23, 24, 25, 26]
    assert str(calendar["X-CIRCULARS-UNDATED"]) == "4"
    assert str(calendar["X-CIRCULARS-EVENTS"]) == "23"
    description = str(calendar["X-WR-CALDESC"])
    assert "4 item(s) without dates are not shown" in description
    for item in undated:
        assert f"#{item['item_no']} {item['title']}" in description
    assert "(T.B.C.)" in description
    assert not any(uid.startswith(("2024-23@", "2024-24@", "2024-25@", "2024-26@")) for uid in _events(calendar.to_ical()))
    assert str(calendar["X-WR-CALNAME"]) == "Plan of events 2024"
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])


def test_the_calendar_is_the_same_bytes_each_time_and_years_filter(seeded):
    assert calendar_for(seeded.database, 2024) == calendar_for(seeded.database, 2024)
    every_year = Calendar.from_ical(calendar_for(seeded.database, None))
    assert str(every_year["X-WR-CALNAME"]) == "Plans of events 2024"
    assert _events(every_year.to_ical()).keys() == _events(calendar_for(seeded.database, 2024)).keys()
    with pytest.raises(NoPlan, match="no plan of events for 2031"):
        calendar_for(seeded.database, 2031)


def test_an_amendment_moves_rescheduled_items_drops_cancelled_ones_and_adds_new_ones(amended):
    events = _events(calendar_for(amended.database, 2024))
    changes = {change["item_no"]: change for change in AMENDMENT["changes"]}
    cancelled = {no for no, change in changes.items() if change["change"] == "cancelled"}
    assert cancelled == {13, 25}
    seed_items = {item["item_no"]: item for item in SEED_PLAN["items"]}
    expected_dated = {
        no: (changes.get(no) or seed_items[no])
        for no in sorted(set(seed_items) | set(changes))
        if no not in cancelled and (changes.get(no) or seed_items[no])["starts_on"] is not None
    }
    assert sorted(events) == sorted(event_uid(2024, no, "") for no in expected_dated)
    assert len(events) == 25
    for no, fact in expected_dated.items():
        assert _span(events[f"2024-{no}@circulars"]) == (fact["starts_on"], fact["ends_on"]), no
    item_9 = events["2024-9@circulars"]
    assert _span(item_9) == (date(2024, 4, 23), date(2024, 4, 25))
    assert str(item_9["X-CIRCULARS-STATUS"]) == "rescheduled"
    assert str(item_9["X-CIRCULARS-SOURCE-SHA256"]) == AMENDMENT_SHA
    description = str(item_9["DESCRIPTION"])
    assert "Status: rescheduled" in description
    assert f"Source: DOC/1532 of 2024-04-12, page 1 (sha256 {AMENDMENT_SHA})" in description
    assert "Scheduled in: DOC/1497, page 1" in description
    item_24 = events["2024-24@circulars"]  # printed without timing in the seed, given "November" by the amendment
    assert _span(item_24) == (date(2024, 11, 1), date(2024, 11, 30))
    assert events["2024-29@circulars"]["CATEGORIES"].cats == ["half_year"]
    assert str(events["2024-28@circulars"]["X-CIRCULARS-STATUS"]) == "planned"
    calendar = Calendar.from_ical(calendar_for(amended.database, 2024))
    assert str(calendar["X-CIRCULARS-UNDATED"]) == "2"
