"""Checks of `budget_lines`: each budget's lines as printed, and whether its totals add up.

Official documents sometimes print a total that does not add up; the figures are kept
as printed and the discrepancy is flagged here, naming the total, its parts and the sum.

Derived frames (GX validates them): `budget_totals_add_up` has one row per printed
total with the printed and the computed amount side by side (a running sum in
position order is not a row-local rule), judged by ExpectColumnPairValuesToBeEqual;
`budget_amounts_whole_non_negative` marks whether each amount is a whole number, since
amounts may come as DECIMAL and GX has no "integral value" expectation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, get_args

import pandas as pd

from expectations.checks import (
    Check,
    TableSuite,
    among_known,
    amount,
    at_least,
    in_set,
    not_null,
    present,
    sha256_format,
    show,
    unique,
)
from models.events import LineKind

LINE_KINDS = tuple(get_args(LineKind))
KIND_NAMES = {"total": "total", "grand_total": "grand total"}


def budget_label(row: Mapping[str, Any]) -> str:
    return f"budget {show(row.get('budget_year'))} ({show(row.get('budget_symbol'))})"


def label(row: Mapping[str, Any]) -> str:
    line = f"line {show(row.get('line_no'))}" if present(row.get("line_no")) else f"row {show(row.get('position'))}"
    title = row.get("title")
    named = f" “{title}”" if isinstance(title, str) and title else ""
    return f"{budget_label(row)} {line}{named}"


def exact(value: Any) -> int | Decimal | None:
    """An amount as an exact number: int when whole, Decimal otherwise; None when missing."""
    if not present(value):
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(str(value))
    return int(value)


TOTAL_COLUMNS = [
    "budget_year", "budget_symbol", "position", "line_kind", "title", "printed", "computed", "parts", "part_count",
    "review_id", "settled",
]


def total_review_id(symbol: Any, position: Any) -> str:
    """The review item of a total that does not add up (the same id `review_items` gives it)."""
    return "rv-" + hashlib.sha256(f"budget_total|{symbol}|{position}".encode()).hexdigest()[:12]


def _totals(frame: pd.DataFrame, context: Mapping[str, Any]) -> pd.DataFrame:
    """One row per printed total: the printed amount beside the sum it should be.

    A `total` sums the expenditure lines since the previous total. A `grand_total` sums
    every expenditure line of its budget; its parts are shown as each subtotal's computed
    sum followed by the lines outside any subtotal (e.g. "4,735,323 + 23,677").
    """
    rows: list[dict[str, Any]] = []
    for (year, symbol), lines in frame.groupby(["budget_year", "budget_symbol"], dropna=False, sort=True):
        budget_rows: list[dict[str, Any]] = []
        grand_totals: list[Mapping[str, Any]] = []
        subtotals: list[int | Decimal] = []
        segment: list[int | Decimal] = []
        for line in lines.sort_values("position", kind="stable").to_dict("records"):
            if line["line_kind"] == "expenditure":
                segment.append(exact(line["amount_usd"]) or 0)
            elif line["line_kind"] == "total":
                budget_rows.append(_total_row(year, symbol, line, segment))
                subtotals.append(sum(segment))
                segment = []
            elif line["line_kind"] == "grand_total":
                grand_totals.append(line)
        budget_rows.extend(_total_row(year, symbol, line, subtotals + segment) for line in grand_totals)
        rows.extend(sorted(budget_rows, key=lambda r: r["position"] if present(r["position"]) else float("inf")))
    settled = context.get("settled") or {}
    for row in rows:
        row["review_id"] = total_review_id(row["budget_symbol"], row["position"])
        row["settled"] = settled.get(row["review_id"])
        if row["settled"] is not None:
            row["computed"] = row["printed"]  # kept as printed, by a person's decision: the result says whose
    return pd.DataFrame(rows, columns=TOTAL_COLUMNS).astype({"printed": object, "computed": object})


def _total_row(year: Any, symbol: Any, line: Mapping[str, Any], parts: list[int | Decimal]) -> dict[str, Any]:
    return {
        "budget_year": year,
        "budget_symbol": symbol,
        "position": line["position"],
        "line_kind": line["line_kind"],
        "title": line["title"],
        "printed": exact(line["amount_usd"]),
        "computed": sum(parts),
        "parts": " + ".join(amount(p) for p in parts),
        "part_count": len(parts),
    }


def _total_finding(row: Mapping[str, Any], _column: str | None) -> str:
    kind = KIND_NAMES.get(row["line_kind"], str(row["line_kind"]))
    printed = amount(row["printed"]) if present(row["printed"]) else "missing"
    if row["part_count"] == 0:
        sum_text = "0 (no expenditure lines above it)"
    elif row["part_count"] == 1:
        sum_text = amount(row["computed"])
    else:
        sum_text = f"{row['parts']} = {amount(row['computed'])}"
    return f"{budget_label(row)}: {kind} {printed} ≠ {sum_text}"


def _whole_amounts(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    exact_amounts = [exact(a) for a in frame["amount_usd"]]
    return frame[["budget_year", "budget_symbol", "line_no", "position", "title"]].assign(
        amount_usd=pd.Series(exact_amounts, index=frame.index, dtype=object),
        amount_is_whole=[a is None or isinstance(a, int) for a in exact_amounts],
        amount_sign=[None if a is None else (1 if a > 0 else (0 if a == 0 else -1)) for a in exact_amounts],
    )


SUITE = TableSuite(
    table="budget_lines",
    keys=("budget_year", "budget_symbol", "line_no", "position", "title"),
    context_keys=("circular_sha256s", "settled"),
    checks=(
        not_null(
            "budget_lines_required_values_present",
            ["budget_year", "budget_symbol", "position", "title", "amount_usd", "line_kind", "circular_sha256", "page"],
            label,
            why="a line must belong to a budget, keep its printed place and amount, and lead back to its circular and page",
        ),
        Check(
            name="budget_amounts_whole_non_negative",
            severity="ERROR",
            description="every amount is a whole, non-negative number of US dollars, exactly as printed",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToBeInSet(column="amount_is_whole", value_set=[True]),
                gx.E.ExpectColumnValuesToBeInSet(column="amount_sign", value_set=[0, 1]),
            ],
            columns=("budget_year", "budget_symbol", "line_no", "position", "title", "amount_usd"),
            finding=lambda row, column: (
                f"{label(row)}: amount {show(row['amount_usd'])} is not a whole number"
                if column == "amount_is_whole"
                else f"{label(row)}: amount {amount(row['amount_usd'])} is negative"
            ),
            derive=_whole_amounts,
        ),
        in_set("budget_lines_line_kind_known", "line_kind", LINE_KINDS, label, why="the kind decides which lines a total sums"),
        unique(
            "budget_lines_line_no_unique",
            ["budget_symbol", "line_no"],
            label,
            why="a line number names one line of a budget; a repeat means a row was read twice",
        ),
        unique(
            "budget_lines_position_unique",
            ["budget_symbol", "position"],
            label,
            why="position is the printed order that totals are summed in",
        ),
        Check(
            name="budget_totals_add_up",
            severity="ERROR",
            description=(
                "every total equals the sum of the expenditure lines above it since the previous total, and every "
                "grand total the sum of all expenditure lines of its budget: a mismatch is either a misread figure "
                "or an error in the official document, kept as printed and flagged"
            ),
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesToBeEqual(column_A="printed", column_B="computed", ignore_row_if="neither")
            ],
            columns=("budget_year", "budget_symbol", "position", "line_kind", "title", "amount_usd"),
            finding=_total_finding,
            derive=_totals,
            keys=("budget_year", "budget_symbol", "position", "line_kind", "title", "printed", "computed", "parts"),
            unit="totals",
        ),
        sha256_format("budget_lines_circular_sha256_format", "circular_sha256", label, why="it addresses the raw file in the store"),
        at_least("budget_lines_page_positive", "page", 1, label, why="pages are 1-based"),
        among_known(
            "budget_lines_circular_known",
            "circular_sha256",
            "circular_sha256s",
            label,
            what="the known circulars",
            why="every figure must lead back to the circular it was read from",
        ),
    ),
)
