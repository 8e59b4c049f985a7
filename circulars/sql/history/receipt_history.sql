INSERT INTO receipt_history
SELECT e.circular_sha256, e.payload->>'file_name', CAST(e.payload->>'size' AS BIGINT), e.payload->>'media_type',
       $labels[list_position($types, e.event_type)], e.seq, e.recorded_at
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
