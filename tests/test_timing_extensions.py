"""A deadline moved by a period ("extended by one week", "продлевается на одну неделю", "бір аптаға
ұзартылды"): the deadline extended plus the period, at the same hour in the same zone; never the end of
a guessed day. From the sentence when it states the old deadline, else from the record (the linker)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from circulars.reading.derive.mentions import read_deadline_after
from circulars.reading.periods import relative_period
from circulars.reading.vocabulary import SILENCE_EXTENDED_RE
from tests.harness import State

ASTANA = ZoneInfo("Asia/Almaty")
FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "text" / "000_seed_DOC-1497.txt"
OPENED = FIXTURES / "followups" / "05_silence_opened_think_tank_forum.txt"  # DRAFT/2 until 28 Feb 2024 18:00 Astana


def _after_verb(text: str):
    verb = SILENCE_EXTENDED_RE.search(text)
    assert verb is not None, text
    return read_deadline_after(text, verb.start())


@pytest.mark.parametrize(("phrase", "days"), [
    ("is extended by one week", 7),
    ("prolonged for seven days", 7),
    ("extended by a further week", 7),
    ("extended for another 10 days", 10),
    ("extended by one (1) week", 7),
    ("extended for a period of fourteen days", 14),
    ("продлевается на одну неделю", 7),
    ("продлен на 7 (семь) календарных дней", 7),
    ("продлен на неделю", 7),
    ("продлён ещё на трое суток", 3),
    ("бір аптаға ұзартылды", 7),
    ("мерзімі 5 күнге ұзартылды", 5),
])
def test_periods_counted(phrase, days):
    found = relative_period(phrase)
    assert found is not None and (found.days, found.unread) == (days, None), phrase


@pytest.mark.parametrize("phrase", ["extended by five working days", "extended by 48 hours", "продлен на три рабочих дня",
                                    "үш жұмыс күніне ұзартылды"])
def test_periods_not_counted_are_said_so(phrase):
    found = relative_period(phrase)
    assert found is not None and found.days is None and found.unread, phrase


@pytest.mark.parametrize("phrase", ["extended until 6 March 2024", "extended by 6 March 2024", "осы күнге дейін ұзартылды",
                                    "extended by the Chairmanship"])
def test_no_period(phrase):
    assert relative_period(phrase) is None


@pytest.mark.parametrize(("text", "expected"), [
    # the old deadline stated in the sentence (UN, national MFA, CIS drafting)
    ("The deadline of the silence procedure on draft decision SOC/2024-I/DRAFT/2, which was to expire on 28 February 2024 "
     "at 18:00 hours Astana time, is hereby prolonged for seven days.", datetime(2024, 3, 6, 18, tzinfo=ASTANA)),
    ("The silence procedure on SOC/2024-I/DRAFT/2 (deadline: 28 February 2024, 12.00 hrs Astana time) is extended by "
     "one week.", datetime(2024, 3, 6, 12, tzinfo=ASTANA)),
    ("The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended by one week from 28 February 2024, "
     "20:00 (Moscow time).", datetime(2024, 3, 6, 20, tzinfo=ZoneInfo("Europe/Moscow"))),
    ("Срок процедуры умолчания по проекту решения SOC/2024-I/DRAFT/2, истекающий 28 февраля 2024 года в 18.00 "
     "по времени Астаны, продлевается на 10 (десять) дней.", datetime(2024, 3, 9, 18, tzinfo=ASTANA)),
    # the day printed as well, without an hour: the hour is the deadline's extended
    ("The deadline of the silence procedure on SOC/2024-I/DRAFT/2, set for 28 February 2024 at 18:00 hours, is extended "
     "by seven days, i.e. until 6 March 2024.", datetime(2024, 3, 6, 18, tzinfo=ASTANA)),
    # the day and an hour of its own printed: as printed
    ("The deadline of the silence procedure on SOC/2024-I/DRAFT/2, set for 28 February 2024 at 18:00 hours, is extended "
     "by seven days, until 6 March 2024, 12:00 Astana time.", datetime(2024, 3, 6, 12, tzinfo=ASTANA)),
])
def test_old_deadline_in_the_sentence(text, expected):
    found = _after_verb(text)
    assert found.unread is None and found.local == expected
    assert found.local.utcoffset() == expected.utcoffset()


def test_no_old_deadline_in_the_sentence_leaves_the_period_for_the_record():
    # "circulated on 14 February 2024" is when the draft was sent, not its deadline; 26 February is when a request came
    for text in ["The silence procedure on the draft SOC decision on the Regulations of the CICA Think Tank Forum "
                 "(SOC/2024-I/DRAFT/2), circulated on 14 February 2024, is extended by one week.",
                 "The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended by one week at the request "
                 "of the delegation of India conveyed on 26 February 2024."]:
        found = _after_verb(text)
        assert (found.on, found.local, found.extended_by_days, found.unread) == (None, None, 7, None), text


def test_a_date_that_disagrees_with_the_period_is_flagged():
    found = _after_verb("The deadline of the silence procedure on SOC/2024-I/DRAFT/2, which was to expire on 28 February "
                        "2024 at 18:00 hours, is prolonged for seven days, until 7 March 2024.")
    assert found.local is None and "7 March 2024" in found.unread and "28 February 2024" in found.unread


def test_a_date_before_the_period_that_disagrees_is_flagged():
    found = _after_verb("The silence procedure on SOC/2024-I/DRAFT/2, which was to expire on 28 February 2024 at 18:00, "
                        "is extended until 8 March 2024, i.e. by one week.")
    assert found.local is None and "8 March 2024" in found.unread


def test_working_days_are_flagged_not_guessed():
    found = _after_verb("The silence procedure on SOC/2024-I/DRAFT/2, which was to expire on 28 February 2024 at 18:00 "
                        "hours, is extended by three working days.")
    assert found.local is None and "working days" in found.unread


COVER = """**SECRETARIAT OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES IN ASIA**

