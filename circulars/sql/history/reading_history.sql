INSERT INTO reading_history
SELECT e.payload->>'reading_id', e.circular_sha256, e.payload->>'reader_version',
       $labels[list_position($types, e.event_type)],
       e.payload->>'symbol', CAST(e.payload->>'issued_on' AS DATE), e.payload->>'place',
       from_json(e.payload->'languages', '["VARCHAR"]'), CAST(e.payload->>'page_count' AS INTEGER),
       CAST(e.payload->>'enclosure_pages' AS INTEGER), e.payload->>'reason_code', e.payload->>'reason',
       CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
