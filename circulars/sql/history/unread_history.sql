INSERT INTO unread_history
SELECT e.payload->>'reading_id', e.payload->>'statement_id', e.payload->>'document_symbol',
       e.payload->>'statement_kind', e.payload->>'text', e.payload->>'why', e.payload->>'detail',
       coalesce(from_json(e.payload->'candidates', '["VARCHAR"]'), []), e.payload->>'about_event_id', e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
