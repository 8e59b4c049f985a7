"""Domain events derived from each fixture (text and PDF), checked fact by fact against expected.py."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from circulars.reading import READER_VERSION, Reading, read_circular
from circulars.reading.derive import decision_item_id, derive_events, parse_deadline, split_organizers
from circulars.reading.errors import ReadError
from circulars.reading.text import read_text
from circulars.reading.vocabulary import classify_action, parse_amount
from models.constants import ASTANA_ZONE as ASTANA
from tests.fixtures import expected as E

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
TEXT_DIR = FIXTURES_DIR / "text"
PDF_DIR = FIXTURES_DIR / "pdf"
BAD_DIR = FIXTURES_DIR / "bad"
UTC = UTC


TEXT_SOURCES = [TEXT_DIR / f"{stem}.txt" for stem in E.FIXTURES if (TEXT_DIR / f"{stem}.txt").exists()]
PDF_SOURCES = sorted(PDF_DIR.glob("*.pdf"))
SOURCES = TEXT_SOURCES + [pytest.param(pdf, marks=pytest.mark.corpus) for pdf in PDF_SOURCES]
"""Every fixture's text, then every PDF rendering of it (the renderings are the `corpus` part: minutes)."""
IDS = [p.name for p in TEXT_SOURCES + PDF_SOURCES]


@cache
def _read(path: Path) -> Reading:
    data = path.read_bytes()
    return read_circular(data, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), reading_id="reading-1")


def _events(path: Path, event_type: str) -> list:
    return [e for e in _read(path).events if e.event_type == event_type]


def _expected(path: Path) -> dict:
    return E.FIXTURES[path.name.split(".")[0]]


SEED = TEXT_DIR / "000_seed_DOC-1497.txt"


# --- every fixture, fact by fact ------------------------------------------------------------------


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_circular_identified(path):
    (circular,) = _events(path, "CircularIdentified")
    expected = _expected(path)
    assert (circular.symbol, circular.issued_on, circular.place, circular.languages, circular.enclosure_pages) == (
        expected["symbol"], expected["issued_on"], expected["place"], expected["languages"], expected["enclosure_pages"]
    )
    assert circular.reader_version == READER_VERSION and circular.page_count == _read(path).document.page_count


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_documents_identified(path):
    got = [
        {"symbol": e.symbol, "kind": e.kind, "body": e.body, "issued_on": e.issued_on}
        for e in _events(path, "DocumentIdentified")
    ]
    assert got == _expected(path)["documents"]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_decision_list_items(path):
    items = [e for e in _events(path, "DecisionRecorded") if e.item_no is not None]
    expected_lists = _expected(path)["decision_lists"]
    expected = [(lst, item) for lst in expected_lists for item in lst["items"]]
    assert [(e.item_no, e.action, e.references) for e in items] == [
        (item["item_no"], item["action"], item["references"]) for _, item in expected
    ]
    for event, (lst, item) in zip(items, expected, strict=True):
        assert event.subject.startswith(item["subject_start"]), (event.item_no, event.subject)
        assert (event.body, event.meeting_on, event.symbol) == (lst["body"], lst["meeting_on"], None)
        assert event.decision_id == f"{lst['body']}/{lst['meeting_on'].isoformat()}/item-{item['item_no']}"


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_decision_documents(path):
    documents = [e for e in _events(path, "DecisionRecorded") if e.item_no is None]
    expected = _expected(path)["decision_documents"]
    assert [(e.symbol, e.decision_id, e.body, e.action) for e in documents] == [
        (d["symbol"], d["symbol"], d["body"], d["action"]) for d in expected
    ]
    for event, wanted in zip(documents, expected, strict=True):
        assert event.subject.startswith(wanted["subject_start"]), event.subject
        assert (event.adopted_on is None) == wanted["draft"]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_silence_procedures(path):
    expected = _expected(path)
    opened = sorted(_events(path, "SilenceProcedureOpened"), key=lambda e: e.symbol)
    expected_opened = sorted(expected["silence_opened"], key=lambda w: w["symbol"])
    assert [(e.symbol, e.decision_id, e.body, e.deadline_local.replace(tzinfo=None), e.timezone, e.deadline_utc)
            for e in opened] == [
        (w["symbol"], w["symbol"], w["body"], w["deadline_local"], w["timezone"], w["deadline_utc"])
        for w in expected_opened
    ]
    for event, wanted in zip(opened, expected_opened, strict=True):
        assert event.subject.startswith(wanted["subject_start"]), event.subject
    concluded = _events(path, "SilenceProcedureConcluded")
    assert [(e.draft_symbol, e.adopted_symbol, e.adopted_on, e.valid_at) for e in concluded] == [
        (w["draft_symbol"], w["adopted_symbol"], w["adopted_on"], w["deadline_utc"]) for w in expected["silence_concluded"]
    ]
    broken = _events(path, "SilenceBroken")
    assert [(e.draft_symbol, e.broken_by, e.broken_on) for e in broken] == [
        (w["draft_symbol"], w["broken_by"], w["broken_on"]) for w in expected["silence_broken"]
    ]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_plans_and_every_plan_item(path):
    expected = _expected(path)["plans"]
    plans = _events(path, "PlanAdopted")
    assert [(p.plan_symbol, p.plan_year, p.title) for p in plans] == [
        (p["plan_symbol"], p["plan_year"], p["title"]) for p in expected
    ]
    items = _events(path, "PlanItemScheduled")
    wanted = [(plan, item) for plan in expected for item in plan["items"]]
    assert len(items) == len(wanted)
    for event, (plan, item) in zip(items, wanted, strict=True):
        assert (event.plan_symbol, event.plan_year) == (plan["plan_symbol"], plan["plan_year"])
        got = {
            "item_no": event.item_no, "title": event.title, "organizers": event.organizers,
            "lead_organizer": event.lead_organizer, "timing_text": event.timing_text,
            "starts_on": event.starts_on, "ends_on": event.ends_on, "precision": event.timing_precision,
        }
        assert got == item


