-- What people corrected, as known at `known_at`: corrections and dismissals not reverted by then.
CREATE OR REPLACE MACRO live_corrections(known_at) AS TABLE
    SELECT c.* FROM correction_history c
    WHERE c.recorded_at <= CAST(known_at AS TIMESTAMPTZ) AND c.change <> 'reverted'
      AND c.event_id NOT IN (SELECT reverted_event_id FROM correction_history
                             WHERE change = 'reverted' AND recorded_at <= CAST(known_at AS TIMESTAMPTZ));
