"""What adding one circular costs, part by part, against the stack's own floor.

Two measurements, each in a fresh process started by `benchmarks/run.py` (which also times the
process from spawn to exit, with the bytecode case set in its environment):

- `measure_add_one`: one new circular ingested through Dagster, as `circulars ingest FILE` does.
  The process is split into: Python start-up; importing Dagster; importing the CLI; loading the
  definitions; Dagster's run start (instance opened, run and its planned events recorded); each
  step (intake, reading, log, projections) and each check step; Dagster between steps and at
  the run's end; the process's exit. Inside every part, three things that are not ours are
  measured apart: Dagster's own event writes (every `DagsterInstance.handle_new_event`, with the
  step it belongs to), importing pandas and Great Expectations (first use), and Great
  Expectations' own context set-up and validations (`Batch.validate`). What is left of a step
  is the project's own work.
- `measure_stack_floor`: the floor of issue 16, a fresh process that imports Dagster and Great
  Expectations, reads the same PDF with pdfplumber and writes its pages to DuckDB.

The instrumentation wraps functions for timing only (it changes no result) and costs a few
microseconds per import and per event.
"""

from __future__ import annotations

import builtins
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

SPAWNED_ENV = "CIRCULARS_BENCH_SPAWNED_AT"
"""Set by the parent to time.time() just before it starts the child: Python's start-up is measured from it."""

TIMED_IMPORTS = ("pandas", "great_expectations")
"""Heavy packages imported on first use (by the first check with rows): timed where they are paid."""

STEP_NAMES = {
    "inbox_arrivals": "intake: inbox → store",
    "circular_readings": "reading: PDF → document model → events",
    "events": "log: append to the event log",
    "events_events_integrity": "log: integrity check (hash chain)",
    "state_tables": "projections: history and current tables",
}
SUITE_TABLES = ("circulars", "documents", "decisions", "plan_items", "budget_lines", "unread_statements")


def step_label(key: str) -> str:
    """A person's name for a step of `ingest_job` (a check step is named after its table)."""
    if key in STEP_NAMES:
        return STEP_NAMES[key]
    for table in SUITE_TABLES:
        if key == f"{table}_expectations":
            return f"checks: {table} (Great Expectations suite)"
    for asset in ("circular_files", "circulars", "events"):
        if key.startswith(asset + "_"):
            return f"check: {key[len(asset) + 1:]} (on {asset})"
    return f"step: {key}"


def _now() -> float:
    return time.time()


class Recorder:
    """Spans (kind, name, start, seconds, step) recorded while one circular is ingested."""

    def __init__(self) -> None:
        self.spans: list[dict] = []
        self._importing: str | None = None
        self._patched_runner = False

    @contextmanager
    def span(self, kind: str, name: str):
        start, clock = _now(), time.perf_counter()
        try:
            yield
        finally:
            self.spans.append({"kind": kind, "name": name, "start": start, "seconds": time.perf_counter() - clock})

    # --- what is wrapped ---------------------------------------------------------------------------

    def install(self) -> None:
        self._wrap_imports()
        self._wrap_event_writes()
        self._time_garbage_collection()

    def _time_garbage_collection(self) -> None:
        """Python's cyclic garbage collector: each collection's time (a full one walks every live object)."""
        import gc

        started: list[tuple[float, float]] = []

        def callback(phase, info):
            if phase == "start":
                started.append((_now(), time.perf_counter()))
            elif started:
                start, clock = started.pop()
                self.spans.append({"kind": "gc", "name": f"gen{info.get('generation')}", "start": start,
                                   "seconds": time.perf_counter() - clock})

        gc.callbacks.append(callback)

    def _wrap_imports(self) -> None:
        original = builtins.__import__
        recorder = self

        def timed_import(name, globals=None, locals=None, fromlist=(), level=0):
            top = name.partition(".")[0] if level == 0 else ""
            if top in TIMED_IMPORTS and top not in sys.modules and recorder._importing is None:
                recorder._importing = top
                try:
                    with recorder.span("import", top):
                        return original(name, globals, locals, fromlist, level)
                finally:
                    recorder._importing = None
            module = original(name, globals, locals, fromlist, level)
            runner = sys.modules.get("expectations.runner")
            if not recorder._patched_runner and runner is not None and hasattr(runner, "_build_gx"):
                recorder._wrap_gx(runner)  # once the module is fully initialised
            return module

        builtins.__import__ = timed_import

    def _wrap_event_writes(self) -> None:
        from dagster import DagsterInstance

        original = DagsterInstance.handle_new_event
        recorder = self

        def timed_write(instance, event, *, batch_metadata=None):
            start, clock = _now(), time.perf_counter()
            try:
                return original(instance, event, batch_metadata=batch_metadata)
            finally:
                dagster_event = event.dagster_event
                recorder.spans.append({
                    "kind": "event_write", "start": start, "seconds": time.perf_counter() - clock,
                    "name": dagster_event.event_type_value if dagster_event else "LOG", "step": event.step_key,
                    "timestamp": event.timestamp,
                })

        DagsterInstance.handle_new_event = timed_write

    def _wrap_gx(self, runner) -> None:
        """Great Expectations' context set-up (first check with rows) and each validation."""
        self._patched_runner = True
        original = runner._build_gx
        recorder = self

        def timed_build():
            first = not recorder._gx_built()
            with recorder.span("gx_context", "gx_context") if first else _nothing():
                built = original()
            if first:
                from great_expectations.datasource.fluent.interfaces import Batch

                validate = Batch.validate

                def timed_validate(batch, *args, **kwargs):
                    with recorder.span("gx_validate", "validate"):
                        return validate(batch, *args, **kwargs)

                Batch.validate = timed_validate
            return built

        runner._build_gx = timed_build

    def _gx_built(self) -> bool:
        return any(s["kind"] == "gx_context" for s in self.spans)


