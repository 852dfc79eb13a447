-- name: scope_moves_candidates
-- params: $1 the covered files as scope_rows names them in source_file
--         (VARCHAR[]); reads scope_rows.
--
-- The bookings that these salons hold only in the files the moves index
-- does not cover (see scope_moves_covered.sql). A table of its own, not a
-- subquery there: DuckDB pushes the min and max of a table's ids into the
-- scan of the covered files as a filter on their row groups' statistics,
-- which it does not do through an EXCEPT (190 ms against 11 ms at 1M).
-- One pass: each row joined to the (few) covered file names, kept by
-- booking when none of its rows is in a covered file.
CREATE OR REPLACE TEMP TABLE scope_candidates AS
SELECT r.booking_id
FROM scope_rows AS r
LEFT JOIN (SELECT unnest($1::VARCHAR[]) AS file) AS c ON r.source_file = c.file
GROUP BY r.booking_id
HAVING count(c.file) = 0;
