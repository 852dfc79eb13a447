-- name: moves_views
-- params: none; reads the session variables instudio_covered and
--         instudio_uncovered (VARCHAR[]: the source's files that a moves
--         index covers and those it does not, each list led by the schema
--         file, as instudio_files is).
--
-- The two narrow columns that finding a report's moved bookings needs,
-- over each part of the source (see DB.UseMoves), plus the file of each
-- row of the covered part.
CREATE OR REPLACE TEMP VIEW uncovered_ids AS
SELECT
    CAST(booking_id AS BIGINT) AS booking_id,
    CAST(salon_id   AS BIGINT) AS salon_id
FROM read_parquet(getvariable('instudio_uncovered'));

CREATE OR REPLACE TEMP VIEW covered_ids AS
SELECT
    CAST(booking_id AS BIGINT) AS booking_id,
    CAST(salon_id   AS BIGINT) AS salon_id
FROM read_parquet(getvariable('instudio_covered'));
