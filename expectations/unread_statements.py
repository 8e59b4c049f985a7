"""Checks of `unread_statements`: what the reader could not turn into events must be seen.

The table is the queue of statements (annex rows, operative sentences) that yielded no
event, or only part of one, each with why. A row here is a fact of a circular the record
does not hold; the check fails while any is open and lists them, so a run that left
something unread is never a quiet success. It never blocks the run: what was read is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from expectations.checks import Check, TableSuite, in_set, not_null, short, show
from models.events import UnreadReason

REASONS = tuple(get_args(UnreadReason))


def label(row: Mapping[str, Any]) -> str:
    where = show(row.get("document_symbol")) if row.get("document_symbol") else f"circular {short(row.get('circular_sha256'))}"
    text = str(row.get("text") or "")
    return f"{where}, p. {show(row.get('page'))}: \"{text[:100]}{'…' if len(text) > 100 else ''}\""


SUITE = TableSuite(
    table="unread_statements",
    keys=("statement_id", "why", "circular_sha256", "page"),
    checks=(
        Check(
            name="unread_statements_none_open",
            severity="ERROR",
            description=(
                "no statement of any circular is left unread: each row is an annex row or operative sentence that "
                "yielded no event (or only part of one), with why; settle it with a correction or a dismissal"
            ),
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeNull(column="why")],
            columns=("why", "text", "circular_sha256", "page", "document_symbol"),
            finding=lambda row, _column: f"{label(row)} — not read: {show(row.get('why'))}"
            + (f" ({row.get('detail')})" if row.get("detail") else ""),
        ),
        not_null(
            "unread_statements_provenance_present",
            ["circular_sha256", "text", "why"],
            label,
            why="a person must be able to find the statement in its circular",
        ),
        in_set("unread_statements_reason_known", "why", REASONS, label, why="the reason says what would settle it"),
    ),
)
