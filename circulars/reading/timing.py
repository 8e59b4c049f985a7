"""Indicative timing of a plan item: the printed phrase, an inclusive date interval, and its precision.

Plans print timing in many forms and three languages ("1 – 7 March", "Second half of
February", "2nd-3rd Quarter", "IV квартал", "1–7 наурыз", "T.B.C.", an empty cell).
`parse_timing` keeps the text as printed and derives the interval only when the phrase
is fully understood; anything else stays `unspecified` with no dates, never a guess.

How the phrase is read:
- The text is lower-cased, every dash becomes "-", no-break and repeated spaces become
  one space, trailing dots go, a leading preposition ("in", "during", "from", "в",
  "с", "in the course of" ...) is dropped.
- A year written at the end ("... 2024", "... of 2024", "... 2024 года", "... 2024 ж.")
  or at the start in the Kazakh manner ("2024 жылғы 1–7 наурыз") is the explicit year;
  it wins over the `year` argument (the plan's year).
- The remainder must match one whole form (day, month, half of a month, months,
  half-year, quarter(s), year); a form that matches but names an impossible date
  ("31 February") or a reversed range ("7 – 1 March") is `unspecified`.

Rules a reader of the data should know:
- A range whose end month comes before its start month runs into the next year
  ("30 December – 3 January", "November – January"); with an explicit year only at the
  end, the start is in the year before. Ranges reversed within a month, or reversed
  quarters/halves, are not understood.
- Parts of a month are thirds, precision `part_month`: "early", "beginning of", "first
  decade" → days 1–10; "mid", "middle of", "second decade" → 11–20; "late", "end of",
  "end-June", "third" or "last decade" → 21 to the month's end ("декада", "онкүндік" alike).
- Weeks of a month count days from the 1st, precision `part_month`: "2nd week of
  September" → 8–14, "last week of June" → 24–30 (calendar weeks differ from year to year).
- Seasons are whole months, precision `months`: spring March–May, summer June–August,
  autumn/fall September–November; winter straddles two years and is not read.
- "By the end of" a year, half-year, quarter or month ("до конца года", "жыл соңына
  дейін") runs from 1 January to that end; its precision is the span's (`year`,
  `half_year`, `quarter(s)`, `month(s)`). "mid-2025", "end of 2025" stay unspecified.
- A mark of a timing not yet confirmed ("June (TBC)", "13 – 17 October (tentative)",
  "ноябрь (уточняется)", "tentatively June") leaves the timing it marks as read; the cell
  is kept as printed, so the mark stays in `timing_text`. Alone it is `tbc`.
- Lists and alternatives joined by "and", "or", "/", "и", "или", "және", "немесе"
  ("March and April", "September or October", "II and III quarters") give the interval
  spanning them (start of the first .. end of the last).
- Numeric dates are day.month(.year) (European order); "dd/mm" is not read, being
  ambiguous with the US order. A range of years ("2024–2025") is not understood.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator

from circulars.reading import lexicon
from circulars.reading.timing_words import (
    MONTH_FORMS,  # noqa: F401  (re-exported: every spelling of a month the grammar knows)
    _day_number,
    _last_day,
    _month,
    _month_span,
    _ordinal,
    _range_years,
    _year_of,
)
from models.events import TimingPrecision


class Timing(BaseModel):
    """An indicative timing: the printed text and, when understood, an inclusive interval."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    starts_on: date | None = None
    ends_on: date | None = None
    precision: TimingPrecision = "unspecified"

    @model_validator(mode="after")
    def _interval_is_whole(self) -> Timing:
        if (self.starts_on is None) != (self.ends_on is None):
            raise ValueError("starts_on and ends_on are both set or both empty")
        if self.starts_on is not None and self.ends_on is not None and self.starts_on > self.ends_on:
            raise ValueError("starts_on must not be after ends_on")
        return self


# --- the grammar ------------------------------------------------------------------

_TRANSLATE = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\t": " ", "\n": " ", "\r": " ",
    "ё": "е",
})
_TAG = re.compile(r"\s*<sup>\s*|\s*</sup>|<[^>]*>")  # "9 <sup>th</sup>" -> "9th"
_SPACES = re.compile(r"\s+")
_TRAILING = " .,;:"

