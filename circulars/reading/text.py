"""The text reader: markdown-like text (what PDF converters produce) into the document model.

It understands just the structure converters emit: `**bold**`, `*italic*`, `## headings`,
`<b>`/`<i>`/`<sup>` tags, numbered lists, `---` rules, tab-separated and pipe tables, and
form feeds as page breaks. Text is kept exactly (NFC); markup is removed, never the words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from circulars.reading.errors import ReadError
from circulars.reading.vocabulary import strip_markup
from models.document import Block, ReadDocument, TableRow

MEDIA_TYPES = ("text/plain", "text/markdown")

# --- decoding -------------------------------------------------------------------------

_CONTROL_OK = set("\t\n\r\f")
MAX_BAD_CHAR_RATIO = 0.01
"""More than 1 % control, private-use or replacement characters means the bytes are not text."""


def decode_text(data: bytes, *, file_name: str | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or cp1251/KZ-1048 that reads as Cyrillic; else ReadError."""
    if not data:
        raise ReadError("empty_file", "the file has no bytes; expected the text of a circular", file_name=file_name)
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = _try_decode(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(data, "utf-16")
    else:
        text = _try_decode(data, "utf-8")
        if text is None:
            text = _legacy_cyrillic(data)
    if text is None:
        raise ReadError(
            "garbled_text",
            "the bytes are neither UTF-8, UTF-16 with a byte-order mark, nor Cyrillic cp1251",
            file_name=file_name,
        )
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if "\x00" in text or _bad_char_ratio(text) > MAX_BAD_CHAR_RATIO:
        raise ReadError("garbled_text", "the text is full of control or replacement characters", file_name=file_name)
    if not text.strip():
        raise ReadError("empty_file", "the file holds only white space; expected the text of a circular",
                        file_name=file_name)
    return text


KZ1048_MOJIBAKE = set("ЌќЋћЎўЈјҐґЄєЇїЅѕ")
"""What Kazakh letters (Қ Һ Ұ Ә Ө Ғ Ү Ң) saved in KZ-1048 look like when read as cp1251."""


def _legacy_cyrillic(data: bytes) -> str | None:
    """cp1251, or KZ-1048 when cp1251 shows the mojibake of Kazakh letters; None unless mostly Cyrillic."""
    text = _try_decode(data, "cp1251")
    if text is not None and KZ1048_MOJIBAKE & set(text):
        text = _try_decode(data, "kz1048")
    return text if text is not None and _mostly_cyrillic(text) else None


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _mostly_cyrillic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    return bool(letters) and cyrillic >= 0.5 * len(letters)


def _bad_char_ratio(text: str) -> float:
    bad = 0
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _CONTROL_OK) or category in ("Co", "Cs", "Cn") or char == "\ufffd":
            bad += 1
    return bad / max(len(text), 1)


# --- lines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    page: int

    @property
    def blank(self) -> bool:
        return not self.text.strip()


_RULE_RE = re.compile(r"^\s*(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|(?:=\s*){3,})$")
_HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_RE = re.compile(r"^\s*(?:\d{1,3}[.)]|[-•–▪●]|\([a-z0-9]{1,3}\)|[a-z][.)])\s+\S")
_PIPE_RE = re.compile(r"^\s*\|.*\|\s*$")
_DASH_CELL_RE = re.compile(r"^[\s\-–—:=_]*$")
_ROW_NUMBER_RE = re.compile(r"^\s*\d{1,3}[.)]?\s*$")


def _table_style(line: _Line) -> str | None:
    if _PIPE_RE.match(line.text) and line.text.count("|") >= 3:
        return "pipe"
    if "\t" in line.text and line.text.strip():
        return "tab"
    return None


def _split_lines(text: str) -> tuple[list[_Line], int]:
    pages = text.split("\f")
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    lines = [
        _Line(raw.rstrip(" \u00a0") if "\t" in raw else raw.rstrip(), number)
        for number, page in enumerate(pages, start=1)
        for raw in page.split("\n")
    ]
    return lines, len(pages)


# --- blocks ---------------------------------------------------------------------------


def read_text(data: bytes, *, media_type: str = "text/plain", file_name: str | None = None) -> ReadDocument:
    """Read converter text into blocks; only ReadError for bytes that are not text."""
    text = decode_text(data, file_name=file_name)
    lines, page_count = _split_lines(text)
    if media_type not in MEDIA_TYPES:
        media_type = "text/markdown" if (file_name or "").lower().endswith(".md") else "text/plain"
    return ReadDocument(media_type=media_type, page_count=page_count, blocks=_blocks(lines))


