-- name: period_figures
-- params: none; reads report_scope.
--
-- Lead time and money per salon and period. Lead time is booking_date minus
-- created_at (both in the salon's wall time) in fractional days over all
-- bookings, as continuous quantiles; revenue and the average ticket are the
-- sum and mean of amount_cents over completed bookings, NULL when none of
-- them carries an amount. lost_revenue_cents is the sum of amount_cents
-- over the no-shows and the late cancellations (headline.sql's rule): 0
-- when there are none, NULL when none of the period's bookings carries an
-- amount.
SELECT
    salon_id,
    period,
    quantile_cont(lead_days, 0.5)                                  AS lead_time_days_median,
    quantile_cont(lead_days, 0.9)                                  AS lead_time_days_p90,
    CAST(sum(amount_cents) FILTER (WHERE status = 3) AS BIGINT)    AS revenue_cents,
    avg(amount_cents) FILTER (WHERE status = 3)                    AS avg_ticket_cents,
    CASE WHEN count(amount_cents) > 0 THEN
        coalesce(CAST(sum(amount_cents) FILTER (WHERE lost) AS BIGINT), 0)
    END                                                            AS lost_revenue_cents
FROM (
    SELECT
        salon_id,
        period,
        status,
        amount_cents,
        status = 5 OR (status = 4 AND canceled_local > booking_date - INTERVAL 24 HOUR) AS lost,
        date_diff('microsecond', created_local, booking_date) / 86400e6 AS lead_days
    FROM report_scope
)
GROUP BY salon_id, period
ORDER BY salon_id, period;
