CREATE OR REPLACE TABLE document_links AS
WITH links AS (
    SELECT l.from_symbol, l.to_symbol, l.link, l.valid_at, l.circular_sha256, l.page, l.seq
    FROM link_history l JOIN live_readings(now()) USING (reading_id)
    UNION ALL
    -- A circular announcing that silence was kept confirms the draft, which was adopted as a new symbol.
    SELECT r.symbol, d.symbol, 'confirms', d.valid_at, d.circular_sha256, d.page, d.seq
    FROM decision_history d JOIN live_readings(now()) USING (reading_id)
    JOIN reading_history r USING (reading_id)
    WHERE d.change = 'silence_concluded' AND r.symbol IS NOT NULL
    UNION ALL
    SELECT d.symbol, d.adopted_symbol, 'adopted_as', d.valid_at, d.circular_sha256, d.page, d.seq
    FROM decision_history d JOIN live_readings(now()) USING (reading_id)
    WHERE d.change = 'silence_concluded' AND d.adopted_symbol IS NOT NULL
)
SELECT DISTINCT ON (from_symbol, to_symbol, link) from_symbol, to_symbol, link, valid_at, circular_sha256, page
FROM links ORDER BY from_symbol, to_symbol, link, seq
