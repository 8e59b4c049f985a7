CREATE OR REPLACE TABLE documents AS
SELECT d.symbol, d.kind, d.body, d.title, d.issued_on, d.place, d.meeting_on, d.language,
       d.circular_sha256, d.page
FROM document_history d JOIN live_readings(now()) USING (reading_id)
ORDER BY d.seq
