-- name: salons_present
-- params: none; reads the session variable instudio_files.
--
-- Every salon that appears in any event, read straight from the files (one
-- column, no dedup) so that a "not found" check is cheap. A row without a
-- valid salon id breaks the contract and names no salon.
SELECT DISTINCT CAST(salon_id AS BIGINT) AS salon_id
FROM read_parquet(getvariable('instudio_files'))
WHERE CAST(salon_id AS BIGINT) > 0
ORDER BY salon_id;
