CREATE OR REPLACE MACRO plan_items_read_as_of("at", known_at := NULL) AS TABLE
    WITH h AS (
        SELECT p.* FROM plan_history p
        JOIN live_readings(coalesce(CAST(known_at AS TIMESTAMPTZ), now())) USING (reading_id)
        WHERE p.valid_at <= CAST("at" AS TIMESTAMPTZ)
    ),
    plans AS (
        SELECT * FROM (SELECT plan_year, plan_symbol, reading_id, valid_at, seq,
                              row_number() OVER (PARTITION BY plan_year ORDER BY valid_at DESC, seq DESC) AS rn
                       FROM h WHERE change = 'adopted') WHERE rn = 1
    ),
    -- Every row of the plan in force is kept, even under a duplicate number (the
    -- checks flag it; nothing printed is hidden); items added by amendments join it.
    items AS (
        SELECT h.* FROM h JOIN plans p ON p.plan_year = h.plan_year
        WHERE h.change = 'scheduled' AND h.reading_id = p.reading_id AND h.plan_symbol = p.plan_symbol
        UNION ALL BY NAME
        SELECT * EXCLUDE (rn) FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, coalesce(CAST(h.item_no AS VARCHAR), h.title)
                                           ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'added' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    ),
    amendments AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change IN ('rescheduled', 'cancelled') AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    ),
    reschedules AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'rescheduled' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    ),
    -- Title and organisers as amended ("item 12 shall read ...", a corrigendum), the latest first.
    amended AS (
        SELECT * FROM (
            SELECT h.*, row_number() OVER (PARTITION BY h.plan_year, h.item_no ORDER BY h.valid_at DESC, h.seq DESC) AS rn
            FROM h JOIN plans p ON p.plan_year = h.plan_year
            WHERE h.change = 'amended' AND h.valid_at >= p.valid_at
        ) WHERE rn = 1
    )
    SELECT i.plan_year, i.item_no,
           coalesce(m.title, i.title) AS title,
           coalesce(m.organizers, i.organizers) AS organizers,
           CASE WHEN m.organizers IS NOT NULL THEN m.lead_organizer ELSE i.lead_organizer END AS lead_organizer,
           coalesce(r.timing_text, i.timing_text) AS timing_text,
           CASE WHEN r.seq IS NULL THEN i.starts_on ELSE r.starts_on END AS starts_on,
           CASE WHEN r.seq IS NULL THEN i.ends_on ELSE r.ends_on END AS ends_on,
           coalesce(r.timing_precision, i.timing_precision) AS timing_precision,
           CASE WHEN a.change = 'cancelled' THEN 'cancelled'
                WHEN a.change = 'rescheduled' AND r.timing_text IS DISTINCT FROM i.timing_text
                     THEN CASE WHEN r.how = 'corrected' THEN 'corrected' ELSE 'rescheduled' END
                WHEN m.seq IS NOT NULL AND (m.title IS NOT NULL AND m.title <> i.title
                                            OR m.organizers IS NOT NULL AND m.organizers <> i.organizers)
                     THEN CASE WHEN m.how = 'corrected' THEN 'corrected' ELSE 'amended' END
                ELSE 'planned' END AS status,
           i.plan_symbol,
           CASE WHEN r.seq IS NOT NULL AND r.timing_text IS DISTINCT FROM i.timing_text THEN i.timing_text END AS scheduled_text_before,
           CASE WHEN m.seq IS NOT NULL AND m.title IS NOT NULL AND m.title <> i.title THEN i.title END AS title_before,
           CASE WHEN greatest(coalesce(a.seq, 0), coalesce(m.seq, 0)) = 0 THEN i.circular_sha256
                WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.circular_sha256 ELSE m.circular_sha256 END AS circular_sha256,
           CASE WHEN greatest(coalesce(a.seq, 0), coalesce(m.seq, 0)) = 0 THEN i.page
                WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.page ELSE m.page END AS page,
           i.circular_sha256 AS scheduled_in_sha256,
           i.page AS scheduled_on_page,
           coalesce(CASE WHEN coalesce(a.seq, 0) >= coalesce(m.seq, 0) THEN a.amended_by ELSE m.amended_by END) AS amended_by,
           greatest(i.valid_at, coalesce(a.valid_at, i.valid_at), coalesce(m.valid_at, i.valid_at)) AS valid_at
    FROM items i
    LEFT JOIN amendments a ON a.plan_year = i.plan_year AND a.item_no = i.item_no
    LEFT JOIN reschedules r ON r.plan_year = i.plan_year AND r.item_no = i.item_no
    LEFT JOIN amended m ON m.plan_year = i.plan_year AND m.item_no = i.item_no
    ORDER BY i.plan_year, i.item_no NULLS LAST, i.seq;
