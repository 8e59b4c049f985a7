"""`circulars`: ingest circulars, query what they say, verify that nothing was lost or altered."""

from __future__ import annotations

import csv
import io
import json
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from circulars.files import atomic_write
from circulars.home import Home, resolve_home
from circulars.intake import left_alone_reason, safe_file_name

HELP = """A record of a secretariat's circulars (notes verbales: PDF or text, EN/RU/KK).

Every file is kept byte for byte; what it says becomes events in a
hash-chained log; the tables are projections of that log, now and as of
any date.

\b
circulars ingest FILES|FOLDERS     copy into the inbox, ingest all that is new
circulars sql "SELECT ..."         read-only SQL (--format table|csv|json)
circulars verify                   check the hash chain and every stored file
circulars export DIR               every table as Parquet (--format csv)
circulars calendar 2024 -o x.ics   the plan of events as iCalendar

\b
Tables: circulars, documents, document_links, decisions, plan_items,
budget_lines, events (the log), quality_results.
As of a date: decisions_as_of(at [, known_at]), plan_items_as_of(...),
budget_lines_as_of(...), e.g.
circulars sql "SELECT * FROM budget_lines_as_of(DATE '2024-03-01')"

\b
Environment: CIRCULARS_HOME (default data/), CIRCULARS_WORKERS (reading
processes), DAGSTER_HOME (default CIRCULARS_HOME/dagster),
CIRCULARS_DAGSTER_PG (Dagster's storage in PostgreSQL:
postgresql+psycopg2://user:password@host:port/db; default SQLite).
The UI: make ui, then http://127.0.0.1:3000
"""

app = typer.Typer(
    name="circulars",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 160)


class UserError(Exception):
    """A mistake of the caller's (bad path, bad query): reported in one line, no traceback."""


def _home(home: Path | None) -> Home:
    """The data home with its Dagster instance's folder and configuration (`pipelines.instance.prepare`)."""
    from pipelines.instance import prepare

    try:
        return prepare(resolve_home(home))
    except ValueError as error:  # a misconfigured CIRCULARS_DAGSTER_PG: one line, no traceback
        raise UserError(str(error)) from error


def _dagster_instance(home: Home):
    """The home's Dagster instance (`pipelines.instance.open_instance`)."""
    from pipelines.instance import open_instance

    return open_instance(home)


def _unique_inbox_name(home: Home, name: str, data: bytes) -> Path | None:
    """Where to put a file in the inbox; None if the same bytes are already waiting there under that name."""
    target = home.inbox / name
    if not target.exists():
        return target
    if target.read_bytes() == data:
        return None
    stem, dot, ext = name.rpartition(".")
    base, suffix = (stem, f".{ext}") if dot else (name, "")
    counter = 2
    while (home.inbox / f"{base}~{counter}{suffix}").exists():
        counter += 1
    return home.inbox / f"{base}~{counter}{suffix}"


def _files_in_folder(folder: Path, skipped: list[dict]) -> list[Path]:
    """Every file under `folder` the intake would take; the others (hidden names, hidden folders,
    partial downloads) are added to `skipped` with the reason, and stay where they are."""
    files = []
    hidden_folders: dict[Path, int] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder)
        hidden = next((folder.joinpath(*relative.parts[: i + 1]) for i, part in enumerate(relative.parts[:-1])
                       if part.startswith(".")), None)
        if hidden is not None:
            hidden_folders[hidden] = hidden_folders.get(hidden, 0) + 1
            continue
        reason = left_alone_reason(path.name)
        if reason:
            skipped.append({"file_name": str(path), "reason": reason})
        else:
            files.append(path)
    for hidden, count in hidden_folders.items():
        skipped.append({"file_name": f"{hidden}/", "reason": f"hidden folder (starts with a dot): {count} file(s) in it"})
    return files


def copy_into_inbox(home: Home, paths: list[Path], *, skipped: list[dict] | None = None) -> list[str]:
    """Copy files (or every file under the given folders) into the inbox; returns the inbox names.

    Files named one by one are copied whatever their name; in a folder, what the intake leaves
    alone is not copied, and is listed in `skipped` (if given) with the reason."""
    files: list[Path] = []
    skipped = skipped if skipped is not None else []
    for path in paths:
        if path.is_dir():
            files.extend(_files_in_folder(path, skipped))
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"no such file or folder: {path}")
    names = []
    for source in files:
        data = source.read_bytes()
        target = _unique_inbox_name(home, safe_file_name(source.name), data)
        if target is None:
            names.append(safe_file_name(source.name))
            continue
        atomic_write(target, data)  # hidden and `.tmp` while written: the intake leaves it alone till then
        names.append(target.name)
    return names


