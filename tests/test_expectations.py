"""The data-quality suites on hand-built frames holding the seed's real values (DOC/1497).

Each faulty frame changes one thing a misreading (or tampering) would change, and the
test asserts the check that must catch it, its severity and the row it names.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from circulars.eventlog import GENESIS_HASH, compute_hash
from expectations import SUITES, CheckOutcome, run_suite
from tests.fixtures.expected import SEED_PLAN_ITEMS

pytestmark = pytest.mark.slow  # imports Great Expectations and validates every suite

SEED_SHA = "ac43fa664bdff173" + "0" * 48
"""Stands for the seed file's SHA-256 (the fixture's name is its first 16 hex digits)."""
OTHER_SHA = "f" * 64
PLAN_SYMBOL = "SOC/2023-III/DEC/2"
BUDGET_SYMBOL = "SOC/2023-III/DEC/3"
ISSUED = date(2023, 12, 12)


def by_name(outcomes: list[CheckOutcome]) -> dict[str, CheckOutcome]:
    return {o.check_name: o for o in outcomes}


def failed(outcomes: list[CheckOutcome]) -> dict[str, CheckOutcome]:
    return {o.check_name: o for o in outcomes if not o.passed}


def assert_well_formed(table: str, outcomes: list[CheckOutcome]) -> None:
    """Same check names in the same order every run; details are JSON; one observed line."""
    assert [o.check_name for o in outcomes] == list(SUITES[table].check_names)
    for outcome in outcomes:
        json.dumps(outcome.details)
        assert "\n" not in outcome.observed
        assert outcome.severity in ("ERROR", "WARN")
        assert outcome.description


# --- budget_lines --------------------------------------------------------------------

SEED_BUDGET = [
    # (line_no, section, title, amount, kind)
    (1, "I", "CAPITAL INVESTMENT EXPENSES", 218_291, "expenditure"),
    (2, "II", "OPERATIONAL EXPENSES", 1_629_598, "expenditure"),
    (3, "III", "TRAVEL EXPENSES", 609_204, "expenditure"),
    (4, "IV", "PERSONNEL EXPENSES", 1_146_506, "expenditure"),
    (5, "V", "RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS", 1_131_724, "expenditure"),
    (None, None, "Total", 4_735_323, "total"),
    (6, "VI", "MISCELLANEOUS", 23_677, "expenditure"),
    (None, None, "Grand total", 4_759_000, "grand_total"),
]


def budget_frame(lines=SEED_BUDGET, year=2024, symbol=BUDGET_SYMBOL) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "budget_year": year,
                "line_no": no,
                "section": section,
                "title": title,
                "amount_usd": amount,
                "line_kind": kind,
                "budget_symbol": symbol,
                "circular_sha256": SEED_SHA,
                "page": 11,
                "position": position,
            }
            for position, (no, section, title, amount, kind) in enumerate(lines)
        ]
    )
    return frame.astype({"line_no": "Int64"})


def with_amount(lines, title, amount):
    return [(no, s, t, amount if t == title else a, k) for no, s, t, a, k in lines]


def test_seed_budget_passes_every_check():
    outcomes = run_suite("budget_lines", budget_frame(), circular_sha256s={SEED_SHA})
    assert_well_formed("budget_lines", outcomes)
    assert failed(outcomes) == {}
    totals = by_name(outcomes)["budget_totals_add_up"]
    assert totals.observed == "all 2 totals pass"
    assert totals.details["checked"] == 2


def test_grand_total_off_by_a_thousand_fails_naming_the_grand_total():
    outcomes = run_suite("budget_lines", budget_frame(with_amount(SEED_BUDGET, "Grand total", 4_760_000)))
    assert set(failed(outcomes)) == {"budget_totals_add_up"}
    outcome = by_name(outcomes)["budget_totals_add_up"]
    assert outcome.severity == "ERROR"
    expected = "budget 2024 (SOC/2023-III/DEC/3): grand total 4,760,000 ≠ 4,735,323 + 23,677 = 4,759,000"
    assert outcome.observed == f"1 of 2 totals: {expected}"
    assert outcome.details["failing_count"] == 1
    [failure] = outcome.details["failures"]
    assert failure == {
        "budget_year": 2024,
        "budget_symbol": BUDGET_SYMBOL,
        "position": 7,
        "line_kind": "grand_total",
        "title": "Grand total",
        "printed": 4_760_000,
        "computed": 4_759_000,
        "parts": "4,735,323 + 23,677",
        "finding": expected,
    }


def test_subtotal_misread_names_the_total_and_its_five_lines():
    outcomes = run_suite("budget_lines", budget_frame(with_amount(SEED_BUDGET, "Total", 4_735_332)))
    outcome = by_name(outcomes)["budget_totals_add_up"]
    assert not outcome.passed
    [failure] = outcome.details["failures"]
    assert failure["line_kind"] == "total" and failure["position"] == 5
    assert failure["finding"] == (
        "budget 2024 (SOC/2023-III/DEC/3): total 4,735,332 ≠ "
        "218,291 + 1,629,598 + 609,204 + 1,146,506 + 1,131,724 = 4,735,323"
    )


def test_grand_total_message_shows_subtotal_and_lines_after_it():
    lines = [
        (1, "I", "CAPITAL INVESTMENT EXPENSES", 1_873_000, "expenditure"),
        (2, "II", "OPERATIONAL EXPENSES", 2_000_000, "expenditure"),
        (None, None, "Total", 3_873_000, "total"),
        (3, "III", "MISCELLANEOUS", 19_000, "expenditure"),
        (None, None, "Grand total", 3_893_000, "grand_total"),
    ]
    outcomes = run_suite("budget_lines", budget_frame(lines, year=2025, symbol="SOC/2024-III/DEC/3"))
    [failure] = by_name(outcomes)["budget_totals_add_up"].details["failures"]
    assert failure["finding"] == "budget 2025 (SOC/2024-III/DEC/3): grand total 3,893,000 ≠ 3,873,000 + 19,000 = 3,892,000"


def test_two_budgets_are_summed_separately():
    both = pd.concat([budget_frame(), budget_frame(with_amount(SEED_BUDGET, "Grand total", 4_758_000), year=2025, symbol="SOC/2024-III/DEC/3")])
    outcome = by_name(run_suite("budget_lines", both))["budget_totals_add_up"]
    assert outcome.details["checked"] == 4
    assert [(f["budget_year"], f["line_kind"]) for f in outcome.details["failures"]] == [(2025, "grand_total")]


def test_negative_amount_and_repeated_line_number_are_named():
    lines = [(no, s, t, -a if no == 3 else a, k) for no, s, t, a, k in SEED_BUDGET]
    lines[6] = (5, "VI", "MISCELLANEOUS", 23_677, "expenditure")
    bad = failed(run_suite("budget_lines", budget_frame(lines)))
    assert [f["finding"] for f in bad["budget_amounts_whole_non_negative"].details["failures"]] == [
        "budget 2024 (SOC/2023-III/DEC/3) line 3 “TRAVEL EXPENSES”: amount -609,204 is negative"
    ]
    assert sorted(f["title"] for f in bad["budget_lines_line_no_unique"].details["failures"]) == [
        "MISCELLANEOUS",
        "RELOCATION TO AND EQUIPPING THE NEW CICA HEADQUARTERS",
    ]


def test_fractional_amount_is_not_whole():
    frame = budget_frame()
    frame["amount_usd"] = frame["amount_usd"].astype(float)
    frame.loc[0, "amount_usd"] = 218_291.5
    outcome = by_name(run_suite("budget_lines", frame))["budget_amounts_whole_non_negative"]
    assert not outcome.passed
    assert outcome.details["failures"][0]["line_no"] == 1


def test_circular_unknown_to_the_store_is_flagged_when_known_set_given():
    outcome = by_name(run_suite("budget_lines", budget_frame(), circular_sha256s={OTHER_SHA}))["budget_lines_circular_known"]
    assert not outcome.passed and outcome.details["failing_count"] == 8


# --- plan_items ------------------------------------------------------------------------


def plan_frame(items=SEED_PLAN_ITEMS) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "plan_year": 2024,
                "item_no": item["item_no"],
                "title": item["title"],
                "organizers": item["organizers"],
                "lead_organizer": item["lead_organizer"],
                "timing_text": item["timing_text"],
                "starts_on": item["starts_on"],
                "ends_on": item["ends_on"],
                "timing_precision": item["precision"],
                "status": "planned",
                "plan_symbol": PLAN_SYMBOL,
                "circular_sha256": SEED_SHA,
                "page": 5 + (item["item_no"] > 10) + (item["item_no"] > 17),
            }
            for item in items
        ]
    )
    for column in ("starts_on", "ends_on"):
        frame[column] = pd.to_datetime(frame[column])  # as DuckDB hands DATE columns to pandas
    return frame


def test_seed_plan_passes_every_check():
    assert len(SEED_PLAN_ITEMS) == 27
    outcomes = run_suite("plan_items", plan_frame(), circular_sha256s={SEED_SHA})
    assert_well_formed("plan_items", outcomes)
    assert failed(outcomes) == {}
    assert by_name(outcomes)["plan_items_numbering_gapless"].observed == "all 1 plans pass"


def test_duplicate_item_number_fails_naming_plan_and_item():
    items = SEED_PLAN_ITEMS + [dict(SEED_PLAN_ITEMS[4])]  # item 5 read twice
    outcomes = run_suite("plan_items", plan_frame(items))
    assert set(failed(outcomes)) == {"plan_items_item_no_unique"}
    outcome = by_name(outcomes)["plan_items_item_no_unique"]
    assert outcome.severity == "ERROR"
    assert [(f["plan_symbol"], f["plan_year"], f["item_no"]) for f in outcome.details["failures"]] == [
        (PLAN_SYMBOL, 2024, 5),
        (PLAN_SYMBOL, 2024, 5),
    ]
    assert outcome.details["failures"][0]["finding"].startswith("plan 2024 (SOC/2023-III/DEC/2) item 5:")


def test_gap_in_numbering_is_a_warning_naming_the_missing_number():
    items = [i for i in SEED_PLAN_ITEMS if i["item_no"] != 12]
    outcomes = run_suite("plan_items", plan_frame(items))
    assert set(failed(outcomes)) == {"plan_items_numbering_gapless"}
    outcome = by_name(outcomes)["plan_items_numbering_gapless"]
    assert outcome.severity == "WARN"
    assert outcome.observed == "1 of 1 plans: plan 2024 (SOC/2023-III/DEC/2): item numbers missing: 12"
    assert outcome.details["failures"] == [
        {
            "plan_year": 2024,
            "plan_symbol": PLAN_SYMBOL,
            "missing_item_numbers": "12",
            "highest_item_no": 27,
            "finding": "plan 2024 (SOC/2023-III/DEC/2): item numbers missing: 12",
        }
    ]


def test_gap_ranges_are_compressed():
    items = [i for i in SEED_PLAN_ITEMS if i["item_no"] not in (3, 4, 5, 9)]
    outcome = by_name(run_suite("plan_items", plan_frame(items)))["plan_items_numbering_gapless"]
    assert outcome.details["failures"][0]["missing_item_numbers"] == "3–5, 9"


def test_item_without_title_or_organiser_fails():
    items = [dict(i) for i in SEED_PLAN_ITEMS]
    items[23]["title"] = "  "
    items[25]["organizers"] = []
    bad = failed(run_suite("plan_items", plan_frame(items)))
    assert set(bad) == {"plan_items_titled", "plan_items_have_organiser"}
    assert [f["item_no"] for f in bad["plan_items_titled"].details["failures"]] == [24]
    assert [f["item_no"] for f in bad["plan_items_have_organiser"].details["failures"]] == [26]


def test_reversed_interval_is_an_error_and_other_year_a_warning():
    items = [dict(i) for i in SEED_PLAN_ITEMS]
    items[0]["starts_on"], items[0]["ends_on"] = date(2024, 3, 7), date(2024, 3, 1)
    items[21]["starts_on"], items[21]["ends_on"] = date(2025, 10, 1), date(2025, 12, 31)
    bad = failed(run_suite("plan_items", plan_frame(items)))
    assert set(bad) == {"plan_items_interval_ordered", "plan_items_within_plan_year"}
    assert bad["plan_items_interval_ordered"].severity == "ERROR"
    assert bad["plan_items_interval_ordered"].details["failures"][0]["finding"] == (
        "plan 2024 (SOC/2023-III/DEC/2) item 1: ends 2024-03-01 before it starts 2024-03-07"
    )
    assert bad["plan_items_within_plan_year"].severity == "WARN"
    assert bad["plan_items_within_plan_year"].details["failures"][0]["finding"] == (
        "plan 2024 (SOC/2023-III/DEC/2) item 22: '4th Quarter' → 2025-10-01 – 2025-12-31 is outside 2024"
    )


# --- decisions --------------------------------------------------------------------------

SEED_DECISIONS = [
    # (item_no, action, status, subject)
    (1, "took_note", "noted", "the SOC Chairperson's invitation to all Member States to make proposals"),
    (2, "took_note", "noted", "the annual report of the CICA Secretary General on the activities of the CICA Secretariat in 2023"),
    (3, "adopted", "adopted", "the decision on the CICA Plan of Implementation of Confidence Building Measures (CBMs) for 2024"),
    (4, "adopted", "adopted", "the decision on the 2024 Budget of the CICA Secretariat"),
    (5, "approved", "approved", 'the concept paper in the priority area "Natural disaster management"'),
    (6, "approved", "approved", 'the concept paper in the priority area "Environment protection"'),
    (7, "recommended", "recommended", "the draft MC decision on granting CICA Observer Status to the Kingdom of Saudi Arabia"),
    (8, "took_note", "noted", "the draft action plan for the implementation of the 2014 Memorandum of Understanding"),
    (9, "took_note", "noted", "the dialogue commenced between the Secretariats of CICA and the Association of Southeast Asian Nations (ASEAN)"),
]
DEADLINE_UTC = datetime(2023, 12, 26, 6, 0, tzinfo=UTC)  # 26 December 2023, 12 noon Astana (UTC+6)


def decision_frame(rows=SEED_DECISIONS) -> pd.DataFrame:
    records = [
        {
            "decision_id": f"SOC-2023-12-12-{no}",
            "symbol": None,
            "body": "SOC",
            "meeting_on": ISSUED,
            "item_no": no,
            "action": action,
            "subject": subject,
            "status": status,
            "silence_deadline": None,
            "adopted_on": ISSUED if status in ("adopted", "approved") else None,
            "circular_sha256": SEED_SHA,
            "page": 4,
        }
        for no, action, status, subject in rows
    ]
    records.append(
        {
            "decision_id": "SOC/2023-III/DRAFT/3",
            "symbol": "SOC/2023-III/DRAFT/3",
            "body": "SOC",
            "meeting_on": None,
            "item_no": None,
            "action": "decided",
            "subject": "to establish partnership relations between CICA and the United Nations Office of Counter-Terrorism (UNOCT)",
            "status": "pending_silence",
            "silence_deadline": DEADLINE_UTC,
            "adopted_on": None,
            "circular_sha256": SEED_SHA,
            "page": 12,
        }
    )
    frame = pd.DataFrame(records)
    frame["silence_deadline"] = pd.to_datetime(frame["silence_deadline"], utc=True)
    return frame.astype({"item_no": "Int64"})


DOCUMENT_SYMBOLS = {"DOC/1497", PLAN_SYMBOL, BUDGET_SYMBOL, "SOC/2023-III/DRAFT/3"}


def test_seed_decisions_pass_every_check():
    outcomes = run_suite(
        "decisions",
        decision_frame(),
        document_symbols=DOCUMENT_SYMBOLS,
        circular_sha256s={SEED_SHA},
        circulated_on={SEED_SHA: ISSUED},
    )
    assert_well_formed("decisions", outcomes)
    assert failed(outcomes) == {}
    deadline = by_name(outcomes)["decisions_silence_deadline_after_circulation"]
    assert deadline.observed == "all 1 decisions under silence procedure pass"


def test_unknown_action_is_a_warning_naming_the_decision():
    rows = list(SEED_DECISIONS)
    rows[8] = (9, "other", "recorded", "The SOC commended the dialogue commenced between the Secretariats of CICA and ASEAN")
    outcomes = run_suite("decisions", decision_frame(rows))
    assert set(failed(outcomes)) == {"decisions_action_known"}
    outcome = by_name(outcomes)["decisions_action_known"]
    assert outcome.severity == "WARN"
    [failure] = outcome.details["failures"]
    assert failure["decision_id"] == "SOC-2023-12-12-9" and failure["item_no"] == 9
    assert "action 'other' not understood" in failure["finding"]


def test_deadline_before_circulation_fails_with_either_source_of_the_date():
    frame = decision_frame()
    frame.loc[frame["status"] == "pending_silence", "silence_deadline"] = pd.Timestamp("2023-11-26 06:00", tz="UTC")
    from_mapping = by_name(run_suite("decisions", frame, circulated_on={SEED_SHA: ISSUED}))
    from_column = by_name(run_suite("decisions", frame.assign(circulated_on=pd.Timestamp(ISSUED))))
    for outcomes in (from_mapping, from_column):
        outcome = outcomes["decisions_silence_deadline_after_circulation"]
        assert not outcome.passed and outcome.severity == "ERROR"
        assert [f["decision_id"] for f in outcome.details["failures"]] == ["SOC/2023-III/DRAFT/3"]
        assert "is not after the circulation date 2023-12-12" in outcome.details["failures"][0]["finding"]


def test_deadline_same_day_at_astana_is_not_later():
    frame = decision_frame()
    # 11 Dec 2023 20:00 UTC is already 12 Dec 02:00 at Astana: the same day as the note.
    frame.loc[frame["status"] == "pending_silence", "silence_deadline"] = pd.Timestamp("2023-12-11 20:00", tz="UTC")
    outcome = by_name(run_suite("decisions", frame, circulated_on={SEED_SHA: ISSUED}))
    assert not outcome["decisions_silence_deadline_after_circulation"].passed


def test_pending_without_deadline_and_untraceable_decision_fail():
    frame = decision_frame()
    frame["silence_deadline"] = pd.NaT
    frame.loc[0, "circular_sha256"] = OTHER_SHA
    bad = failed(run_suite("decisions", frame, document_symbols=DOCUMENT_SYMBOLS, circular_sha256s={SEED_SHA}))
    assert set(bad) == {"decisions_silence_pending_has_deadline", "decisions_circular_documented"}
    assert [f["decision_id"] for f in bad["decisions_circular_documented"].details["failures"]] == ["SOC-2023-12-12-1"]


def test_checks_without_their_context_are_reported_skipped():
    outcomes = by_name(run_suite("decisions", decision_frame()))
    for name in ("decisions_symbol_documented", "decisions_circular_documented", "decisions_silence_deadline_after_circulation"):
        assert outcomes[name].passed and outcomes[name].details["skipped"] is True
        assert outcomes[name].observed.startswith("not checked: ")


# --- events -------------------------------------------------------------------------------


def event_frame(count: int = 5) -> pd.DataFrame:
    """A real chain: each row hashed by the event log's own `compute_hash`."""
    rows, prev = [], GENESIS_HASH
    types = ["CircularReceived", "CircularIdentified", "DocumentIdentified", "PlanAdopted", "BudgetApproved"]
    for seq in range(1, count + 1):
        row = {
            "seq": seq,
            "event_id": f"00000000-0000-5000-8000-{seq:012d}",
            "event_type": types[(seq - 1) % len(types)],
            "stream_id": f"circular:{SEED_SHA}",
            "stream_version": seq,
            "circular_sha256": SEED_SHA,
            "valid_at": datetime(2023, 12, 12, tzinfo=UTC),
            "recorded_at": datetime(2024, 1, 5, 9, 30, tzinfo=UTC) + timedelta(seconds=seq),
            "payload": json.dumps({"n": seq}),
            "prev_hash": prev,
        }
        row["hash"] = prev = compute_hash(row)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("valid_at", "recorded_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def test_intact_log_passes_every_check_including_recomputed_hashes():
    outcomes = run_suite("events", event_frame(), recompute_hash=compute_hash, stored_sha256s={SEED_SHA})
    assert_well_formed("events", outcomes)
    assert failed(outcomes) == {}
    assert by_name(outcomes)["events_hashes_recompute"].observed == "all 5 events pass"


def test_edited_prev_hash_breaks_the_chain_at_that_seq():
    frame = event_frame()
    frame.loc[frame["seq"] == 3, "prev_hash"] = "1" * 64
    bad = failed(run_suite("events", frame, recompute_hash=compute_hash))
    assert set(bad) == {"events_hash_chain_linked", "events_hashes_recompute"}
    assert [f["seq"] for f in bad["events_hash_chain_linked"].details["failures"]] == [3]
    assert bad["events_hash_chain_linked"].details["failures"][0]["finding"].startswith(
        "seq 3: prev_hash 111111111111… ≠ hash of seq 2 "
    )
    assert [f["seq"] for f in bad["events_hashes_recompute"].details["failures"]] == [3]


def test_edited_payload_is_caught_only_by_recomputing():
    frame = event_frame()
    frame.loc[frame["seq"] == 4, "payload"] = json.dumps({"n": 40})
    assert failed(run_suite("events", frame)) == {}
    bad = failed(run_suite("events", frame, recompute_hash=compute_hash))
    assert [f["seq"] for f in bad["events_hashes_recompute"].details["failures"]] == [4]


def test_seq_gap_fails_naming_the_missing_seq():
    frame = event_frame(4)
    frame = frame[frame["seq"] != 3]  # seq 1, 2, 4
    outcome = by_name(run_suite("events", frame))["events_seq_gapless"]
    assert not outcome.passed and outcome.severity == "ERROR"
    assert outcome.details["failures"] == [
        {"seq": 4, "event_id": "00000000-0000-5000-8000-000000000004", "previous_seq": 2,
         "finding": "after seq 2 comes seq 4: seq 3 missing"}
    ]


def test_log_not_starting_at_one_and_repeated_seq_fail():
    frame = event_frame(3)
    frame["seq"] = [2, 3, 3]
    bad = failed(run_suite("events", frame))
    assert [f["finding"] for f in bad["events_seq_gapless"].details["failures"]] == [
        "log starts at seq 2: seq 1 missing",
        "seq 3 occurs again",
    ]
    assert [f["event_id"][-1] for f in bad["events_seq_unique"].details["failures"]] == ["2", "3"]


def test_unknown_event_type_duplicate_stream_version_and_missing_file():
    frame = event_frame()
    frame.loc[1, "event_type"] = "CircularRenamed"
    frame.loc[4, "stream_version"] = 4
    bad = failed(run_suite("events", frame, stored_sha256s={OTHER_SHA}))
    assert {"events_event_type_known", "events_stream_version_unique", "events_circular_stored"} <= set(bad)
    assert [f["seq"] for f in bad["events_event_type_known"].details["failures"]] == [2]
    assert [f["seq"] for f in bad["events_stream_version_unique"].details["failures"]] == [4, 5]
    assert bad["events_circular_stored"].details["failing_count"] == 5


def test_recompute_that_raises_is_a_failed_check_not_a_crash():
    def broken(_row: dict) -> str:
        raise ValueError("payload is not JSON")

    outcome = by_name(run_suite("events", event_frame(), recompute_hash=broken))["events_hashes_recompute"]
    assert not outcome.passed
    assert outcome.observed == "could not run: ValueError: payload is not JSON"


# --- circulars and documents -------------------------------------------------------------


def circular_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"sha256": SEED_SHA, "symbol": "DOC/1497", "issued_on": ISSUED, "place": "Astana",
             "languages": ["en", "ru", "kk"], "page_count": 14, "file_names": ["000_ac43fa664bdff173.pdf"],
             "status": "parsed", "reason": None, "received_at": datetime(2024, 1, 5, 9, 30, tzinfo=UTC)},
            {"sha256": OTHER_SHA, "symbol": None, "issued_on": None, "place": None, "languages": [],
             "page_count": None, "file_names": ["scan.pdf", "scan (1).pdf"], "status": "quarantined",
             "reason": "no text layer: scanned image", "received_at": datetime(2024, 1, 5, 9, 31, tzinfo=UTC)},
        ]
    )
    frame["received_at"] = pd.to_datetime(frame["received_at"], utc=True)
    return frame