@contextmanager
def _nothing():
    yield


# --- the measurements (in the child) ----------------------------------------------------------------


def measure_add_one(home: str, new_file: str, workers: int) -> dict:
    """One new circular into `home` through `circulars.cli.run_ingestion`, split into its parts."""
    entered = _now()
    spawned = float(os.environ.get(SPAWNED_ENV, entered))
    recorder = Recorder()
    with recorder.span("phase", "import dagster"):
        import dagster  # noqa: F401

    recorder.install()
    with recorder.span("phase", "import the CLI"):
        from circulars import cli
        from circulars.home import resolve_home
    with recorder.span("phase", "definitions"):
        from pipelines.definitions import defs

        defs.resolve_job_def("ingest_job")
    with recorder.span("phase", "copy into the inbox"):
        target = resolve_home(home).ensure()
        names = cli.copy_into_inbox(target, [Path(new_file)])
    run_started = _now()
    result = cli.run_ingestion(target, files=names, workers=workers)
    returned = _now()
    if not result.success:
        raise RuntimeError("the run failed: a failed run is no measurement (see the log above)")

    # Bookkeeping after the run (excluded from the parts: not what `circulars ingest` does).
    from benchmarks.bytecode import compiled_in_this_process, where
    from circulars.db import connect

    with connect(target.database, read_only=True) as con:
        circulars, events = con.execute("SELECT count(*), (SELECT count(*) FROM events) FROM circulars").fetchone()
    compiled = compiled_in_this_process()
    loaded = [n for n in sys.modules if n != "__main__"]
    parts = assemble(recorder.spans, entered=entered, spawned=spawned, run_started=run_started, returned=returned)
    return {
        "success": result.success, "circulars": circulars, "events": events, "parts": parts,
        "seconds": returned - run_started, "run_seconds": returned - run_started,
        "dagster_events": sum(1 for s in recorder.spans if s["kind"] == "event_write"),
        "modules_loaded": len(loaded), "modules_compiled": len(compiled),
        "modules_compiled_by_part": _by_part(compiled, where),
        "gx_imported": "great_expectations" in sys.modules,
        "child_finished_at": _now(), "bookkeeping_seconds": _now() - returned,
        "cpu_seconds": _cpu_seconds(),
    }


