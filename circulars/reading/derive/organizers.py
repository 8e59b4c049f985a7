"""Organisers of a plan item: the lead (a state or the Secretariat) then its agencies."""

from __future__ import annotations

import re

from circulars.reading import lexicon
from circulars.reading.vocabulary import squash

_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»“"
_ORG_HEADS = set(lexicon.data()["organisations"]["heads"].split())
"""Words that make a comma-separated part an organisation of its own (vocabulary.toml [organisations])."""


def _split_outside(text: str) -> list[str]:
    """Split at ", " except inside parentheses or quotation marks."""
    parts: list[str] = []
    depth = 0
    in_quote = False
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == '"':
            in_quote = not in_quote
        elif char in _OPEN_QUOTES and not in_quote:
            in_quote = True
        elif char in _CLOSE_QUOTES and in_quote:
            in_quote = False
        if char == "," and depth == 0 and not in_quote and text[i + 1: i + 2] == " ":
            parts.append("".join(current).strip())
            current = []
            i += 2
            continue
        current.append(char)
        i += 1
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _names_an_organisation(part: str) -> bool:
    """Whether a comma-separated part is an organisation on its own (has a head noun, an acronym, or "the")."""
    unquoted = re.sub(r"[“«„\"][^”»“\"]*[”»“\"]", " ", part)
    if re.match(r"^(?:the)\s", unquoted, re.I) or re.search(r"\([A-Z][A-Za-z]{1,9}\)", unquoted):
        return True
    head = re.split(r"\s(?:of|for|under|on|in|at|against|to)\s", unquoted, maxsplit=1)[0]
    return any(word.lower() in _ORG_HEADS for word in re.findall(r"[\w-]+", head))


def split_organizers(text: str) -> list[str]:
    """The lead organiser (a state or the Secretariat) then its agencies, split at ", " between organisations.

    A part that names no organisation ("Innovations and Aerospace Industry of the Republic
    of Kazakhstan", "Technological and Nuclear Supervision") continues the previous
    agency's name, which kept a comma: "Ministry of Digital Development, Innovations and
    Aerospace Industry of the Republic of Kazakhstan". The lead is never continued.
    """
    parts = _split_outside(squash(text))
    organisers: list[str] = []
    for part in parts:
        if len(organisers) >= 2 and not _names_an_organisation(part):
            organisers[-1] = f"{organisers[-1]}, {part}"
        else:
            organisers.append(part)
    return organisers
