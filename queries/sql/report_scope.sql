-- name: report_scope
-- params: $1 salon ids (BIGINT[]), $2 their IANA time zones (VARCHAR[], same
--         order), $3 start of the previous period (TIMESTAMP), $4 start of the
--         period, $5 end of the period (TIMESTAMP, exclusive).
--
-- The bookings that the metrics of one report run read, materialized once so
-- that the metric queries do not each redo the dedup and latest-state work.
-- booking_date is the salon's wall time and occurred_at is UTC, so event
-- times are converted to the salon's wall time before they are compared.
CREATE OR REPLACE TEMP TABLE report_scope AS
WITH zones AS (
    SELECT unnest($1::BIGINT[]) AS salon_id, unnest($2::VARCHAR[]) AS time_zone
)
SELECT
    b.salon_id,
    b.booking_id,
    b.booking_date,
    b.status,
    CASE WHEN b.booking_date >= $4 THEN 'current' ELSE 'previous' END AS period,
    timezone(z.time_zone, CAST(b.canceled_at AS TIMESTAMPTZ)) AS canceled_local
FROM bookings_of($1::BIGINT[]) AS b
JOIN zones AS z USING (salon_id)
WHERE b.booking_date >= $3
  AND b.booking_date < $5;
