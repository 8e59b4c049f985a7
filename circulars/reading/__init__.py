"""Reading a circular: bytes -> document model -> cover note and enclosed documents -> domain events.

`read_circular` is the one entry point the pipeline uses; it raises only ReadError, whose
code says why a file is quarantined (and names the file, the page and what was expected).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from circulars.reading.derive import Statement, derive, derive_events
from circulars.reading.errors import ReadError
from circulars.reading.segment import segment
from circulars.reading.text import decode_text, read_text
from circulars.reading.vocabulary import DOCUMENT_SYMBOL_RE, NOTE_SYMBOL_RE, find_dates, heading_kind
from models.document import ReadDocument
from models.events import DomainEvent

__all__ = ["READER_VERSION", "ReadError", "Reading", "derive_events", "read_circular", "read_text", "segment"]

READER_VERSION = "3"
"""Bump when reading changes what events a circular yields: circulars are then read again."""

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


class Reading(BaseModel):
    """What one reading of a circular produced: the document model, its events, and the ledger of
    its operative statements (each booked to its events, or to why it yielded none)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    document: ReadDocument
    events: list[DomainEvent]
    statements: list[Statement] = []


def read_circular(data: bytes, *, file_name: str, sha256: str, reading_id: str) -> Reading:
    """Read a circular's bytes (PDF or converter text) into its document model and domain events."""
    document = _read_document(data, file_name)
    _require_circular(document, file_name)
    try:
        events, statements = derive(sha256, document, reading_id=reading_id, reader_version=READER_VERSION)
    except ReadError as error:
        raise ReadError(error.code, error.message, page=error.page, file_name=file_name) from error
    return Reading(document=document, events=events, statements=statements)


def _read_document(data: bytes, file_name: str) -> ReadDocument:
    if not data:
        raise ReadError("empty_file", "the file has no bytes; expected a PDF or the text of a circular",
                        file_name=file_name)
    if b"%PDF-" in data[:1024] or file_name.lower().endswith(".pdf"):
        # a file named .pdf that is none is quarantined by the PDF reader as not_a_pdf
        from circulars.reading.pdf import read_pdf  # the PDF stack loads only when a PDF arrives

        return read_pdf(data, file_name=file_name)
    lower = file_name.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return read_text(data, media_type="text/markdown" if lower.endswith((".md", ".markdown")) else "text/plain",
                         file_name=file_name)
    try:
        decode_text(data, file_name=file_name)
    except ReadError as error:
        if error.code == "empty_file":
            raise
        raise ReadError(
            "unsupported_media_type",
            "neither a PDF (no %PDF header) nor text (UTF-8, UTF-16 with BOM or cp1251)",
            file_name=file_name,
        ) from error
    return read_text(data, file_name=file_name)


def _require_circular(document: ReadDocument, file_name: str) -> None:
    """A circular is dated and has a symbol or the headings of decisions, plans or budgets.

    Both are required: without a date no event has a valid time, and a date alone is
    any letter.
    """
    has_marker = any(
        DOCUMENT_SYMBOL_RE.search(block.text) or NOTE_SYMBOL_RE.search(block.text) or heading_kind(block.text)
        for block in document.blocks
        if block.kind != "table"
    )
    if has_marker and find_dates(document.text()):
        return
    raise ReadError(
        "not_a_circular",
        "no circular structure found: expected a symbol (№DOC/1497, SOC/2023-III/DEC/2) or the heading of "
        "decisions, a plan or a budget, and a date ('Astana, 12 December 2023')",
        page=1,
        file_name=file_name,
    )
