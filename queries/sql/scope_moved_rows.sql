-- name: scope_moved_rows
-- params: $1 salon ids (BIGINT[]); reads scope_moved and rows_of over
--         instudio_scope_files (as scope_rows.sql; with a moves index, the
--         files that may hold the salons of scope_moved).
--
-- Adds to scope_rows the rows that its bookings have elsewhere (at another
-- salon, or with no salon), with the same columns as scope_rows.sql.
-- scope_moved names every salon those rows are at, so the read is narrowed
-- by salon_id as well as booking_id: compacted files are sorted by salon,
-- and the row groups of the other salons are skipped. Rows without a salon
-- are read apart, so that the test for them does not undo that narrowing
-- (a file without nulls in salon_id is skipped by its statistics).
INSERT INTO scope_rows
SELECT
    event_id, occurred_at, ingested_at, booking_id, booking_date, status,
    user_id, salon_id, employee_id, amount_cents, source_file, source_row
FROM rows_of(getvariable('instudio_scope_files'))
WHERE salon_id IN (SELECT salon_id FROM scope_moved)
  AND booking_id IN (SELECT booking_id FROM scope_moved)
  AND NOT list_contains($1::BIGINT[], salon_id)
UNION ALL
SELECT
    event_id, occurred_at, ingested_at, booking_id, booking_date, status,
    user_id, salon_id, employee_id, amount_cents, source_file, source_row
FROM rows_of(getvariable('instudio_scope_files'))
WHERE salon_id IS NULL
  AND booking_id IN (SELECT booking_id FROM scope_moved WHERE salon_id IS NULL);
