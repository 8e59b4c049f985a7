"""The plans of events as an iCalendar (RFC 5545) file, for any calendar application.

Why all-day events over the whole interval: a plan's timing is indicative ("Second
half of February", "4th Quarter"), so an event spans the interval the timing
names, DTEND exclusive as RFC 5545 wants (ends_on + 1 day), and its precision is a
category. Items printed without a timing (or "T.B.C.") are never given invented
dates: they are left out and listed in the calendar's own description (and counted
in X-CIRCULARS-UNDATED). Cancelled items are left out; rescheduled items carry their
new dates and say what was printed before.

With `deadlines`, each silence procedure's deadline is an event at its exact
instant, in the time zone the circular states it in (`TZID=Asia/Almaty`, with the
zone's rules in a VTIMEZONE), with an alarm a day before, titled with the draft's
symbol and subject. It is written from the `decisions` table, so a deadline
extended later moves (same UID), and its description tells the outcome when the
procedure concluded or silence was broken, and the deadline's story from
`entity_states`.

The output depends only on the database: DTSTAMP is when the item's current
wording took effect (its valid time), not the moment of export, so exporting twice
gives the same bytes and a subscribed calendar sees no spurious change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from circulars.changes import ASTANA, astana_date, astana_utc, change_verb
from circulars.db import connect, has_table

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


DEADLINES_QUERY = """
SELECT d.decision_id, d.symbol, d.subject, d.status, d.silence_deadline, d.adopted_on, d.adopted_symbol,
       d.silence_broken_by, d.superseded_by, d.circular_sha256, d.page, c.symbol AS circular_symbol, d.valid_at
FROM decisions d LEFT JOIN circulars c ON c.sha256 = d.circular_sha256
WHERE d.silence_deadline IS NOT NULL
  AND (CAST($year AS INTEGER) IS NULL
       OR year(timezone('Asia/Almaty', d.silence_deadline)) = CAST($year AS INTEGER))
ORDER BY d.silence_deadline, d.symbol
"""

# The deadline's story: every state of the draft, to say when it was set, moved, and how it ended.
DEADLINE_STORY_QUERY = """
SELECT s.entity_key, s.change, s.valid_at, s.source, s.status, s.silence_deadline, s.prev_silence_deadline,
       s.page, c.symbol AS circular_symbol
