"""Page layout analysis for the PDF reader: words -> lines -> tables, columns and blocks.

Everything here works on relative measures (font size, line pitch, the page's own
text frame), never on absolute coordinates, so A4 and Letter, serif and sans, wide
and narrow margins read the same. The input is plain data (words, rules, ruled
table grids) so this module never touches pdfplumber and is cheap to test.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from models.document import Block, TableRow

_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]{1,3}\)|[a-z][.)]|[ivx]{1,5}[.)]|[IVX]{1,5}\.)(?:\s|$)")
_DASHES = re.compile(r"^[-‐‑‒–—―_=]{3,}$")
_DASH_CELL = re.compile(r"^[-‐‑‒–—―_]+$")
_NUMERIC_CELL = re.compile(r"^[\d\s.,:/()\u00a0\u202f–-]*\d[\d\s.,:/()\u00a0\u202f–-]*$")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:(?:page|стр\.?|страница|бет)\s*)?\d{1,4}(?:\s*(?:of|/|из)\s*\d{1,4})?[-–—\s]*$", re.I)
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
_SPACES = re.compile(r"[ \t]{2,}")
_HEADING_RATIO = 1.08  # a heading is set at least this much larger than the body text


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


@dataclass(slots=True)
class TableDraft:
    """A table read off one page, before tables continued over pages are joined."""

    page: int
    top: float
    rows: list[TableRow]
    header: list[str] | None = None
    columns: list[tuple[float, float]] | None = None  # a whitespace table's column extents
    size: float = 0.0  # its font size


@dataclass(slots=True)
class ColumnBreak:
    """Marks the end of one column of a side-by-side region in the reading flow."""

    page: int


FlowItem = Line | TableDraft | Rule | ColumnBreak


@dataclass(slots=True)
class PageFlow:
    """One page's lines, tables, rules and column breaks in reading order."""

    page: int
    items: list[FlowItem] = field(default_factory=list)


def normalise(text: str) -> str:
    """NFC, runs of spaces collapsed; everything else (NBSP, quotes, dashes) kept as printed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def words_text(words: list[Word]) -> str:
    """Join words left to right; a space only where the glyphs are visibly apart.

    After "№" a gap narrower than a space glyph (~0.3 em) is no space: browsers justify a
    line by widening the gap after such wide signs as well as the spaces.
    """
    parts: list[str] = []
    prev: Word | None = None
    for w in words:
        gap = w.x0 - prev.x1 if prev is not None else 0.0
        size = min(w.size, prev.size) if prev is not None else w.size
        if prev is not None and gap > 0.1 * size and not (prev.text.endswith("№") and gap < 0.3 * size):
            parts.append(" ")
        parts.append(w.text)
        prev = w
    return normalise("".join(parts))


def merge_superscripts(words: list[Word]) -> list[Word]:
    """Glue a small raised word ("th" after "9") to the word before it, without a space."""
    merged: list[Word] = []
    for w in words:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and len(w.text) <= 4
            and w.size <= 0.85 * prev.size
            and w.bottom <= prev.bottom - 0.2 * prev.size
            and -0.1 * prev.size <= w.x0 - prev.x1 <= 0.25 * prev.size
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
            if w.bottom - ref.bottom <= 0.25 * min(w.size, ref.size):
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


def _superscript_host(small: list[Word], other: list[Word] | None) -> list[Word] | None:
    """`other` if every word of `small` is a smaller raised word right after one of its words."""
    if not other:
        return None
    for w in small:
        if not any(
            w.size <= 0.85 * o.size
            and w.bottom < o.bottom
            and w.bottom > o.top
            and -0.1 * o.size <= w.x0 - o.x1 <= 0.25 * o.size
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
    if _closes_up(before, after):
        return before + after
    return before + " " + after


def _closes_up(before: str, after: str) -> bool:
    """A line break that is no space: after a word's hyphen, or after "№" (it sticks to its number)."""
    return bool(after[:1].isalnum() and (_HARD_HYPHEN_END.search(before) or before.endswith("№")))