**№DOC/1901**

{body}

The Secretariat avails itself of this opportunity to renew to the CICA Member States the assurances of its highest consideration.

Astana, 27 February 2024

**MEMBER STATES
OF THE CONFERENCE ON INTERACTION
AND CONFIDENCE BUILDING MEASURES
IN ASIA**
"""


def _state(tmp_path: Path, body: str, *, opened: bool = True) -> State:
    state = State(tmp_path / "x.duckdb")
    state.add("seed.txt", SEED.read_bytes())
    if opened:
        state.add(OPENED.name, OPENED.read_bytes())
    state.add("extension.txt", COVER.format(body=body).encode())
    state.project(datetime(2024, 3, 6, 12, 30, tzinfo=UTC))
    return state


@pytest.mark.parametrize("body", [
    "The Secretariat has the honour to inform that, at the request of several Member States, the silence procedure on "
    "the draft SOC decision on the Regulations of the CICA Think Tank Forum (SOC/2024-I/DRAFT/2), circulated on "
    "14 February 2024, is extended by one week.",
    "Секретариат имеет честь сообщить, что срок процедуры умолчания по проекту решения SOC/2024-I/DRAFT/2 "
    "продлевается на одну неделю.",
    "The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended by seven days at the request of the "
    "delegation of India conveyed on 26 February 2024.",
    # the day printed before the period, no hour: the record's hour
    "The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended until 6 March 2024, i.e. by one week.",
    "The silence procedure on SOC/2024-I/DRAFT/2 is extended, at the request conveyed on 26 February 2024, by one week.",
])
def test_the_linker_adds_the_period_to_the_recorded_deadline(tmp_path, body):
    """28 February 2024 18:00 Astana (UTC+6, 12:00 UTC) + one week = 6 March 2024 18:00 Astana, now UTC+5: 13:00 UTC."""
    state = _state(tmp_path, body)
    rows = state.rows("SELECT status, silence_deadline FROM decisions WHERE symbol = 'SOC/2024-I/DRAFT/2'")
    assert rows == [{"status": "pending_silence", "silence_deadline": datetime(2024, 3, 6, 13, tzinfo=UTC)}]
    assert state.rows("SELECT why FROM unread_statements WHERE circular_sha256 = ?", [state.shas[-1]]) == []
    state.close()


def test_without_a_recorded_deadline_the_period_is_flagged(tmp_path):
    state = _state(tmp_path, "The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended by one week.",
                   opened=False)
    unread = state.rows("SELECT why, detail FROM unread_statements WHERE circular_sha256 = ? AND why = 'timing_not_understood'",
                        [state.shas[-1]])
    assert len(unread) == 1  # (the draft is also unknown to the record: flagged as no_target besides)
    assert "extended by 7 days" in unread[0]["detail"] and "no earlier deadline" in unread[0]["detail"]
    assert state.rows("SELECT silence_deadline FROM decisions WHERE symbol = 'SOC/2024-I/DRAFT/2' "
                      "AND silence_deadline IS NOT NULL") == []
    state.close()


def test_the_probe_form_still_reads_the_day_printed(tmp_path):
    """"extended by one week, i.e. until 6 March 2024, at the same hour": the day printed, the hour recorded."""
    state = _state(tmp_path, "The silence procedure on the draft SOC decision (SOC/2024-I/DRAFT/2), circulated on "
                             "14 February 2024, is extended by one week, i.e. until 6 March 2024, at the same hour.")
    rows = state.rows("SELECT silence_deadline FROM decisions WHERE symbol = 'SOC/2024-I/DRAFT/2'")
    assert rows == [{"silence_deadline": datetime(2024, 3, 6, 13, tzinfo=UTC)}]
    assert date(2024, 3, 6) == rows[0]["silence_deadline"].astimezone(ASTANA).date()
    state.close()


def test_a_date_of_something_done_is_no_new_deadline():
    """No period and no deadline word: the date a request was conveyed is not taken for the new deadline."""
    found = _after_verb("The silence procedure on draft decision SOC/2024-I/DRAFT/2 is extended at the request of the "
                        "delegation of India conveyed on 26 February 2024.")
    assert found.local is None and "26 February 2024" in found.unread
    found = _after_verb("The silence procedure on draft decision SOC/2024-I/DRAFT/2 is prolonged until Monday, 4 March "
                        "2024, 12.00 hrs Astana time.")
    assert (found.local, found.unread) == (datetime(2024, 3, 4, 12, tzinfo=ASTANA), None)


@pytest.mark.parametrize(("sentence", "deadline"), [
    ("The revised text, SOC/2024-I/DRAFT/2/Rev.1, is herewith placed under a fresh silence procedure until 10:00 GMT "
     "on 11 March 2024.", datetime(2024, 3, 11, 10, tzinfo=UTC)),
    ("Draft decision SOC/2024-I/DRAFT/2/Rev.1 is placed under a new silence procedure expiring on 11 March 2024 at "
     "15:00 (UTC+3).", datetime(2024, 3, 11, 12, tzinfo=UTC)),
    # C20: the opening in a long appositive sentence
    ("The Chairmanship, having considered the comments received, and with a view to facilitating consensus, submits the "
     "revised draft decision SOC/2024-I/DRAFT/2/Rev.1, which is attached hereto, for adoption under a silence procedure, "
     "which will expire at 12:00 Astana time on 12 March 2024.", datetime(2024, 3, 12, 7, tzinfo=UTC)),
    ("Пересмотренный проект решения SOC/2024-I/DRAFT/2/Rev.1, подготовленный с учетом поступивших замечаний, прилагается "
     "и направляется в рамках новой процедуры умолчания со сроком до 12:00 по времени Астаны 12 марта 2024 года.",
     datetime(2024, 3, 12, 7, tzinfo=UTC)),
])
def test_a_revision_under_a_new_silence_procedure(tmp_path, sentence, deadline):
    """Withdraw and reissue: the revision's own silence procedure, its deadline in GMT or a UTC offset."""
    withdrawal = ("Председательство приняло решение отозвать проект решения SOC/2024-I/DRAFT/2 с учетом поступивших "
                  "замечаний." if "решения" in sentence else
                  "The Chairmanship has decided to withdraw draft decision SOC/2024-I/DRAFT/2 in the light of the comments "
                  "received.")
    body = withdrawal + "\n\n" + sentence
    state = _state(tmp_path, body)
    rows = state.rows("SELECT status, silence_deadline FROM decisions WHERE symbol = 'SOC/2024-I/DRAFT/2/Rev.1'")
    assert rows == [{"status": "pending_silence", "silence_deadline": deadline}]
    state.close()