def test_parsed_and_quarantined_circulars_pass():
    outcomes = run_suite("circulars", circular_frame())
    assert_well_formed("circulars", outcomes)
    assert failed(outcomes) == {}


def test_quarantine_without_reason_and_parsed_with_reason_fail():
    frame = circular_frame()
    frame["reason"] = ["no text layer: scanned image", None]
    outcome = by_name(run_suite("circulars", frame))["circulars_quarantine_has_reason"]
    assert not outcome.passed
    assert [f["finding"] for f in outcome.details["failures"]] == [
        "circular ac43fa664bdf… (DOC/1497): parsed but has a quarantine reason 'no text layer: scanned image'",
        "circular ffffffffffff…: quarantined without a reason",
    ]


def test_parsed_circular_without_languages_or_file_name_is_flagged():
    frame = circular_frame()
    frame.at[0, "languages"] = []
    frame.at[1, "file_names"] = []
    bad = failed(run_suite("circulars", frame))
    assert set(bad) == {"circulars_languages_listed", "circulars_file_names_listed"}
    assert bad["circulars_languages_listed"].severity == "WARN"
    assert [f["sha256"] for f in bad["circulars_file_names_listed"].details["failures"]] == [OTHER_SHA]


def document_frame() -> pd.DataFrame:
    docs = [
        ("DOC/1497", "cover_note", None, None, 1),
        (None, "decision_list", "SOC", "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE", 4),
        (PLAN_SYMBOL, "plan", "SOC", "on the CICA Plan of Implementation of Confidence Building Measures for 2024", 5),
        (BUDGET_SYMBOL, "budget", "SOC", "on the Budget of the CICA Secretariat for 2024", 11),
        ("SOC/2023-III/DRAFT/3", "draft_decision", "SOC", "on partnership relations with the United Nations Office of Counter-Terrorism", 12),
    ]
    return pd.DataFrame(
        [
            {"symbol": s, "kind": k, "body": b, "title": t, "issued_on": ISSUED, "place": "Astana",
             "circular_sha256": SEED_SHA, "page": p}
            for s, k, b, t, p in docs
        ]
    )


