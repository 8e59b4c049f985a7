INSERT INTO link_history
SELECT e.payload->>'reading_id', e.payload->>'from_symbol', e.payload->>'to_symbol', e.payload->>'link',
       coalesce(from_json(e.payload->'evidence', '["VARCHAR"]'), []), e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
