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

PROJECTION_VERSION = 3
"""Bump when a history table's columns change: projections are then dropped and rebuilt from seq 0."""

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
    reading_id VARCHAR, from_symbol VARCHAR, to_symbol VARCHAR, link VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS decision_history (
    reading_id VARCHAR, change VARCHAR, decision_id VARCHAR, symbol VARCHAR, list_symbol VARCHAR,
    body VARCHAR, meeting_on DATE, item_no INTEGER, action VARCHAR, subject VARCHAR,
    "references" VARCHAR[], adopted_on DATE, deadline_utc TIMESTAMPTZ, adopted_symbol VARCHAR,
    broken_by VARCHAR, how VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS plan_history (
    reading_id VARCHAR, change VARCHAR, plan_symbol VARCHAR, plan_year INTEGER, item_no INTEGER,
    title VARCHAR, organizers VARCHAR[], lead_organizer VARCHAR, timing_text VARCHAR,
    starts_on DATE, ends_on DATE, timing_precision VARCHAR, how VARCHAR, amended_by VARCHAR,
    after_item_no INTEGER, statement_text VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS budget_history (
    reading_id VARCHAR, change VARCHAR, budget_symbol VARCHAR, budget_year INTEGER, supersedes VARCHAR,
    line_no INTEGER, position INTEGER, section VARCHAR, title VARCHAR, amount_usd BIGINT, line_kind VARCHAR,
    currency VARCHAR, amount_before BIGINT, corrected_by VARCHAR, evidence VARCHAR[],
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS unread_history (
    reading_id VARCHAR, statement_id VARCHAR, document_symbol VARCHAR, statement_kind VARCHAR, text VARCHAR,
    why VARCHAR, detail VARCHAR, candidates VARCHAR[], about_event_id VARCHAR,
    circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ, recorded_at TIMESTAMPTZ,
    event_id VARCHAR);

CREATE TABLE IF NOT EXISTS correction_history (
    event_type VARCHAR, entity VARCHAR, plan_year INTEGER, item_no INTEGER, budget_year INTEGER, line VARCHAR,
    symbol VARCHAR, field VARCHAR, value VARCHAR, starts_on DATE, ends_on DATE, timing_precision VARCHAR,
    review_item_id VARCHAR, item_id VARCHAR, reverted_event_id VARCHAR, kind VARCHAR, text VARCHAR,
    "by" VARCHAR, reason VARCHAR, circular_sha256 VARCHAR, page INTEGER, seq BIGINT, valid_at TIMESTAMPTZ,
    recorded_at TIMESTAMPTZ, event_id VARCHAR);

CREATE TABLE IF NOT EXISTS resolution_history (
    reading_id VARCHAR, resolves VARCHAR, event_type VARCHAR, evidence VARCHAR[], seq BIGINT, event_id VARCHAR);
"""

HISTORY_TABLE_NAMES = (
    "receipt_history", "reading_history", "document_history", "link_history", "decision_history",
    "plan_history", "budget_history", "unread_history", "resolution_history", "correction_history",
)

_P = "e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id"
_P_NO_ID = "e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at"
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
               e.payload->>'language', {_P_NO_ID}
        FROM events e WHERE e.seq > $after AND e.event_type = 'DocumentIdentified'""",
    "link_history": f"""
        INSERT INTO link_history
        SELECT e.payload->>'reading_id', e.payload->>'from_symbol', e.payload->>'to_symbol', e.payload->>'link',
               coalesce({_STRS.format('evidence')}, []), {_P}
        FROM events e WHERE e.seq > $after AND e.event_type = 'DocumentLinked'""",
    "decision_history": f"""
        INSERT INTO decision_history
        SELECT e.payload->>'reading_id',
               CASE e.event_type WHEN 'DecisionRecorded' THEN 'recorded' WHEN 'SilenceProcedureOpened' THEN 'silence_opened'
                    WHEN 'SilenceProcedureConcluded' THEN 'silence_concluded' WHEN 'SilenceBroken' THEN 'silence_broken'
                    WHEN 'SilenceProcedureExtended' THEN 'silence_extended'
                    ELSE 'superseded' END,
               coalesce(e.payload->>'decision_id', e.payload->>'draft_symbol', e.payload->>'symbol'),
               coalesce(e.payload->>'symbol', e.payload->>'draft_symbol'),
               e.payload->>'list_symbol', e.payload->>'body', CAST(e.payload->>'meeting_on' AS DATE),
               CAST(e.payload->>'item_no' AS INTEGER), e.payload->>'action',
               coalesce(e.payload->>'subject', e.payload->>'draft_subject'),
               coalesce({_STRS.format('references')}, []),
               CAST(coalesce(e.payload->>'adopted_on', e.payload->>'broken_on') AS DATE),
               CAST(e.payload->>'deadline_utc' AS TIMESTAMPTZ),
               coalesce(e.payload->>'adopted_symbol', e.payload->>'by_symbol'),
               e.payload->>'broken_by', e.payload->>'how', coalesce({_STRS.format('evidence')}, []), {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN
            ('DecisionRecorded', 'SilenceProcedureOpened', 'SilenceProcedureConcluded', 'SilenceBroken',
             'SilenceProcedureExtended', 'DecisionSuperseded')""",
    "plan_history": f"""
        INSERT INTO plan_history
        SELECT e.payload->>'reading_id',
               CASE e.event_type WHEN 'PlanAdopted' THEN 'adopted' WHEN 'PlanItemScheduled' THEN 'scheduled'
                    WHEN 'PlanItemAdded' THEN 'added' WHEN 'PlanItemRescheduled' THEN 'rescheduled'
                    WHEN 'PlanItemAmended' THEN 'amended' ELSE 'cancelled' END,
               e.payload->>'plan_symbol', CAST(e.payload->>'plan_year' AS INTEGER), CAST(e.payload->>'item_no' AS INTEGER),
               e.payload->>'title', {_STRS.format('organizers')}, e.payload->>'lead_organizer', e.payload->>'timing_text',
               CAST(e.payload->>'starts_on' AS DATE), CAST(e.payload->>'ends_on' AS DATE), e.payload->>'timing_precision',
               CASE WHEN CAST(e.payload->>'correction' AS BOOLEAN) THEN 'corrected' ELSE e.payload->>'how' END,
               e.payload->>'amended_by', CAST(e.payload->>'after_item_no' AS INTEGER),
               e.payload->>'text', coalesce({_STRS.format('evidence')}, []), {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN
            ('PlanAdopted', 'PlanItemScheduled', 'PlanItemAdded', 'PlanItemRescheduled', 'PlanItemCancelled',
             'PlanItemAmended')""",
    "budget_history": f"""
        INSERT INTO budget_history
        SELECT e.payload->>'reading_id',
               CASE e.event_type WHEN 'BudgetApproved' THEN 'approved' WHEN 'BudgetLineCorrected' THEN 'corrected'
                    ELSE 'line' END,
               e.payload->>'budget_symbol', CAST(e.payload->>'budget_year' AS INTEGER), e.payload->>'supersedes',
               CAST(e.payload->>'line_no' AS INTEGER), CAST(e.payload->>'position' AS INTEGER), e.payload->>'section',
               e.payload->>'title', CAST(e.payload->>'amount_usd' AS BIGINT), e.payload->>'line_kind',
               e.payload->>'currency', CAST(e.payload->>'amount_before' AS BIGINT), e.payload->>'corrected_by',
               coalesce({_STRS.format('evidence')}, []), {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN ('BudgetApproved', 'BudgetLineSet', 'BudgetLineCorrected')""",
    "unread_history": f"""
        INSERT INTO unread_history
        SELECT e.payload->>'reading_id', e.payload->>'statement_id', e.payload->>'document_symbol',
               e.payload->>'statement_kind', e.payload->>'text', e.payload->>'why', e.payload->>'detail',
               coalesce({_STRS.format('candidates')}, []), e.payload->>'about_event_id', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type = 'StatementNotRead'""",
    "correction_history": f"""
        INSERT INTO correction_history
        SELECT e.event_type, e.payload->>'entity', CAST(e.payload->>'plan_year' AS INTEGER),
               CAST(e.payload->>'item_no' AS INTEGER), CAST(e.payload->>'budget_year' AS INTEGER), e.payload->>'line',
               e.payload->>'symbol', e.payload->>'field', e.payload->>'value', CAST(e.payload->>'starts_on' AS DATE),
               CAST(e.payload->>'ends_on' AS DATE), e.payload->>'timing_precision', e.payload->>'review_item_id',
               e.payload->>'item_id', e.payload->>'reverted_event_id', e.payload->>'kind', e.payload->>'text',
               e.payload->>'by', e.payload->>'reason', {_P}
        FROM events e WHERE e.seq > $after AND e.event_type IN ('FactCorrected', 'ReviewItemDismissed', 'CorrectionReverted')""",
    "resolution_history": f"""
        INSERT INTO resolution_history
        SELECT e.payload->>'reading_id', e.payload->>'resolves', e.event_type,
               coalesce({_STRS.format('evidence')}, []), e.seq, e.event_id
        FROM events e WHERE e.seq > $after AND e.payload->>'resolves' IS NOT NULL""",
}

# The readings in force as known at `known_at`: the latest reading of each circular.
MACROS = """
CREATE OR REPLACE MACRO live_readings(known_at) AS TABLE
    SELECT reading_id, circular_sha256 FROM (
        SELECT reading_id, circular_sha256,
               row_number() OVER (PARTITION BY circular_sha256 ORDER BY seq DESC) AS rn
        FROM reading_history WHERE recorded_at <= CAST(known_at AS TIMESTAMPTZ))
    WHERE rn = 1;

CREATE OR REPLACE MACRO decisions_read_as_of("at", known_at := NULL) AS TABLE
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
                       FROM h WHERE change = 'silence_concluded' AND symbol IS NOT NULL) WHERE rn = 1),
    broken AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_broken' AND symbol IS NOT NULL) WHERE rn = 1),
    -- An extension moves the deadline from the day it was circulated (the latest extension wins).
    extended AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_extended' AND symbol IS NOT NULL) WHERE rn = 1),
    superseded AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'superseded' AND symbol IS NOT NULL) WHERE rn = 1),
    merged AS (
        SELECT coalesce(r.decision_id, o.decision_id) AS decision_id,
               coalesce(r.symbol, o.symbol) AS symbol,
               coalesce(r.body, o.body) AS body,
               r.meeting_on, r.item_no,
               coalesce(r.action, 'decided') AS action,
               coalesce(r.subject, o.subject) AS subject,
               o.deadline_utc AS first_deadline,
               r.adopted_on AS recorded_adopted_on,
               coalesce(r."references", []) AS "references",
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.circular_sha256 ELSE r.circular_sha256 END AS circular_sha256,
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.page ELSE r.page END AS page,
               coalesce(r.valid_at, o.valid_at) AS valid_at,
               CAST(timezone('Asia/Almaty', coalesce(o.valid_at, r.valid_at)) AS DATE) AS circulated_on,
               o.seq IS NOT NULL AS under_silence
        FROM recorded r FULL OUTER JOIN opened o USING (decision_id)
    ),
    timed AS (
        SELECT m.* EXCLUDE (first_deadline), coalesce(x.deadline_utc, m.first_deadline) AS silence_deadline,
               CASE WHEN x.seq IS NOT NULL THEN m.first_deadline END AS silence_deadline_before_extension,
               x.circular_sha256 AS extended_in, x.page AS extended_on_page, x.seq AS extended_seq
        FROM merged m LEFT JOIN extended x ON x.symbol = m.symbol AND m.under_silence
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
           m.silence_deadline_before_extension,
           coalesce(s.circular_sha256, b.circular_sha256, c.circular_sha256, m.extended_in, m.circular_sha256) AS circular_sha256,
           coalesce(s.page, b.page, c.page, m.extended_on_page, m.page) AS page,
           m.valid_at
    FROM timed m
    LEFT JOIN concluded c ON c.symbol = m.symbol
    LEFT JOIN broken b ON b.symbol = m.symbol
    LEFT JOIN superseded s ON s.symbol = m.symbol
    ORDER BY m.meeting_on NULLS LAST, m.valid_at, m.item_no NULLS LAST, m.decision_id;

CREATE OR REPLACE MACRO plan_items_read_as_of("at", known_at := NULL) AS TABLE
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
    ),
    -- Title and organisers as amended ("item 12 shall read ...", a corrigendum), the latest first.
    amended AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'amended' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    )
    SELECT i.plan_year, i.item_no,
           coalesce(m.title, i.title) AS title,
           coalesce(m.organizers, i.organizers) AS organizers,
           CASE WHEN m.organizers IS NOT NULL THEN m.lead_organizer ELSE i.lead_organizer END AS lead_organizer,
           coalesce(r.timing_text, i.timing_text) AS timing_text,
           CASE WHEN r.seq IS NULL THEN i.starts_on ELSE r.starts_on END AS starts_on,
           CASE WHEN r.seq IS NULL THEN i.ends_on ELSE r.ends_on END AS ends_on,
           coalesce(r.timing_precision, i.timing_precision) AS timing_precision,
           CASE WHEN a.change = 'cancelled' THEN 'cancelled'
                WHEN a.change = 'rescheduled' AND r.timing_text IS DISTINCT FROM i.timing_text
                     THEN CASE WHEN r.how = 'corrected' THEN 'corrected' ELSE 'rescheduled' END
                WHEN m.seq IS NOT NULL AND (m.title IS NOT NULL AND m.title <> i.title
                                            OR m.organizers IS NOT NULL AND m.organizers <> i.organizers)
                     THEN CASE WHEN m.how = 'corrected' THEN 'corrected' ELSE 'amended' END
                ELSE 'planned' END AS status,
           i.plan_symbol,
           CASE WHEN r.seq IS NOT NULL AND r.timing_text IS DISTINCT FROM i.timing_text THEN i.timing_text END AS scheduled_text_before,
           CASE WHEN m.seq IS NOT NULL AND m.title IS NOT NULL AND m.title <> i.title THEN i.title END AS title_before,
           CASE WHEN greatest(coalesce(a.seq, 0), coalesce(m.seq, 0)) = 0 THEN i.circular_sha256
                WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.circular_sha256 ELSE m.circular_sha256 END AS circular_sha256,
           CASE WHEN greatest(coalesce(a.seq, 0), coalesce(m.seq, 0)) = 0 THEN i.page
                WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.page ELSE m.page END AS page,
           i.circular_sha256 AS scheduled_in_sha256,
           i.page AS scheduled_on_page,
           coalesce(CASE WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.amended_by ELSE m.amended_by END) AS amended_by,
           greatest(i.valid_at, coalesce(a.valid_at, i.valid_at), coalesce(m.valid_at, i.valid_at)) AS valid_at
    FROM items i
    LEFT JOIN amendments a ON a.plan_year = i.plan_year AND a.item_no = i.item_no
    LEFT JOIN reschedules r ON r.plan_year = i.plan_year AND r.item_no = i.item_no
    LEFT JOIN amended m ON m.plan_year = i.plan_year AND m.item_no = i.item_no
    ORDER BY i.plan_year, i.item_no NULLS LAST, i.seq;

CREATE OR REPLACE MACRO budget_lines_read_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT b.* FROM budget_history b
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE b.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    budgets AS (
        SELECT * FROM (SELECT budget_year, budget_symbol, reading_id,
                              row_number() OVER (PARTITION BY budget_year ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'approved') WHERE rn = 1
    ),
    -- A corrigendum corrects a line of the budget it names, from that budget's own date.
    corrections AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY budget_symbol, position ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'corrected') WHERE rn = 1
    )
    SELECT l.budget_year, l.line_no, l.section, l.title, coalesce(c.amount_usd, l.amount_usd) AS amount_usd, l.line_kind,
           l.budget_symbol, coalesce(c.circular_sha256, l.circular_sha256) AS circular_sha256,
           coalesce(c.page, l.page) AS page, l.position,
           CASE WHEN c.seq IS NOT NULL THEN l.amount_usd END AS printed_amount_usd,
           c.corrected_by, greatest(l.valid_at, coalesce(c.valid_at, l.valid_at)) AS valid_at
    FROM h l JOIN budgets b ON b.budget_symbol = l.budget_symbol AND b.reading_id = l.reading_id
    LEFT JOIN corrections c ON c.budget_symbol = l.budget_symbol AND c.position = l.position
    WHERE l.change = 'line'
    ORDER BY l.budget_year, l.position;

-- What people corrected, as known at `known_at`: corrections and dismissals not reverted by then.
CREATE OR REPLACE MACRO live_corrections(known_at) AS TABLE
    SELECT c.* FROM correction_history c
    WHERE c.recorded_at <= CAST(known_at AS TIMESTAMPTZ) AND c.event_type <> 'CorrectionReverted'
      AND c.event_id NOT IN (SELECT reverted_event_id FROM correction_history
                             WHERE event_type = 'CorrectionReverted' AND recorded_at <= CAST(known_at AS TIMESTAMPTZ));

-- The latest live correction of each field of each fact, in force at valid time `at`.
CREATE OR REPLACE MACRO fact_corrections("at", known_at) AS TABLE
    SELECT * EXCLUDE (rn) FROM (
        SELECT c.*, row_number() OVER (PARTITION BY entity, plan_year, item_no, budget_year, line, symbol, field
                                       ORDER BY seq DESC) AS rn
        FROM live_corrections(known_at) c
        WHERE c.event_type = 'FactCorrected' AND c.valid_at <= CAST("at" AS TIMESTAMPTZ)) WHERE rn = 1;

-- The tables as stated by the circulars, with what people corrected applied over them: a corrected row
-- says so (source = 'correction', the correcting event, who and why) and keeps the circular and page it
-- was read from. A correction is seen only from when it was recorded (known_at).
CREATE OR REPLACE MACRO plan_items_as_of("at", known_at := NULL) AS TABLE
    WITH m AS (SELECT * FROM plan_items_read_as_of("at", known_at := known_at)),
    c AS (SELECT * FROM fact_corrections("at", coalesce(CAST(known_at AS TIMESTAMPTZ), now())) WHERE entity = 'plan_item'),
    t AS (SELECT * FROM c WHERE field = 'timing'), n AS (SELECT * FROM c WHERE field = 'title'),
    s AS (SELECT * FROM c WHERE field = 'status'),
    latest AS (SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY plan_year, item_no ORDER BY seq DESC) AS rn FROM c)
               WHERE rn = 1)
    SELECT m.* REPLACE (
               coalesce(n.value, m.title) AS title,
               CASE WHEN t.seq IS NOT NULL THEN t.value ELSE m.timing_text END AS timing_text,
               CASE WHEN t.seq IS NOT NULL THEN t.starts_on ELSE m.starts_on END AS starts_on,
               CASE WHEN t.seq IS NOT NULL THEN t.ends_on ELSE m.ends_on END AS ends_on,
               CASE WHEN t.seq IS NOT NULL THEN t.timing_precision ELSE m.timing_precision END AS timing_precision,
               coalesce(s.value, m.status) AS status),
           CASE WHEN l.seq IS NOT NULL THEN 'correction' ELSE 'reading' END AS source,
           l.event_id AS correction_event_id, l."by" AS corrected_by_person, l.reason AS correction_reason
    FROM m
    LEFT JOIN t ON t.plan_year = m.plan_year AND t.item_no = m.item_no
    LEFT JOIN n ON n.plan_year = m.plan_year AND n.item_no = m.item_no
    LEFT JOIN s ON s.plan_year = m.plan_year AND s.item_no = m.item_no
    LEFT JOIN latest l ON l.plan_year = m.plan_year AND l.item_no = m.item_no
    ORDER BY m.plan_year, m.item_no NULLS LAST;

CREATE OR REPLACE MACRO budget_lines_as_of("at", known_at := NULL) AS TABLE
    WITH m AS (SELECT *, CASE WHEN line_kind = 'expenditure' THEN CAST(line_no AS VARCHAR) ELSE line_kind END AS line_key
               FROM budget_lines_read_as_of("at", known_at := known_at)),
    c AS (SELECT * FROM fact_corrections("at", coalesce(CAST(known_at AS TIMESTAMPTZ), now()))
          WHERE entity = 'budget_line' AND field = 'amount_usd')
    SELECT m.* EXCLUDE (line_key) REPLACE (CASE WHEN c.seq IS NOT NULL THEN CAST(c.value AS BIGINT) ELSE m.amount_usd END AS amount_usd,
                                           CASE WHEN c.seq IS NOT NULL THEN coalesce(m.printed_amount_usd, m.amount_usd)
                                                ELSE m.printed_amount_usd END AS printed_amount_usd),
           CASE WHEN c.seq IS NOT NULL THEN 'correction' ELSE 'reading' END AS source,
           c.event_id AS correction_event_id, c."by" AS corrected_by_person, c.reason AS correction_reason
    FROM m LEFT JOIN c ON c.budget_year = m.budget_year AND c.line = m.line_key
    ORDER BY m.budget_year, m.position;

CREATE OR REPLACE MACRO decisions_as_of("at", known_at := NULL) AS TABLE
    WITH m AS (SELECT * FROM decisions_read_as_of("at", known_at := known_at)),
    c AS (SELECT * FROM fact_corrections("at", coalesce(CAST(known_at AS TIMESTAMPTZ), now())) WHERE entity = 'decision'),
    s AS (SELECT * FROM c WHERE field = 'status'), a AS (SELECT * FROM c WHERE field = 'adopted_symbol'),
    latest AS (SELECT * FROM (SELECT c.*, row_number() OVER (PARTITION BY symbol ORDER BY seq DESC) AS rn FROM c) WHERE rn = 1)
    SELECT m.* REPLACE (coalesce(s.value, m.status) AS status, coalesce(a.value, m.adopted_symbol) AS adopted_symbol),
           CASE WHEN l.seq IS NOT NULL THEN 'correction' ELSE 'reading' END AS source,
           l.event_id AS correction_event_id, l."by" AS corrected_by_person, l.reason AS correction_reason
    FROM m
    LEFT JOIN s ON s.symbol = m.symbol LEFT JOIN a ON a.symbol = m.symbol LEFT JOIN latest l ON l.symbol = m.symbol
    ORDER BY m.meeting_on NULLS LAST, m.valid_at, m.item_no NULLS LAST, m.decision_id;

-- How a review item was settled, by whom and why (a dismissal, or a correction naming the item).
CREATE OR REPLACE MACRO settlements(known_at) AS TABLE
    SELECT * EXCLUDE (rn) FROM (
        SELECT coalesce(item_id, review_item_id) AS item_id,
               CASE event_type WHEN 'ReviewItemDismissed' THEN 'dismissed' ELSE 'corrected' END AS settled_how,
               "by" AS settled_by, reason AS settled_reason, event_id AS settled_by_event, recorded_at AS settled_at,
               row_number() OVER (PARTITION BY coalesce(item_id, review_item_id) ORDER BY seq DESC) AS rn
        FROM live_corrections(known_at) WHERE coalesce(item_id, review_item_id) IS NOT NULL) WHERE rn = 1;
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
    # What was read but could not be applied is as visible as what could not be read. Built after the
    # state tables, which it checks against.
    "unread_statements": """
        CREATE OR REPLACE TABLE unread_statements AS
        WITH live AS (SELECT u.* FROM unread_history u JOIN live_readings(now()) USING (reading_id)),
        resolved AS (SELECT DISTINCT r.resolves FROM resolution_history r JOIN live_readings(now()) USING (reading_id)),
        latest AS (
            SELECT * EXCLUDE (rn) FROM (
                SELECT live.*, row_number() OVER (PARTITION BY coalesce(about_event_id, event_id) ORDER BY seq DESC) AS rn
                FROM live) WHERE rn = 1
        ),
        read_not_understood AS (
            SELECT statement_id, circular_sha256, page, document_symbol, statement_kind, text, why, detail, candidates,
                   about_event_id AS event_id, valid_at, recorded_at, seq
            FROM latest WHERE about_event_id IS NULL OR about_event_id NOT IN (SELECT resolves FROM resolved)
        ),
        plan_changes AS (
            SELECT p.* FROM plan_history p JOIN live_readings(now()) USING (reading_id)
            WHERE p.change IN ('rescheduled', 'cancelled', 'amended') AND p.item_no IS NOT NULL
        ),
        no_such_item AS (
            SELECT 'st-' || substr(sha256(c.circular_sha256 || '|' || coalesce(c.statement_text, '')), 1, 16) AS statement_id,
                   c.circular_sha256, c.page, c.amended_by AS document_symbol, 'plan_change' AS statement_kind,
                   coalesce(c.statement_text, c.change || ' item ' || c.item_no) AS text, 'no_target' AS why,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM plan_items i WHERE i.plan_year = c.plan_year)
                        THEN 'there is no plan for ' || c.plan_year || ' in the record'
                        ELSE 'the plan for ' || c.plan_year || ' has no item ' || c.item_no END AS detail,
                   CAST([] AS VARCHAR[]) AS candidates, c.event_id, c.valid_at, c.recorded_at, c.seq
            FROM plan_changes c
            WHERE NOT EXISTS (SELECT 1 FROM plan_items i WHERE i.plan_year = c.plan_year AND i.item_no = c.item_no)
        ),
        silence_acts AS (
            SELECT d.* FROM decision_history d JOIN live_readings(now()) USING (reading_id)
            WHERE d.change IN ('silence_concluded', 'silence_broken', 'silence_extended') AND d.symbol IS NOT NULL
        ),
        no_such_draft AS (
            SELECT 'st-' || substr(sha256(a.circular_sha256 || '|' || a.symbol || '|' || a.change), 1, 16) AS statement_id,
                   a.circular_sha256, a.page, a.symbol AS document_symbol, a.change AS statement_kind,
                   a.change || ': ' || a.symbol AS text, 'no_target' AS why,
                   'no silence procedure on ' || a.symbol || ' is in the record (the note that opened it was not received)' AS detail,
                   CAST([] AS VARCHAR[]) AS candidates, a.event_id, a.valid_at, a.recorded_at, a.seq
            FROM silence_acts a
            WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.symbol = a.symbol AND d.silence_deadline IS NOT NULL)
        ),
        all_unread AS (
            SELECT * FROM read_not_understood
            UNION ALL BY NAME SELECT * FROM no_such_item
            UNION ALL BY NAME SELECT * FROM no_such_draft
        )
        SELECT u.* EXCLUDE (seq), 'rv-' || substr(sha256('unread|' || u.statement_id || '|' || u.why), 1, 12) AS review_id,
               st.settled_how, st.settled_by, st.settled_reason, st.settled_by_event
        FROM all_unread u
        LEFT JOIN settlements(now()) st ON st.item_id = 'rv-' || substr(sha256('unread|' || u.statement_id || '|' || u.why), 1, 12)
        ORDER BY u.recorded_at, u.seq""",
    # What a person must settle: statements not read, the rows the checks' rules fail on (a total that does not
    # add up, an item number printed twice), quarantined files. An item closes when a correction or a dismissal
    # settles it, or when a later reading or circular makes it go away.
    "review_items": """
        CREATE OR REPLACE TABLE review_items AS
        WITH budget AS (
            SELECT *, sum(CASE WHEN line_kind = 'expenditure' THEN amount_usd ELSE 0 END)
                          OVER (PARTITION BY budget_year, budget_symbol ORDER BY position
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS all_before,
                      count(*) FILTER (WHERE line_kind = 'total')
                          OVER (PARTITION BY budget_year, budget_symbol ORDER BY position
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS totals_before
            FROM budget_lines
        ),
        segments AS (
            SELECT b.*, (SELECT coalesce(sum(x.amount_usd), 0) FROM budget_lines x
                         WHERE x.budget_year = b.budget_year AND x.budget_symbol = b.budget_symbol
                           AND x.line_kind = 'expenditure' AND x.position < b.position
                           AND x.position > coalesce((SELECT max(y.position) FROM budget_lines y
                                                     WHERE y.budget_year = b.budget_year AND y.budget_symbol = b.budget_symbol
                                                       AND y.line_kind = 'total' AND y.position < b.position), -1)) AS since_total
            FROM budget b WHERE b.line_kind IN ('total', 'grand_total')
        ),
        items AS (
            SELECT u.review_id AS id,
                   CASE WHEN u.why = 'several_candidates' THEN 'ambiguous_link' ELSE 'statement_not_read' END AS kind,
                   u.circular_sha256, u.page, u.document_symbol, u.text, u.why, u.detail, u.candidates,
                   'correct the fact it states (circulars correct ... --item ' || u.review_id || '), or dismiss it '
                   || '(circulars dismiss ' || u.review_id || ' --reason ...)' AS settle, u.recorded_at AS since
            FROM unread_statements u WHERE u.settled_how IS NULL
            UNION ALL
            SELECT 'rv-' || substr(sha256('budget_total|' || budget_symbol || '|' || position), 1, 12),
                   'check_failure', circular_sha256, page, budget_symbol,
                   'budget ' || budget_year || ' ' || title || ': printed ' || amount_usd || ', its lines add up to '
                   || CASE WHEN line_kind = 'total' THEN since_total ELSE all_before END,
                   'total_mismatch', 'budget_lines_totals_add_up: the figures are kept as printed',
                   CAST([] AS VARCHAR[]),
                   'correct the amount that is wrong (circulars correct budget ' || budget_year || ' LINE --amount N), or '
                   || 'dismiss as printed (circulars dismiss ' || 'rv-' || substr(sha256('budget_total|' || budget_symbol || '|' || position), 1, 12)
                   || ' --reason "misprint in the original, kept as printed")', valid_at
            FROM segments
            WHERE amount_usd <> CASE WHEN line_kind = 'total' THEN since_total ELSE all_before END
            UNION ALL
            SELECT 'rv-' || substr(sha256('duplicate_item|' || plan_year || '|' || item_no), 1, 12), 'check_failure',
                   any_value(circular_sha256), min(page), any_value(plan_symbol),
                   'plan ' || plan_year || ': item ' || item_no || ' is printed ' || count(*) || ' times: '
                   || string_agg(title, ' / '), 'numbering_duplicate', 'plan_items_item_no_unique',
                   CAST([] AS VARCHAR[]),
                   'correct the number or title of the row that is wrong, or dismiss it (circulars dismiss '
                   || 'rv-' || substr(sha256('duplicate_item|' || plan_year || '|' || item_no), 1, 12) || ' --reason ...)',
                   max(valid_at)
            FROM plan_items WHERE item_no IS NOT NULL GROUP BY plan_year, item_no HAVING count(*) > 1
            UNION ALL
            SELECT 'rv-' || substr(sha256('quarantined|' || sha256), 1, 12), 'quarantined_file', sha256, NULL, symbol,
                   array_to_string(file_names, ', ') || ': ' || coalesce(reason, 'quarantined'), reason_code,
                   'the file is kept in the store; nothing of it is in the tables', CAST([] AS VARCHAR[]),
                   'read it by hand and record its facts as corrections, or dismiss it (circulars dismiss '
                   || 'rv-' || substr(sha256('quarantined|' || sha256), 1, 12) || ' --reason ...)', received_at
            FROM circulars WHERE status = 'quarantined'
        )
        SELECT i.*, c.symbol AS circular_symbol, c.file_names[1] AS file_name
        FROM items i LEFT JOIN circulars c ON c.sha256 = i.circular_sha256
        WHERE i.id NOT IN (SELECT item_id FROM settlements(now()))
        ORDER BY i.since, i.id""",
}

HISTORY_CHECKPOINT = "history"
STATE_CHECKPOINT = "state"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The log, the history tables and the macros; projections of an older layout are dropped first
    (they rebuild from seq 0 on the next projection: the log is the only truth)."""
    eventlog.ensure_schema(con)
    con.execute("CREATE TABLE IF NOT EXISTS projection_checkpoints (name VARCHAR PRIMARY KEY, last_seq BIGINT NOT NULL)")
    version = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = 'projection_version'").fetchone()
    if version is None or version[0] != PROJECTION_VERSION:
        reset(con)
        con.execute(HISTORY_TABLES)
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES ('projection_version', ?)", [PROJECTION_VERSION])
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
        row = con.execute("SELECT last_seq FROM projection_checkpoints WHERE name = ?", [STATE_CHECKPOINT]).fetchone()
        # The current tables were last built from the log up to `before`: what this projection changes is
        # everything after it, even when the history tables were brought up to date earlier in the run
        # (the linker projects history before it resolves references).
        before = min(row[0], last) if row else 0
        _project_history(con)
        if run_id is not None:
            con.execute("INSERT INTO projection_runs VALUES (?, ?, ?, ?, now())", [run_id, before, last, now])
        counts = {table: _rebuild(con, table, now) for table in CURRENT_TABLES}
        counts["entity_states"] = changes.project_changes(con, now, after_seq=before)
        con.execute("INSERT OR REPLACE INTO projection_checkpoints VALUES (?, ?)", [STATE_CHECKPOINT, last])
        return last - before, counts

    return _in_transaction(con, work)


# Which rows of each table a range of new events can have changed: the keys the
# table-level rules group by (a plan's year, a budget's year), so that a rule
# such as "totals add up" is judged on whole budgets, never on a fragment.
CHANGED_SCOPE = {
    "plan_items": "plan_year IN (SELECT plan_year FROM plan_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT plan_year FROM correction_history WHERE seq > $after AND seq <= $last)",
    # a dismissal may settle a total: the budgets are judged again, and the result says who settled what
    "budget_lines": "budget_year IN (SELECT budget_year FROM budget_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT budget_year FROM correction_history WHERE seq > $after AND seq <= $last)"
    " OR EXISTS (SELECT 1 FROM correction_history WHERE event_type <> 'FactCorrected' AND seq > $after AND seq <= $last)",
    "decisions": "decision_id IN (SELECT decision_id FROM decision_history WHERE seq > $after AND seq <= $last)"
    " OR symbol IN (SELECT symbol FROM decision_history WHERE seq > $after AND seq <= $last"
    " UNION SELECT symbol FROM correction_history WHERE seq > $after AND seq <= $last)",
    "documents": "circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
    "circulars": "sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after AND seq <= $last)",
}


def rebuild_all(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    return project(con, now)[1]


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every projection (never the log), so they rebuild from seq 0."""
    for table in [*CURRENT_TABLES, *HISTORY_TABLE_NAMES, "projection_checkpoints", *changes.PROJECTION_TABLES]:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
