"""Checks of `documents`: the enclosed documents (and cover notes) each circular carries.

Every check here is a plain GX expectation over the table itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from expectations.checks import (
    Check,
    TableSuite,
    among_known,
    at_least,
    in_set,
    not_null,
    sha256_format,
    short,
    show,
)
from models.events import DocumentKind

KINDS = tuple(get_args(DocumentKind))
KINDS_WITH_SYMBOL = tuple(k for k in KINDS if k not in ("decision_list", "other"))
"""A meeting's list of decisions carries no symbol of its own (its items are cited by list and number)."""


def label(row: Mapping[str, Any]) -> str:
    symbol = row.get("symbol")
    name = show(symbol) if isinstance(symbol, str) and symbol else f"{show(row.get('kind'))} without symbol"
    return f"document {name} (circular {short(row.get('circular_sha256'))}, p. {show(row.get('page'))})"


SUITE = TableSuite(
    table="documents",
    keys=("symbol", "kind", "circular_sha256", "page"),
    context_keys=("circular_sha256s",),
    checks=(
        not_null(
            "documents_provenance_present",
            ["circular_sha256", "page", "kind"],
            label,
            why="every document must lead back to the circular and page it was read from",
        ),
        sha256_format("documents_circular_sha256_format", "circular_sha256", label, why="it addresses the raw file in the store"),
        at_least("documents_page_positive", "page", 1, label, why="pages are 1-based"),
        in_set("documents_kind_known", "kind", KINDS, label, why="the kind decides which projection reads the document"),
        Check(
            name="documents_cited_by_symbol_and_date",
            severity="WARN",
            description=(
                "every document has its date, and every document but a meeting's list of decisions its symbol: "
                "symbol and date are how a document is cited and ordered in time"
            ),
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToNotBeNull(column="issued_on"),
                gx.E.ExpectColumnValuesToNotBeNull(
                    column="symbol", row_condition=gx.Column("kind").is_in(KINDS_WITH_SYMBOL)
                ),
            ],
            columns=("symbol", "kind", "issued_on"),
            finding=lambda row, column: f"{label(row)}: {column} is missing",
        ),
        among_known(
            "documents_circular_known",
            "circular_sha256",
            "circular_sha256s",
            label,
            what="the known circulars",
            why="a document whose circular is unknown has no provenance",
        ),
    ),
)
