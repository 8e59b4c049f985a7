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
    -- A corrigendum corrects a line of the budget it names, from that budget's own date; an amendment
    -- changes it from the amending decision's date.
    corrections AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY budget_symbol, position ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change IN ('corrected', 'amended')) WHERE rn = 1
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
