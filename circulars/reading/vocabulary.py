"""The words a circular is recognised by: symbols, dates, amounts, verbs and kinds in EN/RU/KK.

Everything the segmenter and the event derivation match against lives here,
so a new phrasing is added in one place and the parsers stay structural.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation

# --- symbols --------------------------------------------------------------------

SUFFIX = r"(?:/(?:Rev|Corr|Add)\.\s?\d+)"
DOCUMENT_SYMBOL_RE = re.compile(
    r"(?<![A-Za-z0-9/])"
    r"(?P<body>[A-Z][A-Z0-9]{1,11})/(?P<year>(?:19|20)\d\d)(?:-(?P<session>[IVXLC]+|\d{1,2}))?"
    r"/(?P<kind>[A-Z]{2,12})/(?P<number>\d{1,4})"
    rf"(?P<suffixes>{SUFFIX}*)"
    r"(?![A-Za-z0-9])"
)
"""An enclosed document's symbol: BODY/YEAR[-SESSION]/KIND/N[/Rev.N][/Corr.N][/Add.N]."""

NOTE_SYMBOL_RE = re.compile(
    r"(?:№|Nº|N°|No\.|Ref\.)\s*(?P<symbol>[A-ZА-ЯЁ][A-ZА-ЯЁ0-9-]*(?:/[A-Za-zА-Яа-я0-9.\-]+)+)"
)
"""A cover note's own number, after the number sign: №DOC/1497, No. DOC/1497."""

SUFFIX_RE = re.compile(r"/(Rev|Corr|Add)\.\s?(\d+)")

SYMBOL_KINDS: dict[str, str] = {
    "DEC": "decision",
    "DECISION": "decision",
    "DRAFT": "draft_decision",
    "PLAN": "plan",
    "BUDGET": "budget",
    "BUD": "budget",
    "AMEND": "amendment",
    "AMD": "amendment",
    "NOTE": "cover_note",
}


def find_document_symbols(text: str) -> list[str]:
    """Every enclosed-document symbol in `text`, in order, without repeats."""
    seen: list[str] = []
    for match in DOCUMENT_SYMBOL_RE.finditer(text):
        symbol = normalise_symbol(match.group(0))
        if symbol not in seen:
            seen.append(symbol)
    return seen


def find_references(text: str) -> list[str]:
    """Document symbols and note numbers (after №) named in `text`, in order of appearance, without repeats."""
    found: list[tuple[int, str]] = [(m.start(), normalise_symbol(m.group(0))) for m in DOCUMENT_SYMBOL_RE.finditer(text)]
    found += [(m.start("symbol"), normalise_symbol(m.group("symbol"))) for m in NOTE_SYMBOL_RE.finditer(text)]
    seen: list[str] = []
    for _, symbol in sorted(found):
        if symbol not in seen:
            seen.append(symbol)
    return seen


def normalise_symbol(symbol: str) -> str:
    """`SOC/2023-III/DEC/2/Rev. 1` -> `SOC/2023-III/DEC/2/Rev.1`."""
    return SUFFIX_RE.sub(lambda m: f"/{m.group(1)}.{m.group(2)}", symbol.strip())


def symbol_base(symbol: str) -> str:
    """The symbol without /Rev /Corr /Add suffixes: what a correction or revision refers to."""
    return SUFFIX_RE.split(symbol, maxsplit=1)[0] if SUFFIX_RE.search(symbol) else symbol


def symbol_suffix_kind(symbol: str) -> str | None:
    """`Rev`, `Corr` or `Add` of the last suffix, if any."""
    found = SUFFIX_RE.findall(symbol)
    return found[-1][0] if found else None


# --- languages ------------------------------------------------------------------

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def detect_language(text: str) -> str | None:
    """`en`, `ru` or `kk` from the script (and Kazakh-specific letters); None if too little text."""
    latin = cyrillic = 0
    kazakh = False
    for char in text:
        if not char.isalpha():
            continue
        if "a" <= char.lower() <= "z":
            latin += 1
        elif "\u0400" <= char <= "\u04ff":
            cyrillic += 1
            kazakh = kazakh or char in KAZAKH_LETTERS
    if latin + cyrillic < 4:
        return None
    if cyrillic > latin:
        return "kk" if kazakh else "ru"
    return "en"