def test_seed_documents_pass_and_a_plan_without_symbol_is_warned():
    outcomes = run_suite("documents", document_frame(), circular_sha256s={SEED_SHA})
    assert_well_formed("documents", outcomes)
    assert failed(outcomes) == {}
    frame = document_frame()
    frame.loc[2, "symbol"] = None
    frame.loc[3, "page"] = 0
    bad = failed(run_suite("documents", frame))
    assert set(bad) == {"documents_cited_by_symbol_and_date", "documents_page_positive"}
    assert bad["documents_cited_by_symbol_and_date"].severity == "WARN"
    assert [f["kind"] for f in bad["documents_cited_by_symbol_and_date"].details["failures"]] == ["plan"]


# --- frames as DuckDB hands them to pandas ---------------------------------------------


def through_duckdb(frame: pd.DataFrame, casts: dict[str, str] | None = None) -> pd.DataFrame:
    """The frame stored in a DuckDB table (DATE, JSON, LIST, TIMESTAMPTZ columns) and read back."""
    con = duckdb.connect()
    try:
        con.register("source", frame)
        con.execute("CREATE TABLE t AS SELECT * FROM source")
        for column, sql_type in (casts or {}).items():
            con.execute(f"ALTER TABLE t ALTER {column} TYPE {sql_type}")
        return con.execute("SELECT * FROM t").df()
    finally:
        con.close()


