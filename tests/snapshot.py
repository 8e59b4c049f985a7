"""What the pipeline makes of every fixture, as data: the tables after ingesting each group of fixtures.

`tests/test_snapshot.py` compares these tables with the ones committed in `tests/snapshots/`,
taken before the restructuring of issue 14, so that moving code around cannot change what a
circular yields. Groups:

- `text`, `pdf-<layout>` (one per rendering: reportlab layouts, browser print, word processor
  export) and `bad`: each group's files dropped into a fresh data home and ingested by one run of
  the Dagster job (`circulars.cli.run_ingestion`, the state evaluated at `NOW`), every table read back;
- `legacy-log`: `tests/fixtures/legacy/events-v1.jsonl`, a log written by the code before issue 14,
  restored into an empty database (as after a lost database) and projected at `NOW`;
- `followup-<scenario>`: each follow-up scenario read file by file by the domain without Dagster
  (`tests.harness.State`), projected at the scenario's `now`.

Values that depend on the wall clock (when a run recorded or received something, hashes chained
over those instants, run ids) are masked, so two runs of the same code give the same snapshot.
Rows keep the table's own order where the table defines one (`ORDERED`), else they are sorted.

The snapshots are gzipped JSON (`zcat tests/snapshots/text.json.gz | less`: one row per line).
Regenerate (only when a change of results is intended, and say so in the commit):
`.venv/bin/python -m tests.snapshot --update [GROUP ...]`.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import re
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines.instance import prepare

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "fixtures"
SNAPSHOTS = ROOT / "snapshots"
NOW = "2026-03-01T00:00:00+00:00"
"""The clock the state is evaluated at: after every date and deadline the fixtures state."""

LEGACY_LOG = FIXTURES / "legacy" / "events-v1.jsonl"

LAYOUTS = ("a4serif", "lettersans", "chrome-flow", "chrome-paged", "lo-docx")

BOOKKEEPING = {"projection_checkpoints", "projection_runs", "changes_checkpoint", "chain_checkpoint", "check_checkpoints"}
"""Tables that say how far a run got, not what the circulars say."""

ORDERED = {"circulars", "documents", "document_links", "decisions", "plan_items", "budget_lines",
           "unread_statements", "review_items"}
"""Current tables built with an ORDER BY: their order is part of what a person sees."""

MASKED_COLUMNS = {"hash", "prev_hash", "run_id", "checked_at"}
"""Chained over recording instants (hashes) or naming the run: different on every run."""

STARTED = datetime.now(UTC)
INSTANT = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d")
CLOCK_WINDOW = timedelta(days=2)
"""An instant this close to when the snapshot is built comes from the wall clock (a run recorded or
received something), not from a circular."""

ALLOWED_NEW_COLUMNS: dict[str, set[str]] = {
    # issue 14: corrections are labelled like every other history table's rows (corrected, dismissed,
    # reverted), so the macros never name an event type
    "correction_history": {"change"},
}
"""Columns a table gained on purpose after the snapshot was taken (compared tables ignore them)."""


def _scenarios():
    spec = importlib.util.spec_from_file_location("followup_scenarios", FIXTURES / "followups" / "scenarios.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def groups() -> dict[str, object]:
    """Group name -> the files of a pipeline group (a list of paths) or a follow-up scenario (a dict)."""
    found: dict[str, object] = {"text": sorted((FIXTURES / "text").glob("*.txt"))}
    for layout in LAYOUTS:
        found[f"pdf-{layout}"] = sorted((FIXTURES / "pdf").glob(f"*.{layout}.pdf"))
    found["bad"] = sorted((FIXTURES / "bad").iterdir())
    found["legacy-log"] = LEGACY_LOG
    for scenario in _scenarios().SCENARIOS:
        found[f"followup-{scenario['name']}"] = scenario
    return found


def _from_clock(value: datetime) -> bool:
    return value.tzinfo is not None and abs(value - STARTED) < CLOCK_WINDOW


def _clock_text(text: str) -> bool:
    if not INSTANT.match(text):
        return False
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.fromisoformat(text.replace(" ", "T", 1) + ":00")
        except ValueError:
            return False
    return _from_clock(value if value.tzinfo else value.replace(tzinfo=UTC))


def _value(value):
    if isinstance(value, datetime):
        return "<clock>" if _from_clock(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in sorted(value.items())}
    if isinstance(value, str):
        if _clock_text(value):
            return "<clock>"
        if value[:1] in "{[" and value[-1:] in "}]":
            try:
                return {"json": _value(json.loads(value))}
            except ValueError:
                return value
    return value


def dump(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Every table and view of the database: {name: {"columns": [...], "rows": [[...], ...]}}."""
    con.execute("SET TimeZone = 'UTC'")
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
    tables: dict[str, dict] = {}
    for name in names:
        if name in BOOKKEEPING or name.startswith("_"):
            continue
        cursor = con.execute(f'SELECT * FROM "{name}"')
        columns = [d[0] for d in cursor.description]
        rows = [[("<masked>" if c in MASKED_COLUMNS and v is not None else _value(v)) for c, v in zip(columns, row)]
                for row in cursor.fetchall()]
        if name not in ORDERED:
            rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        tables[name] = {"columns": columns, "rows": rows}
    return tables


