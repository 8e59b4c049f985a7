-- What was read but could not be applied is as visible as what could not be read. Built after the
-- state tables, which it checks against.
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
ORDER BY u.recorded_at, u.seq
