-- name: scope_moved_ids
-- params: $1 salon ids (BIGINT[]); reads stored_rows and scope_rows.
--
-- The bookings of scope_rows that also have rows elsewhere (at another
-- salon, or with no salon), each with those salons: the pairs that
-- scope_moved_rows reads. Only two narrow columns of every row are read;
-- the result is almost always empty, and then scope_moved_rows is skipped.
-- With a moves index (DB.UseMoves) the files it covers are not read here:
-- scope_moves_uncovered.sql and scope_moves_covered.sql fill the same
-- table instead.
CREATE OR REPLACE TEMP TABLE scope_moved AS
SELECT DISTINCT booking_id, salon_id
FROM stored_rows
WHERE (salon_id IS NULL OR NOT list_contains($1::BIGINT[], salon_id))
  AND booking_id IN (SELECT booking_id FROM scope_rows);