def cell_text(words: list[Word], limit: float | None = None) -> str:
    """The text of one table cell from its words; `limit` is the right edge text may reach."""
    if not words:
        return ""
    lines = group_lines(words, 0)
    texts = [ln.text for ln in lines]
    forced = [False] * len(lines)
    if limit is not None:
        for i in range(len(lines) - 1):
            line, nxt = lines[i], lines[i + 1]
            first = nxt.words[0]
            char = (first.x1 - first.x0) / max(1, len(first.text))
            single = len(line.words) == 1 and texts[i][-1:].isalnum()
            forced[i] = single and limit - line.x1 < 1.5 * char
    return join_cell_lines(texts, forced)


def _row_is_bold(cells: list[list[Word]]) -> bool:
    """A row is bold when every non-empty cell past a leading number is set in bold."""
    texts = [c for c in cells if c]
    if texts and _NUMERIC_CELL.match(words_text(texts[0])) and len(texts) > 1:
        texts = texts[1:]
    if not texts:
        return False
    for cell in texts:
        n = sum(len(w.text) for w in cell)
        b = sum(len(w.text) for w in cell if w.bold)
        if b * 2 <= n:
            return False
    return True


def _is_dash_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and all(_DASH_CELL.match(c.replace(" ", "")) for c in filled)


RawRow = tuple[list[list[Word]], list[float | None]]


def finish_table(page: int, top: float, raw_rows: list[RawRow], find_header: bool = True) -> TableDraft | None:
    """Turn rows of cell words into a table: texts joined, dash-only and empty rows dropped, header found.

    Each raw row is its cells' words and, per cell, the right edge its text may reach. A
    table continued from the page before has no header of its own to find (a repeated
    one is dropped when the parts are joined).
    """
    rows: list[TableRow] = []
    for cells, limits in raw_rows:
        texts = [cell_text(c, limit) for c, limit in zip(cells, limits)]
        if not any(texts) or _is_dash_row(texts):
            continue
        rows.append(TableRow(cells=texts, page=page, bold=_row_is_bold(cells)))
    if not rows:
        return None
    header = None
    if find_header and len(rows) >= 2 and _looks_like_header(rows[0], rows[1:]):
        header = rows[0].cells
        rows = rows[1:]
    return TableDraft(page=page, top=top, rows=rows, header=header)


def _looks_like_header(first: TableRow, rest: list[TableRow]) -> bool:
    """A header row holds labels, not data: no numeric cell, while the body has numbers or differs in weight."""
    filled = [c for c in first.cells if c]
    if len(filled) < 2 or any(_NUMERIC_CELL.match(c) for c in filled):
        return False
    body_numeric = sum(1 for r in rest if any(_NUMERIC_CELL.match(c) for c in r.cells if c))
    if body_numeric * 2 >= len(rest):
        return True
    return first.bold and sum(1 for r in rest if r.bold) * 2 < len(rest)


# --- whitespace (unruled) tables ------------------------------------------------------------


def _segments(line: Line, min_gap: float) -> list[tuple[float, float]]:
    """The x-extents of the line's word runs separated by at least `min_gap`."""
    segs: list[list[float]] = []
    for w in line.words:
        if segs and w.x0 - segs[-1][1] < min_gap:
            segs[-1][1] = max(segs[-1][1], w.x1)
        else:
            segs.append([w.x0, w.x1])
    return [(a, b) for a, b in segs]


class _Columns:
    """Column extents of a whitespace table as they grow line by line; refuses lines that cross a gutter."""

    def __init__(self, extents: list[tuple[float, float]], size: float):
        self.ext = [list(e) for e in extents]
        self.size = size

    def place(self, line: Line) -> list[int] | None:
        """Column index for each word, or None if the line does not fit the columns."""
        ext = [e[:] for e in self.ext]
        min_gutter = 0.5 * self.size
        word_gap = 0.6 * self.size
        placed: list[int] = []
        prev: Word | None = None
        for w in line.words:
            hits = [i for i, (a, b) in enumerate(ext) if w.x0 < b - 0.01 and w.x1 > a + 0.01]
            if len(hits) > 1:
                return None
            if hits:
                col = hits[0]
            else:
                col = min(range(len(ext)), key=lambda i: max(ext[i][0] - w.x1, w.x0 - ext[i][1]))
            if prev is not None and w.x0 - prev.x1 < word_gap and placed[-1] != col:
                return None
            if placed and col < placed[-1]:
                return None
            ext[col][0] = min(ext[col][0], w.x0)
            ext[col][1] = max(ext[col][1], w.x1)
            placed.append(col)
            prev = w
        for i in range(len(ext) - 1):
            if ext[i + 1][0] - ext[i][1] < min_gutter:
                return None
        self.ext = ext
        return placed