def _blocks(lines: list[_Line]) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.blank:
            i += 1
            continue
        style = _table_style(line)
        if style:
            block, i = _table(lines, i, style)
            blocks.append(block)
        elif _RULE_RE.match(line.text):
            blocks.append(Block(kind="rule", page=line.page))
            i += 1
        elif heading := _HEADING_RE.match(line.text):
            text, bold, italic = _styled(heading.group(2))
            blocks.append(Block(kind="heading", page=line.page, text=text, bold=bold, italic=italic,
                                level=len(heading.group(1))))
            i += 1
        else:
            kind = "list_item" if _LIST_RE.match(_plain_start(line.text)) else "paragraph"
            group = [line.text]
            i += 1
            while i < len(lines) and _continues(lines[i], line.page):
                group.append(lines[i].text)
                i += 1
            text, bold, italic = _styled("\n".join(part.strip() for part in group))
            if text.strip():
                blocks.append(Block(kind=kind, page=line.page, text=text, bold=bold, italic=italic))
    return blocks


def _plain_start(text: str) -> str:
    """The line without leading emphasis markers, so `**1.** The SOC ...` is still a list item."""
    return re.sub(r"^\s*(?:\*\*|\*|<b>|<i>)+", "", text, flags=re.IGNORECASE)


def _continues(line: _Line, page: int) -> bool:
    """A line continues the open paragraph or list item unless it starts a new block."""
    return (
        not line.blank
        and line.page == page
        and _table_style(line) is None
        and not _RULE_RE.match(line.text)
        and not _HEADING_RE.match(line.text)
        and not _LIST_RE.match(_plain_start(line.text))
    )


_WRAPS = [("**", "**", "bold"), ("<b>", "</b>", "bold"), ("<strong>", "</strong>", "bold"),
          ("*", "*", "italic"), ("_", "_", "italic"), ("<i>", "</i>", "italic"), ("<em>", "</em>", "italic")]


def _styled(raw: str) -> tuple[str, bool, bool]:
    """Text without markup, and whether all of it was bold / italic."""
    bold = italic = False
    inner = raw.strip()
    changed = True
    while changed:
        changed = False
        for opener, closer, style in _WRAPS:
            if _wrapped(inner, opener, closer):
                inner = inner[len(opener): len(inner) - len(closer)].strip()
                bold = bold or style == "bold"
                italic = italic or style == "italic"
                changed = True
    text = "\n".join(line.strip() for line in strip_markup(inner).split("\n"))
    return text.strip(), bold, italic


def _wrapped(text: str, opener: str, closer: str) -> bool:
    lower = text.lower()
    if len(text) <= len(opener) + len(closer) or not lower.startswith(opener) or not lower.endswith(closer):
        return False
    inner = lower[len(opener): len(lower) - len(closer)]
    if opener == "*" and (lower.startswith("**") or lower.endswith("**")):
        return False
    return opener not in inner and closer not in inner and inner.strip() != ""


# --- tables ---------------------------------------------------------------------------


def _cells(line: _Line, style: str) -> list[str]:
    if style == "pipe":
        inner = line.text.strip()
        inner = inner[1:-1] if inner.endswith("|") else inner[1:]
        return [cell.replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]
    return line.text.split("\t")


def _cell(raw: str) -> tuple[str, bool]:
    text, bold, _ = _styled(raw)
    return " ".join(text.split()), bold


def _table(lines: list[_Line], start: int, style: str) -> tuple[Block, int]:
    """Rows of one table: blank lines and page breaks inside it do not end it, a repeated header is dropped."""
    raw_rows: list[tuple[list[str], bool, int]] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.blank:
            j = i
            while j < len(lines) and lines[j].blank:
                j += 1
            if j < len(lines) and _table_style(lines[j]) == style:
                i = j
                continue
            break
        if _table_style(line) != style:
            break
        cells = [_cell(raw) for raw in _cells(line, style)]
        texts = [text for text, _ in cells]
        if not all(_DASH_CELL_RE.match(text) for text in texts):
            styled = [b for text, b in cells if text and not _ROW_NUMBER_RE.match(text)]
            bold = bool(styled) and all(styled)
            raw_rows.append((texts, bool(bold), line.page))
        i += 1
    first_page = lines[start].page
    if not raw_rows:
        return Block(kind="rule", page=first_page), i
    if len(raw_rows) == 1:
        return Block(kind="paragraph", page=first_page, text=" ".join(t for t in raw_rows[0][0] if t)), i
    header: list[str] | None = None
    if not _ROW_NUMBER_RE.match(raw_rows[0][0][0]):
        header = raw_rows[0][0]
        raw_rows = raw_rows[1:]
    width = len(header) if header else max(len(cells) for cells, _, _ in raw_rows)
    rows = [
        TableRow(cells=_fit(cells, width), page=page, bold=bold)
        for cells, bold, page in raw_rows
        if not (header and _fit(cells, width) == header)
    ]
    return Block(kind="table", page=first_page, header=header, rows=rows), i


def _fit(cells: list[str], width: int) -> list[str]:
    """Pad short rows with empty cells; drop empty cells beyond the header's width."""
    cells = list(cells)
    while len(cells) > width and not cells[-1]:
        cells.pop()
    return cells + [""] * (width - len(cells))
