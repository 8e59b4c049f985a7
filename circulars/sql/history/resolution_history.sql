INSERT INTO resolution_history
SELECT e.payload->>'reading_id', e.payload->>'resolves', e.event_type,
       coalesce(from_json(e.payload->'evidence', '["VARCHAR"]'), []), e.seq, e.event_id
FROM events e WHERE e.seq > $after AND e.payload->>'resolves' IS NOT NULL
