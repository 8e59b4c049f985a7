"""How a data-quality check is declared: one or more GX expectations over a frame.

A `Check` never imports Great Expectations: it holds a function that builds its
expectations from the GX API handed to it by the runner, so importing the
`expectations` package stays cheap and GX is loaded only when something is validated.

Most checks validate the table's own frame. Some rules are not row-local (a running
sum, a chain between consecutive rows, a hash recomputed by project code, a gap in a
numbering); for those `derive` builds a small frame in pandas (one row per thing to
judge, carrying the printed and the computed value side by side) and GX validates that
frame. The verdict always comes from a GX validation result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

Severity = Literal["ERROR", "WARN"]

GxApi = Any
"""Namespace the runner passes to `Check.expectations`: `E` (great_expectations.expectations)
and `Column` (row-condition builder)."""

RowFinding = Callable[[Mapping[str, Any], "str | None"], str]
"""(failing row of the validated frame, the expectation's column or None) -> one phrase."""

Derive = Callable[[pd.DataFrame, Mapping[str, Any]], pd.DataFrame]
SkipReason = Callable[[pd.DataFrame, Mapping[str, Any]], "str | None"]


@dataclass(frozen=True)
class Check:
    """One named rule with a severity, judged by the GX expectations it builds."""

    name: str
    severity: Severity
    description: str
    expectations: Callable[[GxApi, Mapping[str, Any]], Sequence[Any]]
    """(GX API, run_suite's context) -> the expectations to validate."""
    columns: tuple[str, ...]
    """Columns of the table the check reads; if one is absent the check cannot run."""
    finding: RowFinding
    derive: Derive | None = None
    """Builds the frame to validate from (table frame, context); None validates the table itself."""
    keys: tuple[str, ...] | None = None
    """Columns of the validated frame that identify a failing row in `details`; None: the suite's keys."""
    unit: str = "rows"
    skip_unless: SkipReason | None = None
    """Returns why the check cannot be judged with what was given (e.g. a context argument), or None."""


@dataclass(frozen=True)
class TableSuite:
    """Every check of one table, and what the runner needs to report on them."""

    table: str
    keys: tuple[str, ...]
    checks: tuple[Check, ...]
    context_keys: tuple[str, ...] = field(default=())
    """Keyword arguments `run_suite` accepts for this table (all optional)."""

    @property
    def columns(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for check in self.checks:
            seen.update(dict.fromkeys(check.columns))
        return tuple(seen)

    @property
    def check_names(self) -> tuple[str, ...]:
        """Stable names, in report order (the column check first), for static declaration."""
        return (f"{self.table}_columns_present", *(c.name for c in self.checks))


# --- reusable check builders -------------------------------------------------------


def not_null(
    name: str,
    columns: Sequence[str],
    label: Callable[[Mapping[str, Any]], str],
    *,
    severity: Severity = "ERROR",
    why: str,
) -> Check:
    """Every row has a value in each of `columns`."""
    return Check(
        name=name,
        severity=severity,
        description=f"{', '.join(columns)} present on every row: {why}",
        expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToNotBeNull(column=c) for c in columns],
        columns=tuple(columns),
        finding=lambda row, column: f"{label(row)}: {column} is missing",
    )


def unique(
    name: str,
    columns: Sequence[str],
    label: Callable[[Mapping[str, Any]], str],
    *,
    severity: Severity = "ERROR",
    why: str,
) -> Check:
    """No two rows share the same value (or combination of values) of `columns`; missing values are ignored."""
    columns = tuple(columns)

    def expectations(gx: GxApi, _ctx: Mapping[str, Any]) -> list[Any]:
        if len(columns) == 1:
            return [gx.E.ExpectColumnValuesToBeUnique(column=columns[0])]
        return [gx.E.ExpectCompoundColumnsToBeUnique(column_list=list(columns), ignore_row_if="any_value_is_missing")]

    joined = ", ".join(columns)
    return Check(
        name=name,
        severity=severity,
        description=f"({joined}) unique: {why}",
        expectations=expectations,
        columns=columns,
        finding=lambda row, _column: f"{label(row)}: ({joined}) = ({', '.join(show(row[c]) for c in columns)}) occurs more than once",
    )


def in_set(
    name: str,
    column: str,
    values: Iterable[str],
    label: Callable[[Mapping[str, Any]], str],
    *,
    severity: Severity = "ERROR",
    why: str,
) -> Check:
    """Every non-missing value of `column` is one of `values`."""
    allowed = sorted(values)
    return Check(
        name=name,
        severity=severity,
        description=f"{column} one of {', '.join(allowed)}: {why}",
        expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeInSet(column=column, value_set=allowed)],
        columns=(column,),
        finding=lambda row, _column: f"{label(row)}: {column} {show(row[column])!r} is not one of the known values",
    )


