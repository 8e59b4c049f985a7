"""What the Dagster UI shows of each table and circular: the rows a run changed, provenance a person reads.

Free of Dagster (the assets call it), so it is tested like the rest of the core:

- a table's preview shows the rows the latest run changed (or, when it changed
  nothing, the rows of the latest run that did), never just the first ten;
- provenance is the circular's symbol and page, with the SHA-256 in its own column;
- instants read in Astana time with UTC beside them.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from circulars.changes import astana_utc
from circulars.db import has_table, named

PREVIEW_ROWS = 20

# The rows of each table that a run changed: its new events (seq in (after, last]), and for decisions the
# clock (deadlines that passed between the previous projection's `now` and this one's).
_CHANGED = {
    "plan_items": """(t.plan_year, coalesce(CAST(t.item_no AS VARCHAR), t.title)) IN (
        SELECT plan_year, regexp_replace(substr(entity_key, strpos(entity_key, '/') + 1), '#[0-9]+$', '') FROM entity_states
        WHERE entity_kind = 'plan_item' AND seq > $after AND seq <= $last)""",
    "budget_lines": """(t.budget_year, coalesce(CAST(t.line_no AS VARCHAR), t.line_kind)) IN (
        SELECT budget_year, regexp_replace(substr(entity_key, strpos(entity_key, '/') + 1), '#[0-9]+$', '') FROM entity_states
        WHERE entity_kind = 'budget_line' AND seq > $after AND seq <= $last)""",
    "decisions": """t.decision_id IN (
        SELECT entity_key FROM entity_states WHERE entity_kind = 'decision'
        AND ((seq > $after AND seq <= $last) OR (source = 'clock' AND valid_at > $prev_as_of AND valid_at <= $as_of)))""",
    "circulars": "t.sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "documents": "t.circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "document_links": "t.circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "changes": """((t.seq > $after AND t.seq <= $last)
        OR (t.source = 'clock' AND t.valid_at > $prev_as_of AND t.valid_at <= $as_of))""",
}

_ORDER = {
    "plan_items": "t.plan_year, t.item_no NULLS LAST",
    "budget_lines": "t.budget_year, t.position",
    "decisions": "t.meeting_on NULLS LAST, t.valid_at, t.item_no NULLS LAST, t.decision_id",
    "circulars": "t.received_at",
    "documents": "t.circular_sha256, t.page",
    "document_links": "t.valid_at, t.from_symbol",
    "changes": "t.known_at DESC, t.valid_at DESC, t.seq DESC, t.entity_kind, t.entity_key, t.field_no",
}

# Columns the previews leave out: long, or said better elsewhere (the changes preview is its sentences).
_HIDDEN = {
    "changes": {"entity_key", "symbol", "plan_year", "item_no", "budget_year", "line_no", "label", "before_amount",
                "after_amount", "before_from", "before_to", "after_from", "after_to", "before_at", "after_at",
                "seq", "source", "changed_by", "why", "circular_symbol", "page", "circular_sha256", "event_id",
                "before", "after", "field", "entity_kind", "change"},
    "circulars": {"file_names", "reader_version", "enclosure_pages", "reason_code"},
}


def _runs(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple]:
    """This run's projection, then the earlier ones that projected new events, newest first: (run, after, last, as_of, previous as_of)."""
    if not has_table(con, "projection_runs"):
        return []
    rows = con.execute(
        """
        WITH runs AS (
            SELECT run_id, after_seq, last_seq, as_of, projected_at,
                   lag(as_of) OVER (ORDER BY projected_at) AS prev_as_of
            FROM projection_runs)
        SELECT run_id, after_seq, last_seq, as_of, coalesce(prev_as_of, as_of) FROM runs
        WHERE run_id = ? OR last_seq > after_seq
        ORDER BY run_id = ? DESC, projected_at DESC LIMIT 2
        """,
        [run_id, run_id],
    ).fetchall()
    return rows


