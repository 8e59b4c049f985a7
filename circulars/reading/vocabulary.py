"""Structural recognisers (symbols, dates, times, amounts, markup) and the vocabulary's compiled phrases.

The phrase lists themselves (verbs, change words, silence outcomes, headings, bodies,
column roles, month names, time zones, currencies) live in `vocabulary.toml` and are
compiled by `lexicon`; this module gives them the names the parsers use. A new phrasing
is added in the TOML file, never here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation

from circulars.reading import lexicon

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

_NOTE_NUMBER = r"(?P<symbol>[A-ZА-ЯЁ][A-ZА-ЯЁ0-9-]*(?:/[A-Za-zА-Яа-я0-9.\-]+)+)"
_REFERENCE_MARK = (r"(?:Ref\.?\s*:|Ref\.|Reference\s*:|Your\s+ref(?:erence)?\.?\s*:?|Ваш\s+(?:исх\.?\s*)?№|"
                   r"На\s+(?:Ваш\w*\s+)?№|Ссылка\s*:|Сілтеме\s*:)")
NOTE_SYMBOL_RE = re.compile(
    rf"(?:№|Nº|N°|No\.|Our\s+ref\.?\s*:?|(?P<reference>{_REFERENCE_MARK}))\s*{_NOTE_NUMBER}"
)
"""A note's number after a number sign or a reference mark: №DOC/1497, No. DOC/1497, Ref.: DOC/1497."""
REFERENCE_LINE_RE = re.compile(rf"^\W*{_REFERENCE_MARK}\s*{_NOTE_NUMBER}", re.I)
"""A line that names another note ("Reference: DOC/1497", "Your ref.: ...", "На №..."): a reference, never the
note's own number when the note prints one, never its date, never the start of a document."""

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

def _months() -> dict[str, int]:
    words = lexicon.data()["months"]
    months: dict[str, int] = {}
    for number, (en, short, (stem, endings), ru_short, kk) in enumerate(
        zip(words["en"], words["en_short"], words["ru_stems"], words["ru_short"], words["kk"], strict=True), start=1
    ):
        for name in (en, short, ru_short, kk, *(stem + e.strip("_") for e in endings.split())):
            months.setdefault(name, number)
    months["sept"] = 9
    return months


MONTHS: dict[str, int] = _months()
"""Month names and abbreviations (EN, RU cases, KK) -> 1..12, from the vocabulary file."""

_MONTH_WORDS = lexicon.data()["months"]
_EN_MONTH = "(?:" + "|".join(sorted(_MONTH_WORDS["en"] + _MONTH_WORDS["en_short"] + ["sept"], key=len, reverse=True)) + r")\.?"
_RU_MONTH = "(?:" + "|".join(
    sorted({stem + e.strip("_") for stem, endings in _MONTH_WORDS["ru_stems"] for e in endings.split()}, key=len, reverse=True)
) + ")"
_KK_MONTH = "(?:" + "|".join(_MONTH_WORDS["kk"]) + ")[а-яәғқңөұүһі]*"

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
    r"(?<![\w.:/-])(?:(?P<noon>12(?:[:.]00)?\s*noon|noon|midday|полдень|полудня)|(?P<midnight>midnight|полночь|полуночи)"
    r"|(?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)\s*(?:hours|hrs|h)\b"
    r"|(?:сағат\s*)?(?P<hour>[01]?\d|2[0-3])\s*(?:[:.]|h\s?|ч\.?\s?)(?P<minute>[0-5]\d)(?!\d|\.\d)"
    r"(?:\s*(?P<ampm1>[ap])\.?\s?m\.?(?!\w))?"
    r"|(?P<hour12>1[0-2]|[1-9])\s*(?:o['’]clock\s*)?(?P<ampm2>[ap])\.?\s?m\.?(?!\w)"
    r"|(?P<h5>[01]?\d|2[0-3])\s*(?:o['’]clock|hours|hrs|h|часов|часа|час|ч\.)(?!\w)"
    r"|сағат\s*(?P<h6>[01]?\d|2[0-3])(?![\d:.]))",
    re.IGNORECASE,
)
"""A time of day: 18:00, 18.00, 18h00, 1800 hours, 6 p.m., 6 o'clock p.m., 18 hours, в 18 часов, сағат 18, 12 noon."""

TIMEZONE_PHRASE_RE = lexicon.pattern("timezone_phrase")
TIMEZONES: list[tuple[re.Pattern[str], str]] = list(lexicon.mapped("timezone"))
UTC_OFFSET_RE = re.compile(r"\b(?:UTC|GMT)\s*(?P<sign>[+\-−–])\s*(?P<hours>\d{1,2})(?:[:.]?(?P<minutes>\d{2}))?", re.I)
DEFAULT_TIMEZONE = "Asia/Almaty"
"""The Secretariat sits in Astana: a time given without a zone is Astana time."""


def time_of(match: re.Match[str]) -> time:
    """The time of day a TIME_RE match says."""
    if match.group("noon"):
        return time(12, 0)
    if match.group("midnight"):
        return time(0, 0)
    ampm = None
    if match.group("hour") is not None:
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        ampm = match.group("ampm1")
    elif match.group("h4") is not None:
        hour, minute = int(match.group("h4")), int(match.group("m4"))
    elif match.group("hour12") is not None:
        hour, minute = int(match.group("hour12")), 0
        ampm = match.group("ampm2")
    else:
        hour, minute = int(match.group("h5") or match.group("h6")), 0
    if ampm and ampm.lower() == "p" and hour < 12:
        hour += 12
    if ampm and ampm.lower() == "a" and hour == 12:
        hour = 0
    return time(hour, minute)


