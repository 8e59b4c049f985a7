"""Page layout analysis for the PDF reader: lines -> tables, columns and blocks, page by page.

The pieces live by concern: `pdf_geometry` (words, lines, text joins, `LayoutSettings`),
`pdf_tables` (ruled and whitespace tables, tables over pages), `pdf_columns` (side-by-side
and flush-right columns, centring); this module puts a page in reading order and builds blocks.

Everything here works on relative measures (font size, line pitch, the page's own
text frame; see `pdf_geometry.LayoutSettings`), never on absolute coordinates. The input
is plain data (words, rules, ruled table grids) so this module never touches pdfplumber
and is cheap to test. Pages are laid out in order: a table that runs to the foot of a page
is carried to the next, whose top lines may continue it (`pdf_tables.continue_table`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from circulars.reading.pdf_columns import find_flush_right, find_side_by_side, mark_centered, split_line
from circulars.reading.pdf_geometry import (
    SETTINGS,
    Grid,
    LayoutSettings,
    Line,
    Rule,
    Word,
    closes_up,
    group_lines,
    join_at_line_break,
    join_cell_lines,
    words_text,
)
from circulars.reading.pdf_tables import TableDraft, continue_table, find_whitespace_table, finish_table, merge_tables
from circulars.reading.vocabulary import DOCUMENT_SYMBOL_RE, NOTE_SYMBOL_RE
from models.document import Block

__all__ = [  # what pdf.py and the tests use; geometry and tables live in their own modules
    "SETTINGS", "Grid", "LayoutSettings", "Line", "PageContent", "Rule", "TableDraft", "Word",
    "group_lines", "join_cell_lines", "layout_document", "words_text",
]

_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|\(\d{1,3}\)|\([a-z]{1,3}\)|[a-z][.)]|[ivx]{1,5}[.)]|[IVX]{1,5}\.)(?:\s|$)")
_DASHES = re.compile(r"^[-‐‑‒–—―_=]{3,}$")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:(?:page|стр\.?|страница|бет)\s*)?\d{1,4}(?:\s*(?:of|/|из)\s*\d{1,4})?[-–—\s]*$", re.I)


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


def _two_columns(page: int, top: float, splits: list[tuple[Line | None, Line | None]],
                 frame: tuple[float, float], mid: float) -> list[tuple[float, FlowItem]]:
    """Flow items reading a two-column run: the left column's lines, then the right's, each closed by a break."""
    lefts = [a for a, _ in splits if a is not None]
    rights = [b for _, b in splits if b is not None]
    mark_centered(lefts, (frame[0], mid))
    mark_centered(rights, (mid, frame[1]))
    parts: list[FlowItem] = [*lefts, ColumnBreak(page), *rights, ColumnBreak(page)]
    return [(top + n * 1e-6, part) for n, part in enumerate(parts)]


# --- one page ---------------------------------------------------------------------------------


def _is_page_furniture(line: Line, index: int, count: int, page_height: float) -> bool:
    """A bare page number at the very top or bottom of the page."""
    if index not in (0, count - 1):
        return False
    margin = SETTINGS.furniture_margin * page_height
    in_margin = line.top < margin or line.bottom > page_height - margin
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
    return _without_page_numbers(content, group_lines(content.words, content.page))


def _without_page_numbers(content: PageContent, lines: list[Line]) -> list[Line]:
    return [ln for i, ln in enumerate(lines) if not _is_page_furniture(ln, i, len(lines), content.height)]


def _drop_running_heads(pages: list[PageContent], page_lines: list[list[Line]]) -> list[list[Line]]:
    """Drop a running head or foot: a short line printed as the first or last line of several
    pages, within the page margins (a document's symbol, a title, a browser's date and title
    or URL and "1/9"). Left in, they would cut a table continued over pages in two. A symbol's
    first occurrence stays: it may be the only place the symbol is printed."""
    found = [_margin_lines(content, lines) for content, lines in zip(pages, page_lines)]
    counts = Counter(key for keys in found for key in keys.values())
    seen: set[tuple[str, str]] = set()
    out: list[list[Line]] = []
    for lines, keys in zip(page_lines, found):
        running = {index: key for index, key in keys.items() if counts[key] >= 2}
        drop = {index for index, key in running.items() if key in seen or not _names_a_symbol(key[1])}
        seen.update(running.values())
        out.append([ln for i, ln in enumerate(lines) if i not in drop])
    return out


def _names_a_symbol(text: str) -> bool:
    return bool(DOCUMENT_SYMBOL_RE.search(text) or NOTE_SYMBOL_RE.search(text))


_COUNTER = re.compile(r"(?<![\w/])\d{1,4}\s*(?:/|of|из)\s*\d{1,4}(?![\w/])", re.I)
_COUNTER_MARK = "\x00"


def _margin_lines(content: PageContent, lines: list[Line]) -> dict[int, tuple[str, str]]:
    """The page's first and last lines that could be a running head or foot: index -> (end, key),
    the key being the text with a page counter ("3/9", "3 of 9") masked."""
    margin = SETTINGS.furniture_margin * content.height
    keys: dict[int, tuple[str, str]] = {}
    if lines and lines[0].top < margin:
        keys[0] = ("head", lines[0].text)
    if len(lines) > 1 and lines[-1].bottom > content.height - margin:
        keys[len(lines) - 1] = ("foot", lines[-1].text)
    out: dict[int, tuple[str, str]] = {}
    for index, (end, text) in keys.items():
        masked = _COUNTER.sub(_COUNTER_MARK, text)
        limit = SETTINGS.running_head_words * (3 if masked != text else 1)
        if len(text.split()) <= limit:
            out[index] = (end, masked)
    return out


def layout_document(pages: list[PageContent], inventory: list[int] | None = None) -> list[Block]:
    """Lay out every page against the document's usual text frame, then build the blocks.

    With `inventory`, the count of letters and digits each page prints (page furniture left out)
    is appended to it: what the blocks must hold, so a layout that loses text can be told.
    """
    page_lines = _drop_running_heads(pages, [_page_lines(p) for p in pages])
    # a page number above a running foot (or below a head) is at the page's end once that is gone
    page_lines = [_without_page_numbers(p, lines) for p, lines in zip(pages, page_lines)]
    if inventory is not None:
        for content, lines in zip(pages, page_lines):
            words = [w for ln in lines for w in ln.words]
            words += [w for grid in content.grids for row in grid.cells for cell in row for w in cell]
            inventory.append(sum(1 for w in words for c in w.text if c.isalnum()))
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


def _table_width(table: TableDraft) -> int:
    return len(table.header) if table.header is not None else max((len(r.cells) for r in table.rows), default=0)


def _open_table(flow: PageFlow) -> TableDraft | None:
    """The table that runs to the foot of the page (nothing but rules after it), if any."""
    for item in reversed(flow.items):
        if isinstance(item, Rule):
            continue
        return item if isinstance(item, TableDraft) else None
    return None


def layout_page(content: PageContent, lines: list[Line], frame: tuple[float, float],
                carried: TableDraft | None = None) -> PageFlow:
    """Put one page's lines, ruled tables and rules into reading order.

    `carried` is a table that ran to the foot of the page before: a ruled table opening this
    page continues it (no header of its own to find), and so do lines at the top of this page
    that fit a whitespace table's columns.
    """
    page = content.page
    grids = content.grids
    flow = PageFlow(page=page)
    grid_items: list[tuple[float, FlowItem]] = []
    top_of_page = min((ln.top for ln in lines), default=float("inf"))
    for grid in grids:
        # a ruled table carried over from the page before, opening this page, has no header of its
        # own to find: its first row is the repeated header or the tail of a split row
        continued = (
            carried is not None
            and grid.top <= top_of_page
            and grid is min(grids, key=lambda g: g.top)
            and bool(grid.cells)
            and len(grid.cells[0]) == _table_width(carried)
        )
        table = finish_table(page, grid.top, list(zip(grid.cells, grid.limits)), find_header=not continued)
        if table is not None:
            grid_items.append((grid.top, table))
    mark_centered(lines, frame)

    items: list[tuple[float, FlowItem]] = list(grid_items)
    spans: list[tuple[float, float]] = [(g.top, g.bottom) for g in grids]
    i = 0
    first_grid = min((g.top for g in grids), default=float("inf"))
    if carried is not None and carried.columns and lines and lines[0].bottom < first_grid:
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
            splits = [split_line(ln, mid) for ln in run]
            items.extend(_two_columns(page, run[0].top, splits, frame, mid))
            i = end
            continue
        flush = find_flush_right(lines, i, frame)
        if flush is not None:
            end, gaps = flush
            splits = [split_line(ln, mid) for ln, mid in zip(lines[i:end], gaps)]
            items.extend(_two_columns(page, lines[i].top, splits, frame, min(gaps)))
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
    return weights.most_common(1)[0][0] if weights else SETTINGS.default_body_size


def _normal_pitch(flows: list[PageFlow], body: float) -> float:
    """The usual baseline-to-baseline distance inside a paragraph, as a multiple of the font size."""
    ratios: Counter[float] = Counter()
    for flow in flows:
        prev: Line | None = None
        for it in flow.items:
            if isinstance(it, Line):
                if (prev is not None and abs(prev.size - it.size) < SETTINGS.pitch_size_tolerance * body
                        and abs(it.size - body) < SETTINGS.pitch_body_tolerance * body):
                    r = (it.baseline - prev.baseline) / it.size
                    if SETTINGS.pitch_range[0] <= r <= SETTINGS.pitch_range[1]:
                        ratios[round(r * 20) / 20] += 1
                prev = it
            else:
                prev = None
    if not ratios:
        return SETTINGS.default_pitch
    # Line spacing inside a paragraph is the tightest common spacing, not the most common one: in a
    # note of one-line paragraphs, the gaps between paragraphs outnumber the lines wrapped in one.
    total = sum(ratios.values())
    clusters: list[Counter[float]] = []
    for ratio in sorted(ratios):
        if clusters and ratio - max(clusters[-1]) <= SETTINGS.pitch_cluster + 1e-9:
            clusters[-1][ratio] = ratios[ratio]
        else:
            clusters.append(Counter({ratio: ratios[ratio]}))
    for cluster in clusters:
        if sum(cluster.values()) >= max(2, SETTINGS.pitch_cluster_share * total):
            return cluster.most_common(1)[0][0]
    return ratios.most_common(1)[0][0]


def _heading_levels(flows: list[PageFlow], body: float) -> dict[float, int]:
    sizes = sorted({round(it.size * 2) / 2 for f in flows for it in f.items if isinstance(it, Line) and it.size >= SETTINGS.heading_ratio * body}, reverse=True)
    return {s: i + 1 for i, s in enumerate(sizes)}


def build_blocks(flows: list[PageFlow]) -> list[Block]:
    """Group lines into headings, paragraphs and list items; keep tables and rules; join tables over pages.

    A paragraph or list item cut by a page break goes on at the top of the next page
    (`_continues_over_page`): it stays one block, on the page it starts on.
    """
    body = _body_size(flows)
    pitch = _normal_pitch(flows, body)
    levels = _heading_levels(flows, body)
    blocks: list[Block] = []
    current: list[Line] = []
    is_item = False

    def close() -> None:
        nonlocal current, is_item
        if current:
            blocks.append(_text_block(current, is_item, body, levels))
        current = []
        is_item = False

    right_before = 0.0
    for flow in flows:
        right = max((it.x1 for it in flow.items if isinstance(it, Line)), default=0.0)
        for position, it in enumerate(flow.items):
            if isinstance(it, Line):
                text = it.text
                if _DASHES.match(text.replace(" ", "")):
                    close()
                    blocks.append(Block(kind="rule", page=it.page))
                    continue
                numbered = bool(_NUMBERED.match(text))
                if current and not numbered:
                    if position == 0 and current[-1].page != it.page:
                        if _continues_over_page(current, it, is_item, right_before):
                            current.append(it)
                            continue
                    elif _continues(current, it, pitch, is_item):
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
        if not flow.items:
            close()
        right_before = right
    close()
    return merge_tables(blocks)


def _continues_over_page(current: list[Line], line: Line, is_item: bool, right: float) -> bool:
    """Does the first line of a page carry on the block that ended the page before?

    Only a block in the same style whose last line was full (the line's first word would
    not have fitted after it, short of `right`, the page's text edge), that ends no sentence,
    and whose lines start where this one does (a list item's text after its number).
    """
    prev = current[-1]
    size = max(prev.size, line.size)
    if (prev.bold, prev.italic) != (line.bold, line.italic) or prev.centered or line.centered:
        return False
    if abs(prev.size - line.size) > SETTINGS.paragraph_size_tolerance * size:
        return False
    if prev.text.rstrip("”\"’)»").endswith((".", ":", ";", "!", "?")):
        return False
    first = line.words[0]
    if right - prev.x1 > (first.x1 - first.x0) + size:
        return False
    if len(current) >= 2:
        start = current[-1].x0
    else:
        head = current[0]
        start = head.words[1].x0 if is_item and len(head.words) > 1 else head.x0
    return abs(line.x0 - start) <= size


def _continues(current: list[Line], line: Line, pitch: float, is_item: bool) -> bool:
    """Does `line` carry on the block so far (normal spacing, same style, same alignment)?"""
    prev = current[-1]
    if (prev.bold, prev.italic) != (line.bold, line.italic):
        return False
    if abs(prev.size - line.size) > SETTINGS.paragraph_size_tolerance * max(prev.size, line.size):
        return False
    if prev.centered != line.centered:
        return False
    gap = line.baseline - prev.baseline
    size = max(prev.size, line.size)
    slope, extra = SETTINGS.paragraph_pitch_slack
    if gap <= 0 or gap > (pitch * slope + extra) * size:
        return False
    if len(current) >= 2 and current[-2].page == prev.page and gap > prev.baseline - current[-2].baseline + SETTINGS.paragraph_gap_growth * size:
        return False
    a, b = _script(prev), _script(line)
    if a and b and a != b and _may_start_paragraph(prev, line):
        return False
    indented = line.x0 > prev.x0 + SETTINGS.indent * line.size
    return not (indented and not is_item and not line.centered and len(current) > 1)


def _may_start_paragraph(prev: Line, line: Line) -> bool:
    """Could `line` start a new paragraph after `prev`? Not when `prev` ends mid-sentence and `line`
    opens with no capital: a Russian sentence wrapped before its "(SOC/2023-III/DRAFT/3)." goes on."""
    if prev.text.rstrip("”\"’)»").endswith((".", ":", ";", "!", "?")):
        return True
    if line.text[:1] in "«“„\"'":
        return False  # "... исключить слова" / «Anti-Smuggling ...»: a sentence going on into what it quotes
    first = line.text[:1]
    return first.isalpha() and first.isupper()


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
    if latin >= SETTINGS.script_share * total:
        return "latin"
    if cyrillic >= SETTINGS.script_share * total:
        return "cyrillic"
    return None


def _block_text(lines: list[Line]) -> str:
    """The block's lines joined by "\\n", except where a line break is no space (`closes_up`)."""
    text = ""
    for ln in lines:
        if text and closes_up(text, ln.text):
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
    level = levels.get(round(size * 2) / 2, 0) if size >= SETTINGS.heading_ratio * body else 0
    kind = "heading" if level else ("list_item" if is_item else "paragraph")
    return Block(kind=kind, page=lines[0].page, text=text, bold=bold, italic=italic, centered=centered, level=level)