def measure_stack_floor(pdf: str, scratch: str) -> dict:
    """The stack's floor: import Dagster and Great Expectations, read the PDF with pdfplumber, write its pages to DuckDB."""
    entered = _now()
    spawned = float(os.environ.get(SPAWNED_ENV, entered))
    recorder = Recorder()
    with recorder.span("phase", "import dagster"):
        import dagster  # noqa: F401
    with recorder.span("phase", "import great_expectations"):
        import great_expectations  # noqa: F401
    with recorder.span("phase", "import pdfplumber and duckdb"):
        import duckdb
        import pdfplumber
    with recorder.span("phase", "read the PDF (pdfplumber: text of every page)"), pdfplumber.open(pdf) as document:
        pages = [(number, page.extract_text() or "") for number, page in enumerate(document.pages, 1)]
    database = Path(scratch) / f"floor-{os.getpid()}.duckdb"
    database.unlink(missing_ok=True)
    with recorder.span("phase", "write its pages to DuckDB"):
        con = duckdb.connect(str(database))
        con.execute("CREATE TABLE pages (page INTEGER, text VARCHAR)")
        con.executemany("INSERT INTO pages VALUES (?, ?)", pages)
        con.close()
    done = _now()
    database.unlink(missing_ok=True)
    from benchmarks.bytecode import compiled_in_this_process, where

    compiled = compiled_in_this_process()
    parts = [{"part": "Python start-up", "owner": "Python", "seconds": entered - spawned}]
    parts += [{"part": s["name"], "owner": "stack", "seconds": s["seconds"]} for s in recorder.spans]
    return {
        "pages": len(pages), "chars": sum(len(text) for _, text in pages), "parts": parts, "seconds": done - entered,
        "modules_loaded": len(sys.modules), "modules_compiled": len(compiled),
        "modules_compiled_by_part": _by_part(compiled, where),
        "child_finished_at": _now(), "bookkeeping_seconds": _now() - done, "cpu_seconds": _cpu_seconds(),
    }


def _by_part(names: list[str], where) -> dict:
    counts: dict[str, int] = {}
    for name in names:
        counts[where(name)] = counts.get(where(name), 0) + 1
    return counts


def _cpu_seconds() -> float:
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- assembling the parts ---------------------------------------------------------------------------


def assemble(spans: list[dict], *, entered: float, spawned: float, run_started: float, returned: float) -> list[dict]:
    """The parts of one add-one process (until the run returned; the parent adds the process's exit).

    Each part: `part`, `owner` (Python | Dagster | Great Expectations | ours), `seconds`, and what its
    seconds include: `event_writes` (seconds, `events` count) of Dagster, `imports` and `gx` (context
    and validations) of Great Expectations. A step's own work is its seconds less those.
    """
    phases = {s["name"]: s["seconds"] for s in spans if s["kind"] == "phase"}
    writes = [s for s in spans if s["kind"] == "event_write"]
    extras = [s for s in spans if s["kind"] in ("import", "gx_context", "gx_validate", "gc")]
    steps: dict[str, dict] = {}
    for write in writes:
        if write["name"] == "STEP_START":
            steps.setdefault(write["step"], {})["start"] = write["timestamp"]
        elif write["name"] in ("STEP_SUCCESS", "STEP_FAILURE"):
            steps.setdefault(write["step"], {})["end"] = write["start"] + write["seconds"]
    ordered = sorted(((k, v) for k, v in steps.items() if "start" in v and "end" in v), key=lambda item: item[1]["start"])

    parts = [
        {"part": "Python start-up", "owner": "Python", "seconds": entered - spawned},
        {"part": "import Dagster", "owner": "Dagster", "seconds": phases.get("import dagster", 0.0)},
        {"part": "import the CLI (DuckDB, pydantic models, readers, typer, rich)", "owner": "ours",
         "seconds": phases.get("import the CLI", 0.0)},
        {"part": "definitions (assets, checks, sensor, schedule; the job)", "owner": "ours",
         "seconds": phases.get("definitions", 0.0)},
        {"part": "copy into the inbox", "owner": "ours", "seconds": phases.get("copy into the inbox", 0.0)},
    ]
    first_step = ordered[0][1]["start"] if ordered else returned
    windows = [("Dagster run start (instance opened, run and planned events recorded)", "Dagster", run_started, first_step)]
    previous_end = first_step
    gaps = []
    for key, times in ordered:
        if times["start"] > previous_end:
            gaps.append((previous_end, times["start"]))
        windows.append((step_label(key), "ours", times["start"], times["end"]))
        previous_end = max(previous_end, times["end"])
    windows.append(("Dagster run end (run success recorded)", "Dagster", previous_end, returned))

    def inside(items, start, end):
        return [s for s in items if start <= s["start"] < end]

    for name, owner, start, end in windows:
        parts.append(_part(name, owner, end - start, inside(writes, start, end), inside(extras, start, end)))
    gap_writes = [w for a, b in gaps for w in inside(writes, a, b)]
    gap_extras = [x for a, b in gaps for x in inside(extras, a, b)]
    parts.append(_part("Dagster between steps", "Dagster", sum(b - a for a, b in gaps), gap_writes, gap_extras))
    return parts