# --- dates ----------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for number, names in enumerate(
    [
        "january янв қаңтар",
        "february фев ақпан",
        "march мар наурыз",
        "april апр сәуір",
        "may мая май мамыр",
        "june июн маусым",
        "july июл шілде",
        "august авг тамыз",
        "september сен қыркүйек",
        "october окт қазан",
        "november ноя қараша",
        "december дек желтоқсан",
    ],
    start=1,
):
    for name in names.split():
        MONTHS[name] = number
for short, number in [("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8),
                      ("sep", 9), ("sept", 9), ("oct", 10), ("nov", 11), ("dec", 12)]:
    MONTHS[short] = number

_EN_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
            r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_RU_MONTH = r"(?:январ[яь]|феврал[яь]|марта?|апрел[яь]|мая|май|июн[яь]|июл[яь]|августа?|сентябр[яь]|" \
            r"октябр[яь]|ноябр[яь]|декабр[яь])"
_KK_MONTH = r"(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)[а-яәғқңөұүһі]*"

DATE_PATTERNS: list[re.Pattern[str]] = [
    # 12 December 2023, 12th December 2023, 12 декабря 2023 года / г.
    re.compile(
        rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_EN_MONTH}|{_RU_MONTH})\s*,?\s+(?P<year>(?:19|20)\d\d)"
        r"(?:\s*(?:года|г\.))?",
        re.IGNORECASE,
    ),
    # December 12, 2023
    re.compile(rf"(?P<month>{_EN_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)", re.IGNORECASE),
    # 2023 жылғы 12 желтоқсан(дағы)
    re.compile(rf"(?P<year>(?:19|20)\d\d)\s+жыл[ғг]ы\s+(?P<day>\d{{1,2}})\s+(?P<month>{_KK_MONTH})", re.IGNORECASE),
    # 12.12.2023
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<monthnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)(?![\d.]*\d)"),
]


@dataclass(frozen=True)
class FoundDate:
    value: date
    start: int
    end: int


