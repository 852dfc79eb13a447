-- name: staff
-- params: none; reads report_scope.
--
-- The current period's bookings per employee (of the booking's latest
-- event), by latest status, with the revenue of the completed ones (NULL
-- when none carries an amount). Bookings without an employee are left out.
SELECT
    salon_id,
    employee_id,
    count(*)                                                    AS bookings,
    count(*) FILTER (WHERE status = 3)                          AS completed,
    count(*) FILTER (WHERE status = 4)                          AS canceled,
    count(*) FILTER (WHERE status = 5)                          AS no_show,
    CAST(sum(amount_cents) FILTER (WHERE status = 3) AS BIGINT) AS revenue_cents
FROM report_scope
WHERE period = 'current'
  AND employee_id IS NOT NULL
GROUP BY salon_id, employee_id
ORDER BY salon_id, employee_id;