def at_least(
    name: str,
    column: str,
    minimum: int,
    label: Callable[[Mapping[str, Any]], str],
    *,
    severity: Severity = "ERROR",
    why: str,
) -> Check:
    """Every non-missing value of `column` is >= `minimum`."""
    return Check(
        name=name,
        severity=severity,
        description=f"{column} >= {minimum}: {why}",
        expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeBetween(column=column, min_value=minimum)],
        columns=(column,),
        finding=lambda row, _column: f"{label(row)}: {column} is {show(row[column])}, below {minimum}",
    )


SHA256_PATTERN = r"^[0-9a-f]{64}$"


def sha256_format(
    name: str, column: str, label: Callable[[Mapping[str, Any]], str], *, why: str
) -> Check:
    """Every non-missing value of `column` is 64 lowercase hex digits."""
    return Check(
        name=name,
        severity="ERROR",
        description=f"{column} is a SHA-256 (64 lowercase hex digits): {why}",
        expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToMatchRegex(column=column, regex=SHA256_PATTERN)],
        columns=(column,),
        finding=lambda row, _column: f"{label(row)}: {column} {show(row[column])!r} is not a SHA-256",
    )


def among_known(
    name: str,
    column: str,
    context_key: str,
    label: Callable[[Mapping[str, Any]], str],
    *,
    severity: Severity = "ERROR",
    what: str,
    why: str,
) -> Check:
    """Every non-missing value of `column` is in the set passed as `context_key` (skipped without it)."""
    return Check(
        name=name,
        severity=severity,
        description=f"{column} is among {what}: {why}",
        expectations=lambda gx, ctx: [gx.E.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(ctx[context_key]))],
        columns=(column,),
        finding=lambda row, _column: f"{label(row)}: {column} {short(row[column])} is not among {what}",
        skip_unless=needs(context_key),
    )


def needs(*context_keys: str) -> SkipReason:
    """Skip reason when one of `context_keys` was not passed to `run_suite`."""

    def reason(_frame: pd.DataFrame, context: Mapping[str, Any]) -> str | None:
        missing = [k for k in context_keys if context.get(k) is None]
        return f"{', '.join(missing)} not given" if missing else None

    return reason


# --- value helpers --------------------------------------------------------------------


def present(value: Any) -> bool:
    """False for None, NaN, NaT and pd.NA; True for anything else (lists included)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float):
        return not math.isnan(value)
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return True
    return not missing if isinstance(missing, bool) else True


def as_list(value: Any) -> list[Any]:
    """A list column's cell (list, tuple, numpy array, or missing) as a Python list."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        converted = value.tolist()
        return converted if isinstance(converted, list) else [converted]
    return [] if not present(value) else [value]


def show(value: Any) -> str:
    """A value as a person reads it in a finding."""
    if not present(value):
        return "null"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def short(value: Any) -> str:
    """Long values (hashes) cut to 12 characters."""
    text = show(value)
    return text[:12] + "…" if len(text) > 16 else text


def amount(value: Any) -> str:
    """An amount with thousands separators, exactly as the integer it is."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "item") and not isinstance(value, (Decimal, str)):
        value = value.item()
    return f"{value:,}" if isinstance(value, (int, Decimal, float)) else show(value)


def jsonable(value: Any) -> Any:
    """Plain JSON-serialisable version of a cell or a structure of cells."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)) and not hasattr(value, "item"):
        return jsonable(value.tolist())
    if not present(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes, Decimal)):
        value = value.item()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
