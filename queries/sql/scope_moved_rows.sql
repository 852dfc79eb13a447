-- name: scope_moved_rows
-- params: $1 salon ids (BIGINT[]); reads stored_rows and scope_moved.
--
-- Adds to scope_rows the rows that its bookings have elsewhere (at another
-- salon, or with no salon), with the same columns as scope_rows.sql.
INSERT INTO scope_rows
SELECT
    event_id, occurred_at, ingested_at, booking_id, booking_date, status,
    user_id, salon_id, employee_id, amount_cents, source_file, source_row
FROM stored_rows
WHERE (salon_id IS NULL OR NOT list_contains($1::BIGINT[], salon_id))
  AND booking_id IN (SELECT booking_id FROM scope_moved);