def _month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in MONTHS:
        return MONTHS[word]
    for name, number in MONTHS.items():
        if len(name) >= 3 and word.startswith(name):
            return number
    return None


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in `text` (EN, RU, KK and dd.mm.yyyy forms), in order of position."""
    found: dict[int, FoundDate] = {}
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = int(groups["monthnum"]) if groups.get("monthnum") else _month_number(groups["month"])
            if month is None:
                continue
            try:
                value = date(int(groups["year"]), month, int(groups["day"]))
            except ValueError:
                continue
            if match.start() not in found and not any(f.start <= match.start() < f.end for f in found.values()):
                found[match.start()] = FoundDate(value, match.start(), match.end())
    return sorted(found.values(), key=lambda f: f.start)


def first_date(text: str) -> date | None:
    dates = find_dates(text)
    return dates[0].value if dates else None


PLACE_PREFIX_RE = re.compile(r"^(?:город|г\.|city of)\s+", re.IGNORECASE)
PLACE_SUFFIX_RE = re.compile(r"\s+(?:қаласы|city)$", re.IGNORECASE)
PLACE_RE = re.compile(r"^\s*(?P<place>[^\W\d][\w .'’-]{1,40}?)\s*,\s*$")


def place_before(text: str, found: FoundDate) -> str | None:
    """The place in "Astana, 12 December 2023" / "город Астана, ..." / "Астана қаласы, ...": the words before the date."""
    line_start = text.rfind("\n", 0, found.start) + 1
    match = PLACE_RE.match(text[line_start:found.start])
    if not match:
        return None
    place = PLACE_SUFFIX_RE.sub("", PLACE_PREFIX_RE.sub("", match.group("place").strip()))
    return place or None


# --- times and deadlines -----------------------------------------------------------

TIME_RE = re.compile(
    r"(?:(?P<noon>12\s*noon|noon|полдень)|(?P<midnight>midnight|полночь)"
    r"|(?:сағат\s*)?(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:\s*(?P<ampm1>[ap])\.?\s?m\.?)?"
    r"|(?P<hour12>1[0-2]|[1-9])\s*(?P<ampm2>[ap])\.?\s?m\.?)",
    re.IGNORECASE,
)

TIMEZONES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Astana|Nur-Sultan|Almaty|Астан|Алмат|Нур-Султан", re.IGNORECASE), "Asia/Almaty"),
    (re.compile(r"Moscow|Москв", re.IGNORECASE), "Europe/Moscow"),
    (re.compile(r"\b(?:UTC|GMT)\b"), "UTC"),
]
DEFAULT_TIMEZONE = "Asia/Almaty"
"""The Secretariat sits in Astana: a time given without a zone is Astana time."""


def parse_time(text: str) -> time | None:
    match = TIME_RE.search(text)
    if not match:
        return None
    if match.group("noon"):
        return time(12, 0)
    if match.group("midnight"):
        return time(0, 0)
    if match.group("hour") is not None:
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        ampm = match.group("ampm1")
    else:
        hour, minute = int(match.group("hour12")), 0
        ampm = match.group("ampm2")
    if ampm and ampm.lower() == "p" and hour < 12:
        hour += 12
    if ampm and ampm.lower() == "a" and hour == 12:
        hour = 0
    return time(hour, minute)


def timezone_named(text: str) -> str:
    for pattern, zone in TIMEZONES:
        if pattern.search(text):
            return zone
    return DEFAULT_TIMEZONE


SILENCE_RE = re.compile(
    r"silence\s+procedure|процедур\w*\s+умолчани|үнсіз\s+келісім", re.IGNORECASE
)
DEADLINE_RE = re.compile(r"deadline|срок\w*|до\s+\d|дейін", re.IGNORECASE)
SILENCE_CONCLUDED_RE = re.compile(
    r"no\s+objections?\s+(?:(?:was|were|has\s+been|have\s+been)\s+)?(?:received|raised|expressed)"
    r"|considered\s+(?:as\s+)?adopted|deemed\s+(?:to\s+have\s+been\s+)?adopted"
    r"|возражений\s+не\s+поступ|считается\s+принят",
    re.IGNORECASE,
)
SILENCE_BROKEN_RE = re.compile(
    r"(?:broke|broken|breaks|break)\s+(?:the\s+)?silence|objection|objected|нарушил\w*\s+(?:процедуру\s+)?умолчани|возражени",
    re.IGNORECASE,
)
NO_OBJECTION_RE = re.compile(r"no\s+objections?|возражений\s+не", re.IGNORECASE)

# --- amounts --------------------------------------------------------------------

AMOUNT_RE = re.compile(r"^\(?-?\d{1,3}(?:[,\s\u00a0\u202f\u2009.']\d{3})*(?:[.,]\d{1,2})?\)?$|^\(?-?\d+(?:[.,]\d{1,2})?\)?$")
_SPACES = "\u00a0\u202f\u2009 "


def parse_amount(text: str) -> int | None:
    """`1,629,598`, `1 629 598` (also with no-break spaces), `1.629.598`, `4759000` -> int; else None."""
    cleaned = strip_markup(text).strip().replace("$", "").replace("USD", "").strip()
    if not cleaned or not AMOUNT_RE.match(cleaned):
        return None
    negative = cleaned.startswith("(") or cleaned.startswith("-")
    cleaned = cleaned.strip("()-")
    for space in _SPACES + "'":
        cleaned = cleaned.replace(space, "")
    decimals = ""
    decimal_match = re.search(r"[.,](\d{1,2})$", cleaned)
    if decimal_match:
        decimals = decimal_match.group(1)
        cleaned = cleaned[: decimal_match.start()]
    cleaned = cleaned.replace(",", "").replace(".", "")
    try:
        value = Decimal(f"{cleaned}.{decimals or '0'}")
    except InvalidOperation:
        return None
    amount = int(value.to_integral_value())
    return -amount if negative else amount


# --- markup ---------------------------------------------------------------------

_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|font|sub)(?:\s[^>]*)?>", re.IGNORECASE)
_SUP_RE = re.compile(r"\s*<sup>\s*(.*?)\s*</sup>", re.IGNORECASE | re.DOTALL)
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)
_ITALIC_RE = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![*\w])")


def strip_markup(text: str) -> str:
    """Text without markdown emphasis and inline HTML; `9 <sup>th</sup>` -> `9th`."""
    text = _SUP_RE.sub(lambda m: m.group(1), text)
    text = _BR_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    text = _BOLD_RE.sub(lambda m: m.group(1), text)
    text = _ITALIC_RE.sub(lambda m: m.group(1), text)
    return text


def squash(text: str) -> str:
    """One line, single spaces: for comparing and for values taken from wrapped text."""
    return " ".join(unicodedata.normalize("NFC", text).split())


# --- document kinds and bodies -------------------------------------------------------

HEADING_KINDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\s*(?:DRAFT\s+DECISIONS?\b|ПРОЕКТ\s+РЕШЕНИЯ|ШЕШІМ\w*\s+ЖОБАСЫ)", re.IGNORECASE), "draft_decision"),
    (re.compile(r"^\s*(?:DECISIONS\s+(?:OF|ADOPTED|TAKEN)\b|РЕШЕНИЯ\s+|ШЕШІМДЕРІ\b)", re.IGNORECASE), "decision_list"),
    (re.compile(r"^\s*(?:DECISION\s+(?:OF|ON|NO\.?|№)|DECISION$|РЕШЕНИЕ\b|ШЕШІМІ?\b)", re.IGNORECASE), "decision"),
    (re.compile(r"^\s*(?:AMENDMENTS?\s+(?:TO|OF|IN)\b|CHANGES\s+(?:TO|IN)\b|ИЗМЕНЕНИЯ\s+(?:В|К)\b)", re.IGNORECASE),
     "amendment"),
    (re.compile(r"^\s*(?:[\w-]+\s+){0,2}PLAN\s+(?:OF|FOR)\b|^\s*ПЛАН\s+", re.IGNORECASE), "plan"),
    (re.compile(r"^\s*(?:REVISED\s+)?(?:[\w-]+\s+){0,2}BUDGET\s+(?:OF|FOR)\b|^\s*БЮДЖЕТ\s+", re.IGNORECASE), "budget"),
]
"""A document's heading says what it is; annex headings (plan, budget, amendments) too."""


