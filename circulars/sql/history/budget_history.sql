INSERT INTO budget_history
SELECT e.payload->>'reading_id',
       -- an amendment (`amends`) changes a line from its own date; a corrigendum, from the budget's
       CASE WHEN CAST(e.payload->>'amends' AS BOOLEAN) THEN 'amended' ELSE $labels[list_position($types, e.event_type)] END,
       e.payload->>'budget_symbol', CAST(e.payload->>'budget_year' AS INTEGER), e.payload->>'supersedes',
       CAST(e.payload->>'line_no' AS INTEGER), CAST(e.payload->>'position' AS INTEGER), e.payload->>'section',
       e.payload->>'title', CAST(e.payload->>'amount_usd' AS BIGINT), e.payload->>'line_kind',
       e.payload->>'currency', CAST(e.payload->>'amount_before' AS BIGINT), e.payload->>'corrected_by',
       coalesce(from_json(e.payload->'evidence', '["VARCHAR"]'), []), e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