def _split_rows(lines: list[Line], places: list[list[int]], cols: _Columns) -> list[list[int]]:
    """Group table lines into rows.

    Rows set apart by extra spacing are split there, unless the first column's entries
    disagree (a header set off from tightly packed rows): then a row starts where the
    first column has content, or where a column gets text that cannot be a wrap of the
    line above (it would have fitted, or it is a second amount).
    """
    pitches = [lines[i].baseline - lines[i - 1].baseline for i in range(1, len(lines))]
    size = cols.size
    numbered = {i for i in range(1, len(lines)) if 0 in places[i]}
    cut = _spacing_cut(pitches, 0.2 * size)
    if cut is not None:
        spaced = {i for i in range(1, len(lines)) if pitches[i - 1] > cut}
        if numbered <= spaced or not spaced <= numbered:
            return _groups([0, *sorted(spaced)], len(lines))
    starts = [0]
    for i in range(1, len(lines)):
        if i in numbered or _cannot_wrap(lines, places, starts[-1], i, cols):
            starts.append(i)
    return _groups(starts, len(lines))


def _spacing_cut(pitches: list[float], step: float) -> float | None:
    """The pitch above which lines are set apart: the first jump of more than `step` in the
    sorted pitches. Not the smallest pitch plus `step`: one line pushed down by a superscript
    (a browser grows the line box for it) makes one pitch too small and one too large."""
    ordered = sorted(pitches)
    for a, b in zip(ordered, ordered[1:]):
        if b - a > step:
            return a + step
    return None


def _cannot_wrap(lines: list[Line], places: list[list[int]], row_first: int, i: int, cols: _Columns) -> bool:
    """Does line i put text in a column where it cannot continue the row's text above?"""
    for c in set(places[i]):
        prev_i = max((k for k in range(row_first, i) if c in places[k]), default=None)
        if prev_i is None:
            continue
        prev_words = [w for w, p in zip(lines[prev_i].words, places[prev_i]) if p == c]
        cur_words = [w for w, p in zip(lines[i].words, places[i]) if p == c]
        if _NUMERIC_CELL.match(words_text(prev_words)) and _NUMERIC_CELL.match(words_text(cur_words)):
            return True
        first = cur_words[0]
        room = cols.ext[c][1] - prev_words[-1].x1
        if room > (first.x1 - first.x0) + 0.5 * first.size:
            return True
    return False


def _groups(starts: list[int], count: int) -> list[list[int]]:
    bounds = [*starts, count]
    return [list(range(bounds[k], bounds[k + 1])) for k in range(len(starts))]


def find_whitespace_table(lines: list[Line], start: int) -> tuple[int, TableDraft] | None:
    """A table of ≥3 aligned columns starting at `lines[start]`; returns (end index, table) or None."""
    head = lines[start]
    size = head.size
    segs = _segments(head, 0.9 * size)
    if len(segs) < 3:
        return None
    cols = _Columns(segs, size)
    end, taken, places = _grow_table(lines, start, cols, size, margin_lines=True)
    if len(taken) < 3:
        return None
    raw_rows = _raw_rows(taken, places, cols)
    if sum(1 for cells, _ in raw_rows if sum(1 for c in cells if c) >= 2) < 2:
        return None
    table = finish_table(head.page, head.top, raw_rows)
    if table is None:
        return None
    return end, _with_columns(table, cols)