_YEAR_WORD = r"(?:года|год|гг|г|жылғы|жылдың|жылы|жыл|ж)"
_LEADING = re.compile(
    r"(?:(?:в\s+течение|в\s+ходе|на\s+протяжении|in|during|within|throughout|from|at|for|в|во|с|со|на|за)\s+)?"
    r"(?:the\s+)?(?:(?:course|duration)\s+of\s+)?"
)
_TRAILING_YEAR = re.compile(
    rf"(?:(?P<core>.*?)\s*(?:,|\bof\b|\bin\b)?\s+)?(?P<year>\d{{4}})(?:\s*{_YEAR_WORD})?\.?"
)
_LEADING_YEAR = re.compile(
    rf"(?P<year>\d{{4}})(?:\s*{_YEAR_WORD}\.?\s*|\s*[,:]\s*|\s+(?=[^\W\d_]))(?P<core>.+)"
)
_WORDS = lexicon.data()["timing"]
_TBC = re.compile(r"\(?(?:" + "|".join(_WORDS["tbc"]) + r")\)?")
_SEP = r"(?:\s*-\s*|\s+(?:to|till|until|through|thru|по|до|дейін)\s+)"
_LIST_SEP = rf"(?:{_SEP}|\s*/\s*|\s*&\s*|\s+(?:and|or|и|или|және|немесе)\s+)"
_WORD = r"[^\W\d_]+\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_INNER_YEAR = rf"(?:,?\s+(?P<y1>\d{{4}})(?:\s*{_YEAR_WORD})?\.?)"
_ORD = (
    r"(?:\d{1,2}(?:st|nd|rd|th|-?(?:ый|ой|ий|ая|ое|й|я|е|го|м|ші|шы))?"
    r"|[iі]v|[iі]{1,3}|first|second|third|fourth"
    r"|перв\w*|втор\w*|трет\w*|четв[её]рт\w*|бірінші|екінші|үшінші|төртінші)"
)
_KK_MONTH_OF = r"(?:\s+ай(?:ы|ының|ында|да))?"