CHANGE_EVENTS = {"rescheduled": "PlanItemRescheduled", "cancelled": "PlanItemCancelled", "added": "PlanItemAdded"}


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_plan_amendments(path):
    amendments = _expected(path)["plan_amendments"]
    changes = [e for e in _read(path).events if e.event_type in CHANGE_EVENTS.values()]
    wanted = [(a, c) for a in amendments for c in a["changes"]]
    assert [(e.event_type, e.item_no) for e in changes] == [(CHANGE_EVENTS[c["change"]], c["item_no"]) for _, c in wanted]
    for event, (amendment, change) in zip(changes, wanted, strict=True):
        assert (event.plan_symbol, event.plan_year) == (amendment["plan_symbol"], amendment["plan_year"])
        if change["change"] != "cancelled":
            assert (event.timing_text, event.starts_on, event.ends_on, event.timing_precision) == (
                change["timing_text"], change["starts_on"], change["ends_on"], change["precision"]
            )
        if change["change"] == "added":
            assert (event.title, event.organizers, event.lead_organizer) == (
                change["title"], change["organizers"], change["lead_organizer"]
            )
    links = [(e.from_symbol, e.to_symbol) for e in _events(path, "DocumentLinked") if e.link == "amends"]
    assert links == [(a["amendment_symbol"], a["plan_symbol"]) for a in amendments]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_budgets_and_every_line(path):
    expected = _expected(path)["budgets"]
    budgets = _events(path, "BudgetApproved")
    assert [(b.budget_symbol, b.budget_year, b.supersedes, b.currency, b.title) for b in budgets] == [
        (b["budget_symbol"], b["budget_year"], b["supersedes"], b["currency"], b["title"]) for b in expected
    ]
    lines = [
        {"line_no": e.line_no, "section": e.section, "title": e.title, "amount": e.amount_usd, "kind": e.line_kind}
        for e in _events(path, "BudgetLineSet")
    ]
    assert lines == [line for budget in expected for line in budget["lines"]]
    assert [e.position for e in _events(path, "BudgetLineSet")] == [
        n for budget in expected for n in range(len(budget["lines"]))
    ]


