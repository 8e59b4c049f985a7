"""Circulars written by other hands: follow-ups to the seed in drafting traditions the fixtures do not use.

The folder `tests/fixtures/other_hands/` was written apart from the reader (a red-team exercise), each file
with what a careful person records from it (`facts.py`, and `<name>.facts.md` in words). Three promises:

- every fact is read right, or, where the reader is known not to read it yet, the test says which cause
  (`KNOWN_MISSES`, strict: a miss that gets fixed must be taken off the list);
- a fact that is not read right is never silent: the circular has statements in `unread_statements`,
  and every statement a careful reader would query (`flag`) is among them;
- a PDF printed from the text (two layouts) reads into the same events as the text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from circulars.reading import ReadError, read_circular
from tests.fixtures.other_hands.facts import PROBES
from tests.harness import State

pytestmark = pytest.mark.corpus  # every red-team circular, from text and two PDF layouts

FIXTURES = Path(__file__).parent / "fixtures"
HERE = FIXTURES / "other_hands"
SEED = FIXTURES / "text" / "000_seed_DOC-1497.txt"

KNOWN_MISSES: dict[str, str] = {}
"""Probes whose facts the reader does not all read yet, with the cause. Each is still held to the
promise of not being silent (`test_what_is_not_read_is_flagged`)."""

KNOWN_SILENT: dict[str, str] = {}
"""Probes with a fact neither read nor flagged: the worst kind of miss, each with its cause."""

KNOWN_PDF_DIFFERENCES: dict[tuple[str, str], str] = {}

_spec = importlib.util.spec_from_file_location("fixture_render", FIXTURES / "render.py")
render = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, render)
_spec.loader.exec_module(render)


def _norm(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _compare(where: str, row: dict | None, wanted: dict, out: list[dict]) -> None:
    ambiguous = "_ambiguous" in wanted
    for key, value in wanted.items():
        if key.startswith("_"):
            continue
        got = "<no row>" if row is None else _norm(row.get(key, "<no column>"))
        out.append({"fact": f"{where}.{key}", "want": value, "got": got, "ok": row is not None and got == value,
                    "ambiguous": ambiguous, "row": row})


def _facts(state: State, spec: dict, tables: dict[str, str]) -> list[dict]:
    out: list[dict] = []
    for symbol, wanted in (spec.get("decisions") or {}).items():
        rows = state.rows(f"SELECT * FROM {tables['decisions']} WHERE symbol = ? ORDER BY silence_deadline NULLS LAST",
                          [symbol])
        _compare(f"decision {symbol}", rows[0] if rows else None, wanted, out)
    for (year, no), wanted in (spec.get("plan") or {}).items():
        rows = state.rows(f"SELECT * FROM {tables['plan_items']} WHERE plan_year = ? AND item_no = ?", [year, no])
        _compare(f"plan {year}/{no}", rows[0] if rows else None, wanted, out)
    for year, count in (spec.get("count") or {}).items():
        got = state.rows(f"SELECT count(*) AS n FROM {tables['plan_items']} WHERE plan_year = ?", [year])[0]["n"]
        out.append({"fact": f"plan {year} count", "want": count, "got": got, "ok": got == count, "ambiguous": False})
    for (year, line), wanted in (spec.get("budget") or {}).items():
        if line in ("total", "grand_total"):
            rows = state.rows(f"SELECT * FROM {tables['budget_lines']} WHERE budget_year = ? AND line_kind = ? "
                              "ORDER BY position", [year, line])
        else:
            rows = state.rows(f"SELECT * FROM {tables['budget_lines']} WHERE budget_year = ? AND line_no = ? "
                              "AND line_kind = 'expenditure'", [year, line])
        _compare(f"budget {year}/{line}", rows[0] if rows else None, wanted, out)
    return out


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict:
    """Every probe ingested after the seed (and its prerequisites), projected at its clock."""
    results = {}
    for name, spec in PROBES.items():
        state = State(tmp_path_factory.mktemp(name) / "x.duckdb")
        try:
            state.add("seed.txt", SEED.read_bytes())
            for path in spec["prereq"]:
                state.add(Path(path).name, Path(path).read_bytes())
            state.add(f"{name}.txt", (HERE / f"{name}.txt").read_bytes())
            sha = state.shas[-1]
            state.project(spec["now"])
            facts = _facts(state, spec, {t: t for t in ("decisions", "plan_items", "budget_lines")})
            for day, wanted in (spec.get("as_of") or {}).items():
                tables = {t: f"{t}_as_of(DATE '{day.isoformat()}')" for t in ("decisions", "plan_items", "budget_lines")}
                for fact in _facts(state, wanted, tables):
                    fact["fact"] = f"as of {day}: {fact['fact']}"
                    facts.append(fact)
            unread = state.rows("SELECT why, detail, text FROM unread_statements WHERE circular_sha256 = ?", [sha])
            results[name] = {"facts": facts, "unread": unread}
        finally:
            state.close()
    return results


def _flagged(fact: dict) -> bool:
    """An ambiguous timing left without dates is right if the reader says it could not read it."""
    return fact["ambiguous"] and fact["row"] is not None and fact["row"].get("starts_on") is None


@pytest.mark.parametrize("name", list(PROBES))
def test_every_fact_is_read(name, outcomes, request):
    if name in KNOWN_MISSES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name]))
    wrong = [f"{f['fact']}: want {f['want']!r}, got {f['got']!r}" for f in outcomes[name]["facts"]
             if not f["ok"] and not _flagged(f)]
    assert wrong == []


@pytest.mark.parametrize("name", list(PROBES))
def test_what_is_not_read_is_flagged(name, outcomes, request):
    if name in KNOWN_SILENT:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_SILENT[name]))
    outcome = outcomes[name]
    missed = [f["fact"] for f in outcome["facts"] if not f["ok"]]
    texts = [f"{u['text']} {u['detail']}".lower() for u in outcome["unread"]]
    assert not missed or outcome["unread"], f"missed without a flag: {missed}"
    for flag in PROBES[name].get("flag", []):
        assert any(flag.lower() in t for t in texts), f"a careful reader queries {flag!r}; unread: {texts}"


def _comparable(events) -> list[str]:
    rows = []
    for event in events:
        data = event.model_dump(mode="json")
        for key in ("page", "circular_sha256", "reading_id", "page_count", "statement_id", "media_type"):
            data.pop(key, None)
        rows.append(json.dumps(data, sort_keys=True, ensure_ascii=False))
    return rows


def _read(data: bytes, file_name: str):
    return read_circular(data, file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), reading_id="r")


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["a4serif", "lettersans"])
@pytest.mark.parametrize("name", list(PROBES))
def test_a_printed_pdf_reads_as_its_text(name, layout, request):
    if (name, layout) in KNOWN_PDF_DIFFERENCES:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_PDF_DIFFERENCES[(name, layout)]))
    render.register_fonts()
    text = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    buffer = io.BytesIO()
    render.render(text, render.LAYOUTS[layout], buffer, title=name)
    try:
        from_pdf = _comparable(_read(buffer.getvalue(), f"{name}.pdf").events)
    except ReadError as error:
        pytest.fail(f"quarantined: {error.code}: {error.message}")
    from_text = _comparable(_read(text.encode(), f"{name}.txt").events)
    assert [e for e in from_text if e not in from_pdf] == [] and [e for e in from_pdf if e not in from_text] == []
