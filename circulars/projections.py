"""Projections of the event log: history tables, state-as-of macros, current-state tables.

Three layers, all derived from `events` and rebuildable from seq 0:
- `*_history` tables: every fact the log holds, typed and flattened, with its
  reading, valid time, record time and provenance. Updated incrementally: only
  events after the last projected `seq` are read.
- table macros `*_as_of(at [, known_at])`: the state at valid time `at`, as known
  at `known_at` (default: now). The rules of the domain live here (silence
  procedures, amendments, revisions, superseded readings), as pure functions of
  the history.
- current tables (`decisions`, `plan_items`, ...): the macros evaluated at an
  explicit `now`, so clock-dependent status (a silence deadline passing) moves
  when the daily schedule re-evaluates them, and tests can pin the clock.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from circulars import changes, eventlog

HISTORY_TABLES = """
CREATE TABLE IF NOT EXISTS projection_checkpoints (name VARCHAR PRIMARY KEY, last_seq BIGINT NOT NULL);

CREATE TABLE IF NOT EXISTS projection_runs (
    run_id VARCHAR, after_seq BIGINT, last_seq BIGINT, as_of TIMESTAMPTZ, projected_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS receipt_history (
    circular_sha256 VARCHAR, file_name VARCHAR, size BIGINT, media_type VARCHAR,
    kind VARCHAR, seq BIGINT, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS reading_history (
    reading_id VARCHAR, circular_sha256 VARCHAR, reader_version VARCHAR, status VARCHAR,
    symbol VARCHAR, issued_on DATE, place VARCHAR, languages VARCHAR[], page_count INTEGER,
    enclosure_pages INTEGER, reason_code VARCHAR, reason VARCHAR, page INTEGER,
    seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS document_history (
    reading_id VARCHAR, symbol VARCHAR, kind VARCHAR, body VARCHAR, title VARCHAR,
    issued_on DATE, place VARCHAR, meeting_on DATE, language VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS link_history (
    reading_id VARCHAR, from_symbol VARCHAR, to_symbol VARCHAR, link VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS decision_history (
    reading_id VARCHAR, change VARCHAR, decision_id VARCHAR, symbol VARCHAR, list_symbol VARCHAR,
    body VARCHAR, meeting_on DATE, item_no INTEGER, action VARCHAR, subject VARCHAR,
    "references" VARCHAR[], adopted_on DATE, deadline_utc TIMESTAMPTZ, adopted_symbol VARCHAR,
    broken_by VARCHAR, how VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS plan_history (
    reading_id VARCHAR, change VARCHAR, plan_symbol VARCHAR, plan_year INTEGER, item_no INTEGER,
    title VARCHAR, organizers VARCHAR[], lead_organizer VARCHAR, timing_text VARCHAR,
    starts_on DATE, ends_on DATE, timing_precision VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);

CREATE TABLE IF NOT EXISTS budget_history (
    reading_id VARCHAR, change VARCHAR, budget_symbol VARCHAR, budget_year INTEGER, supersedes VARCHAR,
    line_no INTEGER, position INTEGER, section VARCHAR, title VARCHAR, amount_usd BIGINT, line_kind VARCHAR,
    currency VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ);
"""

_P = "e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at"
_STRS = "from_json(e.payload->'{0}', '[\"VARCHAR\"]')"

HISTORY_INSERTS = {
    "receipt_history": """
        INSERT INTO receipt_history
        SELECT e.circular_sha256, e.payload->>'file_name', CAST(e.payload->>'size' AS BIGINT), e.payload->>'media_type',
               CASE e.event_type WHEN 'CircularReceived' THEN 'received' ELSE 'name' END, e.seq, e.recorded_at
        FROM events e WHERE e.seq > $after AND e.event_type IN ('CircularReceived', 'CircularFileNameRecorded')""",
    "reading_history": f"""
        INSERT INTO reading_history
        SELECT e.payload->>'reading_id', e.circular_sha256, e.payload->>'reader_version',
               CASE e.event_type WHEN 'CircularIdentified' THEN 'parsed' ELSE 'quarantined' END,
               e.payload->>'symbol', CAST(e.payload->>'issued_on' AS DATE), e.payload->>'place',
               {_STRS.format('languages')}, CAST(e.payload->>'page_count' AS INTEGER),
               CAST(e.payload->>'enclosure_pages' AS INTEGER), e.payload->>'reason_code', e.payload->>'reason',
               CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at
        FROM events e WHERE e.seq > $after AND e.event_type IN ('CircularIdentified', 'CircularQuarantined')""",
    "document_history": f"""
        INSERT INTO document_history
        SELECT e.payload->>'reading_id', e.payload->>'symbol', e.payload->>'kind', e.payload->>'body', e.payload->>'title',
               CAST(e.payload->>'issued_on' AS DATE), e.payload->>'place', CAST(e.payload->>'meeting_on' AS DATE),
               e.payload->>'language', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type = 'DocumentIdentified'""",
    "link_history": f"""
        INSERT INTO link_history
        SELECT e.payload->>'reading_id', e.payload->>'from_symbol', e.payload->>'to_symbol', e.payload->>'link', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type = 'DocumentLinked'""",
    "decision_history": f"""
        INSERT INTO decision_history
        SELECT e.payload->>'reading_id',
               CASE e.event_type WHEN 'DecisionRecorded' THEN 'recorded' WHEN 'SilenceProcedureOpened' THEN 'silence_opened'
                    WHEN 'SilenceProcedureConcluded' THEN 'silence_concluded' WHEN 'SilenceBroken' THEN 'silence_broken'
                    ELSE 'superseded' END,
               coalesce(e.payload->>'decision_id', e.payload->>'draft_symbol', e.payload->>'symbol'),
               coalesce(e.payload->>'symbol', e.payload->>'draft_symbol'),
               e.payload->>'list_symbol', e.payload->>'body', CAST(e.payload->>'meeting_on' AS DATE),
               CAST(e.payload->>'item_no' AS INTEGER), e.payload->>'action', e.payload->>'subject',
               coalesce({_STRS.format('references')}, []),
               CAST(coalesce(e.payload->>'adopted_on', e.payload->>'broken_on') AS DATE),
               CAST(e.payload->>'deadline_utc' AS TIMESTAMPTZ),
               coalesce(e.payload->>'adopted_symbol', e.payload->>'by_symbol'),
               e.payload->>'broken_by', e.payload->>'how', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN
            ('DecisionRecorded', 'SilenceProcedureOpened', 'SilenceProcedureConcluded', 'SilenceBroken', 'DecisionSuperseded')""",
    "plan_history": f"""
        INSERT INTO plan_history
        SELECT e.payload->>'reading_id',
               CASE e.event_type WHEN 'PlanAdopted' THEN 'adopted' WHEN 'PlanItemScheduled' THEN 'scheduled'
                    WHEN 'PlanItemAdded' THEN 'added' WHEN 'PlanItemRescheduled' THEN 'rescheduled' ELSE 'cancelled' END,
               e.payload->>'plan_symbol', CAST(e.payload->>'plan_year' AS INTEGER), CAST(e.payload->>'item_no' AS INTEGER),
               e.payload->>'title', {_STRS.format('organizers')}, e.payload->>'lead_organizer', e.payload->>'timing_text',
               CAST(e.payload->>'starts_on' AS DATE), CAST(e.payload->>'ends_on' AS DATE), e.payload->>'timing_precision', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN
            ('PlanAdopted', 'PlanItemScheduled', 'PlanItemAdded', 'PlanItemRescheduled', 'PlanItemCancelled')""",
    "budget_history": f"""
        INSERT INTO budget_history
        SELECT e.payload->>'reading_id', CASE e.event_type WHEN 'BudgetApproved' THEN 'approved' ELSE 'line' END,
               e.payload->>'budget_symbol', CAST(e.payload->>'budget_year' AS INTEGER), e.payload->>'supersedes',
               CAST(e.payload->>'line_no' AS INTEGER), CAST(e.payload->>'position' AS INTEGER), e.payload->>'section',
               e.payload->>'title', CAST(e.payload->>'amount_usd' AS BIGINT), e.payload->>'line_kind',
               e.payload->>'currency', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN ('BudgetApproved', 'BudgetLineSet')""",
}

# The readings in force as known at `known_at`: the latest reading of each circular.
MACROS = """
CREATE OR REPLACE MACRO live_readings(known_at) AS TABLE
    SELECT reading_id, circular_sha256 FROM (
        SELECT reading_id, circular_sha256,
               row_number() OVER (PARTITION BY circular_sha256 ORDER BY seq DESC) AS rn
        FROM reading_history WHERE recorded_at <= CAST(known_at AS TIMESTAMPTZ))
    WHERE rn = 1;

CREATE OR REPLACE MACRO decisions_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT d.* FROM decision_history d
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE d.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    latest AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY decision_id, change ORDER BY valid_at DESC, seq DESC) AS rn
            FROM h WHERE change IN ('recorded', 'silence_opened')) WHERE rn = 1
    ),
    recorded AS (SELECT * FROM latest WHERE change = 'recorded'),
    opened AS (SELECT * FROM latest WHERE change = 'silence_opened'),
    concluded AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_concluded') WHERE rn = 1),
    broken AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_broken') WHERE rn = 1),
    superseded AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'superseded') WHERE rn = 1),
    merged AS (
        SELECT coalesce(r.decision_id, o.decision_id) AS decision_id,
               coalesce(r.symbol, o.symbol) AS symbol,
               coalesce(r.body, o.body) AS body,
               r.meeting_on, r.item_no,
               coalesce(r.action, 'decided') AS action,
               coalesce(r.subject, o.subject) AS subject,
               o.deadline_utc AS silence_deadline,
               r.adopted_on AS recorded_adopted_on,
               coalesce(r."references", []) AS "references",
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.circular_sha256 ELSE r.circular_sha256 END AS circular_sha256,
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.page ELSE r.page END AS page,
               coalesce(r.valid_at, o.valid_at) AS valid_at,
               CAST(timezone('Asia/Almaty', coalesce(o.valid_at, r.valid_at)) AS DATE) AS circulated_on,
               o.seq IS NOT NULL AS under_silence
        FROM recorded r FULL OUTER JOIN opened o USING (decision_id)
    )
    SELECT m.decision_id, m.symbol, m.body, m.meeting_on, m.item_no, m.action, m.subject,
           CASE
               WHEN s.seq IS NOT NULL THEN s.how
               WHEN m.under_silence AND b.seq IS NOT NULL THEN 'rejected'
               WHEN m.under_silence AND c.seq IS NOT NULL THEN 'adopted'
               WHEN m.under_silence AND m.silence_deadline <= CAST("at" AS TIMESTAMPTZ) THEN 'presumed_adopted'
               WHEN m.under_silence THEN 'pending_silence'
               WHEN m.action = 'took_note' THEN 'noted'
               WHEN m.action = 'other' THEN 'recorded'
               ELSE m.action
           END AS status,
           m.silence_deadline,
           CASE
               WHEN m.under_silence AND b.seq IS NOT NULL THEN NULL
               WHEN m.under_silence AND c.seq IS NOT NULL THEN coalesce(c.adopted_on, CAST(timezone('Asia/Almaty', m.silence_deadline) AS DATE))
               WHEN m.under_silence AND m.silence_deadline <= CAST("at" AS TIMESTAMPTZ) THEN CAST(timezone('Asia/Almaty', m.silence_deadline) AS DATE)
               WHEN m.under_silence THEN NULL
               WHEN m.action IN ('adopted', 'approved', 'decided', 'endorsed') THEN coalesce(m.recorded_adopted_on, m.meeting_on)
               ELSE m.recorded_adopted_on
           END AS adopted_on,
           CASE WHEN m.under_silence AND c.seq IS NOT NULL THEN c.adopted_symbol END AS adopted_symbol,
           b.broken_by AS silence_broken_by,
           s.adopted_symbol AS superseded_by,
           m."references",
           m.circulated_on,
           coalesce(s.circular_sha256, b.circular_sha256, c.circular_sha256, m.circular_sha256) AS circular_sha256,
           coalesce(s.page, b.page, c.page, m.page) AS page,
           m.valid_at
    FROM merged m
    LEFT JOIN concluded c ON c.symbol = m.symbol
    LEFT JOIN broken b ON b.symbol = m.symbol
    LEFT JOIN superseded s ON s.symbol = m.symbol
    ORDER BY m.meeting_on NULLS LAST, m.valid_at, m.item_no NULLS LAST, m.decision_id;

CREATE OR REPLACE MACRO plan_items_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT p.* FROM plan_history p
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE p.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    plans AS (
        SELECT * FROM (SELECT plan_year, plan_symbol, reading_id, valid_at, seq,
                              row_number() OVER (PARTITION BY plan_year ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'adopted') WHERE rn = 1
    ),
    -- Every row of the plan in force is kept, even under a duplicate number (the
    -- checks flag it; nothing printed is hidden); items added by amendments join it.
    items AS (
        SELECT h.* FROM h JOIN plans p ON p.plan_year = h.plan_year
        WHERE h.change = 'scheduled' AND h.reading_id = p.reading_id AND h.plan_symbol = p.plan_symbol
        UNION ALL BY NAME
        SELECT * EXCLUDE (rn) FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, coalesce(CAST(h.item_no AS VARCHAR), h.title)
                                           ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'added' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    ),
    amendments AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change IN ('rescheduled', 'cancelled') AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    ),
    reschedules AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'rescheduled' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    )
    SELECT i.plan_year, i.item_no, i.title, i.organizers, i.lead_organizer,
           coalesce(r.timing_text, i.timing_text) AS timing_text,
           CASE WHEN r.seq IS NULL THEN i.starts_on ELSE r.starts_on END AS starts_on,
           CASE WHEN r.seq IS NULL THEN i.ends_on ELSE r.ends_on END AS ends_on,
           coalesce(r.timing_precision, i.timing_precision) AS timing_precision,
           CASE WHEN a.change = 'cancelled' THEN 'cancelled' WHEN a.change = 'rescheduled' THEN 'rescheduled' ELSE 'planned' END AS status,
           i.plan_symbol,
           CASE WHEN r.seq IS NOT NULL THEN i.timing_text END AS scheduled_text_before,
           coalesce(a.circular_sha256, i.circular_sha256) AS circular_sha256,
           coalesce(a.page, i.page) AS page,
           i.circular_sha256 AS scheduled_in_sha256,
           i.page AS scheduled_on_page,
           greatest(i.valid_at, coalesce(a.valid_at, i.valid_at)) AS valid_at
    FROM items i
    LEFT JOIN amendments a ON a.plan_year = i.plan_year AND a.item_no = i.item_no
    LEFT JOIN reschedules r ON r.plan_year = i.plan_year AND r.item_no = i.item_no
    ORDER BY i.plan_year, i.item_no NULLS LAST, i.seq;

