"""Segmentation: a read circular into its cover note and the documents it encloses.

A document is found by its heading ("DECISIONS OF ...", "DECISION OF ...", "DRAFT
DECISION ...", or a plan/budget/amendments heading that is no decision's annex). It
starts where its preamble starts: walking back from the heading over letterheads,
symbol and date lines, body names, rules and distribution notes (also back across a
page break: a preamble may start at the foot of a page), never across a table, a list,
a sentence or a cover note's addressees. Everything before the first document is the cover
note, whose language versions are told apart by script.

A decision whose annex is a plan, a budget or plan amendments stays one document (it
carries the annex table) and is filed under the annex's kind (`plan`, `budget`,
`amendment`), so the documents table says what it holds; `annex_kind` keeps the same.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from circulars.reading.segment_lines import (  # noqa: F401  (re-exported: the line kinds are segmentation's vocabulary)
    ACTOR_LINE_RE,
    ADDRESSEE_RE,
    ADOPTED_BY_SILENCE_RE,
    DISTRIBUTION_RE,
    ENCLOSURE_PAGES_RE,
    MEETING_DATE_RE,
    SILENCE_OPENED_RE,
    TITLE_START_RE,
    _letters,
    _starts_document,
    _text,
    date_line,
    is_addressee,
    is_body_line,
    is_letterhead,
    is_preamble,
    is_reference_line,
    is_symbol_line,
    is_uppercase,
)
from circulars.reading.vocabulary import (
    DOCUMENT_SYMBOL_RE,
    NOTE_SYMBOL_RE,
    SILENCE_RE,
    SYMBOL_KINDS,
    FoundDate,
    body_named,
    column_role,
    detect_language,
    find_dates,
    heading_kind,
    normalise_symbol,
    place_before,
    squash,
)
from models.document import Block, ReadDocument


class CoverVersion(BaseModel):
    """The cover note in one language."""

    model_config = ConfigDict(frozen=True)

    language: str
    place: str | None = None
    issued_on: date | None = None
    addressees: str | None = None
    enclosure_pages: int | None = None
    blocks: list[Block] = Field(default_factory=list)


class CoverNote(BaseModel):
    """The note verbale that forwards the enclosed documents; its versions are one note."""

    model_config = ConfigDict(frozen=True)

    symbol: str | None = None
    place: str | None = None
    issued_on: date | None = None
    languages: list[str] = Field(default_factory=list)
    addressees: str | None = None
    enclosure_pages: int | None = None
    subject: str | None = None
    page: int = 1
    versions: list[CoverVersion] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)


class EnclosedDocument(BaseModel):
    """One enclosed document: its identity and its blocks (preamble, heading, body, annex)."""

    model_config = ConfigDict(frozen=True)

    position: int = Field(description="0-based order among the enclosed documents")
    page: int = Field(description="page where its symbol is printed (its heading's page if it has none)")
    symbol: str | None
    kind: str
    body: str | None
    heading: str
    title: str | None
    place: str | None
    issued_on: date | None
    meeting_on: date | None
    language: str
    under_silence: bool = False
    blocks: list[Block]
    heading_index: int = Field(description="index in `blocks` of the document's heading")
    annex_kind: str | None = None
    annex_title: str | None = None
    annex_index: int | None = Field(default=None, description="index in `blocks` of the annex table")


class SegmentedCircular(BaseModel):
    model_config = ConfigDict(frozen=True)

    cover: CoverNote
    documents: list[EnclosedDocument]


# --- block classification: circulars/reading/segment_lines.py ---------------------------------------



# --- anchors ------------------------------------------------------------------------


def _anchor_kind(block: Block) -> str | None:
    if block.kind not in ("paragraph", "heading"):
        return None
    text = _text(block)
    if len(text) > 200 or not (block.kind == "heading" or block.bold or is_uppercase(text)):
        return None
    return heading_kind(text)


def _note_number(block: Block) -> str | None:
    if block.kind not in ("paragraph", "heading"):
        return None
    if is_reference_line(block):
        return None
    match = NOTE_SYMBOL_RE.match(block.text.strip())
    return normalise_symbol(match.group("symbol")) if match else None


def _anchors(blocks: list[Block]) -> list[tuple[int, str]]:
    """(index, kind) of every document heading; a plan/budget/amendment heading inside an open decision is its annex.

    A note number other than the cover note's own (an enclosed note of a member state,
    "No. AST/POL/112/2024") opens a document of kind `other`.
    """
    anchors: list[tuple[int, str]] = []
    open_kind: str | None = None
    annexed = False
    cover_number: str | None = None
    for index, block in enumerate(blocks):
        number = _note_number(block)
        if number and cover_number is None:
            cover_number = number
        elif number and number != cover_number:
            anchors.append((index, "other"))
            open_kind, annexed = "other", False
            continue
        kind = _anchor_kind(block)
        if kind is None:
            if block.kind == "table" and open_kind in ("decision", "draft_decision"):
                annexed = True
            continue
        if kind in ("plan", "budget", "amendment") and open_kind in ("decision", "draft_decision") and not annexed:
            annexed = True
            continue
        if kind in ("plan", "budget", "amendment") and open_kind == kind and not annexed:
            continue
        anchors.append((index, kind))
        open_kind, annexed = kind, False
    return anchors


def _document_start(blocks: list[Block], anchor: int, floor: int) -> int:
    """Where the preamble before a heading starts (see the module docstring)."""
    start = anchor
    j = anchor - 1
    while j >= floor:
        block = blocks[j]
        if is_addressee(block) or not is_preamble(block):
            break
        start = j
        j -= 1
    strong = [k for k in range(start, anchor) if _starts_document(blocks[k])]
    return strong[0] if strong else start


# --- segmentation ---------------------------------------------------------------------


def _set_apart(blocks: list[Block]) -> list[Block]:
    """Lines a layout ran together that are blocks of their own: a document heading ("DECISION OF
    THE ...") inside a block of bold or capital lines, and, in a block of short lines such as a
    letterhead, a symbol line or a place-and-date line. A producer that sets them in one style at
    one spacing (a browser, a word processor) would otherwise hide a document's start."""
    out: list[Block] = []
    for block in blocks:
        lines = block.text.split("\n") if block.kind in ("paragraph", "heading") else []
        if len(lines) < 2:
            out.append(block)
            continue
        short = len(lines) <= 8 and all(len(line) <= 90 for line in lines)
        styled = block.bold or block.kind == "heading" or is_uppercase(block.text)
        cuts: set[int] = set()
        for k, line in enumerate(lines):
            probe = Block(kind="paragraph", page=block.page, text=line)
            heading = heading_kind(line) is not None and is_uppercase(line)
            found = date_line(probe) if short and styled else None
            dated = found is not None and place_before(line.strip(), found) is not None
            marker = short and styled and (is_symbol_line(probe) or dated)
            if marker:
                cuts.update({k, k + 1})
            elif heading:
                # a heading starts a block; a title after it in ordinary case ("on the Budget ...") is its own
                # block, a heading's second line in capitals ("MEASURES FOR 2024") stays with it
                cuts.add(k)
                if k + 1 < len(lines) and any(c.islower() for c in lines[k + 1]):
                    cuts.add(k + 1)
        cuts = {k for k in cuts if 0 < k < len(lines)}
        if not cuts:
            out.append(block)
            continue
        bounds = [0, *sorted(cuts), len(lines)]
        for a, b in zip(bounds, bounds[1:]):
            text = "\n".join(lines[a:b])
            kind = "heading" if block.kind == "heading" and heading_kind(text) else "paragraph"
            out.append(block.model_copy(update={"text": text, "kind": kind}))
    return out


def segment(doc: ReadDocument) -> SegmentedCircular:
    """Split a read circular into its cover note and enclosed documents, in reading order."""
    blocks = _set_apart(doc.blocks)
    anchors = _anchors(blocks)
    starts: list[int] = []
    floor = 0
    for index, _ in anchors:
        starts.append(_document_start(blocks, index, floor))
        floor = index + 1
    cover_end = starts[0] if starts else len(blocks)
    documents = [
        _document(position, blocks[start:end], anchor - start, kind)
        for position, ((anchor, kind), start, end) in enumerate(
            zip(anchors, starts, (starts[1:] + [len(blocks)]) if starts else [], strict=True)
        )
    ]
    return SegmentedCircular(cover=_cover(blocks[:cover_end]), documents=documents)


# --- the cover note -------------------------------------------------------------------


def _is_prose(block: Block) -> bool:
    return block.kind in ("paragraph", "list_item") and len(block.text.split()) >= 8


def _cover(blocks: list[Block]) -> CoverNote:
    languages: list[str] = []
    for block in blocks:
        language = detect_language(block.text) if _is_prose(block) else None
        if language and language not in languages:
            languages.append(language)
    if not languages:
        for block in blocks:
            language = detect_language(block.text)
            if language and language not in languages:
                languages.append(language)

    by_language: dict[str, list[Block]] = {language: [] for language in languages}
    current = languages[0] if languages else None
    for block in blocks:
        language = detect_language(block.text) if block.kind != "rule" else None
        if language in by_language and (_is_prose(block) or not is_letterhead(block)):
            current = language
        if current is not None:
            by_language[current].append(block)
    versions = [_version(language, by_language[language]) for language in languages]

    # the note's own number; a reference mark ("Reference: DOC/1497") only when the note prints no other
    # (a number line is short: "No. DOC/1497" inside a sentence is a note the text speaks of)
    lines = [line for b in blocks if b.kind in ("paragraph", "heading") for line in b.text.split("\n") if len(line) <= 80]
    numbers = [m for line in lines for m in NOTE_SYMBOL_RE.finditer(line)] or \
        [m for b in blocks for m in NOTE_SYMBOL_RE.finditer(b.text)]
    chosen = next((m for m in numbers if not m.group("reference")), numbers[0] if numbers else None)
    symbol = normalise_symbol(chosen.group("symbol")) if chosen else None
    first = next((v for v in versions if v.issued_on), None)
    return CoverNote(
        symbol=symbol,
        place=first.place if first else None,
        issued_on=first.issued_on if first else None,
        languages=languages,
        addressees=next((v.addressees for v in versions if v.addressees), None),
        enclosure_pages=next((v.enclosure_pages for v in versions if v.enclosure_pages), None),
        subject=_subject(blocks),
        page=blocks[0].page if blocks else 1,
        versions=versions,
        blocks=blocks,
    )


def _version(language: str, blocks: list[Block]) -> CoverVersion:
    issued_on = place = addressees = None
    pages = None
    dated_at = None
    for index, block in enumerate(blocks):
        found = date_line(block)
        if found and issued_on is None and not is_symbol_line(block):
            issued_on, place, dated_at = found.value, place_before(block.text.strip(), found), index
        elif found and place is None and found.value == issued_on:
            # "Исх. №DOC/1519 от 27.02.2024" dates the note; "Астана, 27 февраля 2024 г." says where
            place = place_before(block.text.strip(), found)
        if pages is None and (match := ENCLOSURE_PAGES_RE.search(block.text)):
            pages = int(next(g for g in match.groups() if g))
    candidates = [b for b in blocks if is_addressee(b)]
    if not candidates and dated_at is not None:
        candidates = [b for b in blocks[dated_at + 1:] if is_uppercase(b.text)]
    if candidates:
        addressees = _text(candidates[0])
    return CoverVersion(language=language, place=place, issued_on=issued_on, addressees=addressees,
                        enclosure_pages=pages, blocks=blocks)


_FORWARD_RE = re.compile(r"has\s+the\s+honou?r\s+to\s+(?:forward|transmit|circulate|inform|enclose)\w*\s+(.*)", re.I)


def _subject(blocks: list[Block]) -> str | None:
    for block in blocks:
        match = _FORWARD_RE.search(_text(block))
        if match:
            return re.split(r"(?<=[a-z)\d])\.\s", match.group(1) + " ", maxsplit=1)[0].strip().rstrip(".")
    return None


# --- enclosed documents -------------------------------------------------------------------


def _document(position: int, blocks: list[Block], heading_index: int, kind: str) -> EnclosedDocument:
    preamble = blocks[:heading_index]
    heading = _text(blocks[heading_index])
    symbol, page = next(((s, b.page) for b in preamble if (s := _symbol_of(b))), (None, blocks[heading_index].page))
    if symbol is None:
        symbol = _symbol_of(blocks[heading_index]) or _note_number(blocks[heading_index])
    symbol_match = DOCUMENT_SYMBOL_RE.match(symbol) if symbol else None
    symbol_kind = SYMBOL_KINDS.get(symbol_match.group("kind")) if symbol_match else None
    under_silence = any(SILENCE_OPENED_RE.search(squash(b.text)) and not ADOPTED_BY_SILENCE_RE.search(squash(b.text))
                        for b in preamble)
    if kind == "decision" and (symbol_kind == "draft_decision" or under_silence):
        kind = "draft_decision"
    if kind not in ("decision", "draft_decision", "decision_list", "corrigendum") and symbol_kind in ("decision", "draft_decision"):
        kind = symbol_kind
    body = symbol_match.group("body") if symbol_match else None
    if kind != "other":
        body = body or next((b for block in preamble + [blocks[heading_index]] if (b := body_named(block.text))), None)

    issued_on, place, line_dates = _preamble_dates(preamble if kind != "other" else blocks)
    meeting_on = _meeting_date(blocks, heading_index) if kind == "decision_list" else None
    if meeting_on is None and kind in ("decision", "decision_list"):
        meeting_on = next((found.value for b, found in line_dates if place_before(b.text.strip(), found)), None)
    title = None if kind == "other" else _title(blocks, heading_index) if kind != "decision_list" else heading
    annex_kind, annex_title, annex_index = _annex(blocks, heading_index, kind, heading, title)
    if kind == "decision" and annex_kind:
        kind = annex_kind  # a decision whose annex is a plan/budget/amendments is filed as that (see module doc)
    return EnclosedDocument(
        position=position,
        symbol=symbol,
        kind=kind,
        body=body,
        heading=heading,
        title=title or (heading if kind != "other" else None),
        place=place,
        issued_on=issued_on,
        meeting_on=meeting_on,
        page=page,
        language=detect_language(heading) or "en",
        under_silence=under_silence or kind == "draft_decision",
        blocks=blocks,
        heading_index=heading_index,
        annex_kind=annex_kind,
        annex_title=annex_title,
        annex_index=annex_index,
    )


def _symbol_of(block: Block) -> str | None:
    if block.kind not in ("paragraph", "heading"):
        return None
    for line in block.text.split("\n"):
        match = DOCUMENT_SYMBOL_RE.match(line.strip())
        if match:
            return normalise_symbol(match.group(0))
    return None


def _preamble_dates(preamble: list[Block]) -> tuple[date | None, str | None, list[tuple[Block, FoundDate]]]:
    """The issue date (a symbol's date line first, else the first place-and-date line) and the place."""
    line_dates: list[tuple[Block, FoundDate]] = []
    for block in preamble:
        for line in block.text.split("\n"):
            probe = Block(kind="paragraph", page=block.page, text=line)
            found = date_line(probe)
            if found and not SILENCE_RE.search(block.text):
                line_dates.append((probe, found))
    place = next((p for b, found in line_dates if (p := place_before(b.text.strip(), found))), None)
    symbol_dated = [found.value for b, found in line_dates if not place_before(b.text.strip(), found)]
    issued_on = symbol_dated[0] if symbol_dated else (line_dates[0][1].value if line_dates else None)
    return issued_on, place, line_dates


def _meeting_date(blocks: list[Block], heading_index: int) -> date | None:
    """The meeting's date from "at its meeting in Astana on 12 December 2023"."""
    for block in blocks[heading_index: heading_index + 4]:
        if block.kind != "paragraph":
            continue
        text = _text(block)
        for match in MEETING_DATE_RE.finditer(text):
            dates = [d for d in find_dates(text) if 0 <= d.start - match.end() <= 80]
            if dates:
                return dates[0].value
    return None


def _title(blocks: list[Block], heading_index: int) -> str | None:
    """The words after a decision's heading: "on the CICA Plan of ... for 2024" (over several lines)."""
    parts: list[str] = []
    for block in blocks[heading_index + 1:]:
        text = _text(block)
        if block.kind not in ("paragraph", "heading") or not text or heading_kind(text):
            break
        if not parts:
            if not (TITLE_START_RE.match(text) or (block.bold and not ACTOR_LINE_RE.match(text))):
                break
        elif not (block.bold and blocks[heading_index + 1].bold) or ACTOR_LINE_RE.match(text):
            break
        parts.append(text)
        if len(" ".join(parts)) > 400:
            break
    return " ".join(parts) or None


AMENDING_TITLE_RE = re.compile(r"\b(?:amend\w*|changes?\s+to|correct\w*|изменени\w*|исправлени\w*|поправк\w*|өзгеріс\w*)", re.I)


def _annex(blocks: list[Block], heading_index: int, kind: str, heading: str,
           title: str | None = None) -> tuple[str | None, str | None, int | None]:
    """A decision's annexed plan, budget or amendments: (kind, heading, table index). A table in a decision
    "on amendments to the Plan" is the amendments (or an item written out), never a new plan."""
    annex_kind = annex_title = None
    if kind in ("plan", "budget", "amendment"):
        annex_kind, annex_title = kind, heading
    elif kind == "decision" and AMENDING_TITLE_RE.search(title or ""):
        annex_kind, annex_title = "amendment", title
    for index in range(heading_index + 1, len(blocks)):
        block = blocks[index]
        if block.kind == "table":
            if annex_kind is None:
                annex_kind = _table_kind(block)
            return (annex_kind, annex_title, index) if annex_kind else (None, None, None)
        found = _anchor_kind(block)
        if found in ("plan", "budget", "amendment") and annex_kind is None:
            annex_kind, annex_title = found, _text(block)
    if annex_kind == "amendment":
        return annex_kind, annex_title, None
    return None, None, None


def _table_kind(block: Block) -> str | None:
    roles = {column_role(cell) for cell in block.header or []}
    if "change" in roles or "new_timing" in roles:
        return "amendment"
    if "organizers" in roles or "timing" in roles:
        return "plan"
    if "amount" in roles:
        return "budget"
    return None
