"""Checks of `plan_items`: the events of each year's plan, as printed and as amended.

Derived frames (GX validates them): `plan_items_numbering_gapless` has one row per
plan with the item numbers missing from 1..max (a gap is a property of the whole
numbering, not of a row; no row is invented for it), `plan_items_have_organiser`
counts each item's organisers (a list cell) and `plan_items_within_plan_year` puts
the years of each interval beside the plan year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

import pandas as pd

from expectations.checks import (
    Check,
    TableSuite,
    among_known,
    as_list,
    at_least,
    in_set,
    not_null,
    present,
    sha256_format,
    show,
    unique,
)
from models.events import TimingPrecision

PRECISIONS = tuple(get_args(TimingPrecision))
STATUSES = ("planned", "rescheduled", "cancelled")


def plan_label(row: Mapping[str, Any]) -> str:
    return f"plan {show(row.get('plan_year'))} ({show(row.get('plan_symbol'))})"


def label(row: Mapping[str, Any]) -> str:
    return f"{plan_label(row)} item {show(row.get('item_no'))}"


def number_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → '3–5, 9'."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _numbering(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    """One row per plan: the numbers from 1 to its highest item number that no item carries."""
    rows = []
    for (year, symbol), items in frame.groupby(["plan_year", "plan_symbol"], dropna=False, sort=True):
        numbers = sorted({int(n) for n in items["item_no"] if present(n)})
        missing = sorted(set(range(1, numbers[-1] + 1)) - set(numbers)) if numbers else []
        rows.append(
            {
                "plan_year": year,
                "plan_symbol": symbol,
                "item_count": len(items),
                "highest_item_no": numbers[-1] if numbers else None,
                "missing_item_numbers": number_ranges(missing) if missing else None,
            }
        )
    columns = ["plan_year", "plan_symbol", "item_count", "highest_item_no", "missing_item_numbers"]
    return pd.DataFrame(rows, columns=columns).astype({"missing_item_numbers": object})


def _organiser_counts(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    counts = [len([o for o in as_list(v) if isinstance(o, str) and o.strip()]) for v in frame["organizers"]]
    return frame[["plan_year", "plan_symbol", "item_no", "title"]].assign(organizer_count=counts)


def _interval_years(frame: pd.DataFrame, _context: Mapping[str, Any]) -> pd.DataFrame:
    starts = pd.to_datetime(frame["starts_on"])
    ends = pd.to_datetime(frame["ends_on"])
    return frame[["plan_year", "plan_symbol", "item_no", "timing_text", "starts_on", "ends_on"]].assign(
        starts_year=starts.dt.year.astype("Int64"),
        ends_year=ends.dt.year.astype("Int64"),
        plan_year=frame["plan_year"].astype("Int64"),
    )


def _day(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat() if present(value) else "?"


SUITE = TableSuite(
    table="plan_items",
    keys=("plan_year", "plan_symbol", "item_no"),
    context_keys=("circular_sha256s",),
    checks=(
        not_null(
            "plan_items_required_values_present",
            ["plan_year", "plan_symbol", "timing_precision", "status", "circular_sha256", "page"],
            label,
            why="an item must belong to a plan, say how precise its timing is, and lead back to its circular and page",
        ),
        unique(
            "plan_items_item_no_unique",
            ["plan_symbol", "item_no"],
            label,
            why="an item number names one event of a plan; a repeat means a row was read twice or two rows merged",
        ),
        Check(
            name="plan_items_numbering_gapless",
            severity="WARN",
            description="each plan numbers its items 1..n without gaps: a gap usually means a row was lost when the table was read",
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeNull(column="missing_item_numbers")],
            columns=("plan_year", "plan_symbol", "item_no"),
            finding=lambda row, _c: f"{plan_label(row)}: item numbers missing: {row['missing_item_numbers']}",
            derive=_numbering,
            keys=("plan_year", "plan_symbol", "missing_item_numbers", "highest_item_no"),
            unit="plans",
        ),
        Check(
            name="plan_items_titled",
            severity="ERROR",
            description="every item has a non-empty title: the title is what the calendar shows",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToNotBeNull(column="title"),
                gx.E.ExpectColumnValuesToMatchRegex(column="title", regex=r"\S"),
            ],
            columns=("title",),
            finding=lambda row, _c: f"{label(row)}: no title",
        ),
        Check(
            name="plan_items_have_organiser",
            severity="ERROR",
            description="every item names at least one organiser: the lead state is who to contact about the event",
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeBetween(column="organizer_count", min_value=1)],
            columns=("plan_year", "plan_symbol", "item_no", "title", "organizers"),
            finding=lambda row, _c: f"{label(row)}: no organiser",
            derive=_organiser_counts,
        ),
        Check(
            name="plan_items_interval_ordered",
            severity="ERROR",
            description="starts_on <= ends_on: an interval that ends before it starts was misread",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="ends_on", column_B="starts_on", or_equal=True, ignore_row_if="either_value_is_missing"
                )
            ],
            columns=("starts_on", "ends_on"),
            finding=lambda row, _c: f"{label(row)}: ends {_day(row['ends_on'])} before it starts {_day(row['starts_on'])}",
        ),
        Check(
            name="plan_items_within_plan_year",
            severity="WARN",
            description="an item's interval lies within its plan's year: an interval in another year is likely a misread timing",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesToBeEqual(column_A="starts_year", column_B="plan_year", ignore_row_if="either_value_is_missing"),
                gx.E.ExpectColumnPairValuesToBeEqual(column_A="ends_year", column_B="plan_year", ignore_row_if="either_value_is_missing"),
            ],
            columns=("plan_year", "plan_symbol", "item_no", "timing_text", "starts_on", "ends_on"),
            finding=lambda row, _c: (
                f"{label(row)}: {show(row['timing_text'])!r} → {_day(row['starts_on'])} – {_day(row['ends_on'])} "
                f"is outside {show(row['plan_year'])}"
            ),
            derive=_interval_years,
            keys=("plan_year", "plan_symbol", "item_no", "timing_text", "starts_on", "ends_on"),
        ),
        in_set("plan_items_timing_precision_known", "timing_precision", PRECISIONS, label, why="precision says how to read the interval"),
        in_set("plan_items_status_known", "status", STATUSES, label, why="status is what the calendar filters on"),
        sha256_format("plan_items_circular_sha256_format", "circular_sha256", label, why="it addresses the raw file in the store"),
        at_least("plan_items_page_positive", "page", 1, label, why="pages are 1-based"),
        among_known(
            "plan_items_circular_known",
            "circular_sha256",
            "circular_sha256s",
            label,
            what="the known circulars",
            why="every item must lead back to the circular it was read from",
        ),
    ),
)
