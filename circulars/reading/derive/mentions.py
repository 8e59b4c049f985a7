"""What a sentence says about documents: symbols, subjects, bodies, states, deadlines and dates.

Pure functions over a sentence's text; the notice and decision readers combine them into
events, and the linker uses `subject_words`/`subject_similarity` to weigh evidence.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from circulars.reading import lexicon
from circulars.reading.derive.base import ASTANA, END_OF_DAY
from circulars.reading.periods import relative_period
from circulars.reading.vocabulary import (
    DEADLINE_RE,
    DOCUMENT_SYMBOL_RE,
    END_OF_DAY_RE,
    NOTE_SYMBOL_RE,
    SAME_TIME_RE,
    SILENCE_EXTENDED_RE,
    TIME_PRINTED_RE,
    TIME_RE,
    TIMEZONE_PHRASE_RE,
    body_named,
    find_dates,
    normalise_symbol,
    squash,
    time_of,
    zones_named,
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
    re.compile(r"\b(?:проект\w*\s+)?решени\w*\s+(?:[^\s,]+\s+){0,5}?(?:о|об|по)\s+(?P<subject>.+)$", re.I),
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


ITEM_REF_RE = re.compile(lexicon.expand(r"\b(?:{ITEM})\s*(?:No\.?\s*|№\s*)?\d{1,3}\b"), re.I)
"""A plan item named by its number: "item 12", "Item No. 3", "пункт № 5"."""


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


@dataclass(frozen=True)
class Deadline:
    """A deadline as printed: its day, its zone, and its time of day when the reader is sure of it.

    `local` is None when the time of day is that of the deadline being extended ("until
    6 March 2024, at the same hour": `same_time_as_before`, for the record to supply), or
    when a time of day or a zone is printed that the reader does not understand (`unread`
    says which); the end of the day is never put in its place. "Extended by one week" with
    no deadline stated in the sentence has no day either (`on` None, `extended_by_days` 7):
    the record's deadline plus the period, at its hour.
    """

    on: date | None
    zone: str
    local: datetime | None
    same_time_as_before: bool = False
    unread: str | None = None
    extended_by_days: int | None = None

    def pair(self) -> tuple[datetime, str] | None:
        return (self.local, self.zone) if self.local is not None else None


_AFTER = 80
"""How far after a date its time of day may be printed ("6 March 2024, 12.00 hrs Astana time (07:00 UTC)")."""
_BEFORE = 80
_CLAUSE_END = re.compile(r";|(?<![ap]\.m)(?<!\b[гчж])(?<!\bhrs)(?<!\bi\.e)(?<!\bNo)\.\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])")
_WEEKDAYS = (r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|понедельник|вторник|сред[аы]|среду|четверг|пятниц[аы]|пятницу"
             r"|суббот[аы]|субботу|воскресень[ея]|дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|жұма|сенбі|жексенбі")
_GAP = re.compile(
    r"(?:[\s,()\[\]\-–—]|\b(?:hours?|hrs?|h|o[’']clock|on|of|the|by|at|в|на|г|час\w*|ч|сағат\w*|бойынша|"
    + _WEEKDAYS + r")\b\.?)*",
    re.I,
)
"""What may stand between a time of day and the date it belongs to ("18:00 hours (Astana time) on 7 March")."""


def _zone_for(zones, span_start: int, span_end: int) -> tuple[str | None, str | None]:
    """(zone, unread reason) of the first zone phrase inside the span; (None, None) if none is named there."""
    for found in zones:
        if span_start <= found.start < span_end:
            if found.zone is None:
                return None, _unknown_zone(found.phrase)
            return found.zone, None
    return None, None


def _unknown_zone(phrase: str) -> str:
    if re.search(r"local|местн|жергілікті", phrase, re.I):
        return f"\"{phrase}\" does not say which place's time"
    return f"\"{phrase}\" is a time zone the reader does not know"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _attached(gap: str) -> bool:
    """Is a time of day printed just before a date its time ("до 18.00 (по времени Астаны) 5 марта")?"""
    bare = TIMEZONE_PHRASE_RE.sub(" ", gap)
    return len(gap) <= 60 and _GAP.fullmatch(bare) is not None


def _deadline_at(text: str, found) -> Deadline:
    """The date `found` with its time of day: printed just after it ("26 December 2023, 12 noon by Astana
    time") or just before it ("18:00 hours (Astana time) on 7 March 2024", "до 18.00 (по времени Астаны)
    5 марта"), or "at the same hour" as the deadline extended. A time of day or a zone printed there that
    the reader does not understand makes the deadline unread; no time printed is the end of the day."""
    every = find_dates(text)
    limit = min([found.end + _AFTER] + [d.start for d in every if d.start >= found.end])
    after = text[found.end:limit]
    cut = _CLAUSE_END.search(after)
    if cut:
        after = after[: cut.start()]
    start = max([found.start - _BEFORE, 0] + [d.end for d in every if d.end <= found.start])
    before = text[start: found.start]
    cuts = list(_CLAUSE_END.finditer(before))
    if cuts:
        before = before[cuts[-1].end():]
    after_zones, before_zones = zones_named(after), zones_named(before)

    def dated(clock: time, zone: str | None, unread: str | None) -> Deadline:
        if unread:
            return Deadline(found.value, zone or ASTANA, None, unread=f"the deadline {_day(found.value)}: {unread}")
        return Deadline(found.value, zone or ASTANA, datetime.combine(found.value, clock, ZoneInfo(zone or ASTANA)))

    clock = TIME_RE.search(after)
    same = SAME_TIME_RE.search(after)
    if clock is not None and (same is None or clock.start() < same.start()):
        zone, unread = _zone_for(after_zones, clock.start(), len(after))
        if zone is None and unread is None:
            zone, unread = _zone_for(after_zones, 0, clock.start())
        if zone is None and unread is None:
            abbreviation = re.match(r"\s*\(?([A-Z]{2,5})\)?(?!\w)", after[clock.end():])
            if abbreviation:
                unread = f"\"{abbreviation.group(1)}\" after the time is a time zone the reader does not know"
        return dated(time_of(clock), zone, unread)
    if same is not None:
        return Deadline(found.value, ASTANA, None, same_time_as_before=True)
    clocks = [m for m in TIME_RE.finditer(before) if _attached(before[m.end():])]
    if clocks:
        clock = clocks[-1]
        zone, unread = _zone_for(before_zones, clock.start(), len(before))
        if zone is None and unread is None:
            zone, unread = _zone_for(after_zones, 0, len(after))
        return dated(time_of(clock), zone, unread)
    if any(_attached(before[m.end():]) for m in SAME_TIME_RE.finditer(before)):
        return Deadline(found.value, ASTANA, None, same_time_as_before=True)
    zone, unread = _zone_for(after_zones, 0, len(after))
    if zone is None and unread is None:
        zone, unread = _zone_for([z for z in before_zones if _attached(before[z.end:])], 0, len(before))
    printed = [m for m in TIME_PRINTED_RE.finditer(after) if not END_OF_DAY_RE.search(after[max(0, m.start() - 20): m.end() + 20])]
    printed += [m for m in TIME_PRINTED_RE.finditer(before) if _attached(before[m.end():])]
    if printed and unread is None:
        unread = f"the time of day printed with it (\"{printed[0].group(0)}\") is not one the reader reads"
    return dated(END_OF_DAY, zone, unread)


def read_deadline(text: str) -> Deadline | None:
    """The deadline a text states: the first date after a deadline word ("deadline", "срок", "до",
    "until", "... дейін" after its date), with its time of day and zone; None if no date is stated."""
    text = squash(text)
    keyword = DEADLINE_RE.search(text)
    start = keyword.start() if keyword else 0
    every = find_dates(text)
    dates = [d for d in every if d.start >= start] or [d for d in every if d.start < start][-1:]
    if not dates:
        return None
    return _deadline_at(text, dates[0])


def parse_deadline(text: str) -> tuple[datetime, str] | None:
    """The deadline of a silence procedure: (aware local datetime, IANA zone), or None if none is stated
    or its time of day is not one the reader is sure of (see `read_deadline` for why).

    A time given without a zone is Astana time; a date without a time runs to the end of the day.
    """
    found = read_deadline(text)
    return found.pair() if found else None


def read_deadline_after(text: str, position: int) -> Deadline | None:
    """The first date (with its time) after `position`: the new deadline after "extended until".

    "At the same hour" takes the time of day (and zone) of the deadline the text states before
    `position` ("originally set for 28 February 2024 at 18:00 hours, ... extended until 6 March 2024
    at the same hour"); when the text states none, the Deadline says so, for the record to supply it.
    """
    text = squash(text)
    every = find_dates(text)
    period = relative_period(text, position, position + _PERIOD_REACH)
    if period is not None:
        return _moved_by(text, every, position, period)
    return _date_after(text, every, position)


_NEW_DEADLINE_WORD = re.compile(
    r"\b(?:until|till|to|through|up\s+to|by|deadline|expir\w*|ending|closing|до|по|на|срок\w*|мерзім\w*)\b", re.I)
_WHEN_DONE = re.compile(r"\b(?:on|dated|of|от)\s+(?:[^\W\d_]+,?\s+)?$", re.I)


def _date_after(text: str, every, position: int) -> Deadline | None:
    dates = [d for d in every if d.start >= position]
    if not dates:
        before = [d for d in every if d.start < position]
        if not before or not re.search(r"дейін|ұзарт", text[before[-1].end: position + 40]):
            return None
        dates = before[-1:]
    gap = text[position: dates[0].start]
    if dates[0].start >= position and _WHEN_DONE.search(gap[-30:]) and not _NEW_DEADLINE_WORD.search(gap) \
            and not re.search(r"дейін|ұзарт", text[dates[0].end: dates[0].end + 40]):
        # "extended at the request of India conveyed on 26 February 2024": when something was done, no new deadline
        return Deadline(dates[0].value, ASTANA, None,
                        unread=f"{_day(dates[0].value)} is when something was done, not a new deadline the reader can see")
    found = _deadline_at(text, dates[0])
    if found.same_time_as_before:
        earlier = [d for d in every if d.end <= position and d is not dates[0]]
        timed = [r for d in earlier if (r := _deadline_at(text, d)).local is not None and r.local.time() != END_OF_DAY]
        if timed:
            previous = timed[-1]
            local = datetime.combine(found.on, previous.local.time(), ZoneInfo(previous.zone))
            return Deadline(found.on, previous.zone, local)
    return found


_PERIOD_REACH = 160
"""How far after the extension's verb its period may be printed ("is hereby further extended, at the request of ..., by one week")."""
_NEW_DATE = re.compile(
    r"[\s,;:(\[–—-]*(?:(?:i\.\s?e\.|that\s+is|namely|viz\.?|т\.\s?е\.|то\s+есть|а\s+именно|яғни)[\s,:]*)?"
    r"(?:(?:until|till|to|up\s+to|through|through\s+to|ending\s+on|до|по)\s+)?(?:the\s+)?",
    re.I,
)
_FROM_DATE = re.compile(r"\s*,?\s*(?:from|counting\s+from|с|от|после)\s+(?:the\s+)?(?:(?:original|current|previous)\s+)?(?:deadline\s+(?:of\s+)?)?", re.I)
_OLD_DEADLINE = re.compile(r"(?:set|due|scheduled|originally|initially|previous\w*|current|expir\w*|end|clos\w*|установлен\w*|"
                           r"истека\w*|истечь|заверш\w*|первоначальн\w*|мерзім\w*|аяқтал\w*)\b", re.I)


def _previous_deadline(text: str, every, position: int) -> Deadline | None:
    """The deadline being extended, as the sentence states it before the extension ("which was to expire on
    28 February 2024 at 18:00 hours"): the last date before `position` with a deadline word just before it."""
    stated = [d for d in every if d.end <= position
              and (DEADLINE_RE.search(text[max(0, d.start - 60): d.start]) or _OLD_DEADLINE.search(text[max(0, d.start - 60): d.start]))]
    return _deadline_at(text, stated[-1]) if stated else None


def _moved_by(text: str, every, position: int, period) -> Deadline:
    """"Extended by one week": the deadline extended plus the period, at the same hour and in the same zone (the
    zone's rules for the new day apply). A date printed as the new deadline ("by one week, i.e. until 6 March
    2024") is read as such, and must agree with the period when the sentence
    states the old one. A period the reader cannot count, or an old deadline it cannot read, is flagged; with
    no old deadline in the sentence the Deadline carries the period for the record to supply the rest."""
    verb = SILENCE_EXTENDED_RE.match(text, position)
    verb_end = min(verb.end(), period.start) if verb else position
    after = [d for d in every if d.start >= period.end]
    # "extended until 6 March 2024, i.e. by one week": a new date printed between the verb and the period
    printed_first = [d for d in every if verb_end <= d.start < period.start
                     and not _WHEN_DONE.search(text[max(verb_end, d.start - 30): d.start])]
    previous = _previous_deadline(text, every, verb_end if printed_first else period.start)
    if after and not printed_first and _FROM_DATE.fullmatch(text[period.end: after[0].start]):  # "by one week from 28 February 2024"
        previous = _deadline_at(text, after[0])
    elif printed_first or (after and _NEW_DATE.fullmatch(text[period.end: after[0].start])):
        stated = _date_after(text, every, verb_end if printed_first else period.end)
        if stated is not None and previous is not None and previous.local is not None and period.days is not None \
                and stated.on != previous.local.date() + timedelta(days=period.days):
            return Deadline(stated.on, stated.zone, None, unread=f"extended \"{period.phrase}\" from {_day(previous.local.date())}, "
                                                                 f"but the new deadline printed is {_day(stated.on)}")
        printed_hour = stated is not None and stated.local is not None and (
            stated.local.time() != END_OF_DAY or END_OF_DAY_RE.search(text[period.end:]))
        if stated is not None and (printed_hour or stated.local is None or stated.unread):
            return stated
        if stated is not None and previous is None:  # "until 6 March 2024, i.e. by one week": the record's hour
            return Deadline(stated.on, ASTANA, None, same_time_as_before=True)
        # else "for seven days, until 6 March 2024": the day printed, the hour that of the deadline extended
    if period.unread:
        return Deadline(None, ASTANA, None, unread=f"an extension {period.unread}")
    if previous is None:
        return Deadline(None, ASTANA, None, extended_by_days=period.days)
    if previous.unread or previous.local is None:
        return Deadline(None, previous.zone, None,
                        unread=previous.unread or f"extended \"{period.phrase}\" from a deadline whose hour the sentence does not give")
    local = datetime.combine(previous.local.date() + timedelta(days=period.days), previous.local.time(), ZoneInfo(previous.zone))
    return Deadline(local.date(), previous.zone, local)


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
