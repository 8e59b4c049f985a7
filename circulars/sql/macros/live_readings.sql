CREATE OR REPLACE MACRO live_readings(known_at) AS TABLE
    SELECT reading_id, circular_sha256 FROM (
        SELECT reading_id, circular_sha256,
               row_number() OVER (PARTITION BY circular_sha256 ORDER BY seq DESC) AS rn
        FROM reading_history WHERE recorded_at <= CAST(known_at AS TIMESTAMPTZ))
    WHERE rn = 1;
