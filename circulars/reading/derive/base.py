"""What every part of the deriver shares: provenance, valid time, and the ledger of statements.

The ledger is how nothing is dropped in silence. Every operative statement the deriver
meets (a table row, a numbered item, an operative paragraph, a sentence of a note that
changes something) is registered before it is read; each event it yields is booked
against it. At the end, a statement with no event and no stated reason is booked as
`not_understood`, and every reason becomes a `StatementNotRead` event. So the count of
operative statements always equals those that yielded events plus those not read.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from circulars.reading.segment import SegmentedCircular
from circulars.reading.vocabulary import DOCUMENT_SYMBOL_RE, squash, strip_markup
from models.constants import ASTANA
from models.document import Block, ReadDocument
from models.events import DomainEvent, StatementNotRead, UnreadReason

END_OF_DAY = time(23, 59, 59)
"""A deadline printed without a time of day runs to the end of that day."""

MAX_TEXT = 2000
"""A statement's text is kept whole up to this many characters (a table row, a paragraph)."""


def at_midnight(day: date, zone: str = ASTANA) -> datetime:
    """The start of `day` in Astana: when a dated document takes effect."""
    return datetime.combine(day, time(0), ZoneInfo(zone))


def statement_id(circular_sha256: str, text: str) -> str:
    """Stable id of a statement: the same words in the same circular, whatever the reading."""
    digest = hashlib.sha256(f"{circular_sha256}|{squash(text)}".encode()).hexdigest()
    return f"st-{digest[:16]}"


@dataclass
class Unread:
    why: UnreadReason
    detail: str = ""
    candidates: list[str] = field(default_factory=list)


@dataclass
class Statement:
    """An operative statement of the circular and what became of it."""

    kind: str  # list_item | operative_paragraph | note_sentence | plan_row | budget_row | amendment_row | completeness
    text: str
    page: int
    document_symbol: str | None
    valid_on: date | datetime | None
    events: list[int] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)

    @property
    def read(self) -> bool:
        return bool(self.events)


class Ledger:
    """The statements of one reading, in reading order."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def open(self, kind: str, text: str, page: int, document_symbol: str | None,
             valid_on: date | datetime | None) -> Statement:
        statement = Statement(kind, squash(strip_markup(text))[:MAX_TEXT], page, document_symbol, valid_on)
        self.statements.append(statement)
        return statement


class DeriverBase:
    """Provenance, valid time, emission (with de-duplication) and the ledger."""

    def __init__(self, sha256: str, doc: ReadDocument, circular: SegmentedCircular, reading_id: str,
                 reader_version: str, issued_on: date):
        self.sha = sha256
        self.doc = doc
        self.circular = circular
        self.reading_id = reading_id
        self.reader_version = reader_version
        self.issued_on = issued_on
        self.events: list[DomainEvent] = []
        self.ledger = Ledger()
        self._seen: dict[tuple, int] = {}

    def common(self, page: int | None, valid_on: date | datetime | None) -> dict:
        valid_at = valid_on if isinstance(valid_on, datetime) else at_midnight(valid_on or self.issued_on)
        return {"circular_sha256": self.sha, "page": page, "valid_at": valid_at, "reading_id": self.reading_id}

    def emit(self, event: DomainEvent, key: tuple | None = None, statement: Statement | None = None) -> int:
        """Append an event (once per key: a fact restated is booked to the first event) and book it."""
        if key is not None and key in self._seen:
            index = self._seen[key]
        else:
            self.events.append(event)
            index = len(self.events) - 1
            if key is not None:
                self._seen[key] = index
        if statement is not None and index not in statement.events:
            statement.events.append(index)
        return index

    def statement(self, kind: str, text: str, page: int, document_symbol: str | None,
                  valid_on: date | datetime | None) -> Statement:
        return self.ledger.open(kind, text, page, document_symbol, valid_on)

    @staticmethod
    def not_read(statement: Statement, why: UnreadReason, detail: str = "", candidates: list[str] | None = None) -> None:
        statement.unread.append(Unread(why, detail, list(candidates or [])))

    def close_ledger(self) -> None:
        """Every statement without events gets a reason; every reason becomes a StatementNotRead."""
        for statement in self.ledger.statements:
            if not statement.events and not statement.unread:
                statement.unread.append(Unread("not_understood", "no rule of the reader reads this statement"))
            for unread in statement.unread:
                self.events.append(StatementNotRead(
                    **self.common(statement.page, statement.valid_on),
                    statement_id=statement_id(self.sha, statement.text),
                    document_symbol=statement.document_symbol, statement_kind=statement.kind,
                    text=statement.text, why=unread.why, detail=unread.detail, candidates=unread.candidates,
                ))


# --- sentences -------------------------------------------------------------------------------------

_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;])\s+(?=[\"“«(]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ(])")
_ABBREVIATIONS = re.compile(
    r"(?:\bNo|\bNos|\bp|\bpp|\bSt|\bMr|\bMrs|\bMs|\bDr|\bart|\bpara|\bvol|\bpt|\bi\.e|\be\.g|\betc|\bг|\bгг|\bст|\bп|\bт\.е|\bсм|\bт|\bж)\.$",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    page: int
    block: int  # index of the block it came from


def sentences(blocks: list[Block]) -> list[Sentence]:
    """The sentences of prose blocks, in order, with their page; tables are not prose.

    A paragraph cut by a page break or by a line a layout set apart (a symbol alone on a line:
    "SOC/2024-I/DEC/2).") is joined again first: it does not end a sentence, and what follows
    starts in lower case or with a symbol.
    """
    pieces: list[tuple[str, int, int]] = []
    for index, block in enumerate(blocks):
        if block.kind == "table" or not block.text:
            continue
        text = squash(strip_markup(block.text))
        if pieces and block.kind == "paragraph" and not pieces[-1][0].endswith((".", ";", ":", "!", "?", "»", "”")) \
                and (text[:1].islower() or DOCUMENT_SYMBOL_RE.match(text)) and blocks[pieces[-1][2]].kind == "paragraph":
            previous, page, first = pieces[-1]
            pieces[-1] = (f"{previous} {text}", page, first)
            continue
        pieces.append((text, block.page, index))
    found: list[Sentence] = []
    for text, page, index in pieces:
        parts = _SENTENCE_SPLIT_RE.split(text)
        merged: list[str] = []
        for part in parts:
            if merged and _ABBREVIATIONS.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {part}"
            else:
                merged.append(part)
        found.extend(Sentence(part, page, index) for part in merged if part.strip())
    return found
