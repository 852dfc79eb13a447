-- name: scope_rows
-- params: $1 salon ids (BIGINT[]).
--
-- Reads the stored rows of the bookings that ever had a row at one of the
-- salons into the temp table scope_rows, once per report: the bookings and
-- the rows left out are then taken from it (see scoped_rows in
-- events_view.sql). The caller then sets instudio_scope to the same ids.
CREATE OR REPLACE TEMP TABLE scope_rows AS
SELECT *
FROM stored_rows
WHERE booking_id IN (
    SELECT booking_id FROM stored_rows WHERE list_contains($1::BIGINT[], salon_id)
);
