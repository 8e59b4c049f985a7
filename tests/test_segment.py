"""Segmentation: the cover note and each enclosed document, checked against the fixtures' facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from circulars.reading.segment import SegmentedCircular, segment
from circulars.reading.text import read_text
from tests.fixtures import expected as E

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
TEXT_DIR = FIXTURES_DIR / "text"


STEMS = [stem for stem in E.FIXTURES if (TEXT_DIR / f"{stem}.txt").exists()]


def _segmented(stem: str) -> SegmentedCircular:
    path = TEXT_DIR / f"{stem}.txt"
    return segment(read_text(path.read_bytes(), file_name=path.name))


@pytest.fixture(scope="module")
def seed() -> SegmentedCircular:
    return _segmented("000_seed_DOC-1497")


@pytest.mark.parametrize("stem", STEMS)
def test_cover_note_matches_the_fixture(stem):
    expected = E.FIXTURES[stem]
    cover = _segmented(stem).cover
    assert (cover.symbol, cover.issued_on, cover.place, cover.languages, cover.enclosure_pages) == (
        expected["symbol"], expected["issued_on"], expected["place"], expected["languages"], expected["enclosure_pages"]
    )


@pytest.mark.parametrize("stem", STEMS)
def test_enclosed_documents_match_the_fixture(stem):
    expected = [d for d in E.FIXTURES[stem]["documents"] if d["kind"] != "cover_note"]
    got = [
        {"symbol": d.symbol, "kind": d.kind, "body": d.body, "issued_on": d.issued_on}
        for d in _segmented(stem).documents
    ]
    assert got == expected


def test_seed_cover_note_versions(seed):
    cover = seed.cover
    assert cover.addressees == "MEMBER STATES OF THE CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA"
    assert [(v.language, v.place, v.issued_on, v.enclosure_pages) for v in cover.versions] == [
        ("en", "Astana", date(2023, 12, 12), 11),
        ("ru", "Астана", date(2023, 12, 12), 11),
        ("kk", "Астана", date(2023, 12, 12), 11),
    ]
    assert cover.versions[1].addressees == "ГОСУДАРСТВА-ЧЛЕНЫ СОВЕЩАНИЯ ПО ВЗАИМОДЕЙСТВИЮ И МЕРАМ ДОВЕРИЯ В АЗИИ"
    assert cover.versions[2].addressees == "АЗИЯДАҒЫ ӨЗАРА ІС-ҚИМЫЛ ЖӘНЕ СЕНІМ ШАРАЛАРЫ КЕҢЕСІНЕ МҮШЕ МЕМЛЕКЕТТЕР"
    assert cover.subject.startswith("the decisions of the Senior Officials Committee (SOC) meeting of 12 December 2023")


def test_seed_documents_titles_dates_and_annexes(seed):
    listing, plan, budget, draft = seed.documents
    assert listing.symbol is None and listing.heading == "DECISIONS OF THE SENIOR OFFICIALS COMMITTEE"
    assert (listing.place, listing.meeting_on) == ("Astana", date(2023, 12, 12))
    assert sum(b.kind == "list_item" for b in listing.blocks) == 9

    assert plan.title == "on the CICA Plan of Implementation of Confidence Building Measures for 2024"
    assert (plan.annex_kind, plan.annex_title) == ("plan", "CICA PLAN OF IMPLEMENTATION OF CONFIDENCE BUILDING MEASURES FOR 2024")
    assert len(plan.blocks[plan.annex_index].rows) == 27
    assert plan.meeting_on == date(2023, 12, 12)

    assert budget.title == "on the Budget of the CICA Secretariat for 2024"
    assert (budget.annex_kind, budget.annex_title) == ("budget", "BUDGET OF THE CICA SECRETARIAT FOR 2024")
    assert len(budget.blocks[budget.annex_index].rows) == 8

    assert draft.title == "on partnership relations with the United Nations Office of Counter-Terrorism"
    assert draft.under_silence and draft.meeting_on is None and draft.place is None
    assert draft.blocks[0].text.startswith("CONFERENCE ON INTERACTION")  # its letterhead is its own, not the budget's


def test_adopted_by_silence_is_a_decision_not_a_draft():
    documents = _segmented("010_silence_concluded_DOC-1503").documents
    assert [(d.symbol, d.kind, d.under_silence) for d in documents] == [
        ("SOC/2023-III/DEC/4", "decision", False),
        ("MC/2023/DEC/5", "decision", False),
    ]
    assert documents[1].title == "on granting CICA Observer Status to the Kingdom of Saudi Arabia"


def test_enclosed_embassy_note_is_its_own_document():
    circular = _segmented("011_silence_broken_DOC-1519")
    assert circular.cover.symbol == "DOC/1519"
    (note,) = circular.documents
    assert (note.symbol, note.kind, note.place, note.issued_on) == ("AST/POL/112/2024", "other", "Astana", date(2024, 3, 14))
    assert note.blocks[0].text == "EMBASSY OF INDIA\nASTANA"


def test_documents_start_on_their_own_pages_after_form_feeds():
    text = (
        "**№DOC/9**\n\nThe Secretariat has the honour to forward the decision of the Ministerial Council.\n\n"
        "Astana, 5 May 2025\n\n**MEMBER STATES OF CICA**\n"
        "\f**CONFERENCE ON INTERACTION AND CONFIDENCE BUILDING MEASURES IN ASIA**\n\n"
        "MC/2025/DEC/1/Corr.1\n5 May 2025\n\n---\n\n**Ministerial Council**\n\n**Baku, 4 May 2025**\n\n"
        "**DECISION OF THE MINISTERIAL COUNCIL**\n\n**on the venue of the Summit**\n\n"
        "The Ministerial Council\n\nDecides to hold the Summit in Baku.\n"
    )
    circular = segment(read_text(text.encode()))
    assert (circular.cover.symbol, circular.cover.issued_on, circular.cover.languages) == ("DOC/9", date(2025, 5, 5), ["en"])
    (decision,) = circular.documents
    assert (decision.symbol, decision.kind, decision.body, decision.page) == ("MC/2025/DEC/1/Corr.1", "decision", "MC", 2)
    assert (decision.place, decision.issued_on, decision.meeting_on) == ("Baku", date(2025, 5, 5), date(2025, 5, 4))
    assert decision.title == "on the venue of the Summit"


def test_a_circular_without_enclosures_is_all_cover_note():
    text = "**№DOC/77**\n\nThe Secretariat has the honour to inform the Member States of a change of address.\n\nAstana, 1 June 2024\n"
    circular = segment(read_text(text.encode()))
    assert circular.documents == []
    assert (circular.cover.symbol, circular.cover.place, circular.cover.issued_on) == ("DOC/77", "Astana", date(2024, 6, 1))


@pytest.mark.parametrize("body_line", ["Комитет старших должностных лиц", "Совет министров иностранных дел",
                                       "Аға лауазымды тұлғалар комитеті"])
def test_an_enclosure_in_russian_or_kazakh_keeps_its_symbol(body_line):
    """A body's name in sentence case ("Комитет старших должностных лиц") is preamble, like "Senior Officials
    Committee": walking back from the heading passes over it to the symbol and the letterhead."""
    text = (
        "**№DOC/1606**\n\nСекретариат имеет честь препроводить решение Комитета старших должностных лиц.\n\n"
        "г. Астана, 18 декабря 2024 года\n\n**ГОСУДАРСТВАМ-ЧЛЕНАМ СВМДА**\n\n"
        "**СОВЕЩАНИЕ ПО ВЗАИМОДЕЙСТВИЮ И  \nМЕРАМ ДОВЕРИЯ В АЗИИ**\n\n"
        "SOC/2024-III/DEC/4  \n16 декабря 2024 года\n\n---\n\n"
        f"**{body_line}**\n\n**г. Астана, 16 декабря 2024 года**\n\n"
        "**РЕШЕНИЕ КОМИТЕТА СТАРШИХ ДОЛЖНОСТНЫХ ЛИЦ**\n\n**о Плане реализации мер доверия СВМДА на 2025 год**\n\n"
        "Комитет старших должностных лиц\n\nУтверждает План реализации мер доверия СВМДА на 2025 год.\n"
    )
    circular = segment(read_text(text.encode()))
    (decision,) = circular.documents
    assert (decision.symbol, decision.issued_on, decision.meeting_on) == (
        "SOC/2024-III/DEC/4", date(2024, 12, 16), date(2024, 12, 16))
    assert decision.blocks[0].text.startswith("СОВЕЩАНИЕ ПО ВЗАИМОДЕЙСТВИЮ")
