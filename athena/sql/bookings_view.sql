-- name: bookings (Athena view)
-- params: none; reads the events view (events_view.sql).
--
-- One row per booking, by the rules of the DuckDB view
-- (queries/sql/bookings_view.sql): the fields of its latest event by
-- occurred_at, on a tie the higher status, then the higher event_id; plus
-- created_at (its first event), status_since (the last event whose status
-- differs from the event before it), canceled_at and completed_at
-- (status_since when the booking is canceled, completed), event_count.
WITH ordered AS (
    SELECT
        e.*,
        lag(status) OVER (
            PARTITION BY booking_id
            ORDER BY occurred_at, status, event_id
        ) AS previous_status,
        row_number() OVER (
            PARTITION BY booking_id
            ORDER BY occurred_at DESC, status DESC, event_id DESC
        ) AS latest_rank
    FROM events e
),
per_booking AS (
    SELECT
        booking_id,
        max(occurred_at) AS updated_at,
        min(occurred_at) AS created_at,
        max(occurred_at) FILTER (WHERE previous_status IS DISTINCT FROM status) AS status_since,
        count(*)         AS event_count
    FROM ordered
    GROUP BY booking_id
)
SELECT
    l.booking_id,
    l.salon_id,
    l.user_id,
    l.employee_id,
    l.payment_id,
    l.service,
    l.amount_cents,
    l.booking_date,
    l.status,
    l.event_type AS last_event_type,
    p.updated_at,
    p.created_at,
    p.status_since,
    CASE WHEN l.status = 4 THEN p.status_since END AS canceled_at,
    CASE WHEN l.status = 3 THEN p.status_since END AS completed_at,
    p.event_count
FROM ordered l
JOIN per_booking p ON p.booking_id = l.booking_id
WHERE l.latest_rank = 1
