"""Read a circular's PDF bytes into the document model, on pdfplumber (pdfminer underneath).

Bad input never escapes as anything but a `ReadError` with a specific code, so a
broken file is quarantined with a reason instead of failing a run. Layout decisions
(lines, tables, side-by-side columns, blocks) live in `pdf_layout`; this module only
opens the file, pulls words, ruling lines and tables off each page, and checks that
the text layer is real.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfexceptions import PDFEOFError
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSEOF, PSSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from circulars.reading.errors import ReadError, ReasonCode
from circulars.reading.pdf_layout import Grid, PageContent, Rule, Word, layout_document
from models.document import ReadDocument

_BOLD = re.compile(r"bold|black|heavy", re.I)
_ITALIC = re.compile(r"italic|oblique", re.I)
_LINES_ONLY = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def read_pdf(data: bytes, *, file_name: str | None = None, max_pages: int = 500) -> ReadDocument:
    """Read a PDF into blocks in reading order; raise `ReadError` (only) for anything unreadable."""
    if not data:
        raise ReadError("empty_file", "the file is empty (0 bytes)", file_name=file_name)
    if b"%PDF" not in data[:1024]:
        raise ReadError("not_a_pdf", "no %PDF header in the first 1024 bytes", file_name=file_name)
    if b"%%EOF" not in data[-1024:]:
        raise ReadError("truncated_pdf", "no %%EOF marker in the last 1024 bytes: the file is cut short", file_name=file_name)
    pdf = _open(data, file_name)
    try:
        pages = _pages(pdf, file_name, max_pages)
        contents: list[PageContent] = []
        chars = garbled = 0
        scanned: int | None = None
        for number, page in enumerate(pages, start=1):
            try:
                content, page_chars, page_garbled, looks_scanned = _read_page(page, number)
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(_code_for(exc, "unreadable"), f"page could not be read: {_describe(exc)}", page=number, file_name=file_name) from exc
            finally:
                page.close()
            contents.append(content)
            chars += page_chars
            garbled += page_garbled
            if looks_scanned and scanned is None:
                scanned = number
        if chars == 0:
            raise ReadError("no_text_layer", "no page has any text characters (scanned or image-only PDF)", file_name=file_name)
        if scanned is not None:
            raise ReadError("no_text_layer", "a page is a scanned image without a text layer", page=scanned, file_name=file_name)
        if garbled * 2 > chars:
            raise ReadError("garbled_text", f"{garbled} of {chars} characters have no Unicode mapping (cid codes, private use or replacement characters)", file_name=file_name)
        try:
            inventory: list[int] = []
            blocks = layout_document(contents, inventory)
        except Exception as exc:
            raise ReadError("unreadable", f"layout analysis failed: {_describe(exc)}", file_name=file_name) from exc
        return ReadDocument(media_type="application/pdf", page_count=len(pages), blocks=blocks, page_chars=inventory)
    finally:
        with contextlib.suppress(Exception):  # closing a broken file must not hide the real error
            pdf.close()


def _open(data: bytes, file_name: str | None) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(_code_for(exc, "truncated_pdf"), f"the PDF cannot be opened: {_describe(exc)}", file_name=file_name) from exc


def _pages(pdf: Any, file_name: str | None, max_pages: int) -> list[Any]:
    """The page list, refusing files over `max_pages` before any page is parsed."""
    try:
        declared = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # noqa: BLE001 - a missing count just means we count the pages themselves
        declared = None
    if isinstance(declared, int) and declared > max_pages:
        raise ReadError("too_large", f"{declared} pages, more than the limit of {max_pages}", file_name=file_name)
    try:
        pages = list(pdf.pages)
    except Exception as exc:
        raise ReadError(_code_for(exc, "unreadable"), f"the page tree cannot be read: {_describe(exc)}", file_name=file_name) from exc
    if not pages:
        raise ReadError("unreadable", "the PDF has no pages", file_name=file_name)
    if len(pages) > max_pages:
        raise ReadError("too_large", f"{len(pages)} pages, more than the limit of {max_pages}", file_name=file_name)
    return pages


def _read_page(page: Any, number: int) -> tuple[PageContent, int, int, bool]:
    """Words, ruled tables and rules of one page laid out; plus char counts for the text-layer checks."""
    chars = page.chars
    garbled = _count_unmapped([c["text"] for c in chars])
    looks_scanned = not chars and _images_cover(page)
    raw_words = page.extract_words(
        extra_attrs=["fontname", "size"], use_text_flow=False, keep_blank_chars=False, x_tolerance_ratio=0.15
    )
    words = [_word(w) for w in raw_words if w.get("upright", True) and (w.get("text") or "").strip()]
    body = _median([w.size for w in words]) or 10.0
    grids = _ruled_tables(page, number, words, body)
    if grids:
        words = [w for w in words if not any(_inside(w, g) for g in grids)]
    rules = _rules(page, number, body, grids)
    content = PageContent(page=number, words=words, grids=[g for g, _ in grids], rules=rules, height=float(page.height))
    return content, len(chars), garbled, looks_scanned


def _word(raw: dict[str, Any]) -> Word:
    font = str(raw.get("fontname") or "")
    font = font.split("+", 1)[1] if "+" in font[:8] else font
    return Word(
        text=raw["text"],
        x0=float(raw["x0"]),
        x1=float(raw["x1"]),
        top=float(raw["top"]),
        bottom=float(raw["bottom"]),
        size=float(raw.get("size") or 0.0),
        bold=bool(_BOLD.search(font)),
        italic=bool(_ITALIC.search(font)),
    )


def _ruled_tables(page: Any, number: int, words: list[Word], body: float) -> list[tuple[Grid, tuple[float, float, float, float]]]:
    """Tables drawn with ruling lines; the lines strategy runs only when the page has enough long edges."""
    horizontal = vertical = 0
    for edge in page.edges:
        if edge["orientation"] == "h" and edge["width"] >= body:
            horizontal += 1
        elif edge["orientation"] == "v" and edge["height"] >= body:
            vertical += 1
    if horizontal < 3 or vertical < 3:
        return []
    grids: list[tuple[Grid, tuple[float, float, float, float]]] = []
    settings = {**_LINES_ONLY, "explicit_horizontal_lines": _open_ends(page.edges, body)}
    for table in page.find_tables(settings):
        rows = table.rows
        if len(rows) < 2 or max(len(r.cells) for r in rows) < 2:
            continue
        x0, top, x1, bottom = (float(v) for v in table.bbox)
        inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
        cells: list[list[list[Word]]] = []
        limits: list[list[float | None]] = []
        for row in rows:
            row_cells: list[list[Word]] = [[] for _ in row.cells]
            for w in inside:
                cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
                for k, box in enumerate(row.cells):
                    if box is not None and box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                        row_cells[k].append(w)
                        break
            cells.append(row_cells)
            limits.append([_text_limit(box, found) for box, found in zip(row.cells, row_cells)])
        grids.append((Grid(top=top, bottom=bottom, page=number, cells=cells, limits=limits), (x0, top, x1, bottom)))
    return grids


def _open_ends(edges: list[dict[str, Any]], body: float) -> list[dict[str, Any]]:
    """Horizontal lines closing a ruled table where a page break cut a row open.

    A row split by a page break is drawn without its bottom border (and its tail on the
    next page without a top border unless the header repeats); its column rules still end
    together there. Where at least three vertical rules end at one height, a line joining
    them closes the cells, so the split row is read as a row, not lost as loose text.
    """
    ends: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for edge in edges:
        if edge["orientation"] == "v" and edge["height"] >= body:
            for side in ("top", "bottom"):
                ends.setdefault((side, round(float(edge[side]) / (0.25 * body))), []).append(edge)
    lines: list[dict[str, Any]] = []
    for (side, _), group in ends.items():
        if len(group) < 3:
            continue
        y = sum(float(e[side]) for e in group) / len(group)
        x0, x1 = min(float(e["x0"]) for e in group), max(float(e["x1"]) for e in group)
        lines.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0})
    return lines


def _text_limit(box: tuple[float, float, float, float] | None, words: list[Word]) -> float | None:
    """How far right text may run in a ruled cell: its right edge less the padding seen on the left."""
    if box is None or not words:
        return None
    padding = max(0.0, min(w.x0 for w in words) - float(box[0]))
    return float(box[2]) - padding


def _inside(w: Word, grid: tuple[Grid, tuple[float, float, float, float]]) -> bool:
    x0, top, x1, bottom = grid[1]
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _rules(page: Any, number: int, body: float, grids: list[tuple[Grid, tuple[float, float, float, float]]]) -> list[Rule]:
    """Wide thin horizontal lines or bars that are not part of a ruled table."""
    width = float(page.width)
    found: list[Rule] = []
    for obj in [*page.lines, *page.rects]:
        w = float(obj["x1"]) - float(obj["x0"])
        h = float(obj["bottom"]) - float(obj["top"])
        if h > 0.3 * body or w < 0.3 * width:
            continue
        y = (float(obj["top"]) + float(obj["bottom"])) / 2
        if any(b[1] - 2 <= y <= b[3] + 2 and b[0] - 2 <= float(obj["x0"]) <= b[2] + 2 for _, b in grids):
            continue
        if any(abs(r.y - y) < 0.3 * body for r in found):
            continue
        found.append(Rule(y=y, x0=float(obj["x0"]), x1=float(obj["x1"]), page=number))
    return found


def _images_cover(page: Any) -> bool:
    """Do the page's images cover most of it (a scan), not just a logo?"""
    area = float(page.width) * float(page.height)
    covered = sum(max(0.0, float(i["x1"]) - float(i["x0"])) * max(0.0, float(i["bottom"]) - float(i["top"])) for i in page.images)
    return area > 0 and covered >= 0.5 * area


