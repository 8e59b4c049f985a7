INSERT INTO plan_history
SELECT e.payload->>'reading_id',
       $labels[list_position($types, e.event_type)],
       e.payload->>'plan_symbol', CAST(e.payload->>'plan_year' AS INTEGER), CAST(e.payload->>'item_no' AS INTEGER),
       e.payload->>'title', from_json(e.payload->'organizers', '["VARCHAR"]'), e.payload->>'lead_organizer', e.payload->>'timing_text',
       CAST(e.payload->>'starts_on' AS DATE), CAST(e.payload->>'ends_on' AS DATE), e.payload->>'timing_precision',
       CASE WHEN CAST(e.payload->>'correction' AS BOOLEAN) THEN 'corrected' ELSE e.payload->>'how' END,
       e.payload->>'amended_by', CAST(e.payload->>'after_item_no' AS INTEGER),
       e.payload->>'text', coalesce(from_json(e.payload->'evidence', '["VARCHAR"]'), []), e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
  -- a change naming its item by number and title applies once the linker found the two agree
  AND (e.payload->>'named_title' IS NULL OR e.payload->>'resolves' IS NOT NULL)
