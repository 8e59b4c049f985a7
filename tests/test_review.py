"""The review loop: what needs a person, and corrections recorded as events of the same log.

Each command is run as a person would (the `circulars` CLI, which appends the event through
the single writer and then runs the ingestion job), and the tables, the log and the check
results are asserted with real values of the seed and the faulty fixtures.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from typer.testing import CliRunner

from circulars.cli import UserError, app, copy_into_inbox, run_ingestion
from circulars.home import resolve_home
from pipelines.instance import prepare
from tests.conftest import TEXTS, query_rows

pytestmark = pytest.mark.slow  # runs the ingestion job, then the review commands

NOW = "2026-06-01T00:00:00+00:00"
GRAND_TOTAL_ITEM = "rv-62184bf8f2a6"  # budget 2026 grand total of 900_faulty_budget_total, 3,893,000 ≠ 3,892,000
UNKNOWN_ACTION_ITEM = "rv-80036ed7d9dd"  # 902_faulty_unknown_action, item 2 "The SOC deliberated on ..."
runner = CliRunner()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The seed and two faulty circulars ingested into one home (shared: each test copies it)."""
    root = tmp_path_factory.mktemp("review") / "home"
    home = prepare(resolve_home(root))
    copy_into_inbox(home, [TEXTS / "000_seed_DOC-1497.txt", TEXTS / "900_faulty_budget_total.txt",
                           TEXTS / "902_faulty_unknown_action.txt"])
    assert run_ingestion(home, now=NOW).success
    return home


@pytest.fixture
def home(reviewed, tmp_path, monkeypatch):
    copy = resolve_home(tmp_path / "home")
    shutil.copytree(reviewed.root, copy.root, ignore=shutil.ignore_patterns("dagster"))
    copy.ensure()
    monkeypatch.setenv("CIRCULARS_HOME", str(copy.root))
    monkeypatch.setenv("DAGSTER_HOME", str(copy.root / "dagster"))
    return copy


class Outcome:
    """What a person sees: the exit status and the output (a UserError is exit status 2 and its message, as in main())."""

    def __init__(self, result):
        self.exit_code = result.exit_code
        self.output = result.output
        if isinstance(result.exception, UserError):
            self.exit_code, self.output = 2, f"{result.output}error: {result.exception}"
        elif result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception


def cli(*args: str) -> Outcome:
    return Outcome(runner.invoke(app, list(args)))


def events_of(home, stream: str = "review") -> list[dict]:
    return query_rows(home, "SELECT event_id, event_type, payload FROM events WHERE stream_id = ? ORDER BY seq", [stream])


def test_review_lists_what_needs_a_person_with_stable_ids(home):
    items = {r["id"]: r for r in query_rows(home, "SELECT * FROM review_items")}
    assert set(items) == {GRAND_TOTAL_ITEM, UNKNOWN_ACTION_ITEM}
    total = items[GRAND_TOTAL_ITEM]
    assert (total["kind"], total["why"], total["circular_symbol"], total["page"]) == ("check_failure", "total_mismatch", "DOC/1703", 1)
    assert "printed 3893000, its lines add up to 3892000" in total["text"]
    unknown = items[UNKNOWN_ACTION_ITEM]
    assert (unknown["kind"], unknown["why"], unknown["circular_symbol"]) == ("statement_not_read", "unknown_action", "DOC/1650")
    assert unknown["text"].startswith("2. The SOC deliberated on the proposals of the Member States")
    listed = cli("review", "--json")
    assert listed.exit_code == 0, listed.output
    assert sorted(i["id"] for i in __import__("json").loads(listed.output)) == sorted(items)
    only = cli("review", "--kind", "check_failure", "--json")
    assert [i["id"] for i in __import__("json").loads(only.output)] == [GRAND_TOTAL_ITEM]
    shown = cli("review", "show", UNKNOWN_ACTION_ITEM)
    assert shown.exit_code == 0 and "page 1" in shown.output and "deliberated" in shown.output and "settle:" in shown.output