def test_seed_frames_read_back_from_duckdb_still_pass():
    assert failed(run_suite("plan_items", through_duckdb(plan_frame(), {"starts_on": "DATE", "ends_on": "DATE"}))) == {}
    assert failed(run_suite("circulars", through_duckdb(circular_frame(), {"issued_on": "DATE"}))) == {}
    assert failed(run_suite("budget_lines", through_duckdb(budget_frame()))) == {}
    assert failed(run_suite("decisions", through_duckdb(decision_frame()), circulated_on={SEED_SHA: ISSUED})) == {}
    events = through_duckdb(event_frame(), {"payload": "JSON"})
    assert failed(run_suite("events", events, recompute_hash=compute_hash)) == {}


def test_gap_read_back_from_duckdb_is_still_reported():
    items = [i for i in SEED_PLAN_ITEMS if i["item_no"] != 12]
    frame = through_duckdb(plan_frame(items), {"starts_on": "DATE", "ends_on": "DATE"})
    assert set(failed(run_suite("plan_items", frame))) == {"plan_items_numbering_gapless"}


# --- every table: empty, missing columns, bad arguments -------------------------------------


def unread_frame() -> pd.DataFrame:
    """One statement of 902_faulty_unknown_action that the reader could not read (its unknown verb)."""
    return pd.DataFrame([{
        "statement_id": "st-0123456789abcdef", "circular_sha256": "a" * 64, "page": 1,
        "document_symbol": "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE", "statement_kind": "list_item",
        "text": "2. The SOC deliberated on the proposals of the Member States concerning the draft Regulations of the CICA Fund.",
        "why": "unknown_action", "detail": "the item's verb is in no list of actions", "candidates": [],
    }])