def heading_kind(text: str) -> str | None:
    """The document kind a heading announces, or None if it is no document heading."""
    line = squash(strip_markup(text))
    if not line or len(line) > 200:
        return None
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return None
    for pattern, kind in HEADING_KINDS:
        if pattern.search(line):
            if kind in ("plan", "budget", "amendment") and sum(c.isupper() for c in letters) < 0.8 * len(letters):
                return None  # "Approves the budget of ..." is a sentence, not a heading
            if kind in ("decision", "decision_list", "draft_decision") and line[:1].islower():
                return None
            return kind
    return None


BODIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Senior\s+Officials?\s+Committee|Комитет\w*\s+старших\s+должностных\s+лиц|Аға\s+лауазымды", re.I), "SOC"),
    (re.compile(r"Ministerial\s+Council|Council\s+of\s+(?:Foreign\s+)?Ministers|Совет\w*\s+министров|Министрлер\s+кеңесі",
                re.I), "MC"),
    (re.compile(r"Special\s+Working\s+Group|Специальн\w+\s+рабоч\w+\s+групп", re.I), "SWG"),
    (re.compile(r"\bSummit\b|Саммит", re.I), "SUMMIT"),
    (re.compile(r"Committee\s+of\s+Senior\s+Officials", re.I), "SOC"),
]


def body_named(text: str) -> str | None:
    """`SOC`, `MC`, ... from the full name of a body, or from its abbreviation in parentheses."""
    for pattern, body in BODIES:
        if pattern.search(text):
            return body
    match = re.search(r"\b(?:Committee|Council|Group|Commission)\s*\(([A-Z]{2,8})\)", text)
    return match.group(1) if match else None


# --- decision verbs -----------------------------------------------------------------