def test_correcting_a_plan_items_timing(home):
    result = cli("correct", "plan", "2024", "8", "--timing", "First half of April",
                 "--reason", "amended by DOC/1588, which the reader could not read", "--by", "A. Officer")
    assert result.exit_code == 0, result.output
    assert "timing_text: Second half of February → First half of April" in result.output
    (row,) = query_rows(home, "SELECT * FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert (row["timing_text"], row["starts_on"], row["ends_on"], row["timing_precision"]) == (
        "First half of April", date(2024, 4, 1), date(2024, 4, 15), "half_month")
    assert (row["source"], row["corrected_by_person"], row["correction_reason"]) == (
        "correction", "A. Officer", "amended by DOC/1588, which the reader could not read")
    (event,) = events_of(home)
    assert event["event_type"] == "FactCorrected" and row["correction_event_id"] == event["event_id"]
    seed = query_rows(home, "SELECT sha256 FROM circulars WHERE symbol = 'DOC/1497'")[0]["sha256"]
    assert (row["circular_sha256"], row["page"]) == (seed, 1)  # still says where it was read
    # as known just before the correction was recorded, the plan said what the circular said
    (recorded,) = query_rows(home, "SELECT recorded_at - INTERVAL 1 SECOND AS t FROM events WHERE event_id = ?", [event["event_id"]])
    (known,) = query_rows(home, "SELECT timing_text, source FROM plan_items_as_of(DATE '2024-05-01', ?) "
                                "WHERE plan_year = 2024 AND item_no = 8", [recorded["t"]])
    assert known == {"timing_text": "Second half of February", "source": "reading"}
    (now_known,) = query_rows(home, "SELECT timing_text, source FROM plan_items_as_of(DATE '2024-05-01') "
                                    "WHERE plan_year = 2024 AND item_no = 8")
    assert now_known == {"timing_text": "First half of April", "source": "correction"}
    # the change feed and the item's history say who changed it and why
    (change,) = query_rows(home, "SELECT field, before, after, source, changed_by, why, event_id, sentence FROM changes "
                                 "WHERE source = 'correction'")
    assert change == {
        "field": "timing", "before": "Second half of February", "after": "First half of April", "source": "correction",
        "changed_by": "A. Officer", "why": "amended by DOC/1588, which the reader could not read",
        "event_id": event["event_id"],
        # where the corrected fact was read, then who corrected it and why
        "sentence": "Plan 2024 item 8 corrected: Second half of February → First half of April (DOC/1497, p. 1; correction "
                    "by A. Officer: amended by DOC/1588, which the reader could not read)",
    }
    history = cli("history", "plan", "2024", "8", "--json")
    assert history.exit_code == 0, history.output
    assert "First half of April" in history.output and "A. Officer" in history.output


def test_correcting_a_budget_amount_and_a_decisions_adoption(home):
    assert cli("correct", "budget", "2024", "2", "--amount", "1639598", "--reason", "misread digit").exit_code == 0
    (line,) = query_rows(home, "SELECT amount_usd, printed_amount_usd, source FROM budget_lines WHERE budget_year = 2024 AND line_no = 2")
    assert line == {"amount_usd": 1_639_598, "printed_amount_usd": 1_629_598, "source": "correction"}
    result = cli("correct", "decision", "SOC/2023-III/DRAFT/3", "--adopted-as", "SOC/2023-III/DEC/4",
                 "--reason", "confirmed by DOC/1503 on paper")
    assert result.exit_code == 0, result.output
    (draft,) = query_rows(home, "SELECT adopted_symbol, source FROM decisions WHERE symbol = 'SOC/2023-III/DRAFT/3'")
    assert draft == {"adopted_symbol": "SOC/2023-III/DEC/4", "source": "correction"}
    assert cli("correct", "decision", "SOC/2023-III/DRAFT/3", "--status", "adopted", "--reason", "confirmed").exit_code == 0
    (draft,) = query_rows(home, "SELECT status FROM decisions WHERE symbol = 'SOC/2023-III/DRAFT/3'")
    assert draft["status"] == "adopted"
    corrected = query_rows(home, "SELECT entity_kind, field, before, after, why FROM changes WHERE source = 'correction' "
                                 "ORDER BY seq, field")
    assert corrected == [
        {"entity_kind": "budget_line", "field": "amount_usd", "before": "1629598", "after": "1639598", "why": "misread digit"},
        {"entity_kind": "decision", "field": "adopted_symbol", "before": None, "after": "SOC/2023-III/DEC/4",
         "why": "confirmed by DOC/1503 on paper"},
        # valid from when the draft was circulated (as the correction is): then, it was pending
        {"entity_kind": "decision", "field": "status", "before": "pending_silence", "after": "adopted", "why": "confirmed"},
    ]