@pytest.mark.parametrize("path", SOURCES, ids=IDS)
def test_every_event_carries_provenance_and_aware_valid_time(path):
    reading = _read(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    for event in reading.events:
        assert event.circular_sha256 == sha
        assert event.page is not None and 1 <= event.page <= reading.document.page_count
        assert event.valid_at.tzinfo is not None
    assert reading.events[0].event_type == "CircularIdentified"


@pytest.mark.corpus
@pytest.mark.parametrize("path", PDF_SOURCES, ids=lambda p: p.name)
def test_pdf_documents_are_on_their_printed_pages(path):
    stem, layout, _ = path.name.split(".")
    facts = E.PDF_FACTS[stem][layout]
    assert _read(path).document.page_count == facts["pages"]
    pages = {e.symbol or e.kind: e.page for e in _events(path, "DocumentIdentified") if e.kind != "cover_note"}
    assert pages == facts["document_pages"]


# --- the seed in detail ------------------------------------------------------------------------


def test_seed_items_3_and_4_adopt_the_enclosed_plan_and_budget_decisions():
    links = [(e.from_symbol, e.to_symbol, e.link) for e in _events(SEED, "DocumentLinked")]
    assert links == [
        ("SOC/2023-12-12/item-3", "SOC/2023-III/DEC/2", "adopts"),
        ("SOC/2023-12-12/item-4", "SOC/2023-III/DEC/3", "adopts"),
    ]


def test_seed_silence_deadlines_are_noon_astana_time_in_december_2023():
    opened = {e.symbol: e for e in _events(SEED, "SilenceProcedureOpened")}
    assert set(opened) == {"SOC/2023-III/DRAFT/3", "MC/2023/DRAFT/7"}
    for event in opened.values():
        assert event.deadline_utc == datetime(2023, 12, 26, 6, 0, tzinfo=UTC)
        assert event.deadline_local == datetime(2023, 12, 26, 12, 0, tzinfo=ASTANA)
        assert event.deadline_local.utcoffset().total_seconds() == 6 * 3600
    assert opened["MC/2023/DRAFT/7"].body == "MC"


def test_seed_valid_times_are_the_documents_dates_at_astana_midnight():
    for event in _read(SEED).events:
        assert event.valid_at == datetime(2023, 12, 12, 0, 0, tzinfo=ASTANA)


def test_events_are_deterministic():
    document = read_text(SEED.read_bytes())
    first = derive_events("a" * 64, document, reading_id="r", reader_version="1")
    second = derive_events("a" * 64, document, reading_id="r", reader_version="1")
    assert [e.model_dump() for e in first] == [e.model_dump() for e in second]


def test_conclusion_is_valid_at_its_deadline_after_the_switch_to_utc_plus_5():
    text = (
        "**№DOC/1600**\n\nThe Secretariat has the honour to inform that no objections were received by the deadline "
        "of 2 April 2024, 18:00 by Astana time, to the draft SOC decision (document SOC/2024-I/DRAFT/4), which is "
        "considered adopted as document SOC/2024-I/DEC/9.\n\nAstana, 3 April 2024\n"
    )
    (concluded,) = [e for e in derive_events("b" * 64, read_text(text.encode()), reading_id="r", reader_version="1")
                    if e.event_type == "SilenceProcedureConcluded"]
    assert (concluded.draft_symbol, concluded.adopted_symbol, concluded.adopted_on) == (
        "SOC/2024-I/DRAFT/4", "SOC/2024-I/DEC/9", date(2024, 4, 2)
    )
    assert concluded.valid_at == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)


def test_a_conditional_announces_no_conclusion():
    opened = TEXT_DIR / "005_silence_opened_DOC-1510.txt"
    assert _events(opened, "SilenceProcedureConcluded") == []


def test_corrigendum_links_and_supersedes_the_corrected_decision():
    text = (
        "**№DOC/9**\n\nThe Secretariat has the honour to forward a corrigendum.\n\nAstana, 5 May 2025\n\n"
        "**MEMBER STATES OF CICA**\n\n**CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**\n\n"
        "MC/2025/DEC/1/Corr.1\n5 May 2025\n\n---\n\n**Ministerial Council**\n\n**Astana, 4 May 2025**\n\n"
        "**DECISION OF THE MINISTERIAL COUNCIL**\n\n**on the venue of the Summit**\n\n"
        "The Ministerial Council\n\nDecides to hold the Summit in Baku.\n"
    )
    events = derive_events("c" * 64, read_text(text.encode()), reading_id="r", reader_version="1")
    links = [(e.from_symbol, e.to_symbol, e.link) for e in events if e.event_type == "DocumentLinked"]
    superseded = [(e.symbol, e.by_symbol, e.how) for e in events if e.event_type == "DecisionSuperseded"]
    assert links == [("MC/2025/DEC/1/Corr.1", "MC/2025/DEC/1", "corrects")]
    assert superseded == [("MC/2025/DEC/1", "MC/2025/DEC/1/Corr.1", "corrected")]
    (decision,) = [e for e in events if e.event_type == "DecisionRecorded"]
    assert (decision.action, decision.subject, decision.adopted_on) == ("decided", "to hold the Summit in Baku", date(2025, 5, 4))


