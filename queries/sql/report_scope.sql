-- name: report_scope
-- params: $1 salon ids (BIGINT[]), $2 their IANA time zones (VARCHAR[], same
--         order), $3 start of the previous period (TIMESTAMP), $4 start of the
--         period, $5 end of the period (TIMESTAMP, exclusive); reads
--         report_books (report_books.sql), every booking of these salons.
--
-- The bookings that the metrics of one report run read, materialized once so
-- that the metric queries do not each redo the dedup and latest-state work.
-- booking_date is the salon's wall time and occurred_at is UTC, so event
-- times are compared in the salon's wall time (report_books converts them).
--
-- new_clients and rebooking_rate look beyond the period (a client's first
-- visit, a later booking), so the scope is widened once: the client columns
-- are window aggregates over every booking of the requested salons, taken
-- before the period filter, in the same pass.
--   client_first_booking  earliest booking_date of this client at this
--                         salon, any status
--   first_visit_in_period that date falls in this row's period
--   client_last_active    latest booking_date of this client at this salon
--                         among bookings neither canceled nor no-show
CREATE OR REPLACE TEMP TABLE report_scope AS
WITH zones AS (
    SELECT unnest($1::BIGINT[]) AS salon_id, unnest($2::VARCHAR[]) AS time_zone
),
salon_bookings AS (
    SELECT
        b.*,
        min(b.booking_date) OVER client AS client_first_booking,
        max(CASE WHEN b.status IN (1, 2, 3) THEN b.booking_date END) OVER client AS client_last_active
    FROM report_books AS b
    JOIN zones AS z USING (salon_id)
    WINDOW client AS (PARTITION BY b.salon_id, b.user_id)
)
SELECT
    b.salon_id,
    b.booking_id,
    b.booking_date,
    b.status,
    CASE WHEN b.booking_date >= $4 THEN 'current' ELSE 'previous' END AS period,
    b.canceled_local,
    b.user_id,
    b.employee_id,
    b.amount_cents,
    b.created_local,
    b.client_first_booking >= CASE WHEN b.booking_date >= $4 THEN $4 ELSE $3 END AS first_visit_in_period,
    b.client_last_active
FROM salon_bookings AS b
WHERE b.booking_date >= $3
  AND b.booking_date < $5;
