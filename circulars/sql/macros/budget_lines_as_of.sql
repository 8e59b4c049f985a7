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