_NUMERIC_RANGE = re.compile(
    r"(?P<d1>\d{1,2})(?:\.(?P<m1>\d{1,2})(?:\.(?P<y1>\d{4}))?)?" + _SEP
    + r"(?P<d2>\d{1,2})\.(?P<m2>\d{1,2})\.(?P<y2>\d{4})"
)
_NUMERIC_DAY = re.compile(r"(?P<d1>\d{1,2})\.(?:(?P<m1>\d{1,2})\.(?P<y1>\d{4})|(?P<mm>\d{2}))")
_ISO_DAY = re.compile(r"(?P<y1>\d{4})-(?P<m1>\d{2})-(?P<d1>\d{2})")
_DAYS_DM = re.compile(
    rf"(?P<d1>{_DAY})(?:\s+(?:of\s+)?(?P<m1>{_WORD}){_INNER_YEAR}?)?{_SEP}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_WORD})"
)
_DAYS_MD = re.compile(
    rf"(?P<m1>{_WORD})\s+(?P<d1>{_DAY}){_INNER_YEAR}?{_SEP}(?:(?P<m2>{_WORD})\s+)?(?P<d2>{_DAY})"
)
_DAY_DM = re.compile(rf"(?P<d1>{_DAY})\s+(?:of\s+)?(?P<m1>{_WORD})")
_DAY_MD = re.compile(rf"(?P<m1>{_WORD})\s+(?P<d1>{_DAY})")
_MONTHS = re.compile(rf"(?P<m1>{_WORD}){_INNER_YEAR}?{_LIST_SEP}(?P<m2>{_WORD}){_KK_MONTH_OF}")
_MONTH = re.compile(rf"(?P<m1>{_WORD}){_KK_MONTH_OF}")
_HALF_MONTH = re.compile(
    rf"(?P<o>{_ORD})\s*-?\s*(?:half|половин\w*)\s+(?:of\s+)?(?P<m1>{_WORD})"
    rf"|(?P<m2>{_WORD}),?\s+(?P<o2>{_ORD})\s*-?\s*half"
    rf"|(?P<m3>{_WORD}){_KK_MONTH_OF}\s+(?P<o3>{_ORD})\s*-?\s*жарты\w*"
)
_LAST = r"(?:last|final|последн\w*|заключительн\w*|соңғы)"
_DECADE = re.compile(
    rf"(?P<o>{_ORD}|{_LAST})\s*-?\s*(?:декад\w*|decade|ten\s+days)\s+(?:of\s+)?(?:the\s+)?(?P<m1>{_WORD})"
    rf"|(?P<m2>{_WORD}){_KK_MONTH_OF}\s+(?P<o2>{_ORD}|{_LAST})\s*-?\s*он\s*күнд\w*"
)
_WEEK = re.compile(
    rf"(?P<o>{_ORD}|{_LAST})\s*-?\s*(?:week|недел\w*)\s+(?:of\s+)?(?:the\s+)?(?P<m1>{_WORD})"
    rf"|(?P<m2>{_WORD}){_KK_MONTH_OF}\s+(?P<o2>{_ORD}|{_LAST})\s*-?\s*апта\w*"
)
_SEASON_MONTHS = {name: months for name, months in (("spring", (3, 5)), ("summer", (6, 8)), ("autumn", (9, 11)))}
_SEASON_WORDS = [(re.compile("|".join(_WORDS[name])), months) for name, months in _SEASON_MONTHS.items()]
_SEASON_WORD = "(?:" + "|".join(p for name in _SEASON_MONTHS for p in _WORDS[name]) + ")"
_SEASONS = re.compile(
    rf"(?P<s1>{_SEASON_WORD})(?:{_LIST_SEP}(?P<s2>{_SEASON_WORD}))?"
    r"(?:\s+(?:period|season|период\w*|сезон\w*|кезең\w*|мезгіл\w*))?"
)
_QUALIFIER = "(?:" + "|".join(_WORDS["qualifier"]) + ")"
_QUALIFIED = (
    re.compile(rf"(?P<core>.+?)\s*[(\[]\s*{_QUALIFIER}\s*[)\]]"),  # "June (TBC)", "13 – 17 October (tentative)"
    re.compile(rf"(?P<core>.+?)(?:\s*[,;:/]\s*|\s+-\s+|\s+){_QUALIFIER}"),  # "June, TBC", "June - tentative"
    re.compile(rf"[(\[]?{_QUALIFIER}[)\]]?(?:\s*[,;:/]\s*|\s+-\s+|\s+)(?P<core>.+)"),  # "tentatively June", "TBC: June"
)
_BY_END = (
    re.compile("(?:" + "|".join(_WORDS["by_end_before"]) + r")(?P<core>.+)"),
    re.compile(r"(?P<core>.+?)(?:" + "|".join(_WORDS["by_end_after"]) + ")"),
)
_BY_YEAR_END = re.compile("|".join(_WORDS["by_year_end"]))
_EN_RU_PARTS = [p for key in ("part_first", "part_middle", "part_last") for p in _WORDS[key] if not re.match(r"^[а-яё]*[әғқңөұүһі]|^(?:бас|орта|соң|аяғ|аяқ)", p)]
_KK_PARTS = [p for key in ("part_first", "part_middle", "part_last") for p in _WORDS[key] if p not in _EN_RU_PARTS]
_PART_OF_MONTH = re.compile(
    r"(?P<part>" + "|".join(_EN_RU_PARTS) + r")(?:\s*-\s*|\s+)(?:the\s+)?"
    rf"(?P<m1>{_WORD})"
    rf"|(?P<m2>{_WORD}){_KK_MONTH_OF}\s+(?P<kkpart>" + "|".join(_KK_PARTS) + ")"
)
_HALF_YEAR = re.compile(
    rf"(?P<o>{_ORD})\s*-?\s*(?:half(?:\s*-?\s*year)?|semester|полугоди\w*|половин\w*|жартыжылдық\w*|жарты\w*)"
    r"(?:\s+(?:of\s+)?(?:the\s+)?(?:year|года|жылдың|жыл))?"
    r"|h(?P<h>[12])"
)
_QUARTERS = re.compile(
    rf"(?P<o1>{_ORD})(?:{_LIST_SEP}(?P<o2>{_ORD}))?\s*-?\s*(?:quarters?|квартал\w*|кв\.?|тоқсан\w*)"
    r"(?:\s+(?:of\s+)?(?:the\s+)?(?:year|года|жылдың|жыл))?"
    rf"|(?:quarters?|квартал\w*)\s+(?P<o3>{_ORD})(?:{_LIST_SEP}(?P<o4>{_ORD}))?"
    rf"|q(?P<q1>[1-4])(?:{_LIST_SEP}q?(?P<q2>[1-4]))?"
    rf"|(?P<q3>[1-4])q(?:{_LIST_SEP}(?P<q4>[1-4])q)?"
)
_WHOLE_YEAR = re.compile(
    r"(?:the\s+)?(?:whole\s+|entire\s+|full\s+)?year(?:\s*-?\s*round)?|all\s+year(?:\s+round)?|annually|every\s+year"
    r"|года|год|весь\s+год|всего\s+года|круглый\s+год|ежегодно|в\s+течение\s+года"
    r"|жыл|жыл\s+бойы(?:на)?|бойы(?:на)?|жыл\s+ішінде|ішінде"
)


