-- name: events (Athena view)
-- params: none; reads booking_files (booking_files_table.sql).
--
-- Every valid event once, by the rules of the DuckDB view
-- (queries/sql/events_view.sql, docs/design.md "Read model"): of the copies
-- of one event_id the one with the earliest ingested_at wins, on a tie the
-- one in the first file by name ("$path", the object's URI, as DuckDB's
-- filename); a copy that breaks the contract sorts last, so it never hides
-- a valid one, and is then left out. The winner is chosen over every copy,
-- whatever the query's dt condition, so the view carries no dt column:
-- filtering it by day would change which copy wins.
SELECT
    event_id,
    event_type,
    occurred_at,
    ingested_at,
    booking_id,
    booking_date,
    status,
    user_id,
    salon_id,
    employee_id,
    payment_id,
    service,
    amount_cents
FROM (
    SELECT
        checked.*,
        row_number() OVER (
            PARTITION BY event_id
            ORDER BY invalid, ingested_at, source_file
        ) AS copy_rank
    FROM (
        SELECT
            f.*,
            "$path" AS source_file,
            (event_id IS NULL
                OR occurred_at IS NULL
                OR ingested_at IS NULL
                OR booking_id IS NULL OR booking_id <= 0
                OR salon_id IS NULL OR salon_id <= 0
                OR booking_date IS NULL
                OR status IS NULL OR status NOT BETWEEN 1 AND 5) AS invalid
        FROM booking_files f
    ) checked
) ranked
WHERE copy_rank = 1
  AND NOT invalid
