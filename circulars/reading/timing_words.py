"""The words and calendar arithmetic of the timing grammar (`timing.parse_timing`): every spelling of a month
(EN, RU cases, KK case suffixes), ordinals in three languages, and the days a span of months covers."""

from __future__ import annotations

import calendar
import re
from datetime import date

from circulars.reading import lexicon

# --- vocabulary -------------------------------------------------------------------

_MONTH_WORDS = lexicon.data()["months"]
_EN_MONTHS = _MONTH_WORDS["en"]
_EN_ABBREVIATIONS = {**{short: n for n, short in enumerate(_MONTH_WORDS["en_short"], start=1)}, "sept": 9}
_RU_STEMS = [tuple(pair) for pair in _MONTH_WORDS["ru_stems"]]  # stem, endings of its case forms
_RU_ABBREVIATIONS = {**{short: n for n, short in enumerate(_MONTH_WORDS["ru_short"], start=1)}, "февр": 2, "сент": 9, "нояб": 11}
_KK_MONTHS = _MONTH_WORDS["kk"]
_KK_SUFFIXES = (
    "", "ы", "і", "да", "де", "та", "те", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі",
    "ның", "нің", "дың", "дің", "тың", "тің", "нан", "нен", "дан", "ден", "тан", "тен",
    "ға", "ге", "қа", "ке", "на", "не",
)


def _month_forms() -> dict[str, int]:
    forms: dict[str, int] = {}
    for number, name in enumerate(_EN_MONTHS, start=1):
        forms[name] = number
    forms.update(_EN_ABBREVIATIONS)
    for number, (stem, endings) in enumerate(_RU_STEMS, start=1):
        for ending in endings.split():
            forms[stem + ending.strip("_")] = number
    forms.update(_RU_ABBREVIATIONS)
    for number, name in enumerate(_KK_MONTHS, start=1):
        for suffix in _KK_SUFFIXES:
            forms[name + suffix] = number
    return forms


MONTH_FORMS: dict[str, int] = _month_forms()
"""Every spelling of a month this parser knows (EN, RU cases, KK with case suffixes) -> 1..12."""

_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4,
    "i": 1, "ii": 2, "iii": 3, "iv": 4,
    "бірінші": 1, "екінші": 2, "үшінші": 3, "төртінші": 4,
}
_ROMAN_LETTERS = set("iіv")
_ORDINAL_STEMS = (("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("четвёрт", 4))


def _ordinal(token: str) -> int | None:
    """1 from "1", "1st", "1-е", "1-ші", "first", "I", "первая", "бірінші"."""
    digits = re.match(r"\d+", token)
    if digits:
        return int(digits.group(0))
    token = token.replace("і", "i") if set(token) <= _ROMAN_LETTERS else token  # Cyrillic І as a roman one
    if token in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[token]
    for stem, value in _ORDINAL_STEMS:
        if token.startswith(stem):
            return value
    return None


def _month(word: str | None) -> int | None:
    return None if word is None else MONTH_FORMS.get(word.rstrip("."))


# --- building intervals -------------------------------------------------------------


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), _last_day(year, last)


def _day_number(token: str) -> int:
    return int(re.match(r"\d+", token).group(0))  # type: ignore[union-attr]


def _year_of(token: str | None) -> int | None:
    return None if token is None else int(token)


def _range_years(start: tuple[int, int], end: tuple[int, int], y_start: int | None, y_end: int | None,
                 year: int) -> tuple[int, int]:
    """Years of a range's ends: explicit ones win; an end that comes before the start runs into the next year."""
    wraps = start > end
    if y_start is None and y_end is None:
        return year, year + 1 if wraps else year
    if y_end is None:
        return y_start, y_start + 1 if wraps else y_start  # type: ignore[return-value,operator]
    if y_start is None:
        return (y_end - 1 if wraps else y_end), y_end
    return y_start, y_end
