"""Domain events from a segmented circular: what each document says, one typed event per fact.

The deriver walks the cover note and each enclosed document; each subject has its own
module (`notices`, `decisions`, `plans`, `budgets`); `base` holds provenance, valid time
and the ledger that books every operative statement to the events it yields, or to the
reason it yields none (a StatementNotRead).

`valid_at` is the document's date at 00:00 Asia/Almaty; a silence procedure's conclusion
is valid at its deadline when the note states it. Events come in reading order: the
circular, the cover note, then each enclosed document with what it states, then what
could not be read.
"""

from __future__ import annotations

import re
from datetime import date

from circulars.reading import lexicon
from circulars.reading.derive.base import Statement, at_midnight, statement_id
from circulars.reading.derive.budgets import BudgetReader
from circulars.reading.derive.decisions import DecisionReader, decision_item_id
from circulars.reading.derive.mentions import parse_deadline
from circulars.reading.derive.notices import NoticeReader
from circulars.reading.derive.organizers import split_organizers
from circulars.reading.derive.plans import PlanReader
from circulars.reading.errors import ReadError
from circulars.reading.segment import CoverNote, EnclosedDocument, SegmentedCircular, segment
from circulars.reading.vocabulary import find_dates, squash, strip_markup, symbol_suffix_kind
from models.document import ReadDocument
from models.events import CircularIdentified, DocumentIdentified, DomainEvent

__all__ = [
    "Statement",
    "at_midnight",
    "decision_item_id",
    "derive",
    "derive_events",
    "parse_deadline",
    "split_organizers",
    "statement_id",
]


def derive(sha256: str, doc: ReadDocument, *, reading_id: str, reader_version: str) -> tuple[list[DomainEvent], list[Statement]]:
    """Every fact the circular states, as typed events in a deterministic order, and the ledger of its statements."""
    circular = segment(doc)
    deriver = _Deriver(sha256, doc, circular, reading_id, reader_version, _circular_date(doc, circular))
    return deriver.run(), deriver.ledger.statements


def derive_events(sha256: str, doc: ReadDocument, *, reading_id: str, reader_version: str) -> list[DomainEvent]:
    return derive(sha256, doc, reading_id=reading_id, reader_version=reader_version)[0]


LOST_TEXT_MARGIN = 40
"""Letters and digits a reading may miss without a flag (a stray mark, a page number the furniture rules kept)."""
LOST_TEXT_SHARE = 0.01


def _holding_page(documents: list[EnclosedDocument], page: int) -> EnclosedDocument | None:
    """The document that lost text on `page`: one whose table runs on that page (tables are where a
    layout loses rows), else the first with text there, else the last one begun before it."""
    def pages(document: EnclosedDocument) -> set[int]:
        found = {b.page for b in document.blocks}
        found |= {row.page for b in document.blocks if b.kind == "table" for row in b.rows}
        return found

    tabled = [d for d in documents if any(b.kind == "table" and page in {r.page for r in b.rows} | {b.page}
                                          for b in d.blocks)]
    if tabled:
        return tabled[0]
    there = [d for d in documents if page in pages(d)]
    if there:
        return there[0]
    begun = [d for d in documents if min(pages(d), default=d.page) <= page]
    return begun[-1] if begun else None


_CORRECTION_LINE = re.compile(
    r"^\W*(?:(?:annex|page|item|line|paragraph|column|приложение|страница|пункт|строка)\b[^.]{0,80}?[:,]|"
    r"(?:for|delete|insert|after|before|replace|substitute|вместо|исключить|после|дополнить)\b)", re.I)


def _lists_corrections(document: EnclosedDocument) -> bool:
    """Does a corrigendum list corrections (a location, "for ... read", "delete", "after ... insert")
    rather than reissue the document? Then it corrects, it does not replace."""
    return any(b.kind != "table" and b.text and (_CORRECTION_LINE.match(squash(strip_markup(b.text)))
                                                 or lexicon.pattern("corrigendum").search(squash(strip_markup(b.text))))
               for b in document.blocks[document.heading_index + 1:] if document.heading_index is not None)


def _circular_date(doc: ReadDocument, circular: SegmentedCircular) -> date:
    cover = circular.cover
    candidates = [cover.issued_on] + [d.issued_on or d.meeting_on for d in circular.documents]
    found = next((c for c in candidates if c), None)
    if found is None:
        dates = find_dates(doc.text())
        found = dates[0].value if dates else None
    if found is None:
        raise ReadError("not_a_circular", "no date found; expected a dated note such as 'Astana, 12 December 2023'",
                        page=1)
    return found


