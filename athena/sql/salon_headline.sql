-- name: salon_headline
-- params: database, salon_id (integer), from and to
--         (yyyy-MM-dd, to exclusive), timezone (the salon's IANA zone),
--         each written in double braces below and filled in by athena.HeadlineQuery
--         from typed, checked values, because an
--         analyst pastes the text into the Athena console, where no
--         parameter can be bound.
--
-- The headline of the salon report (queries/sql/headline.sql and
-- docs/design.md "Report metrics"): the bookings whose booking_date (local
-- wall time) falls in [from, to), counted by latest status, and the rates.
-- A late cancellation: canceled_at, in the salon's wall time, less than 24
-- hours before booking_date.
WITH period_bookings AS (
    SELECT
        b.*,
        CAST(b.canceled_at AT TIME ZONE '{{timezone}}' AS timestamp) AS canceled_local
    FROM {{database}}.bookings b
    WHERE b.salon_id = {{salon_id}}
      AND b.booking_date >= TIMESTAMP '{{from}} 00:00:00'
      AND b.booking_date <  TIMESTAMP '{{to}} 00:00:00'
)
SELECT
    CAST({{salon_id}} AS bigint)       AS salon_id,
    DATE '{{from}}'                    AS "from",
    DATE '{{to}}'                      AS "to",
    count(*)                           AS bookings,
    count_if(status = 1)               AS pending,
    count_if(status = 2)               AS confirmed,
    count_if(status = 3)               AS completed,
    count_if(status = 4)               AS canceled,
    count_if(status = 5)               AS no_show,
    CAST(count_if(status = 4) AS double) / nullif(count(*), 0) AS cancellation_rate,
    CAST(count_if(status = 4 AND canceled_local > booking_date - INTERVAL '24' HOUR) AS double)
        / nullif(count(*), 0)          AS late_cancellation_rate,
    CAST(count_if(status = 5) AS double) / nullif(count(*), 0) AS no_show_rate,
    count(DISTINCT user_id)            AS clients,
    sum(amount_cents) FILTER (WHERE status = 3) AS revenue_cents
FROM period_bookings
