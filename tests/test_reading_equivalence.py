"""Text and PDF renderings of the same circular yield the same domain events, apart from page provenance.

The PDFs come from several producers: reportlab in two layouts (tests/fixtures/render.py) and,
from the same sources, a browser's print and a word processor's export (tests/fixtures/producers.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from circulars.reading import read_circular

pytestmark = pytest.mark.corpus  # every producer's PDF of every fixture

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location("fixture_expected", FIXTURES / "expected.py")
expected = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(expected)

STEMS = sorted(p.stem for p in (FIXTURES / "text").glob("*.txt"))
LAYOUTS = ("a4serif", "lettersans")
PRODUCERS = expected.PRODUCERS  # chrome-flow, chrome-paged, lo-docx


def _read(path: Path):
    data = path.read_bytes()
    return read_circular(data, file_name=path.name, sha256=hashlib.sha256(data).hexdigest(), reading_id="r")


def _comparable(events):
    rows = []
    for event in events:
        data = event.model_dump(mode="json")
        for key in ("page", "circular_sha256", "reading_id", "page_count", "statement_id"):  # statement_id hashes the file
            data.pop(key, None)
        rows.append(data)
    return rows


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_rendering_yields_the_text_events(stem, layout):
    text_events = _comparable(_read(FIXTURES / "text" / f"{stem}.txt").events)
    pdf_events = _comparable(_read(FIXTURES / "pdf" / f"{stem}.{layout}.pdf").events)
    assert len(text_events) >= 4
    assert pdf_events == text_events


def _page_of(path: Path, line_start: str) -> int:
    """The page whose text (as pdfplumber extracts it, independently of the reader) has a line starting so."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if any(line.startswith(line_start) for line in (page.extract_text() or "").splitlines()):
                return number
    raise AssertionError(f"no line starts with {line_start!r} in {path.name}")


@pytest.mark.parametrize("producer", PRODUCERS)
@pytest.mark.parametrize("stem", STEMS)
def test_every_producer_yields_the_text_events(stem, producer):
    """A browser's print (documents flowing on one page or one per page, the plan's header not
    repeated, rows split by the page break) and a word processor's export read as the text does."""
    text_events = _comparable(_read(FIXTURES / "text" / f"{stem}.txt").events)
    pdf_events = _comparable(_read(FIXTURES / "pdf" / f"{stem}.{producer}.pdf").events)
    assert len(text_events) >= 4
    assert pdf_events == text_events


@pytest.mark.parametrize("layout", LAYOUTS + PRODUCERS)
def test_seed_pdf_events_carry_the_page_they_are_printed_on(layout):
    reading = _read(FIXTURES / "pdf" / f"000_seed_DOC-1497.{layout}.pdf")
    pages = expected.PDF_FACTS["000_seed_DOC-1497"][layout]["document_pages"]
    identified = {e.symbol or e.kind: e.page for e in reading.events if e.event_type == "DocumentIdentified"}
    assert identified["SOC/2023-III/DEC/2"] == pages["SOC/2023-III/DEC/2"]
    assert identified["SOC/2023-III/DEC/3"] == pages["SOC/2023-III/DEC/3"]
    assert identified["SOC/2023-III/DRAFT/3"] == pages["SOC/2023-III/DRAFT/3"]
    assert identified["decision_list"] == pages["decision_list"]
    decisions = [e for e in reading.events if e.event_type == "DecisionRecorded" and e.item_no is not None]
    assert {e.page for e in decisions} <= {pages["decision_list"], pages["decision_list"] + 1}
    items = [e for e in reading.events if e.event_type == "PlanItemScheduled"]
    assert len(items) == 27
    assert items[0].page == _page_of(FIXTURES / "pdf" / f"000_seed_DOC-1497.{layout}.pdf", "1. CICA event on promoting")
    assert items[0].page == pages["SOC/2023-III/DEC/2"] + (layout == "chrome-flow")  # there the plan opens page 3
    assert all(pages["SOC/2023-III/DEC/2"] <= e.page <= pages["SOC/2023-III/DEC/3"] for e in items)
    assert items[-1].page > items[0].page  # the plan runs across pages, each row keeps its own
    lines = [e for e in reading.events if e.event_type == "BudgetLineSet"]
    assert len(lines) == 8
    assert all(pages["SOC/2023-III/DEC/3"] <= e.page <= pages["SOC/2023-III/DRAFT/3"] for e in lines)
    silence = [e for e in reading.events if e.event_type == "SilenceProcedureOpened" and e.symbol == "SOC/2023-III/DRAFT/3"]
    assert [e.page for e in silence] == [pages["SOC/2023-III/DRAFT/3"]]
