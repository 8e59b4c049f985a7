"""What changed, and since when: the `changes` projection, `circulars changes|history`, deadlines in the calendar.

A home taken through the timeline of the fixtures, through the real Dagster job:
the seed (text) before the silence deadline, the clock past the deadline, then the
follow-ups as rendered PDFs (a4serif), so every change carries a real page number:
the amendment's items are on pages 5 and 6 of DOC/1532, the revised budget on page
5 of DOC/1560, the drafts' conclusion on page 1 of DOC/1503 (its cover note).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from circulars.calendar_export import calendar_for, deadline_uid
from circulars.cli import app, copy_into_inbox, run_ingestion
from circulars.home import resolve_home
from pipelines.instance import prepare
from tests.conftest import PDFS, SEED_TEXT, query_rows
from tests.fixtures import expected as E

pytestmark = pytest.mark.slow  # runs the ingestion job over follow-up sequences

FIXTURES_DIR = Path(__file__).parent / "fixtures"
FOLLOW_UPS = [
    "010_silence_concluded_DOC-1503",
    "005_silence_opened_DOC-1510",
    "011_silence_broken_DOC-1519",
    "020_plan_amendment_DOC-1532",
    "030_budget_revision_DOC-1560",
    "040_plan_2025_DOC-1601",
]
UNOCT = "SOC/2023-III/DRAFT/3"
FUND = "SOC/2024-I/DRAFT/1"


SEED_ITEMS = {i["item_no"]: i for i in E.FIXTURES["000_seed_DOC-1497"]["plans"][0]["items"]}
AMENDMENT = E.FIXTURES["020_plan_amendment_DOC-1532"]["plan_amendments"][0]["changes"]
SEED_BUDGET = E.FIXTURES["000_seed_DOC-1497"]["budgets"][0]["lines"]
REVISED_BUDGET = E.FIXTURES["030_budget_revision_DOC-1560"]["budgets"][0]["lines"]
SEED_SHA = hashlib.sha256(SEED_TEXT.read_bytes()).hexdigest()
# The page of DOC/1532 (a4serif) on which each amended item's row is printed.
AMENDMENT_PAGES = {9: 5, 13: 5, 16: 5, 20: 5, 24: 6, 25: 6, 28: 6, 29: 6}


def _ingest(home, files, now):
    copy_into_inbox(home, files)
    result = run_ingestion(home, now=now)
    assert result.success
    return result


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    import os

    root = tmp_path_factory.mktemp("changes")
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(root / "dagster")
    home = prepare(resolve_home(root))
    calendars = {}
    _ingest(home, [SEED_TEXT], now="2023-12-20T00:00:00+00:00")
    calendars["pending"] = calendar_for(home.database, 2023, deadlines=True)
    seed_recorded = query_rows(home, "SELECT max(recorded_at) AS at FROM events")[0]["at"]
    _ingest(home, [], now="2023-12-27T00:00:00+00:00")
    calendars["presumed"] = calendar_for(home.database, 2023, deadlines=True)
    _ingest(home, [PDFS / f"{stem}.a4serif.pdf" for stem in FOLLOW_UPS], now="2025-01-01T00:00:00+00:00")
    follow_ups_recorded = query_rows(
        home, "SELECT min(recorded_at) AS first, max(recorded_at) AS last FROM events WHERE recorded_at > ?", [seed_recorded]
    )[0]
    yield {"home": home, "calendars": calendars, "seed_recorded": seed_recorded, "follow_ups": follow_ups_recorded}
    if previous is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = previous


def _cli(arguments: list[str]):
    """The command as a person runs it (errors are mapped to exit status 2 by its `main`)."""
    import subprocess

    command = Path(sys.executable).parent / "circulars"
    return subprocess.run([str(command), *arguments], capture_output=True, text=True, timeout=120)


def _event(home, seq):
    return query_rows(home, "SELECT event_id, event_type, recorded_at, circular_sha256 FROM events WHERE seq = ?", [seq])[0]


def test_the_amendment_reschedules_cancels_and_adds_items_with_before_after_and_provenance(timeline):
    home = timeline["home"]
    rows = query_rows(
        home,
        "SELECT * FROM changes WHERE circular_symbol = 'DOC/1532' AND entity_kind = 'plan_item' ORDER BY item_no, field",
    )
    by_item = {}
    for row in rows:
        by_item.setdefault(row["item_no"], []).append(row)
    assert sorted(by_item) == [c["item_no"] for c in AMENDMENT] == [9, 13, 16, 20, 24, 25, 28, 29]
    amended_on = datetime(2024, 4, 9, 19, 0, tzinfo=UTC)  # 10 April 2024 in Astana (UTC+5 since 1 March 2024)
    for change in AMENDMENT:
        no = change["item_no"]
        [row] = by_item[no]  # one row each: the timing moved, or the item cancelled, or added
        before = SEED_ITEMS.get(no)
        assert row["change"] == change["change"], no
        assert (row["plan_year"], row["entity_key"], row["symbol"]) == (2024, f"2024/{no}", "SOC/2023-III/DEC/2")
        assert row["page"] == AMENDMENT_PAGES[no], no
        assert row["valid_at"] == amended_on
        event = _event(home, row["seq"])
        assert row["event_id"] == event["event_id"]
        assert row["known_at"] == event["recorded_at"]
        assert row["circular_sha256"] == event["circular_sha256"]
        assert (row["source"], row["changed_by"], row["why"]) == (None, None, None)
        if change["change"] == "rescheduled":
            assert event["event_type"] == "PlanItemRescheduled"
            assert (row["field"], row["before"], row["after"]) == ("timing", before["timing_text"], change["timing_text"])
            assert (row["before_from"], row["before_to"]) == (before["starts_on"], before["ends_on"])
            assert (row["after_from"], row["after_to"]) == (change["starts_on"], change["ends_on"])
        elif change["change"] == "cancelled":
            assert event["event_type"] == "PlanItemCancelled"
            assert (row["field"], row["before"], row["after"]) == ("status", "planned", "cancelled")
        else:
            assert event["event_type"] == "PlanItemAdded"
            assert before is None
            assert (row["field"], row["before"], row["after"]) == ("timing", None, change["timing_text"])
            assert (row["after_from"], row["after_to"]) == (change["starts_on"], change["ends_on"])
            assert row["label"] == change["title"]
    sentences = {r["item_no"]: r["sentence"] for r in rows}
    assert sentences[9] == "Plan 2024 item 9 rescheduled: March → 23 – 25 April (DOC/1532, p. 5)"
    assert sentences[13] == "Plan 2024 item 13 cancelled: planned → cancelled (DOC/1532, p. 5)"
    assert sentences[24] == "Plan 2024 item 24 rescheduled: no timing printed → November (DOC/1532, p. 6)"
    assert sentences[28] == (
        'Plan 2024 item 28 added: 24 – 26 June — CICA Conference "Connectivity in Asia: transport corridors and logistics"'
        " (DOC/1532, p. 6)"
    )


def test_the_revised_budget_changes_exactly_the_lines_whose_amounts_moved(timeline):
    home = timeline["home"]
    rows = query_rows(
        home, "SELECT * FROM changes WHERE circular_symbol = 'DOC/1560' AND entity_kind = 'budget_line' ORDER BY seq"
    )
    expected = [
        (old, new) for old, new in zip(SEED_BUDGET, REVISED_BUDGET, strict=True) if old["amount"] != new["amount"]
    ]
    assert [(r["before_amount"], r["after_amount"]) for r in rows] == [(o["amount"], n["amount"]) for o, n in expected]
    assert len(rows) == 6  # II, III, IV, V, Total, Grand total; I and VI were restated unchanged
    for row, (old, new) in zip(rows, expected):
        key = str(new["line_no"]) if new["line_no"] is not None else new["kind"]
        assert (row["entity_key"], row["budget_year"], row["line_no"]) == (f"2024/{key}", 2024, new["line_no"])
        assert (row["field"], row["change"], row["before"], row["after"]) == (
            "amount_usd", "revised", str(old["amount"]), str(new["amount"]))
        assert (row["symbol"], row["page"]) == ("SOC/2024-II/DEC/3", 5)
        assert row["valid_at"] == datetime(2024, 9, 17, 19, 0, tzinfo=UTC)
        assert _event(home, row["seq"])["event_type"] == "BudgetLineSet"
    assert rows[0]["sentence"] == (
        "Budget 2024 line II OPERATIONAL EXPENSES revised: 1,629,598 USD → 1,702,413 USD (DOC/1560, p. 5)"
    )
    assert rows[-1]["sentence"] == "Budget 2024 Grand total revised: 4,759,000 USD → 4,779,000 USD (DOC/1560, p. 5)"
    superseded = query_rows(
        home, "SELECT field, before, after FROM changes WHERE entity_key = 'SOC/2023-III/DEC/3' AND change = 'superseded' ORDER BY field"
    )
    assert superseded == [
        {"field": "status", "before": "approved", "after": "superseded"},
        {"field": "superseded_by", "before": None, "after": "SOC/2024-II/DEC/3"},
    ]


def test_the_unoct_draft_goes_pending_then_presumed_then_adopted(timeline):
    home = timeline["home"]
    runner = CliRunner()
    result = runner.invoke(app, ["history", UNOCT, "--json", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    story = json.loads(result.output)
    states = [
        (s["change"], s["status"], s["source"], s["circular_symbol"], s["page"], s["valid_at"], s["adopted_symbol"])
        for s in story["states"]
    ]
    assert states == [
        ("silence_opened", "pending_silence", None, "DOC/1497", 1, "2023-12-11T18:00:00+00:00", None),
        ("deadline_passed", "presumed_adopted", "clock", "DOC/1497", 1, "2023-12-26T06:00:00+00:00", None),
        ("silence_concluded", "adopted", None, "DOC/1503", 1, "2023-12-26T06:00:00+00:00", "SOC/2023-III/DEC/4"),
    ]
    known = [datetime.fromisoformat(s["known_at"]) for s in story["states"]]
    assert known[0] == known[1] == timeline["seed_recorded"]  # the deadline had passed when the seed was recorded
    assert timeline["follow_ups"]["first"] <= known[2] <= timeline["follow_ups"]["last"]
    assert [s["silence_deadline"] for s in story["states"]] == ["2023-12-26T06:00:00+00:00"] * 3
    assert [(link["entity_key"], link["circular_symbol"]) for link in story["links"]] == [
        ("DOC/1503 confirms SOC/2023-III/DRAFT/3", "DOC/1503"),
        ("SOC/2023-III/DRAFT/3 adopted_as SOC/2023-III/DEC/4", "DOC/1503"),
    ]
    text = runner.invoke(app, ["history", UNOCT, "--home", str(home.root)], env={"COLUMNS": "250"}).output
    assert "Decision SOC/2023-III/DRAFT/3 — to establish partnership relations" in text
    for expected in ("put under silence procedure", "silence deadline passed", "adopted by silence procedure",
                     "status pending silence", "status presumed adopted", "status adopted",
                     "DOC/1497, p. 1", "DOC/1503, p. 1", "2023-12-26 12:00 Astana (06:00 UTC)"):
        assert expected in text, expected
    assert text.index("status pending silence") < text.index("status presumed adopted") < text.index("adopted as SOC/2023-III/DEC/4")
    changes = query_rows(
        home, "SELECT change, field, before, after, source FROM changes WHERE entity_key = ? ORDER BY valid_at, seq, field_no", [UNOCT]
    )
    assert changes == [
        {"change": "silence_opened", "field": "status", "before": None, "after": "pending_silence", "source": None},
        {"change": "deadline_passed", "field": "status", "before": "pending_silence", "after": "presumed_adopted", "source": "clock"},
        {"change": "deadline_passed", "field": "adopted_on", "before": None, "after": "2023-12-26", "source": "clock"},
        {"change": "silence_concluded", "field": "status", "before": "presumed_adopted", "after": "adopted", "source": None},
        {"change": "silence_concluded", "field": "adopted_symbol", "before": None, "after": "SOC/2023-III/DEC/4", "source": None},
    ]


def test_a_broken_silence_rejects_the_fund_draft_and_history_of_plan_and_budget_facts(timeline):
    home = timeline["home"]
    runner = CliRunner()
    fund = json.loads(runner.invoke(app, ["history", FUND, "--json", "--home", str(home.root)]).output)["states"]
    assert [(s["change"], s["status"], s["circular_symbol"], s["page"], s["silence_broken_by"]) for s in fund] == [
        ("silence_opened", "pending_silence", "DOC/1510", 4, None),
        ("silence_broken", "rejected", "DOC/1519", 1, "Republic of India"),
    ]
    item = json.loads(runner.invoke(app, ["history", "plan", "2024", "9", "--json", "--home", str(home.root)]).output)
    assert [(s["change"], s["timing_text"], s["starts_on"], s["circular_symbol"], s["page"]) for s in item["states"]] == [
        ("scheduled", "March", "2024-03-01", "DOC/1497", 1),
        ("rescheduled", "23 – 25 April", "2024-04-23", "DOC/1532", 5),
    ]
    line = json.loads(runner.invoke(app, ["history", "budget", "2024", "II", "--json", "--home", str(home.root)]).output)
    assert [(s["change"], s["amount_usd"], s["symbol"], s["circular_symbol"], s["page"]) for s in line["states"]] == [
        ("approved", 1_629_598, "SOC/2023-III/DEC/3", "DOC/1497", 1),
        ("revised", 1_702_413, "SOC/2024-II/DEC/3", "DOC/1560", 5),
    ]
    by_number = json.loads(runner.invoke(app, ["history", "budget", "2024", "2", "--json", "--home", str(home.root)]).output)
    assert by_number == line
    grand = json.loads(runner.invoke(app, ["history", "budget", "2024", "grand_total", "--json", "--home", str(home.root)]).output)
    assert [s["amount_usd"] for s in grand["states"]] == [4_759_000, 4_779_000]
    missing = _cli(["history", "plan", "2024", "99", "--home", str(home.root)])
    assert missing.returncode == 2 and "no plan 2024 item 99" in missing.stderr


def test_changes_since_filters_by_known_at(timeline):
    home = timeline["home"]
    runner = CliRunner()
    everything = json.loads(runner.invoke(app, ["changes", "--json", "--home", str(home.root)]).output)
    assert len(everything) == query_rows(home, "SELECT count(*) AS n FROM changes")[0]["n"]
    known = [datetime.fromisoformat(c["known_at"]) for c in everything]
    assert known == sorted(known, reverse=True)  # newest first
    boundary = (timeline["seed_recorded"] + timedelta(microseconds=1)).isoformat()
    since = json.loads(runner.invoke(app, ["changes", "--since", boundary, "--json", "--home", str(home.root)]).output)
    until = json.loads(runner.invoke(app, ["changes", "--until", timeline["seed_recorded"].isoformat(), "--json",
                                           "--home", str(home.root)]).output)
    assert {c["circular_symbol"] for c in since} == {"DOC/1503", "DOC/1510", "DOC/1519", "DOC/1532", "DOC/1560", "DOC/1601"}
    assert all(datetime.fromisoformat(c["known_at"]) >= datetime.fromisoformat(boundary) for c in since)
    # before the follow-ups: the seed's facts, and the clock that passed its deadlines (known from then)
    assert {c["circular_symbol"] for c in until} == {"DOC/1497"}
    assert {c["change"] for c in until if c["source"] == "clock"} == {"deadline_passed"}
    assert len(since) + len(until) == len(everything)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    nothing = runner.invoke(app, ["changes", "--since", tomorrow, "--home", str(home.root)])
    assert nothing.exit_code == 0 and "No changes known in that period." in nothing.output
    one = runner.invoke(app, ["changes", "--circular", "DOC/1560", "--home", str(home.root)], env={"COLUMNS": "250"}).output
    assert "2024-09-18  Budget 2024 line II OPERATIONAL EXPENSES revised: 1,629,598 USD → 1,702,413 USD (DOC/1560, p. 5)" in one
    assert "SOC/2024-II/DEC/3 supersedes SOC/2023-III/DEC/3 (DOC/1560, p. 5)" in one
    assert "DOC/1532" not in one
    bad = _cli(["changes", "--since", "last week", "--home", str(home.root)])
    assert bad.returncode == 2 and "not a date or an ISO instant" in bad.stderr


def _deadline_event(ics: bytes, decision_id: str):
    [event] = [e for e in Calendar.from_ical(ics).walk("VEVENT") if str(e["UID"]) == deadline_uid(decision_id)]
    return event


def test_the_deadline_event_sits_at_six_utc_on_26_december_with_an_alarm_and_its_outcome(timeline):
    pending = _deadline_event(timeline["calendars"]["pending"], UNOCT)
    start = pending["DTSTART"]
    assert start.params["TZID"] == "Asia/Almaty"
    assert start.dt.astimezone(UTC) == datetime(2023, 12, 26, 6, 0, tzinfo=UTC)
    assert (start.dt.hour, start.dt.minute) == (12, 0)  # 12 noon by Astana time, as the draft says
    assert "DTEND" not in pending
    assert str(pending["SUMMARY"]).startswith(f"Silence procedure ends: {UNOCT} — to establish partnership relations")
    [alarm] = pending.walk("VALARM")
    assert alarm["TRIGGER"].dt == timedelta(days=-1) and str(alarm["ACTION"]) == "DISPLAY"
    assert "Pending: adopted at this time unless a member state breaks silence" in str(pending["DESCRIPTION"])
    assert "Deadline: 2023-12-26 12:00 Astana (06:00 UTC)" in str(pending["DESCRIPTION"])
    presumed = _deadline_event(timeline["calendars"]["presumed"], UNOCT)
    assert "Outcome: the deadline passed with no objection recorded: presumed adopted on 2023-12-26" in str(presumed["DESCRIPTION"])
    final = calendar_for(timeline["home"].database, None, deadlines=True)
    concluded = _deadline_event(final, UNOCT)
    assert concluded["DTSTART"].dt.astimezone(UTC) == datetime(2023, 12, 26, 6, 0, tzinfo=UTC)
    assert "Outcome: concluded, adopted on 2023-12-26 as SOC/2023-III/DEC/4 (DOC/1503, p. 1)" in str(concluded["DESCRIPTION"])
    assert str(concluded["X-CIRCULARS-STATUS"]) == "adopted"
    broken = _deadline_event(final, FUND)
    assert broken["DTSTART"].dt.astimezone(UTC) == datetime(2024, 3, 15, 13, 0, tzinfo=UTC)  # 18:00 at UTC+5
    assert "Outcome: silence broken by Republic of India: not adopted (DOC/1519, p. 1)" in str(broken["DESCRIPTION"])
    assert final == calendar_for(timeline["home"].database, None, deadlines=True)
    # the plan-only calendar is unchanged by the option's existence
    assert b"silence-" not in calendar_for(timeline["home"].database, 2024)
    cli = CliRunner().invoke(app, ["calendar", "2023", "--deadlines", "--home", str(timeline["home"].root)])
    assert cli.exit_code == 0 and "DTSTART;TZID=Asia/Almaty:20231226T120000" in cli.output


def test_incremental_projection_equals_a_full_rebuild(timeline, tmp_path):
    from circulars import changes

    copy = tmp_path / "copy.duckdb"
    shutil.copy(timeline["home"].database, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("SET TimeZone = 'UTC'")
        columns = ", ".join(changes.STATE_COLUMNS)
        incremental = sorted(map(repr, con.execute(f"SELECT {columns} FROM entity_states").fetchall()))
        now = con.execute("SELECT now FROM changes_checkpoint").fetchone()[0]
        con.execute("DELETE FROM changes_checkpoint")
        changes.project_changes(con, now, after_seq=0)
        full = sorted(map(repr, con.execute(f"SELECT {columns} FROM entity_states").fetchall()))
    finally:
        con.close()
    assert len(incremental) == len(full) > 150
    assert incremental == full


def test_an_extended_deadline_moves_in_changes_and_the_calendar(tmp_path):
    """A hand-built extension: a later circular re-opens the UNOCT draft's silence with a later deadline."""
    from zoneinfo import ZoneInfo

    from circulars import eventlog, projections
    from circulars.ingest import stream_for
    from models.events import CircularIdentified, CircularReceived, SilenceProcedureOpened

    home = prepare(resolve_home(tmp_path / "home"))
    import os

    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    try:
        _ingest(home, [SEED_TEXT], now="2023-12-20T00:00:00+00:00")
    finally:
        os.environ.pop("DAGSTER_HOME", None)
    sha = hashlib.sha256(b"DOC/1499, a note extending the silence procedure").hexdigest()
    valid = datetime(2023, 12, 22, tzinfo=ZoneInfo("Asia/Almaty"))
    new_deadline = datetime(2023, 12, 28, 6, 0, tzinfo=UTC)
    events = [
        CircularReceived(circular_sha256=sha, valid_at=valid, file_name="DOC-1499.txt", size=60, media_type="text/plain"),
        CircularIdentified(circular_sha256=sha, valid_at=valid, page=1, reading_id="r-1499", reader_version="1",
                           symbol="DOC/1499", issued_on=date(2023, 12, 22), place="Astana", languages=["en"], page_count=1),
        SilenceProcedureOpened(circular_sha256=sha, valid_at=valid, page=1, reading_id="r-1499", decision_id=UNOCT,
                               symbol=UNOCT, body="SOC", subject="partnership relations with UNOCT",
                               deadline_local=datetime(2023, 12, 28, 12, 0), deadline_utc=new_deadline),
    ]
    con = duckdb.connect(str(home.database))
    try:
        con.execute("SET TimeZone = 'UTC'")
        eventlog.append(con, [eventlog.PendingEvent(stream_for(sha), f"{sha}|{i}", e) for i, e in enumerate(events)],
                        recorded_at=datetime.now(UTC))
        projections.project(con, datetime(2023, 12, 27, tzinfo=UTC))
        at_27 = con.execute("SELECT status, silence_deadline FROM decisions WHERE decision_id = ?", [UNOCT]).fetchall()
        moved = con.execute(
            "SELECT change, field, before_at, after_at, circular_symbol, sentence FROM changes WHERE entity_key = ? ORDER BY valid_at, seq",
            [UNOCT],
        ).fetchall()
        projections.project(con, datetime(2023, 12, 29, tzinfo=UTC))
        clock = con.execute(
            "SELECT valid_at, after FROM changes WHERE entity_key = ? AND source = 'clock' AND field = 'status'", [UNOCT]
        ).fetchall()
    finally:
        con.close()
    assert at_27 == [("pending_silence", new_deadline)]  # the old deadline passed, but it was extended before it did
    assert moved[1] == (
        "silence_opened", "silence_deadline", datetime(2023, 12, 26, 6, 0, tzinfo=UTC), new_deadline, "DOC/1499",
        "Decision SOC/2023-III/DRAFT/3 put under silence procedure, silence deadline: 2023-12-26 12:00 Astana (06:00 UTC)"
        " → 2023-12-28 12:00 Astana (06:00 UTC) (DOC/1499, p. 1)",
    )
    assert len(moved) == 2  # no clock change at the first deadline: it never passed unextended
    assert clock == [(new_deadline, "presumed_adopted")]
    event = _deadline_event(calendar_for(home.database, 2023, deadlines=True), UNOCT)
    assert event["DTSTART"].dt.astimezone(UTC) == new_deadline
    description = str(event["DESCRIPTION"])
    assert "Deadline: 2023-12-28 12:00 Astana (06:00 UTC)" in description
    assert ("deadline moved from 2023-12-26 12:00 Astana (06:00 UTC) to 2023-12-28 12:00 Astana (06:00 UTC)"
            in description)


