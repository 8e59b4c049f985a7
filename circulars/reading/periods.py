"""Periods a deadline is moved by ("by one week", "на 7 (семь) дней", "бір аптаға"), counted in days or not at all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from circulars.reading import lexicon


@dataclass(frozen=True)
class RelativePeriod:
    """A period a deadline is moved by ("by one week"): whole days, or why it cannot be counted."""

    phrase: str
    start: int
    end: int
    days: int | None
    unread: str | None = None


_RELATIVE_NUMBERS: dict[str, int] = lexicon.data()["relative_period"]["numbers"]


def relative_period(text: str, start: int = 0, end: int | None = None) -> RelativePeriod | None:
    """The first "by one week" / "на 7 (семь) дней" / "бір аптаға" in text[start:end]. Weeks and calendar days
    count; working days (holidays unknown) and hours (a deadline's hour kept, not shifted) are not counted."""
    found = [m for compiled in lexicon.patterns("relative_period") if (m := compiled.search(text, start, len(text) if end is None else end))]
    if not found:
        return None
    m = min(found, key=lambda f: f.start())
    unit = m.group("unit").lower()
    number = m.group("n")
    n = 1 if number is None else (int(number) if number.isdigit() else _RELATIVE_NUMBERS.get(number.lower()))
    phrase = m.group(0).strip()
    if n is None or n == 0:
        return RelativePeriod(phrase, m.start(), m.end(), None, f"\"{phrase}\": a period the reader cannot count")
    if re.search(r"working|business|рабоч|жұмыс", unit):
        return RelativePeriod(phrase, m.start(), m.end(), None, f"\"{phrase}\": working days depend on holidays the reader does not know")
    if re.search(r"hour|час|сағат", unit):
        return RelativePeriod(phrase, m.start(), m.end(), None, f"\"{phrase}\": a deadline moved by hours is not read")
    weeks = re.search(r"week|недел|апта", unit) is not None
    return RelativePeriod(phrase, m.start(), m.end(), n * 7 if weeks else n)
