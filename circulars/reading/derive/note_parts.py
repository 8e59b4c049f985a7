"""The parts of a note's sentences the notice reader works with: which sentences operate, their clauses and
the drafts they mention, the totals a correction states, the deadline a note gives, outcome-cell and memo
phrases. Used by `notices.NoticeReader`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from circulars.reading import lexicon
from circulars.reading.derive.base import END_OF_DAY, Sentence, Statement
from circulars.reading.derive.mentions import (
    ITEM_REF_RE,
    is_draft,
    parse_deadline,
    subject_similarity,
    symbol_series,
)
from circulars.reading.vocabulary import (
    DOCUMENT_SYMBOL_RE,
    SILENCE_BROKEN_RE,
    SILENCE_CONCLUDED_RE,
    SILENCE_EXTENDED_RE,
    SILENCE_RE,
    detect_language,
    find_document_symbols,
    normalise_symbol,
)

CONDITIONAL_RE = lexicon.pattern("conditional")
SILENCE_OPENED_RE = lexicon.pattern("silence_opened")
EXPIRY_RE = re.compile(r"\bexpir(?:ed|es)\b|\bended\b|\bcame\s+to\s+an\s+end\b|истек\w*|заверши\w*|аяқтал\w*", re.I)
PLURAL_DRAFTS_RE = re.compile(r"\bdraft\s+decisions\b|\bdrafts\b|\bthe\s+decisions\b|проект\w*\s+решений|шешімдер\w*\s+жобалары", re.I)
FORWARDING_RE = lexicon.pattern("forwarding")
OPERATIVE_RE = lexicon.pattern("operative")
CORRIGENDUM_RE = lexicon.pattern("corrigendum")
ACCORDINGLY_RE = lexicon.pattern("corrected_accordingly")


def _operative_language(note_sentences: list[Sentence]) -> str | None:
    """The language a note is read in: English if it says something operative in English, else Russian,
    else Kazakh (the other versions say the same and are translations, not statements of their own)."""
    found = {detect_language(s.text) for s in note_sentences if is_operative(s.text) or CONDITIONAL_RE.search(s.text)}
    for language in ("en", "ru", "kk"):
        if language in found:
            return language
    return None


_CURRENCY = lexicon.data()["currency_affix"]["all"]
SUM_OF_MONEY_RE = re.compile(rf"(?:{_CURRENCY})\s*\d|\d[\d,.\u00a0\u202f ]*\s*(?:{_CURRENCY})", re.I)
"""A sum of money, currency before or after ("USD 33,677", "33 677 долларов США")."""
FIGURE_REFERENCE_RE = lexicon.pattern("figure_reference")
"""A numbered budget section or line ("Section VI"). With a sum of money or a plan item (`ITEM_REF_RE`),
structural evidence that a sentence speaks of a recorded fact whatever its verb: never skipped unread."""


def is_operative(text: str) -> bool:
    """Does a sentence change what stands, or announce what will (a silence procedure's condition)? A
    sentence naming a document symbol, a sum of money, or a numbered plan item or budget section counts
    too: what a note says of a document or of a recorded figure is never skipped unread, whatever verb it
    uses ("is raised", "has been moved"). Courtesy and mere forwarding do not."""
    named = bool(find_document_symbols(text) or SUM_OF_MONEY_RE.search(text) or FIGURE_REFERENCE_RE.search(text)
                 or ITEM_REF_RE.search(text))
    if not (OPERATIVE_RE.search(text) or speaks_of_silence_or_change(text) or named):
        return False
    return not (FORWARDING_RE.search(text) and not speaks_of_silence_or_change(text))


def _speaks_of_silence(text: str) -> bool:
    return bool(SILENCE_RE.search(text) or SILENCE_CONCLUDED_RE.search(text) or SILENCE_BROKEN_RE.search(text)
                or SILENCE_EXTENDED_RE.search(text))




def speaks_of_silence_or_change(text: str) -> bool:
    return bool(
        SILENCE_RE.search(text) or SILENCE_CONCLUDED_RE.search(text) or SILENCE_BROKEN_RE.search(text)
        or SILENCE_EXTENDED_RE.search(text) or CORRIGENDUM_RE.search(text)
    )


@dataclass
class Clause:
    """The part of a sentence up to one symbol: what it says of that symbol."""

    symbol: str | None
    text: str


def clauses(text: str) -> list[Clause]:
    """Split a sentence at each document symbol it names (with the words leading up to it)."""
    found = list(DOCUMENT_SYMBOL_RE.finditer(text))
    if not found:
        return [Clause(None, text)]
    parts: list[Clause] = []
    start = 0
    for match in found:
        end = match.end()
        if text[end: end + 1] == ")":
            end += 1
        parts.append(Clause(normalise_symbol(match.group(0)), text[start:end]))
        start = end
    if parts and text[start:].strip(" .,;"):
        tail = text[start:]
        parts[-1] = Clause(parts[-1].symbol, parts[-1].text + tail)
    return parts


@dataclass
class Mention:
    """A draft or an adopted decision named in a concluding sentence."""

    symbol: str | None
    subject: str | None
    body: str | None
    statement: Statement
    sentence: Sentence
    adopted_as: str | None = None


_PAIRS_SPLIT = re.compile(r"\s*(?:[;,]\s*|\s)(?:and\s+|и\s+)?(?=(?:for|instead\s+of|вместо)\s)", re.I)
"""Where a line of corrections starts its next "for ... read ..." pair."""

_AMENDS = re.compile(r"\bamend|\brevis|внес\w*\s+(?:следующие\s+)?изменени|изменени\w*\s+в\s|өзгеріс|өзгерт", re.I)
_CORRECTS = re.compile(r"correct|corrigend|исправлен|опечатк|түзет", re.I)
"""An amendment changes a document from its own date on; a corrigendum says what it always said."""

_TOTALS_SET = re.compile(
    r"(?P<what>(?:the\s+)?(?:sub-?\s*total|grand\s+total|total)(?:\s+and\s+(?:the\s+)?(?:sub-?\s*total|grand\s+total|total))?)"
    r"\s+(?:is|are|shall\s+be|be|should\s+be)\s+(?:amended|corrected|changed|adjusted|set)\s+to\s+"
    r"(?P<amounts>\d[\d,.\s\u00a0]*\d(?:\s+and\s+\d[\d,.\s\u00a0]*\d)?)",
    re.I,
)


def stated_totals(text: str) -> dict[str, int]:
    """"the Total and the Grand total are amended to 4,745,323 and 4,769,000 respectively" → both, by kind."""
    from circulars.reading.vocabulary import parse_amount

    found: dict[str, int] = {}
    for match in _TOTALS_SET.finditer(text):
        kinds = ["grand_total" if "grand" in part.lower() else "total"
                 for part in re.split(r"\s+and\s+", match.group("what"), flags=re.I)]
        amounts = [parse_amount(a) for a in re.split(r"\s+and\s+", match.group("amounts").strip())]
        for kind, amount in zip(kinds, amounts):
            if amount is not None:
                found[kind] = amount
    return found


def accordingly_kinds(text: str) -> list[str]:
    """Which totals a corrigendum says are corrected accordingly: ["total", "grand_total"]."""
    lower = text.lower()
    kinds: list[str] = []
    if re.search(r"grand\s+total|всего|общ\w*\s+итог\w*|барлығы", lower):
        kinds.append("grand_total")
    if re.search(r"(?<!grand\s)\b(?:sub-?\s*)?total\b|\bitog|итог|жиыны", re.sub(r"grand\s+total", "", lower)):
        kinds.append("total")
    if re.search(r"\btotals\b", lower) or not kinds:
        kinds = ["total", "grand_total"]
    return kinds


MEMO_SUBJECT_RE = re.compile(r"(?:^|\s)(?:Subject|Subj\.|Re|Тема|Предмет|Тақырыбы)\s*:\s*(?P<subject>.{8,})$", re.I)
OUTCOME_KEPT_RE = lexicon.pattern("outcome_cell_kept")
OUTCOME_BROKEN_RE = lexicon.pattern("outcome_cell_broken")
DEADLINE_OR_DATE_RE = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\b\d{1,2}\s+\w+\s+\d{4}|\b\d{4}-\d{2}-\d{2}\b|\d{1,2}[:.]\d{2}")
"""A cell that prints a date or a time of day (a deadline's cell, not a subject)."""


def _note_deadline(note_sentences: list[Sentence]) -> tuple[datetime, str] | None:
    """The one deadline a note's sentences about the silence procedure give with a time of day, if one."""
    found = set()
    for sentence in note_sentences:
        if SILENCE_RE.search(sentence.text) or re.search(r"deadline|срок|мерзім|дейін|expir|истек", sentence.text, re.I):
            deadline = parse_deadline(sentence.text)
            if deadline and deadline[0].timetz().replace(tzinfo=None) != END_OF_DAY:
                found.add(deadline)
    return next(iter(found)) if len(found) == 1 else None


def _body_of(symbol: str | None) -> str | None:
    series = symbol_series(symbol) if symbol else None
    return series[0] if series else None


_RESPECTIVELY = re.compile(r"\brespectively\b|соответственно|тиісінше", re.I)


def _respectively(text: str, parts: list[Clause]) -> bool:
    """Do drafts and new symbols pair in the order printed ("... as C and D respectively")? Only when the
    sentence says so, names as many of each, every draft before every new symbol, and each pair shares a body."""
    if not _RESPECTIVELY.search(text):
        return False
    kinds = [is_draft(c.symbol) for c in parts]
    drafts = [c.symbol for c in parts if is_draft(c.symbol)]
    news = [c.symbol for c in parts if not is_draft(c.symbol)]
    if len(drafts) < 2 or len(drafts) != len(news) or kinds != sorted(kinds, reverse=True):
        return False
    return all(symbol_series(d)[0] == symbol_series(n)[0] for d, n in zip(drafts, news))


def _partner(mention: Mention, drafts: list[Mention]) -> Mention | None:
    """The draft an adopted symbol was adopted from: same series, else the one subject that matches."""
    series = symbol_series(mention.symbol) if mention.symbol else None
    same = [d for d in drafts if series and symbol_series(d.symbol) == series]
    if len(same) == 1:
        return same[0]
    pool = same or [d for d in drafts if series and symbol_series(d.symbol)[:2] == series[:2]] or drafts
    scored = [(subject_similarity(mention.subject, d.subject) or 0.0, d) for d in pool]
    good = [d for score, d in scored if score >= 0.5]
    if len(good) == 1:
        return good[0]
    if len(pool) == 1 and (series is None or symbol_series(pool[0].symbol)[0] == series[0]):
        return pool[0]
    return None
