"""The reader's vocabulary, loaded from `vocabulary.toml`: phrase lists per language, compiled once.

The parsers never spell a phrase; they ask for a concept ("silence_concluded",
"shall_read", "action") and get a compiled pattern or a list of (pattern, value) pairs.
Placeholders in the file ({ITEM}, {N}, {N2}, {Q1}, {Q2}, {SYMBOL}, {TO_BODY}) are expanded
here, so the file stays readable.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Any

LANGUAGES = ("en", "ru", "kk")
FLAGS = re.IGNORECASE

_OPEN_QUOTES = "\"“«‘'„"
_CLOSE_QUOTES = "\"”»’'“"


def _quoted(name: str) -> str:
    """A quoted text in any of the quotation styles circulars use, captured as `name`."""
    return rf"[{_OPEN_QUOTES}]\s*(?P<{name}>[^\n]+?)\s*[{_CLOSE_QUOTES}](?=[\s,.;:)]|$)"


_SYMBOL = r"(?P<symbol>[A-Z][A-Z0-9]{1,11}/(?:19|20)\d\d(?:-(?:[IVXLC]+|\d{1,2}))?/[A-Z]{2,12}/\d{1,4}(?:/(?:Rev|Corr|Add)\.\s?\d+)*)"
_TO_BODY = r"(?:\s+to\s+(?:the\s+)?[^,.;]{1,80}?\s+to\s+(?:adopt|approve|consider|endorse|take\s+note\s+of))?"


@functools.cache
def data() -> dict[str, Any]:
    """The parsed vocabulary file."""
    with resources.files("circulars.reading").joinpath("vocabulary.toml").open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def _placeholders() -> dict[str, str]:
    items = [p for lang in LANGUAGES for p in data()["item_words"].get(lang, [])]
    return {
        "{ITEM}": "|".join(items),
        "{N}": r"(?P<n>\d{1,3})",
        "{N2}": r"(?P<n2>\d{1,3})",
        "{Q1}": _quoted("before"),
        "{Q2}": _quoted("after"),
        "{SYMBOL}": _SYMBOL,
        "{TO_BODY}": _TO_BODY,
    }


def expand(pattern: str) -> str:
    for key, value in _placeholders().items():
        pattern = pattern.replace(key, value)
    return pattern


def _unnamed(pattern: str) -> str:
    """The pattern without group names, so several can be joined into one alternative."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


def patterns(concept: str, languages: tuple[str, ...] = LANGUAGES) -> list[re.Pattern[str]]:
    """Every pattern of a concept in the given languages, compiled, in file order."""
    return list(_compiled(concept, languages))


@functools.cache
def _compiled(concept: str, languages: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    entry = data()[concept]
    keys = [k for k in languages if k in entry] + (["all"] if "all" in entry else [])
    return tuple(re.compile(expand(p), FLAGS) for key in keys for p in entry[key])


@functools.cache
def pattern(concept: str, languages: tuple[str, ...] = LANGUAGES) -> re.Pattern[str]:
    """One pattern matching any phrase of the concept (for "does the text say this at all")."""
    entry = data()[concept]
    keys = [k for k in languages if k in entry] + (["all"] if "all" in entry else [])
    alternatives = [f"(?:{_unnamed(expand(p))})" for key in keys for p in entry[key]]
    return re.compile("|".join(alternatives) or r"(?!x)x", FLAGS)


@functools.cache
def mapped(concept: str, languages: tuple[str, ...] | None = None) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, value) pairs of a mapped concept (actions, change words, headings, columns ...)."""
    return tuple(
        (re.compile(expand(row["pattern"]), FLAGS), row["value"])
        for row in data()[concept]
        if languages is None or row.get("lang") is None or row.get("lang") in languages
    )


def search(concept: str, text: str, languages: tuple[str, ...] = LANGUAGES) -> re.Match[str] | None:
    """The first match of any of the concept's patterns in `text` (patterns tried in file order)."""
    for compiled in _compiled(concept, languages):
        found = compiled.search(text)
        if found:
            return found
    return None


def first_value(concept: str, text: str) -> str | None:
    """The value of the first (pattern, value) entry of a mapped concept that matches `text`."""
    for compiled, value in mapped(concept):
        if compiled.search(text):
            return value
    return None
