"""Runs a table's suite through Great Expectations 1.x over a pandas DataFrame.

GX 1.x cannot validate a DuckDB table through SQLAlchemy, so callers read the table
into pandas and hand the frame here. Importing GX costs seconds and ~200 MB: it is
imported on first validation only, and the ephemeral context it needs is built once
per process and reused. Progress bars are off (context config `progress_bars`) and
nothing reaches the network: analytics are disabled in the context config and through
`GX_ANALYTICS_ENABLED=false`, and the ephemeral context keeps every store in memory.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Literal

import pandas as pd

from expectations.checks import Check, TableSuite, jsonable, show

MAX_LISTED = 50
"""At most this many failing rows are named in `details` (the count is always given)."""

RESULT_FORMAT = {"result_format": "COMPLETE"}


@dataclass(frozen=True)
class CheckOutcome:
    """The verdict of one check on one table, ready for an asset check and `quality_results`."""

    check_name: str
    passed: bool
    severity: Literal["ERROR", "WARN"]
    observed: str
    details: dict
    description: str


_BUILD_LOCK = threading.Lock()


def _gx() -> SimpleNamespace:
    """The process's GX API and context, built on first use (thread-safe) and reused."""
    with _BUILD_LOCK:
        return _build_gx()


@contextlib.contextmanager
def _collector_paused_then_frozen():
    """Import Great Expectations without paying Python's garbage collector for it.

    The import builds ~1.5 million objects, all kept for the process's life. While it runs, the cyclic
    collector would walk the growing heap again and again (about 1 s here), and every later full
    collection, the interpreter's exit included, would walk it once more (about 1 s). So the collector
    is paused for the import, and everything alive then is frozen (`gc.freeze()`: left out of every later
    collection; what a run allocates afterwards is collected as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@functools.cache
def _build_gx() -> SimpleNamespace:
    """The GX API and one ephemeral context with a reusable whole-dataframe batch definition."""
    with _collector_paused_then_frozen():
        return _build_gx_context()


def _build_gx_context() -> SimpleNamespace:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.expectations.row_conditions import Column

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("frames").add_dataframe_asset("frame")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
    return SimpleNamespace(
        E=gxe,
        Column=Column,
        ExpectationSuite=gx.ExpectationSuite,
        batch_definition=batch_definition,
        lock=threading.Lock(),
    )


def run_suite(table: str, df: pd.DataFrame, **context: Any) -> list[CheckOutcome]:
    """Validate `df` (the whole `table`) and return one outcome per check, in a stable order.

    `context` carries what a table's checks need from elsewhere (see each suite's
    `context_keys`); a check whose context is absent is reported as passed with
    `details["skipped"] = True` and says so in `observed`, so the set of check names
    per table never varies.
    """
    from expectations import SUITES

    if table not in SUITES:
        raise KeyError(f"no suite for table {table!r}; known: {', '.join(sorted(SUITES))}")
    known_keys = {k for suite in SUITES.values() for k in suite.context_keys}
    unknown = sorted(set(context) - known_keys)
    if unknown:
        raise TypeError(f"run_suite got unknown context argument(s): {', '.join(unknown)}")
    suite = SUITES[table]
    frame = df.reset_index(drop=True)
    gx = _gx()

    base_checks: list[Check] = []
    results: dict[str, CheckOutcome] = {}
    for check in suite.checks:
        absent = [c for c in check.columns if c not in frame.columns]
        reason = check.skip_unless(frame, context) if check.skip_unless else None
        if absent:
            results[check.name] = _not_run(check, f"column(s) missing: {', '.join(absent)}")
        elif reason:
            results[check.name] = _skipped(check, reason)
        elif check.derive is None:
            base_checks.append(check)
        else:
            try:
                derived = check.derive(frame, context).reset_index(drop=True)
            except Exception as error:  # a bad row must become a failed check, not a crashed run
                results[check.name] = _not_run(check, f"{type(error).__name__}: {error}")
                continue
            results.update(_validate(suite, [check], derived, context, gx))
    # the checks on the table's own columns and the column check itself: one validation
    columns = _columns_expectation(suite, gx)
    validated = _validate(suite, base_checks, frame, context, gx, extra=columns)
    columns_result = validated.pop(columns.meta["check"])
    results.update(validated)
    return [_columns_outcome(suite, frame, columns_result)] + [results[check.name] for check in suite.checks]


def _validate(
    suite: TableSuite, checks: list[Check], frame: pd.DataFrame, context: Mapping[str, Any], gx: SimpleNamespace,
    *, extra: Any = None,
) -> dict[str, Any]:
    """One GX suite validation of `frame` for `checks`; each expectation is tagged with its check.

    `extra`, an expectation already tagged (`meta["check"]`), is validated with them and its raw
    result returned under its tag, for the caller to judge."""
    gx_suite = gx.ExpectationSuite(name=f"{suite.table}.{checks[0].name if checks else 'columns'}")
    for check in checks:
        for expectation in check.expectations(gx, context):
            expectation.meta = {**(expectation.meta or {}), "check": check.name}
            gx_suite.add_expectation(expectation)
    if extra is not None:
        gx_suite.add_expectation(extra)
    with gx.lock:
        batch = gx.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        validation = batch.validate(gx_suite, result_format=RESULT_FORMAT)
    by_check: dict[str, list[Any]] = {check.name: [] for check in checks}
    raw: dict[str, Any] = {}
    for result in validation.results:
        tag = result.expectation_config.meta["check"]
        if extra is not None and tag == extra.meta["check"]:
            raw[tag] = result
        else:
            by_check[tag].append(result)
    return {check.name: _outcome(suite, check, frame, by_check[check.name]) for check in checks} | raw


def _outcome(suite: TableSuite, check: Check, frame: pd.DataFrame, results: list[Any]) -> CheckOutcome:
    """Turn the GX results of one check into a person-readable outcome naming the failing rows."""
    errors = [message for r in results for message in _exception_messages(r)]
    if errors:
        return _not_run(check, "; ".join(dict.fromkeys(errors)))
    keys = check.keys or suite.keys
    failing: dict[tuple[int, str | None], None] = {}
    for result in results:
        if not result.success:
            column = result.expectation_config.kwargs.get("column")
            failing.update(dict.fromkeys((index, column) for index in result.result.get("unexpected_index_list") or []))
    findings: list[dict[str, Any]] = []
    for index, column in sorted(failing, key=lambda pair: pair[0]):  # frame order, stable per expectation
        row = frame.loc[index].to_dict()
        findings.append({**{k: jsonable(row.get(k)) for k in keys if k in row}, "finding": check.finding(row, column)})
    passed = all(r.success for r in results)
    checked = len(frame)
    settled = _settled(frame, check, keys)
    if passed and settled:
        observed = (f"all {checked} {check.unit} pass, {len(settled)} of them as settled by a person: "
                    + "; ".join(f["settled"] for f in settled[:3]))
    elif passed:
        observed = f"all {checked} {check.unit} pass"
    else:
        shown = "; ".join(f["finding"] for f in findings[:3])
        more = f" (and {len(findings) - 3} more)" if len(findings) > 3 else ""
        observed = f"{len(findings)} of {checked} {check.unit}: {shown}{more}" if findings else "failed"
    details = {
        "checked": checked,
        "failing_count": len(findings),
        "failures": findings[:MAX_LISTED],
        "expectations": [_expectation_name(r) for r in results],
    }
    if settled:
        details["settled"] = settled[:MAX_LISTED]
    return CheckOutcome(check.name, passed, check.severity, observed, details, check.description)


def _settled(frame: pd.DataFrame, check: Check, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows a person settled (a derived frame's `settled` column: "dismissed by X: reason"): they pass as
    printed, and the result says who settled them and why."""
    if "settled" not in frame.columns:
        return []
    rows = frame[frame["settled"].notna()]
    return [{**{k: jsonable(row.get(k)) for k in keys if k in row}, "finding": check.finding(row, None),
             "settled": str(row["settled"])} for row in rows.to_dict("records")]