def test_an_unread_statement_fails_the_check_and_is_named():
    outcomes = {o.check_name: o for o in run_suite("unread_statements", unread_frame())}
    none_open = outcomes["unread_statements_none_open"]
    assert not none_open.passed and none_open.severity == "ERROR"
    assert none_open.details["failing_count"] == 1
    assert "deliberated on the proposals" in none_open.observed and "unknown_action" in none_open.observed
    assert outcomes["unread_statements_reason_known"].passed and outcomes["unread_statements_provenance_present"].passed


def empty_frames() -> dict[str, pd.DataFrame]:
    return {
        "unread_statements": unread_frame().iloc[0:0],
        "events": event_frame().iloc[0:0],
        "circulars": circular_frame().iloc[0:0],
        "documents": document_frame().iloc[0:0],
        "decisions": decision_frame().iloc[0:0],
        "plan_items": plan_frame().iloc[0:0],
        "budget_lines": budget_frame().iloc[0:0],
    }


@pytest.mark.parametrize("table", sorted(SUITES))
def test_empty_table_passes(table):
    context = {
        "events": {"recompute_hash": compute_hash, "stored_sha256s": set()},
        "decisions": {"document_symbols": set(), "circular_sha256s": set(), "circulated_on": {}},
    }.get(table, {"circular_sha256s": set()} if table != "circulars" else {})
    outcomes = run_suite(table, empty_frames()[table], **context)
    assert_well_formed(table, outcomes)
    assert failed(outcomes) == {}


