-- name: daily
-- params: none; reads report_scope.
--
-- Bookings and cancellations per appointment day of the current period; days
-- without bookings are absent here and filled with zeros by the caller.
SELECT
    salon_id,
    CAST(booking_date AS DATE)         AS day,
    count(*)                           AS bookings,
    count(*) FILTER (WHERE status = 4) AS canceled
FROM report_scope
WHERE period = 'current'
GROUP BY salon_id, day
ORDER BY salon_id, day;
