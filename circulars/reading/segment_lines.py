"""Kinds of line a circular's preamble is made of: letterheads, addressees, symbol, reference and date lines,
body names and distribution notes (used by `segment` to find where a document starts)."""

from __future__ import annotations

import re

from circulars.reading import lexicon
from circulars.reading.vocabulary import (
    DOCUMENT_SYMBOL_RE,
    NOTE_SYMBOL_RE,
    REFERENCE_LINE_RE,
    SILENCE_RE,
    FoundDate,
    body_named,
    find_dates,
    heading_kind,
    squash,
)
from models.document import Block

ADDRESSEE_RE = re.compile(
    r"MEMBER\s+STATES|ГОСУДАРСТВА[-\s]ЧЛЕНЫ|МҮШЕ\s+МЕМЛЕКЕТТЕР|MINISTRIES\s+OF\s+FOREIGN|МИНИСТЕРСТВАМ\s+ИНОСТРАННЫХ",
    re.IGNORECASE,
)
DISTRIBUTION_RE = re.compile(
    r"^(?:Distr\b|Distribution\b|Original\b|Restricted\b|Unofficial\s+translation|Chairmanship\s+of|"
    r"Председательство|Annex\b|Приложение\b|ENGLISH\b|RUSSIAN\b|Agenda\s+item)",
    re.IGNORECASE,
)
ENCLOSURE_PAGES_RE = re.compile(
    r"\bon\s+(\d{1,3})\s*(?:p|pp|pages?)\b\.?|\bна\s+(\d{1,3})\s*(?:л|стр)\b\.?|(\d{1,3})\s*(?:п|бет)\.",
    re.IGNORECASE,
)
MEETING_DATE_RE = re.compile(r"\b(?:meeting|session|заседани\w*|сесси\w*|отырыс\w*)\b", re.IGNORECASE)
ADOPTED_BY_SILENCE_RE = lexicon.pattern("adopted_by_silence_heading")
SILENCE_OPENED_RE = lexicon.pattern("silence_opened")
TITLE_START_RE = re.compile(r"^(?:on|concerning|regarding|о|об|по)\s", re.IGNORECASE)
ACTOR_LINE_RE = re.compile(r"^(?:The|Le|La)\s", re.IGNORECASE)


def _text(block: Block) -> str:
    return squash(block.text)


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def is_uppercase(text: str) -> bool:
    letters = _letters(text)
    return len(letters) >= 6 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


def is_addressee(block: Block) -> bool:
    """The addressees' block of a note, set in capitals: "MEMBER STATES OF THE CONFERENCE ..."."""
    text = _text(block)
    return (
        block.kind in ("paragraph", "heading")
        and len(text) < 300
        and is_uppercase(text)
        and bool(ADDRESSEE_RE.search(text))
    )


def is_letterhead(block: Block) -> bool:
    """An organisation's name set in capitals above a document (not a heading, not an addressee)."""
    text = _text(block)
    return (
        block.kind in ("paragraph", "heading")
        and is_uppercase(text)
        and len(text.split()) >= 3
        and not any(c.isdigit() for c in text)
        and heading_kind(text) is None
        and not is_addressee(block)
    )


def is_symbol_line(block: Block) -> bool:
    first = block.text.strip().split("\n", 1)[0].strip()
    return block.kind in ("paragraph", "heading") and not REFERENCE_LINE_RE.match(first) and bool(
        DOCUMENT_SYMBOL_RE.match(first) or NOTE_SYMBOL_RE.match(first)
    )


def is_reference_line(block: Block) -> bool:
    """"Reference: DOC/1497" under a note's number: another note it refers to."""
    return block.kind in ("paragraph", "heading") and bool(REFERENCE_LINE_RE.match(block.text.strip()))


def date_line(block: Block) -> FoundDate | None:
    """The date of a short line that is only a (place and) date: "Astana, 12 December 2023"."""
    if block.kind not in ("paragraph", "heading") or is_reference_line(block):
        return None
    text = block.text.strip()
    if len(text) > 120:
        return None
    dates = find_dates(text)
    if not dates:
        return None
    rest = text
    for found in reversed(dates):
        rest = rest[: found.start] + rest[found.end:]
    rest = DOCUMENT_SYMBOL_RE.sub("", NOTE_SYMBOL_RE.sub("", rest))
    return dates[0] if len(rest.split()) <= 4 else None


def is_body_line(block: Block) -> bool:
    """A short title-case line naming a body or chairmanship: "Senior Officials Committee"."""
    text = _text(block)
    if block.kind not in ("paragraph", "heading") or not text or len(text) > 80 or "\n" in block.text.strip():
        return False
    if ACTOR_LINE_RE.match(text) or text.endswith((".", ":", ";", ",")):
        return False
    words = text.split()
    if len(words) <= 10 and body_named(text) and not heading_kind(text):
        return True  # "Комитет старших должностных лиц": a body's name, written in sentence case in Russian and Kazakh
    small = {"of", "the", "and", "for", "on", "in", "to", "at"}
    return len(words) <= 10 and all(w[:1].isupper() or w.lower() in small or not w[:1].isalpha() for w in words)


def is_preamble(block: Block) -> bool:
    if block.kind == "rule":
        return True
    if block.kind not in ("paragraph", "heading") or heading_kind(block.text):
        return False
    text = _text(block)
    return (
        is_letterhead(block)
        or is_symbol_line(block)
        or is_reference_line(block)
        or date_line(block) is not None
        or is_body_line(block)
        or bool(DISTRIBUTION_RE.match(text))
        or (bool(SILENCE_RE.search(text)) and len(text) <= 300)
    )


def _starts_document(block: Block) -> bool:
    return block.kind == "rule" or is_letterhead(block) or is_symbol_line(block)
