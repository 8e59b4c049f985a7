-- What a person must settle: statements not read, the rows the checks' rules fail on (a total that does not
-- add up, an item number printed twice), quarantined files. An item closes when a correction or a dismissal
-- settles it, or when a later reading or circular makes it go away.
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
    UNION ALL
    -- A correction stands over the readings; a later reading that says something else again (neither what
    -- the person wrote nor what the reading said when they wrote it) is put to a person.
    SELECT 'rv-' || substr(sha256('disputed|' || c.event_id || '|' || m.value), 1, 12), 'correction_disputed',
           m.circular_sha256, m.page, m.symbol,
           m.what || ': the reading now says "' || m.value || '"; the correction (by ' || coalesce(c."by", '?')
           || ': ' || coalesce(c.reason, '') || ') says "' || c.value || '", over "' || c.replaced || '"',
           'correction_disputed', 'the correction stands until a person decides', CAST([] AS VARCHAR[]),
           'keep the correction (circulars dismiss ' || 'rv-' || substr(sha256('disputed|' || c.event_id || '|' || m.value), 1, 12)
           || ' --reason ...), or take the reading (circulars revert ' || c.event_id || ' --reason ...)', c.recorded_at
    FROM live_corrections(now()) c
    JOIN (
        SELECT 'plan_item' AS entity, plan_year AS y, CAST(item_no AS VARCHAR) AS k, f.field,
               CASE f.field WHEN 'timing' THEN timing_text WHEN 'title' THEN title ELSE status END AS value,
               circular_sha256, page, plan_symbol AS symbol, 'plan ' || plan_year || ' item ' || item_no AS what
        FROM plan_items_read_as_of(CAST($now AS TIMESTAMPTZ)), (SELECT unnest(['timing', 'title', 'status']) AS field) f
        UNION ALL
        SELECT 'budget_line', budget_year, CASE WHEN line_kind = 'expenditure' THEN CAST(line_no AS VARCHAR) ELSE line_kind END,
               'amount_usd', CAST(amount_usd AS VARCHAR), circular_sha256, page, budget_symbol,
               'budget ' || budget_year || ' ' || coalesce('line ' || line_no, line_kind)
        FROM budget_lines_read_as_of(CAST($now AS TIMESTAMPTZ))
        UNION ALL
        SELECT 'decision', NULL, symbol, f.field, CASE f.field WHEN 'status' THEN status ELSE adopted_symbol END,
               circular_sha256, page, symbol, 'decision ' || symbol
        FROM decisions_read_as_of(CAST($now AS TIMESTAMPTZ)), (SELECT unnest(['status', 'adopted_symbol']) AS field) f
        WHERE symbol IS NOT NULL
    ) m ON m.entity = c.entity AND m.field = c.field
        AND m.k = coalesce(CAST(c.item_no AS VARCHAR), c.line, c.symbol)
        AND m.y IS NOT DISTINCT FROM coalesce(c.plan_year, c.budget_year)
    WHERE c.change = 'corrected' AND c.replaced IS NOT NULL
      AND m.value IS DISTINCT FROM c.value AND m.value IS DISTINCT FROM c.replaced
      -- the clock passing a deadline is no new reading
      AND NOT (c.replaced = 'pending_silence' AND m.value = 'presumed_adopted')
)
SELECT i.*, c.symbol AS circular_symbol, c.file_names[1] AS file_name
FROM items i LEFT JOIN circulars c ON c.sha256 = i.circular_sha256
WHERE i.id NOT IN (SELECT item_id FROM settlements(now()))
ORDER BY i.since, i.id
