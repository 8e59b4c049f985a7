"""The one error type readers raise: specific, with a code a person and a query can use."""

from __future__ import annotations

from typing import Literal

ReasonCode = Literal[
    "empty_file",
    "not_a_pdf",
    "truncated_pdf",
    "encrypted_pdf",
    "no_text_layer",
    "garbled_text",
    "too_large",
    "timeout",
    "out_of_memory",
    "not_a_circular",
    "unsupported_media_type",
    "unreadable",
]


class ReadError(Exception):
    """A circular could not be read. It is quarantined with this code and message; nothing is lost."""

    def __init__(self, code: ReasonCode, message: str, *, page: int | None = None, file_name: str | None = None):
        self.code = code
        self.message = message
        self.page = page
        self.file_name = file_name
        where = []
        if file_name:
            where.append(file_name)
        if page is not None:
            where.append(f"page {page}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(f"{prefix}[{code}] {message}")
