-- name: clients
-- params: none; reads report_scope.
--
-- Distinct clients (user_id) per salon and period, the new ones (earliest
-- booking at the salon, any status, in the period), and for the rebooking
-- rate: the clients with a completed booking in the period, and those of
-- them holding a booking, neither canceled nor no-show, dated after their
-- last completed one in the period (at any date, also beyond the period).
WITH per_client AS (
    SELECT
        salon_id,
        period,
        user_id,
        bool_or(first_visit_in_period)               AS is_new,
        max(booking_date) FILTER (WHERE status = 3)  AS last_completed,
        max(client_last_active)                      AS last_active
    FROM report_scope
    WHERE user_id IS NOT NULL
    GROUP BY salon_id, period, user_id
)
SELECT
    salon_id,
    period,
    count(*)                                            AS clients,
    count(*) FILTER (WHERE is_new)                      AS new_clients,
    count(*) FILTER (WHERE last_completed IS NOT NULL)  AS completed_clients,
    count(*) FILTER (WHERE last_active > last_completed) AS rebooked_clients
FROM per_client
GROUP BY salon_id, period
ORDER BY salon_id, period;
