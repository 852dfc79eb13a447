-- name: rebooking_before
-- params: none; reads report_books and report_salons.
--
-- previous.rebooking_rate in the state at R - the period's length, so that
-- the previous period has had exactly as long to rebook as this one has
-- had by R (in the state at R it would have had a period more, and the
-- rate would fall every week although nothing changed). Otherwise the rule
-- of clients.sql: of the clients with a completed booking in the previous
-- period, those holding a booking, neither canceled nor no-show, dated
-- after their last completed one in it.
WITH per_client AS (
    SELECT
        b.salon_id,
        b.user_id,
        max(b.period_before_date) FILTER (
            WHERE b.period_before_status = 3
              AND b.period_before_date >= s.previous_from
              AND b.period_before_date < s.period_from
        ) AS last_completed,
        max(b.period_before_date) FILTER (WHERE b.period_before_status IN (1, 2, 3)) AS last_active
    FROM report_books AS b
    JOIN report_salons AS s USING (salon_id)
    WHERE b.user_id IS NOT NULL
    GROUP BY b.salon_id, b.user_id
)
SELECT
    salon_id,
    count(*) FILTER (WHERE last_completed IS NOT NULL)   AS completed_clients,
    count(*) FILTER (WHERE last_active > last_completed) AS rebooked_clients
FROM per_client
GROUP BY salon_id
ORDER BY salon_id;