Interval = tuple[date, date, TimingPrecision]


def _numeric_range(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    if y_end is not None:
        return None
    d1, d2, m2, y2 = int(m["d1"]), int(m["d2"]), int(m["m2"]), int(m["y2"])
    if m["m1"] is None:
        return date(y2, m2, d1), date(y2, m2, d2), "day"
    m1 = int(m["m1"])
    if (m1, d1) == (m2, d2) or (m1 == m2 and d1 > d2):
        return None
    y1, y2 = _range_years((m1, d1), (m2, d2), _year_of(m["y1"]), y2, year)
    return date(y1, m1, d1), date(y2, m2, d2), "day"


def _numeric_day(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    if m["mm"] is not None:
        day = date(y_end or year, int(m["mm"]), int(m["d1"]))
    else:
        if y_end is not None:
            return None
        day = date(int(m["y1"]), int(m["m1"]), int(m["d1"]))
    return day, day, "day"


def _iso_day(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    if y_end is not None:
        return None
    day = date(int(m["y1"]), int(m["m1"]), int(m["d1"]))
    return day, day, "day"


def _days(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    m2 = _month(m["m2"]) if m["m2"] else None
    m1 = _month(m["m1"]) if m["m1"] else m2
    if m2 is None and m["m2"] is None:
        m2 = m1
    if m1 is None or m2 is None:
        return None
    d1, d2 = _day_number(m["d1"]), _day_number(m["d2"])
    if m1 == m2 and d1 >= d2:
        return None
    y1, y2 = _range_years((m1, d1), (m2, d2), _year_of(m["y1"]), y_end, year)
    return date(y1, m1, d1), date(y2, m2, d2), "day"


def _day(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    month = _month(m["m1"])
    if month is None:
        return None
    day = date(y_end or year, month, _day_number(m["d1"]))
    return day, day, "day"


def _months(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    m1, m2 = _month(m["m1"]), _month(m["m2"])
    if m1 is None or m2 is None or m1 == m2:
        return None
    y1, y2 = _range_years((m1, 0), (m2, 0), _year_of(m["y1"]), y_end, year)
    return date(y1, m1, 1), _last_day(y2, m2), "months"


def _month_only(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    month = _month(m["m1"])
    if month is None:
        return None
    return *_month_span(y_end or year, month, month), "month"


def _half_of_month(y: int, month: int, half: int) -> Interval | None:
    if half == 1:
        return date(y, month, 1), date(y, month, 15), "half_month"
    if half == 2:
        return date(y, month, 16), _last_day(y, month), "half_month"
    return None


def _half_month(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    word, ordinal = next((m[w], m[o]) for w, o in (("m1", "o"), ("m2", "o2"), ("m3", "o3")) if m[w] is not None)
    month, half = _month(word), _ordinal(ordinal)
    if month is None or half is None:
        return None
    return _half_of_month(y_end or year, month, half)


def _third_of_month(y: int, month: int, third: int) -> Interval:
    """Days 1–10, 11–20 or 21–end: what "early", "mid" and "late" (or the decades) of a month cover."""
    if third == 1:
        return date(y, month, 1), date(y, month, 10), "part_month"
    if third == 2:
        return date(y, month, 11), date(y, month, 20), "part_month"
    return date(y, month, 21), _last_day(y, month), "part_month"


def _nth(token: str, last: int) -> int | None:
    """The ordinal of a token (1 and up), `last` for "last", "последняя", "соңғы"."""
    if re.fullmatch(_LAST, token):
        return last
    number = _ordinal(token)
    return number if number is not None and number >= 1 else None


def _decade(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    word, token = (m["m1"], m["o"]) if m["m1"] is not None else (m["m2"], m["o2"])
    month, decade = _month(word), _nth(token, 3)
    if month is None or decade not in (1, 2, 3):
        return None
    return _third_of_month(y_end or year, month, decade)


def _week(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    """The n-th week of a month counted in days from the 1st (the 2nd week is days 8–14), the last week its
    last seven days: calendar weeks (Monday to Sunday) differ from year to year and straddle months, so a
    reader who needs the exact days reads the text kept beside the interval."""
    word, token = (m["m1"], m["o"]) if m["m1"] is not None else (m["m2"], m["o2"])
    month, week = _month(word), _nth(token, 0)
    if month is None or week is None or week > 5:
        return None
    y = y_end or year
    end = _last_day(y, month)
    if week == 0:
        return date(y, month, end.day - 6), end, "part_month"
    if week == 5:  # days 29 to the end: none in a February of 28 days (date() raises, so not understood)
        return date(y, month, 29), end, "part_month"
    return date(y, month, 7 * week - 6), date(y, month, 7 * week), "part_month"


def _season_months(word: str) -> tuple[int, int] | None:
    return next((months for pattern, months in _SEASON_WORDS if pattern.fullmatch(word)), None)


def _seasons(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    """Spring (March–May), summer (June–August), autumn (September–November), or a run of them."""
    first = _season_months(m["s1"])
    last = _season_months(m["s2"]) if m["s2"] else first
    if first is None or last is None or last[0] < first[0]:
        return None
    return *_month_span(y_end or year, first[0], last[1]), "months"


def _part_index(part: str) -> int:
    """1, 2 or 3: which third of the month a part-of-month word names (from the vocabulary's lists)."""
    for third, key in enumerate(("part_first", "part_middle", "part_last"), start=1):
        if any(re.fullmatch(p, part) for p in _WORDS[key]):
            return third
    return 3


def _part_of_month(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    month = _month(m["m1"] if m["m1"] is not None else m["m2"])
    if month is None:
        return None
    part = m["part"] or m["kkpart"]
    return _third_of_month(y_end or year, month, _part_index(part))


def _half_year(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    half = int(m["h"]) if m["h"] else _ordinal(m["o"])
    y = y_end or year
    if half == 1:
        return *_month_span(y, 1, 6), "half_year"
    if half == 2:
        return *_month_span(y, 7, 12), "half_year"
    return None


def _quarters(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    first_token = m["o1"] or m["o3"] or m["q1"] or m["q3"]
    last_token = m["o2"] or m["o4"] or m["q2"] or m["q4"]
    first = _ordinal(first_token)
    last = _ordinal(last_token) if last_token else first
    if first is None or last is None or not (1 <= first <= last <= 4):
        return None
    start, end = _month_span(y_end or year, 3 * first - 2, 3 * last)
    return start, end, "quarter" if first == last else "quarters"


def _whole_year(m: re.Match[str], year: int, y_end: int | None) -> Interval | None:
    return *_month_span(y_end or year, 1, 12), "year"


_FORMS = (  # the most frequent forms first; no two forms read one phrase differently, so order is speed only
    (_MONTH, _month_only),
    (_DAYS_DM, _days),
    (_MONTHS, _months),
    (_HALF_MONTH, _half_month),
    (_DAY_DM, _day),
    (_QUARTERS, _quarters),
    (_HALF_YEAR, _half_year),
    (_DAYS_MD, _days),
    (_DAY_MD, _day),
    (_PART_OF_MONTH, _part_of_month),
    (_DECADE, _decade),
    (_WEEK, _week),
    (_SEASONS, _seasons),
    (_WHOLE_YEAR, _whole_year),
    (_NUMERIC_RANGE, _numeric_range),
    (_NUMERIC_DAY, _numeric_day),
    (_ISO_DAY, _iso_day),
)


def _normalise(text: str) -> str:
    """Lower case, one kind of dash, single spaces, no markup, no trailing dots."""
    s = text.lower().translate(_TRANSLATE)
    if "<" in s:
        s = _TAG.sub("", s)
    return _SPACES.sub(" ", s).strip(_TRAILING)


def _match_form(core: str, year: int, y_end: int | None) -> Interval | None:
    """The interval of the first form that matches the whole phrase and names real dates."""
    for pattern, build in _FORMS:
        m = pattern.fullmatch(core)
        if m is not None:
            try:
                interval = build(m, year, y_end)
            except (ValueError, OverflowError):  # 31 February, month 13, year 0 or past 9999
                continue
            if interval is not None:
                return interval
    return None


def _interval(s: str, year: int) -> Interval | None:
    s = s[_LEADING.match(s).end():]  # type: ignore[union-attr]
    trailing = _TRAILING_YEAR.fullmatch(s)
    if trailing is not None:
        core = trailing["core"] or ""
        y_end = int(trailing["year"])
        if not core:
            return *_month_span(y_end, 1, 12), "year"
        core = core[_LEADING.match(core).end():]  # type: ignore[union-attr]
        return _match_form(core, year, y_end)
    interval = _match_form(s, year, None)
    if interval is None:
        leading = _LEADING_YEAR.fullmatch(s)
        if leading is not None:
            interval = _match_form(leading["core"], year, int(leading["year"]))
    return interval


def _span_precision(start: date, end: date) -> TimingPrecision:
    """The precision of an interval of whole months from January: the year, its first half, quarters, months."""
    if end.month == 12:
        return "year"
    if end.month == 6:
        return "half_year"
    if end.month == 3:
        return "quarter"
    if end.month % 3 == 0:
        return "quarters"
    return "month" if end.month == 1 else "months"


def _by_end(s: str, year: int) -> Interval | None:
    """"by the end of the year", "до конца II квартала", "маусымның соңына дейін": from the start of the year
    to the end of the period named (a year, half-year, quarter or month; a day or a part of a month is not read)."""
    if _BY_YEAR_END.fullmatch(s):
        return *_month_span(year, 1, 12), "year"
    for pattern in _BY_END:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        period = _interval(m["core"].strip(), year)
        if period is None or period[2] not in ("year", "half_year", "quarter", "quarters", "month", "months"):
            return None
        start = date(period[1].year, 1, 1)
        return start, period[1], _span_precision(start, period[1])
    return None


def _qualified(s: str, year: int) -> Interval | None:
    """A timing marked tentative ("June (TBC)", "13 – 17 October (tentative)", "предварительно июнь"): the
    timing without its mark."""
    for pattern in _QUALIFIED:
        m = pattern.fullmatch(s)
        if m is not None and not _TBC.fullmatch(m["core"]):
            interval = _interval(m["core"].strip(), year) or _by_end(m["core"].strip(), year)
            if interval is not None:
                return interval
    return None


def parse_timing(text: str, year: int) -> Timing:
    """Read an indicative timing as printed; `year` is the plan's year, used when the text names none.

    Never raises: a phrase not fully understood (or naming an impossible date) is kept
    with precision `unspecified` and no dates.
    """
    printed = text.strip()
    s = _normalise(printed)
    if not s:
        return Timing(text=printed, precision="unspecified")
    if _TBC.fullmatch(s):
        return Timing(text=printed, precision="tbc")
    try:
        interval = _interval(s, year) or _by_end(s, year) or _qualified(s, year)
    except (ValueError, OverflowError):  # a year out of range for `date`
        interval = None
    if interval is None or interval[0] > interval[1]:
        return Timing(text=printed, precision="unspecified")
    starts_on, ends_on, precision = interval
    return Timing(text=printed, starts_on=starts_on, ends_on=ends_on, precision=precision)
