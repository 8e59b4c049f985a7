"""Checks of `decisions`: one row per decision, its classified action and current status.

Derived frame (GX validates it): `decisions_silence_deadline_after_circulation` puts
each deadline's date at Astana beside the date the circular was issued, which lives in
another table. The circulation date comes from a `circulated_on` column of the frame
when the caller joined it in, else from the `circulated_on` context argument: a mapping
circular_sha256 → issued_on (a `date`) of that circular.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, get_args

import pandas as pd

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
    unique,
)
from models.constants import ASTANA
from models.events import Action

KNOWN_ACTIONS = tuple(a for a in get_args(Action) if a != "other")
"""Actions the classifier recognised; `other` means the verb of the decision was not understood."""

STATUSES = (
    "noted", "adopted", "approved", "recommended", "pending_silence", "presumed_adopted", "rejected",
    "superseded", "withdrawn", "corrected", "decided", "supported", "agreed", "endorsed", "welcomed",
    "requested", "recorded",
)



def label(row: Mapping[str, Any]) -> str:
    symbol = row.get("symbol")
    item = row.get("item_no")
    where = show(symbol) if isinstance(symbol, str) and symbol else f"item {show(item)} of circular {short(row.get('circular_sha256'))}"
    subject = row.get("subject")
    about = f" “{subject[:60]}{'…' if len(subject) > 60 else ''}”" if isinstance(subject, str) and subject else ""
    return f"decision {show(row.get('decision_id'))} ({where}){about}"


def _has_circulation_dates(frame: pd.DataFrame, context: Mapping[str, Any]) -> str | None:
    if "circulated_on" in frame.columns or context.get("circulated_on") is not None:
        return None
    return "circulated_on not given (neither a column nor a mapping circular_sha256 → issued_on)"


def _deadline_vs_circulation(frame: pd.DataFrame, context: Mapping[str, Any]) -> pd.DataFrame:
    """Per decision under silence procedure: deadline date at Astana beside the circulation date."""
    with_deadline = frame[frame["silence_deadline"].notna()]
    if "circulated_on" in with_deadline.columns:
        circulated = with_deadline["circulated_on"]
    else:
        dates: Mapping[str, date] = context["circulated_on"]
        circulated = with_deadline["circular_sha256"].map(lambda sha: dates.get(sha))
    deadline = pd.to_datetime(with_deadline["silence_deadline"], utc=True).dt.tz_convert(ASTANA)
    return pd.DataFrame(
        {
            "decision_id": with_deadline["decision_id"],
            "symbol": with_deadline["symbol"],
            "item_no": with_deadline["item_no"],
            "subject": with_deadline["subject"],
            "circular_sha256": with_deadline["circular_sha256"],
            "silence_deadline": with_deadline["silence_deadline"],
            "deadline_on": pd.to_datetime(deadline.dt.date),
            "circulated_on": pd.to_datetime(circulated),
        }
    )


SUITE = TableSuite(
    table="decisions",
    keys=("decision_id", "symbol", "item_no", "circular_sha256", "page"),
    context_keys=("document_symbols", "circular_sha256s", "circulated_on"),
    checks=(
        not_null(
            "decisions_required_values_present",
            ["decision_id", "action", "status", "subject", "circular_sha256", "page"],
            label,
            why="a decision must say what was decided, its state, and the circular and page it comes from",
        ),
        unique("decisions_decision_id_unique", ["decision_id"], label, why="one row per decision in the current state"),
        Check(
            name="decisions_action_known",
            severity="WARN",
            description=(
                f"action is one of {', '.join(KNOWN_ACTIONS)}: `other` (or anything unknown) means the decision's "
                "verb was not understood and its status may be wrong; a person should read it"
            ),
            expectations=lambda gx, _ctx: [gx.E.ExpectColumnValuesToBeInSet(column="action", value_set=list(KNOWN_ACTIONS))],
            columns=("action",),
            finding=lambda row, _c: f"{label(row)}: action {show(row['action'])!r} not understood",
        ),
        in_set("decisions_status_known", "status", STATUSES, label, why="status is what analysts filter decisions by"),
        sha256_format("decisions_circular_sha256_format", "circular_sha256", label, why="it addresses the raw file in the store"),
        at_least("decisions_page_positive", "page", 1, label, why="pages are 1-based"),
        Check(
            name="decisions_silence_pending_has_deadline",
            severity="ERROR",
            description="a decision pending under silence procedure has its deadline: without it nobody knows when it becomes adopted",
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnValuesToNotBeNull(
                    column="silence_deadline", row_condition=gx.Column("status") == "pending_silence"
                )
            ],
            columns=("status", "silence_deadline"),
            finding=lambda row, _c: f"{label(row)}: pending under silence procedure without a deadline",
        ),
        Check(
            name="decisions_silence_deadline_after_circulation",
            severity="ERROR",
            description=(
                "a silence deadline falls on a later day (Astana time) than the circular that announced it: "
                "an earlier deadline means the date or time zone was misread"
            ),
            expectations=lambda gx, _ctx: [
                gx.E.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="deadline_on", column_B="circulated_on", or_equal=False, ignore_row_if="either_value_is_missing"
                )
            ],
            columns=("decision_id", "symbol", "item_no", "subject", "circular_sha256", "silence_deadline"),
            finding=lambda row, _c: (
                f"{label(row)}: silence deadline {show(row['silence_deadline'])} is not after "
                f"the circulation date {pd.Timestamp(row['circulated_on']).date().isoformat()}"
            ),
            derive=_deadline_vs_circulation,
            keys=("decision_id", "symbol", "silence_deadline", "circulated_on"),
            unit="decisions under silence procedure",
            skip_unless=_has_circulation_dates,
        ),
        among_known(
            "decisions_symbol_documented",
            "symbol",
            "document_symbols",
            label,
            severity="WARN",
            what="the symbols of known documents",
            why="a decision cited by a symbol no document carries cannot be traced to its text",
        ),
        among_known(
            "decisions_circular_documented",
            "circular_sha256",
            "circular_sha256s",
            label,
            what="the circulars with documents",
            why="every decision must be traceable to the document and circular it was read from",
        ),
    ),
)
