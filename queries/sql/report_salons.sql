-- name: report_salons
-- params: $1 salon ids (BIGINT[]), $2 their IANA time zones (VARCHAR[], same
--         order), $3 the reference instant R (TIMESTAMP, UTC: --as-of, else
--         now), $4 R - 7 days, $5 R - the period's length (both TIMESTAMP,
--         UTC), $6 start of the previous period, $7 start of the period,
--         $8 end of the period (DATE, exclusive).
--
-- One row per salon of a report run: its zone and the instants and dates
-- that the metrics of docs/design.md measure against, so that the metric
-- queries take no parameters and every salon is computed in one pass.
--   at_local    R in the salon's wall time (booking_date is wall time)
--   today       R's date in the salon's zone: the week ahead starts there
CREATE OR REPLACE TEMP TABLE report_salons AS
SELECT
    salon_id,
    time_zone,
    $3::TIMESTAMP                                             AS at_utc,
    $4::TIMESTAMP                                             AS week_before_utc,
    $5::TIMESTAMP                                             AS period_before_utc,
    timezone(time_zone, CAST($3::TIMESTAMP AS TIMESTAMPTZ))   AS at_local,
    CAST(timezone(time_zone, CAST($3::TIMESTAMP AS TIMESTAMPTZ)) AS DATE) AS today,
    $6::DATE                                                  AS previous_from,
    $7::DATE                                                  AS period_from,
    $8::DATE                                                  AS period_to
FROM (
    SELECT unnest($1::BIGINT[]) AS salon_id, unnest($2::VARCHAR[]) AS time_zone
);