def test_a_second_rendering_of_the_seed_restates_the_plan_and_removes_nothing(timeline, tmp_path):
    """The seed's PDF re-adopts the same plan at the same valid time, after the amendment was recorded:
    a restatement (no change, nothing removed), and the amendment still applies to the plan in force."""
    import os

    root = tmp_path / "again"
    shutil.copytree(timeline["home"].root, root, ignore=shutil.ignore_patterns("dagster"))
    home = prepare(resolve_home(root))
    before = query_rows(home, "SELECT count(*) AS n FROM changes")[0]["n"]
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    try:
        _ingest(home, [PDFS / "000_seed_DOC-1497.lettersans.pdf"], now="2025-01-01T00:00:00+00:00")
    finally:
        os.environ["DAGSTER_HOME"] = previous or ""
        if previous is None:
            os.environ.pop("DAGSTER_HOME")
    pdf_sha = hashlib.sha256((PDFS / "000_seed_DOC-1497.lettersans.pdf").read_bytes()).hexdigest()
    # Nothing it states is new; only the deadlines it restates are now the ones the clock passed (p. 6: the draft)
    restated = query_rows(home, "SELECT entity_key, field, source, page FROM changes WHERE circular_sha256 = ? ORDER BY 1, 2", [pdf_sha])
    assert restated == [
        {"entity_key": "MC/2023/DRAFT/7", "field": "adopted_on", "source": "clock", "page": 2},
        {"entity_key": "MC/2023/DRAFT/7", "field": "status", "source": "clock", "page": 2},
        {"entity_key": "SOC/2023-III/DRAFT/3", "field": "adopted_on", "source": "clock", "page": 6},
        {"entity_key": "SOC/2023-III/DRAFT/3", "field": "status", "source": "clock", "page": 6},
    ]
    assert query_rows(home, "SELECT count(*) AS n FROM changes")[0]["n"] == before
    assert query_rows(home, "SELECT count(*) AS n FROM changes WHERE change = 'removed' OR sentence IS NULL") == [{"n": 0}]
    items = query_rows(home, "SELECT item_no, status FROM plan_items WHERE plan_year = 2024 AND item_no IN (9, 13, 28) ORDER BY 1")
    assert items == [{"item_no": 9, "status": "rescheduled"}, {"item_no": 13, "status": "cancelled"},
                     {"item_no": 28, "status": "planned"}]
    story = query_rows(home, "SELECT change, page FROM entity_states WHERE entity_key = '2024/9' ORDER BY valid_at, seq")
    assert story == [{"change": "scheduled", "page": 1}, {"change": "restated", "page": 4}, {"change": "rescheduled", "page": 5}]