def continue_table(lines: list[Line], start: int, carried: TableDraft) -> tuple[int, TableDraft] | None:
    """The rows at the top of a page that go on with the table that ended the page before.

    They are read against that table's columns (which may widen, never cross a gutter), so
    a tail of a split row in one column, or rows whose last column is empty on this page,
    keep their columns. A line with text in the first column only is no row (a short line
    of prose at the margin); the table ends at the first line that does not fit.
    """
    if not carried.columns or start >= len(lines):
        return None
    cols = _Columns(carried.columns, carried.size)
    end, taken, places = _grow_table(lines, start, cols, carried.size, margin_lines=False)
    if not taken:
        return None
    table = finish_table(taken[0].page, taken[0].top, _raw_rows(taken, places, cols), find_header=False)
    if table is None:
        return None
    return end, _with_columns(table, cols)


def _grow_table(lines: list[Line], start: int, cols: _Columns, size: float, margin_lines: bool) -> tuple[int, list[Line], list[list[int]]]:
    """Take lines into the table while they fit its columns at a table's line pitch and size.

    `margin_lines`: may a line hold text in the first column only?
    """
    taken: list[Line] = []
    places: list[list[int]] = []
    pitches: list[float] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if taken:
            pitch = line.baseline - taken[-1].baseline
            limit = max(2.2 * size, 1.6 * statistics.median(pitches)) if pitches else 2.6 * size
            if pitch > limit:
                break
        if abs(line.size - size) > 0.25 * size:
            break
        placed = cols.place(line)
        if placed is None or (not margin_lines and set(placed) == {0}):
            break
        if taken:
            pitches.append(line.baseline - taken[-1].baseline)
        taken.append(line)
        places.append(placed)
        i += 1
    return i, taken, places


def _raw_rows(taken: list[Line], places: list[list[int]], cols: _Columns) -> list[RawRow]:
    ncols = len(cols.ext)
    limits: list[float | None] = [e[1] for e in cols.ext]
    raw_rows: list[RawRow] = []
    for group in _split_rows(taken, places, cols):
        cells: list[list[Word]] = [[] for _ in range(ncols)]
        for li in group:
            for w, c in zip(taken[li].words, places[li]):
                cells[c].append(w)
        raw_rows.append((cells, limits))
    return raw_rows


def _with_columns(table: TableDraft, cols: _Columns) -> TableDraft:
    table.columns = [(a, b) for a, b in cols.ext]
    table.size = cols.size
    return table


# --- side-by-side columns (bilingual letterheads) -------------------------------------------


def _widest_gap(line: Line, min_gap: float) -> tuple[float, float] | None:
    best: tuple[float, float] | None = None
    reach = line.words[0].x1
    for w in line.words[1:]:
        if w.x0 - reach >= min_gap and (best is None or w.x0 - reach > best[1] - best[0]):
            best = (reach, w.x0)
        reach = max(reach, w.x1)
    return best


def _gap_between(a: Line, b: Line, min_gap: float) -> tuple[float, float] | None:
    """The gap between two lines set side by side at slightly different heights, if any."""
    if b.x0 - a.x1 >= min_gap:
        return a.x1, b.x0
    if a.x0 - b.x1 >= min_gap:
        return b.x1, a.x0
    return None


def _narrow(line: Line, gutter: tuple[float, float], min_gap: float) -> tuple[float, float] | None:
    """The gutter left open by this line too, or None if a word crosses it."""
    g0, g1 = gutter
    mid = (g0 + g1) / 2
    left = [w.x1 for w in line.words if (w.x0 + w.x1) / 2 < mid]
    right = [w.x0 for w in line.words if (w.x0 + w.x1) / 2 >= mid]
    n0 = max([g0 - 1e9] + left) if left else g0
    n1 = min(right) if right else g1
    n0, n1 = max(g0, n0), min(g1, n1)
    if n1 - n0 < min_gap:
        return None
    return n0, n1


