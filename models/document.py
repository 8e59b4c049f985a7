"""The document model: what a reader makes of a circular's bytes.

Both readers (PDF and text) produce exactly this, so everything downstream
(segmentation, event derivation) is written once and cannot tell them apart,
except for page numbers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BlockKind = Literal["heading", "paragraph", "list_item", "table", "rule"]


class TableRow(BaseModel):
    """One logical row of a table: wrapped cell lines already joined with a space."""

    model_config = ConfigDict(frozen=True)

    cells: list[str]
    page: int = Field(ge=1, description="1-based page the row starts on")
    bold: bool = False


class Block(BaseModel):
    """A unit of reading order: a heading, paragraph, list item, table or rule.

    `text` holds the block's text with its lines joined by "\\n" (a heading or
    letterhead set over several lines keeps its line breaks); for a table,
    `text` is empty and `header`/`rows` hold the cells. A table that runs over
    several pages (its header repeated or not) is one block whose rows carry their
    own pages; a row split by a page break is one row, on the page it starts on.
    """

    model_config = ConfigDict(frozen=True)

    kind: BlockKind
    page: int = Field(ge=1, description="1-based page of the source file")
    text: str = ""
    bold: bool = False
    italic: bool = False
    centered: bool = False
    level: int = Field(default=0, description="heading level (1 = largest), 0 if not a heading")
    header: list[str] | None = None
    rows: list[TableRow] = Field(default_factory=list)


class ReadDocument(BaseModel):
    """A whole circular as read: its blocks in reading order."""

    model_config = ConfigDict(frozen=True)

    media_type: Literal["application/pdf", "text/plain", "text/markdown"]
    page_count: int = Field(ge=0)
    blocks: list[Block]
    page_chars: list[int] = Field(
        default_factory=list,
        description="letters and digits each page prints (PDF only, page furniture left out): what the blocks "
        "must hold, so text a layout lost is flagged",
    )

    def chars_by_page(self) -> dict[int, int]:
        """Letters and digits the blocks hold, per page (a table's rows on the pages they start on)."""
        counts: dict[int, int] = {}

        def add(page: int, text: str) -> None:
            counts[page] = counts.get(page, 0) + sum(1 for c in text if c.isalnum())

        for block in self.blocks:
            if block.kind == "table":
                add(block.page, " ".join(block.header or []))
                for row in block.rows:
                    add(row.page, " ".join(row.cells))
            else:
                add(block.page, block.text)
        return counts

    def text(self) -> str:
        """All text in reading order (tables as tab-separated rows), for vocabulary searches."""
        parts: list[str] = []
        for block in self.blocks:
            if block.kind == "table":
                if block.header:
                    parts.append("\t".join(block.header))
                parts.extend("\t".join(row.cells) for row in block.rows)
            elif block.text:
                parts.append(block.text)
        return "\n".join(parts)