_UNMAPPED = re.compile(r"\(cid:\d+\)|[\ue000-\uf8ff\ufffd\x00-\x08\x0e-\x1b]")


def _count_unmapped(texts: list[str]) -> int:
    """How many glyphs came out without a Unicode mapping (one regex pass over the page)."""
    return len(_UNMAPPED.findall("".join(texts)))


def unmapped_glyph(text: str) -> bool:
    """Is this extracted character a glyph without a real Unicode mapping?

    pdfminer reports such glyphs as "(cid:NN)"; broken ToUnicode maps give Private Use
    Area code points, U+FFFD or control characters (a font's .notdef comes out as NUL).
    """
    return bool(_UNMAPPED.search(text))


def _median(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _code_for(exc: BaseException, syntax_code: ReasonCode) -> ReasonCode:
    """Map a pdfminer failure to a reason code; syntax-level damage gets `syntax_code`."""
    cause: BaseException = exc
    while isinstance(cause, PdfminerException) and cause.args and isinstance(cause.args[0], BaseException):
        cause = cause.args[0]
    if isinstance(cause, PDFEncryptionError):
        return "encrypted_pdf"
    if isinstance(cause, (PSEOF, PDFEOFError, EOFError)):
        return "truncated_pdf"
    if isinstance(cause, (PDFSyntaxError, PSSyntaxError)):
        return syntax_code
    return "unreadable"


def _describe(exc: BaseException) -> str:
    cause: BaseException = exc
    while isinstance(cause, PdfminerException) and cause.args and isinstance(cause.args[0], BaseException):
        cause = cause.args[0]
    return f"{type(cause).__name__}: {cause}"[:300]
