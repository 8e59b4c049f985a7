"""What a sentence says about documents: symbols, subjects, bodies, states, deadlines and dates.

Pure functions over a sentence's text; the notice and decision readers combine them into
events, and the linker uses `subject_words`/`subject_similarity` to weigh evidence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from circulars.reading import lexicon
from circulars.reading.derive.base import ASTANA, END_OF_DAY
from circulars.reading.vocabulary import (
    DEADLINE_RE,
    DOCUMENT_SYMBOL_RE,
    NOTE_SYMBOL_RE,
    body_named,
    find_dates,
    normalise_symbol,
    parse_time,
    squash,
    timezone_named,
)


def symbol_kind(symbol: str) -> str | None:
    match = DOCUMENT_SYMBOL_RE.match(symbol)
    return match.group("kind") if match else None


def symbol_series(symbol: str) -> tuple[str, str, str | None] | None:
    """(body, year, session) of a symbol: what a draft and the decision it became share."""
    match = DOCUMENT_SYMBOL_RE.match(symbol)
    return (match.group("body"), match.group("year"), match.group("session")) if match else None


def is_draft(symbol: str) -> bool:
    return symbol_kind(symbol) == "DRAFT"


# --- subjects ---------------------------------------------------------------------------------------

_SUBJECT_RES = [
    re.compile(
        r"\b(?:draft\s+)?(?:[\w-]+\s+){0,3}?decisions?\b(?:\s+(?:of|by)\s+the\s+[^,;()]{2,60}?(?:\s*\([^)]*\))?)?"
        r"\s*,?\s+(?:on|about|regarding|concerning|related\s+to|relating\s+to|entitled|titled|on\s+the\s+subject\s+of)\s+(?P<subject>.+)$",
        re.I,
    ),
    re.compile(r"\b(?:проект\w*\s+)?решени\w*\s+(?:[^\s,]+\s+){0,3}?(?:о|об|по)\s+(?P<subject>.+)$", re.I),
    re.compile(r"(?P<subject>.+?)\s+туралы\s+(?:\S+\s+){0,2}шешім", re.I),
]
_SUBJECT_END = re.compile(
    r"\s*\((?:document|документ|doc\.|symbol|ref)\b|\s*\((?=[A-Z]{2,}/)|\s*[,;]\s*(?:which|that|as|placed|circulated|submitted|"
    r"subject|under|with|has|have|is|are|was|were|and\s+the|and\s+to|подлежа|направленн|распространенн|который|которое|"
    r"считается|принят|и\s+проект)|\s+(?:placed|circulated|submitted|sent|is\s+considered|are\s+considered|has\s+been|"
    r"have\s+been|was|were|is|are|shall|will|expired|expires|ended|under\s+(?:the\s+)?silence|through\s+(?:the\s+)?silence|by\s+silence|"
    r"считается|считаются|принят\w*|подлежащ\w*|подлежавш\w*|направленн\w*|распространенн\w*|перенес\w*|продл\w*|"
    r"прерван\w*|нарушен\w*|утвержд[её]н\w*|завершил\w*|истек\w*)\b|[.;]$",
    re.I,
)


def subject_in(text: str) -> str | None:
    """What a decision or draft named in `text` is about: "partnership relations with the UNOCT"."""
    for pattern in _SUBJECT_RES:
        match = pattern.search(text)
        if match:
            subject = match.group("subject")
            cut = _SUBJECT_END.search(subject)
            if cut:
                subject = subject[: cut.start()]
            subject = subject.strip(" ,.;:\"“”«»'")
            if len(subject.split()) >= 2:
                return subject
    return None


_STOP = set(
    """the of on for a an and in to with by at from as its their this that decision decisions draft document
    documents no concerning regarding about cica conference interaction confidence building
    measures asia о об по и в с на к для от решение решения решении проект проекта документ документа свмда
    туралы шешім шешімі жобасы және""".split()
)


def subject_words(text: str) -> set[str]:
    """Content words of a subject, cut to their first five letters (so inflections and plurals meet),
    plus the acronyms its capitalised names make ("United Nations Office of Counter-Terrorism" → unoct)."""
    words = re.findall(r"[\w-]+", text.lower())
    found = {w[:5] for w in words if w not in _STOP and not w.isdigit() and len(w) > 1}
    return found | _acronyms(text)


def _acronyms(text: str) -> set[str]:
    """Initials of each run of capitalised words (small words inside a run are skipped)."""
    found: set[str] = set()
    run: list[str] = []
    for word in re.findall(r"[^\W\d_]+", text) + [""]:
        if word[:1].isupper() and not word.isupper():
            run.append(word[0].lower())
        elif word.lower() in ("of", "the", "and", "for", "on") and run:
            continue
        else:
            if len(run) >= 3:
                found.add("".join(run)[:5])
            run = []
    return found


def subject_similarity(a: str | None, b: str | None) -> float | None:
    """Share of the shorter subject's content words found in the other; None if either is missing or
    they are written in different scripts (no word can then be shared: that is no evidence either way)."""
    if not a or not b:
        return None
    if _script(a) != _script(b):
        return None
    wa, wb = subject_words(a), subject_words(b)
    if not wa or not wb:
        return None
    return len(wa & wb) / min(len(wa), len(wb))


def _script(text: str) -> str:
    latin = sum(1 for c in text if c.isalpha() and c < "\u0250")
    return "latin" if latin * 2 >= sum(1 for c in text if c.isalpha()) else "cyrillic"


# --- bodies, states, references -------------------------------------------------------------------------


def body_in(text: str) -> str | None:
    named = body_named(text)
    if named:
        return named
    match = re.search(r"\b(?:draft\s+)?(SOC|MC|SWG)\s+decision", text)
    return match.group(1) if match else None


@functools.cache
def _state_patterns() -> tuple[re.Pattern[str], ...]:
    states = lexicon.data()["states"]
    return tuple(re.compile(rf"(?<![\w-])(?:{name})(?![\w-])", re.I if not name.isupper() else 0)
                 for name in states["names"]) + (re.compile(states["generic"]),)


@dataclass(frozen=True)
class Found:
    text: str
    start: int
    end: int


def states_in(text: str) -> list[Found]:
    """Every state named in `text` (longest name at a position), in order; a state named as a place
    ("the Embassy of India in the Republic of Kazakhstan") is left out."""
    spans: list[Found] = []
    for pattern in _state_patterns():
        for match in pattern.finditer(text):
            spans.append(Found(match.group(0), match.start(), match.end()))
    spans.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Found] = []
    for span in spans:
        if kept and span.start < kept[-1].end:
            continue
        before = text[max(0, span.start - 4): span.start].lower()
        if re.search(r"\b(?:in|в|at)\s+$", before):
            continue
        kept.append(span)
    return kept


def without_article(name: str) -> str:
    return re.sub(r"^(?:the|The)\s+", "", squash(name))


def note_references(text: str, own: str | None) -> list[str]:
    """Notes a text refers to ("its note №DOC/1497 of 12 December 2023"), other than its own number."""
    found: list[str] = []
    for match in NOTE_SYMBOL_RE.finditer(text):
        symbol = normalise_symbol(match.group("symbol"))
        if symbol != own and symbol not in found and not DOCUMENT_SYMBOL_RE.fullmatch(symbol):
            found.append(symbol)
    for match in re.finditer(r"\b(?:note|ноте|нота|нотасы\w*|нотой)\s+(?:No\.?\s*|№\s*)?(DOC/\d{1,5})", text, re.I):
        symbol = match.group(1)
        if symbol != own and symbol not in found:
            found.append(symbol)
    return found


# --- deadlines and dates ----------------------------------------------------------------------------


def _deadline_at(text: str, found) -> tuple[datetime, str]:
    """The date `found` with its time of day: printed just after it ("26 December 2023, 12 noon by Astana
    time") or just before it ("18:00 hours (Astana time) on 7 March 2024", "до 12:00 по времени Астаны 5 марта")."""
    every = find_dates(text)
    later = [d for d in every if d.start > found.start]
    window = text[found.end: found.end + 60]
    if later and later[0].start - found.end < 60:
        window = window[: later[0].start - found.end]
    clock = parse_time(window)
    if clock is None:
        earlier = [d for d in every if d.end <= found.start]
        start = max(found.start - 60, earlier[-1].end if earlier else 0)
        before = text[start: found.start]
        if parse_time(before) is not None and not re.search(r"[.;]", before):
            window = before
            clock = parse_time(before)
    zone = timezone_named(window) if clock is not None else ASTANA
    return datetime.combine(found.value, clock or END_OF_DAY, ZoneInfo(zone)), zone


def parse_deadline(text: str) -> tuple[datetime, str] | None:
    """The deadline of a silence procedure: (aware local datetime, IANA zone), or None if none is stated.

    The date is the first one after a deadline word ("deadline", "срок", "до", "until");
    the time of day and its zone are read just after it ("12 noon by Astana time",
    "(18:00 by Astana time)"). A time given without a zone is Astana time; a date without
    a time runs to the end of the day. Kazakh "... дейін" follows its date.
    """
    text = squash(text)
    keyword = DEADLINE_RE.search(text)
    start = keyword.start() if keyword else 0
    every = find_dates(text)
    dates = [d for d in every if d.start >= start] or [d for d in every if d.start < start][-1:]
    if not dates:
        return None
    return _deadline_at(text, dates[0])


def deadline_after(text: str, position: int) -> tuple[datetime, str] | None:
    """The first date (with its time) after `position`: the new deadline after "extended until"."""
    text = squash(text)
    dates = [d for d in find_dates(text) if d.start >= position]
    if not dates:
        before = [d for d in find_dates(text) if d.start < position]
        if not before or not re.search(r"дейін|ұзарт", text[before[-1].end: position + 40]):
            return None
        dates = before[-1:]
    return _deadline_at(text, dates[0])


def date_on(text: str, *, before: int | None = None, skip: set[date] | None = None) -> date | None:
    """The date an act happened: "on 14 March 2024", "14 марта 2024 года Республика ..." (closest before
    `before` when given), leaving out dates in `skip` (a deadline restated in the sentence)."""
    dates = [d for d in find_dates(text) if not skip or d.value not in skip]
    if before is not None:
        earlier = [d for d in dates if d.end <= before]
        if earlier:
            return earlier[-1].value
    for found in dates:
        if re.search(r"\b(?:on|as\s+of|since|с|от)\s+$", text[max(0, found.start - 8): found.start], re.I):
            return found.value
    return None
