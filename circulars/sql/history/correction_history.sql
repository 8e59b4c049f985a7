INSERT INTO correction_history
SELECT e.event_type, $labels[list_position($types, e.event_type)], e.payload->>'entity', CAST(e.payload->>'plan_year' AS INTEGER),
       CAST(e.payload->>'item_no' AS INTEGER), CAST(e.payload->>'budget_year' AS INTEGER), e.payload->>'line',
       e.payload->>'symbol', e.payload->>'field', e.payload->>'value', CAST(e.payload->>'starts_on' AS DATE),
       CAST(e.payload->>'ends_on' AS DATE), e.payload->>'timing_precision', e.payload->>'review_item_id',
       e.payload->>'item_id', e.payload->>'reverted_event_id', e.payload->>'kind', e.payload->>'text',
       e.payload->>'by', e.payload->>'reason', e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id,
       e.payload->>'replaced'
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