def run_ingestion(
    home: Home,
    *,
    files: list[str] | None = None,
    now: str | None = None,
    workers: int | None = None,
    log_level: str = "WARNING",
    run_id: str | None = None,
):
    """Run the ingestion job in this process (no webserver, no daemon); returns Dagster's result.

    The run is tagged with this process (pid, host, start time) and leaves a marker in
    `staging/runs/` while it runs, so that if this process is killed, the next CLI run marks
    this one failed instead of leaving it `STARTED` in the UI forever (`circulars/runs.py`)."""
    from assets.resources import CircularsHome
    from circulars import runs
    from pipelines.definitions import defs

    job = defs.resolve_job_def("ingest_job")
    run_config: dict = {"ops": {}, "loggers": {"console": {"config": {"log_level": log_level}}}}
    if files:
        run_config["ops"]["inbox_arrivals"] = {"config": {"files": files}}
    if now:
        run_config["ops"]["state_tables"] = {"config": {"now": now}}
    resources = {"circulars_home": CircularsHome(root=str(home.root), **({"workers": workers} if workers else {}))}
    run_id = run_id or str(uuid.uuid4())
    with _dagster_instance(home) as instance:
        runs.begin_in_process_run(home, run_id)
        try:
            return job.execute_in_process(
                run_config=run_config, instance=instance, raise_on_error=False, resources=resources,
                run_id=run_id, tags=runs.process_tags(),
            )
        finally:
            runs.end_in_process_run(home, run_id)


def summarise(result) -> dict:
    """What a person wants to know after an ingestion, from the run's own records."""
    report: dict = {"new": [], "duplicate": [], "parsed": [], "quarantined": [], "file_names": {}}
    for materialization in result.asset_materializations_for_node("events"):
        value = materialization.metadata.get("ingest_report")
        if value is not None:
            report = value.value
    failed_checks = []
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed:
            asset = evaluation.asset_key.to_user_string()
            failed = evaluation.metadata.get("failed")
            if "expectations_failed" in evaluation.metadata:
                # a table's suite: one line per failed expectation, named as in quality_results
                failed_checks += [
                    {"asset": asset, "check": f["check"], "severity": f["severity"], "description": f["observed"],
                     "failed": [], "suite": evaluation.check_name}
                    for f in failed.value
                ]
                continue
            failed_checks.append(
                {
                    "asset": asset,
                    "check": evaluation.check_name,
                    "severity": evaluation.severity.value,
                    "description": evaluation.description or "",
                    "failed": failed.value if failed is not None else [],
                }
            )
    left_alone = []
    for materialization in result.asset_materializations_for_node("inbox_arrivals"):
        value = materialization.metadata.get("left_alone")
        if value is not None:
            left_alone = value.value
    owed: dict[str, str] = {}
    for evaluation in result.get_asset_check_evaluations():
        value = evaluation.metadata.get("owed_by_earlier_run")
        if value is not None and value.value:
            owed.setdefault(evaluation.asset_key.to_user_string(), value.value)
    names = report.get("file_names", {})
    return {
        "success": result.success,
        "run_id": result.run_id,
        "new": [{"sha256": s, "file_name": names.get(s, "")} for s in report.get("new", [])],
        "duplicate": [{"sha256": s, "file_name": n} for s, n in report.get("duplicate", [])],
        "parsed": report.get("parsed", []),
        "quarantined": [
            {"sha256": s, "file_name": names.get(s, ""), "reason_code": c, "reason": r}
            for s, c, r in report.get("quarantined", [])
        ],
        "failed_checks": failed_checks,
        "owed_checks": [{"asset": asset, "events": events} for asset, events in owed.items()],
        "skipped": [{"file_name": item["file_name"], "reason": item["reason"], "where": "inbox"} for item in left_alone],
    }


def _with_progress(home: Home, total: int, run, *, enabled: bool):
    """Run the ingestion in this (main) thread while a bar follows it from the data home's folders.

    The job runs in the main thread because reading uses signals for its time limit;
    the bar only watches the inbox emptying and readings being staged.
    """
    if not enabled or total < 2:
        return run()
    import threading

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    done = threading.Event()

    def follow(progress: Progress, task) -> None:
        staged_max = 0
        while not done.wait(0.25):
            remaining = sum(1 for p in home.inbox.iterdir() if p.is_file() and not p.name.startswith("."))
            staged = sum(1 for _ in home.readings.glob("*.json")) if home.readings.exists() else 0
            staged_max = max(staged_max, staged)
            if remaining:
                progress.update(task, description="storing", completed=total - remaining)
            elif staged_max < total and not (staged_max and staged == 0):
                progress.update(task, description="reading", completed=staged_max)
            else:
                progress.update(task, description="recording, projecting, checking", completed=total)

    with Progress(
        TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True,
    ) as progress:
        task = progress.add_task("storing", total=total)
        watcher = threading.Thread(target=follow, args=(progress, task), daemon=True)
        watcher.start()
        try:
            return run()
        finally:
            done.set()
            watcher.join(timeout=2)


