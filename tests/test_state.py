"""Current state and its history, through the real Dagster job, over a timeline of circulars.

The seed (DOC/1497, 12 December 2023) arrives first; the clock then passes the
silence deadline; then the follow-ups arrive: silence concluded (DOC/1503),
a new draft opened (DOC/1510) and its silence broken (DOC/1519), the 2024 plan
amended (DOC/1532), the 2024 budget revised (DOC/1560), next year's plan and
budget (DOC/1601).
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest

from circulars.cli import copy_into_inbox, run_ingestion
from circulars.home import resolve_home
from pipelines.instance import prepare
from tests.conftest import SEED_TEXT, TEXTS, query_rows

pytestmark = pytest.mark.slow  # runs the ingestion job over follow-up sequences

UNOCT_DRAFT = "SOC/2023-III/DRAFT/3"
SAUDI_DRAFT = "MC/2023/DRAFT/7"
FUND_DRAFT = "SOC/2024-I/DRAFT/1"
FOLLOW_UPS = [
    "010_silence_concluded_DOC-1503.txt",
    "005_silence_opened_DOC-1510.txt",
    "011_silence_broken_DOC-1519.txt",
    "020_plan_amendment_DOC-1532.txt",
    "030_budget_revision_DOC-1560.txt",
    "040_plan_2025_DOC-1601.txt",
]
STATE_TABLES = ("circulars", "documents", "document_links", "decisions", "plan_items", "budget_lines")


def _decision(home, decision_id, table="decisions"):
    rows = query_rows(home, f"SELECT * FROM {table} WHERE decision_id = ?", [decision_id])
    assert len(rows) == 1, rows
    return rows[0]


def _ingest(home, files, now):
    copy_into_inbox(home, files)
    result = run_ingestion(home, now=now)
    assert result.success
    return result


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    """A home taken through the timeline; snapshots of the current tables at each step."""
    import os

    root = tmp_path_factory.mktemp("timeline")
    os.environ["DAGSTER_HOME"] = str(root / "dagster")
    home = prepare(resolve_home(root))
    snapshots = {}
    _ingest(home, [SEED_TEXT], now="2023-12-20T00:00:00+00:00")
    snapshots["before_deadline"] = query_rows(home, "SELECT * FROM decisions")
    seed_recorded = query_rows(home, "SELECT max(recorded_at) AS at FROM events")[0]["at"]
    _ingest(home, [], now="2023-12-27T00:00:00+00:00")
    snapshots["after_deadline"] = query_rows(home, "SELECT * FROM decisions")
    _ingest(home, [TEXTS / name for name in FOLLOW_UPS], now="2025-01-01T00:00:00+00:00")
    yield {"home": home, "snapshots": snapshots, "seed_recorded": seed_recorded}
    os.environ.pop("DAGSTER_HOME", None)


def _by_id(rows):
    return {row["decision_id"]: row for row in rows}


def test_draft_is_pending_before_its_deadline(timeline):
    rows = _by_id(timeline["snapshots"]["before_deadline"])
    draft = rows[UNOCT_DRAFT]
    assert draft["status"] == "pending_silence"
    assert draft["silence_deadline"] == datetime(2023, 12, 26, 6, 0, tzinfo=UTC)
    assert draft["adopted_on"] is None
    assert draft["circulated_on"] == date(2023, 12, 12)
    assert rows[SAUDI_DRAFT]["status"] == "pending_silence"
    assert rows["SOC/2023-12-12/item-7"]["status"] == "recommended"
    assert rows["SOC/2023-12-12/item-3"]["status"] == "adopted"
    assert rows["SOC/2023-12-12/item-1"]["status"] == "noted"


def test_draft_is_presumed_adopted_once_the_clock_passes_the_deadline(timeline):
    rows = _by_id(timeline["snapshots"]["after_deadline"])
    assert rows[UNOCT_DRAFT]["status"] == "presumed_adopted"
    assert rows[UNOCT_DRAFT]["adopted_on"] == date(2023, 12, 26)
    assert rows[UNOCT_DRAFT]["adopted_symbol"] is None
    assert rows[SAUDI_DRAFT]["status"] == "presumed_adopted"


def test_draft_is_adopted_when_a_circular_confirms_it(timeline):
    home = timeline["home"]
    unoct = _decision(home, UNOCT_DRAFT)
    assert (unoct["status"], unoct["adopted_on"], unoct["adopted_symbol"]) == ("adopted", date(2023, 12, 26), "SOC/2023-III/DEC/4")
    saudi = _decision(home, SAUDI_DRAFT)
    assert (saudi["status"], saudi["adopted_symbol"]) == ("adopted", "MC/2023/DEC/5")
    confirming = query_rows(home, "SELECT symbol FROM circulars WHERE sha256 = ?", [unoct["circular_sha256"]])
    assert confirming == [{"symbol": "DOC/1503"}]


def test_decisions_as_of_valid_and_known_time(timeline):
    home = timeline["home"]
    assert _decision(home, UNOCT_DRAFT, "decisions_as_of(TIMESTAMPTZ '2023-12-26 05:59:59+00')")["status"] == "pending_silence"
    # 12 noon Astana time (UTC+6 in 2023) is when the confirming circular says it was adopted.
    assert _decision(home, UNOCT_DRAFT, "decisions_as_of(TIMESTAMPTZ '2023-12-26 12:00:00+06')")["status"] == "adopted"
    known = timeline["seed_recorded"]
    as_known = query_rows(
        home,
        "SELECT status FROM decisions_as_of(TIMESTAMPTZ '2023-12-28 00:00+00', ?) WHERE decision_id = ?",
        [known, UNOCT_DRAFT],
    )
    assert as_known == [{"status": "presumed_adopted"}]


def test_silence_broken_rejects_the_draft(timeline):
    home = timeline["home"]
    fund = _decision(home, FUND_DRAFT)
    assert fund["status"] == "rejected"
    assert fund["silence_broken_by"] == "Republic of India"
    # Kazakhstan moved to UTC+5 on 1 March 2024: 18:00 Astana time on 15 March 2024 is 13:00 UTC.
    assert fund["silence_deadline"] == datetime(2024, 3, 15, 13, 0, tzinfo=UTC)
    assert fund["adopted_on"] is None
    before = _decision(home, FUND_DRAFT, "decisions_as_of(DATE '2024-03-10')")
    assert before["status"] == "pending_silence"


def test_plan_amendment_reschedules_cancels_and_adds(timeline):
    home = timeline["home"]
    items = {r["item_no"]: r for r in query_rows(home, "SELECT * FROM plan_items WHERE plan_year = 2024")}
    assert sorted(items) == list(range(1, 30))
    assert (items[9]["timing_text"], items[9]["starts_on"], items[9]["ends_on"], items[9]["status"]) == (
        "23 – 25 April", date(2024, 4, 23), date(2024, 4, 25), "rescheduled")
    assert items[9]["scheduled_text_before"] == "March"
    assert items[1]["scheduled_text_before"] is None
    assert (items[16]["starts_on"], items[16]["ends_on"], items[16]["status"]) == (date(2024, 9, 30), date(2024, 10, 2), "rescheduled")
    assert (items[20]["timing_text"], items[20]["timing_precision"], items[20]["status"]) == ("3rd Quarter", "quarter", "rescheduled")
    assert (items[24]["timing_text"], items[24]["starts_on"], items[24]["status"]) == ("November", date(2024, 11, 1), "rescheduled")
    for cancelled in (13, 25):
        assert items[cancelled]["status"] == "cancelled"
    assert items[13]["title"] == "Online experts meeting on development of the transit and transport potential of the CICA countries"
    assert items[28]["status"] == "planned" and items[28]["starts_on"] == date(2024, 6, 24)
    assert (items[29]["timing_text"], items[29]["timing_precision"]) == ("Second half of 2024", "half_year")
    assert {n for n, r in items.items() if r["status"] == "planned"} == set(range(1, 30)) - {9, 13, 16, 20, 24, 25}
    amending = query_rows(home, "SELECT symbol FROM circulars WHERE sha256 = ?", [items[9]["circular_sha256"]])
    assert amending == [{"symbol": "DOC/1532"}]
    assert items[9]["scheduled_in_sha256"] == items[1]["circular_sha256"]


def test_plan_as_it_stood_before_the_amendment(timeline):
    home = timeline["home"]
    items = {r["item_no"]: r for r in query_rows(home, "SELECT * FROM plan_items_as_of(DATE '2024-04-01') WHERE plan_year = 2024")}
    assert sorted(items) == list(range(1, 28))
    assert (items[9]["timing_text"], items[9]["starts_on"], items[9]["ends_on"], items[9]["status"]) == (
        "March", date(2024, 3, 1), date(2024, 3, 31), "planned")
    assert items[13]["status"] == "planned"
    assert all(r["status"] == "planned" for r in items.values())


def test_budget_revision_supersedes_and_as_of_returns_the_original(timeline):
    home = timeline["home"]
    current = query_rows(home, "SELECT * FROM budget_lines WHERE budget_year = 2024 ORDER BY position")
    assert {r["budget_symbol"] for r in current} == {"SOC/2024-II/DEC/3"}
    assert [(r["section"], r["amount_usd"], r["line_kind"]) for r in current] == [
        ("I", 218_291, "expenditure"), ("II", 1_702_413, "expenditure"), ("III", 571_020, "expenditure"),
        ("IV", 1_166_506, "expenditure"), ("V", 1_097_093, "expenditure"), (None, 4_755_323, "total"),
        ("VI", 23_677, "expenditure"), (None, 4_779_000, "grand_total"),
    ]
    before = query_rows(home, "SELECT * FROM budget_lines_as_of(DATE '2024-09-17') WHERE budget_year = 2024 ORDER BY position")
    assert {r["budget_symbol"] for r in before} == {"SOC/2023-III/DEC/3"}
    assert [r["amount_usd"] for r in before] == [218_291, 1_629_598, 609_204, 1_146_506, 1_131_724, 4_735_323, 23_677, 4_759_000]
    superseded = _decision(home, "SOC/2023-III/DEC/3")
    assert (superseded["status"], superseded["superseded_by"]) == ("superseded", "SOC/2024-II/DEC/3")
    links = query_rows(home, "SELECT from_symbol, to_symbol, link FROM document_links WHERE link = 'supersedes'")
    assert links == [{"from_symbol": "SOC/2024-II/DEC/3", "to_symbol": "SOC/2023-III/DEC/3", "link": "supersedes"}]


def test_next_years_plan_and_budget_stand_beside_this_years(timeline):
    home = timeline["home"]
    counts = {r["plan_year"]: r["n"] for r in query_rows(home, "SELECT plan_year, count(*) AS n FROM plan_items GROUP BY 1")}
    assert counts == {2024: 29, 2025: 40}
    grand = query_rows(home, "SELECT budget_year, amount_usd FROM budget_lines WHERE line_kind = 'grand_total' ORDER BY 1")
    assert grand == [{"budget_year": 2024, "amount_usd": 4_779_000}, {"budget_year": 2025, "amount_usd": 3_893_000}]


def test_list_items_are_linked_to_the_decisions_they_adopt(timeline):
    links = query_rows(timeline["home"], "SELECT from_symbol, to_symbol FROM document_links WHERE link = 'adopts' ORDER BY 1")
    assert {"from_symbol": "SOC/2023-12-12/item-3", "to_symbol": "SOC/2023-III/DEC/2"} in links
    assert {"from_symbol": "SOC/2023-12-12/item-4", "to_symbol": "SOC/2023-III/DEC/3"} in links


def test_every_row_is_traceable_to_a_circular_and_page(timeline):
    home = timeline["home"]
    for table in ("documents", "document_links", "decisions", "plan_items", "budget_lines"):
        orphans = query_rows(
            home,
            f"SELECT count(*) AS n FROM {table} t LEFT JOIN circulars c ON c.sha256 = t.circular_sha256 "
            "WHERE c.sha256 IS NULL OR t.page IS NULL OR t.page < 1",
        )
        assert orphans == [{"n": 0}], table


def _snapshot(home):
    snapshot = {}
    for table in STATE_TABLES + ("events",):
        rows = query_rows(home, f"SELECT * FROM {table}")
        snapshot[table] = sorted(repr(sorted(r.items())) for r in rows)
    return snapshot


def test_deleting_the_database_rebuilds_the_same_contents(timeline, tmp_path):
    home = timeline["home"]
    copy = resolve_home(tmp_path / "copy")
    shutil.copytree(home.root, copy.root, ignore=shutil.ignore_patterns("dagster"))
    copy.ensure()
    before = _snapshot(copy)
    copy.database.unlink()
    result = run_ingestion(copy, now="2025-01-01T00:00:00+00:00")
    assert result.success
    after = _snapshot(copy)
    assert after == before
    assert len(after["events"]) == len(before["events"]) > 150


def test_rereading_with_a_better_reader_supersedes_never_edits(timeline, tmp_path, monkeypatch):
    home = timeline["home"]
    copy = resolve_home(tmp_path / "reread")
    shutil.copytree(home.root, copy.root, ignore=shutil.ignore_patterns("dagster"))
    copy.ensure()
    before_events = query_rows(copy, "SELECT seq, hash FROM events ORDER BY seq")
    before_state = _snapshot(copy)
    import circulars.ingest
    import circulars.reading
    import circulars.readpool

    current = circulars.reading.READER_VERSION
    better = f"{current}+next"
    monkeypatch.setattr(circulars.reading, "READER_VERSION", better)
    monkeypatch.setattr(circulars.readpool, "READER_VERSION", better)
    monkeypatch.setattr(circulars.ingest, "READER_VERSION", better)
    result = run_ingestion(copy, now="2025-01-01T00:00:00+00:00")
    assert result.success
    after_events = query_rows(copy, "SELECT seq, hash FROM events ORDER BY seq")
    assert after_events[: len(before_events)] == before_events
    readings = query_rows(
        copy,
        "SELECT circular_sha256, list(payload->>'reader_version' ORDER BY seq) AS versions FROM events "
        "WHERE event_type = 'CircularIdentified' GROUP BY 1",
    )
    assert len(readings) == 7 and all(r["versions"] == [current, better] for r in readings)
    after_state = _snapshot(copy)
    for table in ("decisions", "plan_items", "budget_lines", "document_links"):
        assert after_state[table] == before_state[table], table


def test_confirming_circular_links_the_draft_to_its_adopted_symbol(timeline):
    links = query_rows(
        timeline["home"],
        "SELECT from_symbol, to_symbol, link FROM document_links WHERE link IN ('confirms', 'adopted_as') ORDER BY 3, 1, 2",
    )
    assert links == [
        {"from_symbol": "MC/2023/DRAFT/7", "to_symbol": "MC/2023/DEC/5", "link": "adopted_as"},
        {"from_symbol": "SOC/2023-III/DRAFT/3", "to_symbol": "SOC/2023-III/DEC/4", "link": "adopted_as"},
        {"from_symbol": "DOC/1503", "to_symbol": "MC/2023/DRAFT/7", "link": "confirms"},
        {"from_symbol": "DOC/1503", "to_symbol": "SOC/2023-III/DRAFT/3", "link": "confirms"},
    ]