def _part(name: str, owner: str, seconds: float, writes: list[dict], extras: list[dict]) -> dict:
    imports = {s["name"]: s["seconds"] for s in extras if s["kind"] == "import"}
    # Great Expectations' context set-up includes the imports made while building it: count them once.
    context = sum(s["seconds"] for s in extras if s["kind"] == "gx_context")
    nested = sum(s["seconds"] for s in extras if s["kind"] == "import" for c in extras
                 if c["kind"] == "gx_context" and c["start"] <= s["start"] < c["start"] + c["seconds"])
    return {
        "part": name, "owner": owner, "seconds": seconds,
        "event_writes": sum(w["seconds"] for w in writes), "events": len(writes),
        "imports": imports,
        "gx_context": max(0.0, context - nested),
        "gx_validate": sum(s["seconds"] for s in extras if s["kind"] == "gx_validate"),
        "gc": sum(s["seconds"] for s in extras if s["kind"] == "gc"),
    }


# --- owners, medians, tables (in the parent) --------------------------------------------------------


def owners(parts: list[dict]) -> dict[str, float]:
    """Seconds by owner: Dagster's event writes and GX's imports and validations are taken out of the
    parts they happen in, so a check step's `ours` is its own queries, frames and outcomes."""
    totals = {"Python": 0.0, "Dagster": 0.0, "Great Expectations (and pandas)": 0.0, "ours": 0.0}
    for part in parts:
        writes = part.get("event_writes", 0.0)
        gx = sum(part.get("imports", {}).values()) + part.get("gx_context", 0.0) + part.get("gx_validate", 0.0)
        own = part["seconds"] - writes - gx
        totals["Dagster"] += writes
        totals["Great Expectations (and pandas)"] += gx
        owner = part["owner"] if part["owner"] in totals else "ours"
        if owner == "stack":
            owner = "ours"
        totals[owner] += own
    return totals


def median_parts(samples: list[list[dict]]) -> list[dict]:
    """Part by part, the median over repeated samples (parts matched by name, in the first sample's order)."""
    names: list[str] = []
    for sample in samples:
        names += [p["part"] for p in sample if p["part"] not in names]
    merged = []
    for name in names:
        found = [next((p for p in sample if p["part"] == name), None) for sample in samples]
        found = [p for p in found if p is not None]
        merged.append({
            "part": name, "owner": found[0]["owner"],
            "seconds": statistics.median(p["seconds"] for p in found),
            "event_writes": statistics.median(p.get("event_writes", 0.0) for p in found),
            "events": round(statistics.median(p.get("events", 0) for p in found)),
            "gx": statistics.median(sum(p.get("imports", {}).values()) + p.get("gx_context", 0.0) + p.get("gx_validate", 0.0)
                                    for p in found),
        })
    return merged


