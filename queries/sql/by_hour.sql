-- name: by_hour
-- params: none; reads report_scope.
--
-- Non-canceled bookings by hour of booking_date (the salon's wall time).
SELECT
    salon_id,
    period,
    CAST(hour(booking_date) AS INTEGER) AS hour,
    count(*)                            AS bookings
FROM report_scope
WHERE status <> 4
GROUP BY salon_id, period, hour
ORDER BY salon_id, period, hour;
