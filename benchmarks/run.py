"""The benchmark: the pipeline against the floor (pdfplumber's character extraction), on one corpus;
and what adding one circular costs, part by part, against the stack's own floor (issue 16).

    make setup                                           # the venv, with compiled bytecode (checked before measuring)
    .venv/bin/python benchmarks/run.py --quick           # CI: 30 circulars, 10 000 events, a 100-circular archive
    .venv/bin/python benchmarks/run.py                   # full: 1 000 circulars, 1 000 000 events, archives 1 000 / 10 000
    .venv/bin/python benchmarks/run.py --stages add_one,idle --archives 1000 --repeats 3   # some stages again, smaller

Every measurement runs in a fresh Python process (so imports, caches and memory are
its own). Peak memory is reported twice: of the largest single process (the child's
own VmHWM, or its largest reaped worker's ru_maxrss), and of the whole tree (main
process + reading workers), sampled from /proc every 0.2 s by the parent. Times are measured inside the child around
the call being measured (process start-up is reported apart), as wall and as CPU
seconds (the child's own plus its reaped workers'): on a shared machine CPU seconds
are the steadier figure.

Bytecode: every child runs with PYTHONDONTWRITEBYTECODE=1, as on these machines. In the
"compiled" case it reads the bytecode the set-up compiled (`scripts/bootstrap`); the benchmark
first checks that a process importing the definitions, Great Expectations and the readers
compiles nothing, and stops (run `make setup`) if it does. In the "source" case
PYTHONPYCACHEPREFIX points at a folder with the standard library's bytecode only, so the
packages and the project compile in every process, as after a plain `uv sync`. Every figure
but the breakdown is measured in the compiled case; the breakdown and the stack floor in both
(`benchmarks/breakdown.py`), repeated (`Plan.repeats`), medians reported.

Expensive inputs (the corpus, the archives, the million-event log) are cached under
the work folder, keyed by their parameters, and reused by later runs. Results are
saved after each measurement (`results-<mode>.json`), so a run cut short still
reports what finished. Full mode writes `BENCHMARKS.md` at the repository root (its
latency section, written by `benchmarks/latency.py`, is kept) with `benchmarks/notes.md`
appended; quick mode prints, or writes to `--output`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

CORPUS_VERSION = "1"  # bump when corpus.py changes what it writes: caches are then rebuilt
EVENTS_VERSION = "2"  # bump when corpus.synthetic_events or write_event_log change
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "circulars-bench"
ARCHIVE_BATCH = 1000
GIB = 1024**3


@dataclass(frozen=True)
class Plan:
    mode: str
    circulars: int
    events: int
    archives: tuple[int, ...]
    seed: int = 7
    pdf_share: float = 0.5
    bad_share: float = 0.02
    stage_timeout: float = 3 * 3600
    repeats: int = 3
    """Samples of each breakdown measurement (add one circular, stack floor) per bytecode case."""


QUICK = Plan("quick", 30, 10_000, (100,), stage_timeout=900, repeats=1)
FULL = Plan("full", 1000, 1_000_000, (1000, 10_000), repeats=5)
CASES = ("compiled", "source")
"""Bytecode compiled at set-up (as `make setup` leaves it), and not compiled (every process compiles)."""


# --- measurements, each run inside a fresh child process ---------------------------------------------


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall_seconds = time.perf_counter() - self.wall
        self.cpu_seconds = _cpu_seconds() - self.cpu


def measure_floor(corpus: str) -> dict:
    """pdfplumber character extraction over every page of every PDF, closing pages, plus reading the texts."""
    import pdfplumber

    files = sorted(Path(corpus).iterdir())
    pages = chars = pdfs = texts = unreadable = 0
    with _Clock() as clock:
        for path in files:
            if path.suffix == ".txt":
                chars += len(path.read_text(encoding="utf-8"))
                texts += 1
                continue
            try:
                with pdfplumber.open(path) as pdf:
                    for page in pdf.pages:
                        try:
                            chars += len(page.chars)
                            pages += 1
                        finally:
                            page.close()
                pdfs += 1
            except Exception:  # the bad files: the floor only reads what can be read
                unreadable += 1
    return {"seconds": clock.wall_seconds, "cpu_seconds": clock.cpu_seconds, "pdfs": pdfs, "pages": pages,
            "texts": texts, "unreadable": unreadable, "chars": chars}


def _ingest(home_root: str, workers: int, files: list[str] | None = None) -> dict:
    from circulars.cli import run_ingestion
    from circulars.db import connect
    from circulars.home import resolve_home

    home = resolve_home(home_root).ensure()
    with _Clock() as clock:
        result = run_ingestion(home, workers=workers, files=files)
    with connect(home.database, read_only=True) as con:
        circulars, quarantined = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'quarantined') FROM circulars").fetchone()
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    return {"seconds": clock.wall_seconds, "cpu_seconds": clock.cpu_seconds, "success": result.success,
            "circulars": circulars, "quarantined": quarantined, "events": events,
            "gx_imported": "great_expectations" in sys.modules}


def measure_ingest(corpus: str, home: str, workers: int) -> dict:
    """A cold home: the corpus copied into its inbox (not timed), then one run_ingestion."""
    from circulars.cli import copy_into_inbox
    from circulars.home import resolve_home

    copy_into_inbox(resolve_home(home).ensure(), [Path(corpus)])
    return _ingest(home, workers)


def measure_bytecode(modules: list[str]) -> dict:
    """Import what a run imports; which modules had to be compiled in this process (missing or stale .pyc)?"""
    import importlib

    from benchmarks.bytecode import compiled_in_this_process, where

    for name in modules:
        importlib.import_module(name)
    compiled = [n for n in compiled_in_this_process() if not n.startswith("benchmarks")]
    by_part: dict[str, int] = {}
    for name in compiled:
        by_part[where(name)] = by_part.get(where(name), 0) + 1
    return {"modules_loaded": len(sys.modules), "modules_compiled": len(compiled), "by_part": by_part,
            "examples": compiled[:10], "pycache_prefix": sys.pycache_prefix, "dont_write": sys.flags.dont_write_bytecode}


def measure_rebuild(database: str) -> dict:
    """Every projection dropped and rebuilt from the whole log, with the time of each of its statements."""
    from circulars import projections
    from circulars.db import connect

    with connect(Path(database)) as con:
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        projections.reset(con)
        timed = _TimedStatements(con)
        with _Clock() as clock:
            counts = projections.rebuild_all(timed, datetime(2031, 1, 1, tzinfo=UTC))
    return {"seconds": clock.wall_seconds, "cpu_seconds": clock.cpu_seconds, "events": events, "rows": counts,
            "parts": timed.seconds}


class _TimedStatements:
    """A DuckDB connection whose `execute` is timed per projection statement (history table, current
    table, change feed), named by the statement it runs; everything else is passed through."""

    def __init__(self, con) -> None:
        from circulars import projections

        self._con = con
        self.seconds: dict[str, float] = {}
        from circulars import sql as statements

        # the statements as the projections run them: loaded from circulars/sql/, values bound by name
        self._names = {statements.load(f"history/{name}.sql"): f"history: {name}" for name in projections.HISTORY_TABLE_NAMES}
        self._names.update({statements.load(f"current/{name}.sql"): f"current: {name}" for name in projections.CURRENT_TABLES})

    def _name(self, sql: str) -> str:
        if sql in self._names:
            return self._names[sql]
        if sql.lstrip().startswith("INSERT INTO entity_states"):
            kinds = [k for k in ("plan_item", "budget_line", "decision", "document_link") if f"'{k}'" in sql]
            return "change feed: entity_states, " + (kinds[0] if kinds else "other")
        statement = sql.strip().upper()
        if statement.startswith("COMMIT"):
            return "commit (the rebuilt tables written to the file)"
        if statement.startswith("SELECT COUNT(*) FROM"):
            return "row counts"
        return "schema, macros, checkpoints"

    def execute(self, sql, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            name = self._name(sql)
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def __getattr__(self, name):
        return getattr(self._con, name)


def measure_sensor_tick(home: str) -> dict:
    """One evaluation of the inbox sensor with nothing new (definitions loaded as the daemon loads them)."""
    started = time.perf_counter()
    os.environ["DAGSTER_HOME"] = str(Path(home) / "dagster")
    from dagster import SkipReason, build_sensor_context

    from circulars.home import resolve_home
    from pipelines.definitions import defs  # noqa: F401 - what a code server loads before ticking
    from pipelines.resources import CircularsHome
    from pipelines.sensors import inbox_sensor

    resolve_home(home).ensure()
    loaded = time.perf_counter() - started
    with _Clock() as clock:
        context = build_sensor_context(resources={"circulars_home": CircularsHome(root=home)})
        outcome = inbox_sensor(context)
    return {"seconds": clock.wall_seconds, "cpu_seconds": clock.cpu_seconds, "load_seconds": loaded,
            "skipped": isinstance(outcome, SkipReason), "gx_imported": "great_expectations" in sys.modules}


def measure_empty_cli(home: str) -> dict:
    """`circulars ingest` on an empty inbox, as a scheduled wrapper would call it."""
    started = time.perf_counter()
    from circulars import cli

    sys.argv = ["circulars", "ingest", "--home", home, "--quiet"]
    try:
        cli.app()
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    return {"seconds": time.perf_counter() - started, "cpu_seconds": _cpu_seconds(),
            "gx_imported": "great_expectations" in sys.modules}


def measure_empty_run(home: str) -> dict:
    """The daily schedule's run with nothing new: the job itself (state re-evaluated, checks run)."""
    return _ingest(home, 1)