CREATE OR REPLACE MACRO budget_lines_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT b.* FROM budget_history b
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE b.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    budgets AS (
        SELECT * FROM (SELECT budget_year, budget_symbol, reading_id,
                              row_number() OVER (PARTITION BY budget_year ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'approved') WHERE rn = 1
    )
    SELECT l.budget_year, l.line_no, l.section, l.title, l.amount_usd, l.line_kind, l.budget_symbol,
           l.circular_sha256, l.page, l.position, l.valid_at
    FROM h l JOIN budgets b ON b.budget_symbol = l.budget_symbol AND b.reading_id = l.reading_id
    WHERE l.change = 'line'
    ORDER BY l.budget_year, l.position;
"""

CURRENT_TABLES = {
    "circulars": """
        CREATE OR REPLACE TABLE circulars AS
        WITH received AS (
            SELECT circular_sha256,
                   list(file_name ORDER BY first_seq) AS file_names,
                   min(recorded_at) AS received_at,
                   max(size) AS size, arg_min(media_type, first_seq) AS media_type
            FROM (
                SELECT circular_sha256, file_name, min(seq) AS first_seq, min(recorded_at) AS recorded_at,
                       max(size) AS size, arg_min(media_type, seq) AS media_type
                FROM receipt_history GROUP BY circular_sha256, file_name
            )
            GROUP BY circular_sha256
        ),
        reading AS (
            SELECT r.* FROM reading_history r JOIN live_readings(now()) USING (reading_id)
        )
        SELECT rc.circular_sha256 AS sha256, rd.symbol, rd.issued_on, rd.place,
               coalesce(rd.languages, []) AS languages, rd.page_count, rc.file_names,
               coalesce(rd.status, 'received') AS status,
               CASE WHEN rd.status = 'quarantined' THEN rd.reason_code || ': ' || rd.reason END AS reason,
               rd.reason_code, rc.received_at, rc.size, rc.media_type, rd.reader_version, rd.enclosure_pages
        FROM received rc LEFT JOIN reading rd USING (circular_sha256)
        ORDER BY rc.received_at, rc.circular_sha256""",
    "documents": """
        CREATE OR REPLACE TABLE documents AS
        SELECT d.symbol, d.kind, d.body, d.title, d.issued_on, d.place, d.meeting_on, d.language,
               d.circular_sha256, d.page
        FROM document_history d JOIN live_readings(now()) USING (reading_id)
        ORDER BY d.seq""",
    "document_links": """
        CREATE OR REPLACE TABLE document_links AS
        WITH links AS (
            SELECT l.from_symbol, l.to_symbol, l.link, l.valid_at, l.circular_sha256, l.page, l.seq
            FROM link_history l JOIN live_readings(now()) USING (reading_id)
            UNION ALL
            -- A circular announcing that silence was kept confirms the draft, which was adopted as a new symbol.
            SELECT r.symbol, d.symbol, 'confirms', d.valid_at, d.circular_sha256, d.page, d.seq
            FROM decision_history d JOIN live_readings(now()) USING (reading_id)
            JOIN reading_history r USING (reading_id)
            WHERE d.change = 'silence_concluded' AND r.symbol IS NOT NULL
            UNION ALL
            SELECT d.symbol, d.adopted_symbol, 'adopted_as', d.valid_at, d.circular_sha256, d.page, d.seq
            FROM decision_history d JOIN live_readings(now()) USING (reading_id)
            WHERE d.change = 'silence_concluded' AND d.adopted_symbol IS NOT NULL
        )
        SELECT DISTINCT ON (from_symbol, to_symbol, link) from_symbol, to_symbol, link, valid_at, circular_sha256, page
        FROM links ORDER BY from_symbol, to_symbol, link, seq""",
    "decisions": "CREATE OR REPLACE TABLE decisions AS SELECT * FROM decisions_as_of(CAST($now AS TIMESTAMPTZ))",
    "plan_items": "CREATE OR REPLACE TABLE plan_items AS SELECT * FROM plan_items_as_of(CAST($now AS TIMESTAMPTZ))",
    "budget_lines": "CREATE OR REPLACE TABLE budget_lines AS SELECT * FROM budget_lines_as_of(CAST($now AS TIMESTAMPTZ))",
}

HISTORY_CHECKPOINT = "history"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    eventlog.ensure_schema(con)
    con.execute(HISTORY_TABLES)
    con.execute(MACROS)


def _project_history(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = ?", [HISTORY_CHECKPOINT]).fetchone()
    after = row[0] if row else 0
    last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    if last < after:
        raise RuntimeError(
            f"the event log ends at seq {last} but projections were built up to seq {after}: "
            "the log lost events; run `circulars verify`"
        )
    if last > after:
        for sql in HISTORY_INSERTS.values():
            con.execute(sql.replace("$after", str(int(after))))
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES (?, ?)", [HISTORY_CHECKPOINT, last])
    return last - after


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, now: datetime) -> int:
    sql = CURRENT_TABLES[table]
    con.execute(sql.replace("$now", "?"), [now] * sql.count("$now"))
    return con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _in_transaction(con: duckdb.DuckDBPyConnection, work):
    con.execute("BEGIN TRANSACTION")
    try:
        result = work()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


def update_history(con: duckdb.DuckDBPyConnection) -> int:
    """Project events not yet projected into the history tables; returns how many events were read."""
    ensure_schema(con)
    return _in_transaction(con, lambda: _project_history(con))


def rebuild_current(con: duckdb.DuckDBPyConnection, table: str, now: datetime) -> int:
    """(Re)build one current-state table as of `now`; returns its row count."""
    ensure_schema(con)
    return _in_transaction(con, lambda: _rebuild(con, table, now))


def project(con: duckdb.DuckDBPyConnection, now: datetime, *, run_id: str | None = None) -> tuple[int, dict[str, int]]:
    """History and every current table in one transaction: a crash leaves all of it as it was, or all new.

    With a `run_id`, the seq range projected is recorded in `projection_runs`, so the
    checks of that run can validate what it changed. Returns (events projected, row
    count per current table).
    """
    ensure_schema(con)

    def work():
        last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        projected = _project_history(con)
        if run_id is not None:
            con.execute(
                "INSERT INTO projection_runs VALUES (?, ?, ?, ?, now())", [run_id, last - projected, last, now]
            )
        counts = {table: _rebuild(con, table, now) for table in CURRENT_TABLES}
        counts["entity_states"] = changes.project_changes(con, now, after_seq=last - projected)
        return projected, counts

    return _in_transaction(con, work)


# Which rows of each table a range of new events can have changed: the keys the
# table-level rules group by (a plan's year, a budget's year), so that a rule
# such as "totals add up" is judged on whole budgets, never on a fragment.
CHANGED_SCOPE = {
    "plan_items": "plan_year IN (SELECT plan_year FROM plan_history WHERE seq > $after AND seq <= $last)",
    "budget_lines": "budget_year IN (SELECT budget_year FROM budget_history WHERE seq > $after AND seq <= $last)",
    "decisions": "decision_id IN (SELECT decision_id FROM decision_history WHERE seq > $after AND seq <= $last)"
    " OR symbol IN (SELECT symbol FROM decision_history WHERE seq > $after AND seq <= $last)",
    "documents": "circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "circulars": "sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
}


def changed_rows_query(con: duckdb.DuckDBPyConnection, table: str, run_id: str) -> tuple[str, list, str]:
    """SQL (with parameters) for the rows of `table` a run's new events can have changed, and a phrase saying which.

    A run that projected from seq 0, or is unknown (a check re-run on its own),
    validates the whole table. A run that projected nothing new only re-evaluated the
    clock: it validates the decisions under silence procedure, whose status the clock
    moves, and nothing else.
    """
    whole = (f'SELECT * FROM "{table}"', [], "the whole table")
    recorded = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'projection_runs'"
    ).fetchone()[0]
    found = (
        con.execute("SELECT after_seq, last_seq FROM projection_runs WHERE run_id = ?", [run_id]).fetchall()
        if recorded
        else []
    )
    if not found or table not in CHANGED_SCOPE:
        return whole
    after, last = found[0]
    if after == 0:
        return whole
    if last == after:
        if table == "decisions":
            return 'SELECT * FROM "decisions" WHERE silence_deadline IS NOT NULL', [], "decisions under silence procedure (clock re-evaluated)"
        return f'SELECT * FROM "{table}" WHERE false', [], "no rows: nothing new was projected"
    condition = CHANGED_SCOPE[table]
    params = [value for _ in range(condition.count("$after")) for value in (after, last)]
    condition = condition.replace("$after", "?").replace("$last", "?")
    return f'SELECT * FROM "{table}" WHERE {condition}', params, f"rows changed by events {after + 1}–{last}"


def rebuild_all(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    return project(con, now)[1]


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every projection (never the log), so they rebuild from seq 0."""
    for table in list(CURRENT_TABLES) + [
        "receipt_history",
        "reading_history",
        "document_history",
        "link_history",
        "decision_history",
        "plan_history",
        "budget_history",
        "projection_checkpoints",
        *changes.PROJECTION_TABLES,
    ]:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
