-- name: week_ahead
-- params: none; reads report_books and report_salons.
--
-- Per salon, at R with today = R's date in the salon's zone: the bookings
-- dated in [today, today + 7 d) that are pending or confirmed in the state
-- at R, their value (NULL when none has an amount), and last week's count:
-- the bookings dated in [today - 7 d, today) that were pending or confirmed
-- in the state at R - 7 d, what was on the books at the same moment a week
-- earlier. The dates are wall-clock dates, so a week across a DST change
-- is still seven calendar days. Also the first booking_date of the salon,
-- where its data starts.
SELECT
    s.salon_id,
    s.today,
    count(b.booking_id) FILTER (
        WHERE b.status IN (1, 2)
          AND b.booking_date >= s.today AND b.booking_date < s.today + 7
    ) AS bookings,
    CAST(sum(b.amount_cents) FILTER (
        WHERE b.status IN (1, 2)
          AND b.booking_date >= s.today AND b.booking_date < s.today + 7
    ) AS BIGINT) AS value_cents,
    count(b.booking_id) FILTER (
        WHERE b.week_before_status IN (1, 2)
          AND b.week_before_date >= s.today - 7 AND b.week_before_date < s.today
    ) AS last_week_bookings,
    min(b.booking_date) AS first_booking
FROM report_salons AS s
LEFT JOIN report_books AS b USING (salon_id)
GROUP BY s.salon_id, s.today
ORDER BY s.salon_id;