def measure_add_one(home: str, new_file: str, workers: int) -> dict:
    from benchmarks.breakdown import measure_add_one as measure

    return measure(home, new_file, workers)


def measure_stack_floor(pdf: str, scratch: str) -> dict:
    from benchmarks.breakdown import measure_stack_floor as measure

    return measure(pdf, scratch)


MEASURES = {
    "floor": measure_floor, "ingest": measure_ingest, "add_one": measure_add_one, "rebuild": measure_rebuild,
    "stack_floor": measure_stack_floor, "bytecode": measure_bytecode,
    "sensor_tick": measure_sensor_tick, "empty_cli": measure_empty_cli, "empty_run": measure_empty_run,
}


def _child_main(name: str, arguments: str, out: str) -> None:
    os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    result = MEASURES[name](**json.loads(arguments))
    result["self_peak_rss_bytes"] = _own_high_water()
    result["workers_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    Path(out).write_text(json.dumps(result))


def _own_high_water() -> int:
    """This process's peak RSS since exec (VmHWM): unlike ru_maxrss, not inherited from the forking parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --- the parent: fresh processes, peak memory ----------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            pid = int(entry)
            children.setdefault(int(fields[1]), []).append(pid)
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


CHECKED_IMPORTS = ["pipelines.definitions", "great_expectations", "pdfplumber", "duckdb", "circulars.cli",
                   "circulars.reading.pdf", "expectations"]
"""What a run imports: the bytecode check imports these and counts what it had to compile."""


def child_environment(case: str = "compiled", workdir: Path | None = None) -> dict:
    """The children's environment for a bytecode case (see the module docstring)."""
    from benchmarks.bytecode import compiled_case_environment, source_case_environment

    environment = dict(os.environ)
    environment.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
    environment.setdefault("GX_ANALYTICS_ENABLED", "false")
    if case == "source":
        return source_case_environment(environment, workdir or DEFAULT_WORKDIR)
    return compiled_case_environment(environment)


def check_bytecode(workdir: Path, log: Path) -> dict:
    """Both cases are what they say: compiled compiles nothing, source compiles the packages and the project.

    The benchmark's own modules are compiled here first (they are not a package the set-up compiles)."""
    import compileall

    compileall.compile_dir(str(HERE), quiet=2)
    found = {case: run_child("bytecode", 600, log, case=case, workdir=workdir, modules=CHECKED_IMPORTS) for case in CASES}
    for case, result in found.items():
        if "error" in result:
            raise SystemExit(f"bytecode check ({case}) failed: {result['error']}")
    if found["compiled"]["modules_compiled"]:
        raise SystemExit(
            f"the virtual environment is not compiled: a run's process compiled {found['compiled']['modules_compiled']} "
            f"modules ({', '.join(found['compiled']['examples'])}, ...). Run `make setup` (it compiles bytecode), then again.")
    if found["source"]["modules_compiled"] < 1000:
        raise SystemExit(f"the source case compiled only {found['source']['modules_compiled']} modules: "
                         "PYTHONPYCACHEPREFIX was not honoured")
    return found


def run_child(name: str, timeout: float, log: Path, *, case: str = "compiled", workdir: Path | None = None,
              **arguments) -> dict:
    """Run one measurement in a fresh process; adds process seconds and peak memory to its result.

    The process is timed from just before it is started to its exit (a thread waits for it, so the
    exit is seen at once; the main thread samples the tree's memory every 0.2 s)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, json.dumps(arguments), str(out)]
    environment = child_environment(case, workdir)
    ended: dict = {}
    finished = threading.Event()
    with open(log, "a") as stream:
        stream.write(f"\n=== {name} [{case}] {arguments}\n")
        stream.flush()
        from benchmarks.breakdown import SPAWNED_ENV

        spawned = time.time()
        environment[SPAWNED_ENV] = repr(spawned)
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=stream, stderr=stream, start_new_session=True,
                                   env=environment)

        def wait() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            ended.update(status=status, at=time.time(), usage=usage)
            finished.set()

        threading.Thread(target=wait, daemon=True).start()
        peak_tree = 0
        while not finished.wait(0.2):
            peak_tree = max(peak_tree, _tree_rss(process.pid))
            if time.time() - spawned > timeout:
                os.killpg(process.pid, signal.SIGKILL)  # the child and its reading workers
                finished.wait()
                return {"error": f"did not finish within {timeout:.0f} s", "case": case}
    process.returncode = os.waitstatus_to_exitcode(ended["status"])
    if process.returncode != 0 or not out.exists() or not out.read_text():
        return {"error": f"exit status {process.returncode}; see {log}", "case": case}
    result = json.loads(out.read_text())
    out.unlink(missing_ok=True)
    result["case"] = case
    result["process_seconds"] = ended["at"] - spawned
    if "child_finished_at" in result:
        # The whole process as a user would see it: less the benchmark's own bookkeeping after the run.
        result["exit_seconds"] = ended["at"] - result.pop("child_finished_at")
        result["process_seconds"] -= result.get("bookkeeping_seconds", 0.0)
        if "parts" in result:
            result["parts"].append({"part": "process exit", "owner": "Python", "seconds": result["exit_seconds"]})
    # Largest single process: the child's own high-water mark, or its largest reaped worker's. (The
    # parent's wait4 ru_maxrss is not used: Linux carries the forking parent's RSS into it.)
    result["peak_rss_bytes"] = max(result.pop("self_peak_rss_bytes"), result.pop("workers_peak_rss_bytes"))
    result["peak_tree_rss_bytes"] = max(peak_tree, result["peak_rss_bytes"])
    return result


# --- cached inputs -----------------------------------------------------------------------------------


def _complete(folder: Path) -> bool:
    return (folder / ".complete").exists()


def _mark_complete(folder: Path) -> None:
    (folder / ".complete").write_text(datetime.now(UTC).isoformat())


def corpus_folder(workdir: Path, n: int, seed: int, pdf_share: float, bad_share: float) -> Path:
    from benchmarks import corpus

    folder = workdir / f"corpus-n{n}-s{seed}-p{pdf_share}-b{bad_share}-v{CORPUS_VERSION}"
    if not _complete(folder):
        shutil.rmtree(folder, ignore_errors=True)
        corpus.generate(folder, n=n, seed=seed, pdf_share=pdf_share, bad_share=bad_share)
        _mark_complete(folder)
    return folder


def new_circular(workdir: Path) -> Path:
    """The circular added to each archive: one plan-and-budget circular, as a PDF, numbered beyond the corpus."""
    from benchmarks import corpus
    from tests.fixtures.render import LAYOUTS, register_fonts, render

    target = workdir / f"new-circular-v{CORPUS_VERSION}" / "DOC-99001.a4serif.pdf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        register_fonts()
        circular = next(corpus.circulars(1, seed=424242, first_number=99000))
        render(circular.text, LAYOUTS["a4serif"], target, title=circular.title)
    return target


def archive_home(workdir: Path, size: int, plan: Plan, log: Path, batches: list[dict]) -> Path:
    """A home holding `size` text circulars, ingested through the pipeline in batches (cached).

    Keyed by the projections' version too: a run over an archive whose projections are of an older
    version rebuilds them all first, and that one-off cost is not what adding a circular costs."""
    from circulars.projections import PROJECTION_VERSION

    folder = workdir / f"archive-{size}-s{plan.seed}-v{CORPUS_VERSION}-p{PROJECTION_VERSION}"
    if _complete(folder):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    texts = corpus_folder(workdir, size, plan.seed + 1, 0.0, plan.bad_share)
    files = sorted(p for p in texts.iterdir() if not p.name.startswith("."))
    home = folder / "home"
    for start in range(0, len(files), ARCHIVE_BATCH):
        batch = _scratch(workdir) / f"archive-batch-{size}"
        shutil.rmtree(batch, ignore_errors=True)
        batch.mkdir(parents=True)
        for path in files[start: start + ARCHIVE_BATCH]:
            os.link(path, batch / path.name)
        result = run_child("ingest", plan.stage_timeout, log, corpus=str(batch), home=str(home), workers=2)
        shutil.rmtree(batch, ignore_errors=True)
        result["archive_size"], result["batch_start"] = size, start
        batches.append(result)
        print(f"  archive {size}: batch from {start}: {_short(result)}", flush=True)
        if "error" in result:
            raise RuntimeError(f"building the {size}-circular archive failed: {result['error']}")
    _mark_complete(folder)
    return folder


def event_log(workdir: Path, n: int, seed: int) -> Path:
    from benchmarks import corpus

    path = workdir / f"events-{n}-s{seed}-v{EVENTS_VERSION}.duckdb"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        corpus.write_event_log(partial, n, seed)
        partial.rename(path)
    return path


def _scratch(workdir: Path) -> Path:
    """This run's own scratch folder: two runs sharing a work folder (and its caches) never collide."""
    return workdir / "scratch" / str(os.getpid())


def _scratch_copy(source: Path, workdir: Path, name: str) -> Path:
    target = _scratch(workdir) / name
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copy2(source, target)
    return target


def _short(result: dict) -> str:
    if "error" in result:
        return result["error"]
    return (f"{result.get('seconds', 0):.2f} s wall, {result.get('cpu_seconds', 0):.2f} s CPU, "
            f"peak {result.get('peak_tree_rss_bytes', 0) / 2**20:.0f} MiB")


# --- the run -----------------------------------------------------------------------------------------


def machine() -> dict:
    import dagster
    import duckdb

    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    uv = shutil.which("uv") or str(REPO_ROOT / ".tools" / "bin" / "uv")
    try:
        uv_version = subprocess.run([uv, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        uv_version = "uv not found"
    return {"nproc": os.cpu_count(), "memory_bytes": memory, "cpu": model, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "dagster": dagster.__version__, "platform": platform.platform(),
            "date": machine_date(), "load_at_start": os.getloadavg(),
            "uv": uv_version, "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "")}


def machine_date() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


STAGES = ("floor", "ingest1", "ingest2", "rebuild", "add_one", "idle")  # idle runs in the first archive


def run(plan: Plan, workdir: Path, stages: tuple[str, ...] = STAGES) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"children-{plan.mode}.log"
    saved = workdir / f"results-{plan.mode}.json"
    results: dict = json.loads(saved.read_text()) if saved.exists() else {}
    results["plan"] = plan.__dict__ | {"archives": list(plan.archives)}
    earlier = results.get("machine")
    results["machine"] = machine()
    if earlier and set(stages) != set(STAGES):
        # A run resumed for some stages: the others were measured earlier, under another load; say so.
        results["machine"]["date"], results["machine"]["load_at_start"] = earlier["date"], earlier.get("load_at_start")
        kept = [r for r in results.get("resumed", []) if set(r["stages"]) - set(stages)]  # not all measured again now
        results["resumed"] = kept + [{"stages": list(stages), "date": machine_date(), "load_at_start": os.getloadavg()}]

    def save() -> None:
        results["machine"]["load_at_end"] = os.getloadavg()
        saved.write_text(json.dumps(results, indent=2, default=str))

    results["bytecode"] = check_bytecode(workdir, log)
    print("bytecode: " + "; ".join(f"{case}: a run's imports compile {r['modules_compiled']} of {r['modules_loaded']} "
                                   f"modules" for case, r in results["bytecode"].items()), flush=True)
    print(f"corpus: {plan.circulars} circulars ...", flush=True)
    corpus = corpus_folder(workdir, plan.circulars, plan.seed, plan.pdf_share, plan.bad_share)
    results["corpus"] = _corpus_facts(corpus)
    if "floor" in stages:
        results["floor"] = run_child("floor", plan.stage_timeout, log, corpus=str(corpus))
        print(f"floor: {_short(results['floor'])}", flush=True)
        save()
    for workers, stage in ((1, "ingest1"), (2, "ingest2")):
        if stage in stages:
            home = _scratch(workdir) / f"ingest-w{workers}"
            shutil.rmtree(home, ignore_errors=True)
            results[stage] = run_child("ingest", plan.stage_timeout, log, corpus=str(corpus), home=str(home),
                                       workers=workers)
            print(f"ingest, {workers} worker(s): {_short(results[stage])}", flush=True)
            shutil.rmtree(home, ignore_errors=True)
            save()
    if "rebuild" in stages:
        print(f"event log: {plan.events} events ...", flush=True)
        started = time.perf_counter()
        database = event_log(workdir, plan.events, plan.seed)
        results["event_log_build_seconds"] = results.get("event_log_build_seconds") or time.perf_counter() - started
        scratch = _scratch_copy(database, workdir, "rebuild.duckdb")
        results["rebuild"] = run_child("rebuild", plan.stage_timeout, log, database=str(scratch))
        scratch.unlink(missing_ok=True)
        print(f"rebuild from {plan.events} events: {_short(results['rebuild'])}", flush=True)
        save()
    if "add_one" in stages:
        add_one_stage(plan, workdir, log, results, stages, save)
    save()
    shutil.rmtree(_scratch(workdir), ignore_errors=True)
    return results


def add_one_stage(plan: Plan, workdir: Path, log: Path, results: dict, stages: tuple[str, ...], save) -> None:
    """One new circular into an empty home and into each archive (figure 4, compiled case); the
    breakdown and the stack floor in both bytecode cases, `plan.repeats` times, into an empty home
    and into the first archive; the idle measurements (figure 6) in the first archive."""
    new_file = new_circular(workdir)
    results["new_circular"] = {"file": new_file.name, "bytes": new_file.stat().st_size}
    results["archive_batches"] = []
    results["add_one"], results["breakdown"], results["stack_floor"] = {}, {c: {} for c in CASES}, {c: [] for c in CASES}
    sources: dict[int, Path | None] = {0: None}
    for size in plan.archives:
        print(f"archive of {size} circulars ...", flush=True)
        batches: list[dict] = []
        try:
            sources[size] = archive_home(workdir, size, plan, log, batches) / "home"
        except RuntimeError as error:
            results["add_one"][str(size)] = {"error": str(error)}
        results["archive_batches"] += batches
        save()

    def add_one(size: int, case: str) -> dict:
        label = "an empty home" if size == 0 else f"{size} circulars"
        if size not in sources:
            return {"error": f"no archive of {size}"}
        if size == 0:
            home = _scratch(workdir) / "add-to-empty"
            shutil.rmtree(home, ignore_errors=True)
        else:
            home = _scratch_copy(sources[size], workdir, f"archive-{size}")
        result = run_child("add_one", plan.stage_timeout, log, case=case, workdir=workdir, home=str(home),
                           new_file=str(new_file), workers=2)
        shutil.rmtree(home, ignore_errors=True)
        print(f"add one to {label} [{case}]: {_short(result)}; whole process {result.get('process_seconds', 0):.2f} s",
              flush=True)
        return result

    breakdown_sizes = [0] + [s for s in plan.archives[:1] if s in sources]
    scratch = _scratch(workdir) / "stack-floor"
    scratch.mkdir(parents=True, exist_ok=True)
    for repeat in range(plan.repeats):
        for case in (CASES if repeat % 2 == 0 else CASES[::-1]):  # alternate the order: drift in load falls on both
            floor = run_child("stack_floor", plan.stage_timeout, log, case=case, workdir=workdir, pdf=str(new_file),
                              scratch=str(scratch))
            results["stack_floor"][case].append(floor)
            print(f"stack floor [{case}]: whole process {floor.get('process_seconds', 0):.2f} s", flush=True)
            for size in breakdown_sizes:
                results["breakdown"][case].setdefault(str(size), []).append(add_one(size, case))
            save()
    for size in breakdown_sizes:
        samples = [r for r in results["breakdown"]["compiled"].get(str(size), []) if "error" not in r]
        results["add_one"][str(size)] = _median_sample(samples) if samples else results["breakdown"]["compiled"][str(size)][0]
    for size in plan.archives:
        if size in sources and str(size) not in results["add_one"]:
            results["add_one"][str(size)] = add_one(size, "compiled")
            save()
    first = plan.archives[0] if plan.archives else None
    if "idle" in stages and first in sources:
        # Nothing new, in a home that holds an archive: a sensor tick, `circulars ingest`, the daily job.
        home = _scratch_copy(sources[first], workdir, f"archive-{first}")
        results["sensor_tick"] = run_child("sensor_tick", plan.stage_timeout, log, home=str(home))
        results["empty_cli"] = run_child("empty_cli", plan.stage_timeout, log, home=str(home))
        results["empty_run"] = run_child("empty_run", plan.stage_timeout, log, home=str(home))
        print(f"nothing new, {first} circulars held: sensor tick {_short(results['sensor_tick'])}; "
              f"`circulars ingest` {_short(results['empty_cli'])}; scheduled job {_short(results['empty_run'])}",
              flush=True)
        shutil.rmtree(home, ignore_errors=True)
        save()


def _median_sample(samples: list[dict]) -> dict:
    """The sample whose whole process time is the median (the lower one of an even count)."""
    ordered = sorted(samples, key=lambda r: r.get("process_seconds", r.get("seconds", 0)))
    return ordered[(len(ordered) - 1) // 2]


def _corpus_facts(folder: Path) -> dict:
    files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    kinds: dict[str, int] = {}
    for path in files:
        kind = path.name.split("_", 1)[1].rsplit("_DOC", 1)[0] if "_DOC" in path.name else "bad"
        kinds[kind] = kinds.get(kind, 0) + 1
    return {"files": len(files), "pdfs": sum(p.suffix == ".pdf" and "_bad_" not in p.name for p in files),
            "texts": sum(p.suffix == ".txt" for p in files), "bad": sum("_bad_" in p.name for p in files),
            "bytes": sum(p.stat().st_size for p in files), "kinds": kinds}


# --- the report ----------------------------------------------------------------------------------------


def figures(results: dict) -> list[dict]:
    """The seven figures, each with its target and whether it was met."""
    rows: list[dict] = []

    def ok(result: dict | None) -> bool:
        return bool(result) and "error" not in result

    def add(number: str, what: str, value: str, target: str, met: bool | None, note: str = "") -> None:
        rows.append({"number": number, "what": what, "value": value, "target": target,
                     "status": "—" if met is None else ("met" if met else "missed"), "note": note})

    floor, one, two = results.get("floor"), results.get("ingest1"), results.get("ingest2")
    if ok(floor):
        add("1", f"floor: pdfplumber chars, {floor['pages']} pages of {floor['pdfs']} PDFs + {floor['texts']} texts",
            f"{floor['seconds']:.1f} s ({floor['cpu_seconds']:.1f} s CPU)", "—", None)
    else:
        add("1", "floor", (floor or {}).get("error", "not run"), "—", None)
    if ok(one) and ok(floor):
        ratio, cpu_ratio = one["seconds"] / floor["seconds"], one["cpu_seconds"] / floor["cpu_seconds"]
        add("2", f"full ingestion, 1 worker ({one['circulars']} circulars, {one['events']} events)",
            f"{one['seconds']:.1f} s = {ratio:.2f}× floor (CPU {cpu_ratio:.2f}×)", "≤ 1.3× floor", ratio <= 1.3)
    else:
        add("2", "full ingestion, 1 worker", (one or {}).get("error", "not run"), "≤ 1.3× floor", False if one else None)
    if ok(two) and ok(one):
        speedup = one["seconds"] / two["seconds"]
        add("3", "full ingestion, 2 workers", f"{two['seconds']:.1f} s = {speedup:.2f}× faster than 1 worker",
            "≥ 1.7×", speedup >= 1.7)
    else:
        add("3", "full ingestion, 2 workers", (two or {}).get("error", "not run"), "≥ 1.7×", False if two else None)
    adds = results.get("add_one", {})
    base = adds.get("0")
    for size, result in sorted(adds.items(), key=lambda item: int(item[0])):
        label = "an empty home" if size == "0" else f"an archive of {int(size):,} circulars"
        if ok(result):
            grows = ""
            if size != "0" and ok(base):
                grows = f"; {result['seconds'] / base['seconds']:.2f}× the time into an empty home"
            met = result["seconds"] < 3 and (size == "0" or not ok(base) or result["seconds"] < 1.5 * base["seconds"])
            whole = f"; whole process {result['process_seconds']:.1f} s" if "process_seconds" in result else ""
            add("4", f"one new circular into {label}",
                f"{result['seconds']:.2f} s ({result['cpu_seconds']:.2f} s CPU){grows}{whole}",
                "< 3 s, not growing", met)
        else:
            add("4", f"one new circular into {label}", result.get("error", "not run"), "< 3 s, not growing", False)
    from benchmarks.breakdown import FLOOR_TARGET, floor_ratios

    for case, by_size in sorted(floor_ratios(results).items()):
        for size, ratio in sorted(by_size.items(), key=lambda item: int(item[0])):
            label = "an empty home" if size == "0" else f"an archive of {int(size):,}"
            add("4", f"one new circular into {label}, whole process, against the stack floor ({case} bytecode)",
                f"{ratio:.2f}× the floor", f"≤ {FLOOR_TARGET}× floor", ratio <= FLOOR_TARGET)
    rebuild = results.get("rebuild")
    if ok(rebuild):
        counts = rebuild.get("rows", {})
        built = ", ".join(f"{count:,} {table}" for table, count in counts.items() if table != "circulars")
        add("5", f"rebuild all projections from {rebuild['events']:,} events", f"{rebuild['seconds']:.1f} s "
            f"({rebuild['cpu_seconds']:.1f} s CPU) → {counts.get('circulars', 0):,} circulars, {built}", "< 10 s",
            rebuild["seconds"] < 10)
    else:
        add("5", "rebuild all projections", (rebuild or {}).get("error", "not run"), "< 10 s", False if rebuild else None)
    tick, cli = results.get("sensor_tick"), results.get("empty_cli")
    if ok(tick):
        add("6", "sensor tick, nothing new", f"{tick['seconds'] * 1000:.0f} ms (definitions load {tick['load_seconds']:.1f} s); "
            f"GX imported: {'yes' if tick['gx_imported'] else 'no'}", "< 2 s, no GX import",
            tick["seconds"] < 2 and not tick["gx_imported"])
    if ok(cli):
        add("6", "`circulars ingest`, empty inbox", f"{cli['process_seconds']:.1f} s (whole process); "
            f"GX imported: {'yes' if cli['gx_imported'] else 'no'}", "< 2 s, no GX import",
            cli["process_seconds"] < 2 and not cli["gx_imported"])
    empty_run = results.get("empty_run")
    if ok(empty_run):
        add("6", f"scheduled job run, nothing new ({empty_run['circulars']:,} circulars held)",
            f"{empty_run['seconds']:.1f} s; GX imported: {'yes' if empty_run['gx_imported'] else 'no'}", "— (informative)",
            None, "the daily run re-evaluates state and runs the checks, so it imports GX by design")
    peaks = [(name, r) for name, r in _all_measured(results) if ok(r)]
    largest = max(peaks, key=lambda item: item[1].get("peak_tree_rss_bytes", 0)) if peaks else None
    big = [r for name, r in peaks if name.startswith("add_one") or name.startswith("archive")]
    if largest:
        archive_peak = max((r["peak_tree_rss_bytes"] for r in big), default=0)
        add("7", f"peak memory (largest: {largest[0]}, whole process tree)",
            f"{largest[1]['peak_tree_rss_bytes'] / 2**20:.0f} MiB; with the largest archive "
            f"{archive_peak / 2**20:.0f} MiB", "< 1 GiB", largest[1]["peak_tree_rss_bytes"] < GIB)
    return rows


def _all_measured(results: dict) -> list[tuple[str, dict]]:
    found = [(name, results[name]) for name in ("floor", "ingest1", "ingest2", "rebuild", "sensor_tick", "empty_cli",
                                                "empty_run") if isinstance(results.get(name), dict)]
    found += [(f"add_one[{size}]", r) for size, r in results.get("add_one", {}).items()]
    for case, by_size in (results.get("breakdown") or {}).items():
        for size, samples in by_size.items():
            found += [(f"breakdown[{case}, {size}] #{i + 1}", r) for i, r in enumerate(samples)]
    for case, samples in (results.get("stack_floor") or {}).items():
        found += [(f"stack_floor[{case}] #{i + 1}", r) for i, r in enumerate(samples)]
    found += [(f"archive[{r.get('archive_size')}] batch {r.get('batch_start')}", r) for r in results.get("archive_batches", [])]
    return found


def table(rows: list[dict]) -> str:
    lines = ["| # | measurement | result | target | status |", "|---|---|---|---|---|"]
    lines += [f"| {r['number']} | {r['what']} | {r['value']} | {r['target']} | {r['status']} |" for r in rows]
    return "\n".join(lines)


def memory_table(results: dict) -> str:
    lines = ["| measurement | wall s | CPU s | process s | peak RSS, largest process | peak RSS, process tree |",
             "|---|---|---|---|---|---|"]
    for name, r in _all_measured(results):
        if "error" in r:
            lines.append(f"| {name} | {r['error']} | | | | |")
            continue
        lines.append(f"| {name} | {r.get('seconds', 0):.2f} | {r.get('cpu_seconds', 0):.2f} | "
                     f"{r.get('process_seconds', 0):.1f} | {r.get('peak_rss_bytes', 0) / 2**20:.0f} MiB | "
                     f"{r.get('peak_tree_rss_bytes', 0) / 2**20:.0f} MiB |")
    return "\n".join(lines)


def report(results: dict, notes: str = "") -> str:
    m = results["machine"]
    plan = results["plan"]
    corpus = results.get("corpus", {})
    load = lambda values: ", ".join(f"{v:.1f}" for v in values) if values else "?"  # noqa: E731
    return "\n".join([
        "# Benchmarks",
        "",
        f"Measured {m['date']} by `benchmarks/run.py` ({plan['mode']} mode) on {m['nproc']} CPUs "
        f"({m['cpu']}), {m['memory_bytes'] / GIB:.1f} GiB RAM, Python {m['python']}, DuckDB {m['duckdb']}, "
        f"Dagster {m['dagster']} ({m['platform']}). Load average at start: {load(m.get('load_at_start'))}; "
        f"at end: {load(m.get('load_at_end'))}. Environment: PYTHONDONTWRITEBYTECODE="
        f"{m.get('PYTHONDONTWRITEBYTECODE') or 'unset'} here (every child runs with it set to 1), {m.get('uv', 'uv ?')}; "
        "every figure but the breakdown's source case reads the bytecode `make setup` compiled. The machine is shared "
        "with other work: timings are noisy (the load is given).",
        *[f"Stages {', '.join(r['stages'])} re-measured from {r['date']} (load average at their start: "
          f"{load(r.get('load_at_start'))}); the others are from the first date." for r in results.get("resumed", [])],
        "",
        f"Corpus (`benchmarks/corpus.py`, seed {plan['seed']}): {corpus.get('files', '?')} files — "
        f"{corpus.get('pdfs', '?')} PDFs (two layouts), {corpus.get('texts', '?')} texts, {corpus.get('bad', '?')} bad files "
        f"(empty, HTML named .pdf, truncated); kinds {corpus.get('kinds', {})}; {corpus.get('bytes', 0) / 2**20:.1f} MiB.",
        "",
        "## The figures",
        "",
        table(figures(results)),
        "",
        "## Every measurement: time and peak memory",
        "",
        "Each row is one fresh process. Wall and CPU seconds are measured inside it around the measured call (CPU "
        "includes reaped worker processes); process seconds include Python start-up and imports. Peak RSS: of the "
        "largest single process (VmHWM of the process, or ru_maxrss of its largest worker), and of the whole tree "
        "sampled every 0.2 s.",
        "",
        memory_table(results),
        "",
        breakdown_section(results),
        notes,
    ]).rstrip() + "\n"


def breakdown_section(results: dict) -> str:
    from benchmarks.breakdown import report_section

    return report_section(results) + rebuild_section(results)


def rebuild_section(results: dict) -> str:
    """Figure 5 statement by statement: which projection costs what."""
    rebuild = results.get("rebuild") or {}
    parts = rebuild.get("parts")
    if not parts:
        return ""
    total = sum(parts.values())
    groups: dict[str, float] = {}
    for name, seconds in parts.items():
        group = name.split(":")[0] if ":" in name else name
        groups[group] = groups.get(group, 0.0) + seconds
    lines = ["", f"## Rebuilding every projection from {rebuild['events']:,} events: what costs what", "",
             f"Figure 5, each statement of `projections.rebuild_all` timed (wall seconds; DuckDB runs each on every "
             f"core). Total of the statements {total:.2f} s of {rebuild['seconds']:.2f} s. By kind: "
             + "; ".join(f"{g} {v:.2f} s" for g, v in sorted(groups.items(), key=lambda kv: -kv[1])) + ".", "",
             "| statement | seconds | share |", "|---|---|---|"]
    for name, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {seconds:.2f} | {100 * seconds / total:.0f} % |")
    return "\n".join(lines) + "\n"


LATENCY_HEADING = "## Inbox-to-table latency, through the daemon"
NOTES = HERE / "notes.md"
"""What was profiled, cut and left: written by hand, appended to the full report."""


def kept_latency_section(path: Path) -> str:
    """The latency section `benchmarks/latency.py` wrote into BENCHMARKS.md (kept when this report is rewritten)."""
    if not path.exists():
        return ""
    text = path.read_text()
    return text[text.index(LATENCY_HEADING):] if LATENCY_HEADING in text else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="CI size: 30 circulars, 10 000 events, a 100-circular archive")
    parser.add_argument("--workdir", type=Path, default=None, help=f"caches and scratch (default {DEFAULT_WORKDIR}/<mode>)")
    parser.add_argument("--output", type=Path, default=None, help="write the report here (full mode: BENCHMARKS.md)")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    parser.add_argument("--report-only", action="store_true", help="rewrite the report from the saved results")
    parser.add_argument("--notes", type=Path, default=None,
                        help="a Markdown file appended to the report (full mode: benchmarks/notes.md)")
    parser.add_argument("--archives", default=None,
                        help="comma-separated archive sizes instead of the mode's (e.g. 1000: no 10,000 archive to build)")
    parser.add_argument("--repeats", type=int, default=None, help="samples of each breakdown measurement per case")
    parser.add_argument("--child", nargs=3, metavar=("NAME", "ARGS", "OUT"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        _child_main(*arguments.child)
        return 0
    plan = QUICK if arguments.quick else FULL
    if arguments.archives is not None:
        plan = dataclasses.replace(plan, archives=tuple(int(n) for n in arguments.archives.split(",") if n.strip()))
    if arguments.repeats is not None:
        plan = dataclasses.replace(plan, repeats=arguments.repeats)
    workdir = arguments.workdir or DEFAULT_WORKDIR / plan.mode
    if arguments.report_only:
        results = json.loads((workdir / f"results-{plan.mode}.json").read_text())
    else:
        results = run(plan, workdir, tuple(s.strip() for s in arguments.stages.split(",") if s.strip()))
    output = arguments.output or (None if arguments.quick else REPO_ROOT / "BENCHMARKS.md")
    notes_file = arguments.notes or (NOTES if not arguments.quick and NOTES.exists() else None)
    notes = notes_file.read_text() if notes_file else ""
    text = report(results, notes)
    if output and output.resolve() == (REPO_ROOT / "BENCHMARKS.md").resolve():
        latency = kept_latency_section(output)
        text = text.rstrip("\n") + ("\n\n" + latency if latency else "\n")
    (workdir / f"figures-{plan.mode}.json").write_text(json.dumps(figures(results), indent=2))
    if output:
        output.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
