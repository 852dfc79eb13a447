-- name: at_risk
-- params: none; reads report_books and report_salons.
--
-- The clients at risk of each salon, most overdue first: at least 3
-- completed visits in the state at R, no pending or confirmed booking dated
-- after R (in the salon's wall time), and more days since the last visit
-- than 1.5 times their usual interval, the median (continuous) of the gaps
-- between consecutive visits. Days are fractional, from booking_date to R
-- in wall time.
WITH visits AS (
    SELECT
        salon_id,
        user_id,
        booking_date,
        date_diff('microsecond',
                  lag(booking_date) OVER (PARTITION BY salon_id, user_id ORDER BY booking_date),
                  booking_date) / 86400e6 AS gap_days
    FROM report_books
    WHERE status = 3
      AND user_id IS NOT NULL
),
regulars AS (
    SELECT
        salon_id,
        user_id,
        count(*)                   AS visits,
        max(booking_date)          AS last_visit,
        quantile_cont(gap_days, 0.5) AS usual_interval_days
    FROM visits
    GROUP BY salon_id, user_id
    HAVING count(*) >= 3
),
holding AS (
    SELECT DISTINCT b.salon_id, b.user_id
    FROM report_books AS b
    JOIN report_salons AS s USING (salon_id)
    WHERE b.status IN (1, 2)
      AND b.booking_date > s.at_local
      AND b.user_id IS NOT NULL
)
SELECT
    salon_id,
    user_id,
    visits,
    last_visit,
    usual_interval_days,
    days_since
FROM (
    SELECT
        r.*,
        date_diff('microsecond', r.last_visit, s.at_local) / 86400e6 AS days_since
    FROM regulars AS r
    JOIN report_salons AS s USING (salon_id)
    ANTI JOIN holding AS h ON h.salon_id = r.salon_id AND h.user_id = r.user_id
)
WHERE days_since > 1.5 * usual_interval_days
ORDER BY salon_id, days_since / nullif(usual_interval_days, 0) DESC NULLS FIRST, user_id;