def find_side_by_side(lines: list[Line], start: int, frame: tuple[float, float]) -> tuple[int, int, float] | None:
    """A run of lines split by one vertical gutter into two columns set side by side.

    Returns (first index, end index, gutter x) if the run has text on both sides over
    overlapping heights and both columns are substantial; otherwise None.
    """
    line = lines[start]
    size = line.size
    min_gap = 1.2 * size

    def near(a: Line, b: Line) -> bool:
        return abs(b.baseline - a.baseline) <= 2.2 * max(a.size, b.size)

    gap = _widest_gap(line, min_gap)
    if gap is None and start + 1 < len(lines) and near(line, lines[start + 1]):
        gap = _gap_between(line, lines[start + 1], min_gap)
    if gap is None:
        return None
    width = frame[1] - frame[0]
    gutter = gap

    first = start
    while first > 0 and near(lines[first - 1], lines[first]):
        narrowed = _narrow(lines[first - 1], gutter, min_gap)
        if narrowed is None:
            break
        gutter = narrowed
        first -= 1
    end = start + 1
    while end < len(lines) and near(lines[end - 1], lines[end]):
        narrowed = _narrow(lines[end], gutter, min_gap)
        if narrowed is None:
            break
        gutter = narrowed
        end += 1
    mid = (gutter[0] + gutter[1]) / 2
    left = [w for ln in lines[first:end] for w in ln.words if w.x1 <= mid]
    right = [w for ln in lines[first:end] for w in ln.words if w.x0 >= mid]
    left_lines = [ln for ln in lines[first:end] if any(w.x1 <= mid for w in ln.words)]
    right_lines = [ln for ln in lines[first:end] if any(w.x0 >= mid for w in ln.words)]
    if len(left_lines) < 2 or len(right_lines) < 2:
        return None
    if max(w.x1 for w in left) - min(w.x0 for w in left) < 0.25 * width:
        return None
    if max(w.x1 for w in right) - min(w.x0 for w in right) < 0.25 * width:
        return None
    l_top, l_bot = left_lines[0].top, left_lines[-1].bottom
    r_top, r_bot = right_lines[0].top, right_lines[-1].bottom
    overlap = min(l_bot, r_bot) - max(l_top, r_top)
    if overlap < 0.5 * min(l_bot - l_top, r_bot - r_top):
        return None
    return first, end, mid


def _split_line(line: Line, mid: float) -> tuple[Line | None, Line | None]:
    left = [w for w in line.words if (w.x0 + w.x1) / 2 < mid]
    right = [w for w in line.words if (w.x0 + w.x1) / 2 >= mid]
    out: list[Line | None] = []
    for words in (left, right):
        if words:
            part = Line(words=words, page=line.page)
            part.refresh()
            out.append(part)
        else:
            out.append(None)
    return out[0], out[1]


def _mark_centered(lines: list[Line], frame: tuple[float, float]) -> None:
    """Judge centring: a line centred in the frame with clear margins both sides, or a run of
    same-style lines sharing one centre while their left edges differ (a centred block whose
    widest line fills the frame). A first line of an indented paragraph is not centred."""
    x0, x1 = frame
    width = x1 - x0
    if width <= 0 or not lines:
        return
    centre = (x0 + x1) / 2

    def tol(ln: Line) -> float:
        return max(0.5 * ln.size, 0.01 * width)

    for ln in lines:
        margin = 1.5 * ln.size
        ln.centered = ln.x0 - x0 >= margin and x1 - ln.x1 >= margin and abs((ln.x0 + ln.x1) / 2 - centre) <= tol(ln)
    for run in _style_runs(lines):
        if len(run) < 2:
            continue
        centres = [(ln.x0 + ln.x1) / 2 for ln in run]
        if max(centres) - min(centres) <= tol(run[0]) and max(ln.x0 for ln in run) - min(ln.x0 for ln in run) > run[0].size:
            for ln in run:
                ln.centered = True
        else:
            for a, b in zip(run, run[1:]):
                if a.centered and not b.centered and b.x0 < a.x0 - 0.5 * a.size:
                    a.centered = False