_TO_BODY = r"(?:\s+to\s+(?:the\s+)?[^,.;]{1,80}?\s+to\s+(?:adopt|approve|consider|endorse|take\s+note\s+of))?"
ACTION_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:considered\s+and\s+)?recommended{_TO_BODY}\b", re.I), "recommended"),
    (re.compile(rf"\brecommends{_TO_BODY}\b", re.I), "recommended"),
    (re.compile(r"\b(?:took|takes|taking)\s+(?:due\s+)?note\s+(?:of\b|that\b)?", re.I), "took_note"),
    (re.compile(r"\b(?:noted|notes)\b(?:\s+with\s+\w+)?", re.I), "took_note"),
    (re.compile(r"\b(?:adopted|adopts)\b", re.I), "adopted"),
    (re.compile(r"\b(?:approved|approves)\b", re.I), "approved"),
    (re.compile(r"\b(?:decided|decides)\b", re.I), "decided"),
    (re.compile(r"\b(?:supported|supports)\b", re.I), "supported"),
    (re.compile(r"\b(?:agreed|agrees)\b(?:\s+(?:on|that)\b)?", re.I), "agreed"),
    (re.compile(r"\b(?:endorsed|endorses)\b", re.I), "endorsed"),
    (re.compile(r"\b(?:welcomed|welcomes)\b", re.I), "welcomed"),
    (re.compile(r"\b(?:requested|requests)\b", re.I), "requested"),
    (re.compile(r"\bпринял[оаи]?\s+к\s+сведению|\bпринимает\s+к\s+сведению", re.I), "took_note"),
    (re.compile(r"\bрекомендовал[оаи]?|\bрекомендует", re.I), "recommended"),
    (re.compile(r"\bутвердил[оаи]?|\bутверждает", re.I), "approved"),
    (re.compile(r"\bодобрил[оаи]?|\bодобряет", re.I), "endorsed"),
    (re.compile(r"\bпринял[оаи]?|\bпринимает", re.I), "adopted"),
    (re.compile(r"\bпостановил[оаи]?|\bпостановляет|\bрешил[оаи]?|\bрешает", re.I), "decided"),
    (re.compile(r"\bподдержал[оаи]?|\bподдерживает", re.I), "supported"),
    (re.compile(r"\bприветствовал[оаи]?|\bприветствует", re.I), "welcomed"),
    (re.compile(r"\bпоручил[оаи]?|\bпоручает|\bпросил[оаи]?|\bпросит", re.I), "requested"),
    (re.compile(r"\bсогласовал[оаи]?|\bсогласился|\bсогласилось", re.I), "agreed"),
]
"""Verb phrases of a decision. The earliest match wins, so "took note of ... and supported" is took_note."""

MAX_ACTOR_CHARS = 120
"""How far into an item the verb may sit: past that, the words before it are not just the actor."""


@dataclass(frozen=True)
class ActionPhrase:
    action: str
    subject: str


def classify_action(text: str) -> ActionPhrase:
    """The action of a decision item and its subject (the words after the verb phrase).

    Only a verb right after the actor ("The SOC", "The Senior Officials Committee (SOC)",
    or nothing, for operative paragraphs "Approves ...") counts; anything else is `other`
    with the whole text as subject, never a guess.
    """
    line = squash(strip_markup(text))
    best: tuple[int, int, str] | None = None
    for pattern, action in ACTION_VERBS:
        match = pattern.search(line)
        if match and match.start() <= MAX_ACTOR_CHARS:
            candidate = (match.start(), match.end(), action)
            if best is None or (candidate[0], -candidate[1]) < (best[0], -best[1]):
                best = candidate
    if best is None or not _is_actor(line[: best[0]]):
        return ActionPhrase("other", re.sub(r"[.;]$", "", ACTOR_PREFIX_RE.sub("", line, count=1)).strip())
    subject = line[best[1]:].strip().strip(",:;").strip()
    subject = re.sub(r"[.;]$", "", subject).strip()
    return ActionPhrase(best[2], subject)


