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
