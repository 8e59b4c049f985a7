-- The latest live correction of each field of each fact, in force at valid time `at`.
CREATE OR REPLACE MACRO fact_corrections("at", known_at) AS TABLE
    SELECT * EXCLUDE (rn) FROM (
        SELECT c.*, row_number() OVER (PARTITION BY entity, plan_year, item_no, budget_year, line, symbol, field
                                       ORDER BY seq DESC) AS rn
        FROM live_corrections(known_at) c
        WHERE c.change = 'corrected' AND c.valid_at <= CAST("at" AS TIMESTAMPTZ)) WHERE rn = 1;