FROM entity_states s LEFT JOIN circulars c ON c.sha256 = s.circular_sha256
WHERE s.entity_kind = 'decision' AND s.entity_key IN (SELECT unnest(?))
ORDER BY s.entity_key, s.valid_at, s.ord, s.seq
"""


def deadlines_for(database: Path, year: int | None, *, on_wait: Callable[[str], None] | None = None) -> list[dict]:
    """Drafts under silence procedure (of deadlines in `year` in Astana, or all), each with its story."""
    with connect(Path(database), read_only=True, on_wait=on_wait) as con:
        cursor = con.execute(DEADLINES_QUERY.replace("$year", "?"), [year, year])
        columns = [d[0] for d in cursor.description]
        drafts = [dict(zip(columns, row)) for row in cursor.fetchall()]
        has_states = has_table(con, "entity_states")
        stories: dict[str, list[dict]] = {}
        if drafts and has_states:
            cursor = con.execute(DEADLINE_STORY_QUERY, [[d["decision_id"] for d in drafts]])
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                state = dict(zip(columns, row))
                stories.setdefault(state["entity_key"], []).append(state)
    for draft in drafts:
        draft["story"] = stories.get(draft["decision_id"], [])
    return drafts


def _where(symbol: str | None, page: int | None) -> str:
    named = symbol or "a circular"
    return f"{named}, p. {page}" if page is not None else named


def _outcome(draft: dict) -> str:
    status = draft["status"]
    where = _where(draft["circular_symbol"], draft["page"])
    if status == "adopted":
        adopted = f" as {draft['adopted_symbol']}" if draft["adopted_symbol"] else ""
        return f"Outcome: concluded, adopted on {draft['adopted_on']}{adopted} ({where})"
    if status == "rejected":
        return f"Outcome: silence broken by {draft['silence_broken_by'] or 'a member state'}: not adopted ({where})"
    if status == "presumed_adopted":
        return ("Outcome: the deadline passed with no objection recorded: presumed adopted "
                f"on {draft['adopted_on']}; no note confirming it has been received yet")
    if status == "pending_silence":
        return "Pending: adopted at this time unless a member state breaks silence before it"
    if status == "superseded":
        return f"Outcome: superseded by {draft['superseded_by']} ({where})"
    return f"Status: {status.replace('_', ' ')} ({where})"


def _story_line(state: dict) -> str:
    when = astana_date(state["valid_at"]) if state["source"] != "clock" else astana_utc(state["valid_at"])
    if state["change"] == "deadline_passed":
        return f"{when}: the deadline passed (presumed adopted)"
    line = f"{when}: {change_verb(state['change'])} ({_where(state['circular_symbol'], state['page'])})"
    if state["prev_silence_deadline"] is not None and state["silence_deadline"] != state["prev_silence_deadline"]:
        line += f"; deadline moved from {astana_utc(state['prev_silence_deadline'])} to {astana_utc(state['silence_deadline'])}"
    elif state["change"] == "silence_opened" and state["silence_deadline"] is not None:
        line += f"; deadline {astana_utc(state['silence_deadline'])}"
    return line


def deadline_uid(decision_id: str) -> str:
    """Stable across exports and extensions: an extended deadline is the same event, moved."""
    digest = hashlib.sha256(decision_id.encode()).hexdigest()[:12]
    return f"silence-{digest}@{UID_DOMAIN}"


def _deadline_event(draft: dict) -> Event:
    from icalendar import Alarm

    deadline: datetime = draft["silence_deadline"]
    local = deadline.astimezone(ZoneInfo(ASTANA))
    # when the draft's current state took effect (its latest step), not the export: same bytes every time
    stamp = max([s["valid_at"] for s in draft["story"]] or [draft["valid_at"] or deadline]).astimezone(UTC)
    subject = draft["subject"] or ""
    short = subject if len(subject) <= 100 else subject[:99].rstrip() + "…"
    event = Event()
    event.add("uid", deadline_uid(draft["decision_id"]))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("dtstart", local)  # TZID=Asia/Almaty; no DTEND: the procedure ends at this instant
    event.add("summary", f"Silence procedure ends: {draft['symbol']} — {short}".rstrip(" —"))
    lines = [
        f"Draft {draft['symbol']} under silence procedure: {subject}",
        f"Deadline: {astana_utc(deadline)}",
        _outcome(draft),
    ]
    if draft["story"]:
        # a copy of the same circular restating the same deadline adds nothing to the story
        told = [state for i, state in enumerate(draft["story"])
                if i == 0 or (state["change"], state["silence_deadline"])
                != (draft["story"][i - 1]["change"], draft["story"][i - 1]["silence_deadline"])]
        lines.append("History: " + "; ".join(_story_line(state) for state in told))
    event.add("description", "\n".join(lines))
    event.add("categories", ["silence_procedure"])
    event.add("x-circulars-status", draft["status"])
    event.add("x-circulars-symbol", draft["symbol"])
    if draft["circular_sha256"]:
        event.add("x-circulars-source-sha256", draft["circular_sha256"])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", f"Tomorrow {local.strftime('%H:%M')} Astana: silence procedure on {draft['symbol']} ends")
    event.add_component(alarm)
    return event


def calendar_for(
    database: Path,
    year: int | None,
    *,
    deadlines: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> bytes:
    """The plan of `year` (every plan if None) as iCalendar bytes: one all-day event per dated item,
    and with `deadlines` one timed event per silence-procedure deadline."""
    items = plan_items_for(database, year, on_wait=on_wait)
    drafts = deadlines_for(database, year, on_wait=on_wait) if deadlines else []
    if not items and not drafts:
        scope = f"for {year}" if year is not None else "at all"
        what = "no plan of events or silence deadline" if deadlines else "no plan of events"
        raise NoPlan(f"{what} {scope} in {database}")
    dated = [item for item in items if item["starts_on"] is not None]
    undated = [item for item in items if item["starts_on"] is None]
    years = sorted({item["plan_year"] for item in items} | {d["silence_deadline"].astimezone(ZoneInfo(ASTANA)).year for d in drafts})
    plans = ", ".join(dict.fromkeys(item["plan_symbol"] for item in items if item["plan_symbol"]))
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    name = f"Plan of events {year}" if year is not None else f"Plans of events {span}"
    if deadlines:
        name += " and silence deadlines"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    description = f"{name} ({plans}): {len(dated)} dated event(s)." if plans else f"{name}:"
    if deadlines:
        description += f" {len(drafts)} silence-procedure deadline(s)."
    if undated:
        description += " " + _undated_note(undated) + "."
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-circulars-events", str(len(dated)))
    calendar.add("x-circulars-undated", str(len(undated)))
    if deadlines:
        calendar.add("x-circulars-deadlines", str(len(drafts)))
    for item in dated:
        calendar.add_component(_event(item))
    for draft in drafts:
        calendar.add_component(_deadline_event(draft))
    if drafts:
        calendar.add_missing_timezones()
    return calendar.to_ical()
