-- name: scope_moves_covered
-- params: $1 salon ids (BIGINT[]); reads covered_ids (moves_views.sql),
--         scope_candidates (scope_moves_candidates.sql) and scope_moved.
--
-- The moves index knows the bookings that are at more than one salon among
-- the files it covers. What it cannot know is a booking that these salons
-- have only in the files it does not cover (it came here after the index
-- was written) but that has rows in covered files at another salon. Those
-- bookings are few (the ones whose only rows here are recent) and mostly
-- new, with ids above every id in the covered files: the join's filter on
-- booking_id then skips every row group of the covered files by their
-- statistics, and only an older booking costs a read.
INSERT INTO scope_moved
SELECT DISTINCT booking_id, salon_id
FROM covered_ids
WHERE NOT list_contains($1::BIGINT[], salon_id)
  AND booking_id IN (SELECT booking_id FROM scope_candidates);
