"""Segmentation does not lean on page breaks, rules or letterheads: a document starts at its header
block wherever it falls, as in a browser's print where the documents follow each other on a page."""

from __future__ import annotations

from pathlib import Path

import pytest

from circulars.reading.segment import SegmentedCircular, is_letterhead, segment
from circulars.reading.text import read_text
from models.document import ReadDocument

TEXT_DIR = Path(__file__).resolve().parent / "fixtures" / "text"
STEMS = sorted(p.stem for p in TEXT_DIR.glob("*.txt"))


def _document(stem: str) -> ReadDocument:
    path = TEXT_DIR / f"{stem}.txt"
    return read_text(path.read_bytes(), file_name=path.name)


def _facts(circular: SegmentedCircular) -> list[tuple]:
    return [
        (d.symbol, d.kind, d.body, d.issued_on, d.place, d.meeting_on, d.title, d.under_silence, d.annex_kind,
         [b.text for b in d.blocks if b.kind not in ("rule",) and not is_letterhead(b)])
        for d in circular.documents
    ]


@pytest.mark.parametrize("stem", STEMS)
def test_documents_on_one_page_without_rules_or_letterheads_segment_alike(stem):
    doc = _document(stem)
    base = segment(doc)
    assert base.documents, "every fixture encloses documents"
    first = doc.blocks.index(base.documents[0].blocks[0])
    bare = [b.model_copy(update={"page": 1}) for b in doc.blocks[first:] if b.kind != "rule" and not is_letterhead(b)]
    flowing = doc.model_copy(update={"blocks": [*doc.blocks[:first], *bare]})
    again = segment(flowing)
    assert _facts(again) == _facts(base)
    assert again.cover.symbol == base.cover.symbol and again.cover.languages == base.cover.languages