def _ok(result: dict | None) -> bool:
    return bool(result) and "error" not in result


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _ratio_status(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "missed"


FLOOR_TARGET = 1.6
"""Issue 16: adding one circular costs at most 1.6× the stack floor (whole processes, same bytecode case)."""


def report_section(results: dict) -> str:
    """The Markdown section: the breakdown in both bytecode cases and homes, by owner, and against the stack floor."""
    breakdown, floors = results.get("breakdown") or {}, results.get("stack_floor") or {}
    if not breakdown:
        return ""
    columns = [(case, size) for case in ("compiled", "source") for size in sorted(breakdown.get(case, {}), key=int)]
    samples = {column: [r for r in breakdown[column[0]][column[1]] if _ok(r)] for column in columns}
    columns = [c for c in columns if samples[c]]
    if not columns:
        return ""
    medians = {c: median_parts([r["parts"] for r in samples[c]]) for c in columns}
    whole = {c: statistics.median(r["process_seconds"] for r in samples[c]) for c in columns}
    floor_whole = {case: statistics.median(r["process_seconds"] for r in floors.get(case, []) if _ok(r))
                   for case in ("compiled", "source") if any(_ok(r) for r in floors.get(case, []))}
    repeats = max(len(v) for v in samples.values())
    new = results.get("new_circular", {})
    pages = next((r["pages"] for case in floors for r in floors[case] if _ok(r)), "?")

    def head(column) -> str:
        case, size = column
        return f"{case}, {'empty home' if size == '0' else f'{int(size):,} held'}"

    bytecode = results.get("bytecode", {})
    check = "; ".join(f"{case}: {r.get('modules_compiled', '?'):,} of {r.get('modules_loaded', '?'):,} modules compiled"
                      for case, r in bytecode.items() if _ok(r))
    lines = [
        "## What one circular costs: the breakdown, both bytecode cases, and the stack floor",
        "",
        f"One new circular (`{new.get('file', '?')}`, {pages} pages, a plan-and-budget circular generated like the "
        "corpus) added by a fresh process as `circulars ingest FILE` does (`benchmarks/breakdown.py`), into an empty "
        "home and into an archive of circulars; every column is the median of "
        f"{repeats} sample(s), each part's median taken on its own (so the parts need not add up exactly to the "
        "whole). Seconds, wall clock. **compiled**: the bytecode `make setup` compiles (`uv sync --compile-bytecode` "
        "and `compileall` of the project); **source**: none but the standard library's, so every process compiles "
        "the packages and the project it imports (a plain `uv sync` with PYTHONDONTWRITEBYTECODE=1). Both with "
        f"PYTHONDONTWRITEBYTECODE=1. Checked before measuring, a process importing what a run imports: {check}.",
        "",
        "| part | owner | " + " | ".join(head(c) for c in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    names: list[str] = []
    for column in columns:
        names += [p["part"] for p in medians[column] if p["part"] not in names]
    for name in names:
        row = {c: next((p for p in medians[c] if p["part"] == name), None) for c in columns}
        owner = next(p["owner"] for p in row.values() if p)
        lines.append(f"| {name} | {owner} | " + " | ".join(_cell(p["seconds"] if p else None) for p in row.values()) + " |")
    lines.append("| **whole process** | | " + " | ".join(f"**{whole[c]:.2f}**" for c in columns) + " |")
    writes = {c: (statistics.median(sum(p.get("event_writes", 0.0) for p in r["parts"]) for r in samples[c]),
                  round(statistics.median(r.get("dagster_events", 0) for r in samples[c]))) for c in columns}
    lines.append("| of which Dagster's own event writes (events) | Dagster | "
                 + " | ".join(f"{writes[c][0]:.2f} ({writes[c][1]})" for c in columns) + " |")
    for label, key in (("imports of pandas and Great Expectations", "imports"), ("GX context and validations", "gx")):
        values = []
        for c in columns:
            per = [sum(sum(p.get("imports", {}).values()) if key == "imports" else p.get("gx_context", 0.0) + p.get("gx_validate", 0.0)
                       for p in r["parts"]) for r in samples[c]]
            values.append(f"{statistics.median(per):.2f}")
        lines.append(f"| of which {label} | Great Expectations | " + " | ".join(values) + " |")
    lines.append("| of which Python's garbage collector (inside the parts above) | Python | " + " | ".join(
        f"{statistics.median(sum(p.get('gc', 0.0) for p in r['parts']) for r in samples[c]):.2f}" for c in columns) + " |")
    lines.append("| CPU seconds of the process and its reading workers | | " + " | ".join(
        f"{statistics.median(r['cpu_seconds'] for r in samples[c]):.2f}" for c in columns) + " |")
    lines.append("| modules compiled in the process (of those loaded) | | " + " | ".join(
        f"{statistics.median(r['modules_compiled'] for r in samples[c]):,.0f} of "
        f"{statistics.median(r['modules_loaded'] for r in samples[c]):,.0f}" for c in columns) + " |")

    lines += ["", "### By owner", "",
              "Each part's Dagster event writes and Great Expectations work taken out of the part they happen in "
              "(a check step's own share is then its queries, frames and outcomes). Medians of the per-sample sums.", "",
              "| owner | " + " | ".join(head(c) for c in columns) + " |", "|---|" + "---|" * len(columns)]
    by_owner = {c: [owners(r["parts"]) for r in samples[c]] for c in columns}
    for owner in ("Python", "Dagster", "Great Expectations (and pandas)", "ours"):
        lines.append(f"| {owner} | " + " | ".join(f"{statistics.median(o[owner] for o in by_owner[c]):.2f}" for c in columns) + " |")

    lines += ["", "### Where each part's time goes (compiled)", "",
              "Seconds of each part: Dagster's event writes inside it (their count), Great Expectations (imports, "
              "context, validations), and the rest, the part's own work.", ""]
    compiled = [c for c in columns if c[0] == "compiled"]
    lines.append("| part | " + " | ".join(f"{head(c)}: all | writes (n) | GX | ours" for c in compiled) + " |")
    lines.append("|---|" + "---|---|---|---|" * len(compiled))
    for name in names:
        cells = []
        for c in compiled:
            p = next((p for p in medians[c] if p["part"] == name), None)
            if p is None:
                cells.append(" | | | ")
                continue
            ours = p["seconds"] - p["event_writes"] - p["gx"]
            cells.append(f"{p['seconds']:.2f} | {p['event_writes']:.2f} ({p['events']}) | {p['gx']:.2f} | {ours:.2f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    if floor_whole:
        lines += ["", "### Against the stack floor", "",
                  "The floor (issue 16): a fresh process that imports Dagster and Great Expectations, reads the same "
                  "PDF with pdfplumber (text of every page) and writes its pages to a DuckDB file. Whole processes, "
                  f"spawn to exit, same bytecode case. Target: the project at most {FLOOR_TARGET}× the floor.", "",
                  "| | " + " | ".join(floor_whole) + " |", "|---|" + "---|" * len(floor_whole)]
        floor_medians = {case: median_parts([r["parts"] for r in floors[case] if _ok(r)]) for case in floor_whole}
        for name in [p["part"] for p in floor_medians[next(iter(floor_whole))]]:
            lines.append(f"| floor: {name} | " + " | ".join(
                _cell(next((p["seconds"] for p in floor_medians[case] if p["part"] == name), None)) for case in floor_whole) + " |")
        lines.append("| **floor: whole process** | " + " | ".join(f"**{floor_whole[case]:.2f}**" for case in floor_whole) + " |")
        for size in sorted({c[1] for c in columns}, key=int):
            label = "an empty home" if size == "0" else f"an archive of {int(size):,}"
            cells = [f"{whole[(case, size)]:.2f}" if (case, size) in whole else "" for case in floor_whole]
            lines.append(f"| project: one circular into {label}, whole process | " + " | ".join(cells) + " |")
            ratios = []
            for case in floor_whole:
                if (case, size) in whole:
                    ratio = whole[(case, size)] / floor_whole[case]
                    ratios.append(f"**{ratio:.2f}×** ({_ratio_status(ratio, FLOOR_TARGET)})")
                else:
                    ratios.append("")
            lines.append(f"| ratio to the floor, into {label} (target ≤ {FLOOR_TARGET}×) | " + " | ".join(ratios) + " |")
            cpu = [f"{cpu_ratio:.2f}×" if (cpu_ratio := _cpu_ratio(samples.get((case, size)), floors.get(case))) else ""
                   for case in floor_whole]
            lines.append("| the same in CPU seconds (steadier on a loaded machine) | " + " | ".join(cpu) + " |")
    return "\n".join(lines) + "\n"


def _cpu_ratio(samples: list[dict] | None, floors: list[dict] | None) -> float | None:
    """Median CPU seconds of the project's processes (with their reading workers) over the floor's."""
    done = [r["cpu_seconds"] for r in samples or [] if _ok(r)]
    floor = [r["cpu_seconds"] for r in floors or [] if _ok(r)]
    return statistics.median(done) / statistics.median(floor) if done and floor else None


def floor_ratios(results: dict) -> dict[str, dict[str, float]]:
    """{case: {size: project whole process / floor whole process}} from the medians (for figures and tests)."""
    ratios: dict[str, dict[str, float]] = {}
    for case, by_size in (results.get("breakdown") or {}).items():
        floors = [r["process_seconds"] for r in (results.get("stack_floor") or {}).get(case, []) if _ok(r)]
        if not floors:
            continue
        for size, samples in by_size.items():
            done = [r["process_seconds"] for r in samples if _ok(r)]
            if done:
                ratios.setdefault(case, {})[size] = statistics.median(done) / statistics.median(floors)
    return ratios
