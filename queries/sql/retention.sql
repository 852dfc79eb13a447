-- name: retention
-- params: none; reads report_scope.
--
-- retention_rate per salon: of the clients with a completed visit in the
-- previous period, those with a completed visit in this period too.
SELECT
    salon_id,
    count(*) FILTER (WHERE came_before)                AS previous_clients,
    count(*) FILTER (WHERE came_before AND came_again) AS retained_clients
FROM (
    SELECT
        salon_id,
        user_id,
        bool_or(period = 'previous') AS came_before,
        bool_or(period = 'current')  AS came_again
    FROM report_scope
    WHERE status = 3
      AND user_id IS NOT NULL
    GROUP BY salon_id, user_id
)
GROUP BY salon_id
ORDER BY salon_id;