@dataclass(frozen=True)
class ZoneNamed:
    """A phrase naming a time zone, and the IANA zone it names (None: a zone the reader does not know)."""

    phrase: str
    zone: str | None
    start: int
    end: int


def zone_of(phrase: str) -> str | None:
    """The IANA zone a phrase names: "UTC+5" -> Etc/GMT-5, "by Astana time" -> Asia/Almaty; None if unknown
    (a place no entry knows, "local time", an offset that is no whole hour)."""
    offset = UTC_OFFSET_RE.search(phrase)
    if offset:
        if offset.group("minutes") and offset.group("minutes") != "00":
            return None
        hours = int(offset.group("hours"))
        if hours > 14:
            return None
        if hours == 0:
            return "UTC"
        sign = "-" if offset.group("sign") == "+" else "+"  # the Etc/ zones count the other way round
        return f"Etc/GMT{sign}{hours}"
    for pattern, zone in TIMEZONES:
        if pattern.search(phrase):
            return zone
    return None


def zones_named(text: str) -> list[ZoneNamed]:
    """Every phrase of `text` naming a time zone, in order."""
    return [ZoneNamed(m.group(0), zone_of(m.group(0)), m.start(), m.end()) for m in TIMEZONE_PHRASE_RE.finditer(text)]


SAME_TIME_RE = lexicon.pattern("time_of_day", ("same_as_before",))
END_OF_DAY_RE = lexicon.pattern("time_of_day", ("end_of_day",))
TIME_PRINTED_RE = lexicon.pattern("time_of_day", ("printed",))


SILENCE_RE = lexicon.pattern("silence")
DEADLINE_RE = lexicon.pattern("deadline")
SILENCE_CONCLUDED_RE = lexicon.pattern("silence_concluded")
SILENCE_BROKEN_RE = lexicon.pattern("silence_broken")
SILENCE_EXTENDED_RE = lexicon.pattern("silence_extended")
NO_OBJECTION_RE = lexicon.pattern("no_objection")
NOT_ADOPTED_RE = lexicon.pattern("not_adopted")

# --- amounts --------------------------------------------------------------------

AMOUNT_RE = re.compile(r"^\(?-?\d{1,3}(?:[,\s\u00a0\u202f\u2009.']\d{3})*(?:[.,]\d{1,2})?\)?$|^\(?-?\d+(?:[.,]\d{1,2})?\)?$")
_SPACES = "\u00a0\u202f\u2009 "


_CURRENCY_AFFIX = re.compile(rf"^\s*{lexicon.data()['currency_affix']['all']}\s*|\s*{lexicon.data()['currency_affix']['all']}\s*\.?\s*$", re.I)


def parse_amount(text: str) -> int | None:
    """`1,629,598`, `1 629 598` (also with no-break spaces), `1.629.598`, `4759000` -> int; else None.
    A currency before or after it ("US$ 1 146 506", "1 146 506 долл. США") is not the figure's."""
    cleaned = _CURRENCY_AFFIX.sub("", strip_markup(text).strip()).replace("$", "").replace("USD", "").strip()
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

HEADING_KINDS: list[tuple[re.Pattern[str], str]] = list(lexicon.mapped("heading"))
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
            if kind == "corrigendum" and len(line.split()) <= 3:
                return kind  # "Corrigendum" on its own line is a heading in any case
            if kind in ("plan", "budget", "amendment", "corrigendum") and sum(c.isupper() for c in letters) < 0.8 * len(letters):
                return None  # "Approves the budget of ..." is a sentence, not a heading
            if kind in ("decision", "decision_list", "draft_decision") and line[:1].islower():
                return None
            return kind
    return None


BODIES: list[tuple[re.Pattern[str], str]] = list(lexicon.mapped("body"))


def body_named(text: str) -> str | None:
    """`SOC`, `MC`, ... from the full name of a body, or from its abbreviation in parentheses."""
    for pattern, body in BODIES:
        if pattern.search(text):
            return body
    match = re.search(r"\b(?:Committee|Council|Group|Commission)\s*\(([A-Z]{2,8})\)", text)
    return match.group(1) if match else None


# --- decision verbs -----------------------------------------------------------------

ACTION_VERBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:{p.pattern})", re.IGNORECASE), action) for p, action in lexicon.mapped("action")
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
    small = set(lexicon.data()["actor"]["small_words"])
    return all(w.lower() in small or w[:1].isupper() or w[:1].isdigit() for w in prefix.replace(",", " ").split())


# --- budgets --------------------------------------------------------------------------

ROMAN_SECTION_RE = re.compile(r"^\s*(?P<numeral>[IVXLC]{1,6})\s*[-–—.:)]\s*(?P<title>\S.*)$")
GRAND_TOTAL_RE = re.compile(lexicon.data()["totals"]["grand_total"], re.I)
TOTAL_RE = re.compile(lexicon.data()["totals"]["total"], re.I)
CURRENCY_RE = list(lexicon.mapped("currency"))

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

COLUMN_ROLES: list[tuple[re.Pattern[str], str]] = list(lexicon.mapped("column"))


def column_role(header_cell: str) -> str | None:
    cell = squash(strip_markup(header_cell))
    for pattern, role in COLUMN_ROLES:
        if pattern.search(cell):
            return role
    return None


def change_kind(text: str) -> str | None:
    """What an amendment table's change cell says happened: rescheduled, cancelled, added, amended; None if unknown."""
    return lexicon.first_value("change", squash(strip_markup(text)))


SUPERSEDES_RE = lexicon.pattern("supersedes")
REVISED_RE = lexicon.pattern("revised")
CORRECTS_RE = lexicon.pattern("corrects")
WITHDRAWN_RE = lexicon.pattern("withdrawn")