# --- the pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "local", "utc"),
    [
        ("with the deadline of 26 December 2023, 12 noon by Astana time", datetime(2023, 12, 26, 12, 0),
         datetime(2023, 12, 26, 6, 0, tzinfo=UTC)),
        ("Subject to adoption by silence procedure with the deadline of 15 March 2024 (18:00 by Astana time)",
         datetime(2024, 3, 15, 18, 0), datetime(2024, 3, 15, 13, 0, tzinfo=UTC)),
        ("со сроком до 26 декабря 2023 года 12:00 по времени Астаны", datetime(2023, 12, 26, 12, 0),
         datetime(2023, 12, 26, 6, 0, tzinfo=UTC)),
        ("2024 жылғы 15 наурыз Астана уақыты бойынша сағат 18:00-ге дейін", datetime(2024, 3, 15, 18, 0),
         datetime(2024, 3, 15, 13, 0, tzinfo=UTC)),
        ("the deadline of 1 March 2024", datetime(2024, 3, 1, 23, 59, 59), datetime(2024, 3, 1, 18, 59, 59, tzinfo=UTC)),
    ],
)
def test_parse_deadline(text, local, utc):
    found, zone = parse_deadline(text)
    assert zone == "Asia/Almaty"
    assert found.replace(tzinfo=None) == local
    assert found.astimezone(UTC) == utc


def test_parse_deadline_needs_a_date():
    assert parse_deadline("silence procedure with the deadline to be announced") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Republic of Kazakhstan, Ministry of Digital Development, Innovations and Aerospace Industry of the "
         "Republic of Kazakhstan, CICA Secretariat",
         ["The Republic of Kazakhstan", "Ministry of Digital Development, Innovations and Aerospace Industry of the "
          "Republic of Kazakhstan", "CICA Secretariat"]),
        ("The Russian Federation, Directorate of the World Youth Festival, Russian Movement of Children, Youth "
         "“Movement of the First”",
         ["The Russian Federation", "Directorate of the World Youth Festival",
          "Russian Movement of Children, Youth “Movement of the First”"]),
        ("The State of Qatar, Qatar Tourism", ["The State of Qatar", "Qatar Tourism"]),
        ('CICA Secretariat, UN ESCAP Secretariat (Bangkok, Thailand), Forum "Peace, Unity"',
         ["CICA Secretariat", "UN ESCAP Secretariat (Bangkok, Thailand)", 'Forum "Peace, Unity"']),
        ("", []),
    ],
)
def test_split_organizers(text, expected):
    assert split_organizers(text) == expected


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1,629,598", 1_629_598), ("1 629 598", 1_629_598), ("1\u00a0629\u00a0598", 1_629_598),
     ("1\u202f629\u202f598", 1_629_598), ("<b>4,759,000</b>", 4_759_000), ("23677", 23_677), ("T.B.C.", None), ("", None)],
)
def test_parse_amount(text, amount):
    assert parse_amount(text) == amount


def test_unknown_verb_is_other_never_a_guess():
    phrase = classify_action("The SOC deliberated on the proposals concerning the draft Regulations.")
    assert (phrase.action, phrase.subject) == ("other", "deliberated on the proposals concerning the draft Regulations")
    assert classify_action("Progress in implementation was adopted by consensus.").action == "other"


def test_decision_item_id():
    assert decision_item_id("SOC", date(2023, 12, 12), 3) == "SOC/2023-12-12/item-3"


# --- a figure or an item named with a verb no list knows: flagged, never silent --------------------

_NOTE_HEAD = "SECRETARIAT OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA\n\nNo. DOC/1700\n\n"
_NOTE_TAIL = ("\n\nThe Secretariat avails itself of this opportunity to renew to the Member States the assurances of its "
              "highest consideration.\n\nAstana, 1 March 2024\n")
_EN_OPENING = ("The Secretariat of the Conference on Interaction and Confidence Building Measures in Asia (CICA) presents "
               "its compliments to the Member States and ")