def test_missing_column_fails_the_column_check_and_the_checks_that_read_it():
    outcomes = by_name(run_suite("budget_lines", budget_frame().drop(columns=["position"])))
    assert not outcomes["budget_lines_columns_present"].passed
    assert outcomes["budget_lines_columns_present"].details["missing"] == ["position"]
    assert outcomes["budget_totals_add_up"].observed == "could not run: column(s) missing: position"
    assert outcomes["budget_lines_line_kind_known"].passed


def test_unknown_table_and_unknown_context_are_refused():
    with pytest.raises(KeyError):
        run_suite("quality_results", pd.DataFrame())
    with pytest.raises(TypeError):
        run_suite("budget_lines", budget_frame(), circular_sha256=set())


def test_failures_listed_are_capped_with_the_full_count():
    lines = [(n, "I", f"LINE {n}", -1, "expenditure") for n in range(1, 81)]
    outcome = by_name(run_suite("budget_lines", budget_frame(lines)))["budget_amounts_whole_non_negative"]
    assert outcome.details["failing_count"] == 80
    assert len(outcome.details["failures"]) == 50
    assert outcome.observed.endswith("(and 77 more)")


def test_package_import_is_lazy_and_validation_stays_offline_and_quiet():
    """In a fresh process: no GX on import; no socket connection and no progress bar on validation."""
    script = textwrap.dedent(
        """
        import socket, sys
        import expectations
        assert "great_expectations" not in sys.modules, "GX imported with the package"
        attempts = []
        def refuse(self, address, *args):
            attempts.append(address)
            raise OSError("network disabled in test")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        import pandas as pd
        frame = pd.DataFrame({"budget_year": [2024, 2024], "line_no": [1, None], "section": ["I", None],
                              "title": ["CAPITAL INVESTMENT EXPENSES", "Grand total"], "amount_usd": [218291, 218291],
                              "line_kind": ["expenditure", "grand_total"], "budget_symbol": ["SOC/2023-III/DEC/3"] * 2,
                              "circular_sha256": ["a" * 64] * 2, "page": [11, 11], "position": [0, 1]})
        outcomes = expectations.run_suite("budget_lines", frame)
        assert all(o.passed for o in outcomes), [o for o in outcomes if not o.passed]
        assert attempts == [], attempts
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert "Calculating Metrics" not in done.stderr and "%|" not in done.stderr