def needs_review(home: Home) -> int:
    """Open review items in the whole record (what `circulars review` lists)."""
    if not home.database.exists():
        return 0
    from circulars.db import connect, has_table

    with connect(home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
        if not has_table(con, "review_items"):
            return 0
        return con.execute("SELECT count(*) FROM review_items").fetchone()[0]


def not_read_in(home: Home, shas: list[str]) -> list[dict]:
    """Per circular of this run, the statements left unread (count and first lines), from `unread_statements`."""
    if not shas or not home.database.exists():
        return []
    from circulars.db import connect, has_table

    with connect(home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
        if not has_table(con, "unread_statements"):
            return []
        rows = con.execute(
            """
            SELECT u.circular_sha256, any_value(c.file_names[1]), count(*),
                   list(u.why || ' (p. ' || coalesce(CAST(u.page AS VARCHAR), '?') || '): ' || left(u.text, 110) ORDER BY u.recorded_at)
            FROM unread_statements u LEFT JOIN circulars c ON c.sha256 = u.circular_sha256
            WHERE u.circular_sha256 IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 1
            """,
            [sorted(set(shas))],
        ).fetchall()
    return [{"sha256": sha, "file_name": name or "", "count": count, "lines": lines} for sha, name, count, lines in rows]


def _print_summary(summary: dict, home: Home) -> None:
    table = Table(title="Ingestion", show_header=True, header_style="bold")
    table.add_column("outcome")
    table.add_column("count", justify="right")
    table.add_column("files")

    def names(items, key="file_name"):
        listed = ", ".join(i[key] or i["sha256"][:12] for i in items[:5])
        return listed + (f" (+{len(items) - 5} more)" if len(items) > 5 else "")

    table.add_row("new", str(len(summary["new"])), names(summary["new"]))
    table.add_row("duplicate", str(len(summary["duplicate"])), names(summary["duplicate"]))
    table.add_row("quarantined", str(len(summary["quarantined"])), names(summary["quarantined"]))
    table.add_row("failed checks", str(len(summary["failed_checks"])), ", ".join(c["check"] for c in summary["failed_checks"][:5]))
    not_read = summary.get("not_read", [])
    table.add_row("not read", str(sum(f["count"] for f in not_read)), names(not_read))
    table.add_row("needs review", str(summary.get("needs_review", 0)), "circulars review" if summary.get("needs_review") else "")
    if summary.get("skipped"):
        table.add_row("left alone", str(len(summary["skipped"])), names(summary["skipped"]))
    if summary.get("owed_checks"):
        table.add_row("checks owed, now run", str(len(summary["owed_checks"])), ", ".join(o["asset"] for o in summary["owed_checks"]))
    out.print(table)
    _print_housekeeping(summary)
    for item in summary["quarantined"]:
        out.print(f"[yellow]quarantined[/] {escape(item['file_name'])}: [bold]{item['reason_code']}[/] — {escape(item['reason'])}")
    for item in not_read:
        out.print(f"[yellow]not read: {item['count']}[/] {escape(item['file_name'] or item['sha256'][:12])}")
        for line in item["lines"][:3]:
            out.print(f"    - {escape(line)}")
        if item["count"] > 3:
            out.print(f"    ... {item['count'] - 3} more: " + 'circulars sql "SELECT * FROM unread_statements"')
    for check in summary["failed_checks"]:
        out.print(f"[red]check failed[/] {check['asset']}.{check['check']} ({check['severity']}): {escape(check['description'])}")
        for failure in check["failed"][:10]:
            out.print(f"    - {escape(str(failure.get('check')))}: {escape(str(failure.get('observed')))}")
    out.print(f"database: {home.database}")


def _print_housekeeping(summary: dict) -> None:
    """What a run did besides the new files: runs marked failed, owed checks, files left alone."""
    for run_id in summary.get("runs_marked_failed", []):
        out.print(f"[yellow]run {run_id}[/] had died (killed or crashed) without finishing: marked failed; this run completes its work")
    for owed in summary.get("owed_checks", []):
        out.print(f"[yellow]checks owed[/] by an earlier run on {owed['asset']} ({owed['events']}): run now")
    for item in summary.get("skipped", []):
        where = " (stays in the inbox)" if item.get("where") == "inbox" else ""
        out.print(f"[yellow]left alone[/] {item['file_name']}: {item['reason']}{where}", highlight=False)


def _settle_left_behind(home: Home, run_id: str) -> list[str]:
    """Mark failed the in-process runs a killed `circulars ingest` left `STARTED` (cheap when none)."""
    from circulars import runs
    from pipelines.runs import settle_left_behind

    if not runs.left_behind(home):
        return []
    with _dagster_instance(home) as instance:
        return settle_left_behind(home, instance, next_run=run_id)


def _checks_owed(home: Home) -> list:
    """The checks an earlier run left undone (killed or crashed while checking)."""
    from circulars import quality
    from circulars.db import connect

    if not home.database.exists():
        return []
    with connect(home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
        return quality.checks_owed(con)


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to copy into the inbox first")] = None,
    home: Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")] = None,
    now: Annotated[str | None, typer.Option(help="Evaluate deadlines as of this ISO instant (default: now)")] = None,
    workers: Annotated[int | None, typer.Option(help="Reading processes (default: CPU count)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing unless something failed")] = False,
) -> None:
    """Copy files into the inbox, then ingest everything new in it through the Dagster job."""
    from circulars import ingest as ingest_steps
    from circulars import intake, quality

    data_home = _home(home)
    skipped: list[dict] = []
    names = copy_into_inbox(data_home, list(paths or []), skipped=skipped)
    run_id = str(uuid.uuid4())  # a Dagster run id, known before the run (to name it to the runs it finishes)
    marked = _settle_left_behind(data_home, run_id)
    waiting = intake.inbox_files(data_home)
    nothing_waiting = not ingest_steps.work_waiting(data_home, on_wait=lambda m: err.print(m))
    owed = _checks_owed(data_home)
    if nothing_waiting and not owed and data_home.database.exists() and not now:
        skipped += [{"file_name": n, "reason": r, "where": "inbox"} for n, r in intake.inbox_left_alone(data_home)]
        if as_json:
            out.print_json(data={"success": True, "nothing_new": True, "skipped": skipped, "runs_marked_failed": marked})
        elif not quiet:
            out.print(f"Nothing new in {data_home.inbox}: nothing to do.")
            _print_housekeeping({"skipped": skipped, "runs_marked_failed": marked})
        return
    if not quiet and not as_json:
        if owed:
            err.print(f"checks owed by an earlier run: {quality.describe_owed(owed)}: running them ...")
        else:
            err.print(f"ingesting {len(waiting)} file(s) from {data_home.inbox} ...")
    result = _with_progress(
        data_home, len(waiting), lambda: run_ingestion(data_home, now=now, workers=workers, run_id=run_id),
        enabled=not quiet and not as_json,
    )
    summary = summarise(result)
    summary["copied"] = names
    summary["not_read"] = not_read_in(data_home, [i["sha256"] for i in summary["new"]] + summary.get("parsed", []))
    summary["needs_review"] = needs_review(data_home)
    summary["skipped"] = skipped + summary["skipped"]
    summary["runs_marked_failed"] = marked
    if owed:  # what was owed when this run began (the checks' metadata say the same, table by table)
        summary["owed_checks"] = [{"asset": o.table, "events": o.events} for o in owed]
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    elif (not quiet or not result.success or summary["quarantined"] or summary["failed_checks"] or summary["not_read"]
          or summary["skipped"] or summary["runs_marked_failed"]):
        _print_summary(summary, data_home)
    if not result.success:
        failure = next((e for e in result.all_events if e.is_failure), None)
        message = "see the run log"
        if failure and failure.step_failure_data:
            error = failure.step_failure_data.error
            while error.cause is not None and "DagsterExecutionStepExecutionError" in (error.cls_name or ""):
                error = error.cause
            message = f"step {failure.step_key}: {error.cls_name}: {error.message.strip()}"
        err.print(f"[red]the ingestion run failed[/]: {message}")
        raise typer.Exit(1)


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="A read-only SQL query, e.g. \"SELECT * FROM plan_items\"")],
    format: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
    home: Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")] = None,
) -> None:
    """Run a read-only query against the DuckDB file (waits, saying so, while an ingestion writes)."""
    import duckdb

    from circulars.db import connect

    if format not in {"table", "csv", "json"}:
        raise UserError(f"unknown format {format!r}: choose table, csv or json")
    data_home = resolve_home(home)
    try:
        with connect(data_home.database, read_only=True, sandboxed=True, on_wait=lambda m: err.print(m)) as con:
            cursor = con.execute(query)
            if cursor.description is None:
                return
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
    except FileNotFoundError as error:
        raise UserError(str(error)) from error
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "read-only" in message.lower() or "read only" in message.lower():
            raise UserError(f"refused: `circulars sql` is read-only ({message})") from error
        raise UserError(message) from error
    if format == "json":
        print(json.dumps([dict(zip(columns, _jsonable(list(r)))) for r in rows], ensure_ascii=False, indent=2))
    elif format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([["" if v is None else (json.dumps(_jsonable(v), ensure_ascii=False) if isinstance(v, (list, dict)) else _jsonable(v)) for v in r] for r in rows])
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(show_header=True, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(_jsonable(v)) for v in row))
        out.print(table)
        out.print(f"{len(rows)} row(s)")