class _Deriver(NoticeReader, DecisionReader, PlanReader, BudgetReader):
    def run(self) -> list[DomainEvent]:
        self.deferred = []
        self.note_consumed: set[int] = set()
        self.memo_subject: str | None = None
        self.memo_body: str | None = None
        self.drafts_opened_in_documents = {}
        for document in self.circular.documents:
            self.drafts_opened_in_documents.update(self.drafts_opened_by(document))
        cover = self.circular.cover
        self._circular_identified(cover)
        if cover.blocks:
            self.emit(DocumentIdentified(
                **self.common(cover.page, cover.issued_on), symbol=cover.symbol, kind="cover_note", body=None,
                title=cover.subject, issued_on=cover.issued_on, place=cover.place,
                language=cover.languages[0] if cover.languages else "en",
            ))
            self.read_note(cover.blocks, cover.issued_on, document_symbol=cover.symbol, own_symbol=cover.symbol)
            self.note_tables(cover.blocks, cover.issued_on, cover.symbol)
        for document in self.circular.documents:
            self._document(document)
        for statement, key in self.deferred:
            if key in self._seen and self._seen[key] not in statement.events:
                statement.events.append(self._seen[key])
        self._coverage()
        self.close_ledger()
        return self.events

    def _coverage(self) -> None:
        """Text the PDF prints that no block holds is text lost by the layout: flagged, never a quiet success.

        The reader counts the letters and digits each page prints (page furniture left out) and
        the blocks must hold them. A table's header repeated on later pages is dropped on purpose,
        so each continuation page of a headed table is allowed the header's letters.
        """
        printed = self.doc.page_chars
        if not printed:
            return
        held = self.doc.chars_by_page()
        allowance: dict[int, int] = {}
        for block in self.doc.blocks:
            if block.kind == "table" and block.header:
                header = sum(1 for c in " ".join(block.header) if c.isalnum())
                for page in {row.page for row in block.rows} - {block.page}:
                    allowance[page] = allowance.get(page, 0) + header
        deficit, since = 0, None
        for page, count in enumerate(printed, start=1):
            deficit += count - held.get(page, 0) - allowance.get(page, 0)
            if deficit > LOST_TEXT_MARGIN and since is None:
                since = page
            elif deficit <= LOST_TEXT_MARGIN:
                since = None
        if since is None or deficit <= max(LOST_TEXT_MARGIN, LOST_TEXT_SHARE * sum(printed)):
            return
        document = _holding_page(self.circular.documents, since)
        symbol = document.symbol if document else self.circular.cover.symbol
        where = f"page {since}" if since == len(printed) else f"pages {since}–{len(printed)}"
        statement = self.statement("completeness", f"{where}: {deficit} letters and digits printed in the file are in "
                                   "no block read", since, symbol, document and self.doc_date(document))
        self.not_read(statement, "text_lost", "the layout of these pages was not followed in full: rows or lines may be "
                      "lost; compare the page with the tables")

    def _circular_identified(self, cover: CoverNote) -> None:
        self.emit(CircularIdentified(
            circular_sha256=self.sha, page=cover.page, valid_at=at_midnight(cover.issued_on or self.issued_on),
            reading_id=self.reading_id, reader_version=self.reader_version, symbol=cover.symbol,
            issued_on=cover.issued_on, place=cover.place, languages=cover.languages,
            page_count=self.doc.page_count, enclosure_pages=cover.enclosure_pages,
            addressees=cover.addressees, subject=cover.subject,
        ))

    def _document(self, document: EnclosedDocument) -> None:
        when = self.doc_date(document)
        kind = "corrigendum" if document.kind == "corrigendum" or symbol_suffix_kind(document.symbol or "") == "Corr" \
            else document.kind
        self.emit(DocumentIdentified(
            **self.common(document.page, when), symbol=document.symbol, kind=kind if kind == "corrigendum" else document.kind,
            body=document.body, title=document.title, issued_on=document.issued_on, place=document.place,
            meeting_on=document.meeting_on, language=document.language,
        ))
        if document.kind == "decision_list":
            self.decision_list(document)
            return
        if document.kind == "other":
            self.read_note(document.blocks, when, document_symbol=document.symbol, own_symbol=document.symbol)
            return
        corrected = self.corrigendum(document)
        # a corrigendum replaces its document only when it reissues it; one that lists corrections, read or
        # not ("Annex, item 24: after X insert Y"), corrects what it names and leaves the rest in force
        self.suffix_links(document, bool(corrected) or _lists_corrections(document))
        if corrected and kind == "corrigendum":
            return  # a corrigendum lists corrections: it decides nothing of its own
        decision_id = self.doc_id(document)
        changes = self.decision_document(document, skip=corrected)
        if document.annex_kind == "plan" and document.annex_index is not None:
            self.plan(document, decision_id)
        elif document.annex_kind == "budget" and document.annex_index is not None:
            self.budget(document, decision_id)
        if (document.annex_kind == "amendment" and document.annex_index not in corrected) or changes:
            self.amendments(document, decision_id, changes)
        self.supersessions(document)
