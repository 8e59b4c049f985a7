"""Tables for the PDF reader: cells from ruled grids or whitespace columns, and tables over pages.

A table is read on its page (`finish_table` for ruled grids, `find_whitespace_table` for
columns aligned by white space), continued on the next page against its own columns
(`continue_table`), and its parts joined (`merge_tables`): a repeated header is dropped and
the tail of a row split by the page break joins that row instead of becoming an item.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from circulars.reading.pdf_geometry import SETTINGS, Line, Word, group_lines, join_cell_lines, words_text
from circulars.reading.pdf_words import FUNCTION_WORDS, one_word, two_words
from models.document import Block, TableRow

_DASH_CELL = re.compile(r"^[-‐‑‒–—―_]+$")
NUMERIC_CELL = re.compile(r"^[\d\s.,:/()\u00a0\u202f–-]*\d[\d\s.,:/()\u00a0\u202f–-]*$")


@dataclass(slots=True)
class TableDraft:
    """A table read off one page, before tables continued over pages are joined."""

    page: int
    top: float
    rows: list[TableRow]
    header: list[str] | None = None
    columns: list[tuple[float, float]] | None = None  # a whitespace table's column extents
    size: float = 0.0  # its font size


def cell_text(words: list[Word], limit: float | None = None) -> str:
    """The text of one table cell from its words; `limit` is the right edge text may reach.

    A line that is one word reaching the edge (within a character of the next line's first
    letter: that letter did not fit) may be a word too long for the cell, broken there by the
    renderer ("Amendm" / "ent"): the next line then continues it without a space. Not when the
    next line starts with a word that stands on its own ("to"), nor when both halves are words
    and their join is none ("Epidemiological" / "security,"): a wrap between words that happened
    to fill the line.
    """
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
            standalone = (first.text.lower().strip(".,;:") in FUNCTION_WORDS
                          and not one_word(line.words[0].text, first.text))  # "Министерст" / "во"
            forced[i] = (single and not standalone and limit - line.x1 < 1.5 * char
                         and not two_words(line.words[0].text, first.text))
    return join_cell_lines(texts, forced)


def _row_is_bold(cells: list[list[Word]]) -> bool:
    """A row is bold when every non-empty cell past a leading number is set in bold."""
    texts = [c for c in cells if c]
    if texts and NUMERIC_CELL.match(words_text(texts[0])) and len(texts) > 1:
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
    if len(filled) < 2 or any(NUMERIC_CELL.match(c) for c in filled):
        return False
    body_numeric = sum(1 for r in rest if any(NUMERIC_CELL.match(c) for c in r.cells if c))
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
        min_gutter = SETTINGS.gutter * self.size
        word_gap = SETTINGS.cell_word_gap * self.size
        placed: list[int] = []
        prev: Word | None = None
        for w in line.words:
            hits = [i for i, (a, b) in enumerate(ext) if w.x0 < b - 0.01 and w.x1 > a + 0.01]
            if len(hits) > 1:
                return None
            col = hits[0] if hits else min(range(len(ext)), key=lambda i: max(ext[i][0] - w.x1, w.x0 - ext[i][1]))
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

    def place_loosely(self, line: Line) -> list[int] | None:
        """Column index for each word, the columns taken as a guide only (another page may set
        them wider or narrower): each run of words goes to the column whose left or right edge
        it lines up with best (text is set flush left, amounts flush right); None if a run
        reaches across the left edge of another column (prose over the columns) or the runs
        go back to an earlier column."""
        tolerance = SETTINGS.gutter * self.size
        lefts = [a for a, _ in self.ext]
        placed: list[int] = []
        for run in _runs(line.words, SETTINGS.cell_word_gap * self.size):
            x0, x1 = run[0].x0, max(w.x1 for w in run)
            col = min(range(len(self.ext)), key=lambda i: min(abs(x0 - self.ext[i][0]), abs(x1 - self.ext[i][1])))
            if any(i != col and x0 + tolerance < a < x1 - tolerance for i, a in enumerate(lefts)):
                return None
            if placed and col < placed[-1]:
                return None
            placed.extend([col] * len(run))
        for w, col in zip(line.words, placed):
            self.ext[col][0] = min(self.ext[col][0], w.x0)
            self.ext[col][1] = max(self.ext[col][1], w.x1)
        return placed


def _runs(words: list[Word], gap: float) -> list[list[Word]]:
    """Words left to right in runs split where they stand at least `gap` apart."""
    runs: list[list[Word]] = []
    for w in words:
        if runs and w.x0 - max(v.x1 for v in runs[-1]) < gap:
            runs[-1].append(w)
        else:
            runs.append([w])
    return runs


def _split_rows(lines: list[Line], places: list[list[int]], cols: _Columns) -> list[list[int]]:
    """Group table lines into rows.

    Rows set apart by extra spacing are split there, unless the first column's entries
    disagree (a header set off from tightly packed rows): then a row starts where the
    first column has content, or where a column gets text that cannot be a wrap of the
    line above (it would have fitted, or it is a second amount).
    """
    pitches = [lines[i].baseline - lines[i - 1].baseline for i in range(1, len(lines))]
    size = cols.size
    head = _header_height(lines, places)
    numbered = {i for i in range(head, len(lines)) if 0 in places[i]}
    cut = _spacing_cut(pitches, SETTINGS.row_spacing * size)
    if cut is not None:
        spaced = {i for i in range(1, len(lines)) if pitches[i - 1] > cut}
        if numbered <= spaced or not spaced <= numbered:
            return _groups([0, *sorted(spaced)], len(lines))
    starts = [0]
    for i in range(head, len(lines)):
        if i in numbered or _cannot_wrap(lines, places, starts[-1], i, cols):
            starts.append(i)
    return _groups(starts, len(lines))


def _column_texts(line: Line, placed: list[int]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for w, c in zip(line.words, placed):
        texts.setdefault(c, []).append(w.text)
    return {c: " ".join(t) for c, t in texts.items()}


def _labels_only(line: Line, placed: list[int]) -> bool:
    """A line of labels (a header's line): no cell of it is a number."""
    return not any(NUMERIC_CELL.match(t) for t in _column_texts(line, placed).values())


def _header_height(lines: list[Line], places: list[list[int]]) -> int:
    """How many lines the first row takes when it is a header whose first cell wraps ("№" / "п/п",
    "No. of" / "item") in a table numbered in its first column: the label's second line is no
    new row (a row starts with its number). Lines of labels at a wrapped line's pitch, below a
    first line of at least two labels, until the first line that starts with a number. 1 otherwise."""
    if len(lines) < 2 or len(set(places[0])) < 2 or not _labels_only(lines[0], places[0]):
        return 1
    k = 1
    while k < len(lines) and _labels_only(lines[k], places[k]) and \
            lines[k].baseline - lines[k - 1].baseline <= SETTINGS.header_wrap_pitch * lines[k].size:
        k += 1
    firsts = [_column_texts(ln, p).get(0) for ln, p in zip(lines[k:], places[k:])]
    if k == 1 or not firsts or firsts[0] is None or not NUMERIC_CELL.match(firsts[0]):
        return 1
    numbers = [t for t in firsts if t is not None and NUMERIC_CELL.match(t)]
    if len(numbers) * 2 <= sum(1 for t in firsts if t is not None):
        return 1  # the first column is not a column of numbers: its entries start rows
    return k


def _spacing_cut(pitches: list[float], step: float) -> float | None:
    """The pitch above which lines are set apart: the first jump of more than `step` in the
    sorted pitches above at least two of them. Not the smallest pitch plus `step`: one line
    pushed down by a superscript (a browser grows the line box for it) makes one pitch too
    small and one too large."""
    ordered = sorted(p for p in pitches if p > 4 * step)  # closer than ~0.8 em is no line pitch
    for k, (a, b) in enumerate(zip(ordered, ordered[1:])):
        if b - a > step and k >= 1:  # a single pitch below the jump is an outlier, not the line pitch
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
        if NUMERIC_CELL.match(words_text(prev_words)) and NUMERIC_CELL.match(words_text(cur_words)):
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
    segs = _segments(head, SETTINGS.column_gap * size)
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
    of prose at the margin), nor is one in another size than the table's; the table ends at
    the first line that does not fit.
    """
    if not carried.columns or start >= len(lines):
        return None
    cols = _Columns(carried.columns, carried.size)
    end, taken, places = _grow_table(lines, start, cols, carried.size, margin_lines=False, loose=True)
    if not taken:
        return None
    table = finish_table(taken[0].page, taken[0].top, _raw_rows(taken, places, cols), find_header=False)
    if table is None:
        return None
    return end, _with_columns(table, cols)


def _grow_table(lines: list[Line], start: int, cols: _Columns, size: float, margin_lines: bool,
                loose: bool = False) -> tuple[int, list[Line], list[list[int]]]:
    """Take lines into the table while they fit its columns at a table's line pitch and size.

    `margin_lines`: may a line hold text in the first column only? `loose`: are the columns
    only a guide (see `_Columns.place_loosely`)?
    """
    taken: list[Line] = []
    places: list[list[int]] = []
    pitches: list[float] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if taken:
            pitch = line.baseline - taken[-1].baseline
            limit = max(SETTINGS.table_pitch * size, 1.6 * statistics.median(pitches)) if pitches else 2.6 * size
            if pitch > limit:
                break
        tolerance = SETTINGS.continued_size_tolerance if loose else SETTINGS.table_size_tolerance
        if abs(line.size - size) > tolerance * size:
            break
        placed = cols.place_loosely(line) if loose else cols.place(line)
        if placed is None or (not margin_lines and set(placed) == {0} and not _wraps_header(taken, places, line, placed)):
            break
        if taken:
            pitches.append(line.baseline - taken[-1].baseline)
        taken.append(line)
        places.append(placed)
        i += 1
    return i, taken, places


def _wraps_header(taken: list[Line], places: list[list[int]], line: Line, placed: list[int]) -> bool:
    """Is a line with text in the first column only the second line of a repeated header's first
    cell ("п/п" under "№")? Only right under lines of labels (no numbers) at a wrapped line's pitch."""
    return (bool(taken) and len(set(places[0])) >= 2 and _labels_only(line, placed)
            and all(_labels_only(ln, p) for ln, p in zip(taken, places))
            and line.baseline - taken[-1].baseline <= SETTINGS.header_wrap_pitch * line.size)


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


# --- tables continued over pages ----------------------------------------------------------------


def merge_tables(blocks: list[Block]) -> list[Block]:
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
        if above and below and NUMERIC_CELL.match(above) and NUMERIC_CELL.match(below):
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
