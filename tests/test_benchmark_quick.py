"""The benchmark's quick mode end to end (a smoke test: figures present, no timing asserted),
and the two generators it relies on: the synthetic corpus and the synthetic event log."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import corpus  # noqa: E402
from benchmarks.breakdown import assemble, owners  # noqa: E402
from circulars import eventlog  # noqa: E402


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_quick_benchmark_reports_all_seven_figures(tmp_path):
    report = tmp_path / "BENCHMARKS.md"
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--quick", "--workdir", str(tmp_path / "work"),
         "--output", str(report)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads((tmp_path / "work" / "results-quick.json").read_text())
    measured = {
        "floor": results["floor"], "ingest1": results["ingest1"], "ingest2": results["ingest2"],
        "add_one[0]": results["add_one"]["0"], "add_one[100]": results["add_one"]["100"],
        "rebuild": results["rebuild"], "sensor_tick": results["sensor_tick"], "empty_cli": results["empty_cli"],
    }
    for name, result in measured.items():
        assert "error" not in result, (name, result)
        assert result["seconds"] > 0, name
        assert result["peak_rss_bytes"] > 0 and result["peak_tree_rss_bytes"] >= result["peak_rss_bytes"], name
    assert results["floor"]["pages"] > 0 and results["floor"]["pdfs"] > 0
    assert results["ingest1"]["success"] and results["ingest2"]["success"]
    assert results["ingest1"]["circulars"] == results["ingest2"]["circulars"] == 30
    assert results["add_one"]["100"]["circulars"] == 101
    assert results["rebuild"]["events"] == 10_000
    assert all(results["rebuild"]["rows"][t] > 0 for t in ("circulars", "documents", "decisions", "plan_items",
                                                          "budget_lines")), results["rebuild"]["rows"]
    rebuilt = results["rebuild"]["parts"]  # figure 5 statement by statement
    assert {"history: plan_history", "current: decisions", "change feed: entity_states, plan_item"} <= set(rebuilt)
    assert sum(rebuilt.values()) == pytest.approx(results["rebuild"]["seconds"], rel=0.1)
    assert results["sensor_tick"]["skipped"] is True
    figures = json.loads((tmp_path / "work" / "figures-quick.json").read_text())
    assert {row["number"] for row in figures} == {"1", "2", "3", "4", "5", "6", "7"}
    for row in figures:
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", row["value"].replace(",", ""))]
        assert numbers and all(n >= 0 for n in numbers) and any(n > 0 for n in numbers), row
        assert row["status"] in {"met", "missed", "—"}
    text = report.read_text()
    assert "| 7 | peak memory" in text and "DuckDB" in text and "Dagster" in text

    # Issue 16: both bytecode cases are what they say, checked by the benchmark before it measures.
    assert results["bytecode"]["compiled"]["modules_compiled"] == 0
    assert results["bytecode"]["source"]["modules_compiled"] > 1000
    assert results["bytecode"]["source"]["by_part"]["project"] > 50
    for case in ("compiled", "source"):
        floors = results["stack_floor"][case]
        assert len(floors) == 1 and "error" not in floors[0], floors
        assert floors[0]["pages"] > 0 and floors[0]["chars"] > 1000
        for size in ("0", "100"):
            (sample,) = results["breakdown"][case][size]
            assert "error" not in sample, (case, size, sample)
            assert sample["success"] and sample["circulars"] == (1 if size == "0" else 101)
            assert (sample["modules_compiled"] == 0) if case == "compiled" else (sample["modules_compiled"] > 1000)
            parts = {p["part"]: p for p in sample["parts"]}
            assert sum(p["seconds"] for p in sample["parts"]) == pytest.approx(sample["process_seconds"], rel=0.05)
            assert parts["reading: PDF → document model → events"]["seconds"] > 0
            assert parts["projections: history and current tables"]["seconds"] > 0
            assert {f"checks: {t} (Great Expectations suite)" for t in ("circulars", "decisions", "plan_items",
                                                                         "budget_lines")} <= set(parts)
            # every Dagster event the run wrote is timed and attributed to exactly one part
            assert sum(p.get("events", 0) for p in sample["parts"]) == sample["dagster_events"] > 100
            assert sum(sum(p.get("imports", {}).values()) for p in sample["parts"]) > 0.5  # pandas and GX, once
    assert "## What one circular costs" in text and "Against the stack floor" in text
    assert re.search(r"ratio to the floor, into an empty home \(target ≤ 1.6×\) \| \*\*\d+\.\d\d×\*\* \((met|missed)\)", text)
    assert any("against the stack floor" in row["what"] for row in figures)
    assert re.search(r"\| the same in CPU seconds \(steadier on a loaded machine\) \| \d+\.\d\d× \| \d+\.\d\d× \|", text)


def test_synthetic_log_is_exactly_what_eventlog_append_writes(tmp_path):
    recorded_at = datetime(2025, 6, 1, tzinfo=UTC)
    corpus.write_event_log(tmp_path / "bulk.duckdb", 400, seed=3, batch=150, recorded_at=recorded_at)
    with duckdb.connect(str(tmp_path / "append.duckdb")) as con:
        con.execute("SET TimeZone = 'UTC'")
        result = eventlog.append(con, list(corpus.synthetic_events(400, seed=3)), recorded_at=recorded_at)
        assert (result.appended, result.first_seq, result.last_seq) == (400, 1, 400)
        expected = con.execute("SELECT * FROM events ORDER BY seq").fetchall()
    with duckdb.connect(str(tmp_path / "bulk.duckdb")) as con:
        con.execute("SET TimeZone = 'UTC'")
        written = con.execute("SELECT * FROM events ORDER BY seq").fetchall()
        assert eventlog.chain_problems(eventlog.iter_rows(con)) == []
        types = dict(con.execute("SELECT event_type, count(*) FROM events GROUP BY 1").fetchall())
    assert written == expected
    assert {"CircularReceived", "DecisionRecorded", "PlanItemScheduled", "BudgetLineSet"} <= set(types)


def _table(text: str, header_start: str) -> list[list[str]]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 1:]:
        if "\t" not in line:
            break
        rows.append(line.split("\t"))
    return rows


def _amount(cell: str) -> int:
    return int(re.sub(r"<[^>]+>|[ ,]", "", cell))


def test_corpus_has_the_variety_and_arithmetic_of_real_circulars():
    written = list(corpus.circulars(400, seed=11))
    assert len(written) == 400
    numbers = [c.number for c in written]
    assert len(set(numbers)) == 400
    assert [c.issued_on for c in written] == sorted(c.issued_on for c in written)
    assert {c.issued_on.year for c in written} == set(range(2000, 2031))
    kinds = {c.kind for c in written}
    assert kinds == {"annual", "decisions", "silence_opened", "silence_concluded", "silence_broken", "plan_amendment",
                     "budget_revision"}
    plan_sizes, timings = [], set()
    for circular in written:
        if circular.kind == "annual":
            plan = _table(circular.text, "No.\tExpected title")
            plan_sizes.append(len(plan))
            timings.update(row[3] for row in plan)
        if circular.kind in ("annual", "budget_revision"):
            budget = _table(circular.text, "Nº\tEXPENDITURES")
            lines = [row for row in budget if row[0].strip()]
            total = [row for row in budget if "<i>Total</i>" in row[1]]
            grand = next(row for row in budget if "Grand total" in row[1])
            amounts = [_amount(row[2]) for row in lines]
            assert _amount(grand[2]) == sum(amounts)
            if total:
                assert _amount(total[0][2]) == sum(amounts[:-1])
    assert min(plan_sizes) >= 10 and max(plan_sizes) <= 60 and len(set(plan_sizes)) > 5
    assert {"T.B.C.", "", "4th Quarter"} <= timings
    assert any(re.fullmatch(r"\d+ – \d+ \w+", t) for t in timings)
    assert any(t.startswith(("First half of", "Second half of")) for t in timings)


def test_corpus_files_are_deterministic_and_include_bad_files(tmp_path):
    first = corpus.generate(tmp_path / "a", n=12, seed=5, pdf_share=0.5, bad_share=0.25)
    second = corpus.generate(tmp_path / "b", n=12, seed=5, pdf_share=0.5, bad_share=0.25)
    assert [f.path.name for f in first] == [f.path.name for f in second]
    assert all(a.path.read_bytes() == b.path.read_bytes() for a, b in zip(first, second))
    media = [f.media for f in first]
    assert media.count("bad") == 3 and "pdf" in media and "text" in media
    bad = {f.kind: f.path.read_bytes() for f in first if f.media == "bad"}
    assert bad["bad:empty"] == b""
    assert bad["bad:html"].startswith(b"<!DOCTYPE html>")
    assert bad["bad:truncated"].startswith(b"%PDF") and b"%%EOF" not in bad["bad:truncated"][-64:]


def test_breakdown_attributes_every_second_and_every_event_to_one_part():
    """The parts of one add-one process, from spans as the child records them: steps from their
    STEP_START and STEP_SUCCESS events, writes and GX work inside the part they happen in."""
    t0 = 1000.0

    def write(name, step, at, seconds):
        return {"kind": "event_write", "name": name, "step": step, "start": at, "timestamp": at, "seconds": seconds}

    spans = [
        {"kind": "phase", "name": "import dagster", "start": t0 + 0.1, "seconds": 0.5},
        {"kind": "phase", "name": "import the CLI", "start": t0 + 0.6, "seconds": 0.3},
        {"kind": "phase", "name": "definitions", "start": t0 + 0.9, "seconds": 0.1},
        {"kind": "phase", "name": "copy into the inbox", "start": t0 + 1.0, "seconds": 0.0},
        write("ASSET_CHECK_EVALUATION_PLANNED", None, t0 + 1.5, 0.2),  # run start: planned events
        write("STEP_START", "circular_readings", t0 + 2.0, 0.01),
        write("STEP_SUCCESS", "circular_readings", t0 + 3.0, 0.09),
        write("STEP_START", "plan_items_expectations", t0 + 3.5, 0.01),
        {"kind": "import", "name": "great_expectations", "start": t0 + 3.6, "seconds": 1.0},
        {"kind": "gx_context", "name": "gx_context", "start": t0 + 3.6, "seconds": 1.2},
        {"kind": "gx_validate", "name": "validate", "start": t0 + 4.9, "seconds": 0.3},
        write("ASSET_CHECK_EVALUATION", "plan_items_expectations", t0 + 5.3, 0.1),
        write("STEP_SUCCESS", "plan_items_expectations", t0 + 5.5, 0.1),
        write("RUN_SUCCESS", None, t0 + 5.8, 0.05),
    ]
    parts = {p["part"]: p for p in assemble(spans, entered=t0 + 0.1, spawned=t0, run_started=t0 + 1.0, returned=t0 + 6.0)}
    assert parts["Python start-up"]["seconds"] == pytest.approx(0.1)
    start = parts["Dagster run start (instance opened, run and planned events recorded)"]
    assert (start["seconds"], start["events"], start["event_writes"]) == (pytest.approx(1.0), 1, pytest.approx(0.2))
    reading = parts["reading: PDF → document model → events"]
    assert (reading["seconds"], reading["events"]) == (pytest.approx(1.09), 2)
    check = parts["checks: plan_items (Great Expectations suite)"]
    assert check["seconds"] == pytest.approx(2.1) and check["events"] == 3
    assert check["imports"] == {"great_expectations": 1.0}
    assert check["gx_context"] == pytest.approx(0.2) and check["gx_validate"] == pytest.approx(0.3)
    between = parts["Dagster between steps"]
    assert between["seconds"] == pytest.approx(3.5 - 3.09)
    end = parts["Dagster run end (run success recorded)"]
    assert (end["seconds"], end["events"]) == (pytest.approx(0.4), 1)
    whole = sum(p["seconds"] for p in parts.values())
    assert whole == pytest.approx(6.0)  # spawn to return: nothing missed, nothing counted twice
    split = owners(list(parts.values()))
    assert sum(split.values()) == pytest.approx(whole)
    assert split["Great Expectations (and pandas)"] == pytest.approx(1.5)
    # Dagster: its import 0.5, run start 1.0, writes inside steps 0.1 + 0.21, between steps 0.41, run end 0.4
    assert split["Dagster"] == pytest.approx(2.62)
    # ours: the CLI 0.3, definitions 0.1, reading less its writes 0.99, the check less writes and GX 0.39
    assert split["ours"] == pytest.approx(1.78)
    assert split["Python"] == pytest.approx(0.1)
