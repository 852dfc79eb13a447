-- name: headline
-- params: none; reads report_scope.
--
-- Counts by latest status per salon and period. A late cancellation is a
-- canceled booking whose cancel time is less than 24 h before booking_date
-- (exactly 24 h before is not late; a cancellation after the start is).
SELECT
    salon_id,
    period,
    count(*)                                 AS bookings,
    count(*) FILTER (WHERE status = 1)       AS pending,
    count(*) FILTER (WHERE status = 2)       AS confirmed,
    count(*) FILTER (WHERE status = 3)       AS completed,
    count(*) FILTER (WHERE status = 4)       AS canceled,
    count(*) FILTER (WHERE status = 5)       AS no_show,
    count(*) FILTER (
        WHERE status = 4
          AND canceled_local > booking_date - INTERVAL 24 HOUR
    )                                        AS late_canceled
FROM report_scope
GROUP BY salon_id, period
ORDER BY salon_id, period;