@app.command()
def verify(
    home: Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")] = None,
) -> None:
    """Walk the event log's hash chain and re-hash every stored file; non-zero exit on any tampering or loss."""
    from circulars import integrity
    from circulars.db import connect
    from circulars.store import ContentStore

    data_home = resolve_home(home)
    if not data_home.database.exists():
        raise UserError(f"no database at {data_home.database}: nothing to verify")
    with connect(data_home.database, read_only=True, on_wait=lambda m: err.print(m)) as con:
        log = integrity.verify_log(con)
        store = integrity.verify_store(con, ContentStore(data_home.store))
        mirror = integrity.verify_mirror(con, data_home.log_mirror)
    problems = log.problems + store.problems + mirror.problems
    for problem in problems:
        out.print(f"[red]✗[/] {problem}")
    if problems:
        out.print(f"[red]{len(problems)} problem(s)[/] in {log.events_checked} events and {store.files_checked} stored files")
        raise typer.Exit(1)
    out.print(f"[green]✓[/] {log.events_checked} events: hash chain intact, seq gapless; {store.files_checked} stored files intact")


@app.command()
def export(
    target: Annotated[Path, typer.Argument(help="Folder to write one file per table into (created if missing)")],
    format: Annotated[str, typer.Option("--format", "-f", help="parquet | csv (lists become JSON text in CSV)")] = "parquet",
    home: Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")] = None,
) -> None:
    """Write every table (log, current state, history, quality results) to Parquet or CSV files, one per table."""
    from circulars.exports import export_tables

    if format not in {"parquet", "csv"}:
        raise UserError(f"unknown format {format!r}: choose parquet or csv")
    data_home = resolve_home(home)
    try:
        written = export_tables(data_home.database, target, format, on_wait=lambda m: err.print(m))
    except FileNotFoundError as error:
        raise UserError(str(error)) from error
    for table, path in written.items():
        out.print(f"{table:<16} {path}", highlight=False)
    out.print(f"{len(written)} table(s) written to {target}", highlight=False)


