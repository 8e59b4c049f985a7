INSERT INTO decision_history
SELECT e.payload->>'reading_id',
       $labels[list_position($types, e.event_type)],
       coalesce(e.payload->>'decision_id', e.payload->>'draft_symbol', e.payload->>'symbol'),
       coalesce(e.payload->>'symbol', e.payload->>'draft_symbol'),
       e.payload->>'list_symbol', e.payload->>'body', CAST(e.payload->>'meeting_on' AS DATE),
       CAST(e.payload->>'item_no' AS INTEGER), e.payload->>'action',
       coalesce(e.payload->>'subject', e.payload->>'draft_subject'),
       coalesce(from_json(e.payload->'references', '["VARCHAR"]'), []),
       CAST(coalesce(e.payload->>'adopted_on', e.payload->>'broken_on') AS DATE),
       CAST(e.payload->>'deadline_utc' AS TIMESTAMPTZ),
       coalesce(e.payload->>'adopted_symbol', e.payload->>'by_symbol'),
       e.payload->>'broken_by', e.payload->>'how', coalesce(from_json(e.payload->'evidence', '["VARCHAR"]'), []), e.circular_sha256, CAST(e.payload->>'page' AS INTEGER), e.seq, e.valid_at, e.recorded_at, e.event_id
FROM events e WHERE e.seq > $after AND list_contains($types, e.event_type)
