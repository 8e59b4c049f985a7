"""Geometry for the PDF reader: words, lines, their text, and the settings every measure uses.

Everything is relative (to the font size, the line pitch, the page's own frame), never a
renderer's absolute coordinates, so A4 and Letter, serif and sans, reportlab, a browser's
print and a word processor's export read the same. `LayoutSettings` gathers the factors,
each with its meaning; `pdf_tables`, `pdf_columns` and `pdf_layout` build on this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    """Tunable factors of the layout analysis. Unless said otherwise a factor is in ems
    (multiples of the font size of the text concerned)."""

    space_gap: float = 0.1
    """A gap between two glyph runs wider than this is a space between words."""
    numero_gap: float = 0.3
    """After "№" only a gap as wide as a space glyph is a space (browsers widen the gap after
    such wide signs when they justify a line)."""
    baseline_tolerance: float = 0.3
    """Words whose baselines differ by no more than this share a line (a browser lowers a table
    cell's line that holds a superscript by about a quarter em; lines are over 1 em apart)."""
    superscript_size: float = 0.85
    """A superscript is set at most this fraction of the size of the word it follows ..."""
    superscript_raise: float = 0.2
    """... its baseline raised by at least this ..."""
    superscript_gap: tuple[float, float] = (-0.1, 0.25)
    """... and it starts within this distance of that word's end."""
    heading_ratio: float = 1.08
    """A heading is set at least this much larger than the body text (a ratio)."""
    column_gap: float = 0.9
    """In the first line of a whitespace table, runs of words this far apart are columns."""
    gutter: float = 0.5
    """Columns of a whitespace table stay at least this far apart."""
    cell_word_gap: float = 0.6
    """Words closer than this belong to one cell."""
    row_spacing: float = 0.2
    """A jump in line pitch larger than this sets a table's rows apart (see `_spacing_cut`)."""
    table_pitch: float = 2.2
    """A table goes on while the next line is at most this far below (or 1.6 times the median
    pitch so far, or 2.6 ems after its first line)."""
    header_wrap_pitch: float = 1.6
    """A header label's next line lies at most this far below (in ems): a wrap, not a new row."""
    table_size_tolerance: float = 0.25
    """A line whose size differs from the table's by more than this (a ratio) is not in it."""
    continued_size_tolerance: float = 0.08
    """Nor, on the next page, a line that would continue it: one table keeps one size."""
    side_gutter: float = 1.2
    """Two columns set side by side (a bilingual letterhead) are split by at least this gap."""
    flush_right_gap: float = 4.0
    """Words set flush right this far from the rest of their line are a column of their own
    (a symbol and date opposite a body's name)."""
    furniture_margin: float = 0.12
    """A bare page number, or a running head or foot, lies within this fraction of the page
    height from the page's top or foot."""
    running_head_words: int = 4
    """A running head or foot (repeated at the top or foot of pages) has at most this many words."""
    default_body_size: float = 10.0
    """The body text's size (points) of a document with no text lines to measure it on."""
    pitch_size_tolerance: float = 0.05
    """Line pitch is measured on consecutive lines whose sizes differ by less than this (a ratio of
    the body size) ..."""
    pitch_body_tolerance: float = 0.1
    """... set at the body size, within this ratio ..."""
    pitch_range: tuple[float, float] = (0.9, 2.5)
    """... whose baseline distance, in ems, lies in this range (closer is an overprint, farther a gap)."""
    pitch_cluster: float = 0.1
    """Measured pitches within this (ems) of each other are one spacing ..."""
    pitch_cluster_share: float = 0.15
    """... and the tightest spacing with at least this share of the measures (and two of them) is a
    paragraph's line spacing."""
    default_pitch: float = 1.2
    """A paragraph's line spacing (ems) when no two lines could be measured."""
    paragraph_size_tolerance: float = 0.08
    """Lines whose sizes differ by more than this (a ratio) are not in one paragraph."""
    paragraph_pitch_slack: tuple[float, float] = (1.15, 0.05)
    """A paragraph goes on while the next baseline is at most (pitch × a + b) ems below the last."""
    paragraph_gap_growth: float = 0.12
    """A gap this much (ems) wider than the one between the two lines before starts a new paragraph."""
    indent: float = 1.0
    """A line starting this much (ems) right of the line above is indented: a new paragraph."""
    script_share: float = 0.8
    """A line is in one alphabet (Latin, Cyrillic) when that many of its letters are (a share); a change
    of alphabet may start a paragraph (bilingual notes)."""


SETTINGS = LayoutSettings()

_SPACES = re.compile(r"[ \t]{2,}")
_SOFT_HYPHEN_END = re.compile(r"(?<![\w-])([A-Za-z]*[a-z])-$")
_HARD_HYPHEN_END = re.compile(r"\w-$")
_COMPOUND_FIRST = frozenset(
    "anti co counter cross e ex high inter intra long low macro micro mid multi non off on open over part post "
    "pre pro re self semi short sub super trans two three under well wide world".split()
)
"""First halves that make compounds ("non-commercial", "High-tech"): a line ending in one of
these and a hyphen keeps the hyphen. Word processors and browsers do not hyphenate unless
told to, so a hyphen at a line's end is mostly the text's own; only Latin lowercase halves
outside this list are taken for a soft (syllable) hyphen."""


@dataclass(slots=True)
class Word:
    """One word as drawn: text, box, font size and style (from the font name)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool


@dataclass(slots=True)
class Line:
    """Words sharing a baseline, left to right; `centered` is judged against its frame."""

    words: list[Word]
    page: int
    top: float = 0.0
    bottom: float = 0.0
    baseline: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    centered: bool = False

    def refresh(self) -> None:
        """Recompute the line's box and dominant style from its words."""
        words = self.words
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        weights: Counter[float] = Counter()
        bold = italic = total = 0
        for w in words:
            n = len(w.text)
            weights[round(w.size, 1)] += n
            total += n
            bold += n if w.bold else 0
            italic += n if w.italic else 0
        self.size = weights.most_common(1)[0][0]
        self.baseline = max(w.bottom for w in words if w.size >= 0.9 * self.size)
        self.bold = bold * 2 > total
        self.italic = italic * 2 > total

    @property
    def text(self) -> str:
        return words_text(self.words)


@dataclass(slots=True)
class Rule:
    """A horizontal rule: a wide thin drawn line, at vertical position `y`."""

    y: float
    x0: float
    x1: float
    page: int


@dataclass(slots=True)
class Grid:
    """A table found from ruling lines: for each row, the words in each cell."""

    top: float
    bottom: float
    page: int
    cells: list[list[list[Word]]]
    limits: list[list[float | None]]


def normalise(text: str) -> str:
    """NFC, runs of spaces collapsed; everything else (NBSP, quotes, dashes) kept as printed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def words_text(words: list[Word]) -> str:
    """Join words left to right; a space only where the glyphs are visibly apart.

    After "№" a gap narrower than a space glyph (~0.3 em), or clearly narrower than the line's
    usual word gap, is no space: browsers justify a line by widening the gap after such wide
    signs as well as the spaces.
    """
    parts: list[str] = []
    prev: Word | None = None
    spaces = sorted(b.x0 - a.x1 for a, b in zip(words, words[1:]) if not a.text.endswith("№"))
    usual = spaces[len(spaces) // 2] if len(spaces) >= 2 else None
    for w in words:
        gap = w.x0 - prev.x1 if prev is not None else 0.0
        size = min(w.size, prev.size) if prev is not None else w.size
        if prev is not None and gap > SETTINGS.space_gap * size and not (
            prev.text.endswith("№") and _no_space_after_numero(gap, size, usual)
        ):
            parts.append(" ")
        parts.append(w.text)
        prev = w
    return normalise("".join(parts))


def _no_space_after_numero(gap: float, size: float, usual: float | None) -> bool:
    """Is the gap after "№" only a justified line's stretch? Narrower than a space glyph, or
    clearly narrower than the line's usual gap between words (a space plus the stretch)."""
    if gap < SETTINGS.numero_gap * size:
        return True
    return usual is not None and gap < usual - SETTINGS.numero_gap * size * 0.5


def merge_superscripts(words: list[Word]) -> list[Word]:
    """Glue a small raised word ("th" after "9") to the word before it, without a space."""
    merged: list[Word] = []
    for w in words:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and len(w.text) <= 4
            and w.size <= SETTINGS.superscript_size * prev.size
            and w.bottom <= prev.bottom - SETTINGS.superscript_raise * prev.size
            and _follows(w, prev)
        ):
            merged[-1] = Word(prev.text + w.text, prev.x0, max(prev.x1, w.x1), min(prev.top, w.top), prev.bottom, prev.size, prev.bold, prev.italic)
        else:
            merged.append(w)
    return merged


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Cluster words into lines by shared baseline; then hand each small raised word
    (a superscript) to the line whose word it follows."""
    clusters: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if clusters:
            ref = clusters[-1][0]
            if w.bottom - ref.bottom <= SETTINGS.baseline_tolerance * max(w.size, ref.size):
                clusters[-1].append(w)
                continue
        clusters.append([w])
    kept: list[list[Word]] = []
    for k, cluster in enumerate(clusters):
        host = _superscript_host(cluster, clusters[k + 1] if k + 1 < len(clusters) else None)
        if host is None and kept:
            host = _superscript_host(cluster, kept[-1])
        if host is not None:
            host.extend(cluster)
        else:
            kept.append(cluster)
    lines: list[Line] = []
    for cluster in kept:
        line = Line(words=merge_superscripts(sorted(cluster, key=lambda w: w.x0)), page=page)
        line.refresh()
        lines.append(line)
    lines.sort(key=lambda ln: (ln.baseline, ln.x0))
    return lines


def _follows(w: Word, before: Word) -> bool:
    """Does `w` start right after `before` ends (a superscript's place)?"""
    low, high = SETTINGS.superscript_gap
    return low * before.size <= w.x0 - before.x1 <= high * before.size


def _superscript_host(small: list[Word], other: list[Word] | None) -> list[Word] | None:
    """`other` if every word of `small` is a smaller raised word right after one of its words."""
    if not other:
        return None
    for w in small:
        if not any(
            w.size <= SETTINGS.superscript_size * o.size
            and w.bottom < o.bottom
            and w.bottom > o.top
            and _follows(w, o)
            for o in other
        ):
            return None
    return other


def join_cell_lines(lines: list[str], forced: list[bool] | None = None) -> str:
    """Join a wrapped cell's lines with one space; undo a soft hyphen between lowercase halves.

    `forced[i]` says line i is one word broken off at the cell edge (too long to fit), so
    the next line continues that word without a space.
    """
    out = ""
    for i, text in enumerate(lines):
        if not text:
            continue
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif forced and forced[i - 1] and text[0].isalnum():
            out = out + text
        else:
            out = join_at_line_break(out, text)
    return normalise(out)


def join_at_line_break(before: str, after: str) -> str:
    """Join two lines of running text: a space, except after a hyphen that ends a word.

    "Counter-" + "Terrorism" and "SOC/2024-" + "I/DRAFT/1" keep the hyphen and close up
    (browsers and word processors break after a hard hyphen), so does "№" + "DOC/1519";
    "Organi-" + "zation" closes
    up without it (a soft hyphen between Latin lowercase halves, see `_COMPOUND_FIRST`).
    """
    if not before:
        return after
    if not after:
        return before
    soft = _SOFT_HYPHEN_END.search(before)
    if soft and after[0].islower() and after[0].isascii() and soft.group(1).lower() not in _COMPOUND_FIRST:
        return before[:-1] + after
    if closes_up(before, after):
        return before + after
    return before + " " + after


def closes_up(before: str, after: str) -> bool:
    """A line break that is no space: after a word's hyphen, or after "№" (it sticks to its number)."""
    return bool(after[:1].isalnum() and (_HARD_HYPHEN_END.search(before) or before.endswith("№")))