def _style_runs(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines at normal spacing in the same style (candidate blocks)."""
    runs: list[list[Line]] = []
    for ln in lines:
        if runs:
            prev = runs[-1][-1]
            pitch = ln.baseline - prev.baseline
            same = (prev.bold, prev.italic) == (ln.bold, ln.italic) and abs(prev.size - ln.size) <= 0.08 * ln.size
            if same and 0 < pitch <= 1.6 * max(prev.size, ln.size):
                runs[-1].append(ln)
                continue
        runs.append([ln])
    return runs


# --- one page ---------------------------------------------------------------------------------


def _is_page_furniture(line: Line, index: int, count: int, page_height: float) -> bool:
    """A bare page number at the very top or bottom of the page."""
    if index not in (0, count - 1):
        return False
    in_margin = line.top < 0.12 * page_height or line.bottom > 0.88 * page_height
    return in_margin and bool(_PAGE_NUMBER.match(line.text))


@dataclass(slots=True)
class PageContent:
    """What the reader pulled off one page: words, ruled-table grids, rules and the page height."""

    page: int
    words: list[Word]
    grids: list[Grid]
    rules: list[Rule]
    height: float


def _page_lines(content: PageContent) -> list[Line]:
    lines = group_lines(content.words, content.page)
    return [ln for i, ln in enumerate(lines) if not _is_page_furniture(ln, i, len(lines), content.height)]


def layout_document(pages: list[PageContent]) -> list[Block]:
    """Lay out every page against the document's usual text frame, then build the blocks."""
    page_lines = [_page_lines(p) for p in pages]
    lefts = sorted(min(ln.x0 for ln in lines) for lines in page_lines if lines)
    rights = sorted(max(ln.x1 for ln in lines) for lines in page_lines if lines)
    usual = (lefts[len(lefts) // 2], rights[len(rights) // 2]) if lefts else (0.0, 0.0)
    flows: list[PageFlow] = []
    carried: TableDraft | None = None
    for content, lines in zip(pages, page_lines):
        if lines:
            frame = (min(usual[0], min(ln.x0 for ln in lines)), max(usual[1], max(ln.x1 for ln in lines)))
        else:
            frame = usual
        flow = layout_page(content, lines, frame, carried)
        flows.append(flow)
        carried = _open_table(flow)
    return build_blocks(flows)


def _open_table(flow: PageFlow) -> TableDraft | None:
    """The whitespace table that runs to the foot of the page (nothing but rules after it), if any."""
    for item in reversed(flow.items):
        if isinstance(item, Rule):
            continue
        return item if isinstance(item, TableDraft) and item.columns else None
    return None


def layout_page(content: PageContent, lines: list[Line], frame: tuple[float, float],
                carried: TableDraft | None = None) -> PageFlow:
    """Put one page's lines, ruled tables and rules into reading order.

    `carried` is a table that ran to the foot of the page before: lines at the top of this
    page that fit its columns continue it (before any ruled table of this page).
    """
    page = content.page
    grids = content.grids
    flow = PageFlow(page=page)
    grid_items: list[tuple[float, FlowItem]] = []
    for grid in grids:
        table = finish_table(page, grid.top, list(zip(grid.cells, grid.limits)))
        if table is not None:
            grid_items.append((grid.top, table))
    _mark_centered(lines, frame)

    items: list[tuple[float, FlowItem]] = list(grid_items)
    spans: list[tuple[float, float]] = [(g.top, g.bottom) for g in grids]
    i = 0
    first_grid = min((g.top for g in grids), default=float("inf"))
    if carried is not None and lines and lines[0].bottom < first_grid:
        found = continue_table([ln for ln in lines if ln.bottom < first_grid], 0, carried)
        if found is not None:
            end, table = found
            items.append((lines[0].top, table))
            spans.append((lines[0].top, lines[end - 1].bottom))
            i = end
    while i < len(lines):
        found = find_whitespace_table(lines, i)
        if found is not None:
            end, table = found
            items.append((lines[i].top, table))
            spans.append((lines[i].top, lines[end - 1].bottom))
            i = end
            continue
        side = find_side_by_side(lines, i, frame)
        if side is not None:
            first, end, mid = side
            # Lines before `first` were already emitted in a previous step only if first >= i.
            first = max(first, i)
            run = lines[first:end]
            lefts, rights = [], []
            for ln in run:
                a, b = _split_line(ln, mid)
                if a is not None:
                    lefts.append(a)
                if b is not None:
                    rights.append(b)
            _mark_centered(lefts, (frame[0], mid))
            _mark_centered(rights, (mid, frame[1]))
            top = run[0].top
            seq = 0.0
            for part in lefts:
                items.append((top + seq * 1e-6, part))
                seq += 1
            items.append((top + seq * 1e-6, ColumnBreak(page)))
            seq += 1
            for part in rights:
                items.append((top + seq * 1e-6, part))
                seq += 1
            items.append((top + seq * 1e-6, ColumnBreak(page)))
            i = end
            continue
        items.append((lines[i].top, lines[i]))
        i += 1
    for rule in content.rules:
        if any(a - 2 <= rule.y <= b + 2 for a, b in spans):
            continue
        items.append((rule.y, rule))
    items.sort(key=lambda t: t[0])
    flow.items = [it for _, it in items]
    return flow


# --- the whole document -----------------------------------------------------------------------


def _body_size(flows: list[PageFlow]) -> float:
    weights: Counter[float] = Counter()
    for flow in flows:
        for it in flow.items:
            if isinstance(it, Line):
                weights[it.size] += len(it.text)
    return weights.most_common(1)[0][0] if weights else 10.0


def _normal_pitch(flows: list[PageFlow], body: float) -> float:
    """The usual baseline-to-baseline distance inside a paragraph, as a multiple of the font size."""
    ratios: Counter[float] = Counter()
    for flow in flows:
        prev: Line | None = None
        for it in flow.items:
            if isinstance(it, Line):
                if prev is not None and abs(prev.size - it.size) < 0.05 * body and abs(it.size - body) < 0.1 * body:
                    r = (it.baseline - prev.baseline) / it.size
                    if 0.9 <= r <= 2.5:
                        ratios[round(r * 20) / 20] += 1
                prev = it
            else:
                prev = None
    return ratios.most_common(1)[0][0] if ratios else 1.2


def _heading_levels(flows: list[PageFlow], body: float) -> dict[float, int]:
    sizes = sorted({round(it.size * 2) / 2 for f in flows for it in f.items if isinstance(it, Line) and it.size >= _HEADING_RATIO * body}, reverse=True)
    return {s: i + 1 for i, s in enumerate(sizes)}


def _merge_tables(blocks: list[Block]) -> list[Block]:
    """Join a table continued on the next page (same columns, header repeated or absent) into one block.

    Rules between the two parts (a row's border at the foot of the page) are dropped; a first
    row that continues the row the page break split (see `_is_row_tail`) joins that row.
    """
    out: list[Block] = []
    for block in blocks:
        k = len(out) - 1
        while k >= 0 and out[k].kind == "rule":
            k -= 1
        prev = out[k] if k >= 0 else None
        if (
            block.kind == "table"
            and prev is not None
            and prev.kind == "table"
            and block.page == (prev.rows[-1].page if prev.rows else prev.page) + 1
            and _width(block) == _width(prev)
        ):
            rows = list(block.rows)
            same_header = block.header is not None and prev.header is not None and _same(block.header, prev.header)
            if block.header is None or same_header:
                if prev.header is not None and rows and _same(rows[0].cells, prev.header):
                    rows = rows[1:]
                joined = list(prev.rows)
                if rows and joined and _is_row_tail(rows[0], joined):
                    joined[-1] = _join_rows(joined[-1], rows[0])
                    rows = rows[1:]
                del out[k:]
                out.append(prev.model_copy(update={"rows": [*joined, *rows]}))
                continue
        out.append(block)
    return out


def _is_row_tail(first: TableRow, rows: list[TableRow]) -> bool:
    """Is the first row after a page break the rest of the row the break split?

    Only in a numbered table (most rows carry a number in the first column): the tail has
    no number, no second amount in a column where the row above has one, and the row's weight.
    """
    last = rows[-1]
    if first.cells[0].strip() or not last.cells[0].strip():
        return False
    if sum(1 for r in rows if r.cells[0].strip()) * 2 < len(rows):
        return False
    if first.bold != last.bold:
        return False
    for above, below in zip(last.cells, first.cells):
        if above and below and _NUMERIC_CELL.match(above) and _NUMERIC_CELL.match(below):
            return False
    return any(first.cells)


def _join_rows(row: TableRow, tail: TableRow) -> TableRow:
    cells = [join_cell_lines([a, b]) for a, b in zip(row.cells, tail.cells)]
    return row.model_copy(update={"cells": cells})


def _width(block: Block) -> int:
    if block.header is not None:
        return len(block.header)
    return len(block.rows[0].cells) if block.rows else 0


def _same(a: list[str], b: list[str]) -> bool:
    return [c.casefold() for c in a] == [c.casefold() for c in b]


def build_blocks(flows: list[PageFlow]) -> list[Block]:
    """Group lines into headings, paragraphs and list items; keep tables and rules; join tables over pages."""
    body = _body_size(flows)
    pitch = _normal_pitch(flows, body)
    levels = _heading_levels(flows, body)
    blocks: list[Block] = []
    for flow in flows:
        current: list[Line] = []
        is_item = False

        def close() -> None:
            nonlocal current, is_item
            if current:
                blocks.append(_text_block(current, is_item, body, levels))
            current = []
            is_item = False

        for it in flow.items:
            if isinstance(it, Line):
                text = it.text
                if _DASHES.match(text.replace(" ", "")):
                    close()
                    blocks.append(Block(kind="rule", page=it.page))
                    continue
                numbered = bool(_NUMBERED.match(text))
                if current and not numbered and _continues(current, it, pitch, is_item):
                    current.append(it)
                    continue
                close()
                current = [it]
                is_item = numbered
            elif isinstance(it, TableDraft):
                close()
                blocks.append(Block(kind="table", page=it.page, header=it.header, rows=it.rows))
            elif isinstance(it, Rule):
                close()
                blocks.append(Block(kind="rule", page=it.page))
            else:
                close()
        close()
    return _merge_tables(blocks)


def _continues(current: list[Line], line: Line, pitch: float, is_item: bool) -> bool:
    """Does `line` carry on the block so far (normal spacing, same style, same alignment)?"""
    prev = current[-1]
    if (prev.bold, prev.italic) != (line.bold, line.italic):
        return False
    if abs(prev.size - line.size) > 0.08 * max(prev.size, line.size):
        return False
    if prev.centered != line.centered:
        return False
    gap = line.baseline - prev.baseline
    size = max(prev.size, line.size)
    if gap <= 0 or gap > (pitch * 1.15 + 0.05) * size:
        return False
    if len(current) >= 2 and gap > current[-1].baseline - current[-2].baseline + 0.12 * size:
        return False
    a, b = _script(prev), _script(line)
    if a and b and a != b:
        return False
    indented = line.x0 > prev.x0 + 1.0 * line.size
    if indented and not is_item and not line.centered and len(current) > 1:
        return False
    return True


def _script(line: Line) -> str | None:
    """'latin' or 'cyrillic' when one alphabet clearly dominates the line, else None."""
    latin = cyrillic = 0
    for ch in line.text:
        if ch.isalpha():
            if "\u0400" <= ch <= "\u04ff":
                cyrillic += 1
            elif ch < "\u0250":
                latin += 1
    total = latin + cyrillic
    if total < 6:
        return None
    if latin >= 0.8 * total:
        return "latin"
    if cyrillic >= 0.8 * total:
        return "cyrillic"
    return None


def _block_text(lines: list[Line]) -> str:
    """The block's lines joined by "\\n", except where a line break is no space (`_closes_up`)."""
    text = ""
    for ln in lines:
        if text and _closes_up(text, ln.text):
            text = join_at_line_break(text, ln.text)
        else:
            text = f"{text}\n{ln.text}" if text else ln.text
    return text


def _text_block(lines: list[Line], is_item: bool, body: float, levels: dict[float, int]) -> Block:
    text = _block_text(lines)
    chars = sum(len(ln.text) for ln in lines)
    size = max(ln.size for ln in lines)
    bold = sum(len(ln.text) for ln in lines if ln.bold) * 2 > chars
    italic = sum(len(ln.text) for ln in lines if ln.italic) * 2 > chars
    centered = all(ln.centered for ln in lines)
    level = levels.get(round(size * 2) / 2, 0) if size >= _HEADING_RATIO * body else 0
    kind = "heading" if level else ("list_item" if is_item else "paragraph")
    return Block(kind=kind, page=lines[0].page, text=text, bold=bold, italic=italic, centered=centered, level=level)