def build_pipeline_group(files: list[Path], workdir: Path) -> dict[str, dict]:
    """Drop the files into a fresh data home and ingest them with one run of the Dagster job."""
    from circulars.cli import copy_into_inbox, run_ingestion
    from circulars.home import resolve_home

    os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
    home = prepare(resolve_home(workdir / "home"))
    copy_into_inbox(home, files)
    result = run_ingestion(home, now=NOW, workers=2)
    if not result.success:
        raise RuntimeError(f"the ingestion run failed for {[f.name for f in files]}")
    con = duckdb.connect(str(home.database), read_only=True)
    try:
        return dump(con)
    finally:
        con.close()


def build_followup(scenario: dict, workdir: Path) -> dict[str, dict]:
    """Read a follow-up scenario's files in order (the domain without Dagster), project at its clock."""
    sys.path.insert(0, str(ROOT.parent)) if str(ROOT.parent) not in sys.path else None
    from tests.harness import State

    module = _scenarios()
    state = State(workdir / "circulars.duckdb")
    try:
        for name in scenario["files"]:
            path = module.file_path(name)
            state.add(path.name, path.read_bytes())
        state.project(scenario["now"])
        return dump(state.con)
    finally:
        state.close()


def build_replay(log: Path, workdir: Path) -> dict[str, dict]:
    """Restore a log file into an empty database (its hash chain checked row by row), project it at `NOW`."""
    import shutil

    from circulars import eventlog, projections

    mirror = workdir / "events.jsonl"
    shutil.copyfile(log, mirror)
    con = duckdb.connect(str(workdir / "circulars.duckdb"))
    try:
        con.execute("SET TimeZone = 'UTC'")
        written, restored = eventlog.sync_mirror(con, mirror)
        if restored != sum(1 for _ in log.open(encoding="utf-8")) or written:
            raise RuntimeError(f"{log.name}: restored {restored} events, wrote {written}")
        projections.project(con, datetime.fromisoformat(NOW))
        return dump(con)
    finally:
        con.close()


def build(group: str) -> dict[str, dict]:
    spec = groups()[group]
    with tempfile.TemporaryDirectory(prefix=f"snapshot-{group}-") as folder:
        if isinstance(spec, Path):
            return build_replay(spec, Path(folder))
        if isinstance(spec, dict):
            return build_followup(spec, Path(folder))
        return build_pipeline_group(spec, Path(folder))


def path_for(group: str) -> Path:
    return SNAPSHOTS / f"{group}.json.gz"


def save(group: str, tables: dict[str, dict]) -> Path:
    SNAPSHOTS.mkdir(exist_ok=True)
    target = path_for(group)
    lines = ["{"]
    for index, (name, table) in enumerate(tables.items()):
        rows = ",\n".join("    " + json.dumps(row, ensure_ascii=False, sort_keys=True) for row in table["rows"])
        lines.append(f'  {json.dumps(name)}: {{"columns": {json.dumps(table["columns"])}, "rows": [\n{rows}\n  ]}}'
                     + ("," if index < len(tables) - 1 else ""))
    lines.append("}")
    # gzip (no name, no time: the same tables give the same bytes); one row per line once unpacked
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return target


def load(group: str) -> dict[str, dict]:
    with gzip.open(path_for(group), "rt", encoding="utf-8") as handle:
        return json.load(handle)


def differences(expected: dict[str, dict], got: dict[str, dict], limit: int = 20) -> list[str]:
    """What differs between a committed snapshot and the tables now (empty when they agree)."""
    problems: list[str] = []
    for name in sorted(set(expected) | set(got)):
        if name not in got:
            problems.append(f"{name}: table missing")
            continue
        if name not in expected:
            problems.append(f"{name}: new table, not in the snapshot")
            continue
        want, have = expected[name], got[name]
        new = set(have["columns"]) - set(want["columns"])
        unexpected = new - ALLOWED_NEW_COLUMNS.get(name, set())
        missing = [c for c in want["columns"] if c not in have["columns"]]
        if unexpected or missing:
            problems.append(f"{name}: columns differ: missing {missing}, new {sorted(unexpected)}")
            continue
        keep = [have["columns"].index(c) for c in want["columns"]]
        rows = [[row[i] for i in keep] for row in have["rows"]]
        if name not in ORDERED:
            rows.sort(key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
        if rows != want["rows"]:
            wanted = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in want["rows"]]
            found = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]
            gone = [r for r in wanted if r not in set(found)]
            added = [r for r in found if r not in set(wanted)]
            problems.append(f"{name}: {len(want['rows'])} rows expected, {len(rows)} found; "
                            f"{len(gone)} gone, {len(added)} new" + ("" if gone or added else " (order differs)"))
            problems += [f"  - {r[:400]}" for r in gone[:limit]] + [f"  + {r[:400]}" for r in added[:limit]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the snapshots (else: compare)")
    parser.add_argument("groups", nargs="*", help="groups (default: all)")
    args = parser.parse_args(argv)
    chosen = args.groups or list(groups())
    failed = 0
    for group in chosen:
        tables = build(group)
        if args.update:
            print(f"{group}: written {save(group, tables)}")
            continue
        problems = differences(load(group), tables)
        failed += bool(problems)
        print(f"{group}: " + ("same" if not problems else "\n".join(["DIFFERS", *problems])))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
