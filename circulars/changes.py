"""What changed, and since when: every state each fact had (`entity_states`) and each change of state (`changes`).

Derived generically from the history tables, so a new event type that lands in
them appears here without new code:

- each history row (of a live reading, valid by `now`) is a *statement* about one
  entity: a decision (keyed by `decision_id`; rows that name a symbol apply to the
  decision with that symbol), a plan item (plan year and item number), a budget line
  (budget year and line number, or `total` / `grand_total`), a document link;
- an entity's state after a statement carries every field forward from the earlier
  statements and takes the fields this statement states (NULL = not stated), so an
  amendment that only moves the timing keeps the title, and a cancellation keeps both;
- a decision's statements of one reading at one valid time are one step (a draft
  recorded and sent to silence procedure by the same circular is one new state);
- a plan or budget adopted again for the same year replaces the earlier one: items or
  lines it does not restate are `removed`;
- the clock is a change too: a draft still pending when its silence deadline passes
  becomes `presumed_adopted`, valid at the deadline (`source` = `clock`), before any
  circular valid at that same instant (a note confirming the adoption).

`changes` holds one row per field whose value differs from the entity's previous
state (one row, on the entity's headline field, when it appears or is removed), with
`valid_at` (from the document), `known_at` (when the causing event was recorded), the
circular, page and event, and a sentence a person reads at a glance:
"Plan 2024 item 9 rescheduled: March → 23 – 25 April (DOC/1532, p. 5)".

A plan item's `status` here is its lifecycle (planned, cancelled, removed): that it
was rescheduled is the change itself (`change` = `rescheduled`), not a state.

`source`, `changed_by` and `why` are NULL for machine readings (`clock` for a passed
deadline); where the history tables carry such columns (human corrections), they are
passed through.

Incremental: each projection recomputes only the entities its new events (or the
moving clock) can have changed: the plan and budget years they touch, the decisions
they name; a rebuilt history, or a clock moved backwards, recomputes everything.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from models.constants import ASTANA

# Display helpers, also for people's own queries: `SELECT astana_utc(silence_deadline) FROM decisions`.
MACROS = """
CREATE OR REPLACE MACRO astana_utc(ts) AS
    CASE WHEN ts IS NULL THEN NULL ELSE
        strftime(timezone('Asia/Almaty', CAST(ts AS TIMESTAMPTZ)), '%Y-%m-%d %H:%M') || ' Astana ('
        || CASE WHEN CAST(timezone('Asia/Almaty', CAST(ts AS TIMESTAMPTZ)) AS DATE) = CAST(timezone('UTC', CAST(ts AS TIMESTAMPTZ)) AS DATE)
                THEN strftime(timezone('UTC', CAST(ts AS TIMESTAMPTZ)), '%H:%M')
                ELSE strftime(timezone('UTC', CAST(ts AS TIMESTAMPTZ)), '%Y-%m-%d %H:%M') END
        || ' UTC)'
    END;

CREATE OR REPLACE MACRO change_value_text(field, txt, amount, at_) AS
    CASE
        WHEN txt IS NULL AND amount IS NULL AND at_ IS NULL THEN '—'
        WHEN field = 'timing' AND txt = '' THEN 'no timing printed'
        WHEN field = 'amount_usd' THEN format('{:,}', amount) || ' USD'
        WHEN at_ IS NOT NULL THEN astana_utc(at_)
        WHEN field = 'status' THEN replace(txt, '_', ' ')
        ELSE txt
    END;

CREATE OR REPLACE MACRO change_field_label(name) AS
    CASE name WHEN 'adopted_symbol' THEN 'adopted as' WHEN 'silence_broken_by' THEN 'silence broken by'
              WHEN 'superseded_by' THEN 'superseded by' WHEN 'amount_usd' THEN 'amount'
              ELSE replace(name, '_', ' ') END;

CREATE OR REPLACE MACRO change_verb(change) AS
    CASE change WHEN 'silence_opened' THEN 'put under silence procedure'
                WHEN 'silence_concluded' THEN 'adopted by silence procedure'
                WHEN 'deadline_passed' THEN 'silence deadline passed'
                ELSE replace(change, '_', ' ') END;