def _columns_expectation(suite: TableSuite, gx: SimpleNamespace) -> Any:
    """Every column the suite reads exists in the frame (GX ExpectTableColumnsToMatchSet, not exact).
    Validated with the checks on the table's own columns: one validation fewer per suite (each costs
    GX a batch and a validator, tens of milliseconds on every run)."""
    expectation = gx.E.ExpectTableColumnsToMatchSet(column_set=list(suite.columns), exact_match=False)
    expectation.meta = {"check": f"{suite.table}_columns_present"}
    return expectation


def _columns_outcome(suite: TableSuite, frame: pd.DataFrame, result: Any) -> CheckOutcome:
    """The column check's verdict from its GX result."""
    name = f"{suite.table}_columns_present"
    missing = [c for c in suite.columns if c not in frame.columns]
    observed = (
        f"all {len(suite.columns)} columns present ({len(frame)} rows)"
        if result.success
        else f"column(s) missing: {', '.join(missing)}"
    )
    return CheckOutcome(
        check_name=name,
        passed=bool(result.success),
        severity="ERROR",
        observed=observed,
        details={"missing": missing, "observed_columns": [str(c) for c in frame.columns]},
        description=f"{suite.table} has the columns its checks read: without them nothing else can be judged",
    )


def _not_run(check: Check, why: str) -> CheckOutcome:
    return CheckOutcome(
        check.name, False, check.severity, f"could not run: {why}", {"error": why}, check.description
    )


def _skipped(check: Check, why: str) -> CheckOutcome:
    return CheckOutcome(
        check.name, True, check.severity, f"not checked: {why}", {"skipped": True, "reason": why}, check.description
    )


def _exception_messages(result: Any) -> list[str]:
    """Messages of exceptions GX caught while validating (flat or keyed by metric)."""
    info = result.exception_info or {}
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, Mapping)]
    return [str(e.get("exception_message")) for e in entries if e.get("raised_exception")]


def _expectation_name(result: Any) -> str:
    config = result.expectation_config
    target = config.kwargs.get("column") or config.kwargs.get("column_list") or [
        config.kwargs.get("column_A"),
        config.kwargs.get("column_B"),
    ]
    return f"{config.type}({show(target) if isinstance(target, str) else ', '.join(map(str, target))})"