@pytest.mark.parametrize(
    "sentence, evidence",
    [
        # a budget section's figure changed by a verb the reader has no rule for (a silent miss before)
        (_EN_OPENING + 'has the honour to inform that the appropriation under Section VI "Miscellaneous" of the 2024 '
         "Budget of the CICA Secretariat is raised from USD 23,677 to USD 33,677.", "USD 33,677"),
        (_EN_OPENING + "wishes to advise that the provision for travel in the 2024 Budget now stands at USD 650,000.",
         "USD 650,000"),
        ("Секретариат Совещания по взаимодействию и мерам доверия в Азии (СВМДА) свидетельствует свое уважение "
         "государствам-членам СВМДА и имеет честь сообщить, что ассигнования по разделу VI «Прочие расходы» бюджета "
         "на 2024 год увеличиваются с 23 677 до 33 677 долларов США.", "33 677 долларов США"),
    ],
    ids=["raised-from-to", "now-stands-at", "ru-increased"],
)
def test_a_sum_or_a_budget_section_with_an_unknown_verb_is_flagged(sentence, evidence):
    data = (_NOTE_HEAD + sentence + _NOTE_TAIL).encode()
    reading = read_circular(data, file_name="note.txt", sha256=hashlib.sha256(data).hexdigest(), reading_id="r")
    derived = [e for e in reading.events if e.event_type not in ("CircularIdentified", "DocumentIdentified")]
    assert [e.event_type for e in derived] == ["StatementNotRead"]
    assert derived[0].why == "not_understood" and evidence in derived[0].text


def test_an_item_named_with_a_known_change_is_read_not_flagged():
    """The same evidence does not flag what a rule reads: "brought forward" reschedules item 12."""
    sentence = _EN_OPENING + ("has the honour to inform that the event under item 12 of the Plan for 2024 is brought "
                              "forward to March 2024.")
    data = (_NOTE_HEAD + sentence + _NOTE_TAIL).encode()
    reading = read_circular(data, file_name="note.txt", sha256=hashlib.sha256(data).hexdigest(), reading_id="r")
    [event] = [e for e in reading.events if e.event_type not in ("CircularIdentified", "DocumentIdentified")]
    assert event.event_type == "PlanItemRescheduled"


# --- read_circular: errors ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(E.BAD_FILES), ids=str)
def test_bad_files_raise_their_read_error(name):
    path = BAD_DIR / name
    code = E.BAD_FILES[name]
    data = path.read_bytes()
    if code is None:
        reading = read_circular(data, file_name=name, sha256=hashlib.sha256(data).hexdigest(), reading_id="r")
        assert reading.events[0].symbol == E.FIXTURES[E.OWNER_ONLY_SAME_AS]["symbol"]
        return
    with pytest.raises(ReadError) as error:
        read_circular(data, file_name=name, sha256="d" * 64, reading_id="r")
    assert error.value.code == code
    assert error.value.file_name == name


def test_unknown_binary_is_an_unsupported_media_type():
    with pytest.raises(ReadError) as error:
        read_circular(bytes(range(256)) * 4, file_name="scan.bin", sha256="e" * 64, reading_id="r")
    assert error.value.code == "unsupported_media_type" and error.value.file_name == "scan.bin"


def test_text_without_circular_structure_is_not_a_circular():
    with pytest.raises(ReadError) as error:
        read_circular(b"Menu\n\nSoup of the day, bread and tea.\n", file_name="menu.txt", sha256="f" * 64,
                      reading_id="r")
    assert error.value.code == "not_a_circular" and error.value.page == 1
    assert "expected a symbol" in error.value.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.binary(max_size=1500),
    st.lists(st.sampled_from([
        "**№DOC/1**\n", "Astana, 12 December 2023\n", "## DECISIONS OF THE SOC\n", "1. The SOC adopted X.\n",
        "DECISION OF THE SENIOR OFFICIALS COMMITTEE\n", "SOC/2023-III/DRAFT/3\n", "No.\tTitle\tTiming\n",
        "1.\tA\tMarch\n", "Nº\tEXPENDITURES\tBudget\n", "\tTotal\t1,000\n", "---\n", "\n", "\f",
        "BUDGET OF THE X FOR 2024\n", "silence procedure with the deadline of 1 March 2024\n", "*x*\n",
        "**MEMBER STATES**\n", "No. AST/1/2\n", "Approves the plan.\n", "CICA PLAN OF EVENTS FOR 2025\n",
    ]), max_size=40).map(lambda parts: "".join(parts).encode()),
), st.sampled_from(["fuzz.txt", "fuzz.md", "fuzz.bin", "fuzz", "fuzz.pdf"]))
def test_read_circular_returns_a_reading_or_raises_read_error(data, name):
    try:
        reading = read_circular(data, file_name=name, sha256="0" * 64, reading_id="r")
    except ReadError:
        return
    assert isinstance(reading, Reading)
    assert reading.events and reading.events[0].event_type == "CircularIdentified"