ACTOR_PREFIX_RE = re.compile(r"^(?:The\s+)?(?:(?:[A-ZА-ЯЁ][\w’'-]*|\([^)]*\))\s+)+")
"""Who acts, at the start of an item: "The SOC ", "The Senior Officials Committee (SOC) "."""

def _is_actor(prefix: str) -> bool:
    """The words before a verb name who acts (capitalised names, abbreviations), not a clause."""
    prefix = re.sub(r"\([^)]*\)", " ", prefix).strip(" ,")
    if not prefix:
        return True
    if re.search(r"[.;:!?]", prefix):
        return False
    small = {"the", "of", "on", "in", "at", "for", "and", "it", "they", "also", "further", "to", "addition"}
    return all(w.lower() in small or w[:1].isupper() or w[:1].isdigit() for w in prefix.replace(",", " ").split())


# --- budgets --------------------------------------------------------------------------

ROMAN_SECTION_RE = re.compile(r"^\s*(?P<numeral>[IVXLC]{1,6})\s*[-–—.:)]\s*(?P<title>\S.*)$")
GRAND_TOTAL_RE = re.compile(r"^\s*(?:grand\s+total|overall\s+total|total\s+budget|всего|общий\s+итог|барлығы)\b", re.I)
TOTAL_RE = re.compile(r"^\s*(?:sub-?\s*total|total|итого|жиыны)\b", re.I)
CURRENCY_RE = [
    (re.compile(r"US\s*dollars|USD|US\$|долл", re.I), "USD"),
    (re.compile(r"\beuros?\b|EUR|евро", re.I), "EUR"),
    (re.compile(r"\btenge\b|KZT|тенге|теңге", re.I), "KZT"),
]

YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
FOR_YEAR_RE = re.compile(r"\b(?:for|на|of)\s+(?:the\s+(?:year\s+)?)?((?:19|20)\d\d)(?:\s*(?:год|year))?\b", re.I)


def year_of_title(title: str) -> int | None:
    """The year a plan or budget is for: "for 2024" first, else the last year named."""
    match = FOR_YEAR_RE.search(title)
    if match:
        return int(match.group(1))
    years = YEAR_RE.findall(title)
    return int(years[-1]) if years else None


# --- plan tables and amendments --------------------------------------------------------

COLUMN_ROLES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\s*(?:No\.?|Nº|N°|№|#|N|S/N|Item|п/п|№\s*п/п)\s*$", re.I), "number"),
    (re.compile(r"organi[sz]er|организатор|ұйымдастырушы|responsible|implementing", re.I), "organizers"),
    (re.compile(r"new\s+(?:indicative\s+)?timing|new\s+date|revised\s+timing|новые\s+сроки", re.I), "new_timing"),
    (re.compile(r"timing|date|сроки|дата|мерзім|period|time", re.I), "timing"),
    (re.compile(r"status|action|change|amendment|изменени|статус", re.I), "change"),
    (re.compile(r"amount|budget|usd|сумма|бюджет|cost|\$", re.I), "amount"),
    (re.compile(r"title|event|name|expenditure|наименование|мероприяти|статья|item|description", re.I), "title"),
]


def column_role(header_cell: str) -> str | None:
    cell = squash(strip_markup(header_cell))
    for pattern, role in COLUMN_ROLES:
        if pattern.search(cell):
            return role
    return None


RESCHEDULED_RE = re.compile(r"reschedul|postpon|moved\s+to|shifted|перенес|перенос", re.I)
CANCELLED_RE = re.compile(r"cancel|withdrawn|deleted|excluded|removed|отмен|исключ", re.I)
ADDED_RE = re.compile(r"\badded\b|\badd\b|new\s+item|new\s+event|included|insert|добав|включ", re.I)
SUPERSEDES_RE = re.compile(r"supersed|replac|заменя|взамен", re.I)
REVISED_RE = re.compile(r"\brevised\b|\brevision\b|пересмотр", re.I)
CORRECTS_RE = re.compile(r"\bcorrect(?:s|ed|ion)\b|исправлен", re.I)
WITHDRAWN_RE = re.compile(r"\bwithdraw[sn]?\b|отозван", re.I)
