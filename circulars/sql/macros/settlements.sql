-- How a review item was settled, by whom and why (a dismissal, or a correction naming the item).
CREATE OR REPLACE MACRO settlements(known_at) AS TABLE
    SELECT * EXCLUDE (rn) FROM (
        SELECT coalesce(item_id, review_item_id) AS item_id,
               CASE change WHEN 'dismissed' THEN 'dismissed' ELSE 'corrected' END AS settled_how,
               "by" AS settled_by, reason AS settled_reason, event_id AS settled_by_event, recorded_at AS settled_at,
               row_number() OVER (PARTITION BY coalesce(item_id, review_item_id) ORDER BY seq DESC) AS rn
        FROM live_corrections(known_at) WHERE coalesce(item_id, review_item_id) IS NOT NULL) WHERE rn = 1;
