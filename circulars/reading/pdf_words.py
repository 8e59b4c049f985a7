"""Words in a table cell's lines: is a line break between two words, or inside one word broken at the cell edge?

Used by `pdf_tables.cell_text`; the word lists are English and Russian (pyspellchecker's, offline).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from circulars.reading import lexicon

FUNCTION_WORDS = frozenset(lexicon.data()["function_words"]["all"])
"""Words a line can start with after a wrap between words (never the tail of a word broken at the edge)."""


_LETTERS = re.compile(r"[^\w-]+")


@functools.cache
def _dictionaries() -> tuple[Any, ...]:
    """Word lists of English and Russian (pyspellchecker's, shipped with the package; loaded once)."""
    from spellchecker import SpellChecker

    return tuple(SpellChecker(language=lang, distance=1) for lang in ("en", "ru"))


def _known(word: str) -> bool:
    return any(word in d for d in _dictionaries())


def two_words(before: str, after: str) -> bool:
    """Are "Epidemiological" / "security," two words wrapped apart, not one word broken at the cell edge?
    Yes when the second starts a capitalised word after a lowercase letter (a broken word never
    resumes in capitals: "Республикасы" / "Сыртқы", in any language), or when each half is a word
    of the language (English, Russian) and the two run together are none."""
    first, second = _LETTERS.sub("", before), _LETTERS.sub("", after)
    if first[-1:].islower() and second[:1].isupper() and second[1:2].islower():
        return True
    a, b = first.casefold(), second.casefold()
    if len(a) < 2 or len(b) < 2 or not a.isalpha() or not b.replace("-", "").isalpha():
        return False
    return _known(a) and _known(b) and not _known(a + b)


def one_word(before: str, after: str) -> bool:
    """Is "Министерст" / "во" one word broken at the cell edge? Yes when the two run together are
    a word of the language (English, Russian) and the first alone is none."""
    a, b = (_LETTERS.sub("", t).casefold() for t in (before, after))
    return a.isalpha() and b.isalpha() and _known(a + b) and not _known(a)
