-- name: prebook
-- params: none; reads report_scope and report_books.
--
-- prebook_rate per salon and period: of the completed bookings (visits),
-- those at which the client created another booking at the salon on the
-- visit's calendar day (created_at in the salon's wall time) for a later
-- booking_date, whatever became of it after. "Later" compares the date it
-- was first booked for, so that a later reschedule does not change a
-- closed period. made_that_day is, per client and day of creation, the
-- latest date booked that day: a visit is prebooked when it is after the
-- visit's own booking_date.
WITH made_that_day AS (
    SELECT
        salon_id,
        user_id,
        CAST(created_local AS DATE) AS made_on,
        max(first_booking_date)     AS latest_booked
    FROM report_books
    WHERE user_id IS NOT NULL
    GROUP BY salon_id, user_id, made_on
)
SELECT
    v.salon_id,
    v.period,
    count(*)                                             AS visits,
    count(*) FILTER (WHERE m.latest_booked > v.booking_date) AS prebooked
FROM report_scope AS v
LEFT JOIN made_that_day AS m
       ON m.salon_id = v.salon_id
      AND m.user_id = v.user_id
      AND m.made_on = CAST(v.booking_date AS DATE)
WHERE v.status = 3
GROUP BY v.salon_id, v.period
ORDER BY v.salon_id, v.period;