@app.command()
def calendar(
    year: Annotated[int | None, typer.Argument(help="Plan year, e.g. 2024 (default: every plan)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the .ics file here (default: standard output)")] = None,
    deadlines: Annotated[bool, typer.Option("--deadlines", help="Add each silence-procedure deadline at its exact time (Asia/Almaty), with an alarm a day before")] = False,
    home: Annotated[Path | None, typer.Option(help="Data home (default: CIRCULARS_HOME or data/)")] = None,
) -> None:
    """The plan of events as an iCalendar (.ics) file: one all-day event per dated item, never invented dates."""
    from circulars.calendar_export import NoPlan, calendar_for

    data_home = resolve_home(home)
    try:
        ics = calendar_for(data_home.database, year, deadlines=deadlines, on_wait=lambda m: err.print(m))
    except (FileNotFoundError, NoPlan) as error:
        raise UserError(str(error)) from error
    if output is None:
        sys.stdout.buffer.write(ics)
        sys.stdout.flush()
        return
    atomic_write(output, ics)
    err.print(f"{ics.count(b'BEGIN:VEVENT')} event(s) written to {output}", highlight=False)


def _register_review() -> None:
    from circulars import review_cli

    review_cli.register(app, home_of=_home, out=out, err=err, user_error=UserError, run_ingestion=run_ingestion,
                        jsonable=_jsonable)


_register_review()


from circulars import history_cli  # noqa: E402 - `changes` and `history`, kept in their own module

history_cli.register(app)


def main() -> None:
    try:
        app()
    except UserError as error:
        err.print(f"[red]error:[/] {error}")
        sys.exit(2)


if __name__ == "__main__":
    main()
