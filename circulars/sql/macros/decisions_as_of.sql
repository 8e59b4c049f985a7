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
