CREATE OR REPLACE TABLE budget_lines AS SELECT * FROM budget_lines_as_of(CAST($now AS TIMESTAMPTZ))