def test_dismissing_a_misprinted_grand_total_keeps_the_figures_and_records_who(home):
    result = cli("dismiss", GRAND_TOTAL_ITEM, "--reason", "misprint in the original, kept as printed", "--by", "A. Officer")
    assert result.exit_code == 0, result.output
    (grand,) = query_rows(home, "SELECT amount_usd, source FROM budget_lines WHERE budget_year = 2026 AND line_kind = 'grand_total'")
    assert grand == {"amount_usd": 3_893_000, "source": "reading"}
    assert [r["id"] for r in query_rows(home, "SELECT id FROM review_items")] == [UNKNOWN_ACTION_ITEM]
    latest = query_rows(home, "SELECT passed, observed, details FROM quality_results WHERE check_name = 'budget_totals_add_up' "
                              "ORDER BY checked_at DESC LIMIT 1")[0]
    assert latest["passed"] is True
    assert "settled by a person: dismissed by A. Officer: misprint in the original, kept as printed" in latest["observed"]
    # a settled item cannot be dismissed twice
    again = cli("dismiss", GRAND_TOTAL_ITEM, "--reason", "twice")
    assert again.exit_code == 2 and "no open review item" in again.output


def test_reverting_a_correction_by_a_new_event(home):
    assert cli("correct", "plan", "2024", "8", "--timing", "First half of April", "--reason", "first").exit_code == 0
    (correction,) = events_of(home)
    result = cli("revert", correction["event_id"], "--reason", "the amendment was not adopted after all")
    assert result.exit_code == 0, result.output
    (row,) = query_rows(home, "SELECT timing_text, source FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert row == {"timing_text": "Second half of February", "source": "reading"}
    assert [e["event_type"] for e in events_of(home)] == ["FactCorrected", "CorrectionReverted"]
    # a reverted correction no longer stands in the change feed
    assert query_rows(home, "SELECT count(*) AS n FROM changes WHERE source = 'correction'") == [{"n": 0}]
    twice = cli("revert", correction["event_id"], "--reason", "again")
    assert twice.exit_code == 2 and "already reverted" in twice.output


@pytest.mark.parametrize("args, message", [
    (("correct", "plan", "2024", "31", "--timing", "May"), "has no item 31"),
    (("correct", "budget", "2031", "2", "--amount", "5"), "no line 2"),
    (("correct", "decision", "SOC/1999-I/DRAFT/1", "--status", "adopted"), "no decision SOC/1999-I/DRAFT/1"),
    (("correct", "plan", "2024", "8", "--status", "postponed-ish"), "status is one of"),
    (("dismiss", "rv-000000000000"), "no open review item"),
    (("revert", "not-an-event"), "no event not-an-event"),
])
def test_a_correction_that_names_nothing_is_an_error_and_appends_nothing(home, args, message):
    before = query_rows(home, "SELECT count(*) AS n FROM events")[0]["n"]
    result = cli(*args, "--reason", "test")
    assert result.exit_code == 2 and message in result.output, result.output
    assert query_rows(home, "SELECT count(*) AS n FROM events")[0]["n"] == before


def test_a_correction_survives_deleting_the_database(home):
    assert cli("correct", "plan", "2024", "8", "--timing", "First half of April", "--reason", "unread amendment").exit_code == 0
    assert cli("dismiss", GRAND_TOTAL_ITEM, "--reason", "kept as printed").exit_code == 0
    before = query_rows(home, "SELECT seq, event_id, hash FROM events ORDER BY seq")
    home.database.unlink()
    assert run_ingestion(home, now=NOW).success
    assert query_rows(home, "SELECT seq, event_id, hash FROM events ORDER BY seq") == before
    (row,) = query_rows(home, "SELECT timing_text, source FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert row == {"timing_text": "First half of April", "source": "correction"}
    assert [r["id"] for r in query_rows(home, "SELECT id FROM review_items")] == [UNKNOWN_ACTION_ITEM]
    assert cli("verify").exit_code == 0


def test_a_correction_survives_re_reading_with_a_changed_reader(home, monkeypatch):
    assert cli("correct", "plan", "2024", "8", "--timing", "First half of April", "--reason", "unread amendment").exit_code == 0
    import circulars.ingest
    import circulars.reading
    import circulars.readpool

    better = f"{circulars.reading.READER_VERSION}+next"
    for module in (circulars.reading, circulars.readpool, circulars.ingest):
        monkeypatch.setattr(module, "READER_VERSION", better)
    assert run_ingestion(home, now=NOW).success
    readings = query_rows(home, "SELECT count(*) AS n FROM events WHERE event_type = 'CircularIdentified' "
                                "AND payload->>'reader_version' = ?", [better])
    assert readings == [{"n": 3}]
    (row,) = query_rows(home, "SELECT timing_text, source FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert row == {"timing_text": "First half of April", "source": "correction"}


def test_settling_an_unread_statement_with_a_correction_closes_it(home):
    result = cli("correct", "decision", "SOC/2023-III/DRAFT/3", "--status", "adopted", "--reason", "seen on paper",
                 "--item", UNKNOWN_ACTION_ITEM)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in query_rows(home, "SELECT id FROM review_items")] == [GRAND_TOTAL_ITEM]
    (statement,) = query_rows(home, "SELECT settled_how, settled_reason FROM unread_statements WHERE review_id = ?",
                              [UNKNOWN_ACTION_ITEM])
    assert statement == {"settled_how": "corrected", "settled_reason": "seen on paper"}
    checked = query_rows(home, "SELECT passed FROM quality_results WHERE check_name = 'unread_statements_none_open' "
                               "ORDER BY checked_at DESC LIMIT 1")
    assert checked == [{"passed": True}]


FOLLOWUPS = TEXTS.parent / "followups"


def test_a_later_reading_that_disagrees_with_a_correction_is_put_to_a_person(home):
    # the person believes item 8 moved to March; the amendment DOC/1515, read later, says April
    assert cli("correct", "plan", "2024", "8", "--timing", "First half of March", "--reason", "told by phone",
               "--by", "A. Officer").exit_code == 0
    (correction,) = events_of(home)
    assert json.loads(correction["payload"])["replaced"] == "Second half of February"
    copy_into_inbox(home, [FOLLOWUPS / "10_plan_amendment_prose.txt"])
    assert run_ingestion(home, now=NOW).success
    (row,) = query_rows(home, "SELECT timing_text, source FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert row == {"timing_text": "First half of March", "source": "correction"}  # the correction stands
    (disputed,) = query_rows(home, "SELECT id, kind, text, settle FROM review_items WHERE kind = 'correction_disputed'")
    assert disputed["text"] == ('plan 2024 item 8: the reading now says "First half of April"; the correction (by A. Officer: '
                                'told by phone) says "First half of March", over "Second half of February"')
    assert f"circulars revert {correction['event_id']}" in disputed["settle"]
    # a person keeps the correction: the item closes, the correction still stands
    assert cli("dismiss", disputed["id"], "--reason", "the phone call came after the decision").exit_code == 0
    assert query_rows(home, "SELECT count(*) AS n FROM review_items WHERE kind = 'correction_disputed'") == [{"n": 0}]


def test_a_later_reading_that_agrees_with_a_correction_changes_nothing(home):
    assert cli("correct", "plan", "2024", "8", "--timing", "First half of April", "--reason", "seen early").exit_code == 0
    copy_into_inbox(home, [FOLLOWUPS / "10_plan_amendment_prose.txt"])
    assert run_ingestion(home, now=NOW).success
    (row,) = query_rows(home, "SELECT timing_text FROM plan_items WHERE plan_year = 2024 AND item_no = 8")
    assert row == {"timing_text": "First half of April"}
    assert query_rows(home, "SELECT count(*) AS n FROM review_items WHERE kind = 'correction_disputed'") == [{"n": 0}]
