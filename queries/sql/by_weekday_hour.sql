-- name: by_weekday_hour
-- params: none; reads report_scope.
--
-- The current period's non-canceled bookings by weekday (0 = Monday) and
-- hour of booking_date (the salon's wall time).
SELECT
    salon_id,
    CAST(isodow(booking_date) - 1 AS INTEGER) AS weekday,
    CAST(hour(booking_date) AS INTEGER)       AS hour,
    count(*)                                  AS bookings
FROM report_scope
WHERE period = 'current'
  AND status <> 4
GROUP BY salon_id, weekday, hour
ORDER BY salon_id, weekday, hour;
