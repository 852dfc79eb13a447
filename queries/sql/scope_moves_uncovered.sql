-- name: scope_moves_uncovered
-- params: $1 salon ids (BIGINT[]); reads uncovered_ids (moves_views.sql)
--         and scope_rows.
--
-- scope_moved_ids over the files that the moves index does not cover (the
-- batch files of recent days, and any file written after the index): the
-- bookings of scope_rows with rows there at another salon, or with none.
CREATE OR REPLACE TEMP TABLE scope_moved AS
SELECT DISTINCT booking_id, salon_id
FROM uncovered_ids
WHERE (salon_id IS NULL OR NOT list_contains($1::BIGINT[], salon_id))
  AND booking_id IN (SELECT booking_id FROM scope_rows);
