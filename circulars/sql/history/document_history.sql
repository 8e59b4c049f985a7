INSERT INTO document_history
SELECT e.payload->>'reading_id', e.payload->>'symbol', e.payload->>'kind', e.payload->>'body', e.payload->>'title',
       CAST(e.payload->>'issued_on' AS DATE), e.payload->>'place', CAST(e.payload->>'meeting_on' AS DATE),
       e.payload->>'language', e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
