"""A reading that lost part of a circular must say so: the loss is flagged, never a quiet success.

The losses are made from a producer's real PDF reading (the document model), by dropping the
last rows of the seed's plan or the page that holds them, then deriving events as the reader
does. The flag is a `StatementNotRead` (why `text_lost`) on the plan's document: the PDF reader
counts the letters and digits each page prints, and text no block holds is text lost.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from circulars.reading import READER_VERSION, derive_events
from circulars.reading.pdf import read_pdf
from models.document import Block, ReadDocument

PDF_DIR = Path(__file__).parent / "fixtures" / "pdf"
SEED = "000_seed_DOC-1497"
PLAN = "SOC/2023-III/DEC/2"


@cache
def _document(producer: str) -> tuple[str, ReadDocument]:
    data = (PDF_DIR / f"{SEED}.{producer}.pdf").read_bytes()
    return hashlib.sha256(data).hexdigest(), read_pdf(data, file_name=f"{SEED}.{producer}.pdf")


def _item_no(cell: str) -> int | None:
    match = re.match(r"\s*(\d{1,3})\.?\s*$", cell)
    return int(match.group(1)) if match else None


def _plan_index(doc: ReadDocument) -> int:
    (index,) = [
        i for i, b in enumerate(doc.blocks)
        if b.kind == "table" and [_item_no(r.cells[0]) for r in b.rows] == list(range(1, 28))
    ]
    return index


def _without_last_plan_rows(doc: ReadDocument, keep: int) -> ReadDocument:
    """The seed's plan table cut after item `keep` (its last rows lost, as when a page is)."""
    index = _plan_index(doc)
    plan = doc.blocks[index]
    cut = plan.model_copy(update={"rows": [r for r in plan.rows if (_item_no(r.cells[0]) or 0) <= keep]})
    return doc.model_copy(update={"blocks": [*doc.blocks[:index], cut, *doc.blocks[index + 1:]]})


def _without_page(doc: ReadDocument, page: int) -> ReadDocument:
    """The document as if one page had not been read at all: its blocks and table rows gone."""
    blocks: list[Block] = []
    for block in doc.blocks:
        if block.kind == "table":
            rows = [r for r in block.rows if r.page != page]
            if rows:
                blocks.append(block.model_copy(update={"rows": rows, "page": rows[0].page}))
        elif block.page != page:
            blocks.append(block)
    return doc.model_copy(update={"blocks": blocks})


def _events(sha: str, doc: ReadDocument):
    return derive_events(sha, doc, reading_id="r", reader_version=READER_VERSION)


def _plan_items(events) -> list[int]:
    return [e.item_no for e in events if e.event_type == "PlanItemScheduled"]


def _flags(events) -> list:
    return [e for e in events if e.event_type == "StatementNotRead"]


# --- the losses themselves (these pass today: the cut really loses items, quietly) -----------------


def test_cutting_the_plan_after_item_24_loses_items_25_to_27():
    sha, doc = _document("chrome-flow")
    events = _events(sha, _without_last_plan_rows(doc, keep=24))
    assert _plan_items(events) == list(range(1, 25))
    assert _plan_items(_events(sha, doc)) == list(range(1, 28))


def test_dropping_the_last_plan_page_of_the_word_processor_export_loses_its_items():
    sha, doc = _document("lo-docx")
    plan = doc.blocks[_plan_index(doc)]
    last_page = plan.rows[-1].page
    lost = [_item_no(r.cells[0]) for r in plan.rows if r.page == last_page]
    assert lost == list(range(17, 28))  # items 17-27 start on the plan's last page (6)
    events = _events(sha, _without_page(doc, last_page))
    assert _plan_items(events) == list(range(1, 17))


# --- the flag (needs StatementNotRead from the reader issue) -----------------------------------------


def test_a_plan_cut_short_is_flagged():
    sha, doc = _document("chrome-flow")
    events = _events(sha, _without_last_plan_rows(doc, keep=24))
    flags = _flags(events)
    assert flags, "a plan whose rows were lost must be flagged, not read as complete"
    assert any(getattr(f, "document_symbol", None) == PLAN for f in flags)


def test_a_lost_page_is_flagged():
    sha, doc = _document("lo-docx")
    last_page = doc.blocks[_plan_index(doc)].rows[-1].page
    events = _events(sha, _without_page(doc, last_page))
    flags = _flags(events)
    assert flags, "a circular read without one of its pages must be flagged"
    assert any(getattr(f, "document_symbol", None) == PLAN for f in flags)


def test_a_complete_reading_raises_no_flag_on_the_plan():
    """No false alarm: the whole plan read from each producer is not flagged. (Only the plan:
    the renderings are not the original's 11 enclosure pages, which a page-count rule may note.)"""
    for producer in ("chrome-flow", "chrome-paged", "lo-docx"):
        sha, doc = _document(producer)
        events = _events(sha, doc)
        assert _plan_items(events) == list(range(1, 28))
        assert [f for f in _flags(events) if getattr(f, "document_symbol", None) == PLAN] == []