def changed_rows(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> tuple[list[str], list[tuple], str]:
    """(columns, rows, caption): the rows of `table` the run changed, else those the latest run with new events changed."""
    for run, after, last, as_of, prev_as_of in _runs(con, run_id):
        condition = _CHANGED.get(table, "TRUE")  # a constant of this module; the run's values are bound
        params = named(condition, {"after": after, "last": last, "as_of": as_of, "prev_as_of": prev_as_of})
        count = con.execute(f'SELECT count(*) FROM "{table}" t WHERE {condition}', params).fetchone()[0]
        if not count:
            continue
        columns, rows = _select(con, table, condition, params)
        which = "this run" if run == run_id else f"run {run[:8]} (the latest that projected new events)"
        span = f"events {after + 1}–{last}" if last > after else "the clock"
        shown = f"{len(rows)} of {count}" if count > len(rows) else f"{count}"
        return columns, rows, f"Rows changed by {which}, {span}: {shown} shown."
    columns, rows = _select(con, table, "TRUE", {})
    return columns, rows, f"No run recorded what it changed: the first {len(rows)} rows."


def _select(con, table: str, condition: str, params: dict) -> tuple[list[str], list[tuple]]:
    present = [r[0] for r in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
    hidden = _HIDDEN.get(table, set())
    has_provenance = "circular_sha256" in present and table != "changes"
    body = [c for c in present if c not in hidden and c != "circular_sha256" and c != "page"]
    # column names come from the table's own schema; the join and order are constants
    if table == "changes":
        columns_sql = ["t.valid_at AS \"valid (Astana)\"", "t.known_at AS known", "t.sentence"]
        names = ["valid (Astana)", "known", "sentence"]
    elif has_provenance:
        columns_sql = ["coalesce(c.symbol, left(t.circular_sha256, 12)) AS circular", "t.page"] + [f't."{c}"' for c in body]
        columns_sql.append("t.circular_sha256")
        names = ["circular", "page", *body, "circular_sha256"]
    else:
        columns_sql = [f't."{c}"' for c in body]
        names = body
    join_sql = "LEFT JOIN circulars c ON c.sha256 = t.circular_sha256" if has_provenance else ""
    order_sql = _ORDER.get(table, "1")
    rows = con.execute(
        f'SELECT {", ".join(columns_sql)} FROM "{table}" t {join_sql} WHERE {condition} ORDER BY {order_sql} LIMIT {PREVIEW_ROWS}',
        params,
    ).fetchall()
    return names, rows


def cell(value, column: str = "") -> str:
    """A value as a person reads it in a markdown table: instants in Astana with UTC, hashes whole."""
    if value is None:
        text = ""
    elif isinstance(value, datetime):
        text = astana_utc(value)
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, (list, tuple)):
        text = "; ".join(str(v) for v in value)
    else:
        text = str(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    limit = 300 if column in ("sentence", "circular_sha256", "sha256") else 60
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown(columns: list[str], rows: list[tuple], caption: str = "") -> str:
    if not rows:
        return (caption + "\n\n" if caption else "") + "_empty_"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v, c) for v, c in zip(row, columns)) + " |" for row in rows]
    return (caption + "\n\n" if caption else "") + "\n".join(lines)


def preview(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> str:
    """A table's preview for the UI: the rows the latest run changed, with symbol and page."""
    columns, rows, caption = changed_rows(con, table, run_id)
    return markdown(columns, rows, caption)


def circular_changes(con: duckdb.DuckDBPyConnection, shas: list[str], limit: int = 50) -> dict[str, str]:
    """What each circular changed, as a markdown list of sentences (the clock's own changes left out)."""
    if not shas:
        return {}
    rows = con.execute(
        """
        SELECT circular_sha256, sentence,
               row_number() OVER (PARTITION BY circular_sha256 ORDER BY valid_at, seq, entity_kind, entity_key) AS n,
               count(*) OVER (PARTITION BY circular_sha256) AS total
        FROM changes WHERE circular_sha256 IN (SELECT unnest(?)) AND coalesce(source, '') <> 'clock'
        QUALIFY n <= ?
        ORDER BY circular_sha256, n
        """,
        [shas, limit],
    ).fetchall()
    listed: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    for sha, sentence, _, total in rows:
        listed.setdefault(sha, []).append("- " + sentence.replace("\n", " "))
        totals[sha] = total
    result = {}
    for sha in shas:
        lines = listed.get(sha, [])
        if not lines:
            result[sha] = "_nothing changed: every fact it states was already in the record, or it was not read_"
            continue
        if totals[sha] > len(lines):
            lines.append(f"- … and {totals[sha] - len(lines)} more: `circulars changes --circular {sha[:12]}`")
        result[sha] = "\n".join(lines)
    return result


def run_change_count(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    """How many changes this run made (its new events, and deadlines its clock passed)."""
    runs = [r for r in _runs(con, run_id) if r[0] == run_id]
    if not runs:
        return 0
    _, after, last, as_of, prev_as_of = runs[0]
    return con.execute(
        "SELECT count(*) FROM changes WHERE (seq > ? AND seq <= ?) OR (source = 'clock' AND valid_at > ? AND valid_at <= ?)",
        [after, last, prev_as_of, as_of],
    ).fetchone()[0]


def run_circulars(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The circulars whose events this run projected (new ones, new readings, new file names)."""
    runs = [r for r in _runs(con, run_id) if r[0] == run_id]
    if not runs or runs[0][2] <= runs[0][1]:
        return []
    _, after, last, _, _ = runs[0]
    return [r[0] for r in con.execute(
        "SELECT circular_sha256 FROM events WHERE seq > ? AND seq <= ? GROUP BY 1 ORDER BY min(seq)", [after, last]
    ).fetchall()]


def last_projection(con: duckdb.DuckDBPyConnection) -> str:
    """The latest projection that brought new events: never erased by a run with nothing new."""
    if not has_table(con, "projection_runs"):
        return "none yet"
    row = con.execute(
        "SELECT run_id, after_seq, last_seq, projected_at FROM projection_runs WHERE last_seq > after_seq "
        "ORDER BY projected_at DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return "none yet"
    run, after, last, at = row
    return f"run {run[:8]} projected events {after + 1}–{last} ({last - after}) at {astana_utc(at)}"
