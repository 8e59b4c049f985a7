CREATE OR REPLACE TABLE circulars AS
WITH received AS (
    SELECT circular_sha256,
           list(file_name ORDER BY first_seq) AS file_names,
           min(recorded_at) AS received_at,
           max(size) AS size, arg_min(media_type, first_seq) AS media_type
    FROM (
        SELECT circular_sha256, file_name, min(seq) AS first_seq, min(recorded_at) AS recorded_at,
               max(size) AS size, arg_min(media_type, seq) AS media_type
        FROM receipt_history GROUP BY circular_sha256, file_name
    )
    GROUP BY circular_sha256
),
reading AS (
    SELECT r.* FROM reading_history r JOIN live_readings(now()) USING (reading_id)
)
SELECT rc.circular_sha256 AS sha256, rd.symbol, rd.issued_on, rd.place,
       coalesce(rd.languages, []) AS languages, rd.page_count, rc.file_names,
       coalesce(rd.status, 'received') AS status,
       CASE WHEN rd.status = 'quarantined' THEN rd.reason_code || ': ' || rd.reason END AS reason,
       rd.reason_code, rc.received_at, rc.size, rc.media_type, rd.reader_version, rd.enclosure_pages
FROM received rc LEFT JOIN reading rd USING (circular_sha256)
ORDER BY rc.received_at, rc.circular_sha256
