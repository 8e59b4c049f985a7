"""Checks of `circulars`: one row per distinct file content, parsed or quarantined.

Derived frames (GX validates them): `circulars_file_names_listed` and
`circulars_languages_listed` count or join the list cells, since GX's pandas
expectations judge scalar cells only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from expectations.checks import (
    Check,
    TableSuite,
    as_list,
    at_least,
    in_set,
    not_null,
    sha256_format,
    short,
    show,
    unique,
)

STATUSES = ("parsed", "quarantined")


def label(row: Mapping[str, Any]) -> str:
    symbol = row.get("symbol")
    named = f" ({show(symbol)})" if isinstance(symbol, str) and symbol else ""
    return f"circular {short(row.get('sha256'))}{named}"


def _list_cells(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    """Per circular: how many file names it was received under and its languages joined by commas."""
    languages = [",".join(str(x) for x in as_list(v)) for v in frame["languages"]]
    return pd.DataFrame(
        {
            "sha256": frame["sha256"],
            "symbol": frame["symbol"],
            "status": frame["status"],
            "file_name_count": [len(as_list(v)) for v in frame["file_names"]],
            "languages_text": pd.Series(languages, index=frame.index, dtype=object),
        }
    )


SUITE = TableSuite(
    table="circulars",
    keys=("sha256", "symbol"),
    checks=(
        not_null(
            "circulars_required_values_present",
            ["sha256", "status", "received_at"],
            label,
            why="a circular is identified by its content hash and must say whether it was read and when it arrived",
        ),
        unique("circulars_sha256_unique", ["sha256"], label, why="one row per distinct file content"),
        sha256_format("circulars_sha256_format", "sha256", label, why="it is the address of the raw file in the store"),
        in_set("circulars_status_known", "status", STATUSES, label, why="status drives what is shown as read and what as quarantined"),
        Check(
            name="circulars_quarantine_has_reason",
            severity="ERROR",
            description="reason is given exactly when status is quarantined: a person must learn why a file was not read, and a read file has no quarantine reason",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToNotBeNull(column="reason", row_condition=gx.Column("status") == "quarantined"),
                gx.E.ExpectColumnValuesToBeNull(column="reason", row_condition=gx.Column("status") == "parsed"),
            ],
            columns=("status", "reason"),
            finding=lambda row, _c: (
                f"{label(row)}: quarantined without a reason"
                if row["status"] == "quarantined"
                else f"{label(row)}: parsed but has a quarantine reason {show(row['reason'])!r}"
            ),
        ),
        Check(
            name="circulars_parsed_have_symbol",
            severity="WARN",
            description="a parsed circular has its symbol (e.g. DOC/1497): without it people cannot cite the note",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToNotBeNull(column="symbol", row_condition=gx.Column("status") == "parsed"),
            ],
            columns=("status", "symbol"),
            finding=lambda row, _c: f"{label(row)}: parsed but no symbol was found",
        ),
        at_least("circulars_page_count_positive", "page_count", 1, label, why="a file with no pages cannot have been read"),
        Check(
            name="circulars_file_names_listed",
            severity="ERROR",
            description="every circular lists at least one file name it arrived under: the name is how people find their file",
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeBetween(column="file_name_count", min_value=1)],
            columns=("sha256", "symbol", "status", "file_names", "languages"),
            finding=lambda row, _c: f"{label(row)}: no file name recorded",
            derive=_list_cells,
        ),
        Check(
            name="circulars_languages_listed",
            severity="WARN",
            description="a parsed circular lists its languages as two-letter codes (en, ru, kk): each language is a version of the same note",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToMatchRegex(
                    column="languages_text",
                    regex=r"^[a-z]{2}(?:,[a-z]{2})*$",
                    row_condition=gx.Column("status") == "parsed",
                )
            ],
            columns=("sha256", "symbol", "status", "file_names", "languages"),
            finding=lambda row, _c: f"{label(row)}: languages [{row['languages_text']}] are not a non-empty list of two-letter codes",
            derive=_list_cells,
        ),
    ),
)
