"""The plans of events as an iCalendar (RFC 5545) file, for any calendar application.

Why all-day events over the whole interval: a plan's timing is indicative ("Second
half of February", "4th Quarter"), so an event spans the interval the timing
names, DTEND exclusive as RFC 5545 wants (ends_on + 1 day), and its precision is a
category. Items printed without a timing (or "T.B.C.") are never given invented
dates: they are left out and listed in the calendar's own description (and counted
in X-CIRCULARS-UNDATED). Cancelled items are left out; rescheduled items carry their
new dates and say what was printed before.

The output depends only on the database: DTSTAMP is when the item's current
wording took effect (its valid time), not the moment of export, so exporting twice
gives the same bytes and a subscribed calendar sees no spurious change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from circulars.db import connect

PRODID = "-//circulars//plan of events//EN"
UID_DOMAIN = "circulars"



class NoPlan(LookupError):
    """The database holds no plan of events for the year asked (or none at all)."""


PLAN_ITEMS_QUERY = """
SELECT p.plan_year, p.item_no, p.title, p.organizers, p.lead_organizer, p.timing_text,
       p.starts_on, p.ends_on, p.timing_precision, p.status, p.plan_symbol, p.scheduled_text_before,
       p.circular_sha256, p.page, c.symbol AS circular_symbol, c.issued_on AS circular_issued_on,
       p.scheduled_in_sha256, p.scheduled_on_page, s.symbol AS scheduled_in_symbol, p.valid_at
FROM plan_items p
LEFT JOIN circulars c ON c.sha256 = p.circular_sha256
LEFT JOIN circulars s ON s.sha256 = p.scheduled_in_sha256
WHERE p.status <> 'cancelled' AND (CAST($year AS INTEGER) IS NULL OR p.plan_year = CAST($year AS INTEGER))
ORDER BY p.plan_year, p.item_no NULLS LAST, p.title
"""


def event_uid(plan_year: int, item_no: int | None, title: str) -> str:
    """Stable across exports and amendments: the plan year and the item's number (its title if unnumbered)."""
    if item_no is not None:
        return f"{plan_year}-{item_no}@{UID_DOMAIN}"
    digest = hashlib.sha256((title or "").encode()).hexdigest()[:12]
    return f"{plan_year}-{digest}@{UID_DOMAIN}"


def _source(symbol: str | None, issued_on: date | None, page: int | None, sha256: str | None) -> str:
    named = symbol or "circular"
    if issued_on:
        named += f" of {issued_on.isoformat()}"
    if page is not None:
        named += f", page {page}"
    return f"{named} (sha256 {sha256})" if sha256 else named


def _description(item: dict) -> str:
    number = f", item {item['item_no']}" if item["item_no"] is not None else ""
    lines = [f"Plan of events {item['plan_year']} ({item['plan_symbol']}){number}"]
    if item["organizers"]:
        lines.append("Organisers: " + "; ".join(item["organizers"]))
    if item["lead_organizer"]:
        lines.append(f"Lead organiser: {item['lead_organizer']}")
    lines.append(f"Timing as printed: {item['timing_text']}")
    lines.append(f"Precision: {item['timing_precision']}")
    status = item["status"]
    before = item["scheduled_text_before"]
    if status == "rescheduled" and before and before != item["timing_text"]:
        status += f" (previously: {before})"
    lines.append(f"Status: {status}")
    lines.append(
        "Source: " + _source(item["circular_symbol"], item["circular_issued_on"], item["page"], item["circular_sha256"])
    )
    if item["scheduled_in_sha256"] and (
        item["scheduled_in_sha256"] != item["circular_sha256"] or item["scheduled_on_page"] != item["page"]
    ):
        lines.append(
            "Scheduled in: "
            + _source(item["scheduled_in_symbol"], None, item["scheduled_on_page"], item["scheduled_in_sha256"])
        )
    return "\n".join(lines)


def _event(item: dict) -> Event:
    starts_on: date = item["starts_on"]
    ends_on: date = item["ends_on"] or starts_on
    stamp: datetime = item["valid_at"].astimezone(UTC)
    event = Event()
    event.add("uid", event_uid(item["plan_year"], item["item_no"], item["title"]))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", starts_on)
    event.add("dtend", ends_on + timedelta(days=1))
    event.add("summary", item["title"])
    event.add("description", _description(item))
    event.add("categories", [item["timing_precision"]])
    event.add("transp", "TRANSPARENT")
    event.add("x-circulars-status", item["status"])
    event.add("x-circulars-timing-text", item["timing_text"])
    event.add("x-circulars-source-sha256", item["circular_sha256"])
    event.add("x-circulars-source-page", str(item["page"]))
    return event


def _undated_note(undated: list[dict]) -> str:
    listed = "; ".join(
        f"{item['plan_year']} #{item['item_no']} {item['title']} ({item['timing_text'] or 'no timing printed'})"
        for item in undated
    )
    return f"{len(undated)} item(s) without dates are not shown: {listed}"


def plan_items_for(
    database: Path, year: int | None, *, on_wait: Callable[[str], None] | None = None
) -> list[dict]:
    """Plan items not cancelled (of one plan year, or all), with the symbols of the circulars they come from."""
    with connect(Path(database), read_only=True, on_wait=on_wait) as con:
        cursor = con.execute(PLAN_ITEMS_QUERY.replace("$year", "?"), [year, year])
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]


def calendar_for(database: Path, year: int | None, *, on_wait: Callable[[str], None] | None = None) -> bytes:
    """The plan of `year` (every plan if None) as iCalendar bytes: one all-day event per dated item."""
    items = plan_items_for(database, year, on_wait=on_wait)
    if not items:
        scope = f"for {year}" if year is not None else "at all"
        raise NoPlan(f"no plan of events {scope} in {database}")
    dated = [item for item in items if item["starts_on"] is not None]
    undated = [item for item in items if item["starts_on"] is None]
    years = sorted({item["plan_year"] for item in items})
    plans = ", ".join(dict.fromkeys(item["plan_symbol"] for item in items if item["plan_symbol"]))
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    name = f"Plan of events {year}" if year is not None else f"Plans of events {span}"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    description = f"{name} ({plans}): {len(dated)} dated event(s)."
    if undated:
        description += " " + _undated_note(undated) + "."
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-circulars-events", str(len(dated)))
    calendar.add("x-circulars-undated", str(len(undated)))
    for item in dated:
        calendar.add_component(_event(item))
    return calendar.to_ical()