"""

# The state of an entity: its key and provenance, then every field any kind tracks (NULL where not its kind).
KEY_COLUMNS = """
    entity_kind VARCHAR, entity_key VARCHAR, symbol VARCHAR, plan_year INTEGER, item_no INTEGER,
    budget_year INTEGER, line_no INTEGER, line_kind VARCHAR, label VARCHAR, change VARCHAR, present BOOLEAN,
    valid_at TIMESTAMPTZ, ord INTEGER, seq BIGINT, known_at TIMESTAMPTZ, circular_sha256 VARCHAR, page INTEGER,
    source VARCHAR, changed_by VARCHAR, why VARCHAR"""

FIELD_COLUMNS = {
    "status": "VARCHAR",
    "timing_text": "VARCHAR",
    "timing_precision": "VARCHAR",
    "starts_on": "DATE",
    "ends_on": "DATE",
    "title": "VARCHAR",
    "organizers": "VARCHAR[]",
    "amount_usd": "BIGINT",
    "section": "VARCHAR",
    "silence_deadline": "TIMESTAMPTZ",
    "adopted_on": "DATE",
    "adopted_symbol": "VARCHAR",
    "silence_broken_by": "VARCHAR",
    "superseded_by": "VARCHAR",
    "action": "VARCHAR",
    "subject": "VARCHAR",
    "link": "VARCHAR",
}

TABLES = (
    "CREATE TABLE IF NOT EXISTS entity_states ("
    + KEY_COLUMNS
    + ", prev_present BOOLEAN, changed INTEGER, "
    + ", ".join(f"{name} {kind}, prev_{name} {kind}" for name, kind in FIELD_COLUMNS.items())
    + ");\nCREATE TABLE IF NOT EXISTS changes_checkpoint (last_seq BIGINT, now TIMESTAMPTZ);\n"
)
"""`entity_states`: one row per state of an entity, with `changed`, a bitmask of the fields (in the order
of `FIELDS[entity_kind]`) that differ from the previous state, whose earlier values are kept in `prev_*`
(NULL for fields that did not change, so a large archive stores little more than its states)."""

_LIVE = "live AS (SELECT reading_id FROM live_readings(now()))"

# --- the states of each kind of entity (current and previous, in one windowed pass) ----------------------

PLAN_STATES = """
WITH """ + _LIVE + """,
plan_h AS (
    SELECT p.*, {src}, CAST(NULL AS VARCHAR) AS corrected_status FROM plan_history p SEMI JOIN live USING (reading_id)
    WHERE p.valid_at <= $now {scope}
    UNION ALL BY NAME
    -- what a person corrected (and has not reverted), as a statement of its own
    SELECT 'corrected' AS change, p.plan_year, p.item_no,
           CASE p.field WHEN 'title' THEN p.value END AS title,
           CASE p.field WHEN 'timing' THEN p.value END AS timing_text,
           CASE p.field WHEN 'timing' THEN p.timing_precision END AS timing_precision,
           CASE p.field WHEN 'timing' THEN p.starts_on END AS starts_on,
           CASE p.field WHEN 'timing' THEN p.ends_on END AS ends_on,
           CASE p.field WHEN 'status' THEN p.value END AS corrected_status,
           p.circular_sha256, p.page, p.seq, p.valid_at, p.recorded_at, p.event_id,
           'correction' AS source, p."by" AS changed_by, p.reason AS why
    FROM live_corrections($now) p
    WHERE p.change = 'corrected' AND p.entity = 'plan_item' AND p.valid_at <= $now {scope}
),
plan_epochs AS (
    SELECT plan_year, plan_symbol, reading_id, valid_at, seq,
           row_number() OVER w AS epoch, lag(plan_symbol) OVER w AS prev_symbol
    FROM plan_h WHERE change = 'adopted'
    WINDOW w AS (PARTITION BY plan_year ORDER BY valid_at, seq)
),
-- Keys and order first, on narrow rows (a large archive sorts ints, not titles); the facts join in after.
-- An item is keyed by its number, or its title when printed without one.
plan_base AS (
    -- the rows of each plan adopted; other statements address the plan in force at their valid time
    SELECT h.seq, h.plan_year, coalesce(h.item_no, -1) AS key_no, CASE WHEN h.item_no IS NULL THEN h.title ELSE '' END AS key_title,
           h.change, h.valid_at, e.epoch,
           -- the same plan adopted again (another copy or rendering of the circular) restates its items
           CASE WHEN e.prev_symbol = e.plan_symbol THEN 'restated' ELSE h.change END AS verb
    FROM plan_h h JOIN plan_epochs e
        ON e.plan_year = h.plan_year AND e.reading_id = h.reading_id AND e.plan_symbol = h.plan_symbol
    WHERE h.change = 'scheduled'
    UNION ALL
    SELECT h.seq, h.plan_year, coalesce(h.item_no, -1), CASE WHEN h.item_no IS NULL THEN h.title ELSE '' END,
           h.change, h.valid_at, e.epoch, h.change
    FROM (SELECT * FROM plan_h WHERE change NOT IN ('adopted', 'scheduled')) h
    -- the plan in force: the latest adopted by valid time, then by seq (as `plan_items_as_of`)
    ASOF JOIN (SELECT plan_year, valid_at, max(epoch) AS epoch FROM plan_epochs GROUP BY ALL) e
        ON e.plan_year = h.plan_year AND h.valid_at >= e.valid_at
),
plan_keyed AS (
    -- an item number printed twice in one plan is two entities (#2); amendments address the first
    SELECT *, CASE WHEN change = 'scheduled' THEN row_number() OVER (
                   PARTITION BY plan_year, epoch, change, key_no, key_title ORDER BY seq) ELSE 1 END AS occ
    FROM plan_base
),
plan_keys AS (SELECT DISTINCT plan_year, epoch, key_no, key_title, occ FROM plan_keyed WHERE change IN ('scheduled', 'added')),
plan_stmts AS (
    SELECT k.seq, k.plan_year, k.key_no, k.key_title, k.occ, k.change, k.valid_at, k.verb
    FROM plan_keyed k SEMI JOIN plan_keys USING (plan_year, epoch, key_no, key_title, occ)
    UNION ALL
    -- in the plan before, not restated by the plan adopted again for the same year
    SELECT e.seq, k.plan_year, k.key_no, k.key_title, k.occ, 'removed', e.valid_at, 'removed'
    FROM plan_keys k JOIN plan_epochs e ON e.plan_year = k.plan_year AND e.epoch = k.epoch + 1
    ANTI JOIN plan_keys n ON n.plan_year = k.plan_year AND n.epoch = k.epoch + 1 AND n.key_no = k.key_no
                         AND n.key_title = k.key_title AND n.occ = k.occ
),
plan_wide AS (
    SELECT s.*, h.recorded_at, h.circular_sha256, h.page, h.source, h.changed_by, h.why, h.plan_symbol, h.corrected_status,
           CASE WHEN s.change <> 'removed' THEN h.item_no END AS item_no,
           CASE WHEN s.change <> 'removed' THEN h.title END AS title,
           CASE WHEN s.change <> 'removed' THEN h.organizers END AS organizers,
           CASE WHEN s.change <> 'removed' THEN h.timing_text END AS timing_text,
           h.timing_precision, h.starts_on, h.ends_on
    FROM plan_stmts s JOIN plan_h h ON h.seq = s.seq
),
plan_carried AS (
    SELECT plan_year, key_no, key_title, occ, change, verb, valid_at, seq, recorded_at, circular_sha256, page, source, changed_by, why,
           corrected_status,
           change <> 'removed' AS present,
           lag(change <> 'removed') OVER w AS prev_present,
           last_value(item_no IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS item_no,
           last_value(plan_symbol IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS plan_symbol,
           last_value(title IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS title,
           last_value(title IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_title,
           last_value(organizers IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS organizers,
           last_value(organizers IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_organizers,
           last_value(CASE WHEN timing_text IS NOT NULL THEN
               {{'txt': timing_text, 'precision': timing_precision, 'starts_on': starts_on, 'ends_on': ends_on}} END
               IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS timing,
           last_value(CASE WHEN timing_text IS NOT NULL THEN
               {{'txt': timing_text, 'precision': timing_precision, 'starts_on': starts_on, 'ends_on': ends_on}} END
               IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_timing,
           last_value(coalesce(corrected_status, CASE change WHEN 'scheduled' THEN 'planned' WHEN 'added' THEN 'planned'
                                  WHEN 'cancelled' THEN 'cancelled' WHEN 'removed' THEN 'removed' END)
               IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS status,
           last_value(coalesce(corrected_status, CASE change WHEN 'scheduled' THEN 'planned' WHEN 'added' THEN 'planned'
                                  WHEN 'cancelled' THEN 'cancelled' WHEN 'removed' THEN 'removed' END)
               IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_status
    FROM plan_wide
    WINDOW w AS (PARTITION BY plan_year, key_no, key_title, occ ORDER BY valid_at, seq)
)
SELECT 'plan_item' AS entity_kind,
       plan_year || '/' || CASE WHEN key_no >= 0 THEN CAST(key_no AS VARCHAR) ELSE key_title END
           || CASE WHEN occ > 1 THEN '#' || occ ELSE '' END AS entity_key,
       plan_symbol AS symbol, plan_year, item_no, verb AS change, present, prev_present,
       valid_at, 1 AS ord, seq, recorded_at AS known_at, circular_sha256, page, source, changed_by, why,
       status, prev_status, title, prev_title, organizers, prev_organizers,
       timing.txt AS timing_text, prev_timing.txt AS prev_timing_text,
       timing.precision AS timing_precision, prev_timing.precision AS prev_timing_precision,
       timing.starts_on AS starts_on, prev_timing.starts_on AS prev_starts_on,
       timing.ends_on AS ends_on, prev_timing.ends_on AS prev_ends_on
FROM plan_carried
"""

BUDGET_STATES = """
WITH """ + _LIVE + """,
budget_h AS (
    SELECT b.*, {src} FROM budget_history b SEMI JOIN live USING (reading_id)
    WHERE b.valid_at <= $now {scope}
    UNION ALL BY NAME
    -- what a person corrected (and has not reverted), as a statement of its own
    SELECT 'corrected' AS change, b.budget_year, TRY_CAST(b.line AS INTEGER) AS line_no,
           CASE WHEN b.line IN ('total', 'grand_total') THEN b.line END AS line_kind,
           TRY_CAST(b.value AS BIGINT) AS amount_usd, b.circular_sha256, b.page, b.seq, b.valid_at, b.recorded_at,
           b.event_id, 'correction' AS source, b."by" AS changed_by, b.reason AS why
    FROM live_corrections($now) b
    WHERE b.change = 'corrected' AND b.entity = 'budget_line' AND b.field = 'amount_usd'
      AND b.valid_at <= $now {scope}
),
budget_epochs AS (
    SELECT budget_year, budget_symbol, reading_id, valid_at, seq, recorded_at, circular_sha256, page,
           row_number() OVER w AS epoch, lag(budget_symbol) OVER w AS prev_symbol
    FROM budget_h WHERE change = 'approved'
    WINDOW w AS (PARTITION BY budget_year ORDER BY valid_at, seq)
),
budget_base AS (
    -- the lines of each budget approved; other statements (corrections) address the budget in force
    SELECT h.*, e.epoch, e.prev_symbol = e.budget_symbol AS restated FROM budget_h h JOIN budget_epochs e
        ON e.budget_year = h.budget_year AND e.reading_id = h.reading_id AND e.budget_symbol = h.budget_symbol
    WHERE h.change = 'line'
    UNION ALL BY NAME
    SELECT h.*, e.epoch FROM (SELECT * FROM budget_h WHERE change NOT IN ('approved', 'line')) h
    ASOF JOIN (SELECT budget_year, valid_at, max(epoch) AS epoch FROM budget_epochs GROUP BY ALL) e
        ON e.budget_year = h.budget_year AND h.valid_at >= e.valid_at
),
budget_line_keys AS (
    SELECT DISTINCT budget_symbol, position, coalesce(CAST(line_no AS VARCHAR), line_kind) AS line_key
    FROM budget_h WHERE change = 'line'
),
budget_keyed AS (
    -- a correction of a total names the line by its position in the budget it corrects
    SELECT b.*, coalesce(CAST(b.line_no AS VARCHAR), b.line_kind, k.line_key) AS line_key,
           CASE WHEN b.change = 'line' THEN row_number() OVER (
                PARTITION BY b.budget_year, b.epoch, b.change, coalesce(CAST(b.line_no AS VARCHAR), b.line_kind)
                ORDER BY b.position, b.seq)
                ELSE 1 END AS occ
    FROM budget_base b
    LEFT JOIN budget_line_keys k ON b.change <> 'line' AND k.budget_symbol = b.budget_symbol AND k.position = b.position
),
budget_keys AS (SELECT DISTINCT budget_year, epoch, line_key, occ FROM budget_keyed WHERE change = 'line'),
budget_stmts AS (
    SELECT k.* FROM budget_keyed k SEMI JOIN budget_keys USING (budget_year, epoch, line_key, occ)
    UNION ALL BY NAME
    SELECT 'removed' AS change, k.budget_year, k.epoch + 1 AS epoch, k.line_key, k.occ,
           e.budget_symbol, e.reading_id, e.valid_at, e.seq, e.recorded_at, e.circular_sha256, e.page
    FROM budget_keys k JOIN budget_epochs e ON e.budget_year = k.budget_year AND e.epoch = k.epoch + 1
    ANTI JOIN budget_keys n ON n.budget_year = k.budget_year AND n.epoch = k.epoch + 1 AND n.line_key = k.line_key AND n.occ = k.occ
),
budget_carried AS (
    SELECT budget_year, line_key, occ, valid_at, seq, recorded_at, circular_sha256, page, source, changed_by, why,
           CASE WHEN change = 'line' AND epoch = 1 THEN 'approved' WHEN change = 'line' AND restated THEN 'restated'
                WHEN change = 'line' THEN 'revised' ELSE change END AS change,
           change <> 'removed' AS present,
           lag(change <> 'removed') OVER w AS prev_present,
           last_value(line_no IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS line_no,
           last_value(line_kind IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS line_kind,
           last_value(budget_symbol IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS budget_symbol,
           last_value(section IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS section,
           last_value(section IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_section,
           last_value(title IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS title,
           last_value(title IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_title,
           last_value(amount_usd IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS amount_usd,
           last_value(amount_usd IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_amount_usd
    FROM budget_stmts
    WINDOW w AS (PARTITION BY budget_year, line_key, occ ORDER BY valid_at, seq)
)
SELECT 'budget_line' AS entity_kind,
       budget_year || '/' || line_key || CASE WHEN occ > 1 THEN '#' || occ ELSE '' END AS entity_key,
       budget_symbol AS symbol, budget_year, line_no, line_kind,
       change, present, prev_present, valid_at, 1 AS ord, seq, recorded_at AS known_at, circular_sha256, page,
       source, changed_by, why, amount_usd, prev_amount_usd, title, prev_title, section, prev_section
FROM budget_carried
"""

_DECISION_FIELDS = (
    "status", "silence_deadline", "adopted_on", "adopted_symbol", "silence_broken_by", "superseded_by", "action", "subject",
)

DECISION_STATES = """
WITH """ + _LIVE + """,
decision_h AS (
    SELECT d.*, {src}, CAST(NULL AS VARCHAR) AS corrected_status FROM decision_history d SEMI JOIN live USING (reading_id)
    WHERE d.valid_at <= $now {scope}
    UNION ALL BY NAME
    -- what a person corrected (and has not reverted), as a statement of its own about the decision's symbol
    SELECT 'corrected' AS change, d.symbol, CASE d.field WHEN 'status' THEN d.value END AS corrected_status,
           CASE d.field WHEN 'adopted_symbol' THEN d.value END AS adopted_symbol,
           d.circular_sha256, d.page, d.seq, d.valid_at, d.recorded_at, d.event_id,
           'correction' AS source, d."by" AS changed_by, d.reason AS why
    FROM live_corrections($now) d
    -- (not scoped: an incremental run keeps only the decisions in scope at the end)
    WHERE d.change = 'corrected' AND d.entity = 'decision' AND d.valid_at <= $now
),
decision_ids AS (SELECT DISTINCT decision_id, symbol FROM decision_h WHERE change IN ('recorded', 'silence_opened')),
decision_keys AS (
    -- statements about a decision name its id, or (a conclusion, a broken silence, a supersession) its symbol
    SELECT i.decision_id AS key, h.seq FROM decision_h h JOIN decision_ids i USING (decision_id)
    UNION
    SELECT i.decision_id AS key, h.seq FROM decision_h h JOIN decision_ids i USING (symbol)
),
decision_stmts AS (
    -- the subject (long text) is carried as the seq of the statement that gives it, and joined in at the end
    SELECT k.key, h.* EXCLUDE (decision_id, subject),
           CASE WHEN h.change = 'recorded' AND h.subject IS NOT NULL THEN h.seq END AS recorded_subject_seq,
           CASE WHEN h.change = 'silence_opened' AND h.subject IS NOT NULL THEN h.seq END AS opened_subject_seq
    FROM decision_keys k JOIN decision_h h USING (seq)
),
decision_carried AS (
    SELECT key, change, valid_at, seq, coalesce(reading_id, event_id) AS reading_id, recorded_at, circular_sha256, page,
           source, changed_by, why,
           bool_or(change = 'silence_opened') OVER w AS under_silence,
           bool_or(change = 'silence_concluded') OVER w AS concluded,
           last_value(CASE WHEN change IN ('recorded', 'silence_opened') THEN symbol END IGNORE NULLS) OVER w AS symbol,
           -- as `decisions`: the subject the decision was recorded with, else the one it was circulated with
           coalesce(last_value(recorded_subject_seq IGNORE NULLS) OVER w,
                    last_value(opened_subject_seq IGNORE NULLS) OVER w) AS subject_seq,
           last_value(action IGNORE NULLS) OVER w AS action,
           last_value(meeting_on IGNORE NULLS) OVER w AS meeting_on,
           last_value(CASE WHEN change = 'recorded' THEN adopted_on END IGNORE NULLS) OVER w AS recorded_adopted_on,
           last_value(CASE WHEN change = 'silence_concluded' THEN adopted_on END IGNORE NULLS) OVER w AS concluded_on,
           last_value(deadline_utc IGNORE NULLS) OVER w AS silence_deadline,
           last_value(CASE WHEN change IN ('silence_concluded', 'corrected') THEN adopted_symbol END IGNORE NULLS) OVER w AS adopted_symbol,
           last_value(broken_by IGNORE NULLS) OVER w AS silence_broken_by,
           last_value(CASE WHEN change = 'superseded' THEN adopted_symbol END IGNORE NULLS) OVER w AS superseded_by,
           -- what the events say of the status; the meeting's action counts only where no event has spoken
           last_value(CASE change WHEN 'silence_opened' THEN 'pending_silence' WHEN 'silence_concluded' THEN 'adopted'
                                  WHEN 'silence_broken' THEN 'rejected' WHEN 'superseded' THEN how
                                  WHEN 'corrected' THEN corrected_status END
               IGNORE NULLS) OVER w AS event_status
    FROM decision_stmts
    WINDOW w AS (PARTITION BY key ORDER BY valid_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
decision_steps AS (
    -- a decision's statements of one reading at one valid time are one step: the last of them is the state
    SELECT *, coalesce(event_status, CASE action WHEN 'took_note' THEN 'noted' WHEN 'other' THEN 'recorded' ELSE action END) AS status,
           1 AS ord
    FROM decision_carried
    QUALIFY row_number() OVER (PARTITION BY key, valid_at, reading_id ORDER BY seq DESC) = 1
),
decision_clock AS (
    -- a draft still pending when its deadline passes is presumed adopted, valid at the deadline
    SELECT * EXCLUDE (next_valid_at) REPLACE (
               'deadline_passed' AS change, greatest(silence_deadline, valid_at) AS valid_at,
               greatest(silence_deadline, recorded_at) AS recorded_at, 'presumed_adopted' AS status, 'clock' AS source,
               CASE WHEN silence_deadline > valid_at THEN 0 ELSE 2 END AS ord)
    FROM (SELECT *, lead(valid_at) OVER (PARTITION BY key ORDER BY valid_at, seq) AS next_valid_at FROM decision_steps)
    WHERE status = 'pending_silence' AND silence_deadline <= $now
      AND (next_valid_at IS NULL OR silence_deadline <= next_valid_at)
),
decision_all AS (
    SELECT *, CASE
               WHEN under_silence AND status = 'rejected' THEN NULL
               WHEN under_silence AND concluded THEN coalesce(concluded_on, CAST(timezone('Asia/Almaty', silence_deadline) AS DATE))
               WHEN under_silence AND status = 'presumed_adopted' THEN CAST(timezone('Asia/Almaty', silence_deadline) AS DATE)
               WHEN under_silence THEN NULL
               WHEN action IN ('adopted', 'approved', 'decided', 'endorsed') THEN coalesce(recorded_adopted_on, meeting_on)
               ELSE recorded_adopted_on
           END AS adopted_on
    FROM (SELECT * FROM decision_clock UNION ALL BY NAME SELECT * FROM decision_steps)
)
SELECT d.* EXCLUDE (subject_seq, prev_subject_seq), s.subject, p.subject AS prev_subject
FROM (
    SELECT 'decision' AS entity_kind, key AS entity_key, symbol, change, TRUE AS present,
           lag(TRUE) OVER w AS prev_present, valid_at, ord, seq, recorded_at AS known_at, circular_sha256, page,
           source, changed_by, why, subject_seq, lag(subject_seq) OVER w AS prev_subject_seq,
           """ + ",\n           ".join(f"{f}, lag({f}) OVER w AS prev_{f}" for f in _DECISION_FIELDS if f != "subject") + """
    FROM decision_all
    WINDOW w AS (PARTITION BY key ORDER BY valid_at, ord, seq)
) d
LEFT JOIN decision_h s ON s.seq = d.subject_seq
LEFT JOIN decision_h p ON p.seq = d.prev_subject_seq
"""

LINK_STATES = """
WITH """ + _LIVE + """,
decision_h AS (SELECT d.* FROM decision_history d SEMI JOIN live USING (reading_id) WHERE d.valid_at <= $now),
link_rows AS (
    SELECT l.from_symbol, l.to_symbol, l.link, l.valid_at, l.seq, l.recorded_at, l.circular_sha256, l.page, {src}
    FROM link_history l SEMI JOIN live USING (reading_id) WHERE l.valid_at <= $now
    UNION ALL BY NAME
    -- a note announcing that silence was kept confirms the draft, adopted under a new symbol (as `document_links`)
    SELECT r.symbol AS from_symbol, d.symbol AS to_symbol, 'confirms' AS link, d.valid_at, d.seq, d.recorded_at,
           d.circular_sha256, d.page
    FROM decision_h d JOIN reading_history r USING (reading_id)
    WHERE d.change = 'silence_concluded' AND r.symbol IS NOT NULL AND d.symbol IS NOT NULL
    UNION ALL BY NAME
    SELECT d.symbol AS from_symbol, d.adopted_symbol AS to_symbol, 'adopted_as' AS link, d.valid_at, d.seq, d.recorded_at,
           d.circular_sha256, d.page
    -- (a draft the note names only by a description is linked when the linker resolves it, not before)
    FROM decision_h d WHERE d.change = 'silence_concluded' AND d.adopted_symbol IS NOT NULL AND d.symbol IS NOT NULL
)
SELECT 'document_link' AS entity_kind, from_symbol || ' ' || link || ' ' || to_symbol AS entity_key,
       from_symbol AS symbol, to_symbol AS label, link AS change, TRUE AS present, NULL AS prev_present,
       valid_at, 1 AS ord, seq, recorded_at AS known_at, circular_sha256, page, source, changed_by, why, link
FROM link_rows
QUALIFY row_number() OVER (PARTITION BY from_symbol, to_symbol, link ORDER BY valid_at, seq) = 1
"""

# --- from states to changes --------------------------------------------------------------------------------

# Per kind: its fields in order, the first being the headline (the one row of an entity appearing or removed).
# Each field: (name, columns compared, text column or expression of `{p}`, typed columns (amount, from, to, at)).
FIELDS = {
    "plan_item": [
        ("timing", ("timing_text", "timing_precision", "starts_on", "ends_on"), "{p}timing_text",
         (None, "{p}starts_on", "{p}ends_on", None)),
        ("status", ("status",), "{p}status", (None, None, None, None)),
        ("title", ("title",), "{p}title", (None, None, None, None)),
        ("organizers", ("organizers",), "array_to_string({p}organizers, '; ')", (None, None, None, None)),
    ],
    "budget_line": [
        ("amount_usd", ("amount_usd",), "CAST({p}amount_usd AS VARCHAR)", ("{p}amount_usd", None, None, None)),
        ("title", ("title",), "{p}title", (None, None, None, None)),
        ("section", ("section",), "{p}section", (None, None, None, None)),
    ],
    "decision": [
        ("status", ("status",), "{p}status", (None, None, None, None)),
        ("silence_deadline", ("silence_deadline",), "CAST({p}silence_deadline AS VARCHAR)", (None, None, None, "{p}silence_deadline")),
        ("adopted_on", ("adopted_on",), "CAST({p}adopted_on AS VARCHAR)", (None, "{p}adopted_on", "{p}adopted_on", None)),
        ("adopted_symbol", ("adopted_symbol",), "{p}adopted_symbol", (None, None, None, None)),
        ("silence_broken_by", ("silence_broken_by",), "{p}silence_broken_by", (None, None, None, None)),
        ("superseded_by", ("superseded_by",), "{p}superseded_by", (None, None, None, None)),
        ("action", ("action",), "{p}action", (None, None, None, None)),
        ("subject", ("subject",), "{p}subject", (None, None, None, None)),
    ],
    "document_link": [
        ("link", ("link",), "{p}link", (None, None, None, None)),
    ],
}

_TYPED = ("amount", "from", "to", "at")
_TYPED_CAST = {"amount": "BIGINT", "from": "DATE", "to": "DATE", "at": "TIMESTAMPTZ"}


_WORDING = ("title", "subject")
"""Text compared as words: a restated budget printing "MISCELLANEOUS" as "Miscellaneous" changes nothing."""


def _differs(spec) -> str:
    def compared_sql(column: str, prefix: str = "") -> str:
        if column in _WORDING:
            return f"lower(regexp_replace({prefix}{column}, '\\s+', ' ', 'g'))"
        return prefix + column

    return "(" + " OR ".join(f"{compared_sql(c)} IS DISTINCT FROM {compared_sql(c, 'prev_')}" for c in spec[1]) + ")"


def _store_sql(kind: str, states_sql: str) -> str:
    """Wrap a kind's states (current and previous values) into the row `entity_states` keeps.

    Every fragment (`*_sql`) is built from the `FIELDS` constants; values are bound as parameters.
    """
    specs = FIELDS[kind]
    if kind == "document_link":  # a link only appears: nothing to compare
        return f"SELECT *, 0 AS changed FROM ({states_sql})"
    bits_sql = " + ".join(f"CASE WHEN {_differs(spec)} THEN {1 << i} ELSE 0 END" for i, spec in enumerate(specs))
    previous = [
        f"CASE WHEN {_differs(spec)} THEN prev_{column} END AS prev_{column}" for spec in specs for column in spec[1]
    ]
    excluded_sql = ", ".join(f"prev_{column}" for spec in specs for column in spec[1])
    return (
        f"SELECT * EXCLUDE ({excluded_sql}), CASE WHEN prev_present AND present THEN {bits_sql} ELSE 0 END AS changed, "
        + ", ".join(previous)
        + f" FROM ({states_sql})"
    )


def _side(spec, prefix: str | None) -> dict[str, str]:
    """The text and typed columns of one field, current (prefix '') or previous ('prev_'); NULL when absent."""
    name, _, text, typed = spec
    if prefix is None:
        values = {"txt": "NULL"} | {t: "NULL" for t in _TYPED}
    else:
        values = {"txt": text.format(p=prefix)} | {
            t: (expr.format(p=prefix) if expr else "NULL") for t, expr in zip(_TYPED, typed)
        }
    return {k: f"CAST({v} AS {'VARCHAR' if k == 'txt' else _TYPED_CAST[k]})" for k, v in values.items()}


def _branch(kind_sql: str, field_no_sql: int, spec, mode_sql: str) -> str:
    """One kind of change of one field, as SQL over `entity_states`: every fragment from `FIELDS`."""
    field_sql = spec[0]
    before_sql = _side(spec, None if mode_sql == "appeared" else "prev_")
    after_sql = _side(spec, None if mode_sql == "removed" else "")
    if mode_sql == "removed":
        # the headline's last value, before the removal: the state just before it
        before_sql = {k: v.replace("prev_", "") for k, v in before_sql.items()}
    where_sql = {
        "appeared": "present AND (prev_present IS NULL OR NOT prev_present)",
        "removed": "prev_present AND NOT present",
        "changed": f"(changed & {1 << (field_no_sql - 1)}) <> 0",
    }[mode_sql]
    return f"""
    SELECT entity_kind, entity_key, symbol, plan_year, item_no, budget_year, line_no,
           coalesce(label, CASE entity_kind WHEN 'plan_item' THEN title WHEN 'decision' THEN subject
                                            WHEN 'budget_line' THEN CASE WHEN line_no IS NULL THEN title
                                                                         ELSE concat_ws(' ', 'line', section, title) END END) AS label,
           '{field_sql}' AS field, '{mode_sql}' AS kind_of, change,
           {before_sql['txt']} AS before, {after_sql['txt']} AS after,
           {before_sql['amount']} AS before_amount, {after_sql['amount']} AS after_amount,
           {before_sql['from']} AS before_from, {before_sql['to']} AS before_to,
           {after_sql['from']} AS after_from, {after_sql['to']} AS after_to,
           {before_sql['at']} AS before_at, {after_sql['at']} AS after_at,
           silence_deadline AS deadline, valid_at, known_at, circular_sha256, page, seq, source, changed_by, why,
           {field_no_sql} AS field_no
    FROM entity_states WHERE entity_kind = '{kind_sql}' AND {where_sql}"""


def _pairs_sql() -> str:
    branches = []
    for kind, specs in FIELDS.items():
        branches.append(_branch(kind, 1, specs[0], "appeared"))
        if kind in ("plan_item", "budget_line"):
            branches.append(_branch(kind, 1, specs[0], "removed"))
        if kind != "document_link":
            branches.extend(_branch(kind, i, spec, "changed") for i, spec in enumerate(specs, 1))
    return "\n    UNION ALL".join(branches)


# Computed when read (a view), so a rebuild of a large archive stores only the states, and never
# formats a million sentences nobody asked for; a filtered read touches only the rows it asks for.
CHANGES_VIEW = """
CREATE OR REPLACE VIEW changes AS
WITH pairs AS (""" + _pairs_sql() + """
),
named AS (
    SELECT p.*, c.symbol AS circular_symbol, e.event_id,
           CASE p.entity_kind
               WHEN 'plan_item' THEN 'Plan ' || p.plan_year || ' item '
                                     || coalesce(CAST(p.item_no AS VARCHAR), '"' || p.label || '"', substr(p.entity_key, strpos(p.entity_key, '/') + 1))
                                     || CASE WHEN p.entity_key LIKE '%#%' THEN ' (' || split_part(p.entity_key, '#', 2) || ')' ELSE '' END
               WHEN 'budget_line' THEN 'Budget ' || p.budget_year || ' ' || p.label
               WHEN 'decision' THEN 'Decision ' || coalesce(p.symbol, p.entity_key)
               ELSE p.entity_key
           END AS entity_name,
           CASE WHEN length(p.label) > 90 THEN left(p.label, 89) || '…' ELSE p.label END AS short_label,
           CASE WHEN p.source = 'clock' THEN ' (deadline set by ' ELSE ' (' END
           || coalesce(c.symbol, left(p.circular_sha256, 12), 'no circular')
           || coalesce(', p. ' || p.page, '')
           || CASE WHEN p.changed_by IS NOT NULL OR p.why IS NOT NULL
                   THEN '; ' || coalesce(p.source, 'correction') || coalesce(' by ' || p.changed_by, '') || coalesce(': ' || p.why, '')
                   ELSE '' END
           || ')' AS provenance
    FROM pairs p
    LEFT JOIN circulars c ON c.sha256 = p.circular_sha256
    LEFT JOIN events e ON e.seq = p.seq
)
SELECT entity_kind, entity_key, symbol, plan_year, item_no, budget_year, line_no, label, field,
       CASE WHEN kind_of = 'removed' THEN 'removed' ELSE change END AS change,
       before, after, before_amount, after_amount, before_from, before_to, after_from, after_to, before_at, after_at,
       valid_at, known_at, circular_sha256, circular_symbol, page, event_id, seq, source, changed_by, why,
       coalesce(CASE
           WHEN entity_kind = 'document_link' THEN replace(entity_key, '_', ' ') || provenance
           WHEN kind_of = 'appeared' THEN
               entity_name || ' ' || change_verb(change) || ': ' || change_value_text(field, after, after_amount, after_at)
               || CASE WHEN entity_kind = 'decision' AND after = 'pending_silence' AND deadline IS NOT NULL
                       THEN ' until ' || astana_utc(deadline) ELSE '' END
               || CASE WHEN entity_kind IN ('plan_item', 'decision') THEN coalesce(' — ' || short_label, '') ELSE '' END
               || provenance
           WHEN kind_of = 'removed' THEN
               entity_name || ' removed: ' || change_value_text(field, before, before_amount, before_at) || ' → —' || provenance
           ELSE entity_name || ' ' || change_verb(change)
                || CASE WHEN field IN ('timing', 'status', 'amount_usd') THEN '' ELSE ', ' || change_field_label(field) END
                || ': ' || change_value_text(field, before, before_amount, before_at)
                || ' → ' || change_value_text(field, after, after_amount, after_at) || provenance
       END, replace(entity_kind, '_', ' ') || ' ' || entity_key || ' ' || change_verb(change) || ', ' || field
            || coalesce(': ' || before, '') || coalesce(' → ' || after, '') || coalesce(provenance, '')) AS sentence,
       field_no
FROM named
"""


# Where the history tables say who made a statement and why (human corrections), read it; else NULL.
_SOURCE_COLUMNS = {"source": ("source",), "changed_by": ("changed_by", "by"), "why": ("why", "reason")}
"""(a budget line's `corrected_by` is the corrigendum's symbol, already the change's circular: not a person)"""


def _source_columns(con: duckdb.DuckDBPyConnection, table: str, alias: str) -> str:
    present = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    picked = []
    for name, candidates in _SOURCE_COLUMNS.items():
        found = next((c for c in candidates if c in present), None)
        picked.append(f'CAST({alias}."{found}" AS VARCHAR) AS {name}' if found else f"CAST(NULL AS VARCHAR) AS {name}")
    return ", ".join(picked)


# What a projection can have changed: rows appended since `after`, rows of the circulars those rows
# belong to (a new reading of an old circular replaces its old rows), rows that became valid as the clock
# moved from the last projection's `now` to this one, and drafts whose deadline the clock passed.
_TOUCHED = """(h.seq > $after
    OR h.circular_sha256 IN (SELECT circular_sha256 FROM events WHERE seq > $after)
    OR (h.valid_at > $prev_now AND h.valid_at <= $now))"""

_SCOPE = {
    "plan": f"CREATE OR REPLACE TEMP TABLE _scope_plan AS SELECT DISTINCT plan_year FROM plan_history h WHERE {_TOUCHED}",
    "budget": f"CREATE OR REPLACE TEMP TABLE _scope_budget AS SELECT DISTINCT budget_year FROM budget_history h WHERE {_TOUCHED}",
    "decision": f"""
        CREATE OR REPLACE TEMP TABLE _scope_decision AS
        WITH touched AS (
            SELECT decision_id, symbol FROM decision_history h
            WHERE {_TOUCHED} OR (h.deadline_utc > $prev_now AND h.deadline_utc <= $now)
        )
        SELECT DISTINCT decision_id FROM decision_history
        WHERE decision_id IN (SELECT decision_id FROM touched) OR symbol IN (SELECT symbol FROM touched)""",
}

_SCOPE_FILTERS = {
    "plan": "AND p.plan_year IN (SELECT plan_year FROM _scope_plan)",
    "budget": "AND b.budget_year IN (SELECT budget_year FROM _scope_budget)",
    "decision": "AND (d.decision_id IN (SELECT decision_id FROM _scope_decision) OR d.symbol IN ("
    "SELECT symbol FROM decision_history WHERE decision_id IN (SELECT decision_id FROM _scope_decision)))",
}

_SCOPE_DELETES = {
    "plan": "entity_kind = 'plan_item' AND plan_year IN (SELECT plan_year FROM _scope_plan)",
    "budget": "entity_kind = 'budget_line' AND budget_year IN (SELECT budget_year FROM _scope_budget)",
    "decision": "entity_kind = 'decision' AND entity_key IN (SELECT decision_id FROM _scope_decision)",
    "link": "entity_kind = 'document_link'",
}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS)
    con.execute(TABLES)
    con.execute(CHANGES_VIEW)  # reads `circulars`: called after the current tables are built


def _bind(sql: str, values: dict[str, object]) -> tuple[str, list]:
    """Replace `$name` placeholders by positional parameters, in order of appearance."""
    import re

    params: list = []

    def one(match):
        params.append(values[match.group(1)])
        return "?"

    return re.sub(r"\$(now|prev_now|after)\b", one, sql), params


def project_changes(con: duckdb.DuckDBPyConnection, now: datetime, *, after_seq: int = 0) -> int:
    """Bring `entity_states` (and so the `changes` view) up to date with the history tables as of `now`.

    Runs inside the caller's transaction (`projections.project`), after the history
    tables and current tables are up to date; `after_seq` is where that projection
    started (0: the history was built from the beginning, so everything is
    recomputed). Returns how many states are held.
    """
    ensure_schema(con)
    last = con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    checkpoint = con.execute("SELECT last_seq, now FROM changes_checkpoint").fetchone()
    full = checkpoint is None or after_seq == 0 or after_seq < checkpoint[0] or now < checkpoint[1]
    if not full:
        # a person's correction or revert is rare and may touch any fact: recompute everything then
        full = con.execute("SELECT count(*) FROM correction_history WHERE seq > ? AND change <> 'dismissed'",
                           [checkpoint[0]]).fetchone()[0] > 0
    values = {"now": now, "prev_now": now if full else checkpoint[1], "after": 0 if full else checkpoint[0]}
    kinds = {
        "plan": ("plan_item", PLAN_STATES, "plan_history", "p"),
        "budget": ("budget_line", BUDGET_STATES, "budget_history", "b"),
        "decision": ("decision", DECISION_STATES, "decision_history", "d"),
        "link": ("document_link", LINK_STATES, "link_history", "l"),
    }
    if full:
        con.execute("DELETE FROM entity_states")
    for kind, (entity_kind, sql, table, alias) in kinds.items():
        scope = ""
        if not full:
            if kind in _SCOPE:
                con.execute(*_bind(_SCOPE[kind], values))
                scope_table_sql = "_scope_" + kind
                if con.execute(f"SELECT count(*) FROM {scope_table_sql}").fetchone()[0] == 0:
                    continue
                scope = _SCOPE_FILTERS[kind]
            delete_where_sql = _SCOPE_DELETES[kind]
            con.execute(f"DELETE FROM entity_states WHERE {delete_where_sql}")
        statement_sql = sql.format(src=_source_columns(con, table, alias), scope=scope)
        if kind == "decision" and not full:
            # only the decisions in scope: a symbol shared with one outside it must not bring in half its story
            statement_sql = f"SELECT * FROM ({statement_sql}) WHERE entity_key IN (SELECT decision_id FROM _scope_decision)"
        con.execute(*_bind("INSERT INTO entity_states BY NAME " + _store_sql(entity_kind, statement_sql), values))
    con.execute("DELETE FROM changes_checkpoint")
    con.execute("INSERT INTO changes_checkpoint VALUES (?, ?)", [last, now])
    return con.execute("SELECT count(*) FROM entity_states").fetchone()[0]


PROJECTION_TABLES = ("entity_states", "changes_checkpoint")
"""Dropped with the other projections by `projections.reset`."""


# --- reading them back (the CLI, the calendar and the Dagster metadata) -------------------------------------



def astana_utc(value: datetime | None) -> str:
    """'2023-12-26 12:00 Astana (06:00 UTC)': Astana time first, UTC beside it (its date only when it differs)."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if value is None:
        return "—"
    local = value.astimezone(ZoneInfo(ASTANA))
    utc = value.astimezone(UTC)
    utc_text = utc.strftime("%H:%M") if utc.date() == local.date() else utc.strftime("%Y-%m-%d %H:%M")
    return f"{local.strftime('%Y-%m-%d %H:%M')} Astana ({utc_text} UTC)"


VERBS = {"silence_opened": "put under silence procedure", "silence_concluded": "adopted by silence procedure",
         "deadline_passed": "silence deadline passed"}


def change_verb(change: str) -> str:
    """A change as a person says it (the same words as the sentences of `changes`)."""
    return VERBS.get(change, change.replace("_", " "))


def astana_date(value: datetime | None) -> str:
    """The date in Astana of an instant ('2023-12-11 18:00 UTC' is 12 December there)."""
    from zoneinfo import ZoneInfo

    return "—" if value is None else value.astimezone(ZoneInfo(ASTANA)).date().isoformat()


CHANGE_COLUMNS = (
    "entity_kind", "entity_key", "symbol", "plan_year", "item_no", "budget_year", "line_no", "label", "field",
    "change", "before", "after", "before_amount", "after_amount", "before_from", "before_to", "after_from",
    "after_to", "before_at", "after_at", "valid_at", "known_at", "circular_sha256", "circular_symbol", "page",
    "event_id", "seq", "source", "changed_by", "why", "sentence",
)


def query_changes(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    circular: str | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Changes known (recorded) in [since, until), of one circular (symbol or sha256 prefix) if given; newest first."""
    where_sql, params = ["TRUE"], []  # constant conditions; the values are bound
    if since is not None:
        where_sql.append("known_at >= ?")
        params.append(since)
    if until is not None:
        where_sql.append("known_at < ?")
        params.append(until)
    if circular:
        where_sql.append("(circular_symbol = ? OR circular_sha256 LIKE ? || '%')")
        params += [circular, circular.lower()]
    sql = (
        f"SELECT {', '.join(CHANGE_COLUMNS)} FROM changes WHERE {' AND '.join(where_sql)} "
        "ORDER BY known_at DESC, valid_at DESC, seq DESC, "
        "CASE entity_kind WHEN 'document_link' THEN 1 ELSE 0 END, entity_key, field_no"
        + (f" LIMIT {int(limit)}" if limit else "")
    )
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


STATE_COLUMNS = (
    "entity_kind", "entity_key", "symbol", "plan_year", "item_no", "budget_year", "line_no", "line_kind", "change",
    "present", "valid_at", "ord", "seq", "known_at", "circular_sha256", "page", "source", "changed_by", "why",
    *FIELD_COLUMNS,
)


def query_states(con: duckdb.DuckDBPyConnection, where_sql: str, params: list) -> list[dict]:
    """Every state of the entities matching `where_sql` (a constant condition on `entity_states`, values bound
    as `params`), oldest first, with the circular's symbol."""
    cursor = con.execute(
        f"SELECT {', '.join('s.' + c for c in STATE_COLUMNS)}, c.symbol AS circular_symbol, e.event_id "
        "FROM entity_states s LEFT JOIN circulars c ON c.sha256 = s.circular_sha256 "
        "LEFT JOIN events e ON e.seq = s.seq "
        f"WHERE {where_sql} ORDER BY s.entity_kind, s.entity_key, s.valid_at, s.ord, s.seq",
        params,
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def decision_states(con: duckdb.DuckDBPyConnection, symbol: str) -> list[dict]:
    """The story of a decision named by its symbol (or its id, for an item of a list without one)."""
    return query_states(
        con,
        "s.entity_kind = 'decision' AND s.entity_key IN "
        "(SELECT entity_key FROM entity_states WHERE entity_kind = 'decision' AND (symbol = ? OR entity_key = ?))",
        [symbol, symbol],
    )


def plan_item_states(con: duckdb.DuckDBPyConnection, year: int, item: str) -> list[dict]:
    """The story of a plan item: by number (every copy, if the number was printed twice), or by title."""
    return query_states(
        con,
        "s.entity_kind = 'plan_item' AND s.plan_year = ? AND (s.entity_key = ? OR s.entity_key LIKE ? || '#%')",
        [year, f"{year}/{item}", f"{year}/{item}"],
    )


def budget_line_states(con: duckdb.DuckDBPyConnection, year: int, line: str) -> list[dict]:
    """The story of a budget line: by number (`2`), section numeral (`II`), or `total` / `grand_total`."""
    key = line.strip().lower().replace(" ", "_").replace("-", "_")
    return query_states(
        con,
        "s.entity_kind = 'budget_line' AND s.budget_year = ? AND s.entity_key IN ("
        "SELECT entity_key FROM entity_states WHERE entity_kind = 'budget_line' AND budget_year = ? "
        "AND (entity_key = ? OR entity_key LIKE ? || '#%' OR upper(section) = upper(?)))",
        [year, year, f"{year}/{key}", f"{year}/{key}", line.strip()],
    )


def links_of(con: duckdb.DuckDBPyConnection, symbol: str) -> list[dict]:
    """What other documents say of `symbol`, and what it says of them, oldest first."""
    return query_states(
        con, "s.entity_kind = 'document_link' AND (s.symbol = ? OR s.entity_key LIKE '% ' || ?)", [symbol, symbol]
    )
