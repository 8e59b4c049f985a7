CREATE OR REPLACE MACRO decisions_read_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT d.* FROM decision_history d
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE d.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    latest AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY decision_id, change ORDER BY valid_at DESC, seq DESC) AS rn
            FROM h WHERE change IN ('recorded', 'silence_opened')) WHERE rn = 1
    ),
    recorded AS (SELECT * FROM latest WHERE change = 'recorded'),
    opened AS (SELECT * FROM latest WHERE change = 'silence_opened'),
    concluded AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_concluded' AND symbol IS NOT NULL) WHERE rn = 1),
    broken AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_broken' AND symbol IS NOT NULL) WHERE rn = 1),
    -- An extension moves the deadline from the day it was circulated (the latest extension wins).
    extended AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'silence_extended' AND symbol IS NOT NULL AND deadline_utc IS NOT NULL) WHERE rn = 1),
    superseded AS (
        SELECT * FROM (SELECT h.*, row_number() OVER (PARTITION BY symbol ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'superseded' AND symbol IS NOT NULL) WHERE rn = 1),
    merged AS (
        SELECT coalesce(r.decision_id, o.decision_id) AS decision_id,
               coalesce(r.symbol, o.symbol) AS symbol,
               coalesce(r.body, o.body) AS body,
               r.meeting_on, r.item_no,
               coalesce(r.action, 'decided') AS action,
               coalesce(r.subject, o.subject) AS subject,
               o.deadline_utc AS first_deadline,
               r.adopted_on AS recorded_adopted_on,
               coalesce(r."references", []) AS "references",
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.circular_sha256 ELSE r.circular_sha256 END AS circular_sha256,
               CASE WHEN o.seq IS NOT NULL AND (r.seq IS NULL OR o.seq > r.seq) THEN o.page ELSE r.page END AS page,
               coalesce(r.valid_at, o.valid_at) AS valid_at,
               CAST(timezone('Asia/Almaty', coalesce(o.valid_at, r.valid_at)) AS DATE) AS circulated_on,
               o.seq IS NOT NULL AS under_silence
        FROM recorded r FULL OUTER JOIN opened o USING (decision_id)
    ),
    timed AS (
        SELECT m.* EXCLUDE (first_deadline), coalesce(x.deadline_utc, m.first_deadline) AS silence_deadline,
               CASE WHEN x.seq IS NOT NULL THEN m.first_deadline END AS silence_deadline_before_extension,
               x.circular_sha256 AS extended_in, x.page AS extended_on_page, x.seq AS extended_seq
        FROM merged m LEFT JOIN extended x ON x.symbol = m.symbol AND m.under_silence
    )
    SELECT m.decision_id, m.symbol, m.body, m.meeting_on, m.item_no, m.action, m.subject,
           CASE
               WHEN s.seq IS NOT NULL THEN s.how
               WHEN m.under_silence AND b.seq IS NOT NULL THEN 'rejected'
               WHEN m.under_silence AND c.seq IS NOT NULL THEN 'adopted'
               WHEN m.under_silence AND m.silence_deadline <= CAST("at" AS TIMESTAMPTZ) THEN 'presumed_adopted'
               WHEN m.under_silence THEN 'pending_silence'
               WHEN m.action = 'took_note' THEN 'noted'
               WHEN m.action = 'other' THEN 'recorded'
               ELSE m.action
           END AS status,
           m.silence_deadline,
           CASE
               WHEN m.under_silence AND b.seq IS NOT NULL THEN NULL
               -- withdrawn before its deadline, a draft was never adopted
               WHEN m.under_silence AND c.seq IS NULL AND s.how = 'withdrawn' AND s.valid_at < m.silence_deadline THEN NULL
               WHEN m.under_silence AND c.seq IS NOT NULL THEN coalesce(c.adopted_on, CAST(timezone('Asia/Almaty', m.silence_deadline) AS DATE))
               WHEN m.under_silence AND m.silence_deadline <= CAST("at" AS TIMESTAMPTZ) THEN CAST(timezone('Asia/Almaty', m.silence_deadline) AS DATE)
               WHEN m.under_silence THEN NULL
               WHEN m.action IN ('adopted', 'approved', 'decided', 'endorsed') THEN coalesce(m.recorded_adopted_on, m.meeting_on)
               ELSE m.recorded_adopted_on
           END AS adopted_on,
           CASE WHEN m.under_silence AND c.seq IS NOT NULL THEN c.adopted_symbol END AS adopted_symbol,
           b.broken_by AS silence_broken_by,
           s.adopted_symbol AS superseded_by,
           m."references",
           m.circulated_on,
           m.silence_deadline_before_extension,
           coalesce(s.circular_sha256, b.circular_sha256, c.circular_sha256, m.extended_in, m.circular_sha256) AS circular_sha256,
           coalesce(s.page, b.page, c.page, m.extended_on_page, m.page) AS page,
           m.valid_at
    FROM timed m
    LEFT JOIN concluded c ON c.symbol = m.symbol
    LEFT JOIN broken b ON b.symbol = m.symbol
    LEFT JOIN superseded s ON s.symbol = m.symbol
    ORDER BY m.meeting_on NULLS LAST, m.valid_at, m.item_no NULLS LAST, m.decision_id;
