"""Columns within a page's lines for the PDF reader: two columns set side by side (a bilingual
letterhead), words set flush right far from their line (a symbol and date opposite a body's
name), and which lines are centred in their frame. All in ems and the page's own frame.
"""

from __future__ import annotations

from circulars.reading.pdf_geometry import SETTINGS, Line


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
    min_gap = SETTINGS.side_gutter * size

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


def find_flush_right(lines: list[Line], start: int, frame: tuple[float, float]) -> tuple[int, list[float]] | None:
    """Lines whose last words stand apart, set flush right (a symbol and date opposite a body's
    name, as a word processor's tab stop or borderless table puts them): (end index, the gap's
    middle on each line) for the run of such lines from `start`, or None.

    The right part stands at least `SETTINGS.flush_right_gap` ems from the words before it
    (lines of prose never have such gaps) and is set flush right: the right parts of the run
    end together, or a lone one ends at the frame's right edge.
    """
    gaps: list[float] = []
    rights: list[float] = []
    end = start
    while end < len(lines):
        line = lines[end]
        if gaps and abs(line.baseline - lines[end - 1].baseline) > 2.2 * max(line.size, lines[end - 1].size):
            break
        mid = _flush_right_gap(line)
        if mid is None and gaps and line.x0 > max(gaps):
            mid = gaps[-1]  # a line of the right column alone (the left one ran out of lines)
        if mid is None or (rights and abs(line.x1 - rights[0]) > 0.5 * line.size):
            break
        gaps.append(mid)
        rights.append(line.x1)
        end += 1
    if not gaps or (len(gaps) == 1 and frame[1] - rights[0] > 2.0 * lines[start].size):
        return None
    return end, gaps


def _flush_right_gap(line: Line) -> float | None:
    if len(line.words) < 2:
        return None
    words = line.words
    k = max(range(1, len(words)), key=lambda n: words[n].x0 - max(w.x1 for w in words[:n]))
    reach = max(w.x1 for w in words[:k])
    if words[k].x0 - reach < SETTINGS.flush_right_gap * line.size:
        return None
    return (reach + words[k].x0) / 2


def split_line(line: Line, mid: float) -> tuple[Line | None, Line | None]:
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


def mark_centered(lines: list[Line], frame: tuple[float, float]) -> None:
    """Judge centring: a line centred in the frame with clear margins both sides, or a run of
    same-style lines sharing one centre while their left edges differ (a centred block whose
    widest line fills the frame). A first line of an indented paragraph is not centred, nor a
    paragraph's last line that happens to sit mid-frame under lines sharing its left edge."""
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
                if b.centered and not a.centered and abs(b.x0 - a.x0) <= 0.5 * a.size:
                    b.centered = False  # the short last line of a paragraph set flush left (or justified)


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
